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
	"fmt"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
	framework.LabelNamespace(t, c, ns, framework.OptedIn())
	strict := profile.Default()
	strict.ObjectMeta = metav1.ObjectMeta{Name: "strict"}
	strict.Spec.Args.Overrides = []v1alpha1.FlagOverride{{Flag: "--enforce-eager", Action: v1alpha1.FlagReject}}
	eager := deployment(ns, "eager", vllmTemplate("eager", "1", func(c *corev1.Container) {
		c.Args = append(c.Args, "--enforce-eager")
	}))
	eager.Spec.Template.Annotations = map[string]string{v1alpha1.AnnotationProfile: "strict"}
	framework.CreateForTest(t, c, strict, eager)
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
