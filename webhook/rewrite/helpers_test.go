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
	"encoding/json"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

const testProxyImage = "example.com/vllm-to-sglang:test"

// testProfile is a defaulted profile with a fixed image.
func testProfile() *v1alpha1.SGLangProfileSpec {
	s := &v1alpha1.SGLangProfileSpec{Image: "example.com/sglang:v0.5.9-rocm"}
	s.Default()
	return s
}

// testPod is a vLLM production-stack pod, small: vllm serve on 8000 with a
// named port, /health probes and one NVIDIA GPU.
func testPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "llama", Namespace: "default", Labels: map[string]string{"model": "llama3"}},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{
				Name:    "vllm",
				Image:   "vllm/vllm-openai:v0.10.1",
				Command: []string{"vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct", "--host", "0.0.0.0", "--port", "8000", "--max-model-len", "4096"},
				Env: []corev1.EnvVar{
					{Name: "HF_HOME", Value: "/data"},
					{Name: "NVIDIA_VISIBLE_DEVICES", Value: "all"},
					{Name: "CUDA_VISIBLE_DEVICES", Value: "0"},
				},
				Ports: []corev1.ContainerPort{
					{Name: "container-port", ContainerPort: 8000},
					{Name: "zmq-port", ContainerPort: 55555},
				},
				ReadinessProbe: httpProbe(intstr.FromInt32(8000)),
				Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("16Gi")},
					Limits:   corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1")},
				},
			}},
		},
	}
}

func httpProbe(port intstr.IntOrString) *corev1.Probe {
	return &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/health", Port: port}}}
}

func tcpProbe(port intstr.IntOrString) *corev1.Probe {
	return &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: port}}}
}

func run(t *testing.T, pod *corev1.Pod, prof *v1alpha1.SGLangProfileSpec) (*Report, error) {
	t.Helper()
	return Rewrite(&pod.ObjectMeta, &pod.Spec, prof, Options{ProfileName: "test", ProxyImage: testProxyImage})
}

func mustRewrite(t *testing.T, pod *corev1.Pod, prof *v1alpha1.SGLangProfileSpec) *Report {
	t.Helper()
	r, err := run(t, pod, prof)
	if err != nil {
		t.Fatalf("Rewrite() error = %v", err)
	}
	if r.Outcome != Rewritten {
		t.Fatalf("Rewrite() outcome = %s (%s: %s), want rewritten", r.Outcome, r.SkipReason, r.Detail)
	}
	return r
}

func proxyOf(t *testing.T, pod *corev1.Pod) *corev1.Container {
	t.Helper()
	for i := range pod.Spec.InitContainers {
		if pod.Spec.InitContainers[i].Name == v1alpha1.ProxyContainerName {
			return &pod.Spec.InitContainers[i]
		}
	}
	t.Fatal("no sglang-proxy init container")
	return nil
}

func vllmOf(pod *corev1.Pod) *corev1.Container { return &pod.Spec.Containers[0] }

// argAfter returns the word after flag in args, or "".
func argAfter(args []string, flag string) string {
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

func statusOf(t *testing.T, pod *corev1.Pod) Status {
	t.Helper()
	var s Status
	if err := json.Unmarshal([]byte(pod.Annotations[v1alpha1.AnnotationStatus]), &s); err != nil {
		t.Fatalf("status annotation: %v", err)
	}
	return s
}

func envValue(c *corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

func qty(s string) resource.Quantity { return resource.MustParse(s) }

var _ = ptr.To[int]
