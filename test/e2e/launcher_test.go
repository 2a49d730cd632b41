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
	"fmt"
	"os"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
)

// startLaunchedSGLang runs a vllm container the webhook translated at
// start: its own command (a shell script whose vLLM commands run through
// `vllm-to-sglang launch`), in bash as the kubelet would start it, with
//
//   - the launcher built from ./cmd/vllm-to-sglang where the script names
//     the one the init container installs (rewrite.LauncherPath);
//   - python3 on PATH a stub standing in for SGLang's interpreter: it
//     records the argv the launcher execs (SGLang's, returned once the fake
//     has started), applies the port rule to it and execs the fake SGLang
//     with it.
//
// The port rule is applied there, not to the launcher's --port word in the
// script: the launcher reads --port 0 as "keep vLLM's port", so SGLang
// would get the script's --port 8000. Applied to the argv the launcher
// execs, it also shows that the launcher put SGLang on the pod's SGLang
// port (exactly once).
func startLaunchedSGLang(t *testing.T, _ *corev1.Container, argv, env []string, sglangPort int32) (*framework.Process, func() []string) {
	t.Helper()
	dir := t.TempDir()
	if err := framework.WritePythonStub(dir, pythonStub(suite.fakeBin, sglangPort)); err != nil {
		t.Fatal(err)
	}
	argv, err := framework.LauncherCommand(argv, suite.launcherBin)
	if err != nil {
		t.Fatalf("the status annotation says translated at start, but in the vllm container %v", err)
	}
	env = append(slices.Clone(env), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	p := start(t, argv[0], argv[1:], env)
	return p, func() []string {
		recorded, err := framework.StubbedArgv(dir)
		if err != nil {
			t.Fatalf("the launcher never ran python3: %v", err)
		}
		sglang := append([]string{"python3"}, recorded...)
		sglangPortRule(t, sglang, sglangPort) // the stub's change, checked here
		return sglang
	}
}

// pythonStub is python3 for startLaunchedSGLang, after it has recorded
// its arguments (framework.WritePythonStub): it turns SGLang's --port
// sglangPort into --port 0 and execs the fake SGLang, whose argv parsing
// skips "python3 -m sglang.launch_server" as it skips it for a vllm
// container run directly.
func pythonStub(fake string, sglangPort int32) string {
	return fmt.Sprintf(`prev=
for arg do
	shift
	if [ "$prev" = --port ] && [ "$arg" = %d ]; then arg=0; fi
	set -- "$@" "$arg"
	prev=$arg
done
exec %s python3 "$@"
`, sglangPort, framework.ShellQuote(fake))
}
