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
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// scriptedUpstream is an upstream whose connections serve handles; it
// returns its URL.
func scriptedUpstream(t *testing.T, serve func(c net.Conn, r *bufio.Reader)) string {
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
				serve(c, bufio.NewReader(c))
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// rawUpstream serves one canned answer per connection, then closes it.
func rawUpstream(t *testing.T, answer string) string {
	return scriptedUpstream(t, func(c net.Conn, r *bufio.Reader) {
		if _, err := http.ReadRequest(r); err != nil {
			return
		}
		_, _ = io.WriteString(c, answer)
	})
}

// seen is a request as the upstream received it.
type seen struct {
	method, target, body string
	header               http.Header
}

// recordingUpstream answers every request with answer and sends what it
// received, health checks aside, on the returned channel.
func recordingUpstream(t *testing.T, answer string) (string, <-chan seen) {
	got := make(chan seen, 100)
	url := scriptedUpstream(t, func(c net.Conn, r *bufio.Reader) {
		for {
			req, err := http.ReadRequest(r)
			if err != nil {
				return
			}
			b, _ := io.ReadAll(req.Body)
			if req.URL.Path != "/health" { // the proxy's own check
				got <- seen{req.Method, req.RequestURI, string(b), req.Header}
			}
			if _, err := io.WriteString(c, answer); err != nil {
				return
			}
		}
	})
	return url, got
}

func TestEveryRouteIsForwardedOnTheOnePath(t *testing.T) {
	const answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 29\r\n\r\n{\"text\":\"t\",\"version\":\"9.9\"}\n"
	up, received := recordingUpstream(t, answer)
	p := startProxy(t, func(o *Options) { o.Upstream = up; o.HealthInterval = time.Hour })
	concrete := strings.NewReplacer("{model...}", "org/model", "{id}", "resp_1")
	for _, rt := range forwardedRoutes {
		path := concrete.Replace(rt.pattern)
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(method+" "+path, func(t *testing.T) {
				body := ""
				if method == http.MethodPost {
					body = `{"model":"m","input":"x"}`
				}
				res, got := do(t, method, p.url+path+"?q=1", body, http.Header{"Authorization": {"Bearer k"}})
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d (%s), want 200", res.StatusCode, got)
				}
				r := <-received
				wantPath := path
				if rt.upstream != "" {
					wantPath = rt.upstream
				}
				if r.method != method || r.target != wantPath+"?q=1" || r.body != body || r.header.Get("Authorization") != "Bearer k" {
					t.Errorf("SGLang received %s %s %q (Authorization %q), want %s %s?q=1 %q with the client's headers",
						r.method, r.target, r.body, r.header.Get("Authorization"), method, wantPath, body)
				}
			})
		}
	}
}

func TestAnswersLoseHopByHopHeaders(t *testing.T) {
	for _, path := range []string{"/v1/chat/completions", "/v1/embeddings"} {
		t.Run(path, func(t *testing.T) {
			up := rawUpstream(t, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: X-Hop\r\nX-Hop: 1\r\n"+
				"Keep-Alive: timeout=5\r\nUpgrade: h2c\r\nX-End-To-End: kept\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n")
			p := startProxy(t, func(o *Options) { o.Upstream = up; o.HealthInterval = time.Hour })
			res, body := do(t, http.MethodPost, p.url+path, `{"model":"m","logprobs":true}`, nil)
			if res.StatusCode != 200 || !strings.HasPrefix(body, `{"a":1`) {
				t.Fatalf("got %d %q, want 200 {\"a\":1}", res.StatusCode, body)
			}
			for _, h := range []string{"X-Hop", "Keep-Alive", "Upgrade"} {
				if v := res.Header.Get(h); v != "" {
					t.Errorf("hop-by-hop header %s: %q reached the client", h, v)
				}
			}
			if res.Header.Get("X-End-To-End") != "kept" {
				t.Errorf("headers %v, want X-End-To-End kept", res.Header)
			}
		})
	}
}

func TestUpgradeIsNotForwarded(t *testing.T) {
	up, received := recordingUpstream(t, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
	p := startProxy(t, func(o *Options) { o.Upstream = up; o.HealthInterval = time.Hour })
	res, _ := do(t, http.MethodGet, p.url+"/v1/models", "", http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}})
	r := <-received
	if res.StatusCode != 200 || r.header.Get("Upgrade") != "" || r.header.Get("Connection") != "" {
		t.Errorf("status %d; SGLang received Upgrade %q, Connection %q; want neither", res.StatusCode, r.header.Get("Upgrade"), r.header.Get("Connection"))
	}
}

func TestAnswerCutOff(t *testing.T) {
	tests := map[string]struct {
		path       string
		answer     string
		wantStatus int    // 0: the client's read must fail
		wantBody   string // substring
	}{
		"a cut-off answer the proxy translates becomes a 502 in vLLM's shape": {
			path:       "/v1/completions",
			answer:     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"choi",
			wantStatus: http.StatusBadGateway, wantBody: `"code":502`,
		},
		"a cut-off answer passed on as it comes reaches the client cut off": {
			path:   "/v1/completions",
			answer: "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 100\r\n\r\npartial",
		},
		"a cut-off answer of a route that is not translated reaches the client cut off": {
			path:   "/v1/embeddings",
			answer: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\n",
		},
		"a connection closed before the answer's head is a 502 in vLLM's shape": {
			path: "/v1/embeddings", answer: "HTTP/1.1 200 OK\r\n",
			wantStatus: http.StatusBadGateway, wantBody: `"message":"upstream unavailable: `,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := startProxy(t, func(o *Options) { o.Upstream = rawUpstream(t, tc.answer); o.HealthInterval = time.Hour })
			res, err := http.Post(p.url+tc.path, "application/json", strings.NewReader(`{"model":"m"}`))
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

func TestStreamsOfEveryRoute(t *testing.T) {
	finish := "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"matched_stop\":2}]}\n\n"
	sglangError := "data: {\"error\": {\"object\": \"error\", \"message\": \"boom\", \"type\": \"BadRequestError\", \"param\": null, \"code\": 400}}\n\n"
	vllmError := "data: {\"error\":{\"message\":\"boom\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}\n\n"
	tests := map[string]struct {
		path   string
		answer string
		want   string
	}{
		"a chat stream with a length loses it and gets vLLM's stop_reason": {
			path:   "/v1/chat/completions",
			answer: "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " + strconv.Itoa(len(finish+"data: [DONE]\n\n")) + "\r\n\r\n" + finish + "data: [DONE]\n\n",
			want:   "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"matched_stop\":2,\"stop_reason\":null}]}\n\ndata: [DONE]\n\n",
		},
		"a stream of another route keeps its chunks but gets vLLM's error events": {
			path:   "/v1/responses",
			answer: "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(finish, sglangError, "data: [DONE]\n\n") + "0\r\n\r\n",
			want:   finish + vllmError + "data: [DONE]\n\n",
		},
		"a stream of an --allow-path route is passed on the same way": {
			path:   "/generate",
			answer: "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked("data: {\"text\":\"a\"}\n\n", "data: [DONE]\n\n") + "0\r\n\r\n",
			want:   "data: {\"text\":\"a\"}\n\ndata: [DONE]\n\n",
		},
		"a stream broken by the upstream ends with an error event and [DONE]": {
			path:   "/v1/messages",
			answer: "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked("data: 1\n\ndata: {\"to"),
			want: "data: 1\n\ndata: {\"error\":{\"message\":\"upstream closed the stream before it finished: unexpected EOF\"," +
				"\"type\":\"Bad Gateway\",\"param\":null,\"code\":502}}\n\ndata: [DONE]\n\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := startProxy(t, func(o *Options) {
				o.Upstream = rawUpstream(t, tc.answer)
				o.HealthInterval = time.Hour
				o.AllowPaths = []string{"/generate"}
			})
			res, body := do(t, http.MethodPost, p.url+tc.path, `{"model":"m","stream":true}`, nil)
			if res.StatusCode != 200 || body != tc.want || res.ContentLength != -1 {
				t.Fatalf("got %d (length %d) %q, want 200 without a length %q", res.StatusCode, res.ContentLength, body, tc.want)
			}
		})
	}
}

// chunked frames each part as one chunk; no last chunk.
func chunked(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		fmt.Fprintf(&b, "%x\r\n%s\r\n", len(p), p)
	}
	return b.String()
}

// countingListener counts the writes on the connections it accepts.
type countingListener struct {
	net.Listener
	writes atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, writes: &l.writes}, nil
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// TestEventsThatArriveTogetherLeaveInOneWrite drives the upstream step by
// step: it sends the next events only when the test says so, which the
// test does only after the client has read the earlier ones. So an event
// the proxy held back (waiting for more) would hang the test rather than
// slow it.
func TestEventsThatArriveTogetherLeaveInOneWrite(t *testing.T) {
	steps := make(chan string, 1)
	up := scriptedUpstream(t, func(c net.Conn, r *bufio.Reader) {
		req, err := http.ReadRequest(r)
		if err != nil {
			return
		}
		if req.URL.Path == "/health" {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			return
		}
		head := "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
		for s := range steps {
			// One write: the proxy gets it in one read.
			if _, err := io.WriteString(c, head+s); err != nil {
				return
			}
			head = ""
		}
	})
	ln := &countingListener{Listener: listen(t)}
	p := startProxyOn(t, ln, func(o *Options) { o.Upstream = up; o.HealthInterval = time.Hour })
	var events *bufio.Reader
	readEvents := func(n int) string {
		t.Helper()
		var got strings.Builder
		for range n {
			for {
				line, err := events.ReadString('\n')
				if err != nil {
					t.Fatalf("reading events: %v (got %q)", err, got.String())
				}
				got.WriteString(line)
				if line == "\n" {
					break
				}
			}
		}
		return got.String()
	}

	tests := []struct {
		name   string
		events []string // sent by the upstream in one write, one chunk each
		// wantWrites is how many writes on the client's connection they take.
		wantWrites int64
	}{
		{"a lone event reaches the client before the upstream sends anything more", []string{"data: 1\n\n"}, 1},
		{"three events that arrive together leave in one write", []string{"data: 2\n\n", "data: 3\n\n", "data: 4\n\n"}, 1},
		{"an event that arrives on its own after them is not held either", []string{"data: 5\n\n"}, 1},
		{"two events in one chunk that arrive together leave in one write", []string{"data: 6\n\ndata: 7\n\n"}, 1},
	}
	for i, step := range tests {
		before := ln.writes.Load()
		steps <- chunked(step.events...)
		if i == 0 {
			// The answer's head comes with the first event.
			res, err := http.Post(p.url+"/v1/chat/completions", "application/json", strings.NewReader(`{"model":"m","stream":true}`))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			events = bufio.NewReader(res.Body)
		}
		want := strings.Join(step.events, "")
		if got := readEvents(strings.Count(want, "\n\n")); got != want {
			t.Fatalf("%s: client read %q, want %q", step.name, got, want)
		}
		if got := ln.writes.Load() - before; got != step.wantWrites {
			t.Errorf("%s: %d writes to the client, want %d", step.name, got, step.wantWrites)
		}
	}
	close(steps)
}

func TestClientCancelClosesTheUpstreamRequest(t *testing.T) {
	for _, path := range []string{"/v1/chat/completions", "/v1/messages"} {
		t.Run(path, func(t *testing.T) {
			upstreamClosed := make(chan struct{})
			up := scriptedUpstream(t, func(c net.Conn, r *bufio.Reader) {
				req, err := http.ReadRequest(r)
				if err != nil || req.URL.Path != path {
					return // the proxy's health check fails, which changes nothing here
				}
				_, _ = io.Copy(io.Discard, req.Body)
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"+chunked("data: 1\n\n"))
				// The generation goes on until the proxy closes the connection.
				if _, err := r.ReadByte(); err != nil {
					close(upstreamClosed)
				}
			})
			p := startProxy(t, func(o *Options) { o.Upstream = up; o.HealthInterval = time.Hour })
			ctx, cancel := context.WithCancel(t.Context())
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.url+path, strings.NewReader(`{"stream":true}`))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if line, err := bufio.NewReader(res.Body).ReadString('\n'); err != nil || line != "data: 1\n" {
				t.Fatalf("first line %q, %v", line, err)
			}
			cancel()
			res.Body.Close()
			<-upstreamClosed
		})
	}
}
