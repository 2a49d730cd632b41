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

package upstream

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// scripted is a server whose connections are handled by serve; it counts
// the connections it accepted.
type scripted struct {
	addr     string
	accepted atomic.Int32
}

func newScripted(t *testing.T, serve func(c net.Conn, r *bufio.Reader)) *scripted {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &scripted{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			go func() {
				defer c.Close()
				serve(c, bufio.NewReader(c))
			}()
		}
	}()
	return s
}

// answerEach answers every request on a connection with answer, keeping
// the connection open.
func answerEach(answer string) func(net.Conn, *bufio.Reader) {
	return func(c net.Conn, r *bufio.Reader) {
		for {
			req, err := http.ReadRequest(r)
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, req.Body)
			if _, err := io.WriteString(c, answer); err != nil {
				return
			}
		}
	}
}

func get(t *testing.T, c *Client, ctx context.Context) (*http.Response, string) {
	t.Helper()
	res, err := c.Do(ctx, &Request{Method: http.MethodGet, Target: "/x", Header: http.Header{}})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	res.Body.Close()
	return res, string(b)
}

func TestAppendHeadDropsHopByHopAndForwardingHeaders(t *testing.T) {
	req := &Request{Method: http.MethodPost, Target: "/v1/chat/completions?x=1", Body: []byte(`{}`), Header: http.Header{
		"Content-Type":      {"application/json"},
		"Authorization":     {"Bearer k"},
		"Connection":        {"keep-alive, X-Hop"},
		"X-Hop":             {"1"},
		"Keep-Alive":        {"timeout=5"},
		"Te":                {"trailers"},
		"Transfer-Encoding": {"chunked"},
		"Upgrade":           {"websocket"},
		"Content-Length":    {"999"},
		"Host":              {"client.example"},
		"Expect":            {"100-continue"},
		"X-Forwarded-For":   {"10.0.0.1"},
		"Forwarded":         {"for=10.0.0.1"},
		"Accept":            {"a", "b"},
	}}
	head := string(appendHead(nil, req, "sglang:8001"))
	lines := strings.Split(strings.TrimSuffix(head, "\r\n\r\n"), "\r\n")
	if lines[0] != "POST /v1/chat/completions?x=1 HTTP/1.1" {
		t.Fatalf("request line %q", lines[0])
	}
	got := map[string]bool{}
	for _, l := range lines[1:] {
		got[l] = true
	}
	want := map[string]bool{
		"Host: sglang:8001": true, "Content-Type: application/json": true, "Authorization: Bearer k": true,
		"Accept: a": true, "Accept: b": true, "Content-Length: 2": true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers sent (-want +got):\n%s", diff)
	}
}

func TestAppendHeadFramesTheBody(t *testing.T) {
	tests := map[string]struct {
		method string
		body   string
		want   string // the Content-Length line, or "" for none
	}{
		"a GET without a body has no length":  {method: http.MethodGet},
		"an empty POST says Content-Length 0": {method: http.MethodPost, want: "Content-Length: 0"},
		"a GET with a body has its length":    {method: http.MethodGet, body: "abc", want: "Content-Length: 3"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			head := string(appendHead(nil, &Request{Method: tc.method, Target: "/", Body: []byte(tc.body)}, "h"))
			has := strings.Contains(head, "Content-Length")
			if (tc.want == "" && has) || (tc.want != "" && !strings.Contains(head, tc.want+"\r\n")) {
				t.Errorf("head %q, want %q", head, tc.want)
			}
		})
	}
}

func TestDoHandsBackOnlyEndToEndHeaders(t *testing.T) {
	s := newScripted(t, answerEach("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: X-Hop\r\nX-Hop: 1\r\n"+
		"Keep-Alive: timeout=5\r\nX-End-To-End: kept\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n"))
	res, body := get(t, New(s.addr), t.Context())
	want := http.Header{"Content-Type": {"application/json"}, "X-End-To-End": {"kept"}}
	if diff := cmp.Diff(want, res.Header); diff != "" || body != `{"a":1}` || res.ContentLength != -1 {
		t.Errorf("headers (-want +got):\n%s\nbody %q, length %d; want the chunks, no length", diff, body, res.ContentLength)
	}
}

func TestDoReusesConnections(t *testing.T) {
	tests := map[string]struct {
		answer string
		// readAll: the caller reads the body to its end before closing it.
		readAll bool
		want    int32 // connections after three requests
	}{
		"a body read to its end frees its connection": {
			answer: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", readAll: true, want: 1,
		},
		"a chunked body read to its end frees its connection": {
			answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", readAll: true, want: 1,
		},
		"an empty body frees its connection unread": {
			answer: "HTTP/1.1 204 No Content\r\n\r\n", want: 1,
		},
		"a body closed before its end closes its connection": {
			answer: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", want: 3,
		},
		"Connection: close is honoured": {
			answer: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", readAll: true, want: 3,
		},
		"bytes after the end of an answer make its connection unusable": {
			answer: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokJUNK", readAll: true, want: 3,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := newScripted(t, answerEach(tc.answer))
			c := New(s.addr)
			for range 3 {
				res, err := c.Do(t.Context(), &Request{Method: http.MethodGet, Target: "/", Header: http.Header{}})
				if err != nil {
					t.Fatal(err)
				}
				if tc.readAll {
					if _, err := io.ReadAll(res.Body); err != nil {
						t.Fatal(err)
					}
				}
				res.Body.Close()
			}
			if got := s.accepted.Load(); got != tc.want {
				t.Errorf("%d connections for 3 requests, want %d", got, tc.want)
			}
		})
	}
}

func TestDoRefusesWhatItCannotParse(t *testing.T) {
	tests := map[string]string{
		"an answer that switches protocols": "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
		"an answer that is not HTTP":        "SSH-2.0-OpenSSH\r\n",
	}
	for name, answer := range tests {
		t.Run(name, func(t *testing.T) {
			s := newScripted(t, answerEach(answer))
			_, err := New(s.addr).Do(t.Context(), &Request{Method: http.MethodGet, Target: "/", Header: http.Header{}})
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("Do error = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestCancelClosesTheUpstreamConnection(t *testing.T) {
	closed := make(chan struct{})
	s := newScripted(t, func(c net.Conn, r *bufio.Reader) {
		if _, err := http.ReadRequest(r); err != nil {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\ndata: 1\n\n\r\n")
		// The stream goes on until the client goes away.
		if _, err := r.ReadByte(); err != nil {
			close(closed)
		}
	})
	ctx, cancel := context.WithCancel(t.Context())
	res, err := New(s.addr).Do(ctx, &Request{Method: http.MethodPost, Target: "/", Header: http.Header{}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	buf := make([]byte, 100)
	if n, err := res.Body.Read(buf); err != nil || string(buf[:n]) != "data: 1\n\n" {
		t.Fatalf("first read %q, %v", buf[:n], err)
	}
	readErr := make(chan error, 1)
	go func() {
		_, err := res.Body.Read(buf)
		readErr <- err
	}()
	cancel()
	if err := <-readErr; err == nil {
		t.Error("a read blocked on the upstream returned no error after the cancel")
	}
	<-closed // the upstream saw the connection closed
}

// closingUpstream answers each request once and then closes the
// connection without saying so, as a server whose keep-alive timeout
// expired does.
func closingUpstream(t *testing.T) *scripted {
	return newScripted(t, func(c net.Conn, r *bufio.Reader) {
		if _, err := http.ReadRequest(r); err != nil {
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	})
}

func TestPoolDoesNotReuseAConnectionTheUpstreamClosed(t *testing.T) {
	s := closingUpstream(t)
	c := New(s.addr)
	c.pool.checkAfter = 0 // check at every reuse
	for i := 1; i <= 3; i++ {
		res, err := c.Do(t.Context(), &Request{Method: http.MethodGet, Target: "/", Header: http.Header{}})
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if b, err := io.ReadAll(res.Body); string(b) != "ok" || err != nil {
			t.Fatalf("request %d: body %q, %v", i, b, err)
		}
		res.Body.Close()
		// The upstream has closed it by the time it answers the next Accept.
		idle := c.pool.idle[len(c.pool.idle)-1]
		eventuallyTrue(t, func() bool { return !stillOpen(idle.conn) })
	}
	if n := s.accepted.Load(); n != 3 {
		t.Errorf("the upstream accepted %d connections, want 3 (one per request)", n)
	}
}

func TestSweepClosesIdleConnectionsTheUpstreamClosed(t *testing.T) {
	s := closingUpstream(t)
	c := New(s.addr)
	res, _ := get(t, c, t.Context())
	_ = res
	if len(c.pool.idle) != 1 {
		t.Fatalf("%d idle connections after a request, want 1", len(c.pool.idle))
	}
	idle := c.pool.idle[0]
	eventuallyTrue(t, func() bool { return !stillOpen(idle.conn) })
	c.pool.sweep()
	if len(c.pool.idle) != 0 {
		t.Fatalf("%d idle connections after the sweep, want 0", len(c.pool.idle))
	}
	if _, err := idle.conn.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("write on the swept connection: %v, want net.ErrClosed", err)
	}
}

func TestSweepEndsByClosingEveryIdleConnection(t *testing.T) {
	s := newScripted(t, answerEach("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	c := New(s.addr)
	get(t, c, t.Context())
	idle := c.pool.idle[0]
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { c.Sweep(ctx); close(done) }()
	cancel()
	<-done
	if _, err := idle.conn.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("write on an idle connection after Sweep ended: %v, want net.ErrClosed", err)
	}
	get(t, c, t.Context())
	if len(c.pool.idle) != 0 {
		t.Errorf("%d idle connections kept after Sweep ended, want 0", len(c.pool.idle))
	}
}

// eventuallyTrue polls cond; the test's deadline bounds it.
func eventuallyTrue(t *testing.T, cond func() bool) {
	t.Helper()
	for !cond() {
		time.Sleep(time.Millisecond)
	}
}

func TestARequestWhoseReusedConnectionClosedUnansweredIsSentAgainOnlyIfReplayable(t *testing.T) {
	tests := map[string]struct {
		method   string
		wantSent bool // the second request is sent again and answered
	}{
		"a GET is sent again on a new connection": {method: http.MethodGet, wantSent: true},
		"a POST is not sent twice":                {method: http.MethodPost},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			// Answers the first request of each connection, then reads the
			// next one and closes without answering.
			s := newScripted(t, func(c net.Conn, r *bufio.Reader) {
				if _, err := http.ReadRequest(r); err != nil {
					return
				}
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				_, _ = http.ReadRequest(r)
			})
			c := New(s.addr)
			c.pool.checkAfter = time.Hour // reuse without looking, as within 100 ms
			do := func() error {
				res, err := c.Do(t.Context(), &Request{Method: tc.method, Target: "/", Header: http.Header{}})
				if err != nil {
					return err
				}
				_, err = io.ReadAll(res.Body)
				res.Body.Close()
				return err
			}
			if err := do(); err != nil {
				t.Fatal(err)
			}
			err := do()
			var none *noAnswerError
			switch {
			case tc.wantSent && (err != nil || s.accepted.Load() != 2):
				t.Errorf("second request: %v on %d connections, want an answer on a second connection", err, s.accepted.Load())
			case !tc.wantSent && !errors.As(err, &none):
				t.Errorf("second request: %v, want the unanswered connection's error", err)
			}
		})
	}
}
