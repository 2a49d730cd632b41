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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/check"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs the built vllm-to-sglang binary with a clean environment
// plus env.
func runCLI(t *testing.T, env []string, args ...string) cliResult {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), suite.cliBin, args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin"}, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running %s: %v", suite.cliBin, err)
	}
	return cliResult{code, out.String(), errOut.String()}
}

func TestTheCommand(t *testing.T) {
	kubeconfig := suite.cp.Kubeconfig
	t.Run("a healthy cluster: every group, every check passed, exit 0", func(t *testing.T) {
		r := runCLI(t, nil, "check", "--kubeconfig", kubeconfig)
		if r.code != 0 {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		for _, want := range []string{"Kubernetes API", "SGLangProfiles", "Admission webhook", "Namespaces and workloads", "GPU nodes",
			"✓ the webhook rewrote a sample vLLM pod", "Status: ready (14 passed)"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
			}
		}
		if strings.Contains(r.stdout, "✗") || r.stderr != "" {
			t.Errorf("a failure or stderr output on a healthy cluster:\n%s\nstderr:\n%s", r.stdout, r.stderr)
		}
	})
	t.Run("KUBECONFIG works like --kubeconfig, and -o json is the report", func(t *testing.T) {
		r := runCLI(t, []string{"KUBECONFIG=" + kubeconfig}, "check", "-o", "json")
		if r.code != 0 {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		var report check.Report
		if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, r.stdout)
		}
		if !report.Success || report.Summary.Passed != len(healthyResults) || len(report.Checks) != len(healthyResults) {
			t.Errorf("report success %v, summary %+v, %d checks", report.Success, report.Summary, len(report.Checks))
		}
	})
	t.Run("--namespace of a namespace that is not opted in warns and exits 0", func(t *testing.T) {
		r := runCLI(t, nil, "check", "--kubeconfig", kubeconfig, "-n", "default")
		if r.code != 0 || !strings.Contains(r.stdout, "⚠ namespace default is not opted in") {
			t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("a failed check exits 1, and the JSON names it", func(t *testing.T) {
		setImage(t.Context(), t, "lmsysorg/sglang:latest")
		// t.Context() is cancelled when cleanups run.
		t.Cleanup(func() { setImage(context.WithoutCancel(t.Context()), t, profile.Default().Spec.Image) })
		r := runCLI(t, nil, "check", "--kubeconfig", kubeconfig, "-o", "json")
		if r.code != 1 {
			t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		var report check.Report
		if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, r.stdout)
		}
		var failed []check.ID
		for _, c := range report.Checks {
			if c.Status == check.Failed {
				failed = append(failed, c.Check)
			}
		}
		if report.Success || len(failed) != 1 || failed[0] != check.CheckProfileImage {
			t.Errorf("success %v, failed %v; want only %s", report.Success, failed, check.CheckProfileImage)
		}
	})
	t.Run("an unreachable API server fails the first check and exits 1", func(t *testing.T) {
		r := runCLI(t, nil, "check", "--kubeconfig", kubeconfig, "--server", "https://127.0.0.1:1", "--insecure-skip-tls-verify")
		if r.code != 1 || !strings.Contains(r.stdout, "✗ cannot reach the API server https://127.0.0.1:1") {
			t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
	})
}
