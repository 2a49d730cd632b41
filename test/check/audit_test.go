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

package checktest

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/check"
	"github.com/vllm-to-sglang/vllm-to-sglang/check/inspect"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// TestAnAuditNamespaceWithProfilesChosenBySelectors looks, as the user the
// documented RBAC binds, at a namespace in audit mode holding a Qwen3
// Deployment (a profile selects it by model, in that namespace only) and a
// Llama one (the default profile), and two pods created from them, which
// the webhook audited: each workload says which profile its pods would get
// and why, and the records of the pods are summed up.
func TestAnAuditNamespaceWithProfilesChosenBySelectors(t *testing.T) {
	const ns = "team-audit"
	c := suite.cp.Client
	framework.LabelNamespace(t, c, ns, map[string]string{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteAudit, "it-check": ns})
	qwen := profile.Default()
	qwen.Name = "check-qwen"
	qwen.Spec.Selector = &v1alpha1.ProfileSelector{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"it-check": ns}},
		Models:            []v1alpha1.ModelPattern{{Pattern: "Qwen/*"}},
	}
	framework.CreateForTest(t, c, qwen)
	ctx, cancel := framework.WaitContext(t)
	defer cancel()
	if err := suite.webhook.WaitForProfile(ctx, qwen.Name); err != nil {
		t.Fatal(err)
	}
	qwenTmpl := vllmTemplate("qwen", "1", func(c *corev1.Container) { c.Args = []string{"Qwen/Qwen3-8B"} })
	llamaTmpl := vllmTemplate("llama", "1", nil)
	framework.CreateForTest(t, c, deployment(ns, "qwen", qwenTmpl), deployment(ns, "llama", llamaTmpl))
	for name, tmpl := range map[string]corev1.PodTemplateSpec{"qwen-0": qwenTmpl, "llama-0": llamaTmpl} {
		pod := &corev1.Pod{ObjectMeta: *tmpl.ObjectMeta.DeepCopy(), Spec: *tmpl.Spec.DeepCopy()}
		pod.Name, pod.Namespace = name, ns
		framework.CreateForTest(t, c, pod)
		if _, ok, err := rewrite.ReadAudit(&pod.ObjectMeta); !ok || err != nil {
			t.Fatalf("pod %s was not audited (%v): %v", name, err, pod.Annotations)
		}
	}

	rs := runCheck(t, checker(t), inspect.Options{Namespace: ns})
	if f := failures(rs); len(f) > 0 {
		t.Fatalf("failed: %v\n%s", f, dump(rs))
	}
	want := map[string]string{
		"Deployment " + ns + "/qwen":  `audit: pods would be rewritten (SGLangProfile check-qwen, selected by spec.selector (model "Qwen/Qwen3-8B" matches glob "Qwen/*", namespace labels match {it-check=team-audit})`,
		"Deployment " + ns + "/llama": "audit: pods would be rewritten (SGLangProfile default: no profile's selector matches",
		"namespace " + ns:             "namespace team-audit: 2 pods audited: 2 would be rewritten",
	}
	for _, r := range rs {
		switch r.Check {
		case check.CheckWorkload, check.CheckAuditRecords:
			w, ok := want[r.Subject]
			if !ok {
				t.Errorf("unexpected %s result %s: %s", r.Check, r.Subject, r.Message)
				continue
			}
			if r.Status != check.Passed || !strings.Contains(r.Message, w) {
				t.Errorf("%s: %s %q; want passed with %q", r.Subject, r.Status, r.Message, w)
			}
			delete(want, r.Subject)
		case check.CheckWebhookAnswers:
			if r.Status != check.Passed || !strings.Contains(r.Message, "audited a sample vLLM pod") {
				t.Errorf("webhook-answers: %s %q", r.Status, r.Message)
			}
		case check.CheckOptedInNamespaces:
			if !strings.Contains(r.Message, "in audit mode") {
				t.Errorf("opted-in-namespaces: %q", r.Message)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("no result for %v\n%s", want, dump(rs))
	}
}
