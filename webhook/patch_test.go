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
	"slices"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"
	corev1 "k8s.io/api/core/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// podFromANewerAPIServer is a vLLM pod carrying fields this binary's
// k8s.io/api does not know, in the places a newer API server or another
// webhook could put them: pod metadata and spec, the vLLM container, an env
// entry that comes after one the rewrite removes, and an init container.
const podFromANewerAPIServer = `{
  "apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "llama", "namespace": "team-a", "futureMeta": "m"},
  "spec": {
    "futureSpec": {"enabled": true},
    "initContainers": [{"name": "storage-initializer", "image": "kserve/storage-initializer:v0.15", "futureInit": "i"}],
    "containers": [{
      "name": "vllm", "image": "vllm/vllm-openai:v0.10.1",
      "command": ["vllm", "serve"], "args": ["meta-llama/Llama-3.1-8B-Instruct", "--port", "8000"],
      "ports": [{"name": "http", "containerPort": 8000}],
      "env": [
        {"name": "NVIDIA_VISIBLE_DEVICES", "value": "all"},
        {"name": "HF_HOME", "value": "/data", "futureEnv": "e"}
      ],
      "resources": {"limits": {"nvidia.com/gpu": "1"}},
      "futureContainer": "c"
    }]
  }
}`

func TestPatchKeepsFieldsThisAPIVersionDoesNotKnow(t *testing.T) {
	h, _ := newTestRewriter(t, defaultProfile())
	raw := []byte(podFromANewerAPIServer)
	resp := h.Handle(t.Context(), createRequest(raw))
	if !resp.Allowed || len(resp.Patches) == 0 {
		t.Fatalf("want a rewrite, got allowed=%v patches=%v result=%+v", resp.Allowed, resp.Patches, resp.Result)
	}
	for _, op := range resp.Patches {
		if op.Path == "" {
			t.Fatal("the patch replaces the whole pod instead of editing fields")
		}
	}
	var pod struct {
		Metadata map[string]any `json:"metadata"`
		Spec     struct {
			FutureSpec     map[string]any   `json:"futureSpec"`
			InitContainers []map[string]any `json:"initContainers"`
			Containers     []map[string]any `json:"containers"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(applied(t, raw, resp), &pod); err != nil {
		t.Fatal(err)
	}

	cases := map[string]struct{ got, want any }{
		"pod metadata keeps its unknown field": {pod.Metadata["futureMeta"], "m"},
		"pod spec keeps its unknown field":     {pod.Spec.FutureSpec["enabled"], true},
		"the vLLM container keeps its unknown field": {
			named(pod.Spec.Containers, "vllm")["futureContainer"], "c"},
		"the init container keeps its unknown field": {
			named(pod.Spec.InitContainers, "storage-initializer")["futureInit"], "i"},
		"the injected proxy gets no one else's unknown field": {
			named(pod.Spec.InitContainers, v1alpha1.ProxyContainerName)["futureInit"], nil},
		"the env entry keeps its unknown field although an entry before it was removed": {
			namedEnv(named(pod.Spec.Containers, "vllm"), "HF_HOME")["futureEnv"], "e"},
		"the NVIDIA env entry is gone": {
			namedEnv(named(pod.Spec.Containers, "vllm"), "NVIDIA_VISIBLE_DEVICES"), map[string]any(nil)},
		"the vLLM container now runs the profile's image": {
			named(pod.Spec.Containers, "vllm")["image"], defaultProfile().Spec.Image},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if !equalJSON(tc.got, tc.want) {
				t.Errorf("got %#v, want %#v", tc.got, tc.want)
			}
		})
	}
	// Other unknown env entries must not have picked up futureEnv.
	for _, e := range named(pod.Spec.Containers, "vllm")["env"].([]any) {
		env := e.(map[string]any)
		if env["name"] != "HF_HOME" && env["futureEnv"] != nil {
			t.Errorf("env %v picked up HF_HOME's unknown field", env["name"])
		}
	}
}

func named(list []map[string]any, name string) map[string]any {
	for _, m := range list {
		if m["name"] == name {
			return m
		}
	}
	return nil
}

func namedEnv(c map[string]any, name string) map[string]any {
	env, _ := c["env"].([]any)
	for _, e := range env {
		if m := e.(map[string]any); m["name"] == name {
			return m
		}
	}
	return nil
}

func equalJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestDiffJSONTurnsOneDocumentIntoTheOther(t *testing.T) {
	cases := map[string]struct{ from, to string }{
		"identical documents need no operation":      {`{"a":1,"b":[1,2]}`, `{"a":1,"b":[1,2]}`},
		"a changed scalar is replaced":               {`{"a":1}`, `{"a":2}`},
		"an added and a removed key":                 {`{"a":1}`, `{"b":1}`},
		"keys with slashes and tildes are escaped":   {`{"x/y":{"a~b":1}}`, `{"x/y":{"a~b":2,"c/d~e":3}}`},
		"a grown array gets additions at the end":    {`{"l":[1]}`, `{"l":[1,2,3]}`},
		"a shrunk array loses elements from the end": {`{"l":[1,2,3,4]}`, `{"l":[1]}`},
		"a value that changes type is replaced":      {`{"a":{"b":1}}`, `{"a":[1]}`},
		"objects inside arrays are diffed in place":  {`{"l":[{"n":"a","v":1},{"n":"b"}]}`, `{"l":[{"n":"a","v":2},{"n":"b","w":true}]}`},
		"null and missing are different":             {`{"a":null}`, `{}`},
		"an emptied object stays an object":          {`{"a":{"b":1}}`, `{"a":{}}`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var from, to any
			if err := json.Unmarshal([]byte(tc.from), &from); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.to), &to); err != nil {
				t.Fatal(err)
			}
			ops := diffJSON(nil, "", from, to)
			if tc.from == tc.to && len(ops) != 0 {
				t.Fatalf("ops for identical documents: %v", ops)
			}
			patch, err := jsonpatch.DecodePatch(mustJSON(t, ops))
			if err != nil {
				t.Fatal(err)
			}
			got, err := patch.Apply([]byte(tc.from))
			if err != nil {
				t.Fatalf("applying %s: %v", mustJSON(t, ops), err)
			}
			if !jsonpatch.Equal(got, []byte(tc.to)) {
				t.Errorf("applying %s to %s gave %s, want %s", mustJSON(t, ops), tc.from, got, tc.to)
			}
		})
	}
}

// TestPatchOfADefaultedPod feeds a pod as the API server sends it, after its
// defaulting (protocol: TCP on every port, numbers as JSON numbers), and
// checks that the serving port moves from the vLLM container to the proxy
// and that the patch edits fields rather than replacing the whole pod.
func TestPatchOfADefaultedPod(t *testing.T) {
	h, _ := newTestRewriter(t, defaultProfile())
	pod := vllmPod()
	pod.Spec.Containers[0].Ports = []corev1.ContainerPort{
		{Name: "http", ContainerPort: 8000, Protocol: corev1.ProtocolTCP},
		{Name: "zmq", ContainerPort: 55555, Protocol: corev1.ProtocolTCP},
	}
	raw := mustJSON(t, pod)
	resp := h.Handle(t.Context(), createRequest(raw))
	for _, op := range resp.Patches {
		if op.Path == "" {
			t.Fatalf("the patch replaces the whole pod: %v", op.Operation)
		}
	}
	got := appliedPod(t, raw, resp)
	cases := map[string]struct {
		container string
		port      int32
		want      bool
	}{
		"the vLLM container no longer declares the serving port": {"vllm", 8000, false},
		"the vLLM container keeps its other ports":               {"vllm", 55555, true},
		"the proxy declares the serving port":                    {v1alpha1.ProxyContainerName, 8000, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := container(got, tc.container)
			if c == nil {
				t.Fatalf("no container %s", tc.container)
			}
			has := slices.ContainsFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.ContainerPort == tc.port })
			if has != tc.want {
				t.Errorf("port %d declared = %v, want %v (ports %v)", tc.port, has, tc.want, c.Ports)
			}
		})
	}
}
