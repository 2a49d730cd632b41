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
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// servingPod is vllmPod serving another model.
func servingPod(ns, name, model string, extraArgs ...string) *corev1.Pod {
	p := vllmPod(ns, name, extraArgs...)
	p.Spec.Containers[0].Args[0] = model
	return p
}

// onlyIn keeps a selector to the namespaces labelled it-selection=<ns>, so
// that the profiles of one test select no pod of another.
func onlyIn(ns string, sel *v1alpha1.ProfileSelector) *v1alpha1.ProfileSelector {
	sel.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"it-selection": ns}}
	return sel
}

// selectionNamespace is an opted-in namespace labelled it-selection=<its name>.
func selectionNamespace(t *testing.T, mode string) string {
	t.Helper()
	ns := newNamespace(t, map[string]string{v1alpha1.LabelRewrite: mode})
	framework.LabelNamespace(t, suite.cp.Client, ns, map[string]string{"it-selection": ns})
	return ns
}

func vllmImage(t *testing.T, pod *corev1.Pod) string {
	t.Helper()
	c := framework.FindContainer(pod, "vllm")
	if c == nil {
		t.Fatalf("no vllm container in %s", pod.Name)
	}
	return c.Image
}

// withoutTheDefaultProfile deletes the suite's default profile (as the
// chart's defaultProfile.enabled=false leaves it out) and creates it again
// when the test ends.
func withoutTheDefaultProfile(t *testing.T) {
	t.Helper()
	d := &v1alpha1.SGLangProfile{ObjectMeta: metav1.ObjectMeta{Name: v1alpha1.DefaultProfileName}}
	if err := suite.cp.Client.Delete(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := suite.cp.Client.Create(context.WithoutCancel(t.Context()), profile.Default()); err != nil {
			t.Errorf("creating the default profile again: %v", err)
		}
	})
}

func TestProfilesAreChosenBySelectorsInOneNamespace(t *testing.T) {
	w := startWebhook(t)
	ns := selectionNamespace(t, v1alpha1.LabelRewriteEnabled)
	deepseek := w.createProfile(t, "it-deepseek", func(s *v1alpha1.SGLangProfileSpec) {
		s.Image = "lmsysorg/sglang:v0.5.9-rocm700-mi30x"
		s.Selector = onlyIn(ns, &v1alpha1.ProfileSelector{Models: []v1alpha1.ModelPattern{{Pattern: "deepseek-ai/*"}}})
	})
	qwen := w.createProfile(t, "it-qwen", func(s *v1alpha1.SGLangProfileSpec) {
		s.Image = "lmsysorg/sglang:v0.5.21-rocm700-mi30x"
		s.Selector = onlyIn(ns, &v1alpha1.ProfileSelector{Models: []v1alpha1.ModelPattern{{Pattern: `(?i)qwen/qwen3-.*`, Kind: v1alpha1.PatternRegex}}})
	})
	canary := w.createProfile(t, "it-canary", func(s *v1alpha1.SGLangProfileSpec) {
		s.Image = "lmsysorg/sglang:v0.5.21-rocm700-mi35x"
		s.Priority = 10
		s.Selector = onlyIn(ns, &v1alpha1.ProfileSelector{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"sglang": "canary"}}})
	})
	cases := map[string]struct {
		pod     *corev1.Pod
		profile *v1alpha1.SGLangProfile
	}{
		"a DeepSeek pod gets the profile whose glob matches its model": {
			pod: servingPod(ns, "deepseek", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"), profile: deepseek,
		},
		"a Qwen pod gets the profile whose regex matches its served model name": {
			pod: servingPod(ns, "qwen", "/models/qwen3", "--served-model-name", "Qwen/Qwen3-8B"), profile: qwen,
		},
		"a Llama pod, which no selector matches, gets the default": {
			pod: servingPod(ns, "llama", "meta-llama/Llama-3.1-8B-Instruct"), profile: profile.Default(),
		},
		"a pod labelled for the canary gets it over its model's profile: a higher priority": {
			pod: func() *corev1.Pod {
				p := servingPod(ns, "deepseek-canary", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B")
				p.Labels = map[string]string{"sglang": "canary"}
				return p
			}(),
			profile: canary,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := create(t, tc.pod)
			if image := vllmImage(t, got); image != tc.profile.Spec.Image {
				t.Errorf("image %s, want %s's %s", image, tc.profile.Name, tc.profile.Spec.Image)
			}
			status, ok, err := rewrite.ReadStatus(&got.ObjectMeta)
			if err != nil || !ok || status.Profile != tc.profile.Name {
				t.Errorf("status %+v (%v, %v), want profile %s", status, ok, err, tc.profile.Name)
			}
		})
	}
}

func TestAModelNoProfileSelectsIsLeftAloneWithoutTheDefaultProfile(t *testing.T) {
	w := startWebhook(t)
	ns := selectionNamespace(t, v1alpha1.LabelRewriteEnabled)
	withoutTheDefaultProfile(t)
	deepseek := w.createProfile(t, "it-only-deepseek", func(s *v1alpha1.SGLangProfileSpec) {
		s.Selector = onlyIn(ns, &v1alpha1.ProfileSelector{Models: []v1alpha1.ModelPattern{{Pattern: "deepseek-ai/*"}}})
	})
	framework.Eventually(t, "the webhook's cache to lose the default profile", func() error {
		return client.IgnoreNotFound(w.Manager.GetCache().Get(t.Context(), client.ObjectKey{Name: v1alpha1.DefaultProfileName}, &v1alpha1.SGLangProfile{}))
	})

	t.Run("the model a profile selects is rewritten", func(t *testing.T) {
		got := create(t, servingPod(ns, "deepseek", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"))
		if !framework.IsRewritten(got) || vllmImage(t, got) != deepseek.Spec.Image {
			t.Errorf("rewritten %v, image %s; want %s's image", framework.IsRewritten(got), vllmImage(t, got), deepseek.Name)
		}
	})
	t.Run("a model no profile selects is stored unchanged, and counted", func(t *testing.T) {
		before := w.count(t, "skipped", string(rewrite.SkipNoProfile))
		pod := servingPod(ns, "llama", "meta-llama/Llama-3.1-8B-Instruct")
		got := create(t, pod)
		if framework.IsRewritten(got) || vllmImage(t, got) != pod.Spec.Containers[0].Image {
			t.Errorf("the pod was changed: image %s, annotations %v", vllmImage(t, got), got.Annotations)
		}
		if after := w.count(t, "skipped", string(rewrite.SkipNoProfile)); after != before+1 {
			t.Errorf("no-profile skips %v → %v, want one more", before, after)
		}
	})
	t.Run("a pod naming a profile that does not exist is still denied", func(t *testing.T) {
		pod := servingPod(ns, "named", "meta-llama/Llama-3.1-8B-Instruct")
		pod.Annotations = map[string]string{v1alpha1.AnnotationProfile: v1alpha1.DefaultProfileName}
		err := suite.cp.Client.Create(t.Context(), pod)
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `SGLangProfile "default"`) {
			t.Errorf("create = %v, want a denial naming the profile", err)
		}
	})
}

// auditedPod checks that the stored pod is the pod as submitted (original,
// before the create) created without any webhook, in a plain namespace, but
// for its status annotation, and returns its audit record.
func auditedPod(t *testing.T, original, got *corev1.Pod) *rewrite.AuditRecord {
	t.Helper()
	plain := original.DeepCopy()
	plain.Namespace = newNamespace(t, nil)
	want := create(t, plain)
	if !apiequality.Semantic.DeepEqual(want.Spec, got.Spec) {
		t.Errorf("the audited pod's spec differs from the same pod created without the webhook (-without +audited):\n%s", cmp.Diff(want.Spec, got.Spec))
	}
	annotations := map[string]string{}
	for k, v := range got.Annotations {
		if k != v1alpha1.AnnotationStatus {
			annotations[k] = v
		}
	}
	if !apiequality.Semantic.DeepEqual(annotations, want.Annotations) && len(annotations)+len(want.Annotations) > 0 {
		t.Errorf("annotations beyond the status: %v, want %v", annotations, want.Annotations)
	}
	rec, ok, err := rewrite.ReadAudit(&got.ObjectMeta)
	if err != nil || !ok {
		t.Fatalf("no audit record (%v, %v): %v", ok, err, got.Annotations)
	}
	return rec
}

func TestAuditModeAdmitsPodsUnchangedButForTheRecord(t *testing.T) {
	w := startWebhook(t)
	cases := map[string]func(t *testing.T) *corev1.Pod{
		"a pod of a namespace labelled audit": func(t *testing.T) *corev1.Pod {
			return vllmPod(newNamespace(t, map[string]string{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteAudit}), "llama", "--fingerprint-value", "abc")
		},
		"a pod labelled audit in an enabled namespace": func(t *testing.T) *corev1.Pod {
			p := vllmPod(optedInNamespace(t), "llama", "--fingerprint-value", "abc")
			p.Labels = map[string]string{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteAudit}
			return p
		},
	}
	for name, pod := range cases {
		t.Run(name, func(t *testing.T) {
			before := w.audits(t, "rewrite", "")
			c, warnings := clientWithWarnings(t)
			p := pod(t)
			original := p.DeepCopy()
			if err := c.Create(t.Context(), p); err != nil {
				t.Fatal(err)
			}
			got := stored(t, p)
			if framework.IsRewritten(got) || vllmImage(t, got) != "vllm/vllm-openai:v0.10.1" {
				t.Fatalf("the pod was rewritten")
			}
			rec := auditedPod(t, original, got)
			if rec.Decision != rewrite.DecisionRewrite || rec.Profile != v1alpha1.DefaultProfileName || rec.Image != profile.Default().Spec.Image ||
				!slices.Contains(rec.Dropped, "--fingerprint-value") || len(rec.SGLangCommand) == 0 {
				t.Errorf("record %+v, want a rewrite with the default profile dropping --fingerprint-value", rec)
			}
			for _, want := range []string{"audit: the pod would be rewritten with SGLangProfile \"default\"", "audit: container \"vllm\": --fingerprint-value"} {
				if !slices.ContainsFunc(warnings.Warnings(), func(w string) bool { return strings.Contains(w, want) }) {
					t.Errorf("warnings %q, want one containing %q", warnings.Warnings(), want)
				}
			}
			if after := w.audits(t, "rewrite", ""); after != before+1 {
				t.Errorf("audits_total{decision=rewrite} %v → %v, want one more", before, after)
			}
		})
	}
	t.Run("a pod its profile would deny is admitted, the record says why", func(t *testing.T) {
		strict := w.createProfile(t, "it-audit-strict", func(s *v1alpha1.SGLangProfileSpec) { s.Args.UnsafeFlags = v1alpha1.UnsafeFlagReject })
		p := vllmPod(newNamespace(t, map[string]string{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteAudit}), "strict", "--fingerprint-value", "abc")
		p.Annotations = map[string]string{v1alpha1.AnnotationProfile: strict.Name}
		rec, ok, err := rewrite.ReadAudit(&create(t, p).ObjectMeta)
		if err != nil || !ok || rec.Decision != rewrite.DecisionDeny || rec.Reason != "rejected-flags" || !strings.Contains(rec.Message, "--fingerprint-value") {
			t.Errorf("record %+v (%v, %v), want a denial for --fingerprint-value", rec, ok, err)
		}
	})
	t.Run("the audited pod, created again once its namespace is enabled, is rewritten", func(t *testing.T) {
		ns := newNamespace(t, map[string]string{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteAudit})
		audited := create(t, vllmPod(ns, "llama"))
		if _, ok, _ := rewrite.ReadAudit(&audited.ObjectMeta); !ok {
			t.Fatalf("not audited: %v", audited.Annotations)
		}
		framework.LabelNamespace(t, suite.cp.Client, ns, framework.OptedIn())
		again := func() *corev1.Pod {
			p := vllmPod(ns, "again")
			p.Annotations = audited.Annotations
			return p
		}
		// The API server matches namespaceSelectors against its own
		// namespace cache, which sees the new label a moment later.
		framework.Eventually(t, "the API server to send the namespace's pods to the rewrite webhook", func() error {
			p := again()
			if err := suite.cp.Client.Create(t.Context(), p, client.DryRunAll); err != nil {
				return err
			}
			if !framework.IsRewritten(p) {
				return fmt.Errorf("not rewritten: %v", p.Annotations)
			}
			return nil
		})
		got := create(t, again())
		if !framework.IsRewritten(got) {
			t.Fatalf("the pod carrying an audit record was not rewritten: %v", got.Annotations)
		}
		if _, isAudit, _ := rewrite.ReadAudit(&got.ObjectMeta); isAudit {
			t.Error("the rewritten pod still carries the audit record")
		}
	})
	t.Run("while the webhook is down an audited pod is created unchanged (failurePolicy Ignore)", func(t *testing.T) {
		if err := w.Stop(); err != nil {
			t.Fatal(err)
		}
		for _, p := range []*corev1.Pod{
			vllmPod(newNamespace(t, map[string]string{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteAudit}), "down"),
			func() *corev1.Pod {
				p := vllmPod(optedInNamespace(t), "down")
				p.Labels = map[string]string{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteAudit}
				return p
			}(),
		} {
			if got := create(t, p); len(got.Annotations) != 0 {
				t.Errorf("annotations %v, want none", got.Annotations)
			}
		}
	})
}
