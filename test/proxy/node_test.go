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
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url)
	p.waitHealth(t, 200)

	cmd := exec.Command(node, "client.mjs")
	cmd.Dir = "node"
	cmd.Env = append(os.Environ(), "PROXY_URL="+p.url)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node client.mjs: %v\n%s%s", err, out, stderr)
	}
	var got struct {
		Models       []string
		ToolName     string
		FinishReason string
		Modified     string
		StreamText   string
		StreamChunks int
		StreamUsage  *struct {
			TotalTokens int `json:"total_tokens"`
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("decoding the client's report %q: %v", out, err)
	}
	if len(got.Models) != 1 || got.Models[0] != "fake/model" {
		t.Errorf("models = %q, want [fake/model]", got.Models)
	}
	if got.ToolName != "get_weather" || got.FinishReason != "tool_calls" {
		t.Errorf("tool call = %q (%s), want get_weather (tool_calls)", got.ToolName, got.FinishReason)
	}
	for _, change := range []string{"stripped=logprobs", "stripped=top_logprobs", "repaired=properties"} {
		if !strings.Contains(got.Modified, change) {
			t.Errorf("x-vllm-to-sglang-modified = %q, want it to name %s", got.Modified, change)
		}
	}
	if got.StreamText != "Hello from the fake SGLang" || got.StreamUsage == nil || got.StreamUsage.TotalTokens == 0 {
		t.Errorf("stream text %q, usage %+v", got.StreamText, got.StreamUsage)
	}
	for _, r := range f.requests(t) {
		if r.Path == "/v1/chat/completions" && strings.Contains(r.Body, "logprobs") {
			t.Errorf("SGLang received logprobs: %s", r.Body)
		}
	}
}
