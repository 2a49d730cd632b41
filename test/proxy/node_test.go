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

package proxy_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/proxy/node"
)

// TestOpenAINodeClient drives the proxy with the official openai npm
// package (installed by "make proxy-node-deps" into test/proxy/node).
func TestOpenAINodeClient(t *testing.T) {
	// Never skipped: node.Run fails with how to install a missing dependency.
	tests := []struct {
		name       string
		fakeFlags  []string // SGLang flags of the fake
		fakeEnv    []string
		proxyFlags []string
		stripped   bool // logprobs are stripped (else they come back)
		// invalid is the error the client must see for a request that fails
		// SGLang's validation.
		invalid node.APIError
	}{{
		name: "with SGLang's mistral tool-call parser and the proxy's default strip list, logprobs are stripped before SGLang and the header says so;" +
			" SGLang's 400 for a request that fails validation is vLLM's BadRequestError",
		fakeFlags: []string{"--tool-call-parser", "mistral"},
		stripped:  true,
		invalid: node.APIError{ErrorClass: "BadRequestError", BadRequestError: true, Status: 400,
			Message: "Input should be a valid list", Type: "Bad Request", Code: 400.0},
	}, {
		name: "with another tool-call parser and the empty strip list the rewrite gives such pods, logprobs reach SGLang and come back;" +
			" FastAPI's 422 for a request that fails validation (SGLang without its own handler) is vLLM's BadRequestError too",
		fakeFlags:  []string{"--tool-call-parser", "llama3"},
		fakeEnv:    []string{"FAKESGLANG_FASTAPI_VALIDATION=true"},
		proxyFlags: []string{"--strip-params="},
		invalid: node.APIError{ErrorClass: "BadRequestError", BadRequestError: true, Status: 400,
			Message: "body.messages: Input should be a valid list", Type: "Bad Request", Param: ptr("body.messages"), Code: 400.0},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := startFakeFlags(t, tc.fakeFlags, append([]string{"FAKESGLANG_HEALTH_DELAY=1ms"}, tc.fakeEnv...)...)
			p := startProxy(t, f.url, tc.proxyFlags...)
			p.waitHealth(t, 200)
			got, err := node.Run(t.Context(), "node", p.url)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Models) != 1 || got.Models[0] != "fake/model" {
				t.Errorf("models = %q, want [fake/model]", got.Models)
			}
			if got.ToolName != "get_weather" || got.FinishReason != "tool_calls" {
				t.Errorf("tool call = %q (%s), want get_weather (tool_calls)", got.ToolName, got.FinishReason)
			}
			if !strings.Contains(got.Modified, "repaired=properties") {
				t.Errorf("x-vllm-to-sglang-modified = %q, want it to name repaired=properties", got.Modified)
			}
			if got.StreamText != "Hello from the fake SGLang" || got.StreamUsage == nil || got.StreamUsage.TotalTokens == 0 {
				t.Errorf("stream text %q, usage %+v", got.StreamText, got.StreamUsage)
			}
			sent := false
			for _, r := range f.requests(t) {
				sent = sent || (r.Path == "/v1/chat/completions" && strings.Contains(r.Body, `"logprobs":true`))
			}
			if sent == tc.stripped {
				t.Errorf("SGLang received logprobs: %v; want them stripped before it: %v", sent, tc.stripped)
			}
			for _, problem := range got.LogprobsProblems(tc.stripped) {
				t.Error(problem)
			}
			if got.Invalid == nil {
				t.Fatal("the client reported nothing for the invalid request")
			}
			inv, want := *got.Invalid, tc.invalid
			// The message is SGLang's; it must contain what the fake said.
			if !strings.Contains(inv.Message, want.Message) {
				t.Errorf("error message %q, want it to contain %q", inv.Message, want.Message)
			}
			inv.Message, want.Message = "", ""
			if diff := cmp.Diff(want, inv); diff != "" {
				t.Errorf("the client's error for a request that fails validation (-want +got):\n%s", diff)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
