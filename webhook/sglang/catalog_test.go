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

package sglang

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestCatalogFlag(t *testing.T) {
	tests := map[string]struct {
		name       string
		found      bool
		canonical  string
		takesValue bool
		nargs      string
		accepted   []string // values that must be accepted
		refused    string   // a value that must be refused
	}{
		"finds a flag by its canonical name": {
			name: "--model-path", found: true, canonical: "--model-path", takesValue: true},
		"finds --model as an alias of --model-path": {
			name: "--model", found: true, canonical: "--model-path", takesValue: true},
		"knows a store_true switch takes no value": {
			name: "--enable-metrics", found: true, canonical: "--enable-metrics"},
		"does not invent --no-X for a store_true switch": {
			name: "--no-trust-remote-code"},
		"knows nargs of a list flag": {
			name: "--bucket-time-to-first-token", found: true, canonical: "--bucket-time-to-first-token", takesValue: true, nargs: "+"},
		"knows the kv-cache dtypes": {
			name: "--kv-cache-dtype", found: true, canonical: "--kv-cache-dtype", takesValue: true,
			accepted: []string{"auto", "fp8_e4m3", "fp8_e5m2"}, refused: "fp8"},
		"knows the quantization methods": {
			name: "--quantization", found: true, canonical: "--quantization", takesValue: true,
			accepted: []string{"awq", "fp8", "gptq"}, refused: "fbgemm_fp8"},
		"knows the tool-call parsers by SGLang's names": {
			name: "--tool-call-parser", found: true, canonical: "--tool-call-parser", takesValue: true,
			accepted: []string{"mistral", "llama3", "qwen3_coder"}, refused: "llama3_json"},
		"does not know vLLM's names": {
			name: "--max-model-len"},
	}
	for _, c := range Releases() {
		for name, tc := range tests {
			t.Run(c.Version().String()+"/"+name, func(t *testing.T) {
				f, ok := c.Flag(tc.name)
				if ok != tc.found {
					t.Fatalf("Flag(%q) found=%v, want %v", tc.name, ok, tc.found)
				}
				if !ok {
					return
				}
				if f.Name != tc.canonical || f.TakesValue != tc.takesValue || f.Nargs != tc.nargs {
					t.Errorf("got %+v", f)
				}
				for _, v := range tc.accepted {
					if !f.Accepts(v) {
						t.Errorf("%s refuses %q", f.Name, v)
					}
				}
				if tc.refused != "" && f.Accepts(tc.refused) {
					t.Errorf("%s accepts %q", f.Name, tc.refused)
				}
			})
		}
	}
}

func TestBothSpellingsOfTheTensorParallelSizeAreOneFlag(t *testing.T) {
	// v0.5.9 registers --tensor-parallel-size first, later releases --tp-size.
	for _, c := range Releases() {
		long, ok1 := c.Flag("--tensor-parallel-size")
		short, ok2 := c.Flag("--tp-size")
		if !ok1 || !ok2 || long.Name != short.Name || !long.TakesValue {
			t.Errorf("SGLang %s: %+v and %+v", c.Version(), long, short)
		}
	}
}

// The translator emits values of these flags; each release must spell
// out their choices, or a value outside them would pass unnoticed.
var flagsWithChoices = []string{"--load-format", "--quantization", "--kv-cache-dtype", "--dtype",
	"--moe-a2a-backend", "--mamba-ssm-dtype", "--attention-backend", "--prefill-attention-backend",
	"--decode-attention-backend", "--tool-call-parser", "--reasoning-parser", "--grammar-backend",
	"--schedule-policy", "--log-requests-level", "--sampling-defaults", "--tokenizer-mode"}

func TestEveryReleaseSpellsOutTheChoicesTheTranslatorEmits(t *testing.T) {
	for _, c := range Releases() {
		for _, name := range flagsWithChoices {
			f, ok := c.Flag(name)
			if !ok || len(f.Choices) == 0 {
				t.Errorf("SGLang %s: %s has no choice list (found=%v)", c.Version(), name, ok)
			}
		}
	}
}

func TestEveryReleaseSaysWhereItComesFrom(t *testing.T) {
	for _, c := range Releases() {
		p := c.Provenance()
		if p.Source == "" || p.Commit == "" || p.Date == "" || p.Retrieved == "" {
			t.Errorf("SGLang %s: provenance %+v", c.Version(), p)
		}
	}
	if len(Releases()) < 2 {
		t.Errorf("%d releases; the default image's and the newest are both needed", len(Releases()))
	}
}

func TestCatalogValidate(t *testing.T) {
	tests := map[string]struct {
		args    []string
		wantErr string
	}{
		"accepts flags, aliases, switches and lists": {
			args: []string{"--model-path", "m", "--tensor-parallel-size", "8", "--enable-metrics",
				"--bucket-e2e-request-latency", "0.3", "1", "--chunked-prefill-size=-1"}},
		"accepts a $(VAR) reference whatever the choices": {
			args: []string{"--kv-cache-dtype", "$(DTYPE)"}},
		"refuses an unknown flag, naming the release": {
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
	for _, c := range Releases() {
		for name, tc := range tests {
			t.Run(c.Version().String()+"/"+name, func(t *testing.T) {
				err := c.Validate(tc.args)
				if tc.wantErr == "" && err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
			})
		}
	}
}

func TestNegativeNumbersAreValuesLikeInArgparse(t *testing.T) {
	for s, want := range map[string]bool{"-1": false, "-10": false, "-.5": false, "-1.5": false, "-": false,
		"-1.": true, "-x": true, "--1": true, "-1.2.3": true, "-.": true, "x": false} {
		if got := LooksLikeOption(s); got != want {
			t.Errorf("LooksLikeOption(%q) = %v, want %v", s, got, want)
		}
	}
}

const goodHeader = "# release: 0.5.9\n# source: s\n# commit: c\n# date: d\n# retrieved: r\n" + catalogHeader + "\n"

func TestCatalogFilesAreReadStrictly(t *testing.T) {
	tests := map[string]struct {
		name, data string
		wantErr    string
	}{
		"reads a well-formed file": {
			name: "0.5.9.tsv", data: goodHeader + "--a\t--b\tvalue\t+\tx,y\t\n--c\t\tnegatable\t\t\tdeprecated\n"},
		"refuses a file named for another release": {
			name: "0.5.10.tsv", data: goodHeader + "--a\t\tswitch\t\t\t\n", wantErr: "name it 0.5.9.tsv"},
		"refuses a file without its provenance": {
			name: "0.5.9.tsv", data: "# release: 0.5.9\n" + catalogHeader + "\n--a\t\tswitch\t\t\t\n", wantErr: "provenance lacks commit, date, retrieved, source"},
		"refuses an unknown kind": {
			name: "0.5.9.tsv", data: goodHeader + "--a\t\tstore_true\t\t\t\n", wantErr: "kind \"store_true\""},
		"refuses choices on a switch": {
			name: "0.5.9.tsv", data: goodHeader + "--a\t\tswitch\t\tx\t\n", wantErr: "has no choices"},
		"refuses a short row": {
			name: "0.5.9.tsv", data: goodHeader + "--a\tswitch\n", wantErr: "2 columns"},
		"refuses a flag listed twice": {
			name: "0.5.9.tsv", data: goodHeader + "--a\t\tswitch\t\t\t\n--b\t--a\tvalue\t\t\t\n", wantErr: "--a listed twice"},
		"refuses a wrong header": {
			name: "0.5.9.tsv", data: "# release: 0.5.9\nflag\tkind\n", wantErr: "header is"},
		"refuses an unknown status": {
			name: "0.5.9.tsv", data: goodHeader + "--a\t\tswitch\t\t\tremoved\n", wantErr: "status \"removed\""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cs, err := load(fstest.MapFS{"data/" + tc.name: {Data: []byte(tc.data)}})
			if tc.wantErr == "" {
				if err != nil || len(cs) != 1 {
					t.Fatalf("load: %v", err)
				}
				f, _ := cs[0].Flag("--b")
				if f.Name != "--a" || f.Nargs != "+" || !f.Accepts("y") || f.Accepts("z") {
					t.Errorf("--b read as %+v", f)
				}
				if g, _ := cs[0].Flag("--no-c"); !g.Negatable || !g.Deprecated {
					t.Errorf("--no-c read as %+v", g)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
