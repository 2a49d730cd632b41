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
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The demo needs the control plane; make test-e2e runs these tests with
// make envtest done first.

func TestDemoShowsTheSGLangPodAndTheWebhooksWarningsThenCleansUp(t *testing.T) {
	var out bytes.Buffer
	var work string
	err := run(t.Context(), options{fixture: defaultFixture, out: &out, onWorkDir: func(dir string) { work = dir }})
	if err != nil {
		t.Fatalf("the demo failed: %v\noutput:\n%s", err, out.String())
	}
	// Lines a reader looks for, as the demo prints them.
	for what, line := range map[string]string{
		"the webhook's warning about the memory fraction": `Warning: container "vllm": --gpu-memory-utilization=0.9 approximated as --mem-fraction-static 0.88`,
		"vLLM's image leaving the pod":                    "-    image: vllm/vllm-openai:v0.10.1",
		"SGLang's image coming in":                        "+    image: lmsysorg/sglang:v0.5.9-rocm700-mi30x",
		"the NVIDIA GPUs becoming AMD ones":               `+        amd.com/gpu: "8"`,
		"the runtime class going":                         "-  runtimeClassName: nvidia",
		"the proxy container coming in":                   "+    name: sglang-proxy",
		"the SGLang command line":                         "  python3 -m sglang.launch_server \\",
		"SGLang's model flag":                             "    --model-path mistralai/Devstral-Small-2507 \\",
		"the proxy's command line":                        "  /proxy \\",
		"the proxy listening on vLLM's port":              "    --listen=:8000 \\",
	} {
		if !strings.Contains(out.String(), "\n"+line) {
			t.Errorf("the output does not show %s: no line %q", what, line)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out.String())
	}
	assertCleanedUp(t, work)
}

func TestAnInterruptedDemoStopsWhatItStartedAndRemovesItsFiles(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out bytes.Buffer
	var work string
	err := run(ctx, options{
		fixture: defaultFixture, out: &out, onWorkDir: func(dir string) { work = dir },
		// Interrupt once the webhook runs and the namespace is labelled.
		onStep: func(title string) {
			if strings.HasPrefix(title, "kubectl apply") {
				cancel()
			}
		},
	})
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("the interrupted demo returned %v, want the interruption\noutput:\n%s", err, out.String())
	}
	assertCleanedUp(t, work)
}

// assertCleanedUp checks that the demo's folder is gone and that no process
// runs from it (the webhook binary, kube-controller-manager's kubeconfig).
func assertCleanedUp(t *testing.T, work string) {
	t.Helper()
	if work == "" {
		t.Fatal("the demo never said where its files are")
	}
	if _, err := os.Stat(work); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the demo left %s behind (%v)", work, err)
	}
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, path := range cmdlines {
		data, err := os.ReadFile(path)
		if err == nil && bytes.Contains(data, []byte(work)) {
			t.Errorf("a process still runs from the demo's folder: %s", bytes.ReplaceAll(data, []byte{0}, []byte{' '}))
		}
	}
}

func TestCommandLinesAreQuotedOnlyWhereAShellNeedsIt(t *testing.T) {
	tests := map[string]struct {
		argv []string
		want string
	}{
		"flags and plain values stay as they are, one flag a line": {
			argv: []string{"/proxy", "--listen=:8000", "--upstream=http://127.0.0.1:8001"},
			want: "  /proxy \\\n    --listen=:8000 \\\n    --upstream=http://127.0.0.1:8001",
		},
		"a value with spaces or shell syntax is quoted": {
			argv: []string{"python3", "-m", "sglang.launch_server", "--chat-template", "{{ x }} $HOME", "--x", ""},
			want: "  python3 -m sglang.launch_server \\\n    --chat-template '{{ x }} $HOME' \\\n    --x ''",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := commandLine(tc.argv)
			if err != nil || got != tc.want {
				t.Errorf("commandLine(%q) = %q, %v\nwant %q", tc.argv, got, err, tc.want)
			}
		})
	}
}
