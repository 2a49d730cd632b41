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
	"errors"
	"io"
	"net/http"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/body"
)

// Server-sent events. An event stream from SGLang is copied so that:
//
//   - every whole event that has arrived goes to the client at once, all
//     of them in one write and one flush: no event waits for another, and a
//     burst of events read together costs one write;
//   - the client only ever gets whole events: the unfinished end of a read
//     waits for its own end, and nothing else;
//   - events that hold an SGLang error, or on a completions route
//     reasoning text or a finish reason, are rewritten into vLLM's shape
//     (body.VLLMStreamError, body.Response); the others pass as they are;
//   - a stream the upstream breaks off (crash, reset) ends with an error
//     event and "data: [DONE]" instead of a torn connection.

// maxHeldEvent bounds how much of an unfinished event is held back; a
// larger one is passed on as it comes.
const maxHeldEvent = 1 << 20

// eventWriter is what copyEvents writes to: the client's response.
type eventWriter interface {
	Write([]byte) (int, error)
	Flush() error
}

// copyEvents copies an event stream from upstream to w; path is the
// completions route whose events body.Response translates, or "".
func (s *Server) copyEvents(w http.ResponseWriter, r *http.Request, upstream io.Reader, path string) {
	rc := http.NewResponseController(w)
	ew := struct {
		io.Writer
		flusher
	}{w, rc}
	err := relayEvents(ew, upstream, path, func(err error) []byte {
		if r.Context().Err() != nil {
			return nil // the client left: nobody reads a tail
		}
		s.metrics.upstreamErrors.WithLabelValues("stream").Inc()
		s.log.Info("Upstream broke off a stream; ending it with an error event", "path", r.URL.Path, "error", err.Error())
		return streamTail(err)
	})
	if err != nil {
		s.metrics.upstreamErrors.WithLabelValues("canceled").Inc()
	}
}

type flusher interface{ Flush() error }

// relayEvents is copyEvents' loop. When the upstream fails, broken says
// what to send last (nil: nothing, the client left). It returns an error
// when the client could not be written to or left.
func relayEvents(w eventWriter, upstream io.Reader, path string, broken func(error) []byte) error {
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	held := 0 // buf[:held] is the start of an event whose end has not arrived
	for {
		if held == len(buf) { // an unfinished event fills the buffer
			if len(buf) >= maxHeldEvent {
				if err := send(w, buf[:held]); err != nil {
					return err
				}
				held = 0
			} else {
				buf = append(buf, make([]byte, len(buf))...)
			}
		}
		n, rerr := upstream.Read(buf[held:])
		end := held + n
		if cut := eventEnd(buf[:end], held); cut > 0 {
			events := buf[:cut]
			if needsRewrite(events, path) {
				events = rewriteEvents(events, path)
			}
			if err := send(w, events); err != nil {
				return err
			}
			held = copy(buf, buf[cut:end])
		} else {
			held = end
		}
		switch {
		case rerr == nil:
			continue
		case errors.Is(rerr, io.EOF):
			if held > 0 { // a last event without its blank line
				return send(w, buf[:held])
			}
			return nil
		}
		tail := broken(rerr)
		if tail == nil {
			return rerr
		}
		return send(w, tail)
	}
}

// send writes b and flushes it: one write and one flush.
func send(w eventWriter, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return errClientGone
	}
	if err := w.Flush(); err != nil {
		return errClientGone
	}
	return nil
}

// eventEnd returns the length of the prefix of p made of whole events: up
// to and including the last blank line. p[:from] is known to hold none.
func eventEnd(p []byte, from int) int {
	from = max(from-3, 0) // a blank line may have begun in the held part
	// A blank line ends in LF; the last LF of a read is usually the one
	// that ends its last event, so this loop rarely runs twice.
	for i := len(p) - 1; i > from; {
		i = from + bytes.LastIndexByte(p[from:i+1], '\n')
		if i <= from {
			return 0
		}
		switch {
		case p[i-1] == '\n': // LF LF
			return i + 1
		case p[i-1] == '\r' && i >= 3 && i-3 >= from && p[i-2] == '\n' && p[i-3] == '\r': // CRLF CRLF
			return i + 1
		}
		i--
	}
	return 0
}

// streamTail ends a broken stream the way vLLM ends a failed one: an error
// event, then [DONE].
func streamTail(err error) []byte {
	msg := "upstream closed the stream before it finished: " + err.Error()
	var b bytes.Buffer
	b.WriteString("data: ")
	b.Write(body.ErrorJSON(http.StatusBadGateway, msg, ""))
	b.WriteString("\n\ndata: [DONE]\n\n")
	return b.Bytes()
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

func needsRewrite(events []byte, path string) bool {
	return bytes.Contains(events, errorEventMark) ||
		path != "" && (bytes.Contains(events, reasoningMark) || bytes.Contains(events, finishMark))
}

// rewriteEvents returns a copy of whole events in which SGLang's error
// events carry vLLM's error shape and completion chunks vLLM's fields.
func rewriteEvents(events []byte, path string) []byte {
	out := make([]byte, 0, len(events)+64)
	for line := range bytes.Lines(events) {
		data, ok := bytes.CutPrefix(line, dataPrefix)
		if !ok {
			out = append(out, line...)
			continue
		}
		trimmed := bytes.TrimRight(data, "\r\n")
		translated, changed := rewriteData(trimmed, path)
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
func rewriteData(data []byte, path string) ([]byte, bool) {
	if out, ok := body.VLLMStreamError(data); ok {
		return out, true
	}
	if path != "" {
		return body.Response(path, data)
	}
	return data, false
}
