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

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/internal/golden"
)

// The two-model example of docs/rewrite.md and the README: DeepSeek and
// Qwen3 on SGLang (each its profile, Qwen3 on a newer SGLang), Llama left
// on vLLM (no default profile).
const (
	twoModels         = "testdata/two-models/models.yaml"
	twoModelsProfiles = "testdata/two-models/profiles"
)

// images maps each Deployment of the output to its first container's image.
func images(t *testing.T, out string) map[string]string {
	t.Helper()
	got := map[string]string{}
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(out), 4096)
	for {
		var d appsv1.Deployment
		if err := dec.Decode(&d); err != nil {
			break
		}
		if d.Name != "" {
			got[d.Name] = d.Spec.Template.Spec.Containers[0].Image
		}
	}
	return got
}

func profileDoc(name, spec string) string {
	return fmt.Sprintf("apiVersion: shim.vllm-to-sglang.io/v1alpha1\nkind: SGLangProfile\nmetadata: {name: %s}\nspec:\n%s", name, spec)
}

func TestRewriteCommandResolvesSeveralProfiles(t *testing.T) {
	const (
		deepseekImage = "lmsysorg/sglang:v0.5.9-rocm700-mi30x"
		qwenImage     = "lmsysorg/sglang:v0.5.21-rocm700-mi30x"
		vllmImage     = "vllm/vllm-openai:v0.10.1"
	)
	defaultDoc := profileDoc("default", "  image: example.com/sglang:v0.5.9-default\n")
	cases := map[string]struct {
		args       []string
		code       int
		images     map[string]string
		stderrHas  []string
		stderrLack []string
	}{
		"each model gets the profile its selector chooses; a model no profile selects, without a default, is left alone": {
			args:   []string{"--profile", twoModelsProfiles},
			images: map[string]string{"deepseek-r1-distill": deepseekImage, "qwen3": qwenImage, "llama": vllmImage},
			stderrHas: []string{
				`Deployment team-a/deepseek-r1-distill: SGLangProfile sglang-deepseek, selected by spec.selector (model "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B" matches glob "deepseek-ai/*")`,
				`Deployment team-a/llama: not rewritten: no SGLangProfile selects the pod`},
		},
		"profiles given as files, and a default, which the unselected model gets": {
			args: []string{"--profile", filepath.Join(twoModelsProfiles, "deepseek.yaml"), "--profile", filepath.Join(twoModelsProfiles, "qwen.yaml"),
				"--profile", writeFile(t, "default.yaml", defaultDoc)},
			images: map[string]string{"deepseek-r1-distill": deepseekImage, "qwen3": qwenImage, "llama": "example.com/sglang:v0.5.9-default"},
		},
		"profiles from one file of several documents": {
			args:   []string{"--profile", writeFile(t, "all.yaml", readFile(t, filepath.Join(twoModelsProfiles, "deepseek.yaml"))+"---\n"+defaultDoc)},
			images: map[string]string{"deepseek-r1-distill": deepseekImage, "qwen3": "example.com/sglang:v0.5.9-default", "llama": "example.com/sglang:v0.5.9-default"},
		},
		"one profile with a selector is resolved too, not applied to every template": {
			args:   []string{"--profile", filepath.Join(twoModelsProfiles, "deepseek.yaml")},
			images: map[string]string{"deepseek-r1-distill": deepseekImage, "qwen3": vllmImage, "llama": vllmImage},
		},
		"one profile without a selector is applied to every template, as before": {
			args:   []string{"--profile", writeFile(t, "one.yaml", profileDoc("mine", "  image: example.com/sglang:v0.5.9-mine\n"))},
			images: map[string]string{"deepseek-r1-distill": "example.com/sglang:v0.5.9-mine", "qwen3": "example.com/sglang:v0.5.9-mine", "llama": "example.com/sglang:v0.5.9-mine"},
		},
		"the highest priority wins, and a tie warns naming both": {
			args: []string{"--profile", writeFile(t, "tie.yaml", profileDoc("b-any", "  image: example.com/sglang:v0.5.9-b\n  priority: 1\n  selector: {}\n")+
				"---\n"+profileDoc("a-any", "  image: example.com/sglang:v0.5.9-a\n  priority: 1\n  selector: {}\n")+
				"---\n"+profileDoc("low", "  image: example.com/sglang:v0.5.9-low\n  selector: {}\n"))},
			images:    map[string]string{"deepseek-r1-distill": "example.com/sglang:v0.5.9-a", "qwen3": "example.com/sglang:v0.5.9-a", "llama": "example.com/sglang:v0.5.9-a"},
			stderrHas: []string{`Warning: Deployment team-a/llama: SGLangProfiles "a-any" and "b-any" all select this pod with priority 1; "a-any" applies`},
		},
		"a namespace selector sees the labels --namespace-labels gives": {
			args: []string{"--profile", writeFile(t, "ns.yaml", profileDoc("team-b", "  image: example.com/sglang:v0.5.9-team-b\n  selector:\n    namespaceSelector:\n      matchLabels: {team: b}\n")),
				"--profile", writeFile(t, "d.yaml", defaultDoc), "--namespace-labels", "team=b,tier=gold"},
			images:     map[string]string{"deepseek-r1-distill": "example.com/sglang:v0.5.9-team-b", "llama": "example.com/sglang:v0.5.9-team-b"},
			stderrLack: []string{"--namespace-labels"},
		},
		"without --namespace-labels a namespace selector sees only the namespace's name and the opt-in label, with a warning": {
			args: []string{"--profile", writeFile(t, "ns.yaml", profileDoc("team-b", "  image: example.com/sglang:v0.5.9-team-b\n  selector:\n    namespaceSelector:\n      matchLabels: {team: b}\n")),
				"--profile", writeFile(t, "n.yaml", profileDoc("named", "  image: example.com/sglang:v0.5.9-named\n  selector:\n    namespaceSelector:\n      matchLabels: {kubernetes.io/metadata.name: team-a, vllm-to-sglang.io/rewrite: enabled}\n"))},
			images:    map[string]string{"deepseek-r1-distill": "example.com/sglang:v0.5.9-named", "llama": "example.com/sglang:v0.5.9-named"},
			stderrHas: []string{"Warning: a profile selects namespaces by label", "give its other labels with --namespace-labels"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := runCLI(t, "", append([]string{"rewrite", "-f", twoModels}, tc.args...)...)
			if r.code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			got := images(t, r.stdout)
			for deployment, want := range tc.images {
				if got[deployment] != want {
					t.Errorf("%s: image %q, want %q", deployment, got[deployment], want)
				}
			}
			for _, want := range tc.stderrHas {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			for _, lack := range tc.stderrLack {
				if strings.Contains(r.stderr, lack) {
					t.Errorf("stderr has %q:\n%s", lack, r.stderr)
				}
			}
		})
	}
}

func TestRewriteCommandWithSeveralProfilesFails(t *testing.T) {
	named := writeFile(t, "named.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: named}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata:\n      labels: {a: b}\n      annotations: {vllm-to-sglang.io/profile: mi325x}\n    spec:\n      containers:\n      - {name: vllm, image: vllm/vllm-openai:v0.10.1, command: [vllm, serve, m], resources: {limits: {nvidia.com/gpu: \"1\"}}}\n")
	cases := map[string]struct {
		args   []string
		code   int
		stderr string
	}{
		"exits 1 when a template names a profile not given, as the webhook denies its pods": {
			args: []string{"-f", named, "--profile", twoModelsProfiles}, code: exitFailure,
			stderr: `error: Deployment named: the pod template names SGLangProfile "mi325x" (annotation vllm-to-sglang.io/profile), which is not among the profiles given`,
		},
		"exits 2 on two profiles with one name": {
			args: []string{"-f", twoModels, "--profile", twoModelsProfiles, "--profile", filepath.Join(twoModelsProfiles, "qwen.yaml")}, code: exitBadInput,
			stderr: `SGLangProfile "sglang-qwen3" is also in`,
		},
		"exits 2 on a directory without profiles": {
			args: []string{"-f", twoModels, "--profile", t.TempDir()}, code: exitBadInput,
			stderr: "holds no .yaml, .yml or .json file",
		},
		"exits 2 on a regex that does not compile, saying where": {
			args: []string{"-f", twoModels, "--profile", writeFile(t, "bad.yaml", profileDoc("bad", "  image: x\n  selector:\n    models:\n    - {pattern: 'qwen/(qwen3', kind: regex}\n"))},
			code: exitBadInput, stderr: "spec.selector.models[0].pattern: Invalid value: \"qwen/(qwen3\": not a valid regular expression: missing closing )",
		},
		"exits 2 on --namespace-labels that are not k=v": {
			args: []string{"-f", twoModels, "--namespace-labels", "team"}, code: exitBadInput,
			stderr: "--namespace-labels",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := runCLI(t, "", append([]string{"rewrite"}, tc.args...)...)
			if r.code != tc.code || r.stdout != "" {
				t.Errorf("exit %d (want %d), stdout %q", r.code, tc.code, r.stdout)
			}
			if !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, r.stderr)
			}
		})
	}
}

func TestRewriteCommandLeavesATemplateLabelledAuditAlone(t *testing.T) {
	in := readFile(t, twoModels)
	in = strings.Replace(in, "labels: {app: llama}\n    spec:", "labels: {app: llama, vllm-to-sglang.io/rewrite: audit}\n    spec:", 1)
	r := runCLI(t, in, "rewrite", "-f", "-")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := images(t, r.stdout)["llama"]; got != "vllm/vllm-openai:v0.10.1" {
		t.Errorf("llama image %q, want it unchanged", got)
	}
	if want := "Deployment team-a/llama: not rewritten: the pod template asks for an audit"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestTwoModelsDocsExample keeps the two-model example of docs/rewrite.md
// equal to the files and to what the command prints; -update rewrites it.
func TestTwoModelsDocsExample(t *testing.T) {
	r := runCLI(t, "", "rewrite", "-f", twoModels, "--profile", twoModelsProfiles)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	command := "$ vllm-to-sglang rewrite -f models.yaml --profile profiles/ > rewritten.yaml\n"
	var stderr []string
	for _, l := range lines(r.stderr) {
		if !strings.HasPrefix(l, "Warning: ") { // the flag warnings are the single-model example's business
			stderr = append(stderr, l)
		}
	}
	golden.Sections(t, "../../docs/rewrite.md", map[string]string{
		"two-models-profiles": "```yaml\n" + readFile(t, filepath.Join(twoModelsProfiles, "deepseek.yaml")) + "---\n" +
			readFile(t, filepath.Join(twoModelsProfiles, "qwen.yaml")) + "```\n",
		"two-models-rewrite": "```console\n" + command + strings.Join(stderr, "\n") + "\n```\n",
	})
	if diff := cmp.Diff(3, len(stderr)); diff != "" {
		t.Errorf("lines about the three Deployments:\n%s", r.stderr)
	}
}
