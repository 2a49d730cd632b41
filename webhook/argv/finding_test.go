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

import "testing"

// TestFindingWarnsAndSaysWhy: the rule every front end warns by (dropped
// or approximated), and the one wording of a finding.
func TestFindingWarnsAndSaysWhy(t *testing.T) {
	cases := []struct {
		f     Finding
		warns bool
		line  string
	}{
		{Finding{Flag: "--config-format", Value: "mistral", Action: Dropped, Reason: "SGLang reads the model's config"},
			true, "--config-format=mistral dropped: SGLang reads the model's config"},
		{Finding{Flag: "--gpu-memory-utilization", Value: "0.9", Action: Approximated, Emitted: []string{"--mem-fraction-static", "0.83"}, Reason: "different meaning"},
			true, "--gpu-memory-utilization=0.9 approximated as --mem-fraction-static 0.83: different meaning"},
		{Finding{Flag: "--swap-space", Action: Approximated},
			true, "--swap-space approximated"},
		{Finding{Flag: "--enable-auto-tool-choice", Action: Translated, Reason: "SGLang always enables tool calling"},
			false, "--enable-auto-tool-choice translated: SGLang always enables tool calling"},
		{Finding{Flag: "--max-num-seqs", Value: "8", Action: Rejected, Reason: "the profile rejects this flag"},
			false, "--max-num-seqs=8 rejected: the profile rejects this flag"},
	}
	for _, c := range cases {
		t.Run(c.line, func(t *testing.T) {
			if got := c.f.Warns(); got != c.warns {
				t.Errorf("Warns() = %v, want %v", got, c.warns)
			}
			if got := c.f.String(); got != c.line {
				t.Errorf("String() = %q, want %q", got, c.line)
			}
		})
	}
}
