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

package framework

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// A container translated at start runs `vllm-to-sglang launch`, which
// execs python3 -m sglang.launch_server. To run such a container's command
// on this machine, LauncherCommand points it at a launcher built here and
// WritePythonStub puts a python3 on PATH that records what it was given.

// LauncherCommand returns command with launcher wherever it names
// rewrite.LauncherPath (where the init container installs the launcher);
// an error when it never does.
func LauncherCommand(command []string, launcher string) ([]string, error) {
	out, routed := slices.Clone(command), 0
	for i := range out {
		routed += strings.Count(out[i], rewrite.LauncherPath)
		out[i] = strings.ReplaceAll(out[i], rewrite.LauncherPath, launcher)
	}
	if routed == 0 {
		return nil, fmt.Errorf("the command never runs %s: %q", rewrite.LauncherPath, command)
	}
	return out, nil
}

// WritePythonStub writes python3 into dir (put dir first on PATH): a shell
// script that records its arguments, for StubbedArgv, and then runs then
// (shell code; "" exits 0).
func WritePythonStub(dir, then string) error {
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + ShellQuote(stubRecord(dir)) + "\n" + then
	return os.WriteFile(filepath.Join(dir, "python3"), []byte(script), 0o755)
}

// StubbedArgv returns the arguments the python3 of WritePythonStub in dir
// was last run with; an error when it never ran.
func StubbedArgv(dir string) ([]string, error) {
	data, err := os.ReadFile(stubRecord(dir))
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"), nil
}

// stubRecord is the file the python3 stub in dir records its arguments in,
// one a line.
func stubRecord(dir string) string { return filepath.Join(dir, "python3-argv") }

// ShellQuote quotes s as one word for sh.
func ShellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
