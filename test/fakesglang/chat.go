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

package fakesglang

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// words are the generated tokens, one per content event.
var words = []string{"Hello", " from", " the", " fake", " SGLang", " server", "."}

// reasoningWords are the reasoning tokens of a chat answer when the fake
// runs with a reasoning parser, one per streamed reasoning event.
var reasoningWords = []string{"The", " user", " greets", " me."}

// eosTokenID is what SGLang puts in matched_stop when generation ends on
// the end-of-sequence token.
const eosTokenID = 2

// completion is what one request asks for, after validation.
type completion struct {
	chat         bool
	stream       bool
	includeUsage bool
	toolName     string // non-empty: answer with a call of this tool
	reasoning    bool   // answer with reasoning_content first
	matchedStop  any    // SGLang's matched_stop: the stop string hit, or the EOS token id
	promptTokens int
	events       int
	id           string
	created      int64
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request, rec *Request) {
	s.complete(w, r, rec, true)
}

func (s *Server) handleCompletion(w http.ResponseWriter, r *http.Request, rec *Request) {
	s.complete(w, r, rec, false)
}

func (s *Server) complete(w http.ResponseWriter, r *http.Request, rec *Request, chat bool) {
	c, status, msg := s.parseCompletion(r, rec, chat)
	if status != 0 {
		writeError(w, status, msg)
		return
	}
	start := time.Now()
	s.metrics.running.Inc()
	defer s.metrics.running.Dec()
	if !c.stream {
		writeJSON(w, http.StatusOK, s.fullResponse(c))
		s.metrics.finished(c.promptTokens, c.events, time.Since(start), time.Since(start), false)
		return
	}
	s.activeStreams.Add(1)
	defer s.activeStreams.Add(-1)
	ttft, ok := s.stream(w, r, rec, c)
	s.metrics.finished(c.promptTokens, c.events, ttft, time.Since(start), !ok)
}

// parseCompletion validates the body the way SGLang (with a Mistral tool
// parser) would; a non-zero status is the error to answer.
func (s *Server) parseCompletion(r *http.Request, rec *Request, chat bool) (c completion, status int, msg string) {
	var body map[string]json.RawMessage
	if err := json.Unmarshal([]byte(rec.Body), &body); err != nil {
		return c, http.StatusBadRequest, "JSON decode error: " + err.Error()
	}
	if !s.opts.AcceptLogprobs {
		for _, k := range []string{"logprobs", "top_logprobs"} {
			if _, ok := body[k]; ok && chat {
				return c, http.StatusUnprocessableEntity, k + " is not supported with the mistral tool call parser"
			}
		}
	}
	if err := checkToolSchemas(body["tools"]); err != nil {
		return c, http.StatusBadRequest, err.Error()
	}
	c = completion{chat: chat, promptTokens: max(len(rec.Body)/4, 1), created: time.Now().Unix(),
		id: fmt.Sprintf("%x", time.Now().UnixNano())}
	_ = json.Unmarshal(body["stream"], &c.stream)
	var so struct {
		IncludeUsage bool `json:"include_usage"`
	}
	_ = json.Unmarshal(body["stream_options"], &so)
	c.includeUsage = so.IncludeUsage
	c.toolName = calledTool(body)
	c.reasoning = chat && s.opts.ReasoningParser != ""
	c.matchedStop = matchedStop(body["stop"])
	c.events = s.opts.Events
	if n, err := strconv.Atoi(r.Header.Get("X-Fake-Events")); err == nil && n >= 0 {
		c.events = n
	}
	return c, 0, ""
}

// checkToolSchemas rejects array-shaped "properties" anywhere in a tool's
// parameters, as SGLang's schema validation does.
func checkToolSchemas(raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil
	}
	var tools []struct {
		Function struct {
			Name       string `json:"name"`
			Parameters any    `json:"parameters"`
		} `json:"function"`
	}
	if err := json.Unmarshal(raw, &tools); err != nil {
		return fmt.Errorf("tools: %w", err)
	}
	for _, t := range tools {
		if path := arrayProperties(t.Function.Parameters, "parameters"); path != "" {
			return fmt.Errorf("tool %q: %s must be an object, got an array", t.Function.Name, path)
		}
	}
	return nil
}

// arrayProperties returns the path of the first "properties" that is an array.
func arrayProperties(v any, path string) string {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["properties"].([]any); ok {
			return path + ".properties"
		}
		for k, child := range v {
			if p := arrayProperties(child, path+"."+k); p != "" {
				return p
			}
		}
	case []any:
		for i, child := range v {
			if p := arrayProperties(child, fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	}
	return ""
}

// matchedStop pretends generation ended on the request's first stop string,
// else on the EOS token, and answers what SGLang's matched_stop holds then.
func matchedStop(raw json.RawMessage) any {
	var one string
	if json.Unmarshal(raw, &one) == nil && one != "" {
		return one
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return list[0]
	}
	return eosTokenID
}

// calledTool picks the tool to call: the named tool_choice, else the first
// tool unless tool_choice is "none".
func calledTool(body map[string]json.RawMessage) string {
	var tools []struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	}
	if json.Unmarshal(body["tools"], &tools) != nil || len(tools) == 0 {
		return ""
	}
	var choice any
	_ = json.Unmarshal(body["tool_choice"], &choice)
	switch ch := choice.(type) {
	case string:
		if ch == "none" {
			return ""
		}
	case map[string]any:
		if f, ok := ch["function"].(map[string]any); ok {
			if name, ok := f["name"].(string); ok {
				return name
			}
		}
	}
	return tools[0].Function.Name
}

func (c completion) text() string {
	var b strings.Builder
	for i := range c.events {
		b.WriteString(words[i%len(words)])
	}
	return b.String()
}

func (c completion) usage() map[string]any {
	return map[string]any{"prompt_tokens": c.promptTokens, "completion_tokens": c.events,
		"total_tokens": c.promptTokens + c.events, "prompt_tokens_details": nil}
}

func (c completion) finishReason() string {
	if c.toolName != "" {
		return "tool_calls"
	}
	return "stop"
}

func (c completion) toolCall(args string, withName bool) []any {
	call := map[string]any{"index": 0, "type": "function", "function": map[string]any{"arguments": args}}
	if withName {
		call["id"] = "call_" + c.id
		call["function"].(map[string]any)["name"] = c.toolName
	}
	return []any{call}
}

// fullResponse is a non-streamed chat.completion or text_completion.
func (s *Server) fullResponse(c completion) map[string]any {
	choice := map[string]any{"index": 0, "logprobs": nil, "finish_reason": c.finishReason(), "matched_stop": c.matchedStop}
	object := "text_completion"
	if c.chat {
		object = "chat.completion"
		msg := map[string]any{"role": "assistant", "content": c.text(), "reasoning_content": nil, "tool_calls": nil}
		if c.reasoning {
			msg["reasoning_content"] = strings.Join(reasoningWords, "")
		}
		if c.toolName != "" {
			msg["content"], msg["tool_calls"] = nil, c.toolCall(`{"city": "Paris"}`, true)
		}
		choice["message"] = msg
	} else {
		choice["text"] = c.text()
	}
	return map[string]any{"id": c.id, "object": object, "created": c.created, "model": s.opts.Model,
		"choices": []any{choice}, "usage": c.usage()}
}
