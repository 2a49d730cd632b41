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
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite/manifest"
)

// serve posts body to the handler the way the API server does and decodes
// the AdmissionReview it answers with.
func serve(t testing.TB, h http.Handler, body []byte) (int, *admissionv1.AdmissionResponse) {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, MutatePodPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &review); err != nil {
		t.Fatalf("response is not an AdmissionReview (%d): %s", rec.Code, rec.Body.String())
	}
	return rec.Code, review.Response
}

func reviewOf(t testing.TB, req admission.Request) []byte {
	t.Helper()
	return mustJSON(t, admissionv1.AdmissionReview{
		TypeMeta: metav1TypeMeta(),
		Request:  &req.AdmissionRequest,
	})
}

func TestOverHTTP(t *testing.T) {
	h, _ := newTestRewriter(t, defaultProfile())
	wh := h
	cases := map[string]struct {
		body        []byte
		allowed     bool
		code        int32
		patch       bool
		warningsFor string
	}{
		"a vLLM pod comes back patched, with kubectl-visible warnings": {
			body:    reviewOf(t, createRequest(mustJSON(t, vllmPod("--fingerprint-value", "abc")))),
			allowed: true, patch: true, warningsFor: "--fingerprint-value",
		},
		"a body that is not JSON gets a 400 answer": {
			body: []byte("this is not an AdmissionReview"), code: http.StatusBadRequest,
		},
		"an AdmissionReview without a request gets a 400 answer": {
			body: mustJSON(t, admissionv1.AdmissionReview{TypeMeta: metav1TypeMeta()}), code: http.StatusBadRequest,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, resp := serve(t, wh, tc.body)
			if status != http.StatusOK {
				t.Fatalf("HTTP status %d: the API server expects 200 with the verdict inside", status)
			}
			if resp == nil {
				t.Fatal("no response in the AdmissionReview")
			}
			if resp.Allowed != tc.allowed {
				t.Fatalf("allowed = %v, want %v (%+v)", resp.Allowed, tc.allowed, resp.Result)
			}
			if !tc.allowed && (resp.Result == nil || resp.Result.Code != tc.code) {
				t.Fatalf("result = %+v, want code %d", resp.Result, tc.code)
			}
			if got := len(resp.Patch) > 0; got != tc.patch {
				t.Errorf("patch present = %v, want %v", got, tc.patch)
			}
			if tc.warningsFor != "" && !containsAny(resp.Warnings, tc.warningsFor) {
				t.Errorf("warnings %q do not mention %s", resp.Warnings, tc.warningsFor)
			}
		})
	}
}

// fixturePods returns the pod template of every workload in a fixture
// under test/testdata, as pods.
func fixturePods(t testing.TB, file string) []*corev1.Pod {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "test", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	objs, err := manifest.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var pods []*corev1.Pod
	for _, obj := range objs {
		tmpl, found, err := unstructured.NestedMap(obj.Object, "spec", "template")
		if err != nil || !found || !strings.HasSuffix(obj.GetAPIVersion(), "v1") || obj.GetKind() != "Deployment" {
			continue
		}
		pod := &corev1.Pod{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(tmpl, pod); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		pod.APIVersion, pod.Kind = "v1", "Pod"
		pod.Name, pod.Namespace = obj.GetName()+"-pod", testNamespace
		pods = append(pods, pod)
	}
	if len(pods) == 0 {
		t.Fatalf("%s holds no Deployment", file)
	}
	return pods
}

func metav1TypeMeta() metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"}
}
