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

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/check"
	"github.com/vllm-to-sglang/vllm-to-sglang/check/inspect"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
)

// TestStatefulSetsAndSkippedWorkloads looks at one namespace (--namespace)
// holding a vLLM StatefulSet whose model volume comes from a
// volumeClaimTemplate (its pods mount a volume the template does not
// declare), a vLLM Deployment without a GPU, and one that is opted out.
func TestStatefulSetsAndSkippedWorkloads(t *testing.T) {
	const ns = "team-b"
	c := suite.cp.Client
	framework.LabelNamespace(t, c, ns, framework.OptedIn())
	sts := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "llama", Namespace: ns},
		Spec: appsv1.StatefulSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "llama"}},
			Template: vllmTemplate("llama", "1", func(c *corev1.Container) {
				c.VolumeMounts = []corev1.VolumeMount{{Name: "models", MountPath: "/models"}}
			}),
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
				ObjectMeta: metav1.ObjectMeta{Name: "models"},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("100Gi")}},
				},
			}},
		},
	}
	noGPU := deployment(ns, "cpu-only", vllmTemplate("cpu-only", "", nil))
	optedOut := deployment(ns, "opted-out", vllmTemplate("opted-out", "1", nil))
	optedOut.Spec.Template.Labels[v1alpha1.LabelRewrite] = v1alpha1.LabelRewriteDisabled
	framework.CreateForTest(t, c, sts, noGPU, optedOut)

	rs := runCheck(t, suite.cp.Config, inspect.Options{Namespace: ns})
	want := map[string]struct {
		status check.Status
		text   string
	}{
		"StatefulSet team-b/llama":    {check.Passed, "pods would be rewritten"},
		"Deployment team-b/cpu-only":  {check.Warning, "the vLLM container requests no GPU"},
		"Deployment team-b/opted-out": {check.Warning, "left alone"},
	}
	seen := 0
	for _, r := range rs {
		if r.Check != check.CheckWorkload {
			continue
		}
		seen++
		w, ok := want[r.Subject]
		if !ok {
			t.Errorf("unexpected workload %s: %s", r.Subject, r.Message)
			continue
		}
		if r.Status != w.status || !strings.Contains(r.Message, w.text) {
			t.Errorf("%s: %s %q; want %s with %q", r.Subject, r.Status, r.Message, w.status, w.text)
		}
	}
	if seen != len(want) {
		t.Errorf("%d workload results, want %d\n%s", seen, len(want), dump(rs))
	}
	if f := failures(rs); len(f) > 0 {
		t.Errorf("failed: %v\n%s", f, dump(rs))
	}
	for _, r := range rs {
		if r.Check == check.CheckWebhookAnswers && !strings.Contains(r.Message, "namespace "+ns) {
			t.Errorf("the sample pod did not go to --namespace %s: %s", ns, r.Message)
		}
	}
}

// vllmTemplate is a vLLM pod template asking for gpus NVIDIA GPUs ("" for
// none); change edits its container.
func vllmTemplate(app, gpus string, change func(*corev1.Container)) corev1.PodTemplateSpec {
	c := corev1.Container{
		Name: "vllm", Image: "vllm/vllm-openai:v0.10.1",
		Command: []string{"vllm", "serve"}, Args: []string{"meta-llama/Llama-3.1-8B-Instruct"},
	}
	if gpus != "" {
		c.Resources.Limits = corev1.ResourceList{"nvidia.com/gpu": resource.MustParse(gpus)}
	}
	if change != nil {
		change(&c)
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": app}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{c}},
	}
}

func deployment(ns, name string, tmpl corev1.PodTemplateSpec) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: tmpl.Labels},
			Template: tmpl,
		},
	}
}
