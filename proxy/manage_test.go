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
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/fakesglang"
)

// call is one request to the proxy and what must come of it.
type call struct {
	method, path, body string
	header             http.Header
	wantCode           int
	// wantBody is the whole body when exact, else a substring.
	wantBody string
	exact    bool
	// wantUpstream are the SGLang calls it makes, path and body
	// ("POST /x {...}"; the body only when not empty), in order.
	wantUpstream []string
	// wantNoContentType: vLLM's Response() sets none.
	wantNoContentType bool
}

// run sends the calls in order through p.
func (p *testProxy) run(t *testing.T, calls []call) {
	t.Helper()
	for _, c := range calls {
		before := len(p.fake.Requests())
		res, got := do(t, c.method, p.url+c.path, c.body, c.header)
		what := c.method + " " + c.path
		if res.StatusCode != c.wantCode {
			t.Errorf("%s: status %d, want %d (body %s)", what, res.StatusCode, c.wantCode, got)
		}
		if c.exact && got != c.wantBody || !c.exact && !strings.Contains(got, c.wantBody) {
			t.Errorf("%s: body %q, want %q", what, got, c.wantBody)
		}
		if ct, ok := res.Header["Content-Type"]; c.wantNoContentType && ok {
			t.Errorf("%s: Content-Type %q, want none (vLLM's Response)", what, ct)
		}
		var upstream []string
		for _, r := range p.fake.Requests()[before:] {
			u := r.Method + " " + r.Path
			if r.Body != "" {
				u += " " + r.Body
			}
			upstream = append(upstream, u)
		}
		if !slices.Equal(upstream, c.wantUpstream) {
			t.Errorf("%s: SGLang received %q, want %q", what, upstream, c.wantUpstream)
		}
	}
}

// adapter is a PEFT adapter folder.
func adapter(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "adapter_config.json"), []byte(`{"r":8}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func allManagementAPIs(o *Options) { o.LoRAAPI, o.SleepAPI, o.ResetPrefixCacheAPI = true, true, true }

const notFoundBody = `{"detail":"Not Found"}`

func TestManagementEndpoints(t *testing.T) {
	dir := adapter(t)
	load := `{"lora_name":"a","lora_path":"` + dir + `"}`
	sentLoad := "POST /load_lora_adapter " + load
	tests := map[string]struct {
		options func(*Options)
		fake    fakesglang.Options
		calls   []call
	}{
		"without their flags the management endpoints get vLLM's 404, as in a vLLM that did not mount them": {
			fake: fakesglang.Options{EnableLoRA: true, MemorySaver: true},
			calls: []call{
				{method: "POST", path: "/v1/load_lora_adapter", body: load, wantCode: 404, wantBody: notFoundBody, exact: true},
				{method: "POST", path: "/v1/unload_lora_adapter", body: `{"lora_name":"a"}`, wantCode: 404, wantBody: notFoundBody, exact: true},
				{method: "POST", path: "/sleep", wantCode: 404, wantBody: notFoundBody, exact: true},
				{method: "POST", path: "/wake_up", wantCode: 404, wantBody: notFoundBody, exact: true},
				{method: "GET", path: "/is_sleeping", wantCode: 404, wantBody: notFoundBody, exact: true},
				{method: "POST", path: "/reset_prefix_cache", wantCode: 404, wantBody: notFoundBody, exact: true},
			},
		},
		"with --lora-api, loads and unloads an adapter with SGLang's endpoints and answers vLLM's success texts": {
			options: allManagementAPIs, fake: fakesglang.Options{EnableLoRA: true},
			calls: []call{
				{method: "POST", path: "/v1/load_lora_adapter", body: load, wantCode: 200, exact: true,
					wantBody: "Success: LoRA adapter 'a' added successfully.", wantUpstream: []string{sentLoad}, wantNoContentType: true},
				{method: "GET", path: "/v1/models", wantCode: 200, wantBody: `"id":"a","max_model_len":null,"object":"model","owned_by":"sglang","parent":"fake/model"`,
					wantUpstream: []string{"GET /v1/models"}},
				{method: "POST", path: "/v1/unload_lora_adapter", body: `{"lora_name":"a"}`, wantCode: 200, exact: true,
					wantBody: "Success: LoRA adapter 'a' removed successfully.", wantUpstream: []string{`POST /unload_lora_adapter {"lora_name":"a"}`}, wantNoContentType: true},
			},
		},
		"loading an adapter twice answers vLLM's InvalidUserInput, which the production-stack LoRA controller takes for loaded": {
			options: allManagementAPIs, fake: fakesglang.Options{EnableLoRA: true, LoRAs: map[string]string{"a": dir}},
			calls: []call{{method: "POST", path: "/v1/load_lora_adapter", body: load, wantCode: 400, exact: true,
				wantBody:     `{"error":{"message":"The lora adapter 'a' has already been loaded. If you want to load the adapter in place, set 'load_inplace' to True.","type":"InvalidUserInput","param":null,"code":400}}`,
				wantUpstream: []string{sentLoad}}},
		},
		"unloading an adapter that is not loaded answers vLLM's 404 NotFoundError": {
			options: allManagementAPIs, fake: fakesglang.Options{EnableLoRA: true},
			calls: []call{{method: "POST", path: "/v1/unload_lora_adapter", body: `{"lora_name":"b"}`, wantCode: 404, exact: true,
				wantBody:     `{"error":{"message":"The lora adapter 'b' cannot be found.","type":"NotFoundError","param":null,"code":404}}`,
				wantUpstream: []string{`POST /unload_lora_adapter {"lora_name":"b"}`}}},
		},
		"an adapter folder that is not there answers vLLM's 404 NotFoundError with SGLang's message": {
			options: allManagementAPIs, fake: fakesglang.Options{EnableLoRA: true},
			calls: []call{{method: "POST", path: "/v1/load_lora_adapter", body: `{"lora_name":"a","lora_path":"/nowhere"}`, wantCode: 404,
				wantBody:     `"message":"Failed to load LoRA adapter a: adapter_config.json not found in /nowhere","type":"NotFoundError"`,
				wantUpstream: []string{`POST /load_lora_adapter {"lora_name":"a","lora_path":"/nowhere"}`}}},
		},
		"an SGLang without --enable-lora fails the load: vLLM's 500 with SGLang's message": {
			options: allManagementAPIs,
			calls: []call{{method: "POST", path: "/v1/load_lora_adapter", body: load, wantCode: 500,
				wantBody: `"message":"LoRA is not enabled. Please set ` + "`--enable-lora`" + ` to enable LoRA.","type":"InternalServerError"`, wantUpstream: []string{sentLoad}}},
		},
		"an empty lora_name or lora_path answers vLLM's InvalidUserInput without reaching SGLang": {
			options: allManagementAPIs, fake: fakesglang.Options{EnableLoRA: true},
			calls: []call{
				{method: "POST", path: "/v1/load_lora_adapter", body: `{"lora_name":"","lora_path":"/x"}`, wantCode: 400, exact: true,
					wantBody: `{"error":{"message":"Both 'lora_name' and 'lora_path' must be provided.","type":"InvalidUserInput","param":null,"code":400}}`},
				{method: "POST", path: "/v1/unload_lora_adapter", body: `{"lora_name":""}`, wantCode: 400,
					wantBody: `"message":"'lora_name' needs to be provided to unload a LoRA adapter.","type":"InvalidUserInput"`},
			},
		},
		"a body vLLM's request model refuses gets vLLM's validation error (400, Bad Request) without reaching SGLang": {
			options: allManagementAPIs, fake: fakesglang.Options{EnableLoRA: true},
			calls: []call{
				{method: "POST", path: "/v1/load_lora_adapter", body: `{"lora_name":"a"}`, wantCode: 400,
					wantBody: `{"error":{"message":"body.lora_path: Field required","type":"Bad Request","param":"body.lora_path","code":400}}`, exact: true},
				{method: "POST", path: "/v1/load_lora_adapter", body: `not json`, wantCode: 400, wantBody: `"type":"Bad Request"`},
				{method: "POST", path: "/v1/unload_lora_adapter", body: `{"lora_name":3}`, wantCode: 400, wantBody: `body.lora_name: Input should be a valid string`},
			},
		},
		"load_inplace is refused: SGLang cannot replace a loaded adapter in place": {
			options: allManagementAPIs, fake: fakesglang.Options{EnableLoRA: true},
			calls: []call{{method: "POST", path: "/v1/load_lora_adapter", body: `{"lora_name":"a","lora_path":"/x","load_inplace":true}`,
				wantCode: 400, wantBody: `"message":"load_inplace: SGLang cannot replace a loaded adapter in place`}},
		},
		"a method vLLM does not route gets FastAPI's 405": {
			options: allManagementAPIs,
			calls: []call{
				{method: "GET", path: "/v1/load_lora_adapter", wantCode: 405, wantBody: `{"detail":"Method Not Allowed"}`, exact: true},
				{method: "GET", path: "/sleep", wantCode: 405, wantBody: `{"detail":"Method Not Allowed"}`, exact: true},
				{method: "POST", path: "/is_sleeping", wantCode: 405, wantBody: `{"detail":"Method Not Allowed"}`, exact: true},
				{method: "GET", path: "/reset_prefix_cache", wantCode: 405, wantBody: `{"detail":"Method Not Allowed"}`, exact: true},
			},
		},
		"with --sleep-api, /is_sleeping is answered by the proxy: false before any sleep": {
			options: allManagementAPIs, fake: fakesglang.Options{MemorySaver: true},
			calls: []call{{method: "GET", path: "/is_sleeping", wantCode: 200, wantBody: `{"is_sleeping":false}`, exact: true}},
		},
		"/sleep releases SGLang's memory and /wake_up resumes it; meanwhile /is_sleeping is true and chat gets 503": {
			options: allManagementAPIs, fake: fakesglang.Options{MemorySaver: true},
			calls: []call{
				{method: "POST", path: "/sleep?level=1", wantCode: 200, exact: true, wantUpstream: []string{"POST /release_memory_occupation {}"}, wantNoContentType: true},
				{method: "GET", path: "/is_sleeping", wantCode: 200, wantBody: `{"is_sleeping":true}`, exact: true},
				{method: "POST", path: "/v1/chat/completions", body: chatBody, wantCode: 503, wantBody: `"message":"the model is sleeping (vLLM sleep mode): POST /wake_up wakes it","type":"Service Unavailable"`},
				{method: "POST", path: "/tokenize", body: `{"prompt":"hi"}`, wantCode: 200, wantUpstream: []string{`POST /tokenize {"prompt":"hi"}`}},
				{method: "POST", path: "/sleep", wantCode: 200, exact: true},              // vLLM: already sleeping
				{method: "POST", path: "/reset_prefix_cache", wantCode: 200, exact: true}, // SGLang flushed it when it released
				{method: "POST", path: "/wake_up", wantCode: 200, exact: true, wantUpstream: []string{"POST /resume_memory_occupation {}"}, wantNoContentType: true},
				{method: "GET", path: "/is_sleeping", wantCode: 200, wantBody: `{"is_sleeping":false}`, exact: true},
				{method: "POST", path: "/wake_up", wantCode: 200, exact: true}, // vLLM: not sleeping; SGLang's resume would raise
				{method: "POST", path: "/v1/chat/completions", body: chatBody, wantCode: 200, wantUpstream: []string{"POST /v1/chat/completions " + chatBody}},
			},
		},
		"/wake_up?tags= wakes the weights first and the KV cache (with SGLang's CUDA graphs) after, as vLLM's partial wake-up": {
			options: allManagementAPIs, fake: fakesglang.Options{MemorySaver: true},
			calls: []call{
				{method: "POST", path: "/sleep", wantCode: 200, wantUpstream: []string{"POST /release_memory_occupation {}"}},
				{method: "POST", path: "/wake_up?tags=weights", wantCode: 200, wantUpstream: []string{`POST /resume_memory_occupation {"tags":["weights"]}`}},
				{method: "GET", path: "/is_sleeping", wantCode: 200, wantBody: `{"is_sleeping":true}`, exact: true},
				{method: "POST", path: "/wake_up?tags=weights&tags=nonsense", wantCode: 200},
				{method: "POST", path: "/wake_up?tags=kv_cache", wantCode: 200, wantUpstream: []string{`POST /resume_memory_occupation {"tags":["kv_cache","cuda_graph"]}`}},
				{method: "GET", path: "/is_sleeping", wantCode: 200, wantBody: `{"is_sleeping":false}`, exact: true},
			},
		},
		"sleep levels SGLang has no equivalent for answer 400 saying so, and nothing is released": {
			options: allManagementAPIs, fake: fakesglang.Options{MemorySaver: true},
			calls: []call{
				{method: "POST", path: "/sleep?level=2", wantCode: 400, wantBody: `"message":"level 2 cannot be served by SGLang: vLLM's level 2 discards the weights`},
				{method: "POST", path: "/sleep?level=0", wantCode: 400, wantBody: `"message":"level 0 cannot be served by SGLang: only level 1`},
				{method: "POST", path: "/sleep?level=x", wantCode: 400, wantBody: `"type":"BadRequestError"`},
				{method: "POST", path: "/sleep?tags=kv_cache", wantCode: 400, wantBody: `"message":"tags: sleeping single memory tags is not translated`},
				{method: "POST", path: "/sleep?mode=keep", wantCode: 400, wantBody: `"message":"mode: \"keep\" is not translated`},
				{method: "GET", path: "/is_sleeping", wantCode: 200, wantBody: `{"is_sleeping":false}`, exact: true},
			},
		},
		"with --reset-prefix-cache-api, /reset_prefix_cache flushes SGLang's cache and answers vLLM's 200 with no body": {
			options: allManagementAPIs,
			calls: []call{{method: "POST", path: "/reset_prefix_cache?reset_running_requests=false", wantCode: 200, exact: true,
				wantUpstream: []string{"POST /flush_cache"}, wantNoContentType: true}},
		},
		"the client's bearer token reaches SGLang's --api-key check": {
			options: allManagementAPIs, fake: fakesglang.Options{EnableLoRA: true, APIKey: "k"},
			calls: []call{
				{method: "POST", path: "/v1/load_lora_adapter", body: load, header: http.Header{"Authorization": {"Bearer k"}}, wantCode: 200, wantUpstream: []string{sentLoad}},
				{method: "POST", path: "/v1/unload_lora_adapter", body: `{"lora_name":"a"}`, wantCode: 401, wantBody: `"message":"Unauthorized"`,
					wantUpstream: []string{`POST /unload_lora_adapter {"lora_name":"a"}`}},
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := startProxyWith(t, listen(t), tc.fake, tc.options)
			p.run(t, tc.calls)
			if c := p.fake.State().Crash; c != "" {
				t.Errorf("SGLang would have died: %s", c)
			}
		})
	}
}

// openStream starts a streamed chat completion through url, held after its
// first event by the fake's gate; it returns the body to read the rest.
func openStream(t *testing.T, url, gate string) io.ReadCloser {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", url+"/v1/chat/completions",
		strings.NewReader(`{"model":"m","messages":[],"stream":true}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Fake-Gate", gate)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != 200 {
		t.Fatalf("stream: %s", res.Status)
	}
	return res.Body
}

func TestSleepAbortsTheRequestsInFlightFirst(t *testing.T) {
	p := startProxyWith(t, listen(t), fakesglang.Options{MemorySaver: true}, allManagementAPIs)
	body := openStream(t, p.url, "g")
	p.run(t, []call{{method: "POST", path: "/sleep", wantCode: 200,
		wantUpstream: []string{`POST /abort_request {"abort_all":true}`, "POST /release_memory_occupation {}"}}})
	rest, _ := io.ReadAll(body)
	if !strings.Contains(string(rest), `"finish_reason":"abort"`) {
		t.Errorf("the stream in flight ended with %s, want SGLang's abort", rest)
	}
	if c := p.fake.State().Crash; c != "" {
		t.Errorf("SGLang would have died: %s", c)
	}
}

func TestSleepModeWaitLetsTheRequestsInFlightFinish(t *testing.T) {
	p := startProxyWith(t, listen(t), fakesglang.Options{MemorySaver: true}, allManagementAPIs)
	body := openStream(t, p.url, "g")
	slept := make(chan *http.Response, 1)
	go func() {
		res, err := http.Post(p.url+"/sleep?mode=wait", "", nil)
		if err != nil {
			t.Error(err)
			close(slept)
			return
		}
		res.Body.Close()
		slept <- res
	}()
	// New requests are refused from the moment the engine falls asleep.
	waitFor(t, "the engine to fall asleep", p.srv.sleepState.isAsleep)
	if res, _ := do(t, "POST", p.url+"/v1/completions", `{"model":"m","prompt":"x"}`, nil); res.StatusCode != 503 {
		t.Errorf("a completion while falling asleep got %d, want 503", res.StatusCode)
	}
	p.fake.Release("g", 100)
	rest, _ := io.ReadAll(body)
	if !strings.HasSuffix(string(rest), "data: [DONE]\n\n") || strings.Contains(string(rest), "abort") {
		t.Errorf("the stream in flight ended with %s, want its whole answer", rest)
	}
	if res := <-slept; res == nil || res.StatusCode != 200 {
		t.Fatalf("/sleep?mode=wait: %v", res)
	}
	for _, r := range p.fake.Requests() {
		if r.Path == "/abort_request" {
			t.Errorf("mode=wait aborted the requests in flight")
		}
	}
	if c := p.fake.State().Crash; c != "" {
		t.Errorf("SGLang would have died: %s", c)
	}
}

// TestHealthWhileAsleep: SGLang's /health runs a generation, which fails
// without its weights; vLLM's /health answers 200 while it sleeps. So the
// proxy checks SGLang's /get_model_info instead until /wake_up.
func TestHealthWhileAsleep(t *testing.T) {
	p := startProxyWith(t, listen(t), fakesglang.Options{MemorySaver: true}, allManagementAPIs)
	p.run(t, []call{{method: "POST", path: "/sleep", wantCode: 200, wantUpstream: []string{"POST /release_memory_occupation {}"}}})
	infos := p.fake.State().ModelInfoChecks
	waitFor(t, "three checks of /get_model_info", func() bool { return p.fake.State().ModelInfoChecks >= infos+3 })
	if res, _ := do(t, "GET", p.url+"/health", "", nil); res.StatusCode != 200 {
		t.Errorf("/health answered %d while asleep, want vLLM's 200", res.StatusCode)
	}
	if n := p.fake.State().HealthWhileReleased; n != 0 {
		t.Errorf("SGLang got %d health checks (generations) while its memory was released", n)
	}
	p.run(t, []call{{method: "POST", path: "/wake_up", wantCode: 200, wantUpstream: []string{"POST /resume_memory_occupation {}"}}})
	checks := p.fake.State().HealthChecks
	waitFor(t, "a /health check after /wake_up", func() bool { return p.fake.State().HealthChecks > checks })
}

// waitFor polls cond until it holds; the test deadline bounds it.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		if t.Context().Err() != nil {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestSleepThatSGLangRefusesLeavesTheEngineAwake: a release SGLang fails
// (here a request that reached it outside the proxy is running) answers
// vLLM's 500 and leaves /is_sleeping false and the routes open.
func TestSleepThatSGLangRefusesLeavesTheEngineAwake(t *testing.T) {
	p := startProxyWith(t, listen(t), fakesglang.Options{MemorySaver: true}, allManagementAPIs)
	openStream(t, p.upstream.URL, "g")
	p.run(t, []call{
		{method: "POST", path: "/sleep", wantCode: 500, wantBody: `"message":"releasing SGLang's memory failed: scheduler died","type":"InternalServerError"`,
			wantUpstream: []string{"POST /release_memory_occupation {}"}},
		{method: "GET", path: "/is_sleeping", wantCode: 200, wantBody: `{"is_sleeping":false}`, exact: true},
	})
	if p.srv.sleepState.isAsleep() {
		t.Error("the gate stayed closed")
	}
}

// TestSGLangGoingDownWhileAsleepWakesTheRecord: a restarted SGLang holds
// its memory, so when SGLang goes down while asleep the proxy's record
// says awake (a /wake_up would make SGLang resume memory it never released).
func TestSGLangGoingDownWhileAsleepWakesTheRecord(t *testing.T) {
	p := startProxyWith(t, listen(t), fakesglang.Options{MemorySaver: true}, func(o *Options) {
		allManagementAPIs(o)
		o.HealthFall = 1
	})
	p.run(t, []call{{method: "POST", path: "/sleep", wantCode: 200, wantUpstream: []string{"POST /release_memory_occupation {}"}}})
	p.upstream.CloseClientConnections()
	p.upstream.Listener.Close()
	waitFor(t, "the proxy to see SGLang down", func() bool { return !p.srv.sleepState.isAsleep() })
	if res, got := do(t, "GET", p.url+"/is_sleeping", "", nil); res.StatusCode != 200 || got != `{"is_sleeping":false}` {
		t.Errorf("/is_sleeping after SGLang went down: %d %s", res.StatusCode, got)
	}
}

// TestResetPrefixCacheWhileRequestsRun: SGLang declines to flush while
// requests run (400); vLLM does not report whether its reset happened
// either, so the answer is vLLM's 200.
func TestResetPrefixCacheWhileRequestsRun(t *testing.T) {
	p := startProxyWith(t, listen(t), fakesglang.Options{}, allManagementAPIs)
	openStream(t, p.url, "g")
	p.run(t, []call{{method: "POST", path: "/reset_prefix_cache", wantCode: 200, exact: true, wantUpstream: []string{"POST /flush_cache"}}})
	p.fake.Release("g", 100)
}
