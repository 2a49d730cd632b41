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
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// profileValidatorName is the validating webhook of config/webhook (the
// marker in webhook/validate.go), as the API server names it in denials.
const profileValidatorName = "validate.sglangprofile.vllm-to-sglang.io"

// deniedByProfileValidator is how the API server starts the error of a
// request the profile validator denied.
var deniedByProfileValidator = fmt.Sprintf("admission webhook %q denied the request", profileValidatorName)

// tooOld is a spec whose SGLang release, from the image tag, is older than
// every supported release.
func tooOld(s *v1alpha1.SGLangProfileSpec) { s.Image = "lmsysorg/sglang:v0.4.6.post1-rocm630" }

// waitForProfileValidator waits until the API server calls the profile
// validator: with failurePolicy Ignore, a validator the API server cannot
// reach admits everything, so a test must not assume it answers.
func waitForProfileValidator(t *testing.T) {
	t.Helper()
	framework.Eventually(t, "the API server to call the profile validator", func() error {
		err := suite.cp.Client.Create(t.Context(), newProfile("it-validator-probe", tooOld), client.DryRunAll)
		if err == nil {
			return errors.New("a too-old profile was admitted")
		}
		if !strings.Contains(err.Error(), deniedByProfileValidator) {
			return err
		}
		return nil
	})
}

// assertNoProfile checks that the named profile was not stored.
func assertNoProfile(t *testing.T, name string) {
	t.Helper()
	err := suite.cp.Client.Get(t.Context(), client.ObjectKey{Name: name}, &v1alpha1.SGLangProfile{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("get %s = %v, want NotFound: the refused profile was stored", name, err)
	}
}

// refusedCreate creates p, which the API server must refuse, and returns
// its error. The test fails at once when p was created (deleting it
// again), and fails when p was stored anyway.
func refusedCreate(t *testing.T, p *v1alpha1.SGLangProfile) error {
	t.Helper()
	err := suite.cp.Client.Create(t.Context(), p)
	if err == nil {
		_ = suite.cp.Client.Delete(t.Context(), p)
		t.Fatal("the profile was created")
	}
	assertNoProfile(t, p.Name)
	return err
}

// TestProfileValidatorAtApply runs the ValidatingWebhookConfiguration of
// config/webhook (envtest installed it pointing at the webhook server)
// through the real API server, as kubectl apply meets it.
func TestProfileValidatorAtApply(t *testing.T) {
	w := startWebhook(t)
	waitForProfileValidator(t)

	t.Run("a release older than every supported one is refused, listing the supported releases", func(t *testing.T) {
		cases := map[string]struct {
			edit func(*v1alpha1.SGLangProfileSpec)
			want string
		}{
			"from the image tag": {edit: tooOld,
				want: `spec.image: Invalid value: "lmsysorg/sglang:v0.4.6.post1-rocm630"`},
			"from spec.sglangVersion": {edit: func(s *v1alpha1.SGLangProfileSpec) { s.SGLangVersion = "0.1.0" },
				want: `spec.sglangVersion: Invalid value: "0.1.0"`},
		}
		for name, tc := range cases {
			t.Run(name, func(t *testing.T) {
				err := refusedCreate(t, newProfile("it-too-old", tc.edit))
				for _, want := range []string{deniedByProfileValidator, tc.want, "older than every supported release", "supported releases: " + sglang.Supported()} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not contain %q", err, want)
					}
				}
			})
		}
	})

	t.Run("an update to a release older than every supported one is refused", func(t *testing.T) {
		p := w.createProfile(t, "it-update-too-old", func(*v1alpha1.SGLangProfileSpec) {})
		p.Spec.SGLangVersion = "0.1.0"
		err := suite.cp.Client.Update(t.Context(), p)
		if err == nil || !strings.Contains(err.Error(), deniedByProfileValidator) || !strings.Contains(err.Error(), sglang.Supported()) {
			t.Fatalf("update = %v, want the profile validator's denial listing %s", err, sglang.Supported())
		}
		var stored v1alpha1.SGLangProfile
		if err := suite.cp.Client.Get(t.Context(), client.ObjectKeyFromObject(p), &stored); err != nil {
			t.Fatal(err)
		}
		if stored.Spec.SGLangVersion != "" {
			t.Errorf("stored sglangVersion %q, want the one before the refused update (none)", stored.Spec.SGLangVersion)
		}
	})

	t.Run("a release newer than the newest catalog is admitted with the webhook's warning", func(t *testing.T) {
		c, warnings := clientWithWarnings(t)
		p := newProfile("it-too-new", func(s *v1alpha1.SGLangProfileSpec) { s.SGLangVersion = "99.0.0" })
		framework.CreateForTest(t, c, p)
		want := []string{"spec.sglangVersion: ", "99.0.0", "newer than the newest release"}
		if !slices.ContainsFunc(warnings.Warnings(), func(w string) bool {
			return !slices.ContainsFunc(want, func(part string) bool { return !strings.Contains(w, part) })
		}) {
			t.Errorf("warnings %q, want one containing each of %q", warnings.Warnings(), want)
		}
	})

	t.Run("a malformed sglangVersion is refused by the CRD schema before any webhook", func(t *testing.T) {
		p := newProfile("it-malformed-version", func(s *v1alpha1.SGLangProfileSpec) { s.SGLangVersion = "0.5" })
		err := refusedCreate(t, p)
		var status apierrors.APIStatus
		if !apierrors.IsInvalid(err) || !errors.As(err, &status) {
			t.Fatalf("create = %v, want Invalid", err)
		}
		if strings.Contains(err.Error(), "admission webhook") {
			t.Errorf("error %q comes from a webhook, want the CRD schema's", err)
		}
		if !slices.ContainsFunc(status.Status().Details.Causes, func(c metav1.StatusCause) bool {
			return c.Field == "spec.sglangVersion" && c.Type == metav1.CauseTypeFieldValueInvalid && strings.Contains(c.Message, "should match")
		}) {
			t.Errorf("causes %+v, want spec.sglangVersion failing the schema's pattern", status.Status().Details.Causes)
		}
	})

	t.Run("a model regex that does not compile is refused, saying where, which the schema cannot", func(t *testing.T) {
		p := newProfile("it-bad-regex", func(s *v1alpha1.SGLangProfileSpec) {
			s.Selector = &v1alpha1.ProfileSelector{Models: []v1alpha1.ModelPattern{
				{Pattern: "deepseek-ai/*"}, {Pattern: `Qwen/Qwen3-\d+(B`, Kind: v1alpha1.PatternRegex}}}
		})
		err := refusedCreate(t, p)
		for _, want := range []string{deniedByProfileValidator, `spec.selector.models[1].pattern`, "missing closing )"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		}
	})

	t.Run("a label selector whose key is not a label key is refused", func(t *testing.T) {
		p := newProfile("it-bad-selector", func(s *v1alpha1.SGLangProfileSpec) {
			s.Selector = &v1alpha1.ProfileSelector{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"not a key": "x"}}}
		})
		err := refusedCreate(t, p)
		if !strings.Contains(err.Error(), deniedByProfileValidator) || !strings.Contains(err.Error(), "spec.selector.podSelector.matchLabels") {
			t.Errorf("error %q, want the validator's denial naming spec.selector.podSelector.matchLabels", err)
		}
	})

	t.Run("while the webhook is down a too-old profile is admitted (failurePolicy Ignore)", func(t *testing.T) {
		// What lets the chart create its profiles before its webhook serves;
		// the pod webhook checks them again when a pod uses them.
		if err := w.Stop(); err != nil {
			t.Fatal(err)
		}
		framework.CreateForTest(t, suite.cp.Client, newProfile("it-too-old-webhook-down", tooOld))
	})
}
