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
	"slices"
	"strings"
	"testing"
)

func TestShellScriptsAreRewrittenInPlace(t *testing.T) {
	tests := map[string]struct {
		command, args []string
		opts          Options
		wantScript    string
		scriptIndex   int // in command+args
	}{
		"replaces the vllm command of vLLM's documented sh -c example": {
			command: []string{"/bin/sh", "-c"},
			args:    []string{"vllm serve mistralai/Mistral-7B-Instruct-v0.3 --trust-remote-code --enable-chunked-prefill --max_num_batched_tokens 1024"},
			opts:    Options{Host: "127.0.0.1", Port: 8001},
			wantScript: "python3 -m sglang.launch_server --model-path mistralai/Mistral-7B-Instruct-v0.3 --trust-remote-code " +
				"--chunked-prefill-size 1024 --random-seed 0 --stream-interval 1 --host 127.0.0.1 --port 8001 --enable-metrics ",
			scriptIndex: 2,
		},
		"keeps the rest of the script, exec and redirections": {
			command: []string{"bash", "-ec", "pip install foo\nexec vllm serve \\\n  org/m --port 8000 2>&1 | tee /log # done\necho bye"},
			opts:    Options{Port: 8001},
			wantScript: "pip install foo\nexec python3 -m sglang.launch_server --model-path org/m --random-seed 0 --stream-interval 1 " +
				"--host 0.0.0.0 --port 8001 --enable-metrics ",
			scriptIndex: 2,
		},
		"keeps shell expansions as written and quotes literal values": {
			command: []string{"sh", "-c", `vllm serve "$MODEL" --api-key "${KEY}" --served-model-name 'my model' --chat-template /t/a.jinja`},
			wantScript: `python3 -m sglang.launch_server --model-path "$MODEL" --api-key "${KEY}" --served-model-name 'my model' ` +
				"--chat-template /t/a.jinja --random-seed 0",
			scriptIndex: 2,
		},
		"refers to VLLM_API_KEY through the shell": {
			command:     []string{"sh", "-c", "vllm serve m"},
			opts:        Options{EnvNames: []string{"VLLM_API_KEY"}},
			wantScript:  `--api-key "${VLLM_API_KEY}" --host`,
			scriptIndex: 2,
		},
		"rewrites a script that sits in args after sh -c in args": {
			command:     []string{"sh"},
			args:        []string{"-c", "vllm serve m -tp $TP"},
			wantScript:  "python3 -m sglang.launch_server --model-path m --tp-size $TP ",
			scriptIndex: 2,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			inv, reason := Detect(tc.command, tc.args, "")
			if reason != NotSkipped {
				t.Fatalf("Detect: %s (%s)", reason, detailOf(inv))
			}
			res, err := Translate(inv, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			orig := slices.Concat(tc.command, tc.args)
			got := slices.Concat(res.Command, res.Args)
			if len(got) != len(orig) || len(res.Command) != len(tc.command) {
				t.Fatalf("command %q args %q: shape changed from %q %q", res.Command, res.Args, tc.command, tc.args)
			}
			for i := range orig {
				if i != tc.scriptIndex && got[i] != orig[i] {
					t.Errorf("word %d changed: %q → %q", i, orig[i], got[i])
				}
			}
			script := got[tc.scriptIndex]
			if !strings.Contains(script, tc.wantScript) {
				t.Errorf("script\n%s\nlacks\n%s", script, tc.wantScript)
			}
			checkScriptKeepsTheRest(t, orig[tc.scriptIndex], script)
			if _, reason := Detect(res.Command, res.Args, ""); reason != SkipNotVLLM {
				t.Errorf("the rewritten script still looks like vLLM: %s", reason)
			}
		})
	}
}

// checkScriptKeepsTheRest compares what surrounds the vLLM command.
func checkScriptKeepsTheRest(t *testing.T, before, after string) {
	t.Helper()
	i := strings.Index(before, "vllm serve")
	j := strings.Index(after, "python3 -m sglang.launch_server")
	if i < 0 || j < 0 || before[:i] != after[:j] {
		t.Errorf("the script's start changed: %q → %q", before, after)
	}
}

func TestShellScriptWordsAreParsedLikeTheShell(t *testing.T) {
	inv, reason := Detect([]string{"sh", "-c", `vllm serve 'org/m' --max_model_len="4k" --port 80\00`}, nil, "")
	if reason != NotSkipped {
		t.Fatalf("%s", reason)
	}
	if inv.Model != "org/m" {
		t.Errorf("model %q", inv.Model)
	}
	if a, _ := inv.Flag("--max-model-len"); a.Value() != "4k" || a.Opaque {
		t.Errorf("--max-model-len %+v", a)
	}
	if a, _ := inv.Flag("--port"); a.Value() != "8000" {
		t.Errorf("--port %+v", a)
	}
}

func TestBraceExpansionsAreNotExpanded(t *testing.T) {
	inv, reason := Detect([]string{"bash", "-c", "vllm serve m --served-model-name {1..999999999}"}, nil, "")
	if reason != NotSkipped {
		t.Fatalf("%s", reason)
	}
	if a, _ := inv.Flag("--served-model-name"); !a.Opaque || a.Value() != "{1..999999999}" {
		t.Fatalf("%+v", a)
	}
}

func TestValuesTheShellCannotQuoteAreTranslatedAtStart(t *testing.T) {
	inv, reason := Detect([]string{"sh", "-c", "vllm serve \x0f --port 8000"}, nil, "")
	if reason != TranslateAtStart || !strings.Contains(detailOf(inv), "cannot be quoted") {
		t.Fatalf("reason %s detail %q", reason, detailOf(inv))
	}
}
