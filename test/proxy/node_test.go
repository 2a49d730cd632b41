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
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// nodeReport is what node/client.mjs prints.
type nodeReport struct {
	Models       []string
	ToolName     string
	FinishReason string
	Modified     string
	Logprobs     *struct {
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
	StreamText   string
	StreamChunks int
	StreamUsage  *struct {
		TotalTokens int `json:"total_tokens"`
	}
}

// TestOpenAINodeClient drives the proxy with the official openai npm
// package (installed by "make proxy-node-deps" into test/proxy/node).
func TestOpenAINodeClient(t *testing.T) {
	// Never skipped: a missing dependency is a failure that says how to
	// install it.
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH; this test needs Node.js to run the official openai client: %v", err)
	}
	if _, err := os.Stat("node/node_modules/openai/package.json"); err != nil {
		t.Fatalf("the openai npm package is not installed in test/proxy/node; run `make proxy-node-deps` (make test-unit runs it first): %v", err)
	}
	tests := []struct {
		name       string
		fakeFlags  []string // SGLang flags of the fake
		proxyFlags []string
		stripped   bool // logprobs are stripped (else they come back)
	}{{
		name:      "with SGLang's mistral tool-call parser and the proxy's default strip list, logprobs are stripped before SGLang and the header says so",
		fakeFlags: []string{"--tool-call-parser", "mistral"},
		stripped:  true,
	}, {
		name:       "with another tool-call parser and the empty strip list the rewrite gives such pods, logprobs reach SGLang and come back",
		fakeFlags:  []string{"--tool-call-parser", "llama3"},
		proxyFlags: []string{"--strip-params="},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := startFakeFlags(t, tc.fakeFlags, "FAKESGLANG_HEALTH_DELAY=1ms")
			p := startProxy(t, f.url, tc.proxyFlags...)
			p.waitHealth(t, 200)
			got := runNodeClient(t, node, p.url)
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
			if tc.stripped {
				assertLogprobsStripped(t, got, sent)
			} else {
				assertLogprobsReturned(t, got, sent)
			}
		})
	}
}

func assertLogprobsStripped(t *testing.T, got nodeReport, sent bool) {
	t.Helper()
	for _, change := range []string{"stripped=logprobs", "stripped=top_logprobs"} {
		if !strings.Contains(got.Modified, change) {
			t.Errorf("x-vllm-to-sglang-modified = %q, want it to name %s", got.Modified, change)
		}
	}
	if sent {
		t.Error("SGLang received logprobs")
	}
	if got.Logprobs != nil {
		t.Errorf("the client got logprobs %+v, though they were stripped", got.Logprobs)
	}
}

func assertLogprobsReturned(t *testing.T, got nodeReport, sent bool) {
	t.Helper()
	if strings.Contains(got.Modified, "stripped=") {
		t.Errorf("x-vllm-to-sglang-modified = %q, want nothing stripped", got.Modified)
	}
	if !sent {
		t.Error("SGLang did not receive logprobs")
	}
	if got.Logprobs == nil || len(got.Logprobs.Content) == 0 {
		t.Fatalf("the client got no logprobs: %+v", got.Logprobs)
	}
	for _, e := range got.Logprobs.Content {
		if e.Token == "" || len(e.Bytes) == 0 || e.Logprob > 0 || len(e.TopLogprobs) != 2 {
			t.Errorf("logprobs entry %+v: want a token, its bytes, a logprob <= 0 and the 2 top_logprobs asked for", e)
		}
	}
}

// runNodeClient runs node/client.mjs against the proxy at url.
func runNodeClient(t *testing.T, node, url string) nodeReport {
	t.Helper()
	cmd := exec.Command(node, "client.mjs")
	cmd.Dir = "node"
	cmd.Env = append(os.Environ(), "PROXY_URL="+url)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node client.mjs: %v\n%s%s", err, out, stderr)
	}
	var got nodeReport
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("decoding the client's report %q: %v", out, err)
	}
	return got
}
