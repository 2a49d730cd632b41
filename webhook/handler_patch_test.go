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
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	gomodulesjsonpatch "gomodules.xyz/jsonpatch/v2"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
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
	if !resp.Allowed || len(resp.Patch) == 0 {
		t.Fatalf("want a rewrite, got allowed=%v patch=%s result=%+v", resp.Allowed, resp.Patch, resp.Result)
	}
	for _, op := range patchOps(t, resp.Patch) {
		if op.Path == "" {
			t.Fatal("the patch replaces the whole pod instead of editing fields")
		}
	}
	for _, lost := range unknownFieldLosses(t, applied(t, raw, resp)) {
		t.Error(lost)
	}
}

// TestUnknownFieldCheckCatchesNaivePatches makes sure the check above can
// fail: the two usual ways of computing a webhook's patch lose or move the
// unknown fields of podFromANewerAPIServer.
func TestUnknownFieldCheckCatchesNaivePatches(t *testing.T) {
	raw := []byte(podFromANewerAPIServer)
	original, err := decodePod(raw)
	if err != nil {
		t.Fatal(err)
	}
	mutated := original.DeepCopy()
	spec := defaultProfile().Spec
	if _, err := rewrite.Rewrite(&mutated.ObjectMeta, &mutated.Spec, &spec, rewrite.Options{ProfileName: "default", ProxyImage: testProxyImage}); err != nil {
		t.Fatal(err)
	}
	marshalled := mustJSON(t, mutated)
	cases := map[string]admission.Response{
		"a diff of the request against the re-marshalled pod (PatchResponseFromRaw)": admission.PatchResponseFromRaw(raw, marshalled),
		"that diff without its remove operations (controller-runtime's typed Defaulter)": func() admission.Response {
			resp := admission.PatchResponseFromRaw(raw, marshalled)
			resp.Patches = slices.DeleteFunc(resp.Patches, func(op gomodulesjsonpatch.Operation) bool { return op.Operation == "remove" })
			return resp
		}(),
	}
	for name, resp := range cases {
		t.Run(name, func(t *testing.T) {
			if err := resp.Complete(createRequest(raw)); err != nil {
				t.Fatal(err)
			}
			if losses := unknownFieldLosses(t, applied(t, raw, resp)); len(losses) == 0 {
				t.Error("the check finds nothing wrong with a patch that mishandles unknown fields")
			}
		})
	}
}

// unknownFieldLosses lists what the patched podFromANewerAPIServer lost or
// gained of the unknown fields, or of the rewrite.
func unknownFieldLosses(t *testing.T, patched []byte) []string {
	t.Helper()
	var pod struct {
		Metadata map[string]any `json:"metadata"`
		Spec     struct {
			FutureSpec     map[string]any   `json:"futureSpec"`
			InitContainers []map[string]any `json:"initContainers"`
			Containers     []map[string]any `json:"containers"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(patched, &pod); err != nil {
		t.Fatal(err)
	}
	vllm := named(pod.Spec.Containers, "vllm")
	checks := []struct {
		what      string
		got, want any
	}{
		{"pod metadata keeps its unknown field", pod.Metadata["futureMeta"], "m"},
		{"pod spec keeps its unknown field", pod.Spec.FutureSpec["enabled"], true},
		{"the vLLM container keeps its unknown field", vllm["futureContainer"], "c"},
		{"the init container keeps its unknown field", named(pod.Spec.InitContainers, "storage-initializer")["futureInit"], "i"},
		{"the injected proxy gets no one else's unknown field", named(pod.Spec.InitContainers, v1alpha1.ProxyContainerName)["futureInit"], nil},
		{"the env entry keeps its unknown field although an entry before it was removed", namedEnv(vllm, "HF_HOME")["futureEnv"], "e"},
		{"the NVIDIA env entry is gone", namedEnv(vllm, "NVIDIA_VISIBLE_DEVICES"), map[string]any(nil)},
		{"the vLLM container now runs the profile's image", vllm["image"], defaultProfile().Spec.Image},
	}
	var losses []string
	for _, c := range checks {
		if !equalJSON(c.got, c.want) {
			losses = append(losses, fmt.Sprintf("%s: got %#v, want %#v", c.what, c.got, c.want))
		}
	}
	env, _ := vllm["env"].([]any)
	for _, e := range env {
		if m, _ := e.(map[string]any); m["name"] != "HF_HOME" && m["futureEnv"] != nil {
			losses = append(losses, fmt.Sprintf("env %v picked up HF_HOME's unknown field", m["name"]))
		}
	}
	return losses
}

// patchOp is one decoded JSON patch operation.
type patchOp struct {
	Op, Path, From string
	Value          json.RawMessage
}

func patchOps(t testing.TB, patch []byte) []patchOp {
	t.Helper()
	var ops []patchOp
	if err := json.Unmarshal(patch, &ops); err != nil {
		t.Fatalf("the patch is not a JSON patch: %v\n%s", err, patch)
	}
	return ops
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
		if m, _ := e.(map[string]any); m["name"] == name {
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
	for _, op := range patchOps(t, resp.Patch) {
		if op.Path == "" {
			t.Fatalf("the patch replaces the whole pod: %v", op.Op)
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

// richPod has something of every shape the rewrite and the patch walk:
// maps, keyed lists, a keyless list, pointers, quantities, int-or-strings.
func richPod() *corev1.Pod {
	pod := vllmPod()
	pod.Annotations = map[string]string{"a": "1"}
	c := &pod.Spec.Containers[0]
	c.Env = []corev1.EnvVar{{Name: "NVIDIA_VISIBLE_DEVICES", Value: "all"}, {Name: "HF_HOME", Value: "/data"}, {Name: "B", Value: "b"}}
	c.Ports = append(c.Ports, corev1.ContainerPort{ContainerPort: 53, Protocol: corev1.ProtocolTCP}, corev1.ContainerPort{ContainerPort: 53, Protocol: corev1.ProtocolUDP})
	c.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/health", Port: intstr.FromString("http")}}}
	c.ImagePullPolicy = corev1.PullAlways
	pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: "side", Image: "side:1"})
	pod.Spec.Tolerations = []corev1.Toleration{{Key: "nvidia.com/gpu", Operator: corev1.TolerationOpExists}, {Key: "x", Operator: corev1.TolerationOpExists}}
	pod.Spec.Volumes = []corev1.Volume{{Name: "shm", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	pod.Spec.RuntimeClassName = ptr.To("nvidia")
	return pod
}

// TestPatchOfEveryFixture rewrites the pod of every Deployment in the
// fixtures through the handler: the patch applies to the request's pod and
// gives exactly the rewrite's output.
func TestPatchOfEveryFixture(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "test", "testdata", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	h, _ := newTestRewriter(t, defaultProfile())
	spec := defaultProfile().Spec
	for _, file := range files {
		if strings.HasSuffix(file, ".golden.yaml") || !hasDeployment(t, file) {
			continue
		}
		for _, pod := range fixturePods(t, filepath.Base(file)) {
			t.Run(filepath.Base(file)+"/"+pod.Name, func(t *testing.T) {
				raw := mustJSON(t, pod)
				resp := h.Handle(t.Context(), createRequest(raw))
				want := pod.DeepCopy()
				if _, err := rewrite.Rewrite(&want.ObjectMeta, &want.Spec, &spec, rewrite.Options{ProfileName: "default", ProxyImage: testProxyImage}); err != nil {
					t.Fatal(err)
				}
				if got := appliedPod(t, raw, resp); !apiequality.Semantic.DeepEqual(want, got) {
					t.Errorf("patched pod differs from the rewrite's (-rewrite +patched):\n%s", cmp.Diff(want, got))
				}
			})
		}
	}
}

func hasDeployment(t *testing.T, file string) bool {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(raw), "kind: Deployment")
}

// TestPatchLeavesManagedFieldsAlone: the API server sets managedFields
// before admission; the handler does not decode them, and the patch leaves
// them exactly as they were.
func TestPatchLeavesManagedFieldsAlone(t *testing.T) {
	h, _ := newTestRewriter(t, defaultProfile())
	pod := vllmPod()
	pod.ManagedFields = []metav1.ManagedFieldsEntry{{
		Manager: "kubectl-client-side-apply", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "v1",
		FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(`{"f:spec":{"f:containers":{"k:{\"name\":\"vllm\"}":{".":{},"f:image":{}}}}}`),
	}}
	raw := mustJSON(t, pod)
	resp := h.Handle(t.Context(), createRequest(raw))
	for _, op := range patchOps(t, resp.Patch) {
		if strings.HasPrefix(op.Path, "/metadata/managedFields") || op.Path == "/metadata" {
			t.Errorf("the patch touches the managed fields: %s %s", op.Op, op.Path)
		}
	}
	var got corev1.Pod
	if err := json.Unmarshal(applied(t, raw, resp), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pod.ManagedFields, got.ManagedFields); diff != "" {
		t.Errorf("managed fields changed (-before +after):\n%s", diff)
	}
	if container(&got, v1alpha1.ProxyContainerName) == nil {
		t.Error("the pod was not rewritten")
	}
}
