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
	"errors"
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// FuzzTranslate feeds arbitrary argv to Detect and Translate: they never
// panic, and whatever Translate emits is an argv the argparse of every
// supported SGLang release accepts (every flag exists there, with the
// values it takes). The seed corpus (the
// fixtures' commands and a few tricky lines) runs with plain `go test`.
// Words are separated by NUL bytes.
func FuzzTranslate(f *testing.F) {
	for _, argv := range fixtureArgvs(f) {
		f.Add(strings.Join(argv, "\x00"), "", false)
		f.Add(strings.Join(argv[min(2, len(argv)):], "\x00"), "vllm/vllm-openai:latest", true)
	}
	for _, line := range []string{
		"vllm serve m -tp 8 -O3 -O.mode=3 --hf-overrides.rope_scaling.factor 4 --max_model_len=1K",
		"vllm serve m --speculative-config.method ngram --speculative-config.prompt_lookup_max+ 1,2",
		"vllm serve m --no-enable-chunked-prefill --max-num-batched-tokens 25.6k --served-model-name a b c",
		"vllm serve m --api-key $(K) --port $(PORT) --tensor-parallel-size $(TP) --tool-call-parser $(P)",
		"python3 -m vllm.entrypoints.openai.api_server --model m --lora-modules {\"name\":1} x=y -qfp8",
		"vllm serve m --tp-size --schedule-policy bogus --context-bucket -- --x",
		"vllm serve m -ep -tp",
	} {
		f.Add(strings.ReplaceAll(line, " ", "\x00"), "", false)
	}
	f.Fuzz(func(t *testing.T, words, image string, reject bool) {
		argv := strings.Split(words, "\x00")
		opts := Options{Host: "127.0.0.1", Port: 8001, EnvNames: []string{"VLLM_API_KEY"}}
		if reject {
			opts.Policy.RejectUnsafe = true
		}
		for _, release := range sglang.Releases() {
			opts.Release = release
			if image != "" {
				checkTranslates(t, nil, argv, image, opts)
				continue
			}
			checkTranslates(t, argv, nil, image, opts)
		}
	})
}

func checkTranslates(t *testing.T, command, args []string, image string, opts Options) {
	inv, reason := Detect(command, args, image)
	if inv == nil || inv.Form == "" || inv.Shell && reason != NotSkipped {
		return // callers do not translate scripts Detect refused
	}
	res, err := Translate(inv, opts)
	if reason == SkipNoModel && errors.Is(err, ErrNoModel) {
		return
	}
	if err != nil {
		t.Fatalf("Translate(%q, %q) (%s): %v", command, args, reason, err)
	}
	if inv.Shell {
		return // FuzzDetectShell covers scripts
	}
	if err := opts.catalog().Validate(res.SGLangArgs); err != nil {
		t.Fatalf("Translate(%q, %q) emitted %q: %v", command, args, res.SGLangArgs, err)
	}
}

// FuzzDetectShell feeds arbitrary scripts to `sh -c`: Detect and Translate
// never panic, and a rewritten script still parses.
func FuzzDetectShell(f *testing.F) {
	for _, s := range []string{
		"vllm serve mistralai/Mistral-7B-Instruct-v0.3 --trust-remote-code --enable-chunked-prefill --max_num_batched_tokens 1024",
		"set -e; pip install x && exec vllm serve \"$MODEL\" --port 8000 --api-key \"$KEY\" 2>&1 | tee log",
		"vllm serve m $ARGS", "ray start --head && vllm serve m -tp 8", "vllm serve a & vllm serve b",
		"python3 -m vllm.entrypoints.openai.api_server --model 'a b' --served-model-name=$(NAME)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		inv, reason := Detect([]string{"/bin/bash", "-c", script}, nil, "")
		if reason != NotSkipped {
			return
		}
		res, err := Translate(inv, Options{EnvNames: []string{"VLLM_API_KEY"}})
		if err != nil {
			return // a value the shell cannot quote
		}
		if _, reason := Detect(res.Command, res.Args, ""); reason == SkipShellUnsafe && strings.Contains(detailOf(inv), "parse") {
			t.Fatalf("rewritten script does not parse: %q", res.Command[2])
		}
	})
}
