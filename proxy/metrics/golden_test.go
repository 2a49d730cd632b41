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
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.prom from the current output")

// TestGoldenExpositions runs real SGLang expositions (written by the real
// prometheus_client, see testdata/gen_sglang_expositions.py) through each
// mode and compares the text the handler would serve.
func TestGoldenExpositions(t *testing.T) {
	tests := map[string]struct {
		input, golden string
		mode          string
	}{
		"translate adds vLLM families to a single-GPU SGLang exposition and keeps SGLang's": {
			input: "sglang-single.prom", golden: "sglang-single.golden.prom", mode: ModeTranslate,
		},
		"translate folds data-parallel ranks, tensor-parallel replicas, priorities and custom labels into one series per model": {
			input: "sglang-dp2-priority.prom", golden: "sglang-dp2-priority.golden.prom", mode: ModeTranslate,
		},
		"translate reads an older SGLang's cache_config_info labels": {
			input: "sglang-mid2025.prom", golden: "sglang-mid2025.golden.prom", mode: ModeTranslate,
		},
		"passthrough serves the SGLang families unchanged": {
			input: "sglang-single.prom", golden: "sglang-single.passthrough.golden.prom", mode: ModePassthrough,
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
			compareGolden(t, filepath.Join("testdata", tc.golden), got)
		})
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./proxy/metrics -run Golden -update to create it)", err)
	}
	if got == string(want) {
		return
	}
	diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(want)), B: difflib.SplitLines(got),
		FromFile: path, ToFile: "got", Context: 2,
	})
	t.Errorf("output differs from %s (rerun with -update if the change is intended):\n%s", path, diff)
}
