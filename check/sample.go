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
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// SamplePodGenerateName prefixes the sample pod's name (it is never stored:
// the create is a dry run).
const SamplePodGenerateName = "vllm-to-sglang-check-"

// SamplePod is the vLLM pod the check asks the API server to admit, with a
// dry run, to see the webhook rewrite it: `vllm serve` on one NVIDIA GPU,
// with a flag SGLang only approximates, so the answer carries a warning. It
// meets Pod Security "restricted", so an enforcing namespace does not refuse
// it for reasons that are not the webhook's, and names no RuntimeClass (the
// runtime-classes check covers that trap).
func SamplePod(namespace string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: SamplePodGenerateName,
			Namespace:    namespace,
			Labels:       map[string]string{"app.kubernetes.io/name": "vllm-to-sglang-check"},
		},
		Spec: corev1.PodSpec{
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot:   ptr.To(true),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			Containers: []corev1.Container{{
				Name:    "vllm",
				Image:   "vllm/vllm-openai:v0.10.1",
				Command: []string{"vllm", "serve"},
				Args:    []string{"Qwen/Qwen2.5-0.5B-Instruct", "--port", "8000", "--gpu-memory-utilization", "0.9"},
				Ports:   []corev1.ContainerPort{{Name: "http", ContainerPort: 8000}},
				Resources: corev1.ResourceRequirements{
					Limits: corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1")},
				},
				SecurityContext: &corev1.SecurityContext{
					AllowPrivilegeEscalation: ptr.To(false),
					Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				},
			}},
		},
	}
}

// SampleProfile is the profile the sample pod names, when it must name one:
// "" when the default profile exists (the sample pod is a plain vLLM pod,
// as a workload's would be), else the first profile by name (so the sample
// tests the webhook even without a default profile), else "" (there is
// none: the answer is not checked).
func SampleProfile(f *Facts) string {
	if findProfile(f, v1alpha1.DefaultProfileName) != nil || len(f.Profiles.Items) == 0 {
		return ""
	}
	return sortedProfiles(f)[0].Name
}

// SampleFor is the sample pod for the facts: SamplePod, naming
// SampleProfile's profile in its annotation when there is one.
func SampleFor(f *Facts, namespace string) *corev1.Pod {
	p := SamplePod(namespace)
	if name := SampleProfile(f); name != "" {
		p.Annotations = map[string]string{v1alpha1.AnnotationProfile: name}
	}
	return p
}

// SampleNamespace is where the sample pod goes: the first opted-in
// namespace, else the first audit namespace (the webhook then only records
// what it would do), else "".
func SampleNamespace(optedIn, audited []string) string {
	switch {
	case len(optedIn) > 0:
		return optedIn[0]
	case len(audited) > 0:
		return audited[0]
	}
	return ""
}
