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

package check

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/distribution/reference"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// CRDName is the SGLangProfile CustomResourceDefinition's name.
const CRDName = "sglangprofiles.shim.vllm-to-sglang.io"

const (
	installHint    = "install the chart: helm install vllm-to-sglang charts/vllm-to-sglang -n vllm-to-sglang-system --create-namespace (docs/chart.md)"
	pinnedExample  = "lmsysorg/sglang:v0.5.9-rocm700-mi30x"
	profileEditFmt = "fix it with kubectl edit sglangprofile %s; vllm-to-sglang rewrite --profile FILE validates a profile file offline"
)

func runProfiles(f *Facts, rs *results) {
	rs.add(crd(f))
	if !rs.passed(CheckCRD) {
		rs.add(skipped(GroupProfiles, CheckDefaultProfile, "", "the default SGLangProfile", "SGLangProfiles are not served"))
		return
	}
	if f.Profiles.Err != nil {
		rs.add(readFailed(GroupProfiles, CheckDefaultProfile, "SGLangProfiles", f.Profiles.Err))
		return
	}
	rs.add(defaultProfile(f))
	for _, p := range sortedProfiles(f) {
		rs.add(profileValid(&p), profileImage(&p), profileRelease(&p))
	}
}

func crd(f *Facts) Result {
	r := Result{Group: GroupProfiles, Check: CheckCRD, Status: Failed}
	gv := v1alpha1.GroupVersion.String()
	switch {
	case f.CRD.Served:
		r.Status = Passed
		r.Message = fmt.Sprintf("the SGLangProfile CRD is installed and served (%s)", gv)
	case f.CRD.Err != nil:
		return readFailed(GroupProfiles, CheckCRD, "the API server's discovery of "+gv, f.CRD.Err)
	case f.CRD.Installed:
		r.Message = fmt.Sprintf("the CRD %s exists but %s is not served: %s", CRDName, gv, f.CRD.NotEstablished)
		r.Hint = "kubectl get crd " + CRDName + " -o yaml shows its conditions; apply the chart's CRD again: kubectl apply -f charts/vllm-to-sglang/crds/"
	default:
		r.Message = fmt.Sprintf("the SGLangProfile CRD (%s) is not installed", CRDName)
		r.Hint = installHint + ", or apply the CRD alone: kubectl apply -f charts/vllm-to-sglang/crds/"
	}
	return r
}

// defaultProfile checks the profile pods get when they name none and no
// selector matches them. Without it those pods are left alone: right when
// the profiles with a selector are the models meant for SGLang (the
// chart's defaultProfile.enabled=false), a warning; without any selecting
// profile either, only pods that name a profile would be rewritten, a
// failure.
func defaultProfile(f *Facts) Result {
	r := Result{Group: GroupProfiles, Check: CheckDefaultProfile}
	if findProfile(f, v1alpha1.DefaultProfileName) != nil {
		r.Status = Passed
		r.Message = fmt.Sprintf("the SGLangProfile %q exists", v1alpha1.DefaultProfileName)
		return r
	}
	installHint := "the chart installs it (defaultProfile.enabled=true); or kubectl apply -f webhook/profile/default.yaml (the built-in MI300X profile)"
	if selecting := selectingProfiles(f); len(selecting) > 0 {
		r.Status = Warning
		r.Message = fmt.Sprintf("there is no SGLangProfile %q: vLLM pods that no profile selects, and that name none, are left alone (profiles with a selector: %s)",
			v1alpha1.DefaultProfileName, listNames(selecting))
		r.Hint = "right when only the models those profiles select are to run on SGLang (chart value defaultProfile.enabled=false); otherwise " + installHint
		return r
	}
	r.Status = Failed
	r.Message = fmt.Sprintf("there is no SGLangProfile %q and no profile has a spec.selector: only pods that name a profile with the %s annotation are rewritten, the others are left alone",
		v1alpha1.DefaultProfileName, v1alpha1.AnnotationProfile)
	r.Hint = installHint + "; or give profiles a spec.selector"
	return r
}

func profileValid(p *v1alpha1.SGLangProfile) Result {
	r := Result{Group: GroupProfiles, Check: CheckProfileValid, Subject: profileSubject(p.Name)}
	c := p.DeepCopy()
	c.Spec.Default() // as the webhook reads it
	errs := profile.Validate(c)
	if len(errs) == 0 {
		r.Status = Passed
		r.Message = fmt.Sprintf("SGLangProfile %q is valid", p.Name)
		return r
	}
	r.Status = Failed
	r.Message = fmt.Sprintf("SGLangProfile %q is invalid: pods using it are denied", p.Name)
	for _, e := range errs {
		r.Details = append(r.Details, e.Error())
	}
	r.Hint = fmt.Sprintf(profileEditFmt, p.Name)
	return r
}

func profileImage(p *v1alpha1.SGLangProfile) Result {
	r := Result{Group: GroupProfiles, Check: CheckProfileImage, Subject: profileSubject(p.Name), Status: Passed}
	images := []struct{ field, ref string }{{"spec.image", p.Spec.Image}}
	if p.Spec.Proxy.Image != "" {
		images = append(images, struct{ field, ref string }{"spec.proxy.image", p.Spec.Proxy.Image})
	}
	var pinned []string
	for _, img := range images {
		how, err := Pinned(img.ref)
		if err != nil {
			r.Status = Failed
			r.Details = append(r.Details, fmt.Sprintf("%s %q: %v", img.field, img.ref, err))
			continue
		}
		pinned = append(pinned, fmt.Sprintf("%s is pinned %s", img.ref, how))
	}
	if r.Status == Passed {
		r.Message = fmt.Sprintf("SGLangProfile %q: image %s", p.Name, strings.Join(pinned, ", "))
		return r
	}
	r.Message = fmt.Sprintf("SGLangProfile %q: image not pinned", p.Name)
	r.Hint = fmt.Sprintf("pin a released tag (%s) or a digest (REPOSITORY@sha256:...): a floating tag runs whatever it points to when a node pulls, so pods of one Deployment can run different SGLang releases; kubectl edit sglangprofile %s", pinnedExample, p.Name)
	return r
}

// profileRelease says which SGLang release the profile's commands are
// translated for, and where that came from.
func profileRelease(p *v1alpha1.SGLangProfile) Result {
	r := Result{Group: GroupProfiles, Check: CheckProfileRelease, Subject: profileSubject(p.Name)}
	release, err := profile.Release(&p.Spec)
	switch {
	case err != nil:
		r.Status = Failed
		r.Message = fmt.Sprintf("SGLangProfile %q: %v", p.Name, err)
		r.Hint = fmt.Sprintf("use an image of a supported SGLang release (%s), or set spec.sglangVersion to the release the image runs; kubectl edit sglangprofile %s",
			sglang.Supported(), p.Name)
	case release.Warning != "":
		r.Status = Warning
		r.Message = fmt.Sprintf("SGLangProfile %q: SGLang %s", p.Name, release)
		r.Details = []string{release.Warning}
		r.Hint = fmt.Sprintf("set spec.sglangVersion to the release the image runs (supported: %s); kubectl edit sglangprofile %s", sglang.Supported(), p.Name)
	default:
		r.Status = Passed
		r.Message = fmt.Sprintf("SGLangProfile %q: SGLang %s; commands are translated for that release's flags (supported: %s)",
			p.Name, release, sglang.Supported())
	}
	return r
}

// Errors of Pinned.
var (
	errLatest = errors.New(`the tag "latest" is not pinned`)
	errNoTag  = errors.New(`no tag or digest, which means "latest"`)
)

// Pinned parses an image reference the way container runtimes do
// (github.com/distribution/reference) and says how it is pinned: "pinned
// "by digest sha256:…" or "to a tag". A reference that does not parse, has
// neither tag nor digest, or is tagged latest is an error.
func Pinned(image string) (string, error) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return "", fmt.Errorf("not a valid image reference: %w", err)
	}
	if d, ok := named.(reference.Digested); ok {
		return "by digest " + shortDigest(d.Digest().String()), nil
	}
	tagged, ok := named.(reference.Tagged)
	switch {
	case !ok:
		return "", errNoTag
	case tagged.Tag() == "latest":
		return "", errLatest
	}
	return "to a tag", nil
}

func shortDigest(d string) string {
	const keep = len("sha256:") + 12
	if len(d) > keep {
		return d[:keep] + "…"
	}
	return d
}

func profileSubject(name string) string { return "SGLangProfile " + name }

func findProfile(f *Facts, name string) *v1alpha1.SGLangProfile {
	for i := range f.Profiles.Items {
		if f.Profiles.Items[i].Name == name {
			return &f.Profiles.Items[i]
		}
	}
	return nil
}

// defaultedProfile is the named profile's spec as the webhook uses it, or
// nil when there is no such profile.
func defaultedProfile(f *Facts, name string) *v1alpha1.SGLangProfileSpec {
	p := findProfile(f, name)
	if p == nil {
		return nil
	}
	spec := p.Spec.DeepCopy()
	spec.Default()
	return spec
}

func sortedProfiles(f *Facts) []v1alpha1.SGLangProfile {
	ps := slices.Clone(f.Profiles.Items)
	slices.SortFunc(ps, func(a, b v1alpha1.SGLangProfile) int { return strings.Compare(a.Name, b.Name) })
	return ps
}
