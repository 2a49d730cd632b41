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
	"strings"
	"testing"
)

// chunkReader returns its chunks one Read at a time, then err: each chunk
// is what one read from the upstream brought.
type chunkReader struct {
	chunks []string
	err    error
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, r.err
	}
	n := copy(p, r.chunks[0])
	r.chunks[0] = r.chunks[0][n:]
	if r.chunks[0] == "" {
		r.chunks = r.chunks[1:]
	}
	return n, nil
}

// recordingWriter records each Write, and fails every call once fail is set.
type recordingWriter struct {
	writes  []string
	flushes int
	// unflushed counts the writes not followed by a flush.
	unflushed int
	fail      bool
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.fail {
		return 0, errors.New("broken pipe")
	}
	w.writes = append(w.writes, string(p))
	w.unflushed++
	return len(p), nil
}

func (w *recordingWriter) Flush() error {
	if w.fail {
		return errors.New("broken pipe")
	}
	w.flushes++
	w.unflushed = 0
	return nil
}

func TestRelayEvents(t *testing.T) {
	errReset := errors.New("connection reset by peer")
	tail := "data: {\"error\":{\"message\":\"upstream closed the stream before it finished: connection reset by peer\",\"type\":\"Bad Gateway\",\"param\":null,\"code\":502}}\n\ndata: [DONE]\n\n"
	tests := map[string]struct {
		path  string   // completions route, or "" for any other stream
		reads []string // what each read from the upstream brings
		err   error    // after the reads
		// wantWrites are the client's writes, each followed by one flush.
		wantWrites []string
		wantBroken bool
	}{
		"passes each event on as soon as it has arrived": {
			reads:      []string{"data: 1\n\n", "data: 2\n\n", "data: [DONE]\n\n"},
			err:        io.EOF,
			wantWrites: []string{"data: 1\n\n", "data: 2\n\n", "data: [DONE]\n\n"},
		},
		"writes every event of one read in one write": {
			reads:      []string{"data: 1\n\ndata: 2\n\ndata: 3\n\n", "data: [DONE]\n\n"},
			err:        io.EOF,
			wantWrites: []string{"data: 1\n\ndata: 2\n\ndata: 3\n\n", "data: [DONE]\n\n"},
		},
		"holds an unfinished event until its end arrives, and nothing else": {
			reads:      []string{"data: 1\n\ndata: ", "2\n", "\ndata: 3\n\nda", "ta: 4\n\n"},
			err:        io.EOF,
			wantWrites: []string{"data: 1\n\n", "data: 2\n\ndata: 3\n\n", "data: 4\n\n"},
		},
		"sees a blank line split across reads": {
			reads:      []string{"data: 1\n", "\ndata: 2\r\n\r", "\n"},
			err:        io.EOF,
			wantWrites: []string{"data: 1\n\n", "data: 2\r\n\r\n"},
		},
		"understands CRLF event ends": {
			reads:      []string{"data: 1\r\n\r\ndata: 2", "\r\n\r\n"},
			err:        io.EOF,
			wantWrites: []string{"data: 1\r\n\r\n", "data: 2\r\n\r\n"},
		},
		"passes on an unterminated last event at a clean end": {
			reads:      []string{"data: 1\n\ndata: 2"},
			err:        io.EOF,
			wantWrites: []string{"data: 1\n\n", "data: 2"},
		},
		"ends a broken stream with an error event and [DONE] instead of the torn event": {
			reads:      []string{"data: 1\n\ndata: {\"tor"},
			err:        errReset,
			wantWrites: []string{"data: 1\n\n", tail},
			wantBroken: true,
		},
		"rewrites SGLang's error event into vLLM's shape": {
			reads: []string{"data: {\"error\": {\"object\": \"error\", \"message\": \"boom\", \"type\": \"BadRequestError\", \"param\": null, \"code\": 400}}\n\n", "data: [DONE]\n\n"},
			err:   io.EOF,
			wantWrites: []string{"data: {\"error\":{\"message\":\"boom\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}\n\n",
				"data: [DONE]\n\n"},
		},
		"adds vLLM's reasoning and stop_reason to the chunks of a chat stream, leaving the others alone": {
			path: "/v1/chat/completions",
			reads: []string{
				"data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}\n\n",
				"data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"r\"},\"finish_reason\":null}]}\r\n\r\n",
				"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"matched_stop\":\"X\"}]}\n\ndata: [DONE]\n\n"},
			err: io.EOF,
			wantWrites: []string{
				"data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}\n\n",
				"data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"r\",\"reasoning\":\"r\"},\"finish_reason\":null}]}\r\n\r\n",
				"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"matched_stop\":\"X\",\"stop_reason\":\"X\"}]}\n\ndata: [DONE]\n\n"},
		},
		"rewrites the events that need it within a batch read together": {
			path: "/v1/completions",
			reads: []string{"data: {\"choices\":[{\"text\":\"a\",\"finish_reason\":null}]}\n\n" +
				"data: {\"choices\":[{\"text\":\"\",\"finish_reason\":\"stop\",\"matched_stop\":2}]}\n\ndata: [DONE]\n\n"},
			err: io.EOF,
			wantWrites: []string{"data: {\"choices\":[{\"text\":\"a\",\"finish_reason\":null}]}\n\n" +
				"data: {\"choices\":[{\"text\":\"\",\"finish_reason\":\"stop\",\"matched_stop\":2,\"stop_reason\":null}]}\n\ndata: [DONE]\n\n"},
		},
		"leaves the chunks of other streams alone": {
			reads:      []string{"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"},
			err:        io.EOF,
			wantWrites: []string{"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			broken := false
			w := &recordingWriter{}
			err := relayEvents(w, &chunkReader{chunks: append([]string(nil), tc.reads...), err: tc.err}, tc.path,
				func(err error) []byte { broken = true; return streamTail(err) })
			if err != nil {
				t.Fatalf("relayEvents: %v", err)
			}
			if strings.Join(w.writes, "|") != strings.Join(tc.wantWrites, "|") {
				t.Errorf("writes:\n%q\nwant:\n%q", w.writes, tc.wantWrites)
			}
			if w.flushes != len(w.writes) || w.unflushed != 0 {
				t.Errorf("%d flushes for %d writes (%d left unflushed), want one after each write", w.flushes, len(w.writes), w.unflushed)
			}
			if broken != tc.wantBroken {
				t.Errorf("broken called = %v, want %v", broken, tc.wantBroken)
			}
		})
	}
}

func TestRelayEventsPassesAnEventOverTheHoldLimitOnAsItComes(t *testing.T) {
	huge := "data: " + strings.Repeat("x", maxHeldEvent) + "\n\n"
	w := &recordingWriter{}
	err := relayEvents(w, &chunkReader{chunks: []string{huge, "data: 2\n\n"}, err: io.EOF}, "", func(error) []byte { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(w.writes, "") != huge+"data: 2\n\n" || len(w.writes[0]) != maxHeldEvent {
		t.Errorf("%d writes, the first of %d bytes; want the event's first %d bytes passed on, then the rest", len(w.writes), len(w.writes[0]), maxHeldEvent)
	}
}

func TestRelayEventsStopsWhenTheClientLeaves(t *testing.T) {
	tests := map[string]struct {
		writer *recordingWriter
		err    error
	}{
		"a write to the client fails": {writer: &recordingWriter{fail: true}, err: io.EOF},
		"the upstream read fails because the client left (no tail is written)": {
			writer: &recordingWriter{}, err: errors.New("i/o timeout"),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := relayEvents(tc.writer, &chunkReader{chunks: []string{"data: 1\n\n"}, err: tc.err}, "",
				func(error) []byte { return nil })
			if err == nil {
				t.Fatal("relayEvents returned nil, want the error that stopped it")
			}
			if got := strings.Join(tc.writer.writes, ""); bytes.Contains([]byte(got), []byte("[DONE]")) {
				t.Errorf("wrote %q to a client that left", got)
			}
		})
	}
}

func TestEventEnd(t *testing.T) {
	tests := map[string]struct {
		p    string
		from int // bytes known to hold no event end
		want int
	}{
		"no event end":                        {p: "data: 1\n", want: 0},
		"one LF event":                        {p: "data: 1\n\n", want: 9},
		"the last of several events":          {p: "data: 1\n\ndata: 2\n\ndata: 3", want: 18},
		"a CRLF event":                        {p: "data: 1\r\n\r\ndata: 2\r\n", want: 11},
		"a lone CR LF is no end":              {p: "data: 1\r\ndata: 2\r\n", want: 0},
		"an end straddling the held part":     {p: "data: 1\n\n", from: 8, want: 9},
		"a CRLF end straddling the held part": {p: "data: 1\r\n\r\n", from: 9, want: 11},
		"the held part is not searched again": {p: "x\n\nabc", from: 6, want: 0},
		"an empty read":                       {p: "", want: 0},
		"a read of one LF":                    {p: "\n", want: 0},
		"a blank line at the very start":      {p: "\n\n", want: 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := eventEnd([]byte(tc.p), tc.from); got != tc.want {
				t.Errorf("eventEnd(%q, %d) = %d, want %d", tc.p, tc.from, got, tc.want)
			}
		})
	}
}
