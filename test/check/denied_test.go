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
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/check"
	"github.com/vllm-to-sglang/vllm-to-sglang/check/inspect"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

// TestAWorkloadTheProfileRejectsFailsWithTheWebhooksReason: a Deployment
// names a profile that rejects one of its vLLM flags; the webhook denies
// its pods, and the check fails that workload, and nothing else, with the
// webhook's message.
func TestAWorkloadTheProfileRejectsFailsWithTheWebhooksReason(t *testing.T) {
	const ns = "team-c"
	c := suite.cp.Client
	optIn(t, ns)
	strict := profile.Default()
	strict.ObjectMeta = metav1.ObjectMeta{Name: "strict"}
	strict.Spec.Args.Overrides = []v1alpha1.FlagOverride{{Flag: "--enforce-eager", Action: v1alpha1.FlagReject}}
	eager := deployment(ns, "eager", vllmTemplate("eager", "1", func(c *corev1.Container) {
		c.Args = append(c.Args, "--enforce-eager")
	}))
	eager.Spec.Template.Annotations = map[string]string{v1alpha1.AnnotationProfile: "strict"}
	for _, obj := range []client.Object{strict, eager} {
		if err := c.Create(t.Context(), obj); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := c.Delete(context.WithoutCancel(t.Context()), obj); err != nil {
				t.Error(err)
			}
		})
	}
	want := []failing{{check.CheckWorkload, "Deployment team-c/eager"}}
	var rs []check.Result
	// The webhook's profile cache sees the new profile a moment later.
	framework.Eventually(t, "the rejected workload to fail its check", func() error {
		rs = runCheck(t, suite.cp.Config, inspect.Options{Namespace: ns})
		if got := failures(rs); !slices.Equal(got, want) {
			return fmt.Errorf("failed %v, want %v\n%s", got, want, dump(rs))
		}
		return nil
	})
	for _, r := range rs {
		if r.Status != check.Failed {
			continue
		}
		details := strings.Join(r.Details, "\n")
		if !strings.Contains(r.Message, "would be denied by the webhook") || !strings.Contains(details, "--enforce-eager") ||
			!strings.Contains(r.Hint, "args.overrides") {
			t.Errorf("%s: %s\n%s\nhint: %s", r.Subject, r.Message, details, r.Hint)
		}
	}
}

// optIn creates the namespace, or labels it again, opted in for the test.
// Namespaces are never deleted in envtest, so the label is removed when the
// test ends, and the other tests' set-up stays as it was.
func optIn(t *testing.T, ns string) {
	t.Helper()
	if err := framework.EnsureNamespace(t.Context(), suite.cp.Client, ns, nil); err != nil {
		t.Fatal(err)
	}
	setOptInLabel(t.Context(), t, ns, true)
	t.Cleanup(func() { setOptInLabel(context.WithoutCancel(t.Context()), t, ns, false) })
}

func setOptInLabel(ctx context.Context, t *testing.T, ns string, on bool) {
	t.Helper()
	var n corev1.Namespace
	if err := suite.cp.Client.Get(ctx, client.ObjectKey{Name: ns}, &n); err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(n.DeepCopy())
	if n.Labels == nil {
		n.Labels = map[string]string{}
	}
	if on {
		n.Labels[v1alpha1.LabelRewrite] = v1alpha1.LabelRewriteEnabled
	} else {
		delete(n.Labels, v1alpha1.LabelRewrite)
	}
	if err := suite.cp.Client.Patch(ctx, &n, patch); err != nil {
		t.Fatalf("labelling namespace %s: %v", ns, err)
	}
}
