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
	"path/filepath"
	"slices"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/check"
	"github.com/vllm-to-sglang/vllm-to-sglang/check/inspect"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

// failing names a failed check and what it failed on.
type failing struct {
	check   check.ID
	subject string
}

func failures(rs []check.Result) []failing {
	var out []failing
	for _, r := range rs {
		if r.Status == check.Failed {
			out = append(out, failing{r.Check, r.Subject})
		}
	}
	return out
}

func dump(rs []check.Result) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "  %-8s %-22s %s\n", r.Status, r.Check, r.Message)
		for _, d := range r.Details {
			fmt.Fprintf(&b, "           %s\n", d)
		}
	}
	return b.String()
}

// healthyResults are the checks a healthy set-up runs, in order.
var healthyResults = []check.ID{
	check.CheckAPIServer, check.CheckCRD, check.CheckDefaultProfile, check.CheckProfileValid, check.CheckProfileImage, check.CheckProfileRelease,
	check.CheckWebhookConfiguration, check.CheckWebhookCertificate, check.CheckWebhookAnswers,
	check.CheckOptedInNamespaces, check.CheckRuntimeClasses, check.CheckWorkload,
	check.CheckGPUCapacity, check.CheckPlacement,
}

// assertHealthy fails unless every check passed, and the checks run are
// those of a healthy set-up.
func assertHealthy(t testing.TB, rs []check.Result) {
	t.Helper()
	var ids []check.ID
	for _, r := range rs {
		ids = append(ids, r.Check)
		if r.Status != check.Passed {
			t.Errorf("%s: %s: %s (hint: %s)", r.Check, r.Status, r.Message, r.Hint)
		}
	}
	if !slices.Equal(ids, healthyResults) {
		t.Errorf("checks run %v, want %v\n%s", ids, healthyResults, dump(rs))
	}
}

// healthyAgain waits until every check passes: the API server and the
// webhook's cache see a repair a moment after it is made.
func healthyAgain(t testing.TB) {
	t.Helper()
	framework.Eventually(t, "every check to pass again", func() error {
		rs := runCheck(t, suite.cp.Config, inspect.Options{})
		if f := failures(rs); len(f) > 0 {
			return fmt.Errorf("failing: %v\n%s", f, dump(rs))
		}
		return nil
	})
	assertHealthy(t, runCheck(t, suite.cp.Config, inspect.Options{}))
}

func TestAHealthySetUpPassesEveryCheck(t *testing.T) {
	rs := runCheck(t, suite.cp.Config, inspect.Options{})
	assertHealthy(t, rs)
	for _, r := range rs {
		switch r.Check {
		case check.CheckWebhookAnswers:
			if len(r.Details) == 0 || !strings.Contains(r.Details[0], "Warning: ") {
				t.Errorf("the sample pod's warnings are not shown: %q", r.Details)
			}
		case check.CheckWorkload:
			if r.Subject != "Deployment "+appNamespace+"/"+suite.workload || !strings.Contains(r.Message, "would be rewritten") {
				t.Errorf("workload result %q: %q", r.Subject, r.Message)
			}
		case check.CheckGPUCapacity:
			if !strings.Contains(r.Message, "tensor-parallel size 8") {
				t.Errorf("the capacity check does not name the largest tensor-parallel size: %q", r.Message)
			}
		}
	}
}

// TestEachBrokenSetUpFailsExactlyItsCheck breaks the healthy set-up one
// way at a time, as a user could, checks that exactly the check about it
// fails with its hint, then repairs it and checks that everything passes
// again. The steps run in order, each from the healthy set-up.
func TestEachBrokenSetUpFailsExactlyItsCheck(t *testing.T) {
	c := suite.cp.Client
	assertHealthy(t, runCheck(t, suite.cp.Config, inspect.Options{}))
	steps := []struct {
		name        string
		breakIt     func(t *testing.T) (repair func(t *testing.T))
		wantFail    []failing
		wantHint    string
		wantSkipped []check.ID
	}{
		{
			name: "a profile image tagged latest fails the image check",
			breakIt: func(t *testing.T) func(*testing.T) {
				setImage(t.Context(), t, "lmsysorg/sglang:latest")
				return func(t *testing.T) { setImage(t.Context(), t, profile.Default().Spec.Image) }
			},
			wantFail: []failing{{check.CheckProfileImage, "SGLangProfile default"}},
			wantHint: "pin a released tag",
		},
		{
			name: "no node advertising amd.com/gpu fails the capacity check",
			breakIt: func(t *testing.T) func(*testing.T) {
				if err := setGPUs(t.Context(), c, 0); err != nil {
					t.Fatal(err)
				}
				return func(t *testing.T) {
					if err := setGPUs(t.Context(), c, 8); err != nil {
						t.Fatal(err)
					}
				}
			},
			wantFail:    []failing{{check.CheckGPUCapacity, "SGLangProfile default"}},
			wantHint:    "device plugin",
			wantSkipped: []check.ID{check.CheckPlacement},
		},
		{
			name: "nodes with fewer GPUs than the tensor-parallel size fail the capacity check",
			breakIt: func(t *testing.T) func(*testing.T) {
				if err := setGPUs(t.Context(), c, 4); err != nil {
					t.Fatal(err)
				}
				return func(t *testing.T) {
					if err := setGPUs(t.Context(), c, 8); err != nil {
						t.Fatal(err)
					}
				}
			},
			wantFail: []failing{{check.CheckGPUCapacity, "SGLangProfile default"}},
			wantHint: "lower the tensor-parallel size",
		},
		{
			name:     "a missing nvidia RuntimeClass fails the RuntimeClass check; helm upgrade brings it back",
			breakIt:  breakRuntimeClass,
			wantFail: []failing{{check.CheckRuntimeClasses, ""}},
			wantHint: "compatRuntimeClass.create=auto", wantSkipped: []check.ID{check.CheckWorkload},
		},
		{
			name: "a caBundle from another CA fails the certificate check",
			breakIt: func(t *testing.T) func(*testing.T) {
				other, err := framework.NewCA("not the webhook's CA")
				if err != nil {
					t.Fatal(err)
				}
				setCABundle(t, other.PEM)
				return func(t *testing.T) { setCABundle(t, suite.ca.PEM) }
			},
			wantFail:    []failing{{check.CheckWebhookCertificate, ""}},
			wantHint:    "webhook.caBundle",
			wantSkipped: []check.ID{check.CheckWebhookAnswers, check.CheckWorkload},
		},
		{
			name: "a webhook that is down fails the answer check",
			breakIt: func(t *testing.T) func(*testing.T) {
				if err := suite.webhook.Stop(); err != nil {
					t.Fatal(err)
				}
				return func(t *testing.T) {
					if err := startWebhook(t.Context()); err != nil {
						t.Fatal(err)
					}
				}
			},
			wantFail:    []failing{{check.CheckWebhookAnswers, ""}},
			wantHint:    "is the webhook serving at that URL",
			wantSkipped: []check.ID{check.CheckWorkload},
		},
		{
			name: "no default profile fails the default-profile check",
			breakIt: func(t *testing.T) func(*testing.T) {
				deleteDefaultProfile(t)
				return func(t *testing.T) { restoreDefaultProfile(t) }
			},
			wantFail:    []failing{{check.CheckDefaultProfile, ""}},
			wantHint:    "defaultProfile.enabled=true",
			wantSkipped: []check.ID{check.CheckWebhookAnswers, check.CheckWorkload, check.CheckGPUCapacity},
		},
		{
			name:        "a missing SGLangProfile CRD fails the CRD check",
			breakIt:     deleteCRD,
			wantFail:    []failing{{check.CheckCRD, ""}},
			wantHint:    "kubectl apply -f charts/vllm-to-sglang/crds/",
			wantSkipped: []check.ID{check.CheckDefaultProfile, check.CheckWebhookAnswers, check.CheckWorkload, check.CheckGPUCapacity},
		},
	}
	for _, s := range steps {
		ok := t.Run(s.name, func(t *testing.T) {
			repair := s.breakIt(t)
			var rs []check.Result
			framework.Eventually(t, "the broken set-up to fail its check", func() error {
				rs = runCheck(t, suite.cp.Config, inspect.Options{})
				if got := failures(rs); !slices.Equal(got, s.wantFail) {
					return fmt.Errorf("failed checks %v, want %v\n%s", got, s.wantFail, dump(rs))
				}
				return nil
			})
			for _, r := range rs {
				if r.Status == check.Failed && !strings.Contains(r.Hint, s.wantHint) {
					t.Errorf("%s hint %q lacks %q", r.Check, r.Hint, s.wantHint)
				}
			}
			for _, id := range s.wantSkipped {
				if st := statusOf(rs, id); st != check.Skipped {
					t.Errorf("%s is %q, want skipped\n%s", id, st, dump(rs))
				}
			}
			if repair != nil {
				repair(t)
				healthyAgain(t)
			}
		})
		if !ok {
			return // later steps start from the healthy set-up
		}
	}
}

func statusOf(rs []check.Result, id check.ID) check.Status {
	for _, r := range rs {
		if r.Check == id {
			return r.Status
		}
	}
	return ""
}

func setImage(ctx context.Context, t *testing.T, image string) {
	t.Helper()
	var p v1alpha1.SGLangProfile
	if err := suite.cp.Client.Get(ctx, client.ObjectKey{Name: v1alpha1.DefaultProfileName}, &p); err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(p.DeepCopy())
	p.Spec.Image = image
	if err := suite.cp.Client.Patch(ctx, &p, patch); err != nil {
		t.Fatalf("setting the default profile's image: %v", err)
	}
}

// webhookConfiguration is the chart's MutatingWebhookConfiguration.
func webhookConfiguration(t *testing.T) *admissionregistrationv1.MutatingWebhookConfiguration {
	t.Helper()
	var list admissionregistrationv1.MutatingWebhookConfigurationList
	if err := suite.cp.Client.List(t.Context(), &list); err != nil {
		t.Fatal(err)
	}
	cfg, _ := check.FindWebhook(list.Items)
	if cfg == nil {
		t.Fatal("the chart's webhook configuration is missing")
	}
	return cfg
}

func setCABundle(t *testing.T, ca []byte) {
	t.Helper()
	cfg := webhookConfiguration(t)
	patch := client.MergeFrom(cfg.DeepCopy())
	for i := range cfg.Webhooks {
		if cfg.Webhooks[i].Name == check.WebhookName {
			cfg.Webhooks[i].ClientConfig.CABundle = ca
		}
	}
	if err := suite.cp.Client.Patch(t.Context(), cfg, patch); err != nil {
		t.Fatalf("setting the caBundle: %v", err)
	}
}

func deleteDefaultProfile(t *testing.T) {
	t.Helper()
	p := &v1alpha1.SGLangProfile{ObjectMeta: metav1.ObjectMeta{Name: v1alpha1.DefaultProfileName}}
	if err := suite.cp.Client.Delete(t.Context(), p); err != nil {
		t.Fatal(err)
	}
}

// restoreDefaultProfile lets helm upgrade put the chart's profile back.
func restoreDefaultProfile(t *testing.T) {
	t.Helper()
	if err := helmUpgrade(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// breakRuntimeClass deletes the chart's compatibility RuntimeClass. Then
// the production stack's pod, which names it, is refused by the
// RuntimeClass admission plugin before any webhook runs; helm upgrade
// recreates the class, and the pod is admitted and rewritten, without the
// class.
func breakRuntimeClass(t *testing.T) func(*testing.T) {
	t.Helper()
	rc := &nodev1.RuntimeClass{ObjectMeta: metav1.ObjectMeta{Name: "nvidia"}}
	if err := suite.cp.Client.Delete(t.Context(), rc); err != nil {
		t.Fatalf("deleting the compat RuntimeClass: %v", err)
	}
	framework.Eventually(t, "the RuntimeClass plugin to refuse the production stack's pod", func() error {
		err := suite.cp.Client.Create(t.Context(), productionStackPod(t), client.DryRunAll)
		if err == nil || !strings.Contains(err.Error(), `pod rejected: RuntimeClass "nvidia" not found`) {
			return fmt.Errorf("pod create: %v; want the RuntimeClass admission plugin's refusal", err)
		}
		return nil
	})
	return func(t *testing.T) {
		if err := helmUpgrade(t.Context()); err != nil {
			t.Fatal(err)
		}
		pod := productionStackPod(t)
		framework.Eventually(t, "the production stack's pod to be admitted", func() error {
			return suite.cp.Client.Create(t.Context(), pod)
		})
		if !framework.IsRewritten(pod) {
			t.Errorf("the admitted pod was not rewritten: annotations %v", pod.Annotations)
		}
		if pod.Spec.RuntimeClassName != nil {
			t.Errorf("the rewritten pod still names RuntimeClass %q", *pod.Spec.RuntimeClassName)
		}
		if err := suite.cp.Client.Delete(t.Context(), pod); err != nil {
			t.Fatal(err)
		}
	}
}

// productionStackPod is a pod of the production stack's Deployment, as
// its ReplicaSet would create it.
func productionStackPod(t *testing.T) *corev1.Pod {
	t.Helper()
	deps, err := framework.Deployments(productionStackFixture(suite.cp.Root))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := deps[0].Spec.Template
	if tmpl.Spec.RuntimeClassName == nil || *tmpl.Spec.RuntimeClassName != "nvidia" {
		t.Fatalf("the fixture's runtimeClassName is %v, want nvidia", tmpl.Spec.RuntimeClassName)
	}
	meta := *tmpl.ObjectMeta.DeepCopy()
	meta.GenerateName = deps[0].Name + "-"
	meta.Namespace = appNamespace
	return &corev1.Pod{ObjectMeta: meta, Spec: tmpl.Spec}
}

// deleteCRD deletes the SGLangProfile CRD, and with it every profile. The
// repair is the hint's: apply the chart's CRD again, then helm upgrade puts
// the default profile back. The webhook is restarted rather than left to
// its informer's back-off.
func deleteCRD(t *testing.T) func(*testing.T) {
	t.Helper()
	crd := &apiextensionsv1.CustomResourceDefinition{ObjectMeta: metav1.ObjectMeta{Name: check.CRDName}}
	if err := suite.cp.Client.Delete(t.Context(), crd); err != nil {
		t.Fatalf("deleting the CRD: %v", err)
	}
	framework.Eventually(t, "the CRD to be gone", func() error {
		err := suite.cp.Client.Get(t.Context(), client.ObjectKey{Name: check.CRDName}, &apiextensionsv1.CustomResourceDefinition{})
		if !apierrors.IsNotFound(err) {
			return fmt.Errorf("get: %v", err)
		}
		return nil
	})
	return func(t *testing.T) {
		if err := suite.webhook.Stop(); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(suite.cp.Root, framework.ChartPath, "crds")
		if _, err := envtest.InstallCRDs(suite.cp.Config, envtest.CRDInstallOptions{Paths: []string{dir}, ErrorIfPathMissing: true}); err != nil {
			t.Fatalf("applying %s: %v", dir, err)
		}
		restoreDefaultProfile(t)
		if err := startWebhook(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
}
