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

// Package node runs client.mjs, the official openai npm client driving a
// server that speaks vLLM's API (make proxy-node-deps installs the pinned
// package here), and decodes what it reports.
package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Report is what client.mjs prints: what its user would see.
type Report struct {
	Models       []string
	ToolName     string
	FinishReason string
	// Modified is the X-Vllm-To-Sglang-Modified header of the tool call.
	Modified     string
	Logprobs     *Logprobs
	StreamText   string
	StreamChunks int
	StreamUsage  *struct {
		TotalTokens int `json:"total_tokens"`
	}
	// Invalid is the error the client raised for a chat request whose
	// messages is not a list.
	Invalid *APIError
}

// APIError is what the openai client's APIError tells its user.
type APIError struct {
	// ErrorClass is the error's class, e.g. BadRequestError.
	ErrorClass string
	// BadRequestError is whether it is an instance of BadRequestError.
	BadRequestError bool
	Status          int
	// Message, Type, Param and Code come from the body's "error" object.
	Message string
	Type    string
	Param   *string
	Code    any
}

// Logprobs of the tool call, as the openai client hands them to the user.
type Logprobs struct {
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

// TopLogprobsAsked is the top_logprobs client.mjs sends.
const TopLogprobsAsked = 2

// Run runs client.mjs in dir (this package's directory) against url. A
// missing node or openai package is an error that says how to install it.
func Run(ctx context.Context, dir, url string) (Report, error) {
	var r Report
	node, err := exec.LookPath("node")
	if err != nil {
		return r, fmt.Errorf("node is not on PATH; the official openai npm client runs with Node.js: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "openai", "package.json")); err != nil {
		return r, fmt.Errorf("the openai npm package is not installed in %s; run make proxy-node-deps: %w", dir, err)
	}
	cmd := exec.CommandContext(ctx, node, "client.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PROXY_URL="+url)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return r, fmt.Errorf("node client.mjs: %w\n%s%s", err, out, ee.Stderr)
		}
		return r, fmt.Errorf("node client.mjs: %w", err)
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return r, fmt.Errorf("decoding the client's report %q: %w", out, err)
	}
	return r, nil
}

// LogprobsProblems lists what is wrong with the logprobs the client saw of
// its tool call. Where the proxy strips them (stripped), the header names
// both fields and the client gets none; elsewhere nothing is stripped and
// the client gets a token, its bytes, a logprob <= 0 and TopLogprobsAsked
// alternatives per entry.
func (r Report) LogprobsProblems(stripped bool) []string {
	var p []string
	if stripped {
		for _, change := range []string{"stripped=logprobs", "stripped=top_logprobs"} {
			if !strings.Contains(r.Modified, change) {
				p = append(p, fmt.Sprintf("x-vllm-to-sglang-modified %q does not name %s", r.Modified, change))
			}
		}
		if r.Logprobs != nil {
			p = append(p, fmt.Sprintf("the client got logprobs %+v, though the header says they were stripped", r.Logprobs))
		}
		return p
	}
	if strings.Contains(r.Modified, "stripped=") {
		p = append(p, fmt.Sprintf("x-vllm-to-sglang-modified %q: something was stripped", r.Modified))
	}
	if r.Logprobs == nil || len(r.Logprobs.Content) == 0 {
		return append(p, fmt.Sprintf("the client got no logprobs (%+v)", r.Logprobs))
	}
	for _, e := range r.Logprobs.Content {
		if e.Token == "" || len(e.Bytes) == 0 || e.Logprob > 0 || len(e.TopLogprobs) != TopLogprobsAsked {
			p = append(p, fmt.Sprintf("logprobs entry %+v: want a token, its bytes, a logprob <= 0 and the %d top_logprobs asked for", e, TopLogprobsAsked))
		}
	}
	return p
}
