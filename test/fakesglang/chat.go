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
	logprobs     bool   // answer with the logprobs of the generated tokens
	topLogprobs  int    // alternatives per token in those logprobs
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
	c, status, msg, invalid := s.parseCompletion(r, rec, chat)
	if invalid != nil {
		s.writeValidationError(w, *invalid)
		return
	}
	if status != 0 {
		writeError(w, status, msg)
		return
	}
	if tags := s.releasedTags(); len(tags) > 0 {
		// Without its weights and KV cache SGLang cannot generate.
		s.crashed(fmt.Sprintf("a generation while the memory tags %v are released", tags))
		writeError(w, http.StatusInternalServerError, "the model's memory is released")
		return
	}
	start := time.Now()
	s.running.Add(1)
	defer s.running.Add(-1)
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

// completionRequest holds the request fields the fake looks at; a pointer
// is nil when the field is absent or null.
type completionRequest struct {
	Messages      json.RawMessage  `json:"messages"`
	Logprobs      *json.RawMessage `json:"logprobs"`
	TopLogprobs   *json.RawMessage `json:"top_logprobs"`
	Tools         json.RawMessage  `json:"tools"`
	ToolChoice    json.RawMessage  `json:"tool_choice"`
	Stop          json.RawMessage  `json:"stop"`
	Stream        bool             `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// parseCompletion validates the body the way SGLang would: a body that
// does not fit SGLang's request model gives invalid, any other refusal a
// non-zero status and its message.
func (s *Server) parseCompletion(r *http.Request, rec *Request, chat bool) (c completion, status int, msg string, invalid *validationError) {
	var body completionRequest
	if err := json.Unmarshal([]byte(rec.Body), &body); err != nil {
		return c, http.StatusBadRequest, "JSON decode error: " + err.Error(), nil
	}
	if chat {
		if invalid = invalidMessages(body.Messages); invalid != nil {
			return c, 0, "", invalid
		}
	}
	now := time.Now()
	c = completion{chat: chat, promptTokens: max(len(rec.Body)/4, 1), created: now.Unix(),
		id: strconv.FormatInt(now.UnixNano(), 16), stream: body.Stream}
	// SGLang parses tool calls out of the model's text only when it runs
	// with --tool-call-parser (serving_chat.py); without one the text is
	// the message content.
	if chat && s.opts.ToolCallParser != "" {
		c.toolName = calledTool(body.Tools, body.ToolChoice)
	}
	if field := s.rejectedLogprobs(c, body); field != "" {
		return c, http.StatusUnprocessableEntity, field + " is not supported with the mistral tool call parser", nil
	}
	if err := checkToolSchemas(body.Tools); err != nil {
		return c, http.StatusBadRequest, err.Error(), nil
	}
	var err error
	if c.logprobs, c.topLogprobs, err = askedLogprobs(body, chat); err != nil {
		return c, http.StatusBadRequest, err.Error(), nil
	}
	c.includeUsage = body.StreamOptions != nil && body.StreamOptions.IncludeUsage
	c.reasoning = chat && s.opts.ReasoningParser != ""
	c.matchedStop = matchedStop(body.Stop)
	c.events = s.opts.Events
	if n, err := strconv.Atoi(r.Header.Get("X-Fake-Events")); err == nil && n >= 0 {
		c.events = n
	}
	return c, 0, "", nil
}

// MistralToolCallParser is the --tool-call-parser under which the fake
// refuses logprobs, as SGLang was reported to do.
const MistralToolCallParser = "mistral"

// rejectedLogprobs names the field the fake answers 422 for, or "".
// SGLang's Mistral tool-call parser was reported to reject logprobs and
// top_logprobs with 422, sent by an agent client (OpenClaw) whose chat
// requests carry tools. SGLang only runs the tool-call parser for a chat
// request with tools and a tool_choice other than "none" (serving_chat.py),
// so that is when the fake refuses them: with --tool-call-parser mistral,
// on a chat completion that will call a tool. Everywhere else logprobs are
// answered.
func (s *Server) rejectedLogprobs(c completion, body completionRequest) string {
	if s.opts.ToolCallParser != MistralToolCallParser || !c.chat || c.toolName == "" {
		return ""
	}
	switch {
	case body.Logprobs != nil:
		return "logprobs"
	case body.TopLogprobs != nil:
		return "top_logprobs"
	}
	return ""
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
	if len(raw) == 0 {
		return eosTokenID
	}
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
func calledTool(rawTools, rawChoice json.RawMessage) string {
	if len(rawTools) == 0 {
		return ""
	}
	var tools []struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	}
	if json.Unmarshal(rawTools, &tools) != nil || len(tools) == 0 {
		return ""
	}
	var choice any
	_ = json.Unmarshal(rawChoice, &choice)
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

// usage is SGLang's UsageInfo, in its field order.
type usage struct {
	PromptTokens        int  `json:"prompt_tokens"`
	TotalTokens         int  `json:"total_tokens"`
	CompletionTokens    int  `json:"completion_tokens"`
	PromptTokensDetails *any `json:"prompt_tokens_details"`
}

func (c completion) usage() usage {
	return usage{PromptTokens: c.promptTokens, CompletionTokens: c.events, TotalTokens: c.promptTokens + c.events}
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

// The non-streamed answer, with SGLang's field order (its pydantic models).
type (
	fullAnswer struct {
		ID      string       `json:"id"`
		Object  string       `json:"object"`
		Created int64        `json:"created"`
		Model   string       `json:"model"`
		Choices []fullChoice `json:"choices"`
		Usage   usage        `json:"usage"`
	}
	fullChoice struct {
		Index        int          `json:"index"`
		Text         *string      `json:"text,omitempty"`
		Message      *fullMessage `json:"message,omitempty"`
		Logprobs     any          `json:"logprobs"`
		FinishReason string       `json:"finish_reason"`
		MatchedStop  any          `json:"matched_stop"`
	}
	fullMessage struct {
		Role             string  `json:"role"`
		Content          *string `json:"content"`
		ReasoningContent *string `json:"reasoning_content"`
		ToolCalls        []any   `json:"tool_calls"`
	}
)

// fullResponse is a non-streamed chat.completion or text_completion.
func (s *Server) fullResponse(c completion) fullAnswer {
	text := c.text()
	choice := fullChoice{FinishReason: c.finishReason(), MatchedStop: c.matchedStop, Logprobs: c.logprobsFor(c.answerTokens())}
	object := "text_completion"
	if c.chat {
		object = "chat.completion"
		msg := &fullMessage{Role: "assistant", Content: &text}
		if c.reasoning {
			reasoning := strings.Join(reasoningWords, "")
			msg.ReasoningContent = &reasoning
		}
		if c.toolName != "" {
			msg.Content, msg.ToolCalls = nil, c.toolCall(`{"city": "Paris"}`, true)
		}
		choice.Message = msg
	} else {
		choice.Text = &text
	}
	return fullAnswer{ID: c.id, Object: object, Created: c.created, Model: s.opts.Model,
		Choices: []fullChoice{choice}, Usage: c.usage()}
}

// validationError is one entry of pydantic's error list, as FastAPI reports
// it for a request body that does not fit the route's model.
type validationError struct {
	Type  string          `json:"type"`
	Loc   []string        `json:"loc"`
	Msg   string          `json:"msg"`
	Input json.RawMessage `json:"input"`
}

// invalidMessages is the check of SGLang's ChatCompletionRequest the fake
// makes: "messages", when present and not null, must be a list.
func invalidMessages(messages json.RawMessage) *validationError {
	if len(messages) == 0 || messages[0] == '[' || messages[0] == 'n' {
		return nil
	}
	return &validationError{Type: "list_type", Loc: []string{"body", "messages"}, Msg: "Input should be a valid list", Input: messages}
}

// writeValidationError answers a body that failed validation as SGLang
// does (Options.FastAPIValidation picks which SGLang).
func (s *Server) writeValidationError(w http.ResponseWriter, e validationError) {
	if s.opts.FastAPIValidation {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []validationError{e}})
		return
	}
	// SGLang's handler writes f"{str(exc)} {exc.errors()}": FastAPI's
	// summary, then the list, both in Python's repr.
	repr := fmt.Sprintf("{'type': '%s', 'loc': ('%s'), 'msg': '%s', 'input': %s}",
		e.Type, strings.Join(e.Loc, "', '"), e.Msg, e.Input)
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"object": "error", "message": "1 validation error:\n  " + repr + " [" + repr + "]",
		"type": "Bad Request", "param": nil, "code": http.StatusBadRequest,
	})
}
