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
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// chunkReader returns its chunks one Read at a time, then err.
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

func (r *chunkReader) Close() error { return nil }

func TestSSEBody(t *testing.T) {
	errReset := errors.New("connection reset by peer")
	tests := map[string]struct {
		path   string // completions route, or "" for any other stream
		chunks []string
		err    error
		// wantReads are the results of successive Reads up to the end.
		wantReads  []string
		wantBroken bool
	}{
		"passes whole events on one read at a time": {
			chunks:    []string{"data: 1\n\n", "data: 2\n\n", "data: [DONE]\n\n"},
			err:       io.EOF,
			wantReads: []string{"data: 1\n\n", "data: 2\n\n", "data: [DONE]\n\n"},
		},
		"holds an unfinished event until its end arrives": {
			chunks:    []string{"data: 1\n\ndata: ", "2\n", "\n", "data: 3\n\n"},
			err:       io.EOF,
			wantReads: []string{"data: 1\n\n", "data: 2\n\n", "data: 3\n\n"},
		},
		"understands CRLF event ends": {
			chunks:    []string{"data: 1\r\n\r\ndata: 2", "\r\n\r\n"},
			err:       io.EOF,
			wantReads: []string{"data: 1\r\n\r\n", "data: 2\r\n\r\n"},
		},
		"passes on an unterminated last event at a clean end": {
			chunks:    []string{"data: 1\n\ndata: 2"},
			err:       io.EOF,
			wantReads: []string{"data: 1\n\n", "data: 2"},
		},
		"ends a broken stream with an error event and [DONE] instead of the torn event": {
			chunks: []string{"data: 1\n\ndata: {\"tor"},
			err:    errReset,
			wantReads: []string{"data: 1\n\n",
				"data: {\"error\":{\"message\":\"upstream closed the stream before it finished: connection reset by peer\",\"type\":\"Bad Gateway\",\"param\":null,\"code\":502}}\n\ndata: [DONE]\n\n"},
			wantBroken: true,
		},
		"rewrites SGLang's error event into vLLM's shape": {
			chunks: []string{"data: {\"error\": {\"object\": \"error\", \"message\": \"boom\", \"type\": \"BadRequestError\", \"param\": null, \"code\": 400}}\n\n", "data: [DONE]\n\n"},
			err:    io.EOF,
			wantReads: []string{"data: {\"error\":{\"message\":\"boom\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}\n\n",
				"data: [DONE]\n\n"},
		},
		"adds vLLM's reasoning and stop_reason to the chunks of a chat stream, leaving the others alone": {
			path: "/v1/chat/completions",
			chunks: []string{
				"data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}\n\n",
				"data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"r\"},\"finish_reason\":null}]}\r\n\r\n",
				"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"matched_stop\":\"X\"}]}\n\ndata: [DONE]\n\n"},
			err: io.EOF,
			wantReads: []string{
				"data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}\n\n",
				"data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"r\",\"reasoning\":\"r\"},\"finish_reason\":null}]}\r\n\r\n",
				"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"matched_stop\":\"X\",\"stop_reason\":\"X\"}]}\n\ndata: [DONE]\n\n"},
		},
		"leaves the chunks of other streams alone": {
			chunks:    []string{"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"},
			err:       io.EOF,
			wantReads: []string{"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			broken := false
			b := &sseBody{
				upstream: &chunkReader{chunks: append([]string(nil), tc.chunks...), err: tc.err},
				ctx:      context.Background(),
				path:     tc.path,
				onBreak:  func(error) { broken = true },
				tail:     (&Server{}).streamTail,
			}
			var got []string
			buf := make([]byte, 4096)
			for {
				n, err := b.Read(buf)
				if n > 0 {
					got = append(got, string(buf[:n]))
				}
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.wantReads, "|") {
				t.Errorf("reads:\n%q\nwant:\n%q", got, tc.wantReads)
			}
			if broken != tc.wantBroken {
				t.Errorf("onBreak called = %v, want %v", broken, tc.wantBroken)
			}
		})
	}
}

func TestSSEBodyReturnsTheErrorWhenTheClientLeft(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errReset := errors.New("reset")
	b := &sseBody{upstream: &chunkReader{err: errReset}, ctx: ctx,
		onBreak: func(error) { t.Error("onBreak called for a client that left") }, tail: (&Server{}).streamTail}
	if _, err := b.Read(make([]byte, 10)); !errors.Is(err, errReset) {
		t.Errorf("Read error = %v, want %v", err, errReset)
	}
}
