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

package proxy_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/metrics"
)

// The hostile-client suite: raw sockets on loopback against the real
// proxy binary in front of the fake SGLang binary, one test per way a
// client was once able to make the proxy work, hold memory or forward
// what it should not (docs/proxy.md, "Limits and hostile input"). Counts
// are small enough for two shared cores; every wait is
// bounded by the test deadline (eventually) or a read deadline, and
// nothing is judged by how fast it ran.

// addr is the proxy's host:port.
func (p *proxyProc) addr() string { return strings.TrimPrefix(p.url, "http://") }

// dial opens a raw connection to the proxy and writes s on it; the test
// closes it at its end.
func (p *proxyProc) dial(t *testing.T, s string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", p.addr())
	if err != nil {
		t.Fatalf("dialing the proxy: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if s != "" {
		if _, err := io.WriteString(c, s); err != nil {
			t.Fatalf("writing to the proxy: %v", err)
		}
	}
	return c
}

// rawAnswer reads one answer from c, waiting at most readWait.
func rawAnswer(t *testing.T, c net.Conn) (*http.Response, string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(readWait))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the proxy's answer: %v", err)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the proxy's answer body: %v", err)
	}
	return res, string(b)
}

// readWait bounds a read from the proxy in this suite.
const readWait = 30 * time.Second

// closedByProxy reports whether the proxy closed c: a read ends without
// data (waiting at most readWait).
func closedByProxy(c net.Conn) bool {
	_ = c.SetReadDeadline(time.Now().Add(readWait))
	buf := make([]byte, 4096)
	for {
		_, err := c.Read(buf)
		if err == nil {
			continue // an answer before the close
		}
		var ne net.Error
		return !(errors.As(err, &ne) && ne.Timeout())
	}
}

// vllmError checks vLLM's error envelope with code.
func vllmError(t *testing.T, res *http.Response, body string, code int) {
	t.Helper()
	var e struct{ Error struct{ Code int } }
	if res.StatusCode != code || json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != code {
		t.Errorf("answer %s %s, want %d in vLLM's error shape", res.Status, body, code)
	}
}

// chat is a small chat completion; served says it was answered 200.
func (p *proxyProc) chat(t *testing.T) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, p.url+"/v1/chat/completions",
		strings.NewReader(`{"model":"fake/model","messages":[{"role":"user","content":"hi"}]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Close = true
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("a normal chat request: %v", err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// health GETs /health on a new connection.
func (p *proxyProc) health(t *testing.T) int {
	t.Helper()
	c := p.dial(t, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	res, _ := rawAnswer(t, c)
	c.Close()
	return res.StatusCode
}

// vmRSS is a process's resident memory in bytes.
func vmRSS(t *testing.T, pid int) float64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err != nil {
				t.Fatalf("parsing %q: %v", line, err)
			}
			return kb * 1024
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// bodyHead is a chat completion's head declaring n body bytes, with extra
// header lines.
func bodyHead(n int, extra string) string {
	return fmt.Sprintf("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n", extra, n)
}

// bigHead is the largest head the default limits let through: 95 tiny
// fields and a 28 KB one (with the others, 100 fields and 30 KB).
func bigHead() string {
	var b strings.Builder
	for i := range 95 {
		fmt.Fprintf(&b, "%x:\r\n", i)
	}
	b.WriteString("X-Big: " + strings.Repeat("a", 28000) + "\r\n")
	return b.String()
}

const mib = 1 << 20

// memory was promised to whoever declared it (60 connections
// declaring 32 MiB took RSS from 426 to 907 MiB) and bodies had no read
// deadline. Now: bodies declaring 32 MiB and sending 4 KiB, heads that
// never end and the largest heads the limits allow, all at once, keep the
// heap within what arrived, and normal requests are served meanwhile.
func TestHostileSlowAndOverDeclaredClientsKeepTheHeapBounded(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url)
	p.waitHealth(t, http.StatusOK)
	const heapSeries, stackSeries = "vllm_to_sglang_proxy_go_memstats_heap_inuse_bytes", "vllm_to_sglang_proxy_go_memstats_stack_inuse_bytes"
	const conns = "vllm_to_sglang_proxy_client_connections"
	baseHeap := p.metric(t, heapSeries) + p.metric(t, stackSeries)
	baseRSS := vmRSS(t, p.pid())

	const overDeclared, slowHeads, bigHeads = 300, 200, 100
	for range overDeclared { // 32 MiB declared, 4 KiB sent: 9.6 GB if allocated as declared
		p.dial(t, bodyHead(32*mib, "")+strings.Repeat("x", 4096))
	}
	for range slowHeads { // a head that never ends
		p.dial(t, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"+bigHead())
	}
	for range bigHeads { // the largest head allowed, then a stalled body
		p.dial(t, bodyHead(32*mib, bigHead())+"{")
	}
	const n = overDeclared + slowHeads + bigHeads
	eventually(t, fmt.Sprintf("the proxy holds the %d connections", n), func() bool { return p.metric(t, conns) >= n })

	// Normal requests are served meanwhile.
	if code := p.health(t); code != http.StatusOK {
		t.Errorf("/health = %d while %d hostile connections are open", code, n)
	}
	if code := p.chat(t); code != http.StatusOK {
		t.Errorf("a chat completion = %d while %d hostile connections are open", code, n)
	}

	// Measured: about 100 KiB of heap and stack per connection of the
	// costliest kind (docs/proxy.md), garbage not yet collected included;
	// the bound leaves room for the collector's timing.
	const perConn = 160 << 10
	bound := baseHeap + n*perConn
	heap := p.metric(t, heapSeries) + p.metric(t, stackSeries)
	rss := vmRSS(t, p.pid())
	t.Logf("%d hostile connections: heap and stacks %.1f MiB (bound %.1f MiB), RSS %.1f MiB (from %.1f MiB)",
		n, heap/mib, bound/mib, rss/mib, baseRSS/mib)
	if heap > bound || rss > baseRSS+n*perConn+16*mib {
		t.Errorf("heap and stacks %.1f MiB, RSS %.1f MiB: over the bound of %.1f MiB for %d connections", heap/mib, rss/mib, bound/mib, n)
	}
	if held := p.metric(t, "vllm_to_sglang_proxy_request_body_bytes_held"); held > (overDeclared+bigHeads)*16<<10 {
		t.Errorf("request bodies hold %.0f bytes: more than a first 16 KiB buffer each", held)
	}
}

// 5,000 connections trickling a byte a second all stayed open.
// Now a body that falls behind --body-timeout then --body-min-rate gets
// 408 and its connection is closed, a head that takes longer than
// --header-timeout is closed, and /health is answered meanwhile.
func TestHostileTricklersAreCutOff(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url, "--body-timeout=500ms", "--body-min-rate=1024", "--header-timeout=500ms")
	p.waitHealth(t, http.StatusOK)
	const n = 100
	var bodies, heads []net.Conn
	for range n {
		bodies = append(bodies, p.dial(t, bodyHead(100000, "")+"{"))
		heads = append(heads, p.dial(t, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"))
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a byte every 100 ms on every connection: 10 bytes/s
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			for i := range n {
				_, _ = bodies[i].Write([]byte(" "))
				_, _ = heads[i].Write([]byte("X"))
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	if code := p.health(t); code != http.StatusOK {
		t.Errorf("/health = %d while %d connections trickle", code, 2*n)
	}
	for i := range n {
		res, body := rawAnswer(t, bodies[i])
		vllmError(t, res, body, http.StatusRequestTimeout)
		if !closedByProxy(bodies[i]) {
			t.Fatalf("trickling body %d: the connection stayed open after the 408", i)
		}
		if !closedByProxy(heads[i]) {
			t.Fatalf("trickling head %d: the connection stayed open", i)
		}
	}
	if got := p.metric(t, `vllm_to_sglang_proxy_limited_total{limit="body_timeout"}`); got != n {
		t.Errorf("%v bodies counted as timed out, want %d", got, n)
	}
	if len(f.requests(t)) != 0 {
		t.Errorf("SGLang received %d requests, want none", len(f.requests(t)))
	}
}

// bodies being read at once share --body-memory-bytes; one that
// would need more gets 503 in vLLM's shape, and the others are served.
func TestHostileBodiesBeyondTheMemoryBudgetGet503(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url, "--max-body-bytes=4194304", "--body-memory-bytes=8388608")
	p.waitHealth(t, http.StatusOK)
	// Two bodies of 3 MiB declared, all but a byte sent: 6 MiB held. One
	// after the other: a buffer that grows holds its old and new sizes for
	// a moment, and two growing at once would not fit.
	for i := 1; i <= 2; i++ {
		p.dial(t, bodyHead(3*mib, "")+strings.Repeat("x", 3*mib-1))
		eventually(t, fmt.Sprintf("%d MiB of bodies held", 3*i), func() bool {
			return p.metric(t, "vllm_to_sglang_proxy_request_body_bytes_held") == float64(3*i*mib)
		})
	}
	// A third would need 4 MiB while its buffer grows: over 8 MiB.
	c := p.dial(t, bodyHead(4*mib, "")+strings.Repeat("x", 3*mib))
	res, body := rawAnswer(t, c)
	vllmError(t, res, body, http.StatusServiceUnavailable)
	if res.Header.Get("Retry-After") == "" {
		t.Error("the 503 has no Retry-After")
	}
	if code := p.chat(t); code != http.StatusOK {
		t.Errorf("a small chat completion beside the held bodies = %d", code)
	}
}

// Connections are bounded: at --max-connections the connection waiting
// longest without a request (idle, or still sending its head) makes room,
// so heads that never end cannot keep /health out; when every connection
// has a request in progress, a new one gets 503 in vLLM's shape.
func TestHostileConnectionFlood(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url, "--max-connections=50")
	p.waitHealth(t, http.StatusOK)
	client.CloseIdleConnections()
	for range 200 { // four times the limit, heads that never end
		p.dial(t, "GET /v1/models HTTP/1.1\r\nHost: x\r\n")
	}
	if code := p.health(t); code != http.StatusOK {
		t.Errorf("/health = %d with 200 unfinished heads against 50 connections", code)
	}
	if got := p.metric(t, "vllm_to_sglang_proxy_client_connections"); got > 50 {
		t.Errorf("%v connections open, over --max-connections=50", got)
	}
	if got := p.metric(t, `vllm_to_sglang_proxy_limited_total{limit="evicted"}`); got < 150 {
		t.Errorf("%v waiting connections closed to admit new ones, want at least 150", got)
	}

	// Every connection with a request in progress. The proxy's 100
	// Continue says the body is being read (no scrape could get in).
	var busy []net.Conn
	for i := range 50 {
		c := p.dial(t, bodyHead(100, "Expect: 100-continue\r\n")+"{")
		_ = c.SetReadDeadline(time.Now().Add(readWait))
		if line, err := bufio.NewReader(c).ReadString('\n'); err != nil || !strings.HasPrefix(line, "HTTP/1.1 100 ") {
			t.Fatalf("busy connection %d: %q %v, want 100 Continue", i, line, err)
		}
		busy = append(busy, c)
	}
	c := p.dial(t, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
	res, body := rawAnswer(t, c)
	vllmError(t, res, body, http.StatusServiceUnavailable)
	for _, c := range busy {
		c.Close()
	}
	eventually(t, "/health answered once the busy connections are gone", func() bool { return p.health(t) == http.StatusOK })
}

// what reaches SGLang was decided before the path was
// normalised. Every request below is answered by the proxy and SGLang
// receives nothing; what is forwarded is the checked path.
func TestHostilePathsNeverReachSGLang(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url, "--allow-path=/static/")
	p.waitHealth(t, http.StatusOK)
	tests := map[string]struct {
		line     string
		wantCode int
	}{
		"CONNECT, which reached SGLang with its dot-dot":    {"CONNECT /v1/models/../../flush_cache HTTP/1.1", 405},
		"TRACE, which echoes the request":                   {"TRACE /v1/models HTTP/1.1", 405},
		"encoded dot-dot segments under /v1/models/{...}":   {"GET /v1/models/%2e%2e/%2e%2e/flush_cache HTTP/1.1", 400},
		"encoded slashes under /v1/responses/{id}/cancel":   {"POST /v1/responses/..%2f..%2fflush_cache/cancel HTTP/1.1", 400},
		"encoded dot-dot under an --allow-path subtree":     {"GET /static/%2e%2e/flush_cache HTTP/1.1", 400},
		"an encoded slash under an --allow-path subtree":    {"GET /static/..%2fflush_cache HTTP/1.1", 400},
		"plain dot-dot (ServeMux redirected it to /flush…)": {"GET /v1/models/../../flush_cache HTTP/1.1", 400},
		"backslashes":                             {`GET /v1/models/a\..\..\flush_cache HTTP/1.1`, 400},
		"an encoded backslash":                    {"GET /v1/models/a%5C..%5Cflush_cache HTTP/1.1", 400},
		"an encoded NUL":                          {"GET /v1/models/a%00 HTTP/1.1", 400},
		"a double slash":                          {"GET //flush_cache HTTP/1.1", 400},
		"a dot-dot under an --allow-path subtree": {"GET /static/../flush_cache HTTP/1.1", 400},
		"CONNECT in authority form":               {"CONNECT 127.0.0.1:1 HTTP/1.1", 405},
		"the absolute form with encoded dots":     {"GET http://x/v1/models/%2e%2e/%2e%2e/flush_cache HTTP/1.1", 400},
		"the asterisk form":                       {"OPTIONS * HTTP/1.1", 400},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := p.dial(t, tc.line+"\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			res, body := rawAnswer(t, c)
			if res.StatusCode != tc.wantCode || res.Header.Get("Location") != "" {
				t.Errorf("%s: %s %s (Location %q), want %d and no redirect", tc.line, res.Status, body, res.Header.Get("Location"), tc.wantCode)
			}
		})
	}
	targets, err := f.ctl().Targets(t.Context())
	mustControl(t, err)
	if len(targets) != 0 {
		t.Errorf("SGLang received %q, want nothing", targets)
	}
	c := p.dial(t, "GET /static/a%2Eb%20c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	rawAnswer(t, c)
	targets, err = f.ctl().Targets(t.Context())
	mustControl(t, err)
	if len(targets) != 1 || targets[0] != "GET /static/a.b%20c" {
		t.Errorf("SGLang received %q, want the checked path re-encoded: GET /static/a.b%%20c", targets)
	}
}

// Upgrade is dropped, never tunnelled; Expect: 100-continue is
// answered by the proxy and not forwarded .
func TestHostileUpgradeAndExpectAreNotForwarded(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url)
	p.waitHealth(t, http.StatusOK)
	c := p.dial(t, "GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	if res, body := rawAnswer(t, c); res.StatusCode != http.StatusOK || !strings.Contains(body, `"object":"list"`) {
		t.Errorf("an Upgrade request: %s %s, want the models list", res.Status, body)
	}
	const chat = `{"model":"fake/model","messages":[{"role":"user","content":"hi"}]}`
	c = p.dial(t, fmt.Sprintf("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", len(chat)))
	_ = c.SetReadDeadline(time.Now().Add(readWait))
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 100 Continue") {
		t.Fatalf("after Expect: 100-continue, %q %v; want 100 Continue", line, err)
	}
	_, _ = r.ReadString('\n') // the blank line
	if _, err := io.WriteString(c, chat); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(r, nil)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the answer after 100 Continue: %v %v", res, err)
	}
	for _, req := range f.requests(t) {
		for _, h := range []string{"Upgrade", "Connection", "Sec-Websocket-Key", "Expect"} {
			if v := req.Header.Get(h); v != "" && (h != "Sec-Websocket-Key" || req.Path != "/v1/models") {
				t.Errorf("SGLang received %s: %s on %s", h, v, req.Path)
			}
		}
	}
}

// /version never forwards server_args (its api_key), whatever
// the answer's encoding, and answers HEAD.
func TestHostileVersionNeverRelaysServerArgs(t *testing.T) {
	const key = "sk-very-secret"
	for encoding, wantCode := range map[string]int{"": 200, "gzip": 200, "br": 502} {
		t.Run("encoding "+encoding, func(t *testing.T) {
			f := startFakeFlags(t, []string{"--api-key", key}, "FAKESGLANG_HEALTH_DELAY=1ms", "FAKESGLANG_SERVER_INFO_ENCODING="+encoding)
			p := startProxy(t, f.url, "--health-path=/get_model_info")
			p.waitHealth(t, http.StatusOK)
			for _, method := range []string{"GET", "HEAD"} {
				c := p.dial(t, method+" /version HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+key+"\r\nAccept-Encoding: gzip, br\r\nConnection: close\r\n\r\n")
				_ = c.SetReadDeadline(time.Now().Add(readWait))
				raw, _ := io.ReadAll(c)
				res, err := http.ReadResponse(bufio.NewReader(strings.NewReader(string(raw))), &http.Request{Method: method})
				if err != nil {
					t.Fatalf("%s /version: %v in %q", method, err, raw)
				}
				if res.StatusCode != wantCode || strings.Contains(string(raw), key) || strings.Contains(string(raw), "api_key") {
					t.Errorf("%s /version: %q; want %d and nothing of SGLang's arguments", method, raw, wantCode)
				}
				if wantCode == 200 && method == "GET" && !strings.HasSuffix(string(raw), `{"version":"0.0.0-fake"}`) {
					t.Errorf("GET /version: %q, want {\"version\":\"0.0.0-fake\"}", raw)
				}
			}
		})
	}
}

// a malformed chunked body on a streamed route is the client's
// error (400), not an upstream failure (it was a 502).
func TestHostileMalformedChunkedBodyIs400(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url)
	p.waitHealth(t, http.StatusOK)
	c := p.dial(t, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"+
		"10\r\n{\"stream\":true,}\r\nzz\r\n")
	res, body := rawAnswer(t, c)
	vllmError(t, res, body, http.StatusBadRequest)
	if got := p.metric(t, `vllm_to_sglang_proxy_upstream_errors_total{reason="broken"}`); got != 0 {
		t.Errorf("counted as %v upstream failures", got)
	}
	if len(f.requests(t)) != 0 {
		t.Error("SGLang received the request")
	}
}

// 40,000 repeated members (680 KB) are answered, /health meanwhile;
// clients that send the body and leave leave nothing running behind.
func TestHostileRepeatedMembers(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url)
	p.waitHealth(t, http.StatusOK)
	body := `{"model":"fake/model",` + strings.Repeat(`"request_id":"a",`, 40000) + `"messages":[{"role":"user","content":"hi"}]}`
	if len(body) < 680000 {
		t.Fatalf("body of %d bytes", len(body))
	}
	baseGoroutines := p.metric(t, "vllm_to_sglang_proxy_go_goroutines")
	c := p.dial(t, bodyHead(len(body), "")+body)
	if code := p.health(t); code != http.StatusOK {
		t.Errorf("/health = %d while the body is filtered", code)
	}
	if res, b := rawAnswer(t, c); res.StatusCode != http.StatusOK && res.StatusCode != http.StatusBadRequest {
		t.Errorf("answer %s %.200s, want the request answered", res.Status, b)
	}
	c.Close()
	for range 10 { // send it and leave at once
		p.dial(t, bodyHead(len(body), "")+body).Close()
	}
	eventually(t, "the proxy back to its goroutines", func() bool {
		return p.metric(t, "vllm_to_sglang_proxy_go_goroutines") <= baseGoroutines+2
	})
	for _, r := range f.requests(t) {
		if !r.Done {
			t.Errorf("SGLang is still answering request %d", r.ID)
		}
	}
}

// 20,000 headers, all listed in Connection (544 KB): refused at the
// default limits (431) before they are parsed; with the limits raised,
// answered, and none of them reaches SGLang.
func TestHostileManyConnectionListedHeaders(t *testing.T) {
	var names, fields strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&names, "X-H%d, ", i)
		fmt.Fprintf(&fields, "X-H%d: v\r\n", i)
	}
	req := "GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: " + strings.TrimSuffix(names.String(), ", ") + "\r\n" + fields.String() + "\r\n"
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")

	p := startProxy(t, f.url)
	p.waitHealth(t, http.StatusOK)
	c := p.dial(t, req)
	if res, _ := rawAnswer(t, c); res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("at the default limits: %s, want 431", res.Status)
	}

	raised := startProxy(t, f.url, "--max-header-bytes=1048576", "--max-header-fields=30000")
	raised.waitHealth(t, http.StatusOK)
	c = raised.dial(t, req)
	if res, _ := rawAnswer(t, c); res.StatusCode != http.StatusOK {
		t.Errorf("with the limits raised: %s, want 200", res.Status)
	}
	if code := raised.health(t); code != http.StatusOK {
		t.Errorf("/health = %d after it", code)
	}
	for _, r := range f.requests(t) {
		if r.Header.Get("X-H0") != "" || r.Header.Get("X-H19999") != "" || len(r.Header) > 20 {
			t.Errorf("SGLang received %d headers on %s, listed ones among them", len(r.Header), r.Path)
		}
	}
}

// a metrics exposition with 20,000 models is translated (or
// refused by the scrape limits) and /health is answered meanwhile.
func TestHostileHugeMetricsExposition(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms", "FAKESGLANG_METRICS_MODELS=20000")
	p := startProxy(t, f.url)
	p.waitHealth(t, http.StatusOK)
	done := make(chan struct{})
	var code int
	var body string
	go func() {
		defer close(done)
		res, err := client.Get(p.url + metrics.EnginePath)
		if err != nil {
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		code, body = res.StatusCode, string(b)
	}()
	if h := p.health(t); h != http.StatusOK {
		t.Errorf("/health = %d during the scrape", h)
	}
	<-done
	if code != http.StatusOK || !strings.Contains(body, `model_name="model-19999"`) {
		t.Errorf("/metrics = %d (%d bytes), want 200 with all 20,000 models", code, len(body))
	}
}

// the filter and SGLang's parser disagreed. Bodies Python's
// json reads (NaN, UTF-16, a name given twice) are filtered as Python reads
// them, never forwarded unfiltered; a body Python refuses is answered 400
// in vLLM's shape and never forwarded.
func TestHostileBodiesAreReadAsPythonReadsThem(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url)
	p.waitHealth(t, http.StatusOK)
	const msgs = `"model":"fake/model","messages":[{"role":"user","content":"hi"}]`
	utf16 := func(s string) string { // UTF-16LE without a byte order mark
		var b strings.Builder
		for _, r := range s {
			b.WriteByte(byte(r))
			b.WriteByte(0)
		}
		return b.String()
	}
	tests := map[string]struct {
		body     string
		wantCode int
		// forwarded must hold in what SGLang received.
		forwarded func(body string) bool
	}{
		"NaN and Infinity are numbers: the vLLM-only fields are stripped": {
			body: `{` + msgs + `,"vllm_xargs":{"w":NaN,"v":-Infinity},"prompt_logprobs":3}`, wantCode: http.StatusOK,
			forwarded: func(b string) bool {
				return !strings.Contains(b, "prompt_logprobs") && !strings.Contains(b, "vllm_xargs")
			},
		},
		"a UTF-16 body is read, filtered and forwarded as UTF-8": {
			body: utf16(`{` + msgs + `,"prompt_logprobs":3}`), wantCode: http.StatusOK,
			forwarded: func(b string) bool {
				return !strings.Contains(b, "prompt_logprobs") && !strings.ContainsRune(b, 0) && strings.Contains(b, `"fake/model"`)
			},
		},
		"of a name given twice the last counts: bad_words set is refused": {
			body: `{` + msgs + `,"bad_words":null,"bad_words":["no"]}`, wantCode: http.StatusBadRequest,
		},
		"of a name given twice the last counts: a member unset last is left": {
			body: `{` + msgs + `,"use_beam_search":true,"use_beam_search":false}`, wantCode: http.StatusOK,
			forwarded: func(b string) bool { return strings.Contains(b, `"use_beam_search":false`) },
		},
		"a body Python refuses (a raw control character in a string)": {
			body: `{` + msgs + `,"prompt_logprobs":3,"user":"a` + "\x01" + `"}`, wantCode: http.StatusBadRequest,
		},
		"a body Python refuses (nesting deeper than it reads)": {
			body: `{` + msgs + `,"prompt_logprobs":3,"x":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}`, wantCode: http.StatusBadRequest,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before := len(f.requests(t))
			c := p.dial(t, bodyHead(len(tc.body), "Connection: close\r\n")+tc.body)
			res, body := rawAnswer(t, c)
			if tc.wantCode != http.StatusOK {
				vllmError(t, res, body, tc.wantCode)
			} else if res.StatusCode != http.StatusOK {
				t.Errorf("answer %s %s, want 200", res.Status, body)
			}
			reqs := f.requests(t)[before:]
			switch {
			case tc.forwarded == nil && len(reqs) != 0:
				t.Errorf("SGLang received %q, want nothing", reqs[0].Body)
			case tc.forwarded != nil && (len(reqs) != 1 || !tc.forwarded(reqs[0].Body)):
				t.Errorf("SGLang received %+v", reqs)
			}
		})
	}
}
