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
	"encoding/json"
	"fmt"
	"net/http"

	corev1 "k8s.io/api/core/v1"
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
// inserts a container would move unknown fields onto its neighbour.
func patchResponse(raw []byte, original, mutated *corev1.Pod) admission.Response {
	final, err := applyChanges(raw, original, mutated)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("computing the pod patch: %w", err))
	}
	return admission.PatchResponseFromRaw(raw, final)
}

// applyChanges applies the typed change original → mutated onto raw.
func applyChanges(raw []byte, original, mutated *corev1.Pod) ([]byte, error) {
	from, err := json.Marshal(original)
	if err != nil {
		return nil, fmt.Errorf("marshalling the original pod: %w", err)
	}
	to, err := json.Marshal(mutated)
	if err != nil {
		return nil, fmt.Errorf("marshalling the rewritten pod: %w", err)
	}
	change, err := strategicpatch.CreateTwoWayMergePatchUsingLookupPatchMeta(from, to, podPatchMeta)
	if err != nil {
		return nil, fmt.Errorf("diffing the rewritten pod: %w", err)
	}
	out, err := strategicpatch.StrategicMergePatchUsingLookupPatchMeta(raw, change, podPatchMeta)
	if err != nil {
		return nil, fmt.Errorf("applying the rewrite to the request's pod: %w", err)
	}
	return out, nil
}
