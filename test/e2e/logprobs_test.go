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

package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/fakesglang"
)

// toolCallParser is the --tool-call-parser of a vLLM or SGLang argv, or "".
func toolCallParser(argv []string) string {
	parser := ""
	for i, a := range argv {
		if v, ok := strings.CutPrefix(a, "--tool-call-parser="); ok {
			parser = v
		} else if a == "--tool-call-parser" && i+1 < len(argv) {
			parser = argv[i+1]
		}
	}
	return parser
}

// TestFixturesCoverBothLogprobsCases keeps the suite honest: the fixtures
// include Deployments with and without the Mistral tool-call parser, so
// both branches of assertLogprobs run.
func TestFixturesCoverBothLogprobsCases(t *testing.T) {
	var with, without []string
	for _, f := range productionStackFixtures(t) {
		c := vllmContainer(t, f.deployment)
		if toolCallParser(append(slices.Clone(c.Command), c.Args...)) == fakesglang.MistralToolCallParser {
			with = append(with, f.name)
		} else {
			without = append(without, f.name)
		}
	}
	if len(with) == 0 || len(without) == 0 {
		t.Errorf("fixtures with the mistral tool-call parser %q, without %q: want at least one of each", with, without)
	}
}
