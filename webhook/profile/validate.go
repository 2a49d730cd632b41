/*
Copyright 2026 The vllm-to-sglang Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package profile

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// The patterns of the CRD schema (kubebuilder markers in api/v1alpha1).
var (
	resourceNamePattern = regexp.MustCompile(`^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`)
	vllmFlagPattern     = regexp.MustCompile(`^--[a-z0-9][a-z0-9-.]*$`)
	sglangFlagPattern   = regexp.MustCompile(`^--[a-z0-9][a-z0-9-]*$`)
	fractionPattern     = regexp.MustCompile(`^0?\.[0-9]{1,3}$`)
)

const (
	maxRuntimeClassNameLength = 253
	minMaxBodyBytes           = 1024
	minHostNetworkSGLangPort  = 1024
	maxHostNetworkSGLangPort  = 65535
)

var pullPolicies = []corev1.PullPolicy{corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever}

// Validate checks a defaulted profile against the CRD's schema rules (enums,
// patterns, minimums, list uniqueness, the CEL rules) plus checks the schema
// cannot express but a pod would fail on later: env var names, positive
// sizes and durations, SGLang flags that do not exist (args.extra,
// override targets), label selectors and model patterns (a regular
// expression that does not compile, with where it fails).
func Validate(p *v1alpha1.SGLangProfile) field.ErrorList {
	var errs field.ErrorList
	if p.Name == "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "name"), ""))
	} else {
		for _, msg := range validation.IsDNS1123Subdomain(p.Name) {
			errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), p.Name, msg))
		}
	}
	spec := field.NewPath("spec")
	s := &p.Spec
	errs = append(errs, validateImage(spec, s)...)
	release, releaseErrs := validateRelease(spec, s)
	errs = append(errs, releaseErrs...)
	errs = append(errs, validateGPU(spec.Child("gpu"), &s.GPU)...)
	errs = append(errs, validateEnv(spec.Child("env"), &s.Env)...)
	errs = append(errs, uniqueStrings(spec.Child("placement", "removeKeyPrefixes"), s.Placement.RemoveKeyPrefixes)...)
	if s.ShmSize != nil && s.ShmSize.Sign() <= 0 {
		errs = append(errs, field.Invalid(spec.Child("shmSize"), s.ShmSize.String(), "must be greater than zero"))
	}
	errs = append(errs, validateRuntimeClass(spec.Child("runtimeClass"), &s.RuntimeClass)...)
	errs = append(errs, validateArgs(spec.Child("args"), &s.Args, release.Catalog)...)
	if len(errs) == 0 {
		errs = append(errs, validateArgsAgainstSGLang(spec.Child("args"), &s.Args, release.Catalog)...)
	}
	errs = append(errs, validateProxy(spec.Child("proxy"), &s.Proxy)...)
	if s.Selector != nil {
		_, selErrs := CompileSelector(spec.Child("selector"), s.Selector)
		errs = append(errs, selErrs...)
	}
	return errs
}

func validateImage(spec *field.Path, s *v1alpha1.SGLangProfileSpec) field.ErrorList {
	var errs field.ErrorList
	switch {
	case s.Image == "":
		errs = append(errs, field.Required(spec.Child("image"), "the SGLang image is required"))
	case strings.Contains(s.Image, " "):
		errs = append(errs, field.Invalid(spec.Child("image"), s.Image, "image must not contain spaces"))
	}
	return append(errs, pullPolicy(spec.Child("imagePullPolicy"), s.ImagePullPolicy)...)
}

// validateRelease resolves the SGLang release the profile runs. A release
// older than every supported one is refused with the supported list, on
// the field it came from.
func validateRelease(spec *field.Path, s *v1alpha1.SGLangProfileSpec) (sglang.Release, field.ErrorList) {
	release, err := Release(s)
	if err == nil {
		return release, nil
	}
	p, v := spec.Child("sglangVersion"), s.SGLangVersion
	var unsupported *sglang.UnsupportedError
	if errors.As(err, &unsupported) && unsupported.Source == sglang.SourceImageTag {
		p, v = spec.Child("image"), s.Image
	}
	return sglang.Release{}, field.ErrorList{field.Invalid(p, v, err.Error())}
}

func validateGPU(path *field.Path, g *v1alpha1.GPUSpec) field.ErrorList {
	var errs field.ErrorList
	if !resourceNamePattern.MatchString(g.ResourceName) {
		errs = append(errs, field.Invalid(path.Child("resourceName"), g.ResourceName,
			"must be an extended resource name such as amd.com/gpu"))
	}
	return append(errs, uniqueStrings(path.Child("replacePrefixes"), g.ReplacePrefixes)...)
}

func validateEnv(path *field.Path, e *v1alpha1.EnvSpec) field.ErrorList {
	var errs field.ErrorList
	seen := sets.New[string]()
	for i, v := range e.Add {
		p := path.Child("add").Index(i).Child("name")
		switch {
		case v.Name == "":
			errs = append(errs, field.Required(p, ""))
		case seen.Has(v.Name):
			errs = append(errs, field.Duplicate(p, v.Name))
		default:
			for _, msg := range validation.IsEnvVarName(v.Name) {
				errs = append(errs, field.Invalid(p, v.Name, msg))
			}
		}
		seen.Insert(v.Name)
	}
	errs = append(errs, uniqueStrings(path.Child("removeNames"), e.RemoveNames)...)
	return append(errs, uniqueStrings(path.Child("removePrefixes"), e.RemovePrefixes)...)
}

func validateRuntimeClass(path *field.Path, r *v1alpha1.RuntimeClassSpec) field.ErrorList {
	errs := uniqueStrings(path.Child("remove"), r.Remove)
	if len(r.Name) > maxRuntimeClassNameLength {
		errs = append(errs, field.TooLong(path.Child("name"), r.Name, maxRuntimeClassNameLength))
	}
	return errs
}

// validateArgs checks the argument policy; release is nil when the
// profile's release could not be resolved.
func validateArgs(path *field.Path, a *v1alpha1.ArgPolicy, release *sglang.Catalog) field.ErrorList {
	var errs field.ErrorList
	seen := sets.New[string]()
	for i, o := range a.Overrides {
		errs = append(errs, validateOverride(path.Child("overrides").Index(i), o, seen, release)...)
		seen.Insert(o.Flag)
	}
	errs = append(errs, enum(path.Child("unsafeFlags"), a.UnsafeFlags,
		v1alpha1.UnsafeFlagWarn, v1alpha1.UnsafeFlagReject)...)
	return append(errs, validateGPUMemory(path.Child("gpuMemoryUtilization"), &a.GPUMemoryUtilization)...)
}

// validateArgsAgainstSGLang runs the translator once with the profile's
// argument policy: it refuses extra arguments and override targets SGLang
// does not have, which no schema rule can know. The API server accepts such
// a profile; the webhook then refuses the pods that use it, with this reason.
func validateArgsAgainstSGLang(path *field.Path, a *v1alpha1.ArgPolicy, release *sglang.Catalog) field.ErrorList {
	inv, reason := argv.Detect([]string{"vllm", "serve", "model"}, nil, "")
	if reason != argv.NotSkipped {
		return field.ErrorList{field.InternalError(path, fmt.Errorf("probe command not detected: %s", reason))}
	}
	if _, err := argv.Translate(inv, argv.Options{Policy: ArgvPolicy(a), Release: release}); err != nil {
		return field.ErrorList{field.Invalid(path, "", err.Error())}
	}
	return nil
}

func validateOverride(path *field.Path, o v1alpha1.FlagOverride, seen sets.Set[string], release *sglang.Catalog) field.ErrorList {
	var errs field.ErrorList
	switch {
	case !vllmFlagPattern.MatchString(o.Flag):
		errs = append(errs, field.Invalid(path.Child("flag"), o.Flag, "must be a long vLLM flag such as --block-size"))
	case seen.Has(o.Flag):
		errs = append(errs, field.Duplicate(path.Child("flag"), o.Flag))
	}
	errs = append(errs, enum(path.Child("action"), o.Action,
		v1alpha1.FlagDrop, v1alpha1.FlagReject, v1alpha1.FlagPass, v1alpha1.FlagRename)...)
	if o.Action == v1alpha1.FlagRename && o.SGLangFlag == "" {
		errs = append(errs, field.Required(path.Child("sglangFlag"), "sglangFlag is required when action is Rename"))
	}
	if o.SGLangFlag != "" && !sglangFlagPattern.MatchString(o.SGLangFlag) {
		errs = append(errs, field.Invalid(path.Child("sglangFlag"), o.SGLangFlag, "must be a long SGLang flag such as --page-size"))
	}
	// Beyond the schema: the SGLang flag the value goes to must exist.
	switch {
	case o.Action == v1alpha1.FlagRename && o.SGLangFlag != "" && !sglangHas(release, o.SGLangFlag):
		errs = append(errs, field.Invalid(path.Child("sglangFlag"), o.SGLangFlag, "SGLang "+releaseName(release)+" has no such flag"))
	case o.Action == v1alpha1.FlagPass && vllmFlagPattern.MatchString(o.Flag) && !sglangHas(release, o.Flag):
		errs = append(errs, field.Invalid(path.Child("flag"), o.Flag, "action Pass needs a flag SGLang "+releaseName(release)+" has too"))
	}
	return errs
}

// sglangHas looks a flag up in the release, or in any supported release
// when the profile's release is unknown (its own error is reported).
func sglangHas(release *sglang.Catalog, flag string) bool {
	if release == nil {
		_, ok := sglang.AnyFlag(flag)
		return ok
	}
	return release.Has(flag)
}

func releaseName(release *sglang.Catalog) string {
	if release == nil {
		return "(any supported release)"
	}
	return release.Version().String()
}

func validateGPUMemory(path *field.Path, g *v1alpha1.GPUMemoryPolicy) field.ErrorList {
	errs := enum(path.Child("mode"), g.Mode,
		v1alpha1.GPUMemoryTranslate, v1alpha1.GPUMemoryOmit, v1alpha1.GPUMemoryFixed)
	errs = append(errs, fraction(path.Child("offset"), g.Offset)...)
	errs = append(errs, fraction(path.Child("memFractionStatic"), g.MemFractionStatic)...)
	if g.Mode == v1alpha1.GPUMemoryFixed && g.MemFractionStatic == "" {
		errs = append(errs, field.Required(path.Child("memFractionStatic"),
			"args.gpuMemoryUtilization.memFractionStatic is required when mode is Fixed"))
	}
	return errs
}

func validateProxy(path *field.Path, p *v1alpha1.ProxySpec) field.ErrorList {
	errs := pullPolicy(path.Child("imagePullPolicy"), p.ImagePullPolicy)
	if strings.Contains(p.Image, " ") {
		errs = append(errs, field.Invalid(path.Child("image"), p.Image, "image must not contain spaces"))
	}
	errs = append(errs, enum(path.Child("metricsMode"), p.MetricsMode,
		v1alpha1.MetricsTranslate, v1alpha1.MetricsPassthrough)...)
	errs = append(errs, uniqueStrings(path.Child("allowPaths"), p.AllowPaths)...)
	if p.MaxBodyBytes != nil && *p.MaxBodyBytes < minMaxBodyBytes {
		errs = append(errs, field.Invalid(path.Child("maxBodyBytes"), *p.MaxBodyBytes,
			"must be greater than or equal to 1024"))
	}
	if p.HostNetworkSGLangPort < minHostNetworkSGLangPort || p.HostNetworkSGLangPort > maxHostNetworkSGLangPort {
		errs = append(errs, field.Invalid(path.Child("hostNetworkSGLangPort"), p.HostNetworkSGLangPort,
			"must be between 1024 and 65535"))
	}
	return append(errs, validateHealth(path.Child("health"), &p.Health)...)
}

func validateHealth(path *field.Path, h *v1alpha1.HealthSpec) field.ErrorList {
	var errs field.ErrorList
	if !strings.HasPrefix(h.Path, "/") {
		errs = append(errs, field.Invalid(path.Child("path"), h.Path, "must start with /"))
	}
	if h.Interval != nil && h.Interval.Duration <= 0 {
		errs = append(errs, field.Invalid(path.Child("interval"), h.Interval.Duration.String(), "must be positive"))
	}
	if h.Timeout != nil && h.Timeout.Duration <= 0 {
		errs = append(errs, field.Invalid(path.Child("timeout"), h.Timeout.Duration.String(), "must be positive"))
	}
	if h.Fall < 1 {
		errs = append(errs, field.Invalid(path.Child("fall"), h.Fall, "must be greater than or equal to 1"))
	}
	if h.Rise < 1 {
		errs = append(errs, field.Invalid(path.Child("rise"), h.Rise, "must be greater than or equal to 1"))
	}
	return errs
}

func pullPolicy(path *field.Path, v corev1.PullPolicy) field.ErrorList {
	if v == "" {
		return nil
	}
	return enum(path, v, pullPolicies...)
}

func enum[T ~string](path *field.Path, v T, allowed ...T) field.ErrorList {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return field.ErrorList{field.NotSupported(path, v, allowed)}
}

func fraction(path *field.Path, v string) field.ErrorList {
	if v == "" || fractionPattern.MatchString(v) {
		return nil
	}
	return field.ErrorList{field.Invalid(path, v, "must be a fraction with up to 3 decimals, e.g. 0.85")}
}

// uniqueStrings enforces +listType=set.
func uniqueStrings(path *field.Path, values []string) field.ErrorList {
	var errs field.ErrorList
	seen := sets.New[string]()
	for i, v := range values {
		if seen.Has(v) {
			errs = append(errs, field.Duplicate(path.Index(i), v))
		}
		seen.Insert(v)
	}
	return errs
}
