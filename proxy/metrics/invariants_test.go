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
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

var expositions = []string{"sglang-single.prom", "sglang-dp2-priority.prom", "sglang-mid2025.prom"}

// TestDerivedFamiliesHaveOneSeriesPerModel holds for every real exposition:
// consumers that keep the first or the last sample of a name must read the
// same value, and only vLLM's labels appear.
func TestDerivedFamiliesHaveOneSeriesPerModel(t *testing.T) {
	for _, name := range expositions {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			checkDerived(t, Derive(parseText(t, string(raw)), Rules))
		})
	}
}

// FuzzTranslate feeds arbitrary expositions: whatever parses must translate
// without panicking into valid, one-series-per-model vLLM families.
func FuzzTranslate(f *testing.F) {
	for _, name := range expositions {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(raw))
	}
	f.Add("sglang:num_running_reqs{model_name=\"a\",tp_rank=\"x\"} NaN\n")
	f.Fuzz(func(t *testing.T, text string) {
		fams, err := parse(strings.NewReader(text))
		if err != nil {
			return
		}
		out := Translate(fams, Rules)
		encodeText(t, out)
		checkDerived(t, Derive(fams, Rules))
	})
}

func checkDerived(t *testing.T, derived []*dto.MetricFamily) {
	t.Helper()
	for _, f := range derived {
		seen := map[string]bool{}
		for _, m := range f.GetMetric() {
			model, _ := labelValue(m, labelModel)
			if seen[model] {
				t.Errorf("%s: two series for model %q", f.GetName(), model)
			}
			seen[model] = true
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case labelModel, labelEngine:
				case "block_size", "num_gpu_blocks":
					if f.GetName() != "vllm:cache_config_info" {
						t.Errorf("%s: unexpected label %s", f.GetName(), l.GetName())
					}
				default:
					t.Errorf("%s: label %s is not vLLM's", f.GetName(), l.GetName())
				}
			}
			if v, _ := labelValue(m, labelEngine); v != engineIndex {
				t.Errorf("%s: engine=%q, want %q", f.GetName(), v, engineIndex)
			}
		}
	}
}
