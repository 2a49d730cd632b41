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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/internal/golden"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// audit sends the request to the audit endpoint, as the audit webhooks do.
func audit(t *testing.T, h *PodRewriter, req admission.Request) admission.Response {
	t.Helper()
	body := reviewOf(t, req)
	r := httptest.NewRequest(http.MethodPost, AuditPodPath, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.Audit().ServeHTTP(w, r)
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(w.Body.Bytes(), &review); err != nil || review.Response == nil {
		t.Fatalf("the audit endpoint answered %s (%v)", w.Body.Bytes(), err)
	}
	resp := admission.Response{AdmissionResponse: *review.Response}
	return resp
}

func labelled(pod *corev1.Pod, k, v string) *corev1.Pod {
	if pod.Labels == nil {
		pod.Labels = map[string]string{}
	}
	pod.Labels[k] = v
	return pod
}

func TestAudit(t *testing.T) {
	type expect struct {
		decision   rewrite.Decision
		reason     string
		profile    string
		source     string
		messageHas string
		image      string   // of the record
		warnings   []string // substrings, each of some warning
		noRecord   bool     // the pod is answered without a patch
	}
	cases := map[string]struct {
		profiles []*v1alpha1.SGLangProfile
		pod      *corev1.Pod
		endpoint bool // through the audit endpoint; else a pod labelled audit through Handle
		want     expect
	}{
		"a pod the rewrite would rewrite: the record has its profile, image and SGLang command, the warnings are the rewrite's, prefixed": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      vllmPod("--fingerprint-value", "abc"),
			endpoint: true,
			want: expect{decision: rewrite.DecisionRewrite, profile: "default", source: "default", image: defaultProfile().Spec.Image,
				messageHas: `would be rewritten with SGLangProfile "default"`,
				warnings:   []string{`audit: the pod would be rewritten with SGLangProfile "default"`, `audit: container "vllm": --fingerprint-value`}},
		},
		"a pod labelled audit in an enabled namespace is audited, not rewritten": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      labelled(vllmPod(), v1alpha1.LabelRewrite, v1alpha1.LabelRewriteAudit),
			want:     expect{decision: rewrite.DecisionRewrite, profile: "default", source: "default", image: defaultProfile().Spec.Image},
		},
		"the record names the profile a selector chose, and why": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(), selectingProfile("llama", "lmsysorg/sglang:llama", 0, modelGlob("meta-llama/*"))},
			pod:      vllmPod(),
			endpoint: true,
			want: expect{decision: rewrite.DecisionRewrite, profile: "llama", source: "selector", image: "lmsysorg/sglang:llama",
				messageHas: `model "meta-llama/Llama-3.1-8B-Instruct" matches glob "meta-llama/*"`},
		},
		"a pod no profile selects, without a default: skip, no-profile": {
			profiles: []*v1alpha1.SGLangProfile{selectingProfile("qwen", "lmsysorg/sglang:qwen", 0, modelGlob("Qwen/*"))},
			pod:      vllmPod(),
			endpoint: true,
			want: expect{decision: rewrite.DecisionSkip, reason: string(rewrite.SkipNoProfile), source: "none",
				warnings: []string{"audit: the pod would be left alone: no SGLangProfile selects the pod"}},
		},
		"a pod its profile rejects is admitted: deny, rejected-flags": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(), rejectProfile("strict")},
			pod:      withAnnotation(vllmPod("--fingerprint-value", "abc"), v1alpha1.AnnotationProfile, "strict"),
			endpoint: true,
			want: expect{decision: rewrite.DecisionDeny, reason: DenyRejectedFlags, profile: "strict", source: "annotation",
				warnings: []string{"audit: the pod would be denied: vllm-to-sglang: container \"vllm\" cannot run on SGLang"}},
		},
		"a pod naming a profile that does not exist is admitted: deny, profile-not-found": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      withAnnotation(vllmPod(), v1alpha1.AnnotationProfile, "nope"),
			endpoint: true,
			want:     expect{decision: rewrite.DecisionDeny, reason: DenyProfileNotFound, profile: "nope", source: "annotation"},
		},
		"a command the profile cannot translate: skip, untranslatable, with the rewrite's warning": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      vllmPod("--port", "$(PORT)"),
			endpoint: true,
			want: expect{decision: rewrite.DecisionSkip, reason: string(rewrite.SkipUntranslatable), profile: "default", source: "default",
				warnings: []string{`audit: container "vllm" not rewritten`}},
		},
		"a pod that was rewritten keeps its status: no record": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      withAnnotation(vllmPod(), v1alpha1.AnnotationStatus, `{"profile":"default"}`),
			endpoint: true,
			want:     expect{decision: rewrite.DecisionSkip, reason: string(rewrite.SkipAlreadyRewritten), noRecord: true},
		},
		"a pod audited before is audited again, its record replaced": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      withAnnotation(vllmPod(), v1alpha1.AnnotationStatus, `{"mode":"audit","decision":"skip","reason":"no-profile"}`),
			endpoint: true,
			want:     expect{decision: rewrite.DecisionRewrite, profile: "default", source: "default", image: defaultProfile().Spec.Image},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h, m := newTestRewriter(t, tc.profiles...)
			raw := mustJSON(t, tc.pod)
			var resp admission.Response
			if tc.endpoint {
				resp = audit(t, h, createRequest(raw))
			} else {
				resp = h.Handle(t.Context(), createRequest(raw))
			}
			if !resp.Allowed {
				t.Fatalf("an audited pod was refused: %+v", resp.Result)
			}
			for _, w := range resp.Warnings {
				if !strings.HasPrefix(w, auditPrefix) {
					t.Errorf("warning %q lacks the %q prefix", w, auditPrefix)
				}
			}
			for _, want := range tc.want.warnings {
				if !containsAny(resp.Warnings, want) {
					t.Errorf("warnings %q, want one containing %q", resp.Warnings, want)
				}
			}
			if got := testutil.ToFloat64(m.audits.WithLabelValues(string(tc.want.decision), tc.want.reason)); got != 1 {
				t.Errorf("audits_total{decision=%q,reason=%q} = %v, want 1", tc.want.decision, tc.want.reason, got)
			}
			if got := testutil.ToFloat64(m.pods.WithLabelValues(OutcomeAudited, "")); got != 1 {
				t.Errorf("pods_total{outcome=audited} = %v, want 1", got)
			}
			got := appliedPod(t, raw, resp)
			if tc.want.noRecord {
				if len(resp.Patch) != 0 {
					t.Errorf("patched %s, want no patch", resp.Patch)
				}
				return
			}
			// Unchanged but for the annotation.
			want := tc.pod.DeepCopy()
			want.Annotations = got.Annotations
			if !apiequality.Semantic.DeepEqual(want, got) {
				t.Errorf("the audited pod changed beyond its status annotation (-before +after):\n%s", cmp.Diff(want, got))
			}
			rec, ok, err := rewrite.ReadAudit(&got.ObjectMeta)
			if err != nil || !ok {
				t.Fatalf("no audit record: %v, %v (%v)", ok, err, got.Annotations)
			}
			if rec.Decision != tc.want.decision || rec.Reason != tc.want.reason || rec.Profile != tc.want.profile ||
				rec.ProfileSource != tc.want.source || rec.Image != tc.want.image || !strings.Contains(rec.Message, tc.want.messageHas) {
				t.Errorf("record %+v, want %+v", rec, tc.want)
			}
			if rec.Decision == rewrite.DecisionRewrite {
				if len(rec.SGLangCommand) < 3 || strings.Join(rec.SGLangCommand[:3], " ") != "python3 -m sglang.launch_server" || rec.Container != "vllm" {
					t.Errorf("record's SGLang command %q, container %q", rec.SGLangCommand, rec.Container)
				}
				if len(rec.Models) != 1 || rec.Models[0] != "meta-llama/Llama-3.1-8B-Instruct" {
					t.Errorf("record's models %q", rec.Models)
				}
			}
		})
	}
}

func TestAuditNeverBlocksAPod(t *testing.T) {
	cases := map[string]struct {
		h      func(t *testing.T, m *Metrics) *PodRewriter
		raw    []byte
		reason string
	}{
		"the profiles cannot be read": {
			h:   func(t *testing.T, m *Metrics) *PodRewriter { return NewPodRewriter(errReader{}, testProxyImage, m) },
			raw: mustJSON(t, vllmPod()), reason: DenyProfileLookup,
		},
		"the handler panics": {
			h: func(t *testing.T, m *Metrics) *PodRewriter {
				return NewPodRewriter(panickingReader{}, testProxyImage, m)
			},
			raw: mustJSON(t, vllmPod()), reason: DenyInternal,
		},
		"the pod cannot be decoded": {
			h: func(t *testing.T, m *Metrics) *PodRewriter {
				h, _ := newTestRewriter(t, defaultProfile())
				h.metrics = m
				return h
			},
			raw: []byte(`{"apiVersion":"v1","kind":"Pod","spec":{"containers":"no"}}`), reason: DenyMalformed,
		},
		"no proxy image is configured": {
			h: func(t *testing.T, m *Metrics) *PodRewriter {
				h, _ := newTestRewriter(t, defaultProfile())
				h.metrics, h.proxyImage = m, ""
				return h
			},
			raw: mustJSON(t, vllmPod()), reason: DenyRewriteFailed,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := NewMetrics(prometheus.NewRegistry())
			if err != nil {
				t.Fatal(err)
			}
			resp := audit(t, tc.h(t, m), createRequest(tc.raw))
			if !resp.Allowed {
				t.Fatalf("refused: %+v", resp.Result)
			}
			if !containsAny(resp.Warnings, "audit: the pod would be denied") {
				t.Errorf("warnings %q, want the denial as an audit warning", resp.Warnings)
			}
			if got := testutil.ToFloat64(m.audits.WithLabelValues(string(rewrite.DecisionDeny), tc.reason)); got != 1 {
				t.Errorf("audits_total{decision=deny,reason=%q} = %v, want 1", tc.reason, got)
			}
		})
	}
}

func TestAPodCarryingAnAuditRecordIsRewrittenInAnEnabledNamespace(t *testing.T) {
	h, m := newTestRewriter(t, defaultProfile())
	raw := mustJSON(t, withAnnotation(vllmPod(), v1alpha1.AnnotationStatus, `{"mode":"audit","decision":"rewrite","profile":"default"}`))
	resp := h.Handle(t.Context(), createRequest(raw))
	if !resp.Allowed || len(resp.Patch) == 0 {
		t.Fatalf("allowed %v, patch %s: want the pod rewritten", resp.Allowed, resp.Patch)
	}
	pod := appliedPod(t, raw, resp)
	if _, ok, _ := rewrite.ReadAudit(&pod.ObjectMeta); ok {
		t.Error("the audit record is still there")
	}
	if status, ok, err := rewrite.ReadStatus(&pod.ObjectMeta); err != nil || !ok || status.Profile != "default" {
		t.Errorf("status %+v, %v, %v; want the rewrite's", status, ok, err)
	}
	if got := testutil.ToFloat64(m.pods.WithLabelValues(OutcomeRewritten, "")); got != 1 {
		t.Errorf("rewritten = %v, want 1", got)
	}
}

// TestAuditRecordDocsExample keeps the audit record shown in
// docs/rewrite.md equal to the one the webhook writes for the Qwen3 pod of
// the two-model example (cmd/vllm-to-sglang/testdata/two-models); -update
// rewrites it.
func TestAuditRecordDocsExample(t *testing.T) {
	const dir = "../cmd/vllm-to-sglang/testdata/two-models"
	profiles, err := profile.LoadAll([]string{dir + "/profiles"})
	if err != nil {
		t.Fatal(err)
	}
	var objs []client.Object
	for _, p := range profiles {
		objs = append(objs, p)
	}
	h, _ := newTestRewriterWith(t, objs...)
	var pod *corev1.Pod
	for _, p := range fixturePodsIn(t, dir+"/models.yaml") {
		if p.Labels["app"] == "qwen3" {
			pod = p
		}
	}
	if pod == nil {
		t.Fatal("no qwen3 pod in the example")
	}
	raw := mustJSON(t, pod)
	got := appliedPod(t, raw, audit(t, h, createRequest(raw)))
	golden.Sections(t, "../docs/rewrite.md", map[string]string{
		"audit-record-example": "```json\n" + onePerLine(t, got.Annotations[v1alpha1.AnnotationStatus]) + "\n```\n",
	})
}

// onePerLine writes a JSON object with one member per line, in order, each
// value compact.
func onePerLine(t *testing.T, object string) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(object))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", object)
	}
	var members []string
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			t.Fatal(err)
		}
		k, _ := json.Marshal(key)
		members = append(members, "  "+string(k)+": "+string(value))
	}
	return "{\n" + strings.Join(members, ",\n") + "\n}"
}
