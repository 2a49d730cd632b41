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
	"net/http"
	"strconv"
	"time"
)

// chunks returns the stream's events, built lazily so a timestamp can be
// added at send time; nil marks the final "[DONE]".
func (s *Server) chunks(c completion) []map[string]any {
	object := "text_completion"
	if c.chat {
		object = "chat.completion.chunk"
	}
	chunk := func(choice map[string]any) map[string]any {
		choice["index"] = 0
		if _, ok := choice["logprobs"]; !ok {
			choice["logprobs"] = nil
		}
		if _, ok := choice["finish_reason"]; !ok {
			choice["finish_reason"] = nil
		}
		return map[string]any{"id": c.id, "object": object, "created": c.created, "model": s.opts.Model,
			"choices": []any{choice}, "usage": nil}
	}
	delta := func(d map[string]any) map[string]any {
		if !c.chat {
			return chunk(map[string]any{"text": d["content"]})
		}
		return chunk(map[string]any{"delta": d})
	}
	// generated is the event of the i-th generated token, with its
	// logprobs when the request asked for them.
	offset := 0
	generated := func(i int, token string, d map[string]any) map[string]any {
		ev := delta(d)
		if c.logprobs {
			ev["choices"].([]any)[0].(map[string]any)["logprobs"] = c.logprobsAt(i, offset, token)
		}
		offset += len(token)
		return ev
	}
	var out []map[string]any
	if c.chat {
		out = append(out, delta(map[string]any{"role": "assistant", "content": ""}))
	}
	if c.reasoning {
		for _, w := range reasoningWords {
			out = append(out, delta(map[string]any{"reasoning_content": w}))
		}
	}
	for i := range c.events {
		switch {
		case c.toolName != "" && i == 0:
			out = append(out, generated(i, c.toolName, map[string]any{"tool_calls": c.toolCall("", true)}))
		case c.toolName != "":
			args := `{"i":` + strconv.Itoa(i) + `}`
			out = append(out, generated(i, args, map[string]any{"tool_calls": c.toolCall(args, false)}))
		default:
			out = append(out, generated(i, words[i%len(words)], map[string]any{"content": words[i%len(words)]}))
		}
	}
	finish := map[string]any{"finish_reason": c.finishReason(), "matched_stop": c.matchedStop}
	if c.chat {
		finish["delta"] = map[string]any{}
	} else {
		finish["text"] = ""
	}
	out = append(out, chunk(finish))
	if c.includeUsage {
		u := chunk(map[string]any{})
		u["choices"], u["usage"] = []any{}, c.usage()
		out = append(out, u)
	}
	return append(out, nil)
}

// stream writes the SSE response event by event, honouring the X-Fake-*
// headers. It returns the time to the first event and false when the
// client went away before the end.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, rec *Request, c completion) (time.Duration, bool) {
	start := time.Now()
	var ttft time.Duration
	delay, _ := time.ParseDuration(r.Header.Get("X-Fake-Event-Delay"))
	if delay == 0 {
		delay = s.opts.EventDelay
	}
	dieAfter, _ := strconv.Atoi(r.Header.Get("X-Fake-Die-After"))
	stamps := r.Header.Get("X-Fake-Timestamps") != ""
	var gate chan struct{}
	if name := r.Header.Get("X-Fake-Gate"); name != "" {
		gate = s.gate(name)
	}
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	abort := s.abortSignal()
	for i, ev := range s.chunks(c) {
		if i > 0 {
			switch s.pause(r, gate, delay, abort) {
			case clientLeft:
				s.update(rec, func(rec *Request) { rec.Canceled = true })
				return ttft, false
			case abortedByServer:
				// SGLang ends an aborted request with finish_reason
				// "abort" and the stream's [DONE].
				choice := map[string]any{"index": 0, "text": "", "finish_reason": "abort", "logprobs": nil}
				object := "text_completion"
				if c.chat {
					choice["delta"], object = map[string]any{}, "chat.completion.chunk"
					delete(choice, "text")
				}
				fin := map[string]any{"id": c.id, "object": object, "created": c.created, "model": s.opts.Model, "choices": []any{choice}}
				_, _ = w.Write(sseEvent(fin, false))
				_, _ = w.Write(sseEvent(nil, false))
				return ttft, false
			}
		}
		if dieAfter > 0 && i == dieAfter {
			// Drop the connection mid-stream, as a crashed server would.
			panic(http.ErrAbortHandler)
		}
		// Counted before writing, so a client that has an event can rely on
		// the record showing it.
		s.update(rec, func(rec *Request) { rec.Events++ })
		if _, err := w.Write(sseEvent(ev, stamps)); err != nil {
			return ttft, false
		}
		if err := rc.Flush(); err != nil {
			return ttft, false
		}
		if i == 0 {
			ttft = time.Since(start)
		}
	}
	return ttft, true
}

// What ended a pause between events.
type pauseEnd int

const (
	resumed pauseEnd = iota
	clientLeft
	abortedByServer // /abort_request
)

// pause waits for the gate (if any) and the delay.
func (s *Server) pause(r *http.Request, gate chan struct{}, delay time.Duration, abort <-chan struct{}) pauseEnd {
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return clientLeft
		case <-abort:
			return abortedByServer
		}
	}
	if delay <= 0 {
		select {
		case <-abort:
			return abortedByServer
		default:
		}
		if r.Context().Err() != nil {
			return clientLeft
		}
		return resumed
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return resumed
	case <-r.Context().Done():
		return clientLeft
	case <-abort:
		return abortedByServer
	}
}

func sseEvent(ev map[string]any, stamp bool) []byte {
	if ev == nil {
		return []byte("data: [DONE]\n\n")
	}
	if stamp {
		ev["x_sent_ns"] = time.Now().UnixNano()
	}
	b, _ := json.Marshal(ev)
	out := make([]byte, 0, len(b)+8)
	out = append(out, "data: "...)
	out = append(out, b...)
	return append(out, "\n\n"...)
}
