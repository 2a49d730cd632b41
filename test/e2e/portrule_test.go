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

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
)

func TestPortRuleChangesOnlyThePodsPorts(t *testing.T) {
	tests := map[string]struct {
		argv, want []string
		changed    []int
		sglangRule bool // localSGLangArgv, else localProxyArgv
	}{
		"SGLang's --port becomes 0 and nothing else changes": {
			argv:       []string{"python3", "-m", "sglang.launch_server", "--model-path", "m", "--host", "127.0.0.1", "--port", "8001", "--cuda-graph-max-bs", "8001"},
			want:       []string{"python3", "-m", "sglang.launch_server", "--model-path", "m", "--host", "127.0.0.1", "--port", "0", "--cuda-graph-max-bs", "8001"},
			changed:    []int{8},
			sglangRule: true,
		},
		"a --port naming another port is left alone": {
			argv:       []string{"python3", "-m", "sglang.launch_server", "--port", "9000"},
			want:       []string{"python3", "-m", "sglang.launch_server", "--port", "9000"},
			sglangRule: true,
		},
		"the proxy listens on 0 and forwards to the fake's port; other flags stay": {
			argv:    []string{"--listen=:8000", "--upstream=http://127.0.0.1:8001", "--health-path=/health", "--allow-path=/x:8000"},
			want:    []string{"--listen=:0", "--upstream=http://127.0.0.1:43210", "--health-path=/health", "--allow-path=/x:8000"},
			changed: []int{0, 1},
		},
		"a listen host is kept": {
			argv:    []string{"--listen=0.0.0.0:8000", "--upstream=http://127.0.0.1:8001"},
			want:    []string{"--listen=0.0.0.0:0", "--upstream=http://127.0.0.1:43210"},
			changed: []int{0, 1},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got []string
			var changed []int
			if tc.sglangRule {
				got, changed = localSGLangArgv(tc.argv, 8001)
			} else {
				got, changed = localProxyArgv(tc.argv, 8000, 8001, "43210")
			}
			if !slices.Equal(got, tc.want) || !slices.Equal(changed, tc.changed) {
				t.Errorf("got %q changed %v, want %q changed %v", got, changed, tc.want, tc.changed)
			}
		})
	}
}

func TestExpandFollowsTheKubeletsRules(t *testing.T) {
	vars := map[string]string{"PORT": "8000", "KEY": "secret"}
	tests := map[string]struct{ in, want string }{
		"a defined variable is replaced":          {"--port=$(PORT)", "--port=8000"},
		"several in one string":                   {"$(KEY):$(PORT)", "secret:8000"},
		"an undefined variable stays as written":  {"$(NOPE)", "$(NOPE)"},
		"$$ escapes a reference":                  {"$$(PORT)", "$(PORT)"},
		"a lone $ or an unclosed reference stays": {"a$b $(PORT", "a$b $(PORT"},
		"shell syntax is not Kubernetes syntax":   {"${PORT}", "${PORT}"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := expand(tc.in, vars); got != tc.want {
				t.Errorf("expand(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestPythonStubAppliesThePortRule pins the python3 stub of a pod
// translated at start: it records the argv the launcher execs, changes
// SGLang's --port S into 0 and nothing else, and execs the fake with it.
func TestPythonStubAppliesThePortRule(t *testing.T) {
	dir := t.TempDir()
	stub, fake := filepath.Join(dir, "python3"), filepath.Join(dir, "fake it")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := framework.WritePythonStub(dir, pythonStub(fake, 8001)); err != nil {
		t.Fatal(err)
	}
	argv := []string{"-m", "sglang.launch_server", "--model-path", "a b", "--port", "8001", "--cuda-graph-max-bs", "8001", "--port", "9000"}
	out, err := exec.CommandContext(t.Context(), stub, argv...).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"python3", "-m", "sglang.launch_server", "--model-path", "a b", "--port", "0", "--cuda-graph-max-bs", "8001", "--port", "9000"}
	if got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("the fake ran with %q, want %q", got, want)
	}
	recorded, err := framework.StubbedArgv(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recorded, argv) {
		t.Errorf("recorded %q, want the launcher's argv %q", recorded, argv)
	}
}
