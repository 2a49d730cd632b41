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
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// launched is what launch handed to exec, and the termination message.
type launched struct {
	result
	path, termination string
	argv, env         []string
}

// runLaunch runs `vllm-to-sglang launch` with env as the process's
// environment, a python3 on PATH, a termination message file, and exec
// recorded instead of done.
func runLaunch(t *testing.T, env []string, args ...string) launched {
	t.Helper()
	bin, term := t.TempDir(), filepath.Join(t.TempDir(), "termination-log")
	for path, data := range map[string]string{filepath.Join(bin, "python3"): "#!/bin/sh\n", term: ""} {
		if err := os.WriteFile(path, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	var l launched
	oldExec, oldEnviron := launchExec, launchEnviron
	t.Cleanup(func() { launchExec, launchEnviron = oldExec, oldEnviron })
	launchExec = func(path string, argv, env []string) error {
		l.path, l.argv, l.env = path, argv, env
		return nil
	}
	launchEnviron = func() []string { return env }
	l.result = runCLI(t, "", append([]string{"launch", "--termination-message-path", term}, args...)...)
	data, err := os.ReadFile(term)
	if err != nil {
		t.Fatal(err)
	}
	l.termination = string(data)
	return l
}

func TestLaunchCommand(t *testing.T) {
	t.Run("answers vllm --version with the vLLM release the table matches", func(t *testing.T) {
		l := runLaunch(t, nil, "--", "vllm", "--version")
		if l.code != exitOK || l.stdout != argv.VLLMVersion+"\n" || l.argv != nil {
			t.Errorf("exit %d stdout %q exec %q", l.code, l.stdout, l.argv)
		}
	})

	t.Run("execs SGLang on the given address, with the environment, and leaves a summary", func(t *testing.T) {
		env := []string{"HOME=/home", "VLLM_API_KEY=k"}
		l := runLaunch(t, env, "--host", "127.0.0.1", "--port", "8001", "--",
			"vllm", "serve", "org/m", "--port", "8000", "--max-model-len", "8192", "--gpu-memory-utilization", "0.9")
		if l.code != exitOK {
			t.Fatalf("exit %d: %s", l.code, l.stderr)
		}
		if filepath.Base(l.path) != "python3" || !slices.Equal(l.argv[:3], []string{"python3", "-m", "sglang.launch_server"}) || !slices.Equal(l.env, env) {
			t.Fatalf("exec %q %q env %q", l.path, l.argv, l.env)
		}
		if err := sglang.Oldest().Validate(l.argv[3:]); err != nil {
			t.Errorf("SGLang would refuse %q: %v", l.argv, err)
		}
		args := strings.Join(l.argv, " ")
		for _, want := range []string{"--host 127.0.0.1 --port 8001", "--context-length 8192", "--api-key k", "--mem-fraction-static"} {
			if !strings.Contains(args, want) {
				t.Errorf("argv %q lacks %q", args, want)
			}
		}
		if !strings.Contains(l.stderr, "Warning: --gpu-memory-utilization=0.9 approximated") || !strings.Contains(l.stderr, "exec python3 -m sglang.launch_server") {
			t.Errorf("stderr %q", l.stderr)
		}
		if !strings.HasPrefix(l.termination, "vllm-to-sglang launch: started SGLang 0.5.9 (image tag) (if it exited, its own error is in kubectl logs --previous); 1 warnings") {
			t.Errorf("termination message %q", l.termination)
		}
	})

	t.Run("translates with the profile the webhook put in the environment", func(t *testing.T) {
		doc := `{"apiVersion":"shim.vllm-to-sglang.io/v1alpha1","kind":"SGLangProfile","metadata":{"name":"newest"},` +
			`"spec":{"image":"lmsysorg/sglang:v` + sglang.Newest().Version().String() + `-rocm10-mi30x","args":{"extra":["--enable-torch-compile"]}}}`
		l := runLaunch(t, []string{rewrite.EnvProfile + "=" + doc}, "--", "vllm", "serve", "m", "-dcp", "2")
		if l.code != exitOK || !slices.Contains(l.argv, "--dcp-size") || !slices.Contains(l.argv, "--enable-torch-compile") {
			t.Errorf("exit %d argv %q stderr %q", l.code, l.argv, l.stderr)
		}
	})

	t.Run("prints the translation as JSON with --dry-run and execs nothing", func(t *testing.T) {
		l := runLaunch(t, nil, "--dry-run", "--port", "8001", "--", "python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "m", "-dcp", "2")
		var out translation
		if err := json.Unmarshal([]byte(l.stdout), &out); err != nil || l.code != exitOK || l.argv != nil {
			t.Fatalf("exit %d, %v, exec %q: %s", l.code, err, l.argv, l.stdout)
		}
		if !slices.Contains(out.Argv, "8001") || !slices.Contains(out.Dropped, "--decode-context-parallel-size") {
			t.Errorf("json %+v", out)
		}
	})

	for name, tc := range map[string]struct {
		argv []string
		want string
	}{
		"refuses a flag the profile rejects, in the log and the termination message": {
			argv: []string{"vllm", "serve", "m", "--ssl-certfile", "/tls/crt"}, want: "--ssl-certfile=/tls/crt rejected"},
		"refuses a multi-node command": {
			argv: []string{"vllm", "serve", "m", "--headless"}, want: "multi-node"},
		"refuses a vLLM command other than the server": {
			argv: []string{"vllm", "bench", "serve"}, want: "runs a vLLM command other than the OpenAI server"},
	} {
		t.Run(name, func(t *testing.T) {
			l := runLaunch(t, nil, append([]string{"--"}, tc.argv...)...)
			if l.code != exitFailure || l.argv != nil || !strings.Contains(l.stderr, tc.want) {
				t.Errorf("exit %d exec %q stderr %q", l.code, l.argv, l.stderr)
			}
			if !strings.HasPrefix(l.termination, "vllm-to-sglang launch refused the vLLM command: ") || !strings.Contains(l.termination, tc.want) {
				t.Errorf("termination message %q", l.termination)
			}
		})
	}

	t.Run("installs itself into a folder, executable", func(t *testing.T) {
		dir := t.TempDir()
		if r := runCLI(t, "", "launch", "--install", dir); r.code != exitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		fi, err := os.Stat(filepath.Join(dir, filepath.Base(rewrite.LauncherPath)))
		if err != nil || fi.Mode().Perm() != 0o755 || fi.Size() == 0 {
			t.Errorf("installed %v, %v", fi, err)
		}
	})
}
