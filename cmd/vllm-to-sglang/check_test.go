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
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// The check against a real API server is tested in test/check; these
// tests cover the command line.
func TestCheckCommand(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-kubeconfig")
	tests := map[string]struct {
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		"an unknown output format is bad usage": {
			args: []string{"check", "-o", "wide"}, wantCode: exitBadInput, wantStderr: `unsupported output format "wide": use one of text, json, yaml`,
		},
		"a kubeconfig that cannot be read fails the API-server check with a hint": {
			args: []string{"check", "--kubeconfig", missing}, wantCode: exitFailure,
			wantStdout: "✗ cannot reach the API server",
		},
		"arguments are bad usage": {
			args: []string{"check", "extra"}, wantCode: exitBadInput, wantStderr: "unknown command",
		},
		"kubectl's connection flags are accepted": {
			args: []string{"check", "--kubeconfig", missing, "--context", "prod", "-n", "team-a", "--request-timeout", "5s"}, wantCode: exitFailure,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", missing)
			r := runCLI(t, "", tc.args...)
			if r.code != tc.wantCode {
				t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.wantCode, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tc.wantStdout) || !strings.Contains(r.stderr, tc.wantStderr) {
				t.Errorf("stdout:\n%s\nstderr:\n%s\nwant %q in stdout and %q in stderr", r.stdout, r.stderr, tc.wantStdout, tc.wantStderr)
			}
		})
	}
}

func TestCheckJSONOnFailure(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-kubeconfig")
	r := runCLI(t, "", "check", "--kubeconfig", missing, "-o", "json")
	if r.code != exitFailure {
		t.Fatalf("exit code %d, want %d", r.code, exitFailure)
	}
	var doc struct {
		Success bool `json:"success"`
		Checks  []struct {
			Check, Status, Hint string
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if doc.Success || len(doc.Checks) != 1 || doc.Checks[0].Check != "api-server" || doc.Checks[0].Status != "failed" || doc.Checks[0].Hint == "" {
		t.Errorf("report %+v; want one failed api-server check with a hint", doc)
	}
}
