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

func TestCatalogHoldsEveryRowOfTheSGLangTable(t *testing.T) {
	rows := strings.Count(strings.TrimSpace(sglangFlagsTSV), "\n") // minus the header
	if got := len(SGLangFlags()); got != rows {
		t.Fatalf("catalog has %d flags, data/sglang-flags.tsv %d rows", got, rows)
	}
}

func TestSGLangFlag(t *testing.T) {
	tests := map[string]struct {
		name       string
		found      bool
		canonical  string
		takesValue bool
		nargs      string
		choices    []string // a few that must be accepted
		refused    string   // a value that must be refused
	}{
		"finds a flag by its canonical name": {
			name: "--tp-size", found: true, canonical: "--tp-size", takesValue: true},
		"finds a flag by its alias": {
			name: "--tensor-parallel-size", found: true, canonical: "--tp-size", takesValue: true},
		"finds --model as an alias of --model-path": {
			name: "--model", found: true, canonical: "--model-path", takesValue: true},
		"knows a store_true switch takes no value": {
			name: "--enable-metrics", found: true, canonical: "--enable-metrics"},
		"finds --no-X of a BooleanOptionalAction flag": {
			name: "--no-lora-strict-loading", found: true, canonical: "--lora-strict-loading"},
		"does not invent --no-X for a store_true switch": {
			name: "--no-trust-remote-code"},
		"knows nargs of a list flag": {
			name: "--bucket-time-to-first-token", found: true, canonical: "--bucket-time-to-first-token", takesValue: true, nargs: "+"},
		"reads literal choices": {
			name: "--kv-cache-dtype", found: true, canonical: "--kv-cache-dtype", takesValue: true,
			choices: []string{"auto", "fp8_e4m3", "bfloat16"}, refused: "fp8"},
		"expands a named choice list": {
			name: "--quantization", found: true, canonical: "--quantization", takesValue: true,
			choices: []string{"awq", "fp8", "quark"}, refused: "fbgemm_fp8"},
		"expands auto plus the tool parser names": {
			name: "--tool-call-parser", found: true, canonical: "--tool-call-parser", takesValue: true,
			choices: []string{"auto", "mistral", "hermes", "llama3"}, refused: "llama3_json"},
		"keeps upper-case literal choices": {
			name: "--speculative-ngram-match-type", found: true, canonical: "--speculative-ngram-match-type", takesValue: true,
			choices: []string{"BFS", "PROB"}, refused: "bfs"},
		"does not know vLLM's names": {
			name: "--max-model-len"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			spec, ok := SGLangFlag(tc.name)
			if ok != tc.found {
				t.Fatalf("SGLangFlag(%q) found=%v, want %v", tc.name, ok, tc.found)
			}
			if !ok {
				return
			}
			if spec.Name != tc.canonical || spec.TakesValue != tc.takesValue || spec.Nargs != tc.nargs {
				t.Errorf("got %+v", spec)
			}
			for _, c := range tc.choices {
				if !spec.Accepts(c) {
					t.Errorf("%s refuses %q", spec.Name, c)
				}
			}
			if tc.refused != "" && spec.Accepts(tc.refused) {
				t.Errorf("%s accepts %q", spec.Name, tc.refused)
			}
		})
	}
}

func TestCatalogChoiceListsAreKnownWhereTheTableNamesThem(t *testing.T) {
	for _, name := range []string{"--load-format", "--quantization", "--attention-backend", "--moe-runner-backend",
		"--reasoning-parser", "--tool-call-parser", "--fp8-gemm-backend", "--linear-attn-backend"} {
		spec, _ := SGLangFlag(name)
		if len(spec.Choices) == 0 || slices.ContainsFunc(spec.Choices, isSymbolic) {
			t.Errorf("%s: choices %v", name, spec.Choices)
		}
	}
}

func TestValidateSGLangArgs(t *testing.T) {
	tests := map[string]struct {
		args    []string
		wantErr string
	}{
		"accepts flags, aliases, switches and lists": {
			args: []string{"--model-path", "m", "--tensor-parallel-size", "8", "--enable-metrics",
				"--bucket-e2e-request-latency", "0.3", "1", "--chunked-prefill-size=-1"}},
		"accepts a $(VAR) reference whatever the choices": {
			args: []string{"--kv-cache-dtype", "$(DTYPE)"}},
		"refuses an unknown flag": {
			args: []string{"--max-model-len", "4096"}, wantErr: "unrecognized argument --max-model-len"},
		"refuses a stray value": {
			args: []string{"--enable-metrics", "yes"}, wantErr: `unrecognized argument "yes"`},
		"refuses a missing value": {
			args: []string{"--tp-size"}, wantErr: "expected a value"},
		"refuses a value outside the choices": {
			args: []string{"--kv-cache-dtype", "fp8"}, wantErr: `invalid choice "fp8"`},
		"refuses a value given to a switch": {
			args: []string{"--enable-metrics=true"}, wantErr: "ignored explicit argument"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := ValidateSGLangArgs(tc.args)
			if tc.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestNegativeNumbersAreValuesLikeInArgparse(t *testing.T) {
	for s, want := range map[string]bool{"-1": true, "-10": true, "-.5": true, "-1.5": true, "-": false,
		"-1.": false, "-x": false, "--1": false, "-1.2.3": false, "-.": false} {
		if got := len(s) > 1 && isNegativeNumber(s); got != want {
			t.Errorf("isNegativeNumber(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestTokenBucketsFollowVLLMsOneTwoFiveSeries(t *testing.T) {
	tests := map[int64][]string{
		1:      {"custom", "1"},
		4096:   {"custom", "1", "2", "5", "10", "20", "50", "100", "200", "500", "1000", "2000"},
		131072: {"custom", "1", "2", "5", "10", "20", "50", "100", "200", "500", "1000", "2000", "5000", "10000", "20000", "50000", "100000"},
		0:      append([]string{"custom"}, tokenBuckets(unknownMaxModelLen)...),
	}
	for maxLen, want := range tests {
		var got []string
		for _, tok := range tokenBucketTokens(maxLen) {
			got = append(got, tok.text)
		}
		if !slices.Equal(got, want) {
			t.Errorf("max %d: %v, want %v", maxLen, got, want)
		}
	}
}
