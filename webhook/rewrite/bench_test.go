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

package rewrite_test

import (
	"os"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite/manifest"
)

// tp8Template is the pod template of the vLLM production stack's tp=8
// Devstral Deployment (a rendered Helm chart).
func tp8Template(b *testing.B) *corev1.PodTemplateSpec {
	b.Helper()
	f, err := os.Open("../../test/testdata/production-stack-helm-tp8-devstral-tools.yaml")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close() //nolint:errcheck // read-only
	objs, err := manifest.Decode(f)
	if err != nil {
		b.Fatal(err)
	}
	tmpl, _, _ := unstructuredTemplate(objs[0].Object)
	var t corev1.PodTemplateSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(tmpl, &t); err != nil {
		b.Fatal(err)
	}
	return &t
}

func unstructuredTemplate(obj map[string]any) (map[string]any, bool, error) {
	spec, _ := obj["spec"].(map[string]any)
	tmpl, ok := spec["template"].(map[string]any)
	return tmpl, ok, nil
}

// BenchmarkRewrite measures one admission's worth of rewriting: copying the
// pod (the webhook works on a copy) and rewriting it. BenchmarkDeepCopy is
// the copy alone, to subtract.
func BenchmarkRewrite(b *testing.B) {
	tmpl := tp8Template(b)
	prof := profile.Default()
	opts := rewrite.Options{ProfileName: prof.Name, ProxyImage: "ghcr.io/vllm-to-sglang/vllm-to-sglang:latest"}
	b.ReportAllocs()
	for b.Loop() {
		pod := tmpl.DeepCopy()
		r, err := rewrite.Rewrite(&pod.ObjectMeta, &pod.Spec, &prof.Spec, opts)
		if err != nil || r.Outcome != rewrite.Rewritten {
			b.Fatalf("Rewrite() = %+v, %v", r, err)
		}
	}
}

func BenchmarkDeepCopy(b *testing.B) {
	tmpl := tp8Template(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = tmpl.DeepCopy()
	}
}
