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
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/podpatch"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

const (
	testNamespace  = "team-a"
	testProxyImage = "example.com/vllm-to-sglang:test"
	vllmImage      = "vllm/vllm-openai:v0.10.1"
)

// vllmPod is a one-GPU `vllm serve` pod, the shape the vLLM stacks render.
func vllmPod(extraArgs ...string) *corev1.Pod {
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "llama", Namespace: testNamespace},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:    "vllm",
			Image:   vllmImage,
			Command: []string{"vllm", "serve"},
			Args:    append([]string{"meta-llama/Llama-3.1-8B-Instruct", "--port", "8000"}, extraArgs...),
			Ports:   []corev1.ContainerPort{{Name: "http", ContainerPort: 8000}},
			Resources: corev1.ResourceRequirements{
				Limits: corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1")},
			},
		}}},
	}
}

// onTheNode puts a pod in the node's network.
func onTheNode(pod *corev1.Pod) *corev1.Pod {
	pod.Spec.HostNetwork = true
	return pod
}

func plainPod() *corev1.Pod {
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: testNamespace},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "nginx", Image: "nginx:1.27"}}},
	}
}

func withAnnotation(pod *corev1.Pod, k, v string) *corev1.Pod {
	if pod.Annotations == nil {
		pod.Annotations = map[string]string{}
	}
	pod.Annotations[k] = v
	return pod
}

func defaultProfile() *v1alpha1.SGLangProfile { return profile.Default() }

func namedProfile(name, image string, mutate ...func(*v1alpha1.SGLangProfileSpec)) *v1alpha1.SGLangProfile {
	p := profile.Default()
	p.Name = name
	p.Spec.Image = image
	for _, m := range mutate {
		m(&p.Spec)
	}
	return p
}

// selectingProfile is a profile with a selector and a priority.
func selectingProfile(name, image string, priority int32, sel *v1alpha1.ProfileSelector) *v1alpha1.SGLangProfile {
	return namedProfile(name, image, func(s *v1alpha1.SGLangProfileSpec) { s.Selector, s.Priority = sel, priority })
}

// modelGlob selects the models a glob matches.
func modelGlob(glob string) *v1alpha1.ProfileSelector {
	return &v1alpha1.ProfileSelector{Models: []v1alpha1.ModelPattern{{Pattern: glob, Kind: v1alpha1.PatternGlob}}}
}

// rejectProfile refuses pods that use --fingerprint-value.
func rejectProfile(name string) *v1alpha1.SGLangProfile {
	return namedProfile(name, "lmsysorg/sglang:reject", func(s *v1alpha1.SGLangProfileSpec) {
		s.Args.UnsafeFlags = v1alpha1.UnsafeFlagReject
	})
}

func testScheme(t testing.TB) *runtime.Scheme {
	t.Helper()
	s, err := NewScheme()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newTestRewriter returns a handler reading the given profiles, with its
// metrics in a registry of its own.
func newTestRewriter(t testing.TB, profiles ...*v1alpha1.SGLangProfile) (*PodRewriter, *Metrics) {
	t.Helper()
	objs := make([]client.Object, 0, len(profiles))
	for _, p := range profiles {
		objs = append(objs, p)
	}
	return newTestRewriterWith(t, objs...)
}

// newTestRewriterWith returns a handler whose cache holds the objects
// (profiles and namespaces).
func newTestRewriterWith(t testing.TB, objs ...client.Object) (*PodRewriter, *Metrics) {
	t.Helper()
	s := testScheme(t)
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	reader := fake.NewClientBuilder().WithScheme(s).WithObjects(objs...).Build()
	return NewPodRewriter(reader, testProxyImage, m), m
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// createRequest wraps a raw object in a pod CREATE request, as the API
// server sends it.
func createRequest(raw []byte, mods ...func(*admissionv1.AdmissionRequest)) admission.Request {
	req := admissionv1.AdmissionRequest{
		UID:       "3f0c2f3e-0000-4000-8000-000000000001",
		Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
		Resource:  metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
		Operation: admissionv1.Create,
		Namespace: testNamespace,
		Object:    runtime.RawExtension{Raw: raw},
	}
	for _, m := range mods {
		m(&req)
	}
	return admission.Request{AdmissionRequest: req}
}

func dryRun(r *admissionv1.AdmissionRequest) { r.DryRun = ptr.To(true) }

// applied applies the response's patch to raw, as the API server does
// (podpatch.Apply uses the API server's JSON patch library).
func applied(t testing.TB, raw []byte, resp admission.Response) []byte {
	t.Helper()
	if len(resp.Patch) == 0 {
		return raw
	}
	if resp.PatchType == nil || *resp.PatchType != admissionv1.PatchTypeJSONPatch {
		t.Fatalf("patch type %v, want JSONPatch", resp.PatchType)
	}
	out, err := podpatch.Apply(raw, resp.Patch)
	if err != nil {
		t.Fatalf("applying the response patch: %v", err)
	}
	return out
}

func appliedPod(t testing.TB, raw []byte, resp admission.Response) *corev1.Pod {
	t.Helper()
	var pod corev1.Pod
	if err := json.Unmarshal(applied(t, raw, resp), &pod); err != nil {
		t.Fatal(err)
	}
	return &pod
}

func container(pod *corev1.Pod, name string) *corev1.Container {
	for _, list := range [][]corev1.Container{pod.Spec.Containers, pod.Spec.InitContainers} {
		for i := range list {
			if list[i].Name == name {
				return &list[i]
			}
		}
	}
	return nil
}

func TestPodRewriter(t *testing.T) {
	type expect struct {
		allowed     bool
		code        int32  // result code when not allowed
		message     string // substring of the result message
		patched     bool
		image       string // the vllm container's image after the patch
		warningHas  string // substring of some warning
		outcome     string
		reason      string
		flagWarning string // a flag counted in flag_warnings_total
	}
	cases := map[string]struct {
		profiles   []*v1alpha1.SGLangProfile
		namespaces []*corev1.Namespace
		pod        *corev1.Pod
		raw        []byte // overrides pod
		mods       []func(*admissionv1.AdmissionRequest)
		want       expect
	}{
		"rewrites a vLLM pod with the default profile and warns about each dropped flag": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      vllmPod("--fingerprint-value", "abc"),
			want: expect{allowed: true, patched: true, image: defaultProfile().Spec.Image,
				warningHas: "--fingerprint-value", outcome: OutcomeRewritten, flagWarning: "--fingerprint-value"},
		},
		"uses the profile the pod names in its annotation": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(), namedProfile("mi325", "lmsysorg/sglang:mi325")},
			pod:      withAnnotation(vllmPod(), v1alpha1.AnnotationProfile, "mi325"),
			want:     expect{allowed: true, patched: true, image: "lmsysorg/sglang:mi325", outcome: OutcomeRewritten},
		},
		"denies a pod whose annotation names a profile that does not exist, naming it": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      withAnnotation(vllmPod(), v1alpha1.AnnotationProfile, "nope"),
			want: expect{code: http.StatusForbidden, message: `SGLangProfile "nope"`,
				outcome: OutcomeDenied, reason: DenyProfileNotFound},
		},
		"leaves a vLLM pod alone when no profile selects it and there is no default, counting why": {
			profiles: []*v1alpha1.SGLangProfile{selectingProfile("deepseek", "lmsysorg/sglang:ds", 0, modelGlob("deepseek-ai/*"))},
			pod:      vllmPod(),
			want:     expect{allowed: true, outcome: OutcomeSkipped, reason: string(rewrite.SkipNoProfile), message: "no SGLangProfile selects the pod"},
		},
		"leaves a vLLM pod alone when there is no profile at all": {
			pod:  vllmPod(),
			want: expect{allowed: true, outcome: OutcomeSkipped, reason: string(rewrite.SkipNoProfile)},
		},
		"rewrites a pod with the profile its model selects": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(),
				selectingProfile("llama", "lmsysorg/sglang:llama", 0, modelGlob("meta-llama/*"))},
			pod:  vllmPod(),
			want: expect{allowed: true, patched: true, image: "lmsysorg/sglang:llama", outcome: OutcomeRewritten},
		},
		"rewrites a pod whose model no profile selects with the default": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(),
				selectingProfile("qwen", "lmsysorg/sglang:qwen", 0, modelGlob("Qwen/*"))},
			pod:  vllmPod(),
			want: expect{allowed: true, patched: true, image: defaultProfile().Spec.Image, outcome: OutcomeRewritten},
		},
		"rewrites a pod with the profile its namespace's labels select": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(),
				selectingProfile("team-a", "lmsysorg/sglang:team-a", 0, &v1alpha1.ProfileSelector{
					NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "a"}}})},
			namespaces: []*corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: testNamespace, Labels: map[string]string{"team": "a"}}}},
			pod:        vllmPod(),
			want:       expect{allowed: true, patched: true, image: "lmsysorg/sglang:team-a", outcome: OutcomeRewritten},
		},
		"rewrites a pod with the profile of the highest priority that selects it": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(),
				selectingProfile("llama", "lmsysorg/sglang:llama", 0, modelGlob("meta-llama/*")),
				selectingProfile("llama-31", "lmsysorg/sglang:llama-31", 5, modelGlob("meta-llama/Llama-3.1-*"))},
			pod:  vllmPod(),
			want: expect{allowed: true, patched: true, image: "lmsysorg/sglang:llama-31", outcome: OutcomeRewritten},
		},
		"warns naming both profiles when two of one priority select the pod, and uses the first name": {
			profiles: []*v1alpha1.SGLangProfile{
				selectingProfile("b-llama", "lmsysorg/sglang:b", 1, modelGlob("meta-llama/*")),
				selectingProfile("a-llama", "lmsysorg/sglang:a", 1, modelGlob("*llama*"))},
			pod: vllmPod(),
			want: expect{allowed: true, patched: true, image: "lmsysorg/sglang:a", outcome: OutcomeRewritten,
				warningHas: `SGLangProfiles "a-llama" and "b-llama" all select this pod with priority 1; "a-llama" applies`},
		},
		"uses the annotation's profile over a selector": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(), namedProfile("mi325", "lmsysorg/sglang:mi325"),
				selectingProfile("llama", "lmsysorg/sglang:llama", 9, modelGlob("meta-llama/*"))},
			pod:  withAnnotation(vllmPod(), v1alpha1.AnnotationProfile, "mi325"),
			want: expect{allowed: true, patched: true, image: "lmsysorg/sglang:mi325", outcome: OutcomeRewritten},
		},
		"allows a pod without vLLM unchanged even when no profile exists": {
			pod:  plainPod(),
			want: expect{allowed: true, outcome: OutcomeSkipped, reason: string(rewrite.SkipNoVLLMContainer)},
		},
		"allows a pod that opted out unchanged even when no profile exists": {
			pod: func() *corev1.Pod {
				p := vllmPod()
				p.Labels = map[string]string{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteDisabled}
				return p
			}(),
			want: expect{allowed: true, outcome: OutcomeSkipped, reason: string(rewrite.SkipOptedOut)},
		},
		"denies a vLLM pod only its profile could admit unchanged when the profile it names does not exist": {
			pod: withAnnotation(vllmPod("--port", "$(PORT)"), v1alpha1.AnnotationProfile, "nope"),
			want: expect{code: http.StatusForbidden, message: `SGLangProfile "nope" (named by the pod's vllm-to-sglang.io/profile annotation) does not exist`,
				outcome: OutcomeDenied, reason: DenyProfileNotFound},
		},
		"allows a pod without vLLM unchanged": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      plainPod(),
			want:     expect{allowed: true, outcome: OutcomeSkipped, reason: string(rewrite.SkipNoVLLMContainer)},
		},
		"allows a vLLM pod that asks for no GPU unchanged": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod: func() *corev1.Pod {
				p := vllmPod()
				p.Spec.Containers[0].Resources = corev1.ResourceRequirements{}
				return p
			}(),
			want: expect{allowed: true, outcome: OutcomeSkipped, reason: string(rewrite.SkipNoGPU)},
		},
		"allows a pod that already carries the status annotation unchanged": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      withAnnotation(vllmPod(), v1alpha1.AnnotationStatus, `{"profile":"default"}`),
			want:     expect{allowed: true, outcome: OutcomeSkipped, reason: string(rewrite.SkipAlreadyRewritten)},
		},
		"denies with the reason when the profile rejects a flag the pod uses": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(), rejectProfile("strict")},
			pod:      withAnnotation(vllmPod("--fingerprint-value", "abc"), v1alpha1.AnnotationProfile, "strict"),
			want: expect{code: http.StatusForbidden, message: "--fingerprint-value",
				outcome: OutcomeDenied, reason: DenyRejectedFlags},
		},
		"rewrites a hostNetwork pod, warning that the proxy and SGLang use the node's ports": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      onTheNode(vllmPod()),
			want: expect{allowed: true, patched: true, image: defaultProfile().Spec.Image, outcome: OutcomeRewritten,
				warningHas: "sglang-proxy serves vLLM's port 8000 on the node, SGLang listens on 127.0.0.1:28000 of the node"},
		},
		"allows a hostNetwork pod that uses the profile's SGLang port unchanged, with a warning": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      onTheNode(vllmPod("--port", "28000")),
			want: expect{allowed: true, outcome: OutcomeSkipped, reason: string(rewrite.SkipHostNetwork),
				warningHas: "28000 (the profile's spec.proxy.hostNetworkSGLangPort), is vLLM's serving port"},
		},
		"denies a hostNetwork pod that uses the profile's SGLang port when the profile says Reject": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(), rejectProfile("strict")},
			pod:      withAnnotation(onTheNode(vllmPod("--port", "28000")), v1alpha1.AnnotationProfile, "strict"),
			want: expect{code: http.StatusForbidden, message: "is vLLM's serving port",
				outcome: OutcomeDenied, reason: DenyRejectedFlags},
		},
		"rewrites a dry-run request the same way": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      vllmPod(),
			mods:     []func(*admissionv1.AdmissionRequest){dryRun},
			want:     expect{allowed: true, patched: true, image: defaultProfile().Spec.Image, outcome: OutcomeRewritten},
		},
		"rewrites a generateName pod that has no namespace in its metadata": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod: func() *corev1.Pod {
				p := vllmPod()
				p.Name, p.GenerateName, p.Namespace = "", "vllm-llama-7d9f8-", ""
				return p
			}(),
			want: expect{allowed: true, patched: true, image: defaultProfile().Spec.Image, outcome: OutcomeRewritten},
		},
		"allows anything but CREATE unchanged": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			pod:      vllmPod(),
			mods:     []func(*admissionv1.AdmissionRequest){func(r *admissionv1.AdmissionRequest) { r.Operation = admissionv1.Update }},
			want:     expect{allowed: true, outcome: OutcomeSkipped, reason: SkipNotCreate},
		},
		"answers a request whose object is not JSON with 400 and a clear message": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			raw:      []byte(`{"apiVersion":"v1","kind":"Pod","spec":`),
			want: expect{code: http.StatusBadRequest, message: "does not hold a valid v1 Pod",
				outcome: OutcomeDenied, reason: DenyMalformed},
		},
		"answers a request with no object with 400": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			raw:      []byte{},
			want: expect{code: http.StatusBadRequest, message: "does not hold a valid v1 Pod",
				outcome: OutcomeDenied, reason: DenyMalformed},
		},
		"answers a request holding another kind with 400": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()},
			raw:      []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"}}`),
			want: expect{code: http.StatusBadRequest, message: "does not hold a valid v1 Pod",
				outcome: OutcomeDenied, reason: DenyMalformed},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var objs []client.Object
			for _, p := range tc.profiles {
				objs = append(objs, p)
			}
			for _, ns := range tc.namespaces {
				objs = append(objs, ns)
			}
			h, m := newTestRewriterWith(t, objs...)
			raw := tc.raw
			if raw == nil {
				raw = mustJSON(t, tc.pod)
			}
			resp := h.Handle(t.Context(), createRequest(raw, tc.mods...))
			checkResponse(t, resp, tc.want.allowed, tc.want.code, tc.want.message)
			if got := len(resp.Patch) > 0; got != tc.want.patched {
				t.Fatalf("patched = %v, want %v (patch %s)", got, tc.want.patched, resp.Patch)
			}
			if tc.want.patched {
				pod := appliedPod(t, raw, resp)
				if c := container(pod, "vllm"); c == nil || c.Image != tc.want.image {
					t.Errorf("vllm container after the patch = %+v, want image %q", c, tc.want.image)
				}
				if container(pod, v1alpha1.ProxyContainerName) == nil {
					t.Errorf("no %s container after the patch", v1alpha1.ProxyContainerName)
				}
			}
			if tc.want.warningHas != "" && !containsAny(resp.Warnings, tc.want.warningHas) {
				t.Errorf("warnings %q mention no %q", resp.Warnings, tc.want.warningHas)
			}
			if got := testutil.ToFloat64(m.pods.WithLabelValues(tc.want.outcome, tc.want.reason)); got != 1 {
				t.Errorf("pods_total{outcome=%q,reason=%q} = %v, want 1", tc.want.outcome, tc.want.reason, got)
			}
			if got := testutil.CollectAndCount(m.duration); got != 1 {
				t.Errorf("request_duration_seconds has %d series, want 1", got)
			}
			if tc.want.flagWarning != "" {
				if got := testutil.ToFloat64(m.warnings.WithLabelValues(tc.want.flagWarning, "dropped")); got != 1 {
					t.Errorf("flag_warnings_total{flag=%q,action=dropped} = %v, want 1", tc.want.flagWarning, got)
				}
			}
		})
	}
}

func checkResponse(t *testing.T, resp admission.Response, allowed bool, code int32, message string) {
	t.Helper()
	if resp.Allowed != allowed {
		t.Fatalf("allowed = %v, want %v (result %+v)", resp.Allowed, allowed, resp.Result)
	}
	if allowed {
		if message != "" && (resp.Result == nil || !strings.Contains(resp.Result.Message, message)) {
			t.Errorf("result %+v, want a message containing %q", resp.Result, message)
		}
		return
	}
	if resp.Result == nil || resp.Result.Code != code {
		t.Fatalf("result = %+v, want code %d", resp.Result, code)
	}
	if !strings.Contains(resp.Result.Message, message) {
		t.Errorf("message %q does not contain %q", resp.Result.Message, message)
	}
}

func containsAny(lines []string, sub string) bool {
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

func TestRewrittenPodIsLeftAloneWhenSentAgain(t *testing.T) {
	h, m := newTestRewriter(t, defaultProfile())
	raw := mustJSON(t, vllmPod())
	first := h.Handle(t.Context(), createRequest(raw))
	again := applied(t, raw, first)

	second := h.Handle(t.Context(), createRequest(again))
	if !second.Allowed || len(second.Patch) != 0 {
		t.Fatalf("second call = allowed %v with patch %s, want allowed without a patch", second.Allowed, second.Patch)
	}
	if got := testutil.ToFloat64(m.pods.WithLabelValues(OutcomeSkipped, string(rewrite.SkipAlreadyRewritten))); got != 1 {
		t.Errorf("already-rewritten skips = %v, want 1", got)
	}
}

// panickingReader stands in for a cache that blows up.
type panickingReader struct{ client.Reader }

func (panickingReader) List(context.Context, client.ObjectList, ...client.ListOption) error {
	panic("cache exploded")
}

func TestPanicInTheHandlerIsRecoveredLoggedAndCounted(t *testing.T) {
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	h := NewPodRewriter(panickingReader{}, testProxyImage, m)
	resp := h.Handle(t.Context(), createRequest(mustJSON(t, vllmPod())))
	checkResponse(t, resp, false, http.StatusInternalServerError, "internal error")
	if got := testutil.ToFloat64(m.pods.WithLabelValues(OutcomeDenied, DenyInternal)); got != 1 {
		t.Errorf("internal-error denials = %v, want 1", got)
	}
}

// errReader fails every read the way an unreachable cache would.
type errReader struct{ client.Reader }

func (errReader) Get(context.Context, client.ObjectKey, client.Object, ...client.GetOption) error {
	return errors.New("connection refused")
}

func (errReader) List(context.Context, client.ObjectList, ...client.ListOption) error {
	return errors.New("connection refused")
}

func TestProfileReadFailureIsAServerErrorNotADenialOfThePod(t *testing.T) {
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	h := NewPodRewriter(errReader{}, testProxyImage, m)
	resp := h.Handle(t.Context(), createRequest(mustJSON(t, vllmPod())))
	checkResponse(t, resp, false, http.StatusInternalServerError, "connection refused")
	if got := testutil.ToFloat64(m.pods.WithLabelValues(OutcomeDenied, DenyProfileLookup)); got != 1 {
		t.Errorf("profile-lookup-failed denials = %v, want 1", got)
	}
}

// namespaceErrReader reads profiles but no namespace.
type namespaceErrReader struct{ *informerLikeReader }

func (namespaceErrReader) Get(context.Context, client.ObjectKey, client.Object, ...client.GetOption) error {
	return errors.New("connection refused")
}

func TestNamespaceReadFailure(t *testing.T) {
	teamA := selectingProfile("team-a", "lmsysorg/sglang:team-a", 0, &v1alpha1.ProfileSelector{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "a"}}})
	cases := map[string]struct {
		profiles []*v1alpha1.SGLangProfile
		pod      *corev1.Pod
		allowed  bool
		reason   string
	}{
		"refuses a vLLM pod with a server error when a namespace selector needs the labels": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(), teamA}, pod: vllmPod(), reason: DenyNamespaceLookup,
		},
		"does not read the namespace when no profile selects by namespace": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile()}, pod: vllmPod(), allowed: true,
		},
		"does not read the namespace for a pod that names its profile": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(), teamA},
			pod:      withAnnotation(vllmPod(), v1alpha1.AnnotationProfile, "default"), allowed: true,
		},
		"allows a pod without vLLM": {
			profiles: []*v1alpha1.SGLangProfile{defaultProfile(), teamA}, pod: plainPod(), allowed: true,
			reason: string(rewrite.SkipNoVLLMContainer),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := NewMetrics(prometheus.NewRegistry())
			if err != nil {
				t.Fatal(err)
			}
			h := NewPodRewriter(namespaceErrReader{informerLike(tc.profiles...)}, testProxyImage, m)
			resp := h.Handle(t.Context(), createRequest(mustJSON(t, tc.pod)))
			if tc.allowed {
				checkResponse(t, resp, true, 0, "")
			} else {
				checkResponse(t, resp, false, http.StatusInternalServerError, `reading the labels of namespace "team-a": connection refused`)
			}
			if tc.reason != "" {
				outcome := OutcomeDenied
				if tc.allowed {
					outcome = OutcomeSkipped
				}
				if got := testutil.ToFloat64(m.pods.WithLabelValues(outcome, tc.reason)); got != 1 {
					t.Errorf("pods_total{outcome=%q,reason=%q} = %v, want 1", outcome, tc.reason, got)
				}
			}
		})
	}
}

func TestWithoutAnyProxyImage(t *testing.T) {
	cases := map[string]struct {
		pod     *corev1.Pod
		allowed bool
	}{
		"a vLLM pod is denied, naming the missing setting": {pod: vllmPod(), allowed: false},
		"a pod without vLLM is still allowed":              {pod: plainPod(), allowed: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := NewMetrics(prometheus.NewRegistry())
			if err != nil {
				t.Fatal(err)
			}
			s := testScheme(t)
			h := NewPodRewriter(fake.NewClientBuilder().WithScheme(s).WithObjects(defaultProfile()).Build(), "", m)
			resp := h.Handle(t.Context(), createRequest(mustJSON(t, tc.pod)))
			if tc.allowed {
				checkResponse(t, resp, true, 0, "")
				return
			}
			checkResponse(t, resp, false, http.StatusForbidden, "proxy-image")
		})
	}
}

// FuzzHandleNeverPanics sends arbitrary pod bytes through the handler: every
// answer is a verdict (a refusal carries a status), no panic is recovered
// (the internal-error count stays 0), and every patch applies to the input
// and gives exactly the rewrite's output.
func FuzzHandleNeverPanics(f *testing.F) {
	f.Add([]byte(podFromANewerAPIServer))
	f.Add(mustJSON(f, vllmPod("--fingerprint-value", "abc", "-tp", "2")))
	f.Add([]byte(`{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"x","command":["sh","-c","vllm serve m --tensor-parallel-size 8"],"resources":{"limits":{"nvidia.com/gpu":"8"}}}]}}`))
	f.Add([]byte(`{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"x","image":"vllm/vllm-openai:v0.10.1","args":["--model","m"],"ports":[{"containerPort":8000}],"resources":{"limits":{"nvidia.com/gpu":"1"}}}]}}`))
	f.Add([]byte(`{"kind":"Pod"`))
	h, m := newTestRewriter(f, defaultProfile())
	f.Fuzz(func(t *testing.T, raw []byte) {
		resp := h.Handle(context.Background(), createRequest(raw))
		if got := testutil.ToFloat64(m.pods.WithLabelValues(OutcomeDenied, DenyInternal)); got != 0 {
			t.Fatalf("the handler panicked on %q", raw)
		}
		if !resp.Allowed && resp.Result == nil {
			t.Fatalf("a refusal without a status for %q", raw)
		}
		if resp.Allowed && len(resp.Patch) > 0 {
			checkPatchGivesTheRewrite(t, raw, resp)
		}
	})
}

// checkPatchGivesTheRewrite applies the response's patch to raw and checks
// that the result decodes to what the rewrite makes of the decoded pod.
func checkPatchGivesTheRewrite(t *testing.T, raw []byte, resp admission.Response) {
	t.Helper()
	pod, err := decodePod(raw)
	if err != nil {
		t.Fatalf("a pod that does not decode was patched: %v", err)
	}
	want := pod.DeepCopy()
	spec := defaultProfile().Spec
	if _, err := rewrite.Rewrite(&want.ObjectMeta, &want.Spec, &spec, rewrite.Options{ProfileName: v1alpha1.DefaultProfileName, ProxyImage: testProxyImage}); err != nil {
		t.Fatal(err)
	}
	got, err := decodePod(applied(t, raw, resp))
	if err != nil {
		t.Fatalf("the patched pod does not decode: %v", err)
	}
	if !apiequality.Semantic.DeepEqual(want, got) {
		t.Fatalf("the patched pod differs from the rewrite's (-rewrite +patched):\n%s\npatch: %s", cmp.Diff(want, got), resp.Patch)
	}
}
