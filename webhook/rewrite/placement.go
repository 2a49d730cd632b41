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
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// rewritePlacement removes the NVIDIA scheduling (node-selector entries,
// node-affinity expressions and tolerations whose key starts with one of
// removeKeyPrefixes) and adds the profile's.
func rewritePlacement(spec *corev1.PodSpec, p *v1alpha1.PlacementSpec) {
	spec.NodeSelector = rewriteNodeSelector(spec.NodeSelector, p)
	spec.Affinity = stripNodeAffinity(spec.Affinity, p.RemoveKeyPrefixes)
	spec.Affinity = mergeNodeAffinity(spec.Affinity, p.Affinity)
	spec.Tolerations = rewriteTolerations(spec.Tolerations, p)
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// rewriteNodeSelector drops the removed keys and adds the profile's entries;
// on the same key the profile wins, since placement is the profile's job.
func rewriteNodeSelector(sel map[string]string, p *v1alpha1.PlacementSpec) map[string]string {
	maps.DeleteFunc(sel, func(k, _ string) bool { return hasAnyPrefix(k, p.RemoveKeyPrefixes) })
	if len(p.NodeSelector) > 0 {
		if sel == nil {
			sel = make(map[string]string, len(p.NodeSelector))
		}
		maps.Copy(sel, p.NodeSelector)
	}
	if len(sel) == 0 {
		return nil
	}
	return sel
}

// stripNodeAffinity removes node-affinity expressions on removed keys.
// Required terms are ORed: a term left empty meant "any node" once its
// NVIDIA expressions are gone, so the whole required selector goes (an
// empty term would match no node at all). Preferred terms left empty go.
func stripNodeAffinity(a *corev1.Affinity, prefixes []string) *corev1.Affinity {
	if a == nil || a.NodeAffinity == nil {
		return a
	}
	na := a.NodeAffinity
	if req := na.RequiredDuringSchedulingIgnoredDuringExecution; req != nil {
		for i := range req.NodeSelectorTerms {
			if stripTerm(&req.NodeSelectorTerms[i], prefixes) {
				na.RequiredDuringSchedulingIgnoredDuringExecution = nil
				break
			}
		}
	}
	var preferred []corev1.PreferredSchedulingTerm
	for _, p := range na.PreferredDuringSchedulingIgnoredDuringExecution {
		if !stripTerm(&p.Preference, prefixes) {
			preferred = append(preferred, p)
		}
	}
	na.PreferredDuringSchedulingIgnoredDuringExecution = preferred
	if na.RequiredDuringSchedulingIgnoredDuringExecution == nil && na.PreferredDuringSchedulingIgnoredDuringExecution == nil {
		a.NodeAffinity = nil
	}
	if a.NodeAffinity == nil && a.PodAffinity == nil && a.PodAntiAffinity == nil {
		return nil
	}
	return a
}

// stripTerm removes the expressions on removed keys and reports whether
// removing them left the term empty.
func stripTerm(t *corev1.NodeSelectorTerm, prefixes []string) (emptied bool) {
	before := len(t.MatchExpressions)
	t.MatchExpressions = slices.DeleteFunc(t.MatchExpressions,
		func(r corev1.NodeSelectorRequirement) bool { return hasAnyPrefix(r.Key, prefixes) })
	if len(t.MatchExpressions) == 0 {
		t.MatchExpressions = nil
	}
	return len(t.MatchExpressions) < before && len(t.MatchExpressions) == 0 && len(t.MatchFields) == 0
}

// mergeNodeAffinity adds the profile's node affinity: its required terms are
// ANDed into every pod term (the pod keeps its own OR, the profile's
// constraint holds in each branch), its preferred terms are appended. Pod
// (anti-)affinity in the profile is not used.
func mergeNodeAffinity(a *corev1.Affinity, add *corev1.Affinity) *corev1.Affinity {
	if add == nil || add.NodeAffinity == nil {
		return a
	}
	if a == nil {
		a = &corev1.Affinity{}
	}
	if a.NodeAffinity == nil {
		a.NodeAffinity = &corev1.NodeAffinity{}
	}
	na, extra := a.NodeAffinity, add.NodeAffinity
	if req := extra.RequiredDuringSchedulingIgnoredDuringExecution; req != nil && len(req.NodeSelectorTerms) > 0 {
		na.RequiredDuringSchedulingIgnoredDuringExecution = andSelectors(na.RequiredDuringSchedulingIgnoredDuringExecution, req)
	}
	for _, p := range extra.PreferredDuringSchedulingIgnoredDuringExecution {
		na.PreferredDuringSchedulingIgnoredDuringExecution = append(na.PreferredDuringSchedulingIgnoredDuringExecution, *p.DeepCopy())
	}
	return a
}

// andSelectors returns (pod terms) AND (profile terms) in disjunctive form:
// one term per pair, with both terms' requirements.
func andSelectors(pod, profile *corev1.NodeSelector) *corev1.NodeSelector {
	if pod == nil || len(pod.NodeSelectorTerms) == 0 {
		return profile.DeepCopy()
	}
	out := &corev1.NodeSelector{}
	for _, pt := range pod.NodeSelectorTerms {
		for _, qt := range profile.NodeSelectorTerms {
			t := *pt.DeepCopy()
			q := qt.DeepCopy()
			t.MatchExpressions = append(t.MatchExpressions, q.MatchExpressions...)
			t.MatchFields = append(t.MatchFields, q.MatchFields...)
			out.NodeSelectorTerms = append(out.NodeSelectorTerms, t)
		}
	}
	return out
}

// rewriteTolerations drops tolerations of removed keys and appends the
// profile's that the pod does not already have.
func rewriteTolerations(tols []corev1.Toleration, p *v1alpha1.PlacementSpec) []corev1.Toleration {
	tols = slices.DeleteFunc(tols, func(t corev1.Toleration) bool {
		return t.Key != "" && hasAnyPrefix(t.Key, p.RemoveKeyPrefixes)
	})
	for _, t := range p.Tolerations {
		if !slices.ContainsFunc(tols, func(have corev1.Toleration) bool { return equality.Semantic.DeepEqual(have, t) }) {
			tols = append(tols, *t.DeepCopy())
		}
	}
	if len(tols) == 0 {
		return nil
	}
	return tols
}

// rewriteRuntimeClass drops a runtime class the profile removes (the vLLM
// production stack sets "nvidia") and sets the profile's, if it names one,
// on a pod that is left without one. A pod's other runtime class (e.g. a
// sandbox) is its own choice and stays.
func rewriteRuntimeClass(spec *corev1.PodSpec, r *v1alpha1.RuntimeClassSpec) {
	if spec.RuntimeClassName != nil && slices.Contains(r.Remove, *spec.RuntimeClassName) {
		spec.RuntimeClassName = nil
	}
	if spec.RuntimeClassName == nil && r.Name != "" {
		name := r.Name
		spec.RuntimeClassName = &name
	}
}
