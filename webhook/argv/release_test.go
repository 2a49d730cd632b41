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
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// oldest and newest are the supported releases these tests tell apart.
var oldest, newest = sglang.Oldest(), sglang.Newest()

// TestTranslateOnEachRelease: what one release lacks is dropped with a
// finding that names it; another release gets the flag.
func TestTranslateOnEachRelease(t *testing.T) {
	tests := map[string]struct {
		argv     []string
		release  *sglang.Catalog
		policy   Policy
		want     [][]string
		absent   []string
		findings []wantFindingOf
		reason   string // part of the first finding's reason
	}{
		"drops --decode-context-parallel-size on a release without --dcp-size, naming the release": {
			argv: []string{"-dcp", "2"}, release: oldest, absent: []string{"--dcp-size"},
			findings: []wantFindingOf{{"--decode-context-parallel-size", Dropped}},
			reason:   "SGLang " + oldest.Version().String() + " has no --dcp-size; it came in a later release",
		},
		"emits --dcp-size on a release that has it": {
			argv: []string{"-dcp", "2"}, release: newest, want: [][]string{{"--dcp-size", "2"}},
		},
		"drops a value outside the release's choices, naming the release": {
			argv: []string{"--load-format", "runai_streamer"}, release: oldest, absent: []string{"--load-format"},
			findings: []wantFindingOf{{"--load-format", Dropped}},
			reason:   "SGLang " + oldest.Version().String() + " cannot load runai_streamer checkpoints; it came in a later release",
		},
		"refuses what the release lacks when the profile rejects unsafe drops": {
			argv: []string{"--enable-force-include-usage"}, release: oldest,
			policy:   Policy{RejectUnsafe: true},
			findings: []wantFindingOf{{"--enable-force-include-usage", Rejected}},
			reason:   "has no --stream-response-default-include-usage",
		},
		"drops a parser the release lacks, saying tool calls will not be parsed": {
			argv: []string{"--tool-call-parser", "apertus"}, release: oldest, absent: []string{"--tool-call-parser"},
			findings: []wantFindingOf{{"--tool-call-parser", Dropped}},
			reason:   "will not be parsed",
		},
		"asks for token histograms on a release that records them only when asked": {
			release: oldest, want: [][]string{{"--collect-tokens-histogram"}},
		},
		"maps vLLM's nemotron_v3 reasoning parser to the name the release gives it (nano_v3 before SGLang PR #19865)": {
			argv: []string{"--reasoning-parser", "nemotron_v3"}, release: oldest, want: [][]string{{"--reasoning-parser", "nano_v3"}},
		},
		"maps vLLM's nemotron_v3 reasoning parser to nemotron_3 on a newer release": {
			argv: []string{"--reasoning-parser", "nemotron_v3"}, release: newest, want: [][]string{{"--reasoning-parser", "nemotron_3"}},
		},
		"undoes every emission of a flag when the release lacks one of them": {
			argv: []string{"--mm-processor-cache-gb", "4"}, release: oldest, absent: []string{"--mm-preprocess-cache-size-mb"},
			findings: []wantFindingOf{{"--mm-processor-cache-gb", Dropped}},
			reason:   "has no --mm-preprocess-cache-size-mb",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			opts := Options{Policy: tc.policy, Release: tc.release}
			inv, reason := Detect(append([]string{"vllm", "serve", "org/m"}, tc.argv...), nil, "")
			if inv == nil {
				t.Fatalf("not detected: %s", reason)
			}
			res, err := Translate(inv, opts)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, tc.release, res, tc.want, tc.absent, tc.findings)
			if tc.reason != "" && (len(res.Findings) == 0 || !strings.Contains(res.Findings[0].Reason, tc.reason)) {
				t.Errorf("findings %+v, want the first to say %q", res.Findings, tc.reason)
			}
		})
	}
}

// TestParsersWithoutAnSGLangEquivalentAreNeverMappedToAnotherFormat: a
// parser of another format would find no tool calls and say nothing.
func TestParsersWithoutAnSGLangEquivalentAreNeverMappedToAnotherFormat(t *testing.T) {
	cases := []struct{ flag, name, loss string }{
		{"--tool-call-parser", "olmo3", "tool calls will not be parsed"},
		{"--tool-call-parser", "hunyuan_a13b", "tool calls will not be parsed"},
		{"--reasoning-parser", "hunyuan_a13b", "reasoning will not be parsed"},
		{"--reasoning-parser", "granite", "reasoning will not be parsed"},
	}
	for _, release := range sglang.Releases() {
		for _, c := range cases {
			t.Run(release.Version().String()+"/"+c.flag+"="+c.name, func(t *testing.T) {
				for reject, want := range map[bool]Action{false: Dropped, true: Rejected} {
					opts := withUnsafe(reject)
					opts.Release = release
					res := mustTranslate(t, []string{"vllm", "serve", "m", c.flag, c.name}, opts)
					f, ok := findingFor(res, c.flag)
					if !ok || f.Action != want || !strings.Contains(f.Reason, c.loss) || hasFlag(res.SGLangArgs, c.flag) {
						t.Errorf("reject unsafe %v: finding %+v, args %q", reject, f, res.SGLangArgs)
					}
				}
			})
		}
	}
	t.Run("a profile can still map one to a parser it knows fits", func(t *testing.T) {
		opts := Options{Policy: Policy{ToolCallParsers: map[string]string{"olmo3": "pythonic"}}}
		res := mustTranslate(t, []string{"vllm", "serve", "m", "--tool-call-parser", "olmo3"}, opts)
		if !containsSeq(res.SGLangArgs, []string{"--tool-call-parser", "pythonic"}) {
			t.Errorf("args %q", res.SGLangArgs)
		}
	})
}

// TestTP8FixtureOnEachRelease keeps the SGLang command and the warnings for
// the vLLM production stack's tp=8 Devstral pod, per supported release, in
// testdata/releases/<release>.golden.
func TestTP8FixtureOnEachRelease(t *testing.T) {
	var c fixtureContainer
	for _, fc := range loadFixtureContainers(t) {
		if fc.id() == "production-stack-helm-tp8-devstral-tools/vllm" {
			c = fc
		}
	}
	if c.command == nil {
		t.Fatal("fixture production-stack-helm-tp8-devstral-tools/vllm not found")
	}
	for _, release := range sglang.Releases() {
		t.Run(release.Version().String(), func(t *testing.T) {
			inv, _ := Detect(c.command, c.args, c.image)
			res, err := Translate(inv, Options{Host: "127.0.0.1", Port: 8001, Release: release, ROCm: true})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			fmt.Fprintf(&b, "# SGLang %s: %s\n", release.Version(), strings.Join(c.command, " "))
			for _, w := range append(append([]string{}, res.Command...), res.Args...) {
				fmt.Fprintln(&b, w)
			}
			b.WriteString("# findings\n")
			for _, f := range res.Findings {
				fmt.Fprintf(&b, "%s %s %s: %s\n", f.Flag, f.Value, f.Action, f.Reason)
			}
			golden.File(t, filepath.Join("testdata", "releases", release.Version().String()+".golden"), []byte(b.String()))
		})
	}
}

// TestGPUMemoryMakesUpForSGLangsAiterShrink: with aiter (ROCm's default
// attention backend) and a context over 8192 tokens, SGLang multiplies
// --mem-fraction-static by 0.85; the translation divides by it, never
// above 0.88.
func TestGPUMemoryMakesUpForSGLangsAiterShrink(t *testing.T) {
	tests := map[string]struct {
		argv  []string
		opts  Options
		want  string
		state string // part of the finding's reason
	}{
		"divides by 0.85 on ROCm with a long context": {
			argv: []string{"--gpu-memory-utilization", "0.8", "--max-model-len", "32k"}, opts: Options{ROCm: true},
			want: "0.86", state: "0.86 is emitted (effective 0.731)"},
		"divides by 0.85 on ROCm when the context is the model's own": {
			argv: []string{"--gpu-memory-utilization", "0.7"}, opts: Options{ROCm: true}, want: "0.74", state: "effective 0.629"},
		"caps at 0.88, in case SGLang picks another backend": {
			argv: []string{"--gpu-memory-utilization", "0.9"}, opts: Options{ROCm: true},
			want: "0.88", state: "capped at 0.88"},
		"keeps the fraction for a context SGLang does not shrink for": {
			argv: []string{"--gpu-memory-utilization", "0.8", "--max-model-len", "8192"}, opts: Options{ROCm: true}, want: "0.73"},
		"keeps the fraction off ROCm": {
			argv: []string{"--gpu-memory-utilization", "0.8"}, want: "0.73"},
		"keeps the fraction when the profile picks another attention backend": {
			argv: []string{"--gpu-memory-utilization", "0.8"},
			opts: Options{ROCm: true, Policy: Policy{Extra: []string{"--attention-backend", "triton"}}}, want: "0.73"},
		"keeps the fraction when the pod asks SGLang to honour it": {
			argv: []string{"--gpu-memory-utilization", "0.8"},
			opts: Options{ROCm: true, EnvNames: []string{"SGLANG_AITER_HONOR_EXPLICIT_MEM_FRACTION"}}, want: "0.73"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := mustTranslate(t, append([]string{"vllm", "serve", "m"}, tc.argv...), tc.opts)
			if !containsSeq(res.SGLangArgs, []string{"--mem-fraction-static", tc.want}) {
				t.Errorf("args %q lack --mem-fraction-static %s", res.SGLangArgs, tc.want)
			}
			f, _ := findingFor(res, "--gpu-memory-utilization")
			if tc.state == "" && strings.Contains(f.Reason, "aiter") || !strings.Contains(f.Reason, tc.state) {
				t.Errorf("reason %q, want one saying %q", f.Reason, tc.state)
			}
		})
	}
}

// SGLANG_AITER_HONOR_EXPLICIT_MEM_FRACTION counts wherever the translation
// learns the container's environment: the names in the pod spec (the
// webhook) or the environment itself (a command translated as it starts,
// by the launcher, which passes Env and no EnvNames).
func TestTheAiterHonourVariableCountsInThePodSpecAndInTheEnvironmentAtStart(t *testing.T) {
	const honour = "SGLANG_AITER_HONOR_EXPLICIT_MEM_FRACTION"
	tests := map[string]struct {
		opts Options
		want string
	}{
		"named in the pod spec, the fraction is kept": {
			opts: Options{ROCm: true, EnvNames: []string{"HF_TOKEN", honour}}, want: "0.73"},
		"in the environment at start, the fraction is kept": {
			opts: Options{ROCm: true, Env: map[string]string{"HOME": "/root", honour: "1"}}, want: "0.73"},
		"absent from the environment at start, the fraction is divided by 0.85": {
			opts: Options{ROCm: true, Env: map[string]string{"HOME": "/root"}}, want: "0.86"},
		"absent from the pod spec, the fraction is divided by 0.85": {
			opts: Options{ROCm: true, EnvNames: []string{"HF_TOKEN"}}, want: "0.86"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := mustTranslate(t, []string{"vllm", "serve", "m", "--gpu-memory-utilization", "0.8"}, tc.opts)
			if !containsSeq(res.SGLangArgs, []string{"--mem-fraction-static", tc.want}) {
				t.Errorf("args %q lack --mem-fraction-static %s", res.SGLangArgs, tc.want)
			}
		})
	}
}
