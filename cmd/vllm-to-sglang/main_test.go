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
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/internal/golden"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

const testdata = "../../test/testdata"

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// splitGolden separates a golden file's comment header (the CLI's stderr
// lines) from its YAML (the CLI's stdout).
func splitGolden(t *testing.T, name string) (stderrLines []string, yaml string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	i := 0
	for ; i < len(lines) && strings.HasPrefix(lines[i], "# "); i++ {
		if i >= 2 { // the first two lines say how the golden was generated
			stderrLines = append(stderrLines, strings.TrimSuffix(strings.TrimPrefix(lines[i], "# "), "\n"))
		}
	}
	return stderrLines, strings.Join(lines[i:], "")
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const tp8 = "production-stack-helm-tp8-devstral-tools"

func TestRewriteCommand(t *testing.T) {
	wantStderr, wantYAML := splitGolden(t, tp8+".golden.yaml")
	fixture := filepath.Join(testdata, tp8+".yaml")

	t.Run("prints the rewritten manifest and its warnings, as the golden has them", func(t *testing.T) {
		r := runCLI(t, "", "rewrite", "-f", fixture)
		if r.code != exitOK {
			t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
		}
		if diff := cmp.Diff(wantYAML, r.stdout); diff != "" {
			t.Errorf("stdout differs from the golden:\n%s", diff)
		}
		if diff := cmp.Diff(wantStderr, lines(r.stderr)); diff != "" {
			t.Errorf("stderr:\n%s", diff)
		}
	})

	t.Run("reads stdin with -f -", func(t *testing.T) {
		in, err := os.ReadFile(fixture)
		if err != nil {
			t.Fatal(err)
		}
		r := runCLI(t, string(in), "rewrite", "-f", "-")
		if r.code != exitOK || r.stdout != wantYAML {
			t.Errorf("exit %d; stdout equal to golden: %v; stderr:\n%s", r.code, r.stdout == wantYAML, r.stderr)
		}
	})

	t.Run("changes nothing when fed its own output", func(t *testing.T) {
		r := runCLI(t, wantYAML, "rewrite", "-f", "-")
		if r.code != exitOK || r.stdout != wantYAML {
			t.Errorf("exit %d; output changed: %v", r.code, r.stdout != wantYAML)
		}
		if !strings.Contains(r.stderr, "not rewritten: the pod was already rewritten") {
			t.Errorf("stderr %q", r.stderr)
		}
	})

	t.Run("keeps document order across documents and files", func(t *testing.T) {
		a := writeFile(t, "a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: second}\n")
		r := runCLI(t, "apiVersion: v1\nkind: Service\nmetadata: {name: third}\n", "rewrite", "-f", a, "-f", "-")
		if r.code != exitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		names := []string{}
		for _, l := range lines(r.stdout) {
			if n, ok := strings.CutPrefix(l, "  name: "); ok {
				names = append(names, n)
			}
		}
		if diff := cmp.Diff([]string{"first", "second", "third"}, names); diff != "" {
			t.Error(diff)
		}
	})

	t.Run("prints several documents as a JSON List with -o json", func(t *testing.T) {
		r := runCLI(t, "", "rewrite", "-f", filepath.Join(testdata, "kserve-vllmserver-isvc.yaml"), "-o", "json")
		var list struct {
			Kind  string `json:"kind"`
			Items []struct {
				Kind string `json:"kind"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || r.code != exitOK {
			t.Fatalf("exit %d, %v:\n%s", r.code, err, r.stdout)
		}
		var kinds []string
		for _, it := range list.Items {
			kinds = append(kinds, it.Kind)
		}
		if list.Kind != "List" || !cmp.Equal(kinds, []string{"InferenceService", "ClusterServingRuntime", "Deployment"}) {
			t.Errorf("kind %s items %v", list.Kind, kinds)
		}
	})

	t.Run("prints one document as one JSON object with -o json", func(t *testing.T) {
		r := runCLI(t, "", "rewrite", "-f", fixture, "-o", "json")
		var obj map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &obj); err != nil || obj["kind"] != "Deployment" {
			t.Errorf("exit %d, %v, kind %v", r.code, err, obj["kind"])
		}
	})

	t.Run("uses the profile file given with --profile", func(t *testing.T) {
		p := writeFile(t, "p.yaml", "apiVersion: shim.vllm-to-sglang.io/v1alpha1\nkind: SGLangProfile\nmetadata: {name: mi325x}\nspec:\n  image: example.com/sglang:mine\n  proxy:\n    image: example.com/proxy:mine\n")
		r := runCLI(t, "", "rewrite", "-f", fixture, "--profile", p)
		for _, want := range []string{"image: example.com/sglang:mine", "image: example.com/proxy:mine", `"profile":"mi325x"`} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("output lacks %s", want)
			}
		}
		if r.code != exitOK {
			t.Errorf("exit %d; stderr %s", r.code, r.stderr)
		}
	})
}

// duplicateLabel is the production stack chart's Deployment with the label
// "model" rendered twice in each label map (the file says how).
const duplicateLabel = "testdata/production-stack-duplicate-model-label.yaml"

func TestRewriteCommandReadsManifestsAsKubectlDoes(t *testing.T) {
	t.Run("keeps the last of a label given twice, with a warning per duplicate naming the file, the document and the line", func(t *testing.T) {
		r := runCLI(t, "", "rewrite", "-f", duplicateLabel)
		if r.code != exitOK {
			t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
		}
		var want []string
		for _, line := range []int{23, 30, 36} {
			want = append(want, fmt.Sprintf(`Warning: %s: document 2, line %d: duplicate key "model": the last value is used, as kubectl does`, duplicateLabel, line))
		}
		if got := lines(r.stderr); len(got) < len(want) || !cmp.Equal(want, got[:len(want)]) {
			t.Errorf("stderr does not start with the duplicate warnings %q:\n%s", want, r.stderr)
		}
		var d appsv1.Deployment
		if err := yaml.UnmarshalStrict([]byte(r.stdout), &d); err != nil {
			t.Fatalf("%v:\n%s", err, r.stdout)
		}
		for where, labels := range map[string]map[string]string{
			"metadata.labels":               d.Labels,
			"spec.selector.matchLabels":     d.Spec.Selector.MatchLabels,
			"spec.template.metadata.labels": d.Spec.Template.Labels,
		} {
			if labels["model"] != "devstral-small" {
				t.Errorf("%s: model=%q, want the last value, devstral-small", where, labels["model"])
			}
		}
		if _, ok := d.Spec.Template.Annotations[v1alpha1.AnnotationStatus]; !ok {
			t.Error("the pod template was not rewritten")
		}
	})

	t.Run("warns about a key given twice in JSON too", func(t *testing.T) {
		r := runCLI(t, "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n \"metadata\": {\"name\": \"a\", \"labels\": {\"x\": \"1\", \"x\": \"2\"}}}\n", "rewrite", "-f", "-")
		want := `Warning: stdin: document 1, line 2: duplicate key "x": the last value is used, as kubectl does` + "\n"
		if r.code != exitOK || r.stderr != want || !strings.Contains(r.stdout, "x: \"2\"") {
			t.Errorf("exit %d\nstderr %q, want %q\nstdout:\n%s", r.code, r.stderr, want, r.stdout)
		}
	})

	t.Run("rewrites every object of a JSON stream, in order", func(t *testing.T) {
		pod, err := yaml.YAMLToJSON([]byte(testPod))
		if err != nil {
			t.Fatal(err)
		}
		r := runCLI(t, `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}`+"\n"+string(pod)+"\n", "rewrite", "-f", "-")
		docs := strings.Split(r.stdout, "---\n")
		if r.code != exitOK || len(docs) != 2 || !strings.Contains(docs[0], "kind: ConfigMap") || !strings.Contains(docs[1], v1alpha1.AnnotationStatus) {
			t.Errorf("exit %d, %d documents, stderr %s\nstdout:\n%s", r.code, len(docs), r.stderr, r.stdout)
		}
	})

	t.Run("rewrites the items of a List and prints a List", func(t *testing.T) {
		in := "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(strings.TrimSpace(testPod), "\n", "\n  ") + "\n"
		r := runCLI(t, in, "rewrite", "-f", "-", "-o", "json")
		var list corev1.List
		if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || r.code != exitOK {
			t.Fatalf("exit %d, %v:\n%s", r.code, err, r.stdout)
		}
		if list.Kind != "List" || len(list.Items) != 1 || !strings.Contains(string(list.Items[0].Raw), v1alpha1.AnnotationStatus) {
			t.Errorf("output:\n%s", r.stdout)
		}
	})

	t.Run("skips empty and comment-only documents", func(t *testing.T) {
		r := runCLI(t, "# rendered\n---\n---\n\n---\n"+testPod+"---\n# nothing\n", "rewrite", "-f", "-")
		if r.code != exitOK || strings.Count(r.stdout, "kind: Pod") != 1 || strings.Contains(r.stdout, "---") {
			t.Errorf("exit %d stderr %s\nstdout:\n%s", r.code, r.stderr, r.stdout)
		}
	})
}

// testPod is a vLLM pod the default profile rewrites.
const testPod = `apiVersion: v1
kind: Pod
metadata:
  name: llama
spec:
  containers:
  - name: vllm
    image: vllm/vllm-openai:v0.10.1
    command: [vllm, serve, org/model]
    resources:
      limits:
        nvidia.com/gpu: 1
`

func TestRewriteCommandFailures(t *testing.T) {
	fixture := filepath.Join(testdata, tp8+".yaml")
	rejecting := writeFile(t, "reject.yaml", "apiVersion: shim.vllm-to-sglang.io/v1alpha1\nkind: SGLangProfile\nmetadata: {name: strict}\nspec:\n  image: x\n  args:\n    overrides:\n    - {flag: --max-num-seqs, action: Reject}\n")
	tests := map[string]struct {
		args       []string
		stdin      string
		wantCode   int
		wantStderr []string
	}{
		"exits 1 and prints nothing when the profile rejects a pod, naming the pod and the reason": {
			args:     []string{"rewrite", "-f", fixture, "--profile", rejecting},
			wantCode: exitFailure,
			wantStderr: []string{`error: Deployment default/vllm-devstral-deployment-vllm: container "vllm" cannot run on SGLang as the profile requires: --max-num-seqs=128 rejected`,
				"error: 1 pod template not rewritten; nothing was printed"},
		},
		"exits 2 without -f": {
			args: []string{"rewrite"}, wantCode: exitBadInput,
			wantStderr: []string{`error: must specify -f FILENAME ("-" for stdin)`},
		},
		"exits 2 on an unknown output format": {
			args: []string{"rewrite", "-f", fixture, "-o", "wide"}, wantCode: exitBadInput,
			wantStderr: []string{`error: unsupported output format "wide": use yaml or json`},
		},
		"exits 2 on a missing file": {
			args: []string{"rewrite", "-f", "/nonexistent.yaml"}, wantCode: exitBadInput,
			wantStderr: []string{"error: open /nonexistent.yaml: no such file or directory"},
		},
		"exits 2 on input that is not YAML, naming stdin, the document and the line": {
			args: []string{"rewrite", "-f", "-"}, stdin: "apiVersion: v1\nkind: ConfigMap\n---\nkind: [\n", wantCode: exitBadInput,
			wantStderr: []string{"error: stdin: document 2, line 4: did not find expected node content"},
		},
		"exits 2 on a document without a kind, in kubectl's words": {
			args: []string{"rewrite", "-f", "-"}, stdin: "# a comment\napiVersion: v1\nmetadata: {name: a}\n", wantCode: exitBadInput,
			wantStderr: []string{`error: stdin: document 1, line 2: Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"a"}}'`},
		},
		"exits 2 on a pod template it cannot read": {
			args: []string{"rewrite", "-f", "-"}, stdin: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: 7\n", wantCode: exitBadInput,
			wantStderr: []string{"error: Pod p: reading the pod template:"},
		},
		"exits 2 on an invalid profile, naming the field": {
			args:       []string{"rewrite", "-f", fixture, "--profile", writeFile(t, "bad.yaml", "apiVersion: shim.vllm-to-sglang.io/v1alpha1\nkind: SGLangProfile\nmetadata: {name: b}\nspec: {image: x, shmSize: \"0\"}\n")},
			wantCode:   exitBadInput,
			wantStderr: []string{"spec.shmSize: Invalid value"},
		},
		"exits 2 on an unknown flag": {
			args: []string{"rewrite", "--frobnicate"}, wantCode: exitBadInput,
			wantStderr: []string{"error: unknown flag: --frobnicate", "See 'vllm-to-sglang --help' for usage."},
		},
		"exits 2 on an unknown subcommand": {
			args: []string{"rewrit"}, wantCode: exitBadInput,
			wantStderr: []string{`error: unknown command "rewrit" for "vllm-to-sglang"`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := runCLI(t, tc.stdin, tc.args...)
			if r.code != tc.wantCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tc.wantCode, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			for _, want := range tc.wantStderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
}

func TestTranslateCommand(t *testing.T) {
	t.Run("prints the SGLang command line, quoted for a shell, and warnings on stderr", func(t *testing.T) {
		r := runCLI(t, "", "translate", "--", "vllm", "serve", "org/model", "--max-model-len", "32k", "--gpu-memory-utilization", "0.9", "--served-model-name", "my model")
		if r.code != exitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if !strings.HasPrefix(r.stdout, "python3 -m sglang.launch_server --model-path org/model") || !strings.Contains(r.stdout, "--context-length 32000") {
			t.Errorf("stdout %q", r.stdout)
		}
		if !strings.Contains(r.stdout, "--served-model-name 'my model'") {
			t.Errorf("stdout %q does not quote a value with spaces", r.stdout)
		}
		if !strings.Contains(r.stderr, "Warning: --gpu-memory-utilization=0.9 approximated as --mem-fraction-static 0.88") {
			t.Errorf("stderr %q", r.stderr)
		}
	})

	t.Run("prints argv, dropped and warnings as JSON with -o json", func(t *testing.T) {
		r := runCLI(t, "", "translate", "-o", "json", "--", "vllm", "serve", "org/model", "--disable-log-stats", "--gpu-memory-utilization=0.9")
		var out translation
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != exitOK {
			t.Fatalf("exit %d, %v: %s", r.code, err, r.stdout)
		}
		if out.Argv[0] != "python3" || !cmp.Equal(out.Dropped, []string{"--disable-log-stats"}) || len(out.Warnings) != 2 {
			t.Errorf("json %+v", out)
		}
		if r.stderr != "" {
			t.Errorf("stderr %q, want nothing with -o json", r.stderr)
		}
	})

	t.Run("translates for the release --sglang-version names, and says which in JSON", func(t *testing.T) {
		newest := sglang.Newest().Version().String()
		for release, want := range map[string]bool{"0.5.9": false, newest: true} {
			r := runCLI(t, "", "translate", "-o", "json", "--sglang-version", release, "--", "vllm", "serve", "m", "-dcp", "2")
			var out translation
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != exitOK {
				t.Fatalf("exit %d, %v: %s", r.code, err, r.stdout)
			}
			if got := slices.Contains(out.Argv, "--dcp-size"); got != want {
				t.Errorf("SGLang %s: --dcp-size emitted = %v, want %v: %q", release, got, want, out.Argv)
			}
			if out.SGLang.Version != release || out.SGLang.Source != "spec.sglangVersion" {
				t.Errorf("SGLang %s: release %+v", release, out.SGLang)
			}
		}
	})

	t.Run("exits 2 for a release older than every supported one, listing them", func(t *testing.T) {
		r := runCLI(t, "", "translate", "--sglang-version", "0.4.0", "--", "vllm", "serve", "m")
		if r.code != exitBadInput || !strings.Contains(r.stderr, "supported releases: "+sglang.Supported()) {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
	})

	t.Run("takes just the image entrypoint's arguments", func(t *testing.T) {
		r := runCLI(t, "", "translate", "--", "org/model", "--tensor-parallel-size", "8")
		if r.code != exitOK || !strings.Contains(r.stdout, "--model-path org/model") || !strings.Contains(r.stdout, "--tp-size 8") {
			t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("sets SGLang's host and port when asked", func(t *testing.T) {
		r := runCLI(t, "", "translate", "--host", "127.0.0.1", "--port", "8001", "--", "vllm", "serve", "m", "--port", "8000")
		if r.code != exitOK || !strings.Contains(r.stdout, "--host 127.0.0.1 --port 8001") {
			t.Errorf("exit %d stdout %q", r.code, r.stdout)
		}
	})

	t.Run("exits 1 when the profile rejects the command", func(t *testing.T) {
		p := writeFile(t, "p.yaml", "apiVersion: shim.vllm-to-sglang.io/v1alpha1\nkind: SGLangProfile\nmetadata: {name: strict}\nspec:\n  image: x\n  args:\n    overrides:\n    - {flag: --seed, action: Reject}\n")
		r := runCLI(t, "", "translate", "--profile", p, "--", "vllm", "serve", "m", "--seed", "1")
		if r.code != exitFailure || r.stdout != "" || !strings.Contains(r.stderr, `error: profile "strict" rejects the command: --seed=1 rejected`) {
			t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("exits 1 on a vLLM command it cannot translate", func(t *testing.T) {
		r := runCLI(t, "", "translate", "--", "vllm", "serve", "m", "--headless")
		if r.code != exitFailure || !strings.Contains(r.stderr, "multi-node") {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
	})

	t.Run("exits 2 on a command that is not vLLM's server", func(t *testing.T) {
		r := runCLI(t, "", "translate", "--", "vllm", "bench", "serve")
		if r.code != exitBadInput || !strings.Contains(r.stderr, "error: not a vLLM server command") {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
	})

	t.Run("exits 2 without a command", func(t *testing.T) {
		if r := runCLI(t, "", "translate"); r.code != exitBadInput {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
	})
}

func TestVersionCommand(t *testing.T) {
	old := version
	version = "v1.2.3"
	t.Cleanup(func() { version = old })
	r := runCLI(t, "", "version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "vllm-to-sglang v1.2.3 (go") {
		t.Errorf("exit %d stdout %q", r.code, r.stdout)
	}
	if got := defaultProxyImage(); got != "ghcr.io/vllm-to-sglang/vllm-to-sglang:v1.2.3" {
		t.Errorf("default proxy image %q follows the version", got)
	}
}

func TestHelp(t *testing.T) {
	r := runCLI(t, "", "--help")
	for _, sub := range []string{"rewrite", "translate", "version"} {
		if !strings.Contains(r.stdout, sub) {
			t.Errorf("help lacks %s:\n%s", sub, r.stdout)
		}
	}
	if r.code != exitOK {
		t.Errorf("exit %d", r.code)
	}
}

func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// TestDocsExample keeps the example in docs/rewrite.md, and its warnings
// in the README, equal to what the command prints (the golden file);
// -update rewrites them.
func TestDocsExample(t *testing.T) {
	const path = "../../docs/rewrite.md"
	wantStderr, wantYAML := splitGolden(t, tp8+".golden.yaml")
	command := fmt.Sprintf("$ vllm-to-sglang rewrite -f test/testdata/%s.yaml\n", tp8)
	golden.Sections(t, path, map[string]string{
		"tp8-rewrite-warnings": "```console\n" + command + strings.Join(wantStderr, "\n") + "\n```\n",
		"tp8-rewrite-output":   "```yaml\n" + wantYAML + "```\n",
	})
	command = strings.TrimSuffix(command, "\n") + " > rewritten.yaml\n"
	golden.Sections(t, "../../README.md", map[string]string{
		"tp8-rewrite-warnings": "```console\n" + command + strings.Join(wantStderr, "\n") + "\n```\n",
	})
}
