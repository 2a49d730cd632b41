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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/fakesglang"
)

// conn opens a connection to the proxy and writes s on it.
func (p *testProxy) conn(t *testing.T, s string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if s != "" {
		if _, err := io.WriteString(c, s); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// readAnswer reads one answer from c.
func readAnswer(t *testing.T, c net.Conn) (*http.Response, string) {
	t.Helper()
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading an answer: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// closed reports whether the proxy closed c (a read ends without data),
// waiting at most 10 s.
func closed(c net.Conn) bool {
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

// postHead is the head of a chat completion declaring n body bytes.
func postHead(n int) string {
	return fmt.Sprintf("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", n)
}

// wantVLLMError checks vLLM's error envelope with code.
func wantVLLMError(t *testing.T, res *http.Response, body string, code int) {
	t.Helper()
	var e struct{ Error struct{ Code int } }
	if res.StatusCode != code || json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != code {
		t.Errorf("answer %s %s, want %d in vLLM's error shape", res.Status, body, code)
	}
}

func TestBodyMemoryFollowsWhatArrivedNotWhatWasDeclared(t *testing.T) {
	p := startProxy(t, nil)
	const n = 20
	for range n {
		p.conn(t, postHead(32<<20)+strings.Repeat("x", 4096))
	}
	// Each holds its first buffer, 16 KiB, whatever it declared.
	waitFor(t, "every body's first buffer", func() bool { return p.srv.bodyBudget.held.Load() == n*initialBodyBuffer })
	c := p.conn(t, postHead(200<<10)+strings.Repeat("x", 100<<10))
	waitFor(t, "a body's buffer grown with what arrived", func() bool {
		return p.srv.bodyBudget.held.Load() == n*initialBodyBuffer+128<<10
	})
	c.Close()
	waitFor(t, "the closed body's memory given back", func() bool { return p.srv.bodyBudget.held.Load() == n*initialBodyBuffer })
}

func TestBodiesOverTheMemoryBudgetGet503AndOthersAreServed(t *testing.T) {
	p := startProxy(t, func(o *Options) { o.MaxBodyBytes, o.BodyMemoryBytes = 1<<20, 1<<20 })
	var stalled []net.Conn
	for range 3 { // 200 KiB declared, 190 KiB sent: 200 KiB held each
		stalled = append(stalled, p.conn(t, postHead(200<<10)+strings.Repeat("x", 190<<10)))
	}
	waitFor(t, "three bodies held", func() bool { return p.srv.bodyBudget.held.Load() == 3*200<<10 })
	// Growing from 256 KiB to 500 KiB takes 756 KiB while the copy is made.
	c := p.conn(t, postHead(500<<10)+strings.Repeat("x", 400<<10))
	res, body := readAnswer(t, c)
	wantVLLMError(t, res, body, http.StatusServiceUnavailable)
	if res.Header.Get("Retry-After") == "" || !res.Close {
		t.Errorf("503 headers %v: want Retry-After and Connection: close", res.Header)
	}
	// A small body still fits in what is left.
	if res, body := do(t, "POST", p.url+"/v1/chat/completions", chatBody, nil); res.StatusCode != 200 {
		t.Errorf("a small request beside the held bodies: %d %s", res.StatusCode, body)
	}
	for _, c := range stalled {
		c.Close()
	}
	waitFor(t, "the budget given back", func() bool { return p.srv.bodyBudget.held.Load() == 0 })
	if n := len(p.fake.Requests()); n != 1 {
		t.Errorf("SGLang received %d requests, want the small one only", n)
	}
}

func TestASlowBodyGets408AndItsConnectionIsClosed(t *testing.T) {
	p := startProxy(t, func(o *Options) { o.BodyTimeout, o.BodyMinRate = 50*time.Millisecond, 1000 })
	c := p.conn(t, postHead(1000)+"{")
	res, body := readAnswer(t, c)
	wantVLLMError(t, res, body, http.StatusRequestTimeout)
	if !closed(c) {
		t.Error("the connection stayed open")
	}
	// A body no handler reads (net/http discards it after the answer) is
	// bounded by the same deadline.
	c = p.conn(t, "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
	if res, _ := readAnswer(t, c); res.StatusCode != 200 {
		t.Errorf("POST /health = %d", res.StatusCode)
	}
	if !closed(c) {
		t.Error("the connection of an unread trickling body stayed open")
	}
	waitFor(t, "the budget given back", func() bool { return p.srv.bodyBudget.held.Load() == 0 })
	if n := len(p.fake.Requests()); n != 0 {
		t.Errorf("SGLang received %d requests, want none", n)
	}
}

func TestBodiesThatKeepTheMinimumRateArrive(t *testing.T) {
	// The allowance is far above the time the pieces take even on a loaded
	// machine: the verdict must not depend on how fast the sleeps return.
	p := startProxy(t, func(o *Options) { o.BodyTimeout, o.BodyMinRate = 5*time.Second, 1<<20 })
	c := p.conn(t, postHead(len(chatBody)))
	for i := range chatBody { // a byte every millisecond, one read each, well within the first 5 s
		if _, err := io.WriteString(c, chatBody[i:i+1]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	if res, body := readAnswer(t, c); res.StatusCode != 200 {
		t.Errorf("answer %s %s, want 200", res.Status, body)
	}
}

func TestMalformedBodiesAreClientErrors(t *testing.T) {
	p := startProxy(t, nil)
	for name, req := range map[string]string{
		"a malformed chunk on a streamed route": "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
		"a short body":                          postHead(100) + "{}",
	} {
		t.Run(name, func(t *testing.T) {
			c := p.conn(t, req)
			if strings.HasPrefix(name, "a short") {
				_ = c.(*net.TCPConn).CloseWrite()
			}
			res, body := readAnswer(t, c)
			wantVLLMError(t, res, body, http.StatusBadRequest)
		})
	}
	if n := len(p.fake.Requests()); n != 0 {
		t.Errorf("SGLang received %d requests, want none", n)
	}
	_, own := do(t, "GET", p.url+"/proxy/metrics", "", nil)
	if strings.Contains(own, "upstream_errors_total") {
		t.Errorf("client errors counted as upstream errors:\n%s", own)
	}
}

func TestHeadCounter(t *testing.T) {
	head := func(fields int) string {
		var b strings.Builder
		b.WriteString("GET / HTTP/1.1\r\n")
		for i := range fields {
			fmt.Fprintf(&b, "X-%d: v\r\n", i)
		}
		return b.String() + "\r\n"
	}
	tests := map[string]struct {
		in     []string // the reads
		wantOK bool
	}{
		"as many fields as allowed":                  {in: []string{head(3)}, wantOK: true},
		"one more":                                   {in: []string{head(4)}},
		"split in single bytes":                      {in: strings.Split(head(4), "")},
		"LF line ends":                               {in: []string{strings.ReplaceAll(head(4), "\r\n", "\n")}},
		"the body's lines are not counted":           {in: []string{head(3) + "a\nb\nc\nd\ne\n"}, wantOK: true},
		"a body after the head in later reads":       {in: []string{head(3), "a\nb\nc\nd\ne\n"}, wantOK: true},
		"empty lines before the request line":        {in: []string{"\r\n\r\n" + head(3)}, wantOK: true},
		"an empty line split between two reads":      {in: []string{strings.TrimSuffix(head(3), "\n"), "\n", "a\nb\nc\nd\ne\n"}, wantOK: true},
		"a CR alone does not make a line of content": {in: []string{"GET / HTTP/1.1\r\n\r\r\n" + "a\nb\nc\nd\n"}, wantOK: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := headCounter{max: 3}
			ok := true
			for _, p := range tc.in {
				ok = ok && h.scan([]byte(p))
			}
			if ok != tc.wantOK {
				t.Errorf("scan = %v, want %v", ok, tc.wantOK)
			}
		})
	}
	h := headCounter{max: 3}
	h.scan([]byte(head(3)))
	h.reset()
	if h.scan([]byte(head(4))) {
		t.Error("after reset, the next head's fields are not counted")
	}
}

func TestTooManyHeaderFieldsGet431BeforeTheyAreParsed(t *testing.T) {
	p := startProxy(t, func(o *Options) { o.MaxHeaderFields = 10 })
	fields := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "X-%d: v\r\n", i)
		}
		return b.String()
	}
	// Host and 9 more: as many as allowed.
	c := p.conn(t, "GET /v1/models HTTP/1.1\r\nHost: x\r\n"+fields(9)+"\r\n")
	if res, body := readAnswer(t, c); res.StatusCode != 200 {
		t.Errorf("10 fields: %s %s", res.Status, body)
	}
	// The same connection's next head is counted afresh.
	if _, err := io.WriteString(c, "GET /v1/models HTTP/1.1\r\nHost: x\r\n"+fields(10)+"\r\n"); err != nil {
		t.Fatal(err)
	}
	if res, _ := readAnswer(t, c); res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("11 fields on a reused connection: %s, want 431", res.Status)
	}
	// A head that never ends is cut at the field over the limit.
	c = p.conn(t, "GET /v1/models HTTP/1.1\r\nHost: x\r\n"+fields(10))
	if res, _ := readAnswer(t, c); res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("an unfinished head of 11 fields: %s, want 431", res.Status)
	}
	if !closed(c) {
		t.Error("the connection stayed open")
	}
}

func TestMaxConnections(t *testing.T) {
	p := startProxy(t, func(o *Options) { o.MaxConnections = 4 })
	get := "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n"
	wait := func(n int) {
		t.Helper()
		waitFor(t, fmt.Sprintf("%d connections open", n), func() bool { return p.srv.conns.open() == n })
	}
	http.DefaultClient.CloseIdleConnections() // startProxy's health checks
	wait(0)
	// fifth opens a connection over the limit and reads the answer.
	fifth := func() *http.Response {
		c := p.conn(t, get)
		defer c.Close()
		res, _ := readAnswer(t, c)
		return res
	}

	t.Run("the longest idle connection makes room", func(t *testing.T) {
		var idle []net.Conn
		for range 4 {
			c := p.conn(t, get)
			readAnswer(t, c)
			idle = append(idle, c)
			time.Sleep(2 * time.Millisecond) // distinct idle times
		}
		wait(4)
		if res := fifth(); res.StatusCode != 200 {
			t.Errorf("a fifth connection: %d", res.StatusCode)
		}
		if !closed(idle[0]) {
			t.Error("the longest idle connection is still open")
		}
		for _, c := range idle {
			c.Close()
		}
		wait(0)
	})

	t.Run("so does a connection still sending its head", func(t *testing.T) {
		var slow []net.Conn
		for range 4 {
			slow = append(slow, p.conn(t, "GET /v1/models HTTP/1.1\r\nHost"))
		}
		wait(4)
		if res := fifth(); res.StatusCode != 200 {
			t.Errorf("a fifth connection: %d", res.StatusCode)
		}
		if !closed(slow[0]) {
			t.Error("the oldest unfinished head is still open")
		}
		for _, c := range slow {
			c.Close()
		}
		wait(0)
	})

	t.Run("when all have requests in progress, the next gets 503", func(t *testing.T) {
		var busy []net.Conn
		for range 4 {
			busy = append(busy, p.conn(t, postHead(100)+"{"))
		}
		waitFor(t, "four bodies being read", func() bool { return p.srv.bodyBudget.held.Load() == 4*100 })
		c := p.conn(t, get)
		res, body := readAnswer(t, c)
		wantVLLMError(t, res, body, http.StatusServiceUnavailable)
		if !closed(c) {
			t.Error("the refused connection stayed open")
		}
		for _, c := range busy {
			c.Close()
		}
		wait(0)
		if res := fifth(); res.StatusCode != 200 {
			t.Errorf("once they are gone: %d", res.StatusCode)
		}
	})
}

func TestVersion(t *testing.T) {
	const key = "sk-secret-key"
	tests := map[string]struct {
		encoding string
		method   string
		wantCode int
		wantBody string
	}{
		"GET":                               {method: "GET", wantCode: 200, wantBody: `{"version":"0.0.0-fake"}`},
		"HEAD gets GET's headers":           {method: "HEAD", wantCode: 200},
		"a gzip answer is decompressed":     {encoding: "gzip", method: "GET", wantCode: 200, wantBody: `{"version":"0.0.0-fake"}`},
		"another encoding is never relayed": {encoding: "br", method: "GET", wantCode: 502},
		"POST is FastAPI's 405":             {method: "POST", wantCode: 405, wantBody: `{"detail":"Method Not Allowed"}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := startProxyWith(t, listen(t), fakesglang.Options{APIKey: key, ServerInfoEncoding: tc.encoding}, nil)
			res, body := do(t, tc.method, p.url+"/version", "", http.Header{"Authorization": {"Bearer " + key}, "Accept-Encoding": {"gzip"}})
			if res.StatusCode != tc.wantCode || !strings.Contains(body, tc.wantBody) || strings.Contains(body, key) {
				t.Errorf("%s /version = %d %s; want %d with %s and never the API key", tc.method, res.StatusCode, body, tc.wantCode, tc.wantBody)
			}
			if tc.method == "HEAD" && (body != "" || res.ContentLength != int64(len(`{"version":"0.0.0-fake"}`))) {
				t.Errorf("HEAD /version: body %q, length %d", body, res.ContentLength)
			}
			if last := p.lastRequest(); tc.wantCode != 405 && (last == nil || last.Method != "GET" || last.Header.Get("Accept-Encoding") != "") {
				t.Errorf("SGLang received %+v, want a GET without Accept-Encoding", last)
			}
		})
	}
	t.Run("an SGLang error is a 502 without SGLang's body", func(t *testing.T) {
		p := startProxyWith(t, listen(t), fakesglang.Options{APIKey: key}, nil)
		res, body := do(t, "GET", p.url+"/version", "", nil) // no key: SGLang answers 401
		if res.StatusCode != 502 || strings.Contains(body, "Unauthorized") {
			t.Errorf("/version = %d %s, want 502 saying nothing of SGLang's answer", res.StatusCode, body)
		}
	})
}

// Request bodies reach the log only at debug level: any client can make
// SGLang answer an error.
func TestErrorLogsCarryBodiesOnlyAtDebugLevel(t *testing.T) {
	const secret = "my secret prompt"
	body := `{"model":"m","messages":[{"role":"user","content":"` + secret + `"}],` +
		`"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":[]}}}]}`
	for verbosity, wantSecret := range map[int]bool{0: false, 1: true} {
		var logged strings.Builder
		log := funcr.New(func(prefix, args string) { logged.WriteString(args + "\n") }, funcr.Options{Verbosity: verbosity})
		p := startProxyLogging(t, listen(t), fakesglang.Options{}, log, func(o *Options) { o.FixToolSchemas = false })
		if res, _ := do(t, "POST", p.url+"/v1/chat/completions", body, nil); res.StatusCode != 400 {
			t.Fatalf("status %d, want SGLang's 400", res.StatusCode)
		}
		out := logged.String()
		if !strings.Contains(out, "Upstream answered an error") || strings.Contains(out, secret) != wantSecret {
			t.Errorf("verbosity %d: log\n%s\nwant the error logged, with the prompt: %v", verbosity, out, wantSecret)
		}
	}
}
