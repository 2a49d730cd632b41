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
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// profileSet is the facts' profiles as the webhook resolves pods against
// them (defaulted, selectors compiled): the one built for the Run, else a
// new one.
func profileSet(f *Facts) *profile.Set {
	if f.profiles != nil {
		return f.profiles
	}
	return newProfileSet(f)
}

func newProfileSet(f *Facts) *profile.Set {
	cands := make([]*profile.Candidate, len(f.Profiles.Items))
	for i := range f.Profiles.Items {
		cands[i] = profile.NewCandidate(&f.Profiles.Items[i])
	}
	return profile.NewSet(cands)
}

// withProfileSet is a copy of the facts that holds their profile set, so
// that the checks of one Run, which resolve every workload's profile more
// than once, build it once. The facts themselves are not changed.
func withProfileSet(f *Facts) *Facts {
	run := *f
	run.profiles = newProfileSet(f)
	return &run
}

// namespaceLabels are the labels of a namespace the facts hold.
func namespaceLabels(f *Facts, name string) map[string]string {
	for _, ns := range f.Namespaces.Items {
		if ns.Name == name {
			return ns.Labels
		}
	}
	return nil
}

// Resolve is the profile the webhook gives the pods of a template in the
// namespace, and how it was chosen (profile.Set.Resolve: the webhook's own
// code, on the facts' profiles and namespace labels).
func Resolve(f *Facts, namespace string, tmpl *corev1.PodTemplateSpec) profile.Resolution {
	return profileSet(f).Resolve(rewrite.SubjectOf(&tmpl.ObjectMeta, &tmpl.Spec, namespaceLabels(f, namespace)))
}

func (w *Workload) resolve(f *Facts) profile.Resolution { return Resolve(f, w.Namespace, &w.Template) }

// chosen names a resolved profile and says how it was chosen.
func chosen(r profile.Resolution) string {
	switch r.Source {
	case profile.SourceAnnotation:
		return fmt.Sprintf("SGLangProfile %s, named by the pod template's %s annotation", r.Name, v1alpha1.AnnotationProfile)
	case profile.SourceSelector:
		return fmt.Sprintf("SGLangProfile %s, %s", r.Name, r.Why())
	case profile.SourceDefault:
		return fmt.Sprintf("SGLangProfile %s: no profile's selector matches", r.Name)
	}
	return "no SGLangProfile"
}

// selectingProfiles are the names of the profiles with a spec.selector.
func selectingProfiles(f *Facts) []string {
	var names []string
	for _, p := range sortedProfiles(f) {
		if p.Spec.Selector != nil {
			names = append(names, p.Name)
		}
	}
	return names
}
