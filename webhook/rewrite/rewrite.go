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

package rewrite

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
	profilepkg "github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

const (
	// annotationMirror marks the API mirror of a static pod.
	annotationMirror = "kubernetes.io/config.mirror"
	// annotationDefaultContainer is where kubectl logs/exec go by default.
	annotationDefaultContainer = "kubectl.kubernetes.io/default-container"
)

// Options are the caller's settings for one rewrite.
type Options struct {
	// ProfileName is recorded in the status annotation.
	ProfileName string
	// ProxyImage is the sglang-proxy image when the profile names none.
	ProxyImage string
}

// ErrNoProxyImage means neither the profile nor the options name a proxy image.
var ErrNoProxyImage = errors.New("no proxy image: set the profile's spec.proxy.image or the --proxy-image option")

// Rewrite rewrites a pod, or the metadata and spec of a pod template, in
// place. The profile spec should be defaulted (SGLangProfileSpec.Default);
// one that is not is defaulted on a copy.
//
// It returns a Report whether it rewrote the pod or left it alone (then the
// pod is unchanged). It returns a *RejectedError, and leaves the pod
// unchanged, when the profile refuses what the pod asks for, and another
// error only for a configuration fault (a bad profile, or no proxy image for
// a pod it would rewrite; pods it leaves alone never get that error).
func Rewrite(meta *metav1.ObjectMeta, spec *corev1.PodSpec, profile *v1alpha1.SGLangProfileSpec, opts Options) (*Report, error) {
	if !defaulted(profile) {
		profile = profile.DeepCopy()
		profile.Default()
	}
	vllm, report := screen(meta, spec, &profile.GPU)
	if report != nil {
		return report, nil
	}
	plan, report, err := planRewrite(spec, vllm, profile)
	if err != nil || plan == nil {
		return report, err
	}
	// Checked only for a pod that would be rewritten: a configuration
	// fault must not block the pods that are left alone anyway.
	proxyImage := profile.Proxy.Image
	if proxyImage == "" {
		proxyImage = opts.ProxyImage
	}
	if proxyImage == "" {
		return nil, ErrNoProxyImage
	}
	plan.apply(meta, spec, profile, opts.ProfileName, proxyImage, report)
	return report, nil
}

// defaulted tells a defaulted profile spec by fields Default always sets.
func defaulted(p *v1alpha1.SGLangProfileSpec) bool {
	return p.GPU.ResourceName != "" && p.ShmSize != nil && p.Args.UnsafeFlags != "" &&
		p.Proxy.Health.Interval != nil && p.Proxy.Health.Timeout != nil && p.Proxy.FixToolSchemas != nil
}

// plan is everything decided before the pod is touched, so a rejection
// leaves it unchanged.
type plan struct {
	index      int // of the vLLM container in spec.Containers
	vllmPort   int32
	sglangPort int32
	// command and args replace the vLLM container's.
	command, args []string
	// sglangArgs are SGLang's server flags when known at admission.
	sglangArgs []string
	// atStart: the command is translated when it starts, by the launcher.
	atStart bool
	// apis are the management endpoints the proxy serves.
	apis managementAPIs
}

// planRewrite decides what to do with the vLLM container screen found: it
// translates the command and picks the ports, and changes nothing. A nil
// plan means the pod is skipped (the report says why) or rejected (err).
func planRewrite(spec *corev1.PodSpec, f vllmContainer, profile *v1alpha1.SGLangProfileSpec) (*plan, *Report, error) {
	index, inv := f.index, f.inv
	c := &spec.Containers[index]
	skip := func(r SkipReason, detail string) (*plan, *Report, error) {
		return nil, &Report{Outcome: Skipped, SkipReason: r, Detail: detail, Container: c.Name}, nil
	}
	refuse := func(r SkipReason, detail string) (*plan, *Report, error) {
		if profile.Args.UnsafeFlags == v1alpha1.UnsafeFlagReject {
			return nil, nil, &RejectedError{Container: c.Name, Reason: detail}
		}
		return skip(r, detail)
	}
	untranslatable := func(detail string) (*plan, *Report, error) { return refuse(SkipUntranslatable, detail) }
	atStart := inv.reason == argv.TranslateAtStart
	if inv.reason != argv.NotSkipped && !atStart {
		return untranslatable(inv.detail())
	}
	if atStart && launcherInUse(spec, c) {
		return untranslatable("the pod already has a volume named " + LauncherVolumeName + " or a mount at " + LauncherDir)
	}
	vllmPort, ok := servingPort(c, inv.Invocation, atStart)
	if !ok {
		return untranslatable("vLLM's --port is only known at run time, so the proxy cannot take it over")
	}
	sglangPort, taken, why := sglangPortFor(spec, &profile.Proxy, vllmPort)
	if taken != "" {
		return refuse(taken, why)
	}
	p := &plan{index: index, vllmPort: vllmPort, sglangPort: sglangPort, atStart: atStart}
	release, err := profilepkg.Release(profile)
	if err != nil {
		return nil, nil, fmt.Errorf("the profile's SGLang release: %w", err)
	}
	report := &Report{Outcome: Rewritten, Container: c.Name, ServingPort: vllmPort, SGLangPort: p.sglangPort, Release: release}
	if release.Warning != "" {
		report.Notes = append(report.Notes, release.Warning)
	}
	var apiNotes []string
	p.apis, apiNotes = managementAPIsOf(c, inv.Invocation, atStart)
	report.Notes = append(report.Notes, apiNotes...)
	if atStart {
		if p.command, p.args, err = inv.Route(LauncherWords(sglangHost, p.sglangPort)); err != nil {
			return nil, nil, fmt.Errorf("routing container %q through the launcher: %w", c.Name, err)
		}
		report.TranslatedAtStart = true
		report.Notes = append(report.Notes, atStartNote(c.Name, inv.Detail))
		return p, report, nil
	}
	res, err := argv.Translate(inv.Invocation, argv.Options{
		Policy: profilepkg.ArgvPolicy(&profile.Args), Host: sglangHost, Port: p.sglangPort, EnvNames: envNames(c.Env), Release: release.Catalog,
		ROCm: ROCm(&profile.GPU), RuntimeLoRAUpdating: p.apis.lora,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("translating container %q: %w", c.Name, err)
	}
	if rejected := res.Rejected(); len(rejected) > 0 {
		return nil, nil, &RejectedError{Container: c.Name, Findings: rejected}
	}
	p.command, p.args, p.sglangArgs = res.Command, res.Args, res.SGLangArgs
	report.Findings = res.Findings
	return p, report, nil
}

// ROCm tells a profile for AMD GPUs, which SGLang runs with ROCm.
func ROCm(g *v1alpha1.GPUSpec) bool { return strings.HasPrefix(g.ResourceName, "amd.com/") }

// servingPort is the port vLLM would listen on: --port, or 8000. For a
// command translated at start: a --port the script writes, else the port
// the container declares, else 8000.
func servingPort(c *corev1.Container, inv *argv.Invocation, atStart bool) (int32, bool) {
	if atStart {
		if port, ok := inv.LiteralPort(); ok {
			return port, true
		}
		for _, p := range c.Ports {
			if p.Protocol == "" || p.Protocol == corev1.ProtocolTCP {
				return p.ContainerPort, true
			}
		}
		return DefaultVLLMPort, true
	}
	a, ok := inv.Flag("--port")
	if !ok {
		return DefaultVLLMPort, true
	}
	if a.Opaque {
		return 0, false
	}
	n, err := strconv.ParseInt(a.Value(), 10, 32)
	if err != nil || n <= 0 || n > int64(maxPort) {
		return 0, false
	}
	return int32(n), true
}

// apply makes the planned changes; nothing in it can fail.
func (p *plan) apply(meta *metav1.ObjectMeta, spec *corev1.PodSpec, profile *v1alpha1.SGLangProfileSpec, profileName, proxyImage string, report *Report) {
	c := &spec.Containers[p.index]
	status := &Status{
		Profile: profileName, Container: c.Name, OriginalImage: c.Image,
		OriginalCommand: c.Command, OriginalArgs: c.Args,
		ServingPort: p.vllmPort, SGLangPort: p.sglangPort, TranslatedAtStart: p.atStart,
	}
	status.release(report.Release)
	status.flagLists(report.Findings)

	c.ImagePullPolicy = pullPolicy(c.ImagePullPolicy, c.Image, profile)
	c.Image = profile.Image
	c.Command, c.Args = p.command, p.args
	c.Env = rewriteEnv(c.Env, &profile.Env)
	if p.atStart {
		addLauncher(spec, c, profile, profileName, proxyImage, status)
	}
	report.Notes = append(report.Notes, rewriteGPU(c, &profile.GPU)...)

	serving := takeServingPort(c, p.vllmPort)
	if spec.HostNetwork {
		report.Notes = append(report.Notes, onNodeNetwork(c, status))
	}
	if retargetProbes(c, serving) {
		report.Notes = append(report.Notes, "a tcpSocket probe on the serving port now checks the proxy's /health, because the proxy accepts connections before SGLang is ready")
	}
	added, note := ensureShm(spec, c, *profile.ShmSize)
	if added != "" {
		status.InjectedVolumes = append(status.InjectedVolumes, added)
	}
	if note != "" {
		report.Notes = append(report.Notes, note)
	}
	rewritePlacement(spec, &profile.Placement)
	rewriteRuntimeClass(spec, &profile.RuntimeClass)
	strip, derived := stripParams(&profile.Proxy, p.sglangArgs)
	if derived {
		report.Notes = append(report.Notes, stripNote)
	}
	spec.InitContainers = append(spec.InitContainers,
		proxyContainer(&profile.Proxy, proxyImage, serving, p.sglangPort, spec.TerminationGracePeriodSeconds, strip, p.apis))
	status.InjectedContainers = append(status.InjectedContainers, v1alpha1.ProxyContainerName)

	if meta.Annotations[annotationDefaultContainer] == "" {
		setAnnotation(meta, annotationDefaultContainer, c.Name)
	}
	status.write(meta)
}
