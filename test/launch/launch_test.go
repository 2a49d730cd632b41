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

package launchtest

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// kserveMain is the KServe fixture's vLLM container, rewritten by the
// webhook's rewrite with the built-in profile.
func kserveMain(t *testing.T) corev1.Container {
	t.Helper()
	ds, err := framework.Deployments("../testdata/kserve-llminferenceservice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 {
		t.Fatalf("the fixture has %d Deployments, want 1", len(ds))
	}
	tpl := ds[0].Spec.Template
	report, err := rewrite.Rewrite(&tpl.ObjectMeta, &tpl.Spec, &profile.Default().Spec,
		rewrite.Options{ProfileName: "default", ProxyImage: framework.GoldenProxyImage})
	if err != nil || report.Outcome != rewrite.Rewritten {
		t.Fatalf("rewrite: %+v, %v", report, err)
	}
	return tpl.Spec.Containers[0]
}

// runScript runs the container's command as the kubelet would, with the
// launcher at launcher, python3 stubbed, and extra variables.
func runScript(t *testing.T, c corev1.Container, launcher string, extra ...string) (code int, log string, sglangArgv []string) {
	t.Helper()
	dir := t.TempDir()
	if err := framework.WritePythonStub(dir, ""); err != nil {
		t.Fatal(err)
	}
	argv, err := framework.LauncherCommand(append(slices.Clone(c.Command), c.Args...), launcher)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), argv[0], argv[1:]...)
	cmd.Env = []string{"PATH=" + dir + ":/usr/bin:/bin"}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			cmd.Env = append(cmd.Env, e.Name+"="+e.Value)
		}
	}
	cmd.Env = append(cmd.Env, extra...)
	var errOut bytes.Buffer // the container's log: stdout and stderr
	cmd.Stdout, cmd.Stderr = &errOut, &errOut
	err = cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatalf("running %s: %v", argv[0], err)
	}
	sglangArgv, _ = framework.StubbedArgv(dir) // nil when python3 never ran
	return code, errOut.String(), sglangArgv
}

func buildLauncher(t *testing.T) string {
	t.Helper()
	root, err := framework.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := framework.Build(context.Background(), root, dir, "./cmd/vllm-to-sglang"); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "vllm-to-sglang")
}

func TestTheKServeScriptStartsSGLangThroughTheLauncher(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	launcher, c := buildLauncher(t), kserveMain(t)

	t.Run("the script's own flags and $VLLM_ADDITIONAL_ARGS become a valid SGLang command line behind the proxy", func(t *testing.T) {
		code, stderr, got := runScript(t, c, launcher)
		if code != 0 || len(got) < 2 {
			t.Fatalf("exit %d, recorded %q\n%s", code, got, stderr)
		}
		if !slices.Equal(got[:2], []string{"-m", "sglang.launch_server"}) {
			t.Fatalf("python3 ran %q", got)
		}
		if err := sglang.Oldest().Validate(got[2:]); err != nil {
			t.Errorf("SGLang %s would refuse %q: %v", sglang.Oldest().Version(), got, err)
		}
		args := strings.Join(got, " ")
		for _, want := range []string{"--model-path /mnt/models", "--host 127.0.0.1 --port 8001", "--served-model-name Qwen/Qwen2.5-7B-Instruct",
			"--context-length 8192", "--tool-call-parser hermes", "--uvicorn-access-log-exclude-prefixes /health /metrics /ping"} {
			if !strings.Contains(args, want) {
				t.Errorf("SGLang's argv lacks %q:\n%s", want, args)
			}
		}
		for _, want := range []string{"[vllm-version] vllm version='0.29.0'", "Warning: --served-model-name=", "Warning: --shutdown-timeout=40 dropped"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("the log lacks %q:\n%s", want, stderr)
			}
		}
	})

	t.Run("a flag the profile refuses makes the script exit non-zero with the reason", func(t *testing.T) {
		code, stderr, got := runScript(t, c, launcher, "VLLM_ADDITIONAL_ARGS=--ssl-certfile /tls/tls.crt")
		if code == 0 || got != nil || !strings.Contains(stderr, "--ssl-certfile=/tls/tls.crt rejected") {
			t.Errorf("exit %d, SGLang ran with %q\n%s", code, got, stderr)
		}
	})
}
