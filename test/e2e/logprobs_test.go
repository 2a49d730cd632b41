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
)

// clientLogprobs is the logprobs of the client's tool call, as the openai
// client hands them to the user.
type clientLogprobs struct {
	Content []struct {
		Token       string
		Logprob     float64
		Bytes       []int
		TopLogprobs []struct {
			Token   string
			Logprob float64
		} `json:"top_logprobs"`
	}
}

// topLogprobsAsked is the top_logprobs test/proxy/node/client.mjs sends.
const topLogprobsAsked = 2

// mistralToolCallParser is the tool-call parser (the same name in vLLM and
// SGLang) SGLang was reported to reject logprobs under.
const mistralToolCallParser = "mistral"

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

// assertLogprobs checks what the client of a pod sees of the logprobs it
// asked for with its tool call. Under the Mistral tool-call parser they are
// stripped and the response header says so (SGLang would refuse the
// request otherwise); under any other parser, or none, they come back and
// nothing is stripped.
func assertLogprobs(t *testing.T, got clientReport, mistral bool) {
	t.Helper()
	if mistral {
		for _, change := range []string{"stripped=logprobs", "stripped=top_logprobs"} {
			if !strings.Contains(got.Modified, change) {
				t.Errorf("x-vllm-to-sglang-modified %q does not say %s for SGLang's Mistral tool-call parser", got.Modified, change)
			}
		}
		if got.Logprobs != nil {
			t.Errorf("the client got logprobs %+v, though the header says they were stripped", got.Logprobs)
		}
		return
	}
	if strings.Contains(got.Modified, "stripped=") {
		t.Errorf("x-vllm-to-sglang-modified %q: something was stripped from a pod without the Mistral tool-call parser", got.Modified)
	}
	if got.Logprobs == nil || len(got.Logprobs.Content) == 0 {
		t.Fatalf("the client got no logprobs (%+v) from a pod without the Mistral tool-call parser", got.Logprobs)
	}
	for _, e := range got.Logprobs.Content {
		if e.Token == "" || len(e.Bytes) == 0 || e.Logprob > 0 || len(e.TopLogprobs) != topLogprobsAsked {
			t.Errorf("logprobs entry %+v: want a token, its bytes, a logprob <= 0 and the %d top_logprobs asked for", e, topLogprobsAsked)
		}
	}
}

// TestFixturesCoverBothLogprobsCases keeps the suite honest: the fixtures
// include Deployments with and without the Mistral tool-call parser, so
// both branches of assertLogprobs run.
func TestFixturesCoverBothLogprobsCases(t *testing.T) {
	var with, without []string
	for _, f := range productionStackFixtures(t) {
		c := vllmContainer(t, f.deployment)
		if toolCallParser(append(slices.Clone(c.Command), c.Args...)) == mistralToolCallParser {
			with = append(with, f.name)
		} else {
			without = append(without, f.name)
		}
	}
	if len(with) == 0 || len(without) == 0 {
		t.Errorf("fixtures with the mistral tool-call parser %q, without %q: want at least one of each", with, without)
	}
}
