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

package integration

import (
	"encoding/json"
	"strings"
	"testing"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
)

func TestInvalidProfilesAreRefusedByTheAPIServer(t *testing.T) {
	cases := map[string]func(*v1alpha1.SGLangProfileSpec){
		"an image with a space":                     func(s *v1alpha1.SGLangProfileSpec) { s.Image = "lmsysorg/sglang v1" },
		"no image":                                  func(s *v1alpha1.SGLangProfileSpec) { s.Image = "" },
		"an unknown unsafeFlags action":             func(s *v1alpha1.SGLangProfileSpec) { s.Args.UnsafeFlags = "Maybe" },
		"a GPU resource name that is not a name":    func(s *v1alpha1.SGLangProfileSpec) { s.GPU.ResourceName = "amd.com/gpu 8" },
		"a Fixed memory mode without a fraction":    func(s *v1alpha1.SGLangProfileSpec) { s.Args.GPUMemoryUtilization.Mode = v1alpha1.GPUMemoryFixed },
		"a memory offset that is not a fraction":    func(s *v1alpha1.SGLangProfileSpec) { s.Args.GPUMemoryUtilization.Offset = "7%" },
		"a health check fall count of zero or less": func(s *v1alpha1.SGLangProfileSpec) { s.Proxy.Health.Fall = -1 },
		"a privileged hostNetwork SGLang port":      func(s *v1alpha1.SGLangProfileSpec) { s.Proxy.HostNetworkSGLangPort = 80 },
		"a hostNetwork SGLang port above 65535":     func(s *v1alpha1.SGLangProfileSpec) { s.Proxy.HostNetworkSGLangPort = 65536 },
		"a Rename override without a target flag": func(s *v1alpha1.SGLangProfileSpec) {
			s.Args.Overrides = []v1alpha1.FlagOverride{{Flag: "--block-size", Action: v1alpha1.FlagRename}}
		},
		"a model pattern kind other than glob and regex": func(s *v1alpha1.SGLangProfileSpec) {
			s.Selector = &v1alpha1.ProfileSelector{Models: []v1alpha1.ModelPattern{{Pattern: "qwen/*", Kind: "wildcard"}}}
		},
		"an empty model pattern": func(s *v1alpha1.SGLangProfileSpec) {
			s.Selector = &v1alpha1.ProfileSelector{Models: []v1alpha1.ModelPattern{{Pattern: ""}}}
		},
		"a model pattern longer than 256 characters": func(s *v1alpha1.SGLangProfileSpec) {
			s.Selector = &v1alpha1.ProfileSelector{Models: []v1alpha1.ModelPattern{{Pattern: strings.Repeat("q", 257)}}}
		},
		"a label selector operator Kubernetes does not have": func(s *v1alpha1.SGLangProfileSpec) {
			s.Selector = &v1alpha1.ProfileSelector{PodSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "family", Operator: "Like", Values: []string{"qwen"}}}}}
		},
		"a namespace selector's In without values": func(s *v1alpha1.SGLangProfileSpec) {
			s.Selector = &v1alpha1.ProfileSelector{NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "team", Operator: metav1.LabelSelectorOpIn}}}}
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			err := refusedCreate(t, newProfile("it-invalid", mutate))
			if !apierrors.IsInvalid(err) {
				t.Fatalf("create = %v, want Invalid", err)
			}
		})
	}
}

// TestCRDDefaultsEqualTheGoDefaults creates a profile naming only its image
// and checks that what the API server stores (the CRD schema's defaults)
// equals SGLangProfileSpec.Default(), which the CLI applies to profile files.
func TestCRDDefaultsEqualTheGoDefaults(t *testing.T) {
	const image = "lmsysorg/sglang:v0.5.9-rocm700-mi30x"
	p := &v1alpha1.SGLangProfile{
		ObjectMeta: metav1.ObjectMeta{Name: "it-minimal"},
		Spec:       v1alpha1.SGLangProfileSpec{Image: image},
	}
	framework.CreateForTest(t, suite.cp.Client, p)
	got := &v1alpha1.SGLangProfile{}
	if err := suite.cp.Client.Get(t.Context(), client.ObjectKey{Name: p.Name}, got); err != nil {
		t.Fatal(err)
	}
	want := v1alpha1.SGLangProfileSpec{Image: image}
	want.Default()
	if !apiequality.Semantic.DeepEqual(want, got.Spec) {
		w, _ := json.MarshalIndent(want, "", "  ")
		g, _ := json.MarshalIndent(got.Spec, "", "  ")
		t.Errorf("the API server's defaults differ from Default():\nDefault(): %s\nAPI server: %s", w, g)
	}
}
