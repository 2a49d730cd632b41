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

package manifest

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/podpatch"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// Rewriter rewrites the pod templates of manifests with one profile, or
// with the profile each template resolves to among several.
type Rewriter struct {
	// Profile is the SGLangProfile to apply to every template (when
	// Profiles is nil); its spec must be defaulted.
	Profile *v1alpha1.SGLangProfile
	// Profiles, when set, are resolved for each template as the webhook
	// resolves them (profile.Set.Resolve): the profile the annotation names
	// (one not in the set is a *ProfileNotFoundError, as the webhook denies
	// the pod), else the selecting profile of the highest priority, else
	// the profile named "default", else none (the template is left alone).
	Profiles *profile.Set
	// NamespaceLabels are the labels of the namespace an object is in (its
	// metadata.namespace, maybe empty), for the profiles' namespace
	// selectors; nil: none.
	NamespaceLabels func(namespace string) map[string]string
	// ProxyImage is the sglang-proxy image when the profile names none.
	ProxyImage string
}

// Result is what happened to one pod template.
type Result struct {
	// Ref names the object holding the template, e.g. "Deployment default/web".
	Ref string
	// Report is the rewrite's report; nil when Err is set.
	Report *rewrite.Report
	// Err is a *rewrite.RejectedError when the profile refused the pod, a
	// *ProfileNotFoundError when the template names a profile the
	// Profiles lack, or another error when the template could not be read
	// or rewritten.
	Err error
	// ProfileRequested is the profile the pod template asks for with the
	// vllm-to-sglang.io/profile annotation, if any.
	ProfileRequested string
	// Resolution is how the template's profile was chosen (with Profiles).
	Resolution *profile.Resolution
	// Audit: the template is labelled vllm-to-sglang.io/rewrite=audit, so
	// its pods are audited, not rewritten: it is left unchanged.
	Audit bool
}

// ProfileNotFoundError is a template naming a profile the Rewriter's
// Profiles do not hold: the webhook denies such pods.
type ProfileNotFoundError struct{ Name string }

func (e *ProfileNotFoundError) Error() string {
	return fmt.Sprintf("the pod template names SGLangProfile %q (annotation %s), which is not among the profiles given; the webhook would deny its pods",
		e.Name, v1alpha1.AnnotationProfile)
}

// templatePaths are where each workload kind keeps its pod template, by
// API group and kind.
var templatePaths = map[string][]string{
	"/Pod":                   {},
	"/PodTemplate":           {"template"},
	"/ReplicationController": {"spec", "template"},
	"apps/Deployment":        {"spec", "template"},
	"apps/StatefulSet":       {"spec", "template"},
	"apps/ReplicaSet":        {"spec", "template"},
	"apps/DaemonSet":         {"spec", "template"},
	"extensions/Deployment":  {"spec", "template"},
	"extensions/ReplicaSet":  {"spec", "template"},
	"extensions/DaemonSet":   {"spec", "template"},
	"batch/Job":              {"spec", "template"},
	"batch/CronJob":          {"spec", "jobTemplate", "spec", "template"},
}

// Rewrite rewrites, in place, the pod templates in obj (and in the items of
// a List: kind: List, or a typed list like DeploymentList). It returns one
// result per pod template it found; objects of other kinds are left as they
// were and produce none.
func (r *Rewriter) Rewrite(obj *unstructured.Unstructured) []Result {
	if obj.IsList() {
		return r.rewriteList(obj)
	}
	gvk := obj.GroupVersionKind()
	path, ok := templatePaths[gvk.Group+"/"+gvk.Kind]
	if !ok {
		return nil
	}
	res := Result{Ref: Ref(obj)}
	template, err := templateOf(obj.Object, path)
	if err != nil {
		res.Err = err
		return []Result{res}
	}
	r.rewriteTemplate(template, obj.GetNamespace(), &res)
	return []Result{res}
}

func (r *Rewriter) rewriteList(list *unstructured.Unstructured) []Result {
	items, ok := list.Object["items"].([]any)
	if !ok {
		return nil
	}
	// The items of a typed list as the API returns it (a PodList) have no
	// kind or apiVersion: kubectl takes them from the list
	// (unstructured.UnstructuredJSONScheme's decodeToList), and so does the
	// rewrite, without writing them into the items.
	itemKind := strings.TrimSuffix(list.GetKind(), "List")
	var results []Result
	for i, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		u := &unstructured.Unstructured{Object: m}
		inferred := u.GetKind() == "" && u.GetAPIVersion() == "" && itemKind != ""
		if inferred {
			u.Object = maps.Clone(m)
			u.SetAPIVersion(list.GetAPIVersion())
			u.SetKind(itemKind)
		}
		results = append(results, r.Rewrite(u)...)
		if inferred {
			delete(u.Object, "apiVersion")
			delete(u.Object, "kind")
		}
		items[i] = u.Object
	}
	return results
}

// templateOf returns the map holding the pod template's metadata and spec.
// For a Pod that is the object itself.
func templateOf(obj map[string]any, path []string) (map[string]any, error) {
	cur := obj
	for i, key := range path {
		next, ok := cur[key].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("no pod template at .%s", strings.Join(path[:i+1], "."))
		}
		cur = next
	}
	return cur, nil
}

// rewriteTemplate rewrites one pod template map in place, writing back only
// what the rewrite changed: the template's metadata and spec are read as a
// Pod, rewritten, and the patch podpatch.Create computes between the two
// typed pods (the webhook's patch, for the same pod) is applied to the
// template as it was read, so fields the Go types do not know stay where
// they were.
func (r *Rewriter) rewriteTemplate(template map[string]any, namespace string, res *Result) {
	view := map[string]any{"metadata": template["metadata"], "spec": template["spec"]}
	raw, err := json.Marshal(view)
	if err != nil {
		res.Err = fmt.Errorf("encoding the pod template: %w", err)
		return
	}
	var original corev1.Pod
	if err := utiljson.Unmarshal(raw, &original); err != nil {
		res.Err = fmt.Errorf("reading the pod template: %w", err)
		return
	}
	res.ProfileRequested = original.Annotations[v1alpha1.AnnotationProfile]
	if original.Labels[v1alpha1.LabelRewrite] == v1alpha1.LabelRewriteAudit {
		res.Audit = true
		return
	}
	name, spec, done := r.profileOf(&original, namespace, res)
	if done {
		return
	}
	mutated := original.DeepCopy()
	report, err := rewrite.Rewrite(&mutated.ObjectMeta, &mutated.Spec, spec,
		rewrite.Options{ProfileName: name, ProxyImage: r.ProxyImage})
	res.Report, res.Err = report, err
	if err != nil || report.Outcome != rewrite.Rewritten {
		return
	}
	patched, err := patchTemplate(raw, &original, mutated)
	if err != nil {
		res.Report, res.Err = nil, fmt.Errorf("writing the rewritten pod template: %w", err)
		return
	}
	template["metadata"], template["spec"] = patched["metadata"], patched["spec"]
}

// profileOf picks the template's profile: the one Profile, or the one it
// resolves to among the Profiles. done: the result is decided (no profile,
// or a missing one).
func (r *Rewriter) profileOf(pod *corev1.Pod, namespace string, res *Result) (string, *v1alpha1.SGLangProfileSpec, bool) {
	if r.Profiles == nil {
		return r.Profile.Name, &r.Profile.Spec, false
	}
	var nsLabels map[string]string
	if r.NamespaceLabels != nil {
		nsLabels = r.NamespaceLabels(namespace)
	}
	resolution := r.Profiles.Resolve(rewrite.SubjectOf(&pod.ObjectMeta, &pod.Spec, nsLabels))
	res.Resolution = &resolution
	if resolution.Profile != nil {
		return resolution.Name, resolution.Profile.Spec, false
	}
	// As the webhook: left alone, or a missing profile.
	res.Report = rewrite.Unresolved(&pod.ObjectMeta, &pod.Spec, resolution)
	if res.Report == nil {
		res.Err = &ProfileNotFoundError{Name: resolution.Name}
	}
	return "", nil, true
}

// patchTemplate applies the patch from original to mutated to raw, the
// template's metadata and spec as read.
func patchTemplate(raw []byte, original, mutated *corev1.Pod) (map[string]any, error) {
	patch, err := podpatch.Create(original, mutated)
	if err != nil {
		return nil, err
	}
	out, err := podpatch.Apply(raw, patch)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := utiljson.Unmarshal(out, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// Ref names an object the way kubectl's messages do: Kind namespace/name.
func Ref(obj *unstructured.Unstructured) string {
	name := obj.GetName()
	if name == "" && obj.GetGenerateName() != "" {
		name = obj.GetGenerateName() + "*"
	}
	if ns := obj.GetNamespace(); ns != "" {
		name = ns + "/" + name
	}
	return obj.GetKind() + " " + name
}

// Messages are the lines a CLI prints about the result, kubectl style:
// "Warning: <ref>: <warning>" per warning, and "<ref>: not rewritten:
// <reason>" for a skipped template. profileName is the profile used, to
// flag a template that asks for another one. A failed result has none: its
// Err says what went wrong.
func (r Result) Messages(profileName string) []string {
	if r.Audit {
		return []string{fmt.Sprintf("%s: not rewritten: the pod template asks for an audit (label %s=%s): the webhook admits its pods unchanged but for the record of what it would do",
			r.Ref, v1alpha1.LabelRewrite, v1alpha1.LabelRewriteAudit)}
	}
	if r.Err != nil || r.Report == nil {
		return nil
	}
	var out []string
	rep := r.Report
	if rep.Outcome == rewrite.Skipped {
		line := fmt.Sprintf("%s: not rewritten: %s", r.Ref, rep.SkipReason.Sentence())
		if rep.Detail != "" && !rep.SkipReason.Warns() {
			line += " (" + rep.Detail + ")"
		}
		out = append(out, line)
	}
	if res := r.Resolution; res != nil && res.Profile != nil {
		if rep.Outcome == rewrite.Rewritten {
			out = append(out, fmt.Sprintf("%s: SGLangProfile %s, %s", r.Ref, res.Name, res.Why()))
		}
		if w := res.Warning(); w != "" && (rep.Outcome == rewrite.Rewritten || rep.SkipReason.Warns()) {
			out = append(out, fmt.Sprintf("Warning: %s: %s", r.Ref, w))
		}
	} else if r.ProfileRequested != "" && r.ProfileRequested != profileName && rep.Outcome == rewrite.Rewritten {
		out = append(out, fmt.Sprintf("Warning: %s: the pod asks for profile %q but was rewritten with %q (choose one with --profile)",
			r.Ref, r.ProfileRequested, profileName))
	}
	for _, w := range rep.Warnings() {
		out = append(out, fmt.Sprintf("Warning: %s: %s", r.Ref, w))
	}
	return out
}
