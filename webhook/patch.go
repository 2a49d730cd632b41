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

package webhook

import (
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"gomodules.xyz/jsonpatch/v2"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// podPatchMeta is the strategic-merge schema of corev1.Pod (merge keys of
// containers, env, volumes, ports...), built once.
var podPatchMeta = func() strategicpatch.LookupPatchMeta {
	meta, err := strategicpatch.NewPatchMetaFromStruct(&corev1.Pod{})
	if err != nil {
		panic(fmt.Sprintf("strategic merge metadata of corev1.Pod: %v", err))
	}
	return meta
}()

// patchResponse returns the JSON patch that turns raw, the pod exactly as the
// API server sent it, into the rewritten pod.
//
// The patch must never drop fields this binary's k8s.io/api does not know (an
// API server newer than us, another webhook's additions): that is how
// webhooks broke native sidecars elsewhere. So the change is computed between
// two typed objects (original → mutated, where unknown fields cannot appear),
// as a strategic merge patch keyed by name, applied onto raw, and only then
// diffed against raw. Keying by name matters: an index-based diff that
// removes an env entry or inserts a container would move unknown fields onto
// a neighbour (controller-runtime's typed Defaulter filters removals by
// index, which has exactly that flaw).
func patchResponse(raw []byte, original, mutated *corev1.Pod) admission.Response {
	ops, err := podPatch(raw, original, mutated)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("computing the pod patch: %w", err))
	}
	if len(ops) == 0 {
		return admission.Allowed("")
	}
	pt := admissionv1.PatchTypeJSONPatch
	return admission.Response{
		Patches:           ops,
		AdmissionResponse: admissionv1.AdmissionResponse{Allowed: true, PatchType: &pt},
	}
}

// podPatch computes the JSON patch raw → raw + (original → mutated).
func podPatch(raw []byte, original, mutated *corev1.Pod) ([]jsonpatch.Operation, error) {
	from, err := runtime.DefaultUnstructuredConverter.ToUnstructured(original)
	if err != nil {
		return nil, fmt.Errorf("converting the original pod: %w", err)
	}
	to, err := runtime.DefaultUnstructuredConverter.ToUnstructured(mutated)
	if err != nil {
		return nil, fmt.Errorf("converting the rewritten pod: %w", err)
	}
	change, err := strategicpatch.CreateTwoWayMergeMapPatchUsingLookupPatchMeta(from, to, podPatchMeta)
	if err != nil {
		return nil, fmt.Errorf("diffing the rewritten pod: %w", err)
	}
	// Whole numbers must decode as int64, as the converter above produces
	// them: the merge matches list items by key (containerPort: 8000) with ==.
	var before map[string]any
	if err := utiljson.Unmarshal(raw, &before); err != nil {
		return nil, fmt.Errorf("reading the request's pod: %w", err)
	}
	// The merge works in place: keep the request's pod to diff against.
	after, err := strategicpatch.StrategicMergeMapPatchUsingLookupPatchMeta(runtime.DeepCopyJSON(before), change, podPatchMeta)
	if err != nil {
		return nil, fmt.Errorf("applying the rewrite to the request's pod: %w", err)
	}
	return diffJSON(nil, "", before, map[string]any(after)), nil
}

// diffJSON appends the JSON patch operations that turn a into b (decoded
// JSON values). Arrays are compared by index: that is exact here, because b
// was derived from a itself, unknown fields included.
func diffJSON(ops []jsonpatch.Operation, path string, a, b any) []jsonpatch.Operation {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap && bIsMap {
		return diffObjects(ops, path, am, bm)
	}
	as, aIsList := a.([]any)
	bs, bIsList := b.([]any)
	if aIsList && bIsList {
		return diffArrays(ops, path, as, bs)
	}
	if !sameScalar(a, b) {
		ops = append(ops, jsonpatch.NewOperation("replace", path, b))
	}
	return ops
}

// sameScalar compares JSON scalars; numbers decoded from the request are
// float64 and those from the typed pod int64, so they compare by value.
func sameScalar(a, b any) bool {
	if x, ok := number(a); ok {
		y, ok := number(b)
		return ok && x == y
	}
	return reflect.DeepEqual(a, b)
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	}
	return 0, false
}

func diffObjects(ops []jsonpatch.Operation, path string, a, b map[string]any) []jsonpatch.Operation {
	for k, bv := range b {
		p := path + "/" + escapePointer(k)
		if av, ok := a[k]; ok {
			ops = diffJSON(ops, p, av, bv)
		} else {
			ops = append(ops, jsonpatch.NewOperation("add", p, bv))
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			ops = append(ops, jsonpatch.NewOperation("remove", path+"/"+escapePointer(k), nil))
		}
	}
	return ops
}

func diffArrays(ops []jsonpatch.Operation, path string, a, b []any) []jsonpatch.Operation {
	n := min(len(a), len(b))
	for i := range n {
		ops = diffJSON(ops, path+"/"+strconv.Itoa(i), a[i], b[i])
	}
	// Remove from the end so earlier indexes stay valid.
	for i := len(a) - 1; i >= n; i-- {
		ops = append(ops, jsonpatch.NewOperation("remove", path+"/"+strconv.Itoa(i), nil))
	}
	for i := n; i < len(b); i++ {
		ops = append(ops, jsonpatch.NewOperation("add", path+"/"+strconv.Itoa(i), b[i]))
	}
	return ops
}

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func escapePointer(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}
