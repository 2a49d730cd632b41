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

package loadgen

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"testing"
)

func TestReadResponse(t *testing.T) {
	tests := map[string]struct {
		raw        string
		wantStatus int
		wantErr    error
		wantRest   string // left for the next response
	}{
		"reads a body of known length": {
			raw: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokNEXT", wantStatus: 200, wantRest: "NEXT",
		},
		"reads a chunked body and its trailer": {
			raw: "HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nX: 1\r\n\r\nNEXT", wantStatus: 404, wantRest: "NEXT",
		},
		"refuses an answer whose end cannot be found": {
			raw: "HTTP/1.1 200 OK\r\n\r\nbody", wantStatus: 200, wantErr: ErrFraming,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := bufio.NewReader(strings.NewReader(tc.raw))
			status, err := ReadResponse(r)
			if status != tc.wantStatus || !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %d, %v; want %d, %v", status, err, tc.wantStatus, tc.wantErr)
			}
			if rest, _ := r.ReadString(0); err == nil && rest != tc.wantRest {
				t.Errorf("left %q, want %q", rest, tc.wantRest)
			}
		})
	}
}

func TestConnKeepsItsConnectionAcrossRequests(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go Serve(ln, Response([]byte(`{}`)))
	c, err := Dial(ln.Addr().String(), Request("POST", "/x", "h", "application/json", []byte(`{"a":1}`)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range 3 {
		if status, err := c.Do(); status != 200 || err != nil {
			t.Fatalf("request %d: %d, %v", i, status, err)
		}
	}
}

func TestReadEvents(t *testing.T) {
	tests := map[string]struct {
		raw        string
		wantEvents int
		wantErr    error
	}{
		"counts one event per chunk": {
			raw:        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\ndata: 1\n\n\r\n9\r\ndata: 2\n\n\r\n0\r\n\r\n",
			wantEvents: 2,
		},
		"counts several events in one chunk and an event end split across chunks": {
			raw:        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n11\r\ndata: 1\n\ndata: 2\n\r\n1\r\n\n\r\n0\r\n\r\n",
			wantEvents: 2,
		},
		"refuses a stream that is not chunked": {
			raw: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\ndata: 1\n\n", wantErr: ErrFraming,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			status, events, err := ReadEvents(bufio.NewReader(strings.NewReader(tc.raw)))
			if !errors.Is(err, tc.wantErr) || status != 200 || events != tc.wantEvents {
				t.Fatalf("got %d, %d events, %v; want 200, %d, %v", status, events, err, tc.wantEvents, tc.wantErr)
			}
		})
	}
}
