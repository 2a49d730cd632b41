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
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

func TestProfileValidator(t *testing.T) {
	scheme, err := NewScheme()
	if err != nil {
		t.Fatal(err)
	}
	handler := admission.WithValidator[*v1alpha1.SGLangProfile](scheme, ProfileValidator{})
	tests := map[string]struct {
		edit    func(*v1alpha1.SGLangProfile)
		op      admissionv1.Operation
		allowed bool
		message string // part of the denial
		warning string // part of a warning; "" for none
	}{
		"admits the built-in default profile without a warning": {
			allowed: true},
		"refuses an image whose release is older than every supported one, listing them": {
			edit:    func(p *v1alpha1.SGLangProfile) { p.Spec.Image = "lmsysorg/sglang:v0.4.6.post1-rocm630" },
			message: "spec.image: Invalid value: \"lmsysorg/sglang:v0.4.6.post1-rocm630\": SGLang 0.4.6 (image tag) is older than every supported release; supported releases: " + sglang.Supported()},
		"refuses a spec.sglangVersion older than every supported release": {
			edit:    func(p *v1alpha1.SGLangProfile) { p.Spec.SGLangVersion = "0.1.0" },
			message: "spec.sglangVersion: Invalid value: \"0.1.0\""},
		"refuses an update that makes the profile invalid": {
			edit: func(p *v1alpha1.SGLangProfile) { p.Spec.Args.Extra = []string{"--no-such-flag"} }, op: admissionv1.Update,
			message: "SGLang " + sglang.Oldest().Version().String() + " has no flag --no-such-flag"},
		"admits a release newer than the newest catalog, with a warning": {
			edit: func(p *v1alpha1.SGLangProfile) { p.Spec.SGLangVersion = "99.0.0" }, allowed: true,
			warning: "newer than the newest release this webhook knows"},
		"admits an image pinned by digest alone, warning that the oldest release is used": {
			edit:    func(p *v1alpha1.SGLangProfile) { p.Spec.Image = "lmsysorg/sglang@sha256:" + strings.Repeat("a", 64) },
			allowed: true, warning: "using the oldest supported release"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := profile.Default()
			p.Name = "mi300x"
			if tc.edit != nil {
				tc.edit(p)
			}
			op := tc.op
			if op == "" {
				op = admissionv1.Create
			}
			raw, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			req := admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
				Operation: op, Object: runtime.RawExtension{Raw: raw}, OldObject: runtime.RawExtension{Raw: raw}}}
			resp := handler.Handle(t.Context(), req)
			if resp.Allowed != tc.allowed {
				t.Fatalf("allowed = %v (%+v), want %v", resp.Allowed, resp.Result, tc.allowed)
			}
			if !tc.allowed && !strings.Contains(resp.Result.Message, tc.message) {
				t.Errorf("message %q, want one containing %q", resp.Result.Message, tc.message)
			}
			warned := strings.Join(resp.Warnings, "\n")
			if (tc.warning == "") != (warned == "") || !strings.Contains(warned, tc.warning) {
				t.Errorf("warnings %q, want one containing %q", resp.Warnings, tc.warning)
			}
		})
	}
}
