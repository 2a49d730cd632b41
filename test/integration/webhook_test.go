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
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// productionStackPod is the pod template the vLLM production-stack chart
// renders for one Llama on one GPU.
func productionStackPod(t testing.TB, ns, name string) *corev1.Pod {
	t.Helper()
	tmpl := podTemplates(t, fixture("production-stack-helm-single-gpu-llama.yaml"))
	return tmpl[0].asPod(ns, name)
}

func TestOnlyOptedInNamespacesAreRewritten(t *testing.T) {
	w := startWebhook(t)
	framework.LabelNamespace(t, suite.cp.Client, "kube-system", framework.OptedIn())
	// "system" is the webhook's own namespace in config/webhook (config/default
	// replaces it with the real one).
	framework.LabelNamespace(t, suite.cp.Client, "system", framework.OptedIn())
	cases := []struct {
		name       string
		pod        func(t *testing.T) *corev1.Pod
		rewritten  bool
		calledHook bool // whether the API server called the webhook at all
	}{
		{"a production-stack pod in an opted-in namespace is stored rewritten",
			func(t *testing.T) *corev1.Pod { return productionStackPod(t, optedInNamespace(t), "llama") }, true, true},
		{"the same pod in a namespace without the label is stored unchanged, without a call",
			func(t *testing.T) *corev1.Pod { return productionStackPod(t, newNamespace(t, nil), "llama") }, false, false},
		{"the same pod in a namespace labelled disabled is stored unchanged, without a call",
			func(t *testing.T) *corev1.Pod {
				return productionStackPod(t, newNamespace(t, map[string]string{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteDisabled}), "llama")
			}, false, false},
		{"the same pod with the opt-out label is stored unchanged, without a call",
			func(t *testing.T) *corev1.Pod {
				p := productionStackPod(t, optedInNamespace(t), "llama")
				p.Labels[v1alpha1.LabelRewrite] = v1alpha1.LabelRewriteDisabled
				return p
			}, false, false},
		{"kube-system is never matched, even when labelled enabled",
			func(t *testing.T) *corev1.Pod { return productionStackPod(t, "kube-system", "llama-it") }, false, false},
		{"the webhook's own namespace is never matched, even when labelled enabled",
			func(t *testing.T) *corev1.Pod { return productionStackPod(t, "system", "llama-it") }, false, false},
		{"a pod that runs no vLLM never reaches the webhook (matchConditions)",
			func(t *testing.T) *corev1.Pod { return plainPod(optedInNamespace(t), "web") }, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pod := tc.pod(t)
			image := pod.Spec.Containers[0].Image
			before := w.requests(t)
			got := create(t, pod)
			t.Cleanup(func() { _ = suite.cp.Client.Delete(context.Background(), got) })
			if framework.IsRewritten(got) != tc.rewritten {
				t.Errorf("rewritten = %v, want %v (annotations %v)", framework.IsRewritten(got), tc.rewritten, got.Annotations)
			}
			if !tc.rewritten && got.Spec.Containers[0].Image != image {
				t.Errorf("image changed to %s", got.Spec.Containers[0].Image)
			}
			if called := w.requests(t) > before; called != tc.calledHook {
				t.Errorf("webhook called = %v, want %v", called, tc.calledHook)
			}
		})
	}
}

func TestProfileIsPickedByAnnotation(t *testing.T) {
	w := startWebhook(t)
	mi325 := w.createProfile(t, "it-mi325x", func(s *v1alpha1.SGLangProfileSpec) { s.Image = "lmsysorg/sglang:v0.5.9-rocm700-mi35x" })
	ns := optedInNamespace(t)

	cases := map[string]struct {
		pod        string
		annotation string
		image      string
	}{
		"a pod naming a profile runs that profile's image":   {"named", mi325.Name, mi325.Spec.Image},
		"a pod naming none runs the default profile's image": {"unnamed", "", profile.Default().Spec.Image},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			pod := vllmPod(ns, tc.pod)
			if tc.annotation != "" {
				pod.Annotations = map[string]string{v1alpha1.AnnotationProfile: tc.annotation}
			}
			got := create(t, pod)
			if c := framework.FindContainer(got, "vllm"); c == nil || c.Image != tc.image {
				t.Fatalf("vllm container = %+v, want image %s", c, tc.image)
			}
			status, _, err := rewrite.ReadStatus(&got.ObjectMeta)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.annotation
			if want == "" {
				want = v1alpha1.DefaultProfileName
			}
			if status.Profile != want {
				t.Errorf("status annotation names profile %q, want %q", status.Profile, want)
			}
		})
	}
}

func TestMissingProfileIsADenialNamingIt(t *testing.T) {
	startWebhook(t)
	pod := vllmPod(optedInNamespace(t), "llama")
	pod.Annotations = map[string]string{v1alpha1.AnnotationProfile: "no-such-profile"}
	err := suite.cp.Client.Create(t.Context(), pod)
	if !apierrors.IsForbidden(err) {
		t.Fatalf("create = %v, want a Forbidden denial", err)
	}
	for _, want := range []string{`"rewrite.vllm-to-sglang.io" denied the request`, `SGLangProfile "no-such-profile"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestDroppedFlagsAreKubectlWarnings(t *testing.T) {
	startWebhook(t)
	c, warnings := clientWithWarnings(t)
	pod := vllmPod(optedInNamespace(t), "llama", "--fingerprint-value", "abc")
	if err := c.Create(t.Context(), pod); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(warnings.Warnings(), func(w string) bool { return strings.Contains(w, "--fingerprint-value") }) {
		t.Errorf("warnings %q do not mention --fingerprint-value", warnings.Warnings())
	}
	status, _, err := rewrite.ReadStatus(&stored(t, pod).ObjectMeta)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(status.Dropped, "--fingerprint-value") {
		t.Errorf("status annotation's dropped flags %q lack --fingerprint-value", status.Dropped)
	}
}

func TestRejectProfileDeniesWithTheReason(t *testing.T) {
	w := startWebhook(t)
	strict := w.createProfile(t, "it-strict", func(s *v1alpha1.SGLangProfileSpec) { s.Args.UnsafeFlags = v1alpha1.UnsafeFlagReject })

	pod := vllmPod(optedInNamespace(t), "llama", "--fingerprint-value", "abc")
	pod.Annotations = map[string]string{v1alpha1.AnnotationProfile: strict.Name}
	err := suite.cp.Client.Create(t.Context(), pod)
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "--fingerprint-value") {
		t.Fatalf("create = %v, want a denial naming --fingerprint-value", err)
	}
	if got := w.count(t, "denied", "rejected-flags"); got != 1 {
		t.Errorf("rejected-flags denials = %v, want 1", got)
	}
}

func TestDryRunCreateIsRewrittenAndNothingIsStored(t *testing.T) {
	w := startWebhook(t)
	pod := vllmPod(optedInNamespace(t), "llama")
	if err := suite.cp.Client.Create(t.Context(), pod, client.DryRunAll); err != nil {
		t.Fatal(err)
	}
	if !framework.IsRewritten(pod) {
		t.Errorf("the dry-run answer is not rewritten: %v", pod.Annotations)
	}
	err := suite.cp.Client.Get(t.Context(), client.ObjectKeyFromObject(pod), &corev1.Pod{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("get after a dry run = %v, want NotFound", err)
	}
	if got := w.count(t, "rewritten", ""); got != 1 {
		t.Errorf("rewrites counted = %v, want 1", got)
	}
}

// otherMutator is a second mutating webhook, ordered after ours (by name),
// that changes every pod it sees: a label, and an env var in each container.
var otherMutator = admission.HandlerFunc(func(_ context.Context, req admission.Request) admission.Response {
	var pod corev1.Pod
	if err := json.Unmarshal(req.Object.Raw, &pod); err != nil {
		return admission.Errored(http.StatusBadRequest, err)
	}
	if pod.Labels["it.example.com/touched"] == "true" {
		return admission.Allowed("already touched")
	}
	if pod.Labels == nil {
		pod.Labels = map[string]string{}
	}
	pod.Labels["it.example.com/touched"] = "true"
	for i := range pod.Spec.Containers {
		pod.Spec.Containers[i].Env = append(pod.Spec.Containers[i].Env, corev1.EnvVar{Name: "TOUCHED_BY_OTHER", Value: "1"})
	}
	raw, err := json.Marshal(&pod)
	if err != nil {
		return admission.Errored(http.StatusInternalServerError, err)
	}
	return admission.PatchResponseFromRaw(req.Object.Raw, raw)
})

func TestReinvocationAfterAnotherWebhookLeavesACorrectPod(t *testing.T) {
	const path = "/it-other-mutator"
	w := startWebhook(t, withExtraHandler(path, &admission.Webhook{Handler: otherMutator}))
	ns := optedInNamespace(t, "it.example.com/other-mutator", "on")
	installOtherMutator(t, path, "it.example.com/other-mutator")

	got := create(t, vllmPod(ns, "llama"))
	if !framework.IsRewritten(got) || got.Labels["it.example.com/touched"] != "true" {
		t.Fatalf("want our rewrite and the other webhook's label; annotations %v labels %v", got.Annotations, got.Labels)
	}
	if n := countContainers(got, v1alpha1.ProxyContainerName); n != 1 {
		t.Errorf("%d %s containers, want exactly 1", n, v1alpha1.ProxyContainerName)
	}
	if c := framework.FindContainer(got, "vllm"); c == nil || !slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "TOUCHED_BY_OTHER" }) {
		t.Errorf("the other webhook's env var is lost: %+v", c)
	}
	if got := w.count(t, "rewritten", ""); got != 1 {
		t.Errorf("rewrites = %v, want 1", got)
	}
	// Re-invoked (reinvocationPolicy IfNeeded), the API server skips our
	// webhook: the status annotation fails the not-yet-rewritten matchCondition.
	if got := w.requests(t); got != 1 {
		t.Errorf("our webhook handled %v requests, want 1", got)
	}
}

func TestAlreadyRewrittenPodIsStoredUnchanged(t *testing.T) {
	w := startWebhook(t)
	ns := optedInNamespace(t)
	first := create(t, vllmPod(ns, "first"))
	if !framework.IsRewritten(first) {
		t.Fatal("the first pod was not rewritten")
	}
	again := comparable(first)
	again.Name, again.Namespace = "again", ns
	before := w.requests(t)
	second := create(t, again)
	if diff := cmp.Diff(comparable(first), comparable(second)); diff != "" {
		t.Errorf("a rewritten pod sent again was changed (-first +second):\n%s", diff)
	}
	if w.requests(t) != before {
		t.Error("the API server called the webhook for a pod carrying the status annotation")
	}
}

// restrictedVLLMPod complies with Pod Security "restricted".
func restrictedVLLMPod(ns, name string) *corev1.Pod {
	pod := vllmPod(ns, name)
	pod.Spec.SecurityContext = &corev1.PodSecurityContext{
		RunAsNonRoot:   ptr.To(true),
		RunAsUser:      ptr.To[int64](1000),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	pod.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr.To(false),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
	return pod
}

func TestPodSecurityRestrictedNamespaceGetsNoViolationFromTheProxy(t *testing.T) {
	startWebhook(t)
	ns := optedInNamespace(t,
		"pod-security.kubernetes.io/enforce", "restricted",
		"pod-security.kubernetes.io/warn", "restricted")
	c, warnings := clientWithWarnings(t)

	t.Run("a pod that was compliant is admitted rewritten, with no Pod Security warning", func(t *testing.T) {
		pod := restrictedVLLMPod(ns, "llama")
		if err := c.Create(t.Context(), pod); err != nil {
			t.Fatalf("the rewritten pod was refused: %v", err)
		}
		if !framework.IsRewritten(stored(t, pod)) {
			t.Error("the pod was not rewritten")
		}
		for _, w := range warnings.Warnings() {
			if strings.Contains(w, "PodSecurity") {
				t.Errorf("Pod Security warning: %s", w)
			}
		}
	})
	t.Run("a non-compliant pod is refused (Pod Security is enforced here)", func(t *testing.T) {
		err := suite.cp.Client.Create(t.Context(), vllmPod(ns, "root"))
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "PodSecurity") {
			t.Fatalf("create = %v, want a PodSecurity refusal", err)
		}
	})
}

func TestFailurePolicyWhenTheWebhookIsDown(t *testing.T) {
	w := startWebhook(t)
	optedIn, plain := optedInNamespace(t), newNamespace(t, nil)
	// Prove the webhook answered before it goes away.
	if !framework.IsRewritten(create(t, vllmPod(optedIn, "before"))) {
		t.Fatal("the webhook does not rewrite while running")
	}
	if err := w.Stop(); err != nil {
		t.Fatal(err)
	}

	t.Run("a vLLM pod in an opted-in namespace is refused with a clear error", func(t *testing.T) {
		err := suite.cp.Client.Create(t.Context(), vllmPod(optedIn, "down"))
		if err == nil {
			t.Fatal("the pod was created without the webhook")
		}
		for _, want := range []string{`failed calling webhook "rewrite.vllm-to-sglang.io"`} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		}
	})
	t.Run("a vLLM pod elsewhere is created", func(t *testing.T) {
		create(t, vllmPod(plain, "down"))
	})
	t.Run("a pod that runs no vLLM is created even in an opted-in namespace", func(t *testing.T) {
		create(t, plainPod(optedIn, "web"))
	})
}

func TestRuntimeClassNamedByThePodMustExistForTheWebhookToSeeIt(t *testing.T) {
	startWebhook(t)
	ns := optedInNamespace(t)
	pod := func(name string) *corev1.Pod {
		p := vllmPod(ns, name)
		p.Spec.RuntimeClassName = ptr.To("nvidia")
		return p
	}
	t.Run("without the RuntimeClass the API server refuses the pod before any webhook", func(t *testing.T) {
		err := suite.cp.Client.Create(t.Context(), pod("no-class"))
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `RuntimeClass "nvidia" not found`) {
			t.Fatalf("create = %v, want the RuntimeClass admission refusal", err)
		}
	})
	t.Run("with it the pod is rewritten and loses runtimeClassName", func(t *testing.T) {
		ensureRuntimeClass(t, "nvidia")
		got := create(t, pod("with-class"))
		if !framework.IsRewritten(got) || got.Spec.RuntimeClassName != nil {
			t.Fatalf("rewritten = %v, runtimeClassName = %v", framework.IsRewritten(got), got.Spec.RuntimeClassName)
		}
	})
}

// installOtherMutator installs a second MutatingWebhookConfiguration, named
// to sort after ours, calling path on the test's webhook server for pods in
// namespaces labelled nsLabel=on, and waits until the API server uses it.
func installOtherMutator(t *testing.T, path, nsLabel string) {
	t.Helper()
	installMutator(t, "zz-it-other-mutator", path, nsLabel, func(probe *corev1.Pod) error {
		if probe.Labels["it.example.com/touched"] != "true" {
			return errors.New("the second webhook was not called yet")
		}
		return nil
	})
}

// installMutator installs a MutatingWebhookConfiguration named name calling
// path on the test's webhook server for pod CREATEs in namespaces labelled
// nsLabel=on, and waits until a dry-run pod created there passes called.
func installMutator(t testing.TB, name, path, nsLabel string, called func(probe *corev1.Pod) error) {
	t.Helper()
	install := suite.cp.Env.WebhookInstallOptions
	url := "https://" + net.JoinHostPort(install.LocalServingHost, strconv.Itoa(install.LocalServingPort)) + path
	none := admissionregistrationv1.SideEffectClassNone
	mwc := &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name:                    strings.TrimPrefix(name, "zz-") + ".it.example.com",
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: install.LocalServingCAData},
			Rules:                   []admissionregistrationv1.RuleWithOperations{{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create}, Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}}}},
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{nsLabel: "on"}},
			SideEffects:             &none,
			AdmissionReviewVersions: []string{"v1"},
		}},
	}
	framework.CreateForTest(t, suite.cp.Client, mwc)
	probeNS := newNamespace(t, map[string]string{nsLabel: "on"})
	framework.Eventually(t, "the API server to call webhook "+name, func() error {
		probe := plainPod(probeNS, "probe")
		if err := suite.cp.Client.Create(t.Context(), probe, client.DryRunAll); err != nil {
			return err
		}
		return called(probe)
	})
}

// TestPullPolicyIsDerivedAgainFromTheSGLangImage checks what the rewrite
// relies on: the API server defaults imagePullPolicy from the vLLM image
// before the webhook runs, the rewrite clears a policy equal to that default,
// and the API server defaults the patched pod again, from the SGLang image.
func TestPullPolicyIsDerivedAgainFromTheSGLangImage(t *testing.T) {
	w := startWebhook(t)
	floating := w.createProfile(t, "it-floating-image", func(s *v1alpha1.SGLangProfileSpec) { s.Image = "lmsysorg/sglang:latest" })
	ns := optedInNamespace(t)

	cases := map[string]struct {
		image   string
		policy  corev1.PullPolicy
		profile string
		want    corev1.PullPolicy
	}{
		"a :latest vLLM image without a policy gets IfNotPresent for the pinned SGLang image": {
			image: "vllm/vllm-openai:latest", want: corev1.PullIfNotPresent},
		"an untagged vLLM image without a policy gets IfNotPresent for the pinned SGLang image": {
			image: "vllm/vllm-openai", want: corev1.PullIfNotPresent},
		"a pinned vLLM image without a policy gets Always for a :latest SGLang image": {
			image: "vllm/vllm-openai:v0.10.1", profile: floating.Name, want: corev1.PullAlways},
		"a policy the pod chose is kept": {
			image: "vllm/vllm-openai:latest", policy: corev1.PullNever, want: corev1.PullNever},
	}
	i := 0
	for name, tc := range cases {
		i++
		t.Run(name, func(t *testing.T) {
			pod := vllmPod(ns, "pull-"+strconv.Itoa(i))
			pod.Spec.Containers[0].Image = tc.image
			pod.Spec.Containers[0].ImagePullPolicy = tc.policy
			if tc.profile != "" {
				pod.Annotations = map[string]string{v1alpha1.AnnotationProfile: tc.profile}
			}
			got := create(t, pod)
			c := framework.FindContainer(got, "vllm")
			if !framework.IsRewritten(got) || c == nil {
				t.Fatalf("the pod was not rewritten: %v", got.Annotations)
			}
			if c.ImagePullPolicy != tc.want {
				t.Errorf("stored imagePullPolicy of %s = %q, want %q", c.Image, c.ImagePullPolicy, tc.want)
			}
		})
	}
}
