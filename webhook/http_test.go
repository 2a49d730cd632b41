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
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite/manifest"
)

// serve posts body to the handler the way the API server does and decodes
// the AdmissionReview it answers with.
func serve(t testing.TB, h http.Handler, body []byte) (int, *admissionv1.AdmissionResponse) {
	t.Helper()
	status, review := serveReview(t, h, body, "")
	return status, review.Response
}

func serveReview(t testing.TB, h http.Handler, body []byte, contentType string) (int, *admissionv1.AdmissionReview) {
	t.Helper()
	if contentType == "" {
		contentType = "application/json"
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, MutatePodPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &review); err != nil {
		t.Fatalf("response is not an AdmissionReview (%d): %s", rec.Code, rec.Body.String())
	}
	return rec.Code, &review
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
	const uid = "3f0c2f3e-0000-4000-8000-000000000001" // createRequest's
	cases := map[string]struct {
		body        []byte
		contentType string // application/json unless set
		allowed     bool
		code        int32
		uid         types.UID // the request's UID, echoed in the answer
		apiVersion  string    // of the answer, admission.k8s.io/v1 unless set
		patch       bool
		warningsFor string
	}{
		"a vLLM pod comes back patched, with kubectl-visible warnings": {
			body:    reviewOf(t, createRequest(mustJSON(t, vllmPod("--fingerprint-value", "abc")))),
			allowed: true, uid: uid, patch: true, warningsFor: "--fingerprint-value",
		},
		"a pod without vLLM comes back allowed without a patch": {
			body: reviewOf(t, createRequest(mustJSON(t, plainPod()))), allowed: true, uid: uid,
		},
		"a v1beta1 review is answered in v1beta1": {
			body: func() []byte {
				raw := reviewOf(t, createRequest(mustJSON(t, vllmPod())))
				return bytes.Replace(raw, []byte(`"admission.k8s.io/v1"`), []byte(`"admission.k8s.io/v1beta1"`), 1)
			}(),
			allowed: true, uid: uid, apiVersion: "admission.k8s.io/v1beta1", patch: true,
		},
		"a review whose pod does not decode gets a 400 answer for its UID": {
			body: reviewOf(t, createRequest([]byte(`{"apiVersion":"v1","kind":"Pod","spec":{"containers":"vllm"}}`))),
			code: http.StatusBadRequest, uid: uid,
		},
		"a review holding another kind gets a 400 answer for its UID": {
			body: reviewOf(t, createRequest([]byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"}}`))),
			code: http.StatusBadRequest, uid: uid,
		},
		"a body that is not JSON gets a 400 answer": {
			body: []byte("this is not an AdmissionReview"), code: http.StatusBadRequest,
		},
		"an AdmissionReview without a request gets a 400 answer": {
			body: mustJSON(t, admissionv1.AdmissionReview{TypeMeta: metav1TypeMeta()}), code: http.StatusBadRequest,
		},
		"an empty body gets a 400 answer": {body: []byte{}, code: http.StatusBadRequest},
		"a body that is not declared JSON gets a 400 answer": {
			body: reviewOf(t, createRequest(mustJSON(t, vllmPod()))), contentType: "application/yaml", code: http.StatusBadRequest,
		},
		"a body over 7 MiB gets a 413 answer": {
			body: append(reviewOf(t, createRequest(mustJSON(t, vllmPod()))), bytes.Repeat([]byte(" "), maxReviewBytes)...),
			code: http.StatusRequestEntityTooLarge,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, review := serveReview(t, h, tc.body, tc.contentType)
			resp := review.Response
			wantVersion := tc.apiVersion
			if wantVersion == "" {
				wantVersion = "admission.k8s.io/v1"
			}
			if review.APIVersion != wantVersion || review.Kind != "AdmissionReview" {
				t.Errorf("answer is %s %s, want %s AdmissionReview", review.APIVersion, review.Kind, wantVersion)
			}
			if resp != nil && resp.UID != tc.uid {
				t.Errorf("answer's UID = %q, want %q", resp.UID, tc.uid)
			}
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
	return fixturePodsIn(t, filepath.Join("..", "test", "testdata", file))
}

// fixturePodsIn returns the pod template of every Deployment in a file.
func fixturePodsIn(t testing.TB, path string) []*corev1.Pod {
	t.Helper()
	file := filepath.Base(path)
	f, err := os.Open(path)
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
