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

package framework

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// OptedIn is the namespace label that opts a namespace into the rewrite.
func OptedIn() map[string]string {
	return map[string]string{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteEnabled}
}

// GenerateNamespace creates a namespace named prefix plus a random suffix.
// envtest runs no namespace controller, so namespaces are never really
// deleted: tests that need a fresh one make a new one.
func GenerateNamespace(ctx context.Context, c client.Client, prefix string, labels map[string]string) (string, error) {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix, Labels: labels}}
	if err := c.Create(ctx, ns); err != nil {
		return "", fmt.Errorf("creating a namespace %s...: %w", prefix, err)
	}
	return ns.Name, nil
}

// EnsureNamespace creates the namespace unless it exists.
func EnsureNamespace(ctx context.Context, c client.Client, name string, labels map[string]string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	if err := c.Create(ctx, ns); client.IgnoreAlreadyExists(err) != nil {
		return fmt.Errorf("creating namespace %s: %w", name, err)
	}
	return nil
}

// LabelNamespace creates the namespace unless it exists and adds labels to
// it until the test ends, when they are removed again: namespaces outlive
// tests in envtest, and other tests may rely on the labels they had.
func LabelNamespace(t testing.TB, c client.Client, name string, labels map[string]string) {
	t.Helper()
	if err := EnsureNamespace(t.Context(), c, name, nil); err != nil {
		t.Fatal(err)
	}
	if err := patchNamespaceLabels(t.Context(), c, name, labels, true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// t.Context() is cancelled when cleanups run.
		if err := patchNamespaceLabels(context.WithoutCancel(t.Context()), c, name, labels, false); err != nil {
			t.Error(err)
		}
	})
}

// patchNamespaceLabels adds the labels to the namespace, or removes them.
func patchNamespaceLabels(ctx context.Context, c client.Client, name string, labels map[string]string, add bool) error {
	var ns corev1.Namespace
	if err := c.Get(ctx, client.ObjectKey{Name: name}, &ns); err != nil {
		return fmt.Errorf("reading namespace %s: %w", name, err)
	}
	patch := client.MergeFrom(ns.DeepCopy())
	if ns.Labels == nil {
		ns.Labels = map[string]string{}
	}
	for k, v := range labels {
		if add {
			ns.Labels[k] = v
		} else {
			delete(ns.Labels, k)
		}
	}
	if err := c.Patch(ctx, &ns, patch); err != nil {
		return fmt.Errorf("labelling namespace %s: %w", name, err)
	}
	return nil
}
