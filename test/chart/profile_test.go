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
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/internal/golden"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

// parseProfile runs a rendered SGLangProfile through the same strict
// decoding, defaulting and validation as `vllm-to-sglang rewrite --profile`.
func parseProfile(t *testing.T, o *unstructured.Unstructured) *v1alpha1.SGLangProfile {
	t.Helper()
	data, err := yaml.Marshal(o.Object)
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse(data)
	if err != nil {
		t.Fatalf("the rendered profile %q is not valid: %v", o.GetName(), err)
	}
	return p
}

func TestDefaultProfileEqualsTheBuiltInProfile(t *testing.T) {
	r := render(t, nil)
	o := r.find("SGLangProfile", v1alpha1.DefaultProfileName)
	if o == nil {
		t.Fatalf("no SGLangProfile %q rendered", v1alpha1.DefaultProfileName)
	}
	got, want := parseProfile(t, o), profile.Default()
	if !equalJSON(t, got.Spec, want.Spec) {
		t.Errorf("the chart's default profile differs from profile.Default() (webhook/profile/default.yaml); -chart +built-in:\n%s",
			diffJSON(t, got.Spec, want.Spec))
	}
	// Spelled out in full, like default.yaml: the values are what users read.
	var raw struct{ Spec map[string]any }
	if err := yaml.Unmarshal(profile.DefaultYAML(), &raw); err != nil {
		t.Fatal(err)
	}
	if !equalJSON(t, o.Object["spec"], raw.Spec) {
		t.Errorf("defaultProfile.spec is not default.yaml's spec as written (-chart +default.yaml):\n%s", diffJSON(t, o.Object["spec"], raw.Spec))
	}
}

func TestExtraProfilesAreInstalledNextToTheDefault(t *testing.T) {
	r := render(t, values(t,
		"extraProfiles.mi325x.image=lmsysorg/sglang:v0.5.9-rocm700-mi30x",
		"extraProfiles.mi325x.shmSize=64Gi",
		"extraProfiles.mi325x.args.unsafeFlags=Reject",
	))
	if n := r.kinds()["SGLangProfile"]; n != 2 {
		t.Fatalf("%d SGLangProfiles rendered, want default and mi325x", n)
	}
	p := parseProfile(t, r.find("SGLangProfile", "mi325x"))
	if p.Spec.Args.UnsafeFlags != v1alpha1.UnsafeFlagReject || p.Spec.ShmSize.String() != "64Gi" {
		t.Errorf("extra profile spec %+v lost the given values", p.Spec)
	}

	none := render(t, values(t, "defaultProfile.enabled=false"))
	if n := none.kinds()["SGLangProfile"]; n != 0 {
		t.Errorf("%d SGLangProfiles rendered with defaultProfile.enabled=false and no extra profiles", n)
	}
}

// TestChartCRDsAreTheGeneratedOnes guards the copy `make manifests` makes
// (hack/verify-generated.sh checks it too, by regenerating).
func TestChartCRDsAreTheGeneratedOnes(t *testing.T) {
	generated, err := filepath.Glob("../../config/crd/bases/*.yaml")
	if err != nil || len(generated) == 0 {
		t.Fatalf("no generated CRDs found (%v)", err)
	}
	inChart, _ := filepath.Glob(filepath.Join(chartDir, "crds", "*.yaml"))
	if len(inChart) != len(generated) {
		t.Errorf("the chart has %d CRD files, config/crd/bases %d; run make manifests", len(inChart), len(generated))
	}
	for _, g := range generated {
		want, _ := os.ReadFile(g)
		got, err := os.ReadFile(filepath.Join(chartDir, "crds", filepath.Base(g)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("charts/vllm-to-sglang/crds/%s differs from %s (%v); run make manifests", filepath.Base(g), g, err)
		}
	}
}

// TestREADMETwoModelsValues renders the chart with the values of the
// README's two-model example: no default profile, and the two profiles
// of the example under cmd/vllm-to-sglang/testdata/two-models, valid, which
// give DeepSeek and Qwen3 their profiles and leave Llama alone.
func TestREADMETwoModelsValues(t *testing.T) {
	block, err := golden.Section("../../README.md", "two-models-values")
	if err != nil {
		t.Fatal(err)
	}
	block = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(block), "```yaml"), "```")
	var vals map[string]any
	if err := yaml.Unmarshal([]byte(block), &vals); err != nil {
		t.Fatalf("the README's values: %v", err)
	}
	r := render(t, vals)
	if r.find("SGLangProfile", v1alpha1.DefaultProfileName) != nil {
		t.Error("a default profile is rendered with defaultProfile.enabled=false")
	}
	files, err := profile.LoadAll([]string{"../../cmd/vllm-to-sglang/testdata/two-models/profiles"})
	if err != nil {
		t.Fatal(err)
	}
	var cands []*profile.Candidate
	for _, want := range files {
		o := r.find("SGLangProfile", want.Name)
		if o == nil {
			t.Fatalf("no SGLangProfile %s rendered", want.Name)
		}
		got := parseProfile(t, o)
		if !equalJSON(t, got.Spec, want.Spec) {
			t.Errorf("%s differs from the example's profile (-README +example):\n%s", want.Name, diffJSON(t, got.Spec, want.Spec))
		}
		cands = append(cands, profile.NewCandidate(got))
	}
	t.Run("the API server accepts them (CRD schema and CEL rules)", func(t *testing.T) {
		c := controlPlane(t)
		vals["webhook"] = map[string]any{"url": "https://webhook.example.com:9443/mutate--v1-pod", "caBundle": b64([]byte("ca"))}
		vals["compatRuntimeClass"] = map[string]any{"create": "never"}
		c.mustInstall(t, "two-models", "two-models", vals)
		for _, p := range files {
			var got v1alpha1.SGLangProfile
			c.get(t, "", p.Name, &got)
			if got.Spec.Selector == nil || len(got.Spec.Selector.Models) != 1 || got.Spec.Selector.Models[0].Kind == "" {
				t.Errorf("stored %s selector %+v, want its model pattern with the kind defaulted", p.Name, got.Spec.Selector)
			}
		}
	})
	set := profile.NewSet(cands)
	for model, want := range map[string]string{
		"deepseek-ai/DeepSeek-R1-Distill-Qwen-7B": "sglang-deepseek",
		"Qwen/Qwen3-8B":                    "sglang-qwen3",
		"meta-llama/Llama-3.1-8B-Instruct": "",
	} {
		if got := set.Resolve(&profile.Subject{Models: []string{model}}); got.Name != want {
			t.Errorf("%s gets %q (%s), want %q", model, got.Name, got.Why(), want)
		}
	}
}
