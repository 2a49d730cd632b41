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

package podpatch

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	kjson "sigs.k8s.io/json"
)

// decode reads a pod as the API server and the webhook do: JSON member
// names are case-sensitive, integers stay integers.
func decode(raw []byte) (*corev1.Pod, error) {
	var pod corev1.Pod
	if err := kjson.UnmarshalCaseSensitivePreserveInts(raw, &pod); err != nil {
		return nil, err
	}
	return &pod, nil
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
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

// gpuPod is a one-GPU `vllm serve` pod.
func gpuPod() *corev1.Pod {
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "llama", Namespace: "team-a"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:    "vllm",
			Image:   "vllm/vllm-openai:v0.10.1",
			Command: []string{"vllm", "serve"},
			Args:    []string{"meta-llama/Llama-3.1-8B-Instruct", "--port", "8000"},
			Ports:   []corev1.ContainerPort{{Name: "http", ContainerPort: 8000}},
			Resources: corev1.ResourceRequirements{
				Limits: corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1")},
			},
		}}},
	}
}

// richPod has something of every shape the patch walks: maps, keyed lists,
// a keyless list, pointers, quantities, int-or-strings.
func richPod() *corev1.Pod {
	pod := gpuPod()
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

func TestCreateTurnsOnePodIntoTheOther(t *testing.T) {
	cases := map[string]struct {
		raw    string // the document to patch, when not the original's JSON
		change func(*corev1.Pod)
		ops    []string // when set, exactly these "op path" lines
	}{
		"an unchanged pod needs no patch": {change: func(*corev1.Pod) {}, ops: []string{}},
		"a changed string is set":         {change: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "sglang" }, ops: []string{"add /spec/containers/0/image"}},
		"a cleared field is removed": {change: func(p *corev1.Pod) { p.Spec.Containers[0].ImagePullPolicy = "" },
			ops: []string{"remove /spec/containers/0/imagePullPolicy"}},
		"a removed env entry is removed where it is and the entries after it stay in place": {
			change: func(p *corev1.Pod) { p.Spec.Containers[0].Env = p.Spec.Containers[0].Env[1:] },
			ops:    []string{"remove /spec/containers/0/env/0"}},
		"an env entry inserted in the middle is added at its index": {
			change: func(p *corev1.Pod) {
				p.Spec.Containers[0].Env = slices.Insert(p.Spec.Containers[0].Env, 2, corev1.EnvVar{Name: "SGLANG_X", Value: "1"})
			},
			ops: []string{"add /spec/containers/0/env/2"}},
		"an edited env entry is edited in place": {
			change: func(p *corev1.Pod) { p.Spec.Containers[0].Env[1].Value = "/models" },
			ops:    []string{"add /spec/containers/0/env/1/value"}},
		"reordered containers are moved, not rewritten": {
			change: func(p *corev1.Pod) { slices.Reverse(p.Spec.Containers) },
			ops:    []string{"move /spec/containers/0"}},
		"a new annotation is added under an escaped key": {
			change: func(p *corev1.Pod) { p.Annotations["vllm-to-sglang.io/status~x"] = "{}" },
			ops:    []string{"add /metadata/annotations/vllm-to-sglang.io~1status~0x"}},
		"annotations on a pod without any are added as a map": {
			change: func(p *corev1.Pod) { p.Annotations = map[string]string{"k": "v"} },
			raw:    "no-annotations"},
		"a renamed resource is removed and added": {
			change: func(p *corev1.Pod) {
				l := p.Spec.Containers[0].Resources.Limits
				l["amd.com/gpu"] = l["nvidia.com/gpu"]
				delete(l, "nvidia.com/gpu")
			},
			ops: []string{"add /spec/containers/0/resources/limits/amd.com~1gpu", "remove /spec/containers/0/resources/limits/nvidia.com~1gpu"}},
		"a probe's named port becomes a number": {
			change: func(p *corev1.Pod) { p.Spec.Containers[0].ReadinessProbe.HTTPGet.Port = intstr.FromInt32(8000) },
			ops:    []string{"add /spec/containers/0/readinessProbe/httpGet/port"}},
		"a probe handler is swapped": {
			change: func(p *corev1.Pod) {
				p.Spec.Containers[0].ReadinessProbe.HTTPGet = nil
				p.Spec.Containers[0].ReadinessProbe.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromInt32(8000)}
			},
			ops: []string{"remove /spec/containers/0/readinessProbe/httpGet", "add /spec/containers/0/readinessProbe/tcpSocket"}},
		"of two ports with the same number the right one goes": {
			change: func(p *corev1.Pod) { p.Spec.Containers[0].Ports = p.Spec.Containers[0].Ports[:2] },
			ops:    []string{"remove /spec/containers/0/ports/2"}},
		"a list emptied is removed": {
			change: func(p *corev1.Pod) { p.Spec.Containers[0].Ports = nil },
			ops:    []string{"remove /spec/containers/0/ports"}},
		"a list of strings is replaced whole": {
			change: func(p *corev1.Pod) { p.Spec.Containers[0].Args = []string{"--model-path", "m"} },
			ops:    []string{"add /spec/containers/0/args"}},
		"a toleration removed and another appended, in a list without a merge key": {
			change: func(p *corev1.Pod) {
				p.Spec.Tolerations = append(p.Spec.Tolerations[1:], corev1.Toleration{Key: "amd.com/gpu", Operator: corev1.TolerationOpExists})
			},
			ops: []string{"remove /spec/tolerations/0", "add /spec/tolerations/1"}},
		"a pointer cleared and a pointer set": {
			change: func(p *corev1.Pod) {
				p.Spec.RuntimeClassName = nil
				p.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true)}
			},
			ops: []string{"add /spec/securityContext", "remove /spec/runtimeClassName"}},
		"a volume's emptyDir is edited in place": {
			change: func(p *corev1.Pod) {
				p.Spec.Volumes[0].EmptyDir.Medium = corev1.StorageMediumMemory
				p.Spec.Volumes[0].EmptyDir.SizeLimit = ptr.To(resource.MustParse("16Gi"))
			},
			raw: "shm-with-a-field"},
		"an init container appended to a pod without any": {
			change: func(p *corev1.Pod) { p.Spec.InitContainers = []corev1.Container{{Name: "sglang-proxy", Image: "p"}} },
			ops:    []string{"add /spec/initContainers"}},
		"a null list item is replaced, not edited": {
			change: func(p *corev1.Pod) { p.Spec.Containers[0].Env[0] = corev1.EnvVar{Name: "A", Value: "1"} },
			raw:    "null-env-item"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			original := richPod()
			raw := mustJSON(t, original)
			switch tc.raw {
			case "no-annotations":
				original.Annotations = nil
				raw = mustJSON(t, original)
			case "shm-with-a-field":
				raw = []byte(strings.Replace(string(raw), `"emptyDir":{}`, `"emptyDir":{"futureField":1}`, 1))
			case "null-env-item":
				raw = []byte(strings.Replace(string(raw), `{"name":"NVIDIA_VISIBLE_DEVICES","value":"all"}`, `null`, 1))
				original.Spec.Containers[0].Env[0] = corev1.EnvVar{}
			}
			decoded, err := decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			mutated := decoded.DeepCopy()
			tc.change(mutated)
			patch, err := Create(decoded, mutated)
			if err != nil {
				t.Fatal(err)
			}
			if tc.ops != nil {
				var got []string
				if patch != nil {
					for _, op := range patchOps(t, patch) {
						got = append(got, op.Op+" "+op.Path)
					}
				}
				if diff := cmp.Diff(tc.ops, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("operations (-want +got):\n%s\npatch: %s", diff, patch)
				}
			}
			out, err := Apply(raw, patch)
			if err != nil {
				t.Fatalf("the patch does not apply: %v\n%s", err, patch)
			}
			got, err := decode(out)
			if err != nil {
				t.Fatal(err)
			}
			if !apiequality.Semantic.DeepEqual(mutated, got) {
				t.Errorf("patched pod differs from the wanted one (-want +got):\n%s", cmp.Diff(mutated, got))
			}
			if tc.raw == "shm-with-a-field" && !strings.Contains(string(out), `"futureField":1`) {
				t.Errorf("the emptyDir lost its unknown field: %s", out)
			}
		})
	}
}
