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
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestReadResponseHead(t *testing.T) {
	tests := map[string]struct {
		method, raw string
		wantStatus  int
		wantHeader  http.Header
		wantLength  int64
		wantChunked bool
		wantClose   bool
		wantErr     string
	}{
		"reads the status, the headers and the length": {
			raw:        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 2\r\nX-A: 1\r\nX-A: 2\r\n\r\n{}",
			wantStatus: 200, wantLength: 2,
			wantHeader: http.Header{"Content-Type": {"application/json"}, "Content-Length": {"2"}, "X-A": {"1", "2"}},
		},
		"notes a chunked body": {
			raw:        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
			wantStatus: 200, wantLength: -1, wantChunked: true, wantHeader: http.Header{"Transfer-Encoding": {"chunked"}},
		},
		"skips 1xx answers": {
			raw:        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
			wantStatus: 404, wantLength: 0, wantHeader: http.Header{"Content-Length": {"0"}},
		},
		"gives a HEAD answer no body whatever its length says": {
			method: http.MethodHead, raw: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n",
			wantStatus: 200, wantLength: 0, wantHeader: http.Header{"Content-Length": {"9"}},
		},
		"gives a 204 no body": {
			raw: "HTTP/1.1 204 No Content\r\n\r\n", wantStatus: 204, wantLength: 0, wantHeader: http.Header{},
		},
		"marks a connection the upstream closes": {
			raw:        "HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\n\r\n",
			wantStatus: 200, wantLength: -1, wantClose: true, wantHeader: http.Header{"Connection": {"keep-alive, Close"}},
		},
		"does not reuse an HTTP/1.0 connection": {
			raw: "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", wantStatus: 200, wantClose: true,
			wantHeader: http.Header{"Content-Length": {"0"}},
		},
		"refuses two different lengths": {
			raw: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", wantErr: "Content-Length",
		},
		"refuses a status line that is not HTTP": {
			raw: "SSH-2.0-OpenSSH\r\n\r\n", wantErr: "status line",
		},
		"refuses a header line without a colon": {
			raw: "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", wantErr: "header line",
		},
		"reports a connection closed before the headers end": {
			raw: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n", wantErr: "EOF",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			res, err := readResponseHead(bufio.NewReader(strings.NewReader(tc.raw)), method)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.status != tc.wantStatus || res.length != tc.wantLength || res.chunked != tc.wantChunked || res.close != tc.wantClose {
				t.Errorf("got status %d length %d chunked %v close %v, want %d %d %v %v",
					res.status, res.length, res.chunked, res.close, tc.wantStatus, tc.wantLength, tc.wantChunked, tc.wantClose)
			}
			if diff := cmp.Diff(tc.wantHeader, res.header); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChunkedReader(t *testing.T) {
	tests := map[string]struct {
		raw      string
		want     string
		wantErr  error
		wantRest string // what is left on the connection after the body
	}{
		"decodes chunks and consumes the trailer": {
			raw: "5\r\nhello\r\n1;ext=1\r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT", want: "hello world!", wantRest: "NEXT",
		},
		"accepts bare LF line ends": {
			raw: "2\nhi\n0\n\nNEXT", want: "hi", wantRest: "NEXT",
		},
		"reports a body cut off inside a chunk": {
			raw: "5\r\nhel", want: "hel", wantErr: io.ErrUnexpectedEOF,
		},
		"reports a body cut off before the last chunk": {
			raw: "2\r\nhi\r\n", want: "hi", wantErr: io.ErrUnexpectedEOF,
		},
		"refuses a size that is not hexadecimal": {
			raw: "zz\r\n", wantErr: errMalformed,
		},
		"refuses chunk data longer than its size": {
			raw: "2\r\nhiX\r\n0\r\n\r\n", want: "hi", wantErr: errMalformed,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := bufio.NewReader(strings.NewReader(tc.raw))
			cr := &chunkedReader{r: r}
			got, err := io.ReadAll(cr)
			if string(got) != tc.want {
				t.Errorf("body = %q, want %q", got, tc.want)
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr != nil {
				return
			}
			if !cr.done {
				t.Error("done = false after the last chunk")
			}
			if rest, _ := io.ReadAll(r); string(rest) != tc.wantRest {
				t.Errorf("left on the connection: %q, want %q", rest, tc.wantRest)
			}
		})
	}
}

func TestAppendRequestDropsHopByHopAndForwardingHeaders(t *testing.T) {
	r := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/v1/chat/completions"}, Header: http.Header{
		"Content-Type":      {"application/json"},
		"Authorization":     {"Bearer k"},
		"Connection":        {"keep-alive, X-Hop"},
		"X-Hop":             {"1"},
		"Keep-Alive":        {"timeout=5"},
		"Te":                {"trailers"},
		"Transfer-Encoding": {"chunked"},
		"Content-Length":    {"999"},
		"Expect":            {"100-continue"},
		"X-Forwarded-For":   {"10.0.0.1"},
		"Forwarded":         {"for=10.0.0.1"},
		"Accept":            {"a", "b"},
	}}
	got := string(appendRequest(nil, r, "sglang:8001", "/v1/chat/completions?x=1", []byte(`{}`)))
	head, body, _ := strings.Cut(got, "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	if lines[0] != "POST /v1/chat/completions?x=1 HTTP/1.1" || body != "{}" {
		t.Fatalf("request line %q, body %q", lines[0], body)
	}
	gotHeaders := map[string]bool{}
	for _, l := range lines[1:] {
		gotHeaders[l] = true
	}
	want := map[string]bool{
		"Host: sglang:8001": true, "Content-Type: application/json": true, "Authorization: Bearer k": true,
		"Accept: a": true, "Accept: b": true, "Content-Length: 2": true,
	}
	if diff := cmp.Diff(want, gotHeaders); diff != "" {
		t.Errorf("headers sent (-want +got):\n%s", diff)
	}
}

// closingUpstream answers each request once and then closes the
// connection without saying so, as a server whose keep-alive timeout
// expired does.
func closingUpstream(t *testing.T) (addr string, accepted func() int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	conns := make(chan struct{}, 100)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns <- struct{}{}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				if _, err := http.ReadRequest(r); err != nil {
					return
				}
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			}()
		}
	}()
	return ln.Addr().String(), func() int { return len(conns) }
}

func TestPoolDoesNotReuseAConnectionTheUpstreamClosed(t *testing.T) {
	addr, accepted := closingUpstream(t)
	p := newUpstreamPool(addr)
	p.checkAfter = 0 // check at every reuse
	for i := 1; i <= 3; i++ {
		c, err := p.get(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(c.conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatalf("request %d: write: %v", i, err)
		}
		res, err := readResponseHead(c.r, http.MethodGet)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		body, done := res.body(c.r)
		if b, _ := io.ReadAll(body); string(b) != "ok" || !done() {
			t.Fatalf("request %d: body %q", i, b)
		}
		p.put(c)
		// The upstream has closed it by the time it answers the next Accept.
		eventuallyTrue(t, func() bool { return !stillOpen(c.conn) })
	}
	if n := accepted(); n != 3 {
		t.Errorf("the upstream accepted %d connections, want 3 (one per request)", n)
	}
}

func TestSweepClosesIdleConnectionsTheUpstreamClosed(t *testing.T) {
	addr, _ := closingUpstream(t)
	p := newUpstreamPool(addr)
	c, err := p.get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(c.conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := readResponseHead(c.r, http.MethodGet); err != nil {
		t.Fatal(err)
	}
	p.put(c)
	eventuallyTrue(t, func() bool { return !stillOpen(c.conn) })
	p.sweep()
	if len(p.idle) != 0 {
		t.Fatalf("%d idle connections after the sweep, want 0", len(p.idle))
	}
	if _, err := c.conn.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("write on the swept connection: %v, want net.ErrClosed", err)
	}
}

// eventuallyTrue polls cond; the test's deadline bounds it.
func eventuallyTrue(t *testing.T, cond func() bool) {
	t.Helper()
	for !cond() {
		time.Sleep(time.Millisecond)
	}
}

// rawUpstream serves one canned answer per connection, then closes it.
func rawUpstream(t *testing.T, answer string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				_, _ = io.WriteString(c, answer)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestCompletionsAnswersLoseHopByHopHeaders(t *testing.T) {
	up := rawUpstream(t, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: X-Hop\r\nX-Hop: 1\r\n"+
		"Keep-Alive: timeout=5\r\nX-End-To-End: kept\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n")
	p := startProxy(t, func(o *Options) { o.Upstream = up; o.HealthInterval = time.Hour })
	res, body := do(t, http.MethodPost, p.url+"/v1/chat/completions", `{"model":"m","logprobs":true}`, nil)
	if res.StatusCode != 200 || body != `{"a":1}` {
		t.Fatalf("got %d %q, want 200 {\"a\":1}", res.StatusCode, body)
	}
	for _, h := range []string{"X-Hop", "Keep-Alive"} {
		if v := res.Header.Get(h); v != "" {
			t.Errorf("hop-by-hop header %s: %q reached the client", h, v)
		}
	}
	if res.Header.Get("X-End-To-End") != "kept" || res.Header.Get(ModifiedHeader) != "stripped=logprobs" {
		t.Errorf("headers %v, want X-End-To-End and %s kept", res.Header, ModifiedHeader)
	}
}

func TestCompletionsAnswerCutOff(t *testing.T) {
	tests := map[string]struct {
		answer     string
		wantStatus int    // 0: the client's read must fail
		wantBody   string // substring
	}{
		"a cut-off answer the proxy translates becomes a 502 in vLLM's shape": {
			answer:     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"choi",
			wantStatus: http.StatusBadGateway, wantBody: `"code":502`,
		},
		"a cut-off answer passed on as it comes reaches the client cut off": {
			answer: "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 100\r\n\r\npartial",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := startProxy(t, func(o *Options) { o.Upstream = rawUpstream(t, tc.answer); o.HealthInterval = time.Hour })
			res, err := http.Post(p.url+"/v1/completions", "application/json", strings.NewReader(`{"model":"m"}`))
			if err != nil && tc.wantStatus == 0 {
				return // cut off before the headers even arrived
			}
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			switch {
			case tc.wantStatus == 0 && err == nil:
				t.Fatalf("the client read a cut-off answer as complete: %d %q", res.StatusCode, body)
			case tc.wantStatus != 0 && (err != nil || res.StatusCode != tc.wantStatus || !strings.Contains(string(body), tc.wantBody)):
				t.Fatalf("got %d %q (%v), want %d with %s", res.StatusCode, body, err, tc.wantStatus, tc.wantBody)
			}
		})
	}
}

func TestAStreamWithALengthIsRewrittenWithoutIt(t *testing.T) {
	events := "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"matched_stop\":2}]}\n\ndata: [DONE]\n\n"
	up := rawUpstream(t, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: "+
		strconv.Itoa(len(events))+"\r\n\r\n"+events)
	p := startProxy(t, func(o *Options) { o.Upstream = up; o.HealthInterval = time.Hour })
	res, body := do(t, http.MethodPost, p.url+"/v1/chat/completions", `{"model":"m","stream":true}`, nil)
	want := "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"matched_stop\":2,\"stop_reason\":null}]}\n\ndata: [DONE]\n\n"
	if res.StatusCode != 200 || body != want {
		t.Fatalf("got %d %q, want 200 %q", res.StatusCode, body, want)
	}
}
