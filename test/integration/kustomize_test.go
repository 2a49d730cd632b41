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
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite/manifest"
)

// kustomizeBuild renders config/default with the pinned kustomize (make
// kustomize installs it; make test-integration passes its path).
func kustomizeBuild(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	bin := os.Getenv("KUSTOMIZE")
	if bin == "" {
		bin = filepath.Join(suite.cp.Root, "bin", "kustomize")
	}
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(t.Context(), bin, "build", filepath.Join(suite.cp.Root, "config", "default"))
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("kustomize build config/default (run `make kustomize`): %v\n%s", err, errOut.String())
	}
	objs, err := manifest.Decode(&out)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func only[T any](t *testing.T, objs []*unstructured.Unstructured, kind string) *T {
	t.Helper()
	var found []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == kind {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s objects in config/default, want 1", len(found), kind)
	}
	out := new(T)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(found[0].Object, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestKustomizeInstallIsConsistent renders config/default (what `make
// build-installer` ships) and checks what kustomize must get right, then
// has the real API server validate every object it can (cert-manager's
// kinds need cert-manager's CRDs, so they are only decoded).
func TestKustomizeInstallIsConsistent(t *testing.T) {
	objs := kustomizeBuild(t)
	mwc := only[admissionregistrationv1.MutatingWebhookConfiguration](t, objs, "MutatingWebhookConfiguration")
	vwc := only[admissionregistrationv1.ValidatingWebhookConfiguration](t, objs, "ValidatingWebhookConfiguration")
	// Both configurations call the webhook Service and trust its CA.
	type admissionConfig struct {
		annotations map[string]string
		clients     []admissionregistrationv1.WebhookClientConfig
	}
	mutating, validating := &admissionConfig{annotations: mwc.Annotations}, &admissionConfig{annotations: vwc.Annotations}
	for _, w := range mwc.Webhooks {
		mutating.clients = append(mutating.clients, w.ClientConfig)
	}
	for _, w := range vwc.Webhooks {
		validating.clients = append(validating.clients, w.ClientConfig)
	}
	configs := map[string]*admissionConfig{"MutatingWebhookConfiguration": mutating, "ValidatingWebhookConfiguration": validating}
	dep := only[appsv1.Deployment](t, objs, "Deployment")
	ns := dep.Namespace

	t.Run("no webhook ever matches kube-system nor its own namespace", func(t *testing.T) {
		for _, w := range mwc.Webhooks {
			i := slices.IndexFunc(w.NamespaceSelector.MatchExpressions, func(e metav1.LabelSelectorRequirement) bool {
				return e.Key == "kubernetes.io/metadata.name"
			})
			if i < 0 {
				t.Errorf("%s: no namespace-name exclusion in the namespaceSelector", w.Name)
				continue
			}
			if e := w.NamespaceSelector.MatchExpressions[i]; !slices.Contains(e.Values, "kube-system") || !slices.Contains(e.Values, ns) {
				t.Errorf("%s: NotIn %v, want kube-system and %s", w.Name, e.Values, ns)
			}
		}
	})
	t.Run("cert-manager injects the CA of the webhook's own Certificate into both configurations", func(t *testing.T) {
		want := ns + "/vllm-to-sglang-serving-cert"
		for kind, c := range configs {
			if got := c.annotations["cert-manager.io/inject-ca-from"]; got != want {
				t.Errorf("%s: inject-ca-from = %q, want %q", kind, got, want)
			}
		}
	})
	t.Run("the injected proxy runs the webhook's own image", func(t *testing.T) {
		c := dep.Spec.Template.Spec.Containers[0]
		if !slices.Contains(c.Args, "--proxy-image="+c.Image) {
			t.Errorf("args %v do not pass --proxy-image=%s", c.Args, c.Image)
		}
	})
	t.Run("the webhook service both configurations call exists", func(t *testing.T) {
		for kind, c := range configs {
			if len(c.clients) == 0 {
				t.Errorf("%s has no webhooks", kind)
			}
			for _, cc := range c.clients {
				svc := cc.Service
				if svc == nil {
					t.Errorf("%s: clientConfig %+v calls no Service", kind, cc)
					continue
				}
				if !slices.ContainsFunc(objs, func(o *unstructured.Unstructured) bool {
					return o.GetKind() == "Service" && o.GetName() == svc.Name && o.GetNamespace() == svc.Namespace
				}) {
					t.Errorf("%s: no Service %s/%s", kind, svc.Namespace, svc.Name)
				}
			}
		}
	})
	t.Run("the profile validator calls its own path and ignores failures", func(t *testing.T) {
		wh := vwc.Webhooks[0]
		if path := wh.ClientConfig.Service.Path; path == nil || *path != webhook.ValidateProfilePath {
			t.Errorf("path %v, want %s", path, webhook.ValidateProfilePath)
		}
		if wh.FailurePolicy == nil || *wh.FailurePolicy != admissionregistrationv1.Ignore {
			t.Errorf("failurePolicy %v, want Ignore", wh.FailurePolicy)
		}
	})
	t.Run("the API server accepts every object (server-side dry run)", func(t *testing.T) {
		for _, o := range objs {
			if strings.HasPrefix(o.GetAPIVersion(), "cert-manager.io/") {
				continue
			}
			if o.GetKind() == "Namespace" || o.GetKind() == "CustomResourceDefinition" {
				// Namespaced objects below are dry-run into the real namespace,
				// which must exist; the CRD is already installed.
				err := suite.cp.Client.Create(t.Context(), o.DeepCopy(), client.DryRunAll)
				if err != nil && !strings.Contains(err.Error(), "already exists") {
					t.Errorf("%s %s: %v", o.GetKind(), o.GetName(), err)
				}
				continue
			}
			obj := o.DeepCopy()
			if obj.GetNamespace() != "" {
				obj.SetNamespace("default")
			}
			if err := suite.cp.Client.Create(t.Context(), obj, client.DryRunAll); err != nil {
				t.Errorf("%s %s: %v", o.GetKind(), o.GetName(), err)
			}
		}
	})
}
