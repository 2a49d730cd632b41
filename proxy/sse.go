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

package proxy

import (
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/body"
)

// maxHeldEvent bounds how much of an unfinished event is held back; a
// larger one is passed on as it comes.
const maxHeldEvent = 1 << 20

// sseBody wraps an upstream event stream so that the client only ever gets
// whole events, and a stream the upstream breaks off (crash, reset) ends
// with an error event and "data: [DONE]" instead of a torn connection.
// Whole events pass through without copying or delay; only the unfinished
// tail of a read is held until its end arrives. Events are rewritten (and
// then copied) only when they hold an SGLang error, or, on a completions
// route (path set), reasoning text or a finish reason that body.Response
// turns into vLLM's fields.
type sseBody struct {
	upstream io.ReadCloser
	ctx      context.Context // the client's request
	path     string          // completions route whose events body.Response translates, or ""
	held     []byte          // start of an event whose end has not arrived
	ready    []byte          // bytes to hand out before reading again
	done     bool
	onBreak  func(err error) // called once when the upstream breaks the stream
	tail     func(err error) []byte
}

func (b *sseBody) Read(p []byte) (int, error) {
	for {
		if len(b.ready) > 0 {
			n := copy(p, b.ready)
			b.ready = b.ready[n:]
			return n, nil
		}
		if b.done {
			return 0, io.EOF
		}
		if len(b.held) == 0 {
			// Fast path: read straight into p and hand out whole events.
			n, err := b.upstream.Read(p)
			cut := eventEnd(p[:n])
			if cut < n {
				b.held = append(b.held, p[cut:n]...)
			}
			if err != nil {
				if rerr := b.end(err); rerr != nil {
					return cut, rerr
				}
			}
			if cut > 0 && b.needsRewrite(p[:cut]) {
				b.ready = b.rewriteEvents(p[:cut])
				continue
			}
			if cut > 0 {
				return cut, nil
			}
			continue
		}
		if err := b.fill(len(p)); err != nil {
			return 0, err
		}
	}
}

// fill reads more after held bytes and moves finished events to ready.
func (b *sseBody) fill(size int) error {
	start := len(b.held)
	b.held = append(b.held, make([]byte, max(size, 4096))...)
	n, err := b.upstream.Read(b.held[start:])
	b.held = b.held[:start+n]
	if cut := eventEnd(b.held); cut > 0 || len(b.held) > maxHeldEvent {
		if cut == 0 {
			cut = len(b.held)
		}
		b.ready = b.rewriteEvents(b.held[:cut])
		b.held = append(b.held[:0], b.held[cut:]...)
	}
	if err != nil {
		return b.end(err)
	}
	return nil
}

// end handles the upstream's last read. A clean EOF passes on whatever is
// held; a broken stream gets the error tail unless the client has left (then
// the error goes back to ReverseProxy, which stops).
func (b *sseBody) end(err error) error {
	b.done = true
	if errors.Is(err, io.EOF) {
		b.ready = append(b.ready, b.held...)
		b.held = nil
		return nil
	}
	if b.ctx.Err() != nil {
		return err
	}
	b.onBreak(err)
	b.held = nil
	b.ready = append(b.ready, b.tail(err)...)
	return nil
}

// Marks of the events that are rewritten. SGLang writes events with
// pydantic's compact JSON, so each check is one scan of bytes already in
// cache and ordinary content chunks match none of them.
var (
	// errorEventMark starts the data of SGLang's error events.
	errorEventMark = []byte(`data: {"error"`)
	// reasoningMark and finishMark find the chunks body.Response changes:
	// reasoning deltas and the chunk that finishes a choice.
	reasoningMark = []byte(`"reasoning_content":"`)
	finishMark    = []byte(`"finish_reason":"`)
	dataPrefix    = []byte("data: ")
)

func (b *sseBody) needsRewrite(events []byte) bool {
	return bytes.Contains(events, errorEventMark) ||
		b.path != "" && (bytes.Contains(events, reasoningMark) || bytes.Contains(events, finishMark))
}

// rewriteEvents returns a copy of whole events in which SGLang's error
// events carry vLLM's error shape and completion chunks vLLM's fields.
func (b *sseBody) rewriteEvents(events []byte) []byte {
	out := make([]byte, 0, len(events)+64)
	for line := range bytes.Lines(events) {
		data, ok := bytes.CutPrefix(line, dataPrefix)
		if !ok {
			out = append(out, line...)
			continue
		}
		trimmed := bytes.TrimRight(data, "\r\n")
		translated, changed := b.rewriteData(trimmed)
		if !changed {
			out = append(out, line...)
			continue
		}
		out = append(out, dataPrefix...)
		out = append(out, translated...)
		out = append(out, data[len(trimmed):]...)
	}
	return out
}

// rewriteData translates the data of one event.
func (b *sseBody) rewriteData(data []byte) ([]byte, bool) {
	if out, ok := body.VLLMStreamError(data); ok {
		return out, true
	}
	if b.path != "" {
		return body.Response(b.path, data)
	}
	return data, false
}

func (b *sseBody) Close() error { return b.upstream.Close() }

// eventEnd returns the length of the prefix of p made of whole events: up
// to and including the last blank line.
func eventEnd(p []byte) int {
	lf := bytes.LastIndex(p, []byte("\n\n"))
	if lf >= 0 {
		lf += 2
	}
	crlf := bytes.LastIndex(p, []byte("\r\n\r\n"))
	if crlf >= 0 {
		crlf += 4
	}
	return max(lf, crlf, 0)
}
