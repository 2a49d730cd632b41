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

package metrics

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/internal/golden"
)

// TestGoldenExpositions runs real SGLang expositions (written by the real
// prometheus_client, see testdata/gen_sglang_expositions.py) through each
// mode and compares the text the handler would serve.
func TestGoldenExpositions(t *testing.T) {
	tests := map[string]struct {
		input, want string
		mode        string
	}{
		"translate adds vLLM families to a single-GPU SGLang exposition and keeps SGLang's": {
			input: "sglang-single.prom", want: "sglang-single.golden.prom", mode: ModeTranslate,
		},
		"translate folds data-parallel ranks, tensor-parallel replicas, priorities and custom labels into one series per model": {
			input: "sglang-dp2-priority.prom", want: "sglang-dp2-priority.golden.prom", mode: ModeTranslate,
		},
		"translate reads an older SGLang's cache_config_info labels": {
			input: "sglang-mid2025.prom", want: "sglang-mid2025.golden.prom", mode: ModeTranslate,
		},
		"translate writes vLLM's token-length histograms from SGLang v0.5.9 run with --collect-tokens-histogram": {
			input: "sglang-v0.5.9-tokens-histogram.prom", want: "sglang-v0.5.9-tokens-histogram.golden.prom", mode: ModeTranslate,
		},
		"translate writes no vLLM token-length histogram for SGLang v0.5.9 run without --collect-tokens-histogram, and still the token counters": {
			input: "sglang-v0.5.9.prom", want: "sglang-v0.5.9.golden.prom", mode: ModeTranslate,
		},
		"passthrough serves the SGLang families unchanged": {
			input: "sglang-single.prom", want: "sglang-single.passthrough.golden.prom", mode: ModePassthrough,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", tc.input))
			if err != nil {
				t.Fatal(err)
			}
			fams := parseText(t, string(raw))
			if tc.mode == ModeTranslate {
				fams = Translate(fams, Rules)
			}
			got := encodeText(t, fams)
			golden.File(t, filepath.Join("testdata", tc.want), []byte(got))
		})
	}
}
