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
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// Rewriter rewrites the pod templates of manifests with one profile.
type Rewriter struct {
	// Profile is the SGLangProfile to apply; its spec must be defaulted.
	Profile *v1alpha1.SGLangProfile
	// ProxyImage is the sglang-proxy image when the profile names none.
	ProxyImage string
}

// Result is what happened to one pod template.
type Result struct {
	// Ref names the object holding the template, e.g. "Deployment default/web".
	Ref string
	// Report is the rewrite's report; nil when Err is set.
	Report *rewrite.Report
	// Err is a *rewrite.RejectedError when the profile refused the pod, or
	// another error when the template could not be read or rewritten.
	Err error
	// ProfileRequested is the profile the pod template asks for with the
	// vllm-to-sglang.io/profile annotation, if any.
	ProfileRequested string
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
	res.Report, res.ProfileRequested, res.Err = r.rewriteTemplate(template)
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
func (r *Rewriter) rewriteTemplate(template map[string]any) (*rewrite.Report, string, error) {
	view := map[string]any{"metadata": template["metadata"], "spec": template["spec"]}
	raw, err := json.Marshal(view)
	if err != nil {
		return nil, "", fmt.Errorf("encoding the pod template: %w", err)
	}
	var original corev1.Pod
	if err := utiljson.Unmarshal(raw, &original); err != nil {
		return nil, "", fmt.Errorf("reading the pod template: %w", err)
	}
	requested := original.Annotations[v1alpha1.AnnotationProfile]
	mutated := original.DeepCopy()
	report, err := rewrite.Rewrite(&mutated.ObjectMeta, &mutated.Spec, &r.Profile.Spec,
		rewrite.Options{ProfileName: r.Profile.Name, ProxyImage: r.ProxyImage})
	if err != nil || report.Outcome != rewrite.Rewritten {
		return report, requested, err
	}
	patched, err := patchTemplate(raw, &original, mutated)
	if err != nil {
		return nil, requested, fmt.Errorf("writing the rewritten pod template: %w", err)
	}
	template["metadata"], template["spec"] = patched["metadata"], patched["spec"]
	return report, requested, nil
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
	if r.ProfileRequested != "" && r.ProfileRequested != profileName && rep.Outcome == rewrite.Rewritten {
		out = append(out, fmt.Sprintf("Warning: %s: the pod asks for profile %q but was rewritten with %q (choose one with --profile)",
			r.Ref, r.ProfileRequested, profileName))
	}
	for _, w := range rep.Warnings() {
		out = append(out, fmt.Sprintf("Warning: %s: %s", r.Ref, w))
	}
	return out
}
