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

package charttest

import (
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The webhook configurations controller-gen writes from the webhook's
// markers, by kind, with the names it gives them.
const (
	generatedManifests        = "../../config/webhook/manifests.yaml"
	generatedMutatingName     = "mutating-webhook-configuration"
	generatedValidatingName   = "validating-webhook-configuration"
	chartProfileValidatorName = "validate.sglangprofile.vllm-to-sglang.io"
)

// generated reads config/webhook/manifests.yaml, which must hold exactly one
// MutatingWebhookConfiguration (the pod rewrite) and one
// ValidatingWebhookConfiguration (the SGLangProfile validator): a new marker
// must get its chart template, and a test here.
func generated(t *testing.T) *rendered {
	t.Helper()
	data, err := os.ReadFile(generatedManifests)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := parseManifest(string(data))
	if err != nil {
		t.Fatalf("%s: %v", generatedManifests, err)
	}
	r := &rendered{objs: objs}
	if got, want := r.kinds(), map[string]int{"MutatingWebhookConfiguration": 1, "ValidatingWebhookConfiguration": 1}; !maps.Equal(got, want) {
		t.Fatalf("%s holds %v, want %v", generatedManifests, got, want)
	}
	return r
}

// generatedWebhooks reads the pod webhooks that controller-gen writes from
// the webhook's markers, by name. Their namespace placeholder "system" is
// the namespace the webhook runs in: for the chart, the release namespace.
func generatedWebhooks(t *testing.T) map[string]admissionregistrationv1.MutatingWebhook {
	t.Helper()
	cfg := get[admissionregistrationv1.MutatingWebhookConfiguration](t, generated(t), "MutatingWebhookConfiguration", generatedMutatingName)
	out := map[string]admissionregistrationv1.MutatingWebhook{}
	for _, wh := range cfg.Webhooks {
		for i, e := range wh.NamespaceSelector.MatchExpressions {
			for j, v := range e.Values {
				if v == "system" {
					wh.NamespaceSelector.MatchExpressions[i].Values[j] = releaseNamespace
				}
			}
		}
		out[wh.Name] = wh
	}
	return out
}

// generatedProfileValidator reads the SGLangProfile validator that
// controller-gen writes from its marker (webhook/validate.go).
func generatedProfileValidator(t *testing.T) admissionregistrationv1.ValidatingWebhook {
	t.Helper()
	cfg := get[admissionregistrationv1.ValidatingWebhookConfiguration](t, generated(t), "ValidatingWebhookConfiguration", generatedValidatingName)
	if len(cfg.Webhooks) != 1 {
		t.Fatalf("%s: want one validating webhook, got %d", generatedManifests, len(cfg.Webhooks))
	}
	return cfg.Webhooks[0]
}

// comparable keeps the parts of a webhook that decide which requests reach
// it and how the API server treats it; clientConfig differs by design.
type comparableWebhook struct {
	Name                    string
	Path                    *string
	Rules                   []admissionregistrationv1.RuleWithOperations
	NamespaceSelector       *metav1.LabelSelector
	ObjectSelector          *metav1.LabelSelector
	MatchConditions         []admissionregistrationv1.MatchCondition
	SideEffects             *admissionregistrationv1.SideEffectClass
	ReinvocationPolicy      *admissionregistrationv1.ReinvocationPolicyType
	FailurePolicy           *admissionregistrationv1.FailurePolicyType
	TimeoutSeconds          *int32
	AdmissionReviewVersions []string
}

func comparableOf(wh admissionregistrationv1.MutatingWebhook) comparableWebhook {
	c := comparableWebhook{
		Name: wh.Name, Rules: wh.Rules, NamespaceSelector: wh.NamespaceSelector, ObjectSelector: wh.ObjectSelector,
		MatchConditions: wh.MatchConditions, SideEffects: wh.SideEffects, ReinvocationPolicy: wh.ReinvocationPolicy,
		FailurePolicy: wh.FailurePolicy, TimeoutSeconds: wh.TimeoutSeconds, AdmissionReviewVersions: wh.AdmissionReviewVersions,
	}
	if wh.ClientConfig.Service != nil {
		c.Path = wh.ClientConfig.Service.Path
	}
	return c
}

func comparableOfValidating(wh admissionregistrationv1.ValidatingWebhook) comparableWebhook {
	c := comparableWebhook{
		Name: wh.Name, Rules: wh.Rules, NamespaceSelector: wh.NamespaceSelector, ObjectSelector: wh.ObjectSelector,
		MatchConditions: wh.MatchConditions, SideEffects: wh.SideEffects,
		FailurePolicy: wh.FailurePolicy, TimeoutSeconds: wh.TimeoutSeconds, AdmissionReviewVersions: wh.AdmissionReviewVersions,
	}
	if wh.ClientConfig.Service != nil {
		c.Path = wh.ClientConfig.Service.Path
	}
	return c
}

func TestChartWebhooksEqualTheGeneratedWebhookConfiguration(t *testing.T) {
	cfg, _ := theWebhook(t, render(t, nil))
	generated := generatedWebhooks(t)
	if got, want := webhookNames(cfg.Webhooks), slices.Sorted(maps.Keys(generated)); !slices.Equal(slices.Sorted(slices.Values(got)), want) {
		t.Fatalf("the chart's webhooks %v, config/webhook/manifests.yaml's %v", got, want)
	}
	for _, wh := range cfg.Webhooks {
		t.Run(wh.Name, func(t *testing.T) {
			got, want := comparableOf(wh), comparableOf(generated[wh.Name])
			if !equalJSON(t, got, want) {
				t.Errorf("the chart's webhook differs from config/webhook/manifests.yaml (-chart +generated):\n%s", diffJSON(t, got, want))
			}
		})
	}
}

func TestAuditWebhooksNeverBlockAPod(t *testing.T) {
	for _, policy := range []string{"Fail", "Ignore"} {
		t.Run("webhook.failurePolicy="+policy, func(t *testing.T) {
			r := render(t, values(t, "webhook.failurePolicy="+policy, "webhook.timeoutSeconds=3"))
			_, rw := theWebhook(t, r)
			if string(*rw.FailurePolicy) != policy {
				t.Errorf("%s: failurePolicy %s, want %s", rw.Name, *rw.FailurePolicy, policy)
			}
			audit := auditWebhooks(t, r)
			if len(audit) != 2 {
				t.Fatalf("audit webhooks %v, want two", slices.Collect(maps.Keys(audit)))
			}
			for name, wh := range audit {
				if *wh.FailurePolicy != admissionregistrationv1.Ignore {
					t.Errorf("%s: failurePolicy %s, want Ignore", name, *wh.FailurePolicy)
				}
				if *wh.TimeoutSeconds != 3 {
					t.Errorf("%s: timeoutSeconds %d, want webhook.timeoutSeconds (3)", name, *wh.TimeoutSeconds)
				}
			}
		})
	}
}

func TestAuditWebhooks(t *testing.T) {
	ca := "webhook.caBundle=" + b64([]byte("ca"))
	t.Run("audit.enabled=false leaves the rewrite webhook alone", func(t *testing.T) {
		cfg, _ := theWebhook(t, render(t, values(t, "audit.enabled=false")))
		if got := webhookNames(cfg.Webhooks); !slices.Equal(got, []string{rewriteWebhookName}) {
			t.Errorf("webhooks %v, want only %s", got, rewriteWebhookName)
		}
	})
	t.Run("URL mode: audit.url is used as given", func(t *testing.T) {
		const url = "https://audit.example.com/audit"
		r := render(t, values(t, "webhook.url=https://webhook.example.com/rewrite", ca, "profileValidation.enabled=false", "audit.url="+url))
		for name, wh := range auditWebhooks(t, r) {
			if wh.ClientConfig.URL == nil || *wh.ClientConfig.URL != url {
				t.Errorf("%s: clientConfig %+v, want url %q", name, wh.ClientConfig, url)
			}
		}
	})
	t.Run("URL mode: a webhook.url the audit URL cannot be derived from fails, saying what to set", func(t *testing.T) {
		_, err := renderErr(t, values(t, "webhook.url=https://webhook.example.com/rewrite", ca, "profileValidation.enabled=false"))
		if err == nil || !strings.Contains(err.Error(), "audit.url") || !strings.Contains(err.Error(), "audit.enabled=false") {
			t.Fatalf("render: %v; want an error naming audit.url and audit.enabled=false", err)
		}
	})
	t.Run("the schema refuses an audit.url that is not https", func(t *testing.T) {
		_, err := renderErr(t, values(t, "webhook.url=https://webhook.example.com/mutate--v1-pod", ca, "audit.url=http://audit.example.com/"))
		if err == nil || !strings.Contains(err.Error(), "audit") {
			t.Fatalf("render: %v; want a schema error on audit.url", err)
		}
	})
}

func TestChartProfileValidatorEqualsTheGeneratedWebhookConfiguration(t *testing.T) {
	_, chartWebhook := theProfileValidator(t, render(t, nil))
	got, want := comparableOfValidating(chartWebhook), comparableOfValidating(generatedProfileValidator(t))
	if !equalJSON(t, got, want) {
		t.Errorf("the chart's profile validator differs from config/webhook/manifests.yaml (-chart +generated):\n%s", diffJSON(t, got, want))
	}
}

func TestProfileValidatorSharesTheTimeoutButNotTheFailurePolicy(t *testing.T) {
	for _, policy := range []string{"Fail", "Ignore"} {
		t.Run("webhook.failurePolicy="+policy, func(t *testing.T) {
			_, wh := theProfileValidator(t, render(t, values(t, "webhook.failurePolicy="+policy, "webhook.timeoutSeconds=3")))
			// Always Ignore: the chart's own profiles are created before the webhook serves.
			if *wh.FailurePolicy != admissionregistrationv1.Ignore {
				t.Errorf("failurePolicy %s, want Ignore", *wh.FailurePolicy)
			}
			if *wh.TimeoutSeconds != 3 {
				t.Errorf("timeoutSeconds %d, want webhook.timeoutSeconds (3)", *wh.TimeoutSeconds)
			}
		})
	}
}

func TestProfileValidationCanBeTurnedOff(t *testing.T) {
	for mode, sets := range map[string][]string{
		"in cluster": nil,
		// A webhook.url the validator's URL could not be derived from is fine then.
		"URL mode": {"webhook.url=https://webhook.example.com/rewrite", "webhook.caBundle=" + b64([]byte("ca")), "audit.enabled=false"},
	} {
		t.Run(mode, func(t *testing.T) {
			r := render(t, values(t, append(sets, "profileValidation.enabled=false")...))
			if n := r.kinds()["ValidatingWebhookConfiguration"]; n != 0 {
				t.Errorf("%d ValidatingWebhookConfigurations rendered with profileValidation.enabled=false", n)
			}
			theWebhook(t, r) // the pod webhook stays
			if r.find("SGLangProfile", "default") == nil {
				t.Errorf("no default SGLangProfile rendered")
			}
			if strings.Contains(r.notes, "ValidatingWebhookConfiguration") {
				t.Errorf("NOTES mention the ValidatingWebhookConfiguration, which is not installed:\n%s", r.notes)
			}
		})
	}
	t.Run("on by default, and the NOTES say so", func(t *testing.T) {
		r := render(t, nil)
		if want := "ValidatingWebhookConfiguration " + fullName; !strings.Contains(r.notes, want) {
			t.Errorf("NOTES lack %q:\n%s", want, r.notes)
		}
	})
}

func TestWebhookConfigurationValues(t *testing.T) {
	tests := map[string]struct {
		sets  []string
		check func(t *testing.T, wh admissionregistrationv1.MutatingWebhook)
	}{
		"failurePolicy Ignore and a shorter timeout reach every webhook": {
			sets: []string{"webhook.failurePolicy=Ignore", "webhook.timeoutSeconds=2"},
			check: func(t *testing.T, wh admissionregistrationv1.MutatingWebhook) {
				if *wh.FailurePolicy != admissionregistrationv1.Ignore || *wh.TimeoutSeconds != 2 {
					t.Errorf("failurePolicy %s timeoutSeconds %d, want Ignore and 2", *wh.FailurePolicy, *wh.TimeoutSeconds)
				}
			},
		},
		"failurePolicy Fail is the rewrite webhook's only, the audit webhooks ignore failures": {
			sets: []string{"webhook.failurePolicy=Fail"},
			check: func(t *testing.T, wh admissionregistrationv1.MutatingWebhook) {
				want := admissionregistrationv1.Fail
				if wh.Name != rewriteWebhookName {
					want = admissionregistrationv1.Ignore
				}
				if *wh.FailurePolicy != want {
					t.Errorf("failurePolicy %s, want %s", *wh.FailurePolicy, want)
				}
			},
		},
		"excluded namespaces are added to kube-system and the release namespace, in every webhook": {
			sets: []string{"webhook.excludedNamespaces={gpu-operator,kube-system}"},
			check: func(t *testing.T, wh admissionregistrationv1.MutatingWebhook) {
				want := []string{"kube-system", releaseNamespace, "gpu-operator"}
				if got := excludedNamespaces(t, wh); !slices.Equal(got, want) {
					t.Errorf("excluded namespaces %v, want %v", got, want)
				}
			},
		},
		"extra match conditions come after the built-in ones, which always stay, in every webhook": {
			sets: []string{"webhook.extraMatchConditions[0].name=only-team-a",
				"webhook.extraMatchConditions[0].expression=object.metadata.labels['team'] == 'a'"},
			check: func(t *testing.T, wh admissionregistrationv1.MutatingWebhook) {
				var names []string
				for _, c := range wh.MatchConditions {
					names = append(names, c.Name)
				}
				if want := []string{"not-a-mirror-pod", "not-yet-rewritten", "looks-like-vllm", "only-team-a"}; !slices.Equal(names, want) {
					t.Errorf("matchConditions %v, want %v", names, want)
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, _ := theWebhook(t, render(t, values(t, tc.sets...)))
			for _, wh := range cfg.Webhooks {
				t.Run(wh.Name, func(t *testing.T) { tc.check(t, wh) })
			}
		})
	}
}

func excludedNamespaces(t *testing.T, wh admissionregistrationv1.MutatingWebhook) []string {
	t.Helper()
	for _, e := range wh.NamespaceSelector.MatchExpressions {
		if e.Key == "kubernetes.io/metadata.name" && e.Operator == metav1.LabelSelectorOpNotIn {
			return e.Values
		}
	}
	t.Fatalf("no NotIn expression on kubernetes.io/metadata.name in %+v", wh.NamespaceSelector)
	return nil
}
