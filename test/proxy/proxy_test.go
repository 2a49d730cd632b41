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
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/metrics"
)

// metric reads one sample of the proxy's own metrics (/proxy/metrics).
func (p *proxyProc) metric(t *testing.T, series string) float64 {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, p.url+metrics.ProxyPath, nil)
	req.Close = true
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", metrics.ProxyPath, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("parsing %s: %v", line, err)
			}
			return f
		}
	}
	return 0
}

func TestHealthFollowsFallAndRiseAndNeverWaitsForTheUpstream(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	// No check may time out while the test holds it, however slow the machine.
	p := startProxy(t, f.url, "--health-fall=3", "--health-rise=2", "--health-timeout=1h")
	p.waitHealth(t, http.StatusOK)
	const failures = `vllm_to_sglang_proxy_health_checks_total{result="failure"}`
	const successes = `vllm_to_sglang_proxy_health_checks_total{result="success"}`

	// From here on the fake holds every check until the test releases it.
	// Checks never overlap and a held check answers the status set before
	// it arrived, so each step below sets the next check's status while
	// the current one is held: no step depends on how fast anything runs.
	f.setHealth(t, 200, true)

	// step waits for the held check, asserts that /health answers
	// wantHealth at once while that check is still held, sets the status of
	// the check after it, releases the held one and waits until the proxy
	// has counted it in series.
	step := func(wantHealth int, next int, series string) {
		t.Helper()
		eventually(t, "a health check is held in the fake", func() bool { return f.state(t).HealthHeld == 1 })
		// Every earlier check is counted: the proxy counts one before it starts the next.
		before := p.metric(t, series)
		if got := get(t, p.url+"/health").StatusCode; got != wantHealth {
			t.Fatalf("/health = %d while a check was held, want %d", got, wantHealth)
		}
		if f.state(t).HealthHeld != 1 {
			t.Fatal("the held check ended before /health answered")
		}
		f.setHealth(t, next, true)
		f.releaseHealth(t)
		eventually(t, "the proxy counted the released check", func() bool { return p.metric(t, series) > before })
	}

	step(200, 503, successes) // a success while up
	step(200, 503, failures)  // failure 1 of 3
	step(200, 503, failures)  // failure 2
	step(200, 200, failures)  // failure 3: down from now on
	if got := get(t, p.url+"/health").StatusCode; got != 503 {
		t.Fatalf("/health = %d after 3 failures (fall 3), want 503", got)
	}
	step(503, 200, successes) // success 1 of 2
	step(503, 200, successes) // success 2: up from now on
	if got := get(t, p.url+"/health").StatusCode; got != 200 {
		t.Fatalf("/health = %d after 2 successes (rise 2), want 200", got)
	}
	f.setHealth(t, 200, false)
	f.releaseHealth(t)
}

// choice is the part of a chat answer or chunk that vLLM names differently.
type choice struct {
	Message, Delta map[string]any
	FinishReason   *string         `json:"finish_reason"`
	StopReason     json.RawMessage `json:"stop_reason"`
}

func decodeChoice(t *testing.T, data string) choice {
	t.Helper()
	var v struct{ Choices []choice }
	if err := json.Unmarshal([]byte(data), &v); err != nil || len(v.Choices) != 1 {
		t.Fatalf("decoding %s: %v (want one choice)", data, err)
	}
	return v.Choices[0]
}

func TestAnswersCarryVLLMsReasoningAndStopReason(t *testing.T) {
	f := startFakeWith(t, []string{"--reasoning-parser", "deepseek-r1"}, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url)
	p.waitHealth(t, 200)
	const reasoning = "The user greets me."

	res, err := client.Post(p.url+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"fake/model","messages":[{"role":"user","content":"hi"}],"stop":["END"]}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	c := decodeChoice(t, string(b))
	if c.Message["reasoning"] != reasoning || c.Message["reasoning_content"] != reasoning {
		t.Errorf("message = %v, want reasoning and reasoning_content %q", c.Message, reasoning)
	}
	if string(c.StopReason) != `"END"` {
		t.Errorf("stop_reason = %s, want the matched stop string \"END\" (answer %s)", c.StopReason, b)
	}
	if res.ContentLength != int64(len(b)) {
		t.Errorf("Content-Length %d for a body of %d bytes", res.ContentLength, len(b))
	}

	ev, _ := stream(t, t.Context(), p.url, nil)
	all, err := ev.rest()
	if err != nil {
		t.Fatal(err)
	}
	var reasoned strings.Builder
	finished := 0
	for _, data := range all[:len(all)-1] {
		c := decodeChoice(t, data)
		if rc, ok := c.Delta["reasoning_content"].(string); ok {
			if c.Delta["reasoning"] != rc {
				t.Errorf("delta %v: reasoning differs from reasoning_content", c.Delta)
			}
			reasoned.WriteString(rc)
		}
		if c.FinishReason != nil {
			finished++
			if string(c.StopReason) != "null" {
				t.Errorf("finish chunk %s: stop_reason = %q, want null for an end of sequence", data, c.StopReason)
			}
		}
	}
	if reasoned.String() != reasoning || finished != 1 {
		t.Errorf("stream reasoning %q and %d finish chunks, want %q and 1 (events %q)", reasoned.String(), finished, reasoning, all)
	}
}

func TestSSEEventsArriveOneByOne(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url)
	p.waitHealth(t, 200)
	ev, _ := stream(t, t.Context(), p.url, map[string]string{"X-Fake-Gate": "one-by-one", "X-Fake-Events": "3"})
	// role, 3 content chunks, finish, [DONE]
	for i := 1; i <= 6; i++ {
		data, err := ev.next()
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		sent := f.requests(t)[0].Events
		if sent != i {
			t.Fatalf("client got event %d (%.40s) while the fake had sent %d: events were held back or coalesced", i, data, sent)
		}
		if i < 6 {
			f.release(t, "one-by-one", 1)
		} else if data != "[DONE]" {
			t.Fatalf("last event = %q, want [DONE]", data)
		}
	}
	if _, err := ev.next(); err != io.EOF {
		t.Fatalf("after [DONE]: %v, want a clean end", err)
	}
}

func TestClientCancelReachesTheUpstream(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url)
	p.waitHealth(t, 200)
	ctx, cancel := context.WithCancel(t.Context())
	ev, _ := stream(t, ctx, p.url, map[string]string{"X-Fake-Gate": "cancel"})
	if _, err := ev.next(); err != nil {
		t.Fatal(err)
	}
	cancel()
	eventually(t, "the fake saw the request canceled", func() bool {
		r := f.requests(t)[0]
		return r.Done && r.Canceled
	})
}

func TestSIGTERMDrainsALiveStream(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url, "--shutdown-grace=30s")
	p.waitHealth(t, 200)
	ev, _ := stream(t, t.Context(), p.url, map[string]string{"X-Fake-Gate": "drain"})
	if _, err := ev.next(); err != nil {
		t.Fatal(err)
	}
	p.signal(t, syscall.SIGTERM)
	addr := strings.TrimPrefix(p.url, "http://")
	eventually(t, "the proxy stops accepting connections", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	f.release(t, "drain", 100)
	rest, err := ev.rest()
	if err != nil {
		t.Fatalf("stream broken during drain: %v", err)
	}
	if len(rest) == 0 || rest[len(rest)-1] != "[DONE]" {
		t.Fatalf("stream ended with %q, want [DONE]", rest)
	}
	if err := <-p.exited; err != nil {
		t.Fatalf("proxy exited with %v after SIGTERM, want status 0", err)
	}
}

func TestOversizedBodyIs413(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url, "--max-body-bytes=1024")
	body := fmt.Sprintf(`{"model":"m","messages":[{"role":"user","content":%q}]}`, strings.Repeat("x", 2048))
	res, err := client.Post(p.url+"/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), `"code":413`) {
		t.Fatalf("got %s %s, want 413 in vLLM's error shape", res.Status, b)
	}
	if n := len(f.requests(t)); n != 0 {
		t.Fatalf("the fake received %d requests, want none", n)
	}
}

func TestUpstreamBreakingAStreamGivesTheClientACleanEnd(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url)
	p.waitHealth(t, 200)

	ev, _ := stream(t, t.Context(), p.url, map[string]string{"X-Fake-Die-After": "2"})
	all, err := ev.rest()
	if err != nil {
		t.Fatalf("client saw a broken stream: %v", err)
	}
	if len(all) != 4 || !strings.Contains(all[2], `"code":502`) || all[3] != "[DONE]" {
		t.Fatalf("events = %q, want 2 chunks, an error event and [DONE]", all)
	}
	if got := get(t, p.url+"/health").StatusCode; got != 200 {
		t.Fatalf("/health = %d after a broken stream, want 200", got)
	}
	ev, _ = stream(t, t.Context(), p.url, nil)
	if all, err := ev.rest(); err != nil || all[len(all)-1] != "[DONE]" {
		t.Fatalf("the next stream: %q, %v", all, err)
	}
}

func TestUpstreamKilledMidStreamGivesTheClientACleanEnd(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url)
	p.waitHealth(t, 200)
	ev, _ := stream(t, t.Context(), p.url, map[string]string{"X-Fake-Gate": "kill"})
	if _, err := ev.next(); err != nil {
		t.Fatal(err)
	}
	f.signal(t, syscall.SIGKILL)
	rest, err := ev.rest()
	if err != nil {
		t.Fatalf("client saw a broken stream: %v", err)
	}
	if len(rest) != 2 || !strings.Contains(rest[0], `"error"`) || rest[1] != "[DONE]" {
		t.Fatalf("events after the kill = %q, want an error event and [DONE]", rest)
	}
	// The proxy itself lives on and answers at once from its state.
	if code := get(t, p.url+"/health").StatusCode; code != 200 && code != 503 {
		t.Fatalf("/health = %d after the upstream died", code)
	}
}

// fds counts the open file descriptors of a process.
func fds(t *testing.T, pid int) int {
	t.Helper()
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatalf("reading fds: %v", err)
	}
	return len(entries)
}

func TestThousandConcurrentStreamsLeakNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 streams in -short mode")
	}
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	// One health check only, so its connection does not come and go.
	p := startProxy(t, f.url, "--health-interval=1h")
	p.waitHealth(t, 200)
	settle := func() {
		client.CloseIdleConnections()
		mustControl(t, f.ctl().CloseIdle(t.Context()))
	}
	settle()
	baseFDs := fds(t, p.pid())
	baseGoroutines := p.metric(t, "vllm_to_sglang_proxy_go_goroutines")

	const n = 1000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev, _ := stream(t, t.Context(), p.url, map[string]string{"X-Fake-Event-Delay": "20ms", "X-Fake-Events": "5"})
			all, err := ev.rest()
			if err == nil && (len(all) == 0 || all[len(all)-1] != "[DONE]") {
				err = fmt.Errorf("stream ended with %q", all)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a stream failed: %v", err)
	}
	settle()
	eventually(t, fmt.Sprintf("the proxy is back to %d fds", baseFDs), func() bool { return fds(t, p.pid()) <= baseFDs })
	eventually(t, fmt.Sprintf("the proxy is back to about %v goroutines", baseGoroutines), func() bool {
		settle()
		return p.metric(t, "vllm_to_sglang_proxy_go_goroutines") <= baseGoroutines+10
	})
}

// What the default strip list protects against: with --strip-params=
// and SGLang's mistral tool-call parser, a tool call with logprobs gets
// SGLang's 422, in vLLM's error shape.
func TestWithoutTheStripListTheMistralParsersRefusalReachesTheClient(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url, "--strip-params=")
	p.waitHealth(t, 200)
	body := `{"model":"fake/model","messages":[{"role":"user","content":"Weather in Paris?"}],"logprobs":true,` +
		`"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{}}}}]}`
	res, err := client.Post(p.url+"/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var e struct {
		Error struct {
			Message string
			Code    int
		}
	}
	if res.StatusCode != http.StatusUnprocessableEntity || json.Unmarshal(b, &e) != nil ||
		e.Error.Code != http.StatusUnprocessableEntity || !strings.Contains(e.Error.Message, "logprobs") {
		t.Errorf("got %d %s, want 422 with vLLM's error envelope naming logprobs", res.StatusCode, b)
	}
}

// Every route reaches SGLang through the same client; these are the
// routes the fake answers, as a client sees them through the binary.
func TestRoutesThroughTheBinary(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	p := startProxy(t, f.url, "--allow-path=/flush_cache")
	p.waitHealth(t, 200)
	tests := map[string]struct {
		method, path, body string
		wantCode           int
		wantBody           string // substring
	}{
		"lists the models":                        {method: "GET", path: "/v1/models", wantCode: 200, wantBody: `"owned_by":"sglang"`},
		"tokenizes":                               {method: "POST", path: "/tokenize", body: `{"prompt":"hi"}`, wantCode: 200, wantBody: `"tokens":[104,105]`},
		"detokenizes into vLLM's prompt field":    {method: "POST", path: "/detokenize", body: `{"tokens":[104,105]}`, wantCode: 200, wantBody: `{"prompt":"hi"}`},
		"answers /version with SGLang's version":  {method: "GET", path: "/version", wantCode: 200, wantBody: `{"version":`},
		"embeds":                                  {method: "POST", path: "/v1/embeddings", body: `{"model":"fake/model","input":"x"}`, wantCode: 200, wantBody: `"embedding"`},
		"completes a chat":                        {method: "POST", path: "/v1/chat/completions", body: `{"model":"fake/model","messages":[{"role":"user","content":"hi"}]}`, wantCode: 200, wantBody: `"stop_reason"`},
		"forwards an --allow-path admin endpoint": {method: "POST", path: "/flush_cache", wantCode: 200},
		"refuses an admin endpoint not allowed":   {method: "POST", path: "/update_weights_from_disk", body: `{}`, wantCode: 404, wantBody: `{"detail":"Not Found"}`},
		"passes on SGLang's 404 for a route it lacks, as vLLM answers a missing route": {method: "POST", path: "/pooling", body: `{}`, wantCode: 404, wantBody: `{"detail":"Not Found"}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, p.url+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil || res.StatusCode != tc.wantCode || !strings.Contains(string(b), tc.wantBody) {
				t.Errorf("%s %s = %d %s (%v), want %d with %s", tc.method, tc.path, res.StatusCode, b, err, tc.wantCode, tc.wantBody)
			}
		})
	}
}
