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

package argv

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/internal/golden"
)

var testLauncher = []string{"/opt/vllm-to-sglang/vllm-to-sglang", "launch", "--host", "127.0.0.1", "--port", "8001", "--"}

// routeCases are scripts whose vLLM command is only known when they run.
var routeCases = []struct {
	name   string
	argv   []string
	routed int // vLLM commands routed through the launcher
	port   int32
}{
	{"flags from a variable", []string{"sh", "-c", "vllm serve org/m --port 8000 $VLLM_ADDITIONAL_ARGS"}, 1, 8000},
	{"arguments from \"$@\" after exec", []string{"/bin/sh", "-c", `exec vllm serve org/m "$@"`, "--", "--port", "9000"}, 1, 0},
	{"an && chain", []string{"bash", "-c", "pip install x && python3 -m vllm.entrypoints.openai.api_server --model $MODEL --port=8080 $EXTRA"}, 1, 8080},
	{"the command inside eval, with quotes closed and reopened", []string{"/bin/bash", "-c",
		"V=$(vllm --version 2>/dev/null | tail -1)\neval \"exec vllm serve /mnt/models \\\n  --served-model-name \"Qwen/Q\" \"pub/Q\" \\\n  --port 8000 \\\n  ${ARGS} \\\n  $@\"", "--"}, 2, 8000},
	{"eval with single quotes", []string{"bash", "-c", "eval 'vllm serve m' \"$EXTRA\""}, 1, 0},
	{"a function", []string{"bash", "-c", "run() { nohup vllm serve \"$1\" \"${@:2}\"; }\nrun m --port 8000"}, 1, 0},
	{"two servers in branches", []string{"sh", "-c", "if [ -n \"$BIG\" ]; then exec vllm serve big -tp 8 $A; else exec env X=1 vllm serve small $A; fi"}, 2, 0},
	{"a vLLM binary named by path, and a pipe", []string{"sh", "-c", "/usr/local/bin/vllm serve m $ARGS 2>&1 | tee /tmp/log"}, 1, 0},
}

func TestScriptsTranslatedAtStartRouteEveryVLLMCommandThroughTheLauncher(t *testing.T) {
	var b strings.Builder
	for _, tc := range routeCases {
		t.Run(tc.name, func(t *testing.T) {
			inv, reason := Detect(tc.argv, nil, "")
			if reason != TranslateAtStart {
				t.Fatalf("reason %s (%s), want %s", reason, detailOf(inv), TranslateAtStart)
			}
			command, args, err := inv.Route(testLauncher)
			if err != nil {
				t.Fatal(err)
			}
			routed := strings.Join(append(command, args...), "\x00")
			prefix := strings.Join(testLauncher, " ") + " "
			if n := strings.Count(routed, prefix); n != tc.routed {
				t.Errorf("%d commands routed, want %d:\n%s", n, tc.routed, routed)
			}
			if back := strings.ReplaceAll(routed, prefix, ""); back != strings.Join(tc.argv, "\x00") {
				t.Errorf("the script changed beyond the launcher's words:\n%q\n%q", back, strings.Join(tc.argv, "\x00"))
			}
			if port, ok := inv.LiteralPort(); port != tc.port || ok != (tc.port != 0) {
				t.Errorf("literal port %d (%v), want %d", port, ok, tc.port)
			}
			fmt.Fprintf(&b, "## %s (%s)\n", tc.name, detailOf(inv))
			for _, w := range append(command, args...) {
				fmt.Fprintf(&b, "%s\n", w)
			}
			b.WriteString("\n")
		})
	}
	golden.File(t, filepath.Join("testdata", "route.golden"), []byte(b.String()))
}

func TestRouteRefusesLauncherWordsThatNeedQuoting(t *testing.T) {
	inv, _ := Detect([]string{"sh", "-c", "vllm serve m $A"}, nil, "")
	if _, _, err := inv.Route([]string{"/opt/my dir/launch", "--"}); err == nil {
		t.Error("a launcher word with a space was inserted unquoted")
	}
}

func TestFixturesTranslatedAtStartRouteTheirVersionQueryAndServer(t *testing.T) {
	found := false
	for _, c := range loadFixtureContainers(t) {
		inv, reason := Detect(c.command, c.args, c.image)
		if reason != TranslateAtStart || c.kind != "Deployment" { // what pods run, not the stacks' templates
			continue
		}
		found = true
		command, args, err := inv.Route(testLauncher)
		if err != nil {
			t.Fatalf("%s: %v", c.kindID(), err)
		}
		routed, prefix := strings.Join(append(command, args...), "\x00"), strings.Join(testLauncher, " ")+" "
		if n := strings.Count(routed, prefix+"vllm "); n != 2 {
			t.Errorf("%s: %d vLLM commands routed, want vllm --version and vllm serve:\n%s", c.kindID(), n, routed)
		}
		if strings.ReplaceAll(routed, prefix, "") != strings.Join(append(c.command, c.args...), "\x00") {
			t.Errorf("%s: the script changed beyond the launcher's words", c.kindID())
		}
	}
	if !found {
		t.Fatal("no fixture is translated at start")
	}
}
