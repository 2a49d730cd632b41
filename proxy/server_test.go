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
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/metrics"
)

const chatBody = `{"model":"fake/model","messages":[{"role":"user","content":"hi"}]}`

func TestRouting(t *testing.T) {
	tests := map[string]struct {
		options  func(*Options)
		method   string
		path     string
		body     string
		header   http.Header
		wantCode int
		// wantUpstream is the path SGLang must see; empty means none.
		wantUpstream string
		wantBody     string // substring of the response body
		// wantSent is the exact body SGLang must receive, when set.
		wantSent     string
		wantModified string
	}{
		"forwards GET /v1/models to SGLang": {
			method: "GET", path: "/v1/models", wantCode: 200, wantUpstream: "/v1/models", wantBody: `"owned_by":"sglang"`,
		},
		"keeps the query string as sent": {
			method: "GET", path: "/v1/models?a=1&b=%20x", wantCode: 200, wantUpstream: "/v1/models",
		},
		"refuses SGLang's admin endpoint /flush_cache with vLLM's 404": {
			method: "POST", path: "/flush_cache", wantCode: 404, wantBody: `{"detail":"Not Found"}`,
		},
		"refuses /update_weights_from_disk": {
			method: "POST", path: "/update_weights_from_disk", body: "{}", wantCode: 404,
		},
		"refuses SGLang's native /generate": {
			method: "POST", path: "/generate", body: "{}", wantCode: 404,
		},
		"forwards an admin path named by --allow-path": {
			options: func(o *Options) { o.AllowPaths = []string{"/flush_cache"} },
			method:  "POST", path: "/flush_cache", wantCode: 200, wantUpstream: "/flush_cache",
		},
		"forwards a subtree named by an --allow-path ending in /": {
			options: func(o *Options) { o.AllowPaths = []string{"/v1/"} },
			method:  "GET", path: "/v1/anything", wantCode: 404, wantUpstream: "/v1/anything",
		},
		"an --allow-path does not open its prefix's siblings": {
			options: func(o *Options) { o.AllowPaths = []string{"/flush_cache"} },
			method:  "POST", path: "/flush_cache_all", wantCode: 404,
		},
		"maps vLLM's /detokenize answer text onto prompt": {
			method: "POST", path: "/detokenize", body: `{"tokens":[104,105]}`, wantCode: 200,
			wantUpstream: "/detokenize", wantBody: `{"prompt":"hi"}`,
		},
		"answers /version from SGLang's server info": {
			method: "GET", path: "/version", wantCode: 200, wantUpstream: "/get_server_info", wantBody: `{"version":"0.0.0-fake"}`,
		},
		"forwards /tokenize unchanged": {
			method: "POST", path: "/tokenize", body: `{"prompt":"hi"}`, wantCode: 200, wantUpstream: "/tokenize",
			wantSent: `{"prompt":"hi"}`, wantBody: `"tokens":[104,105]`,
		},
		"forwards /v1/embeddings unchanged": {
			method: "POST", path: "/v1/embeddings", body: `{"input":"x"}`, wantCode: 200, wantUpstream: "/v1/embeddings",
			wantSent: `{"input":"x"}`,
		},
		"strips logprobs and names the change in the response header": {
			method: "POST", path: "/v1/chat/completions",
			body:     `{"model":"fake/model","logprobs":true,"top_logprobs":2,"messages":[]}`,
			wantCode: 200, wantUpstream: "/v1/chat/completions",
			wantSent: `{"model":"fake/model","messages":[]}`, wantModified: "stripped=logprobs, stripped=top_logprobs",
		},
		"sends a body that needs no change byte for byte": {
			method: "POST", path: "/v1/chat/completions", body: "{ \"model\" : \"fake/model\",\n \"messages\":[] , \"n\":1.0 }",
			wantCode: 200, wantUpstream: "/v1/chat/completions", wantSent: "{ \"model\" : \"fake/model\",\n \"messages\":[] , \"n\":1.0 }",
		},
		"refuses a body that is not JSON with vLLM's 400, sending nothing (the filter fails closed)": {
			method: "POST", path: "/v1/chat/completions", body: "not json", wantCode: 400,
			wantBody: `{"error":{"message":"body: is not a JSON object that SGLang reads: invalid JSON value at byte 0","type":"BadRequestError","param":null,"code":400}}`,
		},
		"with an empty --strip-params, logprobs reach SGLang (whose mistral tool-call parser rejects them on a tool call)": {
			options: func(o *Options) { o.StripParams = nil },
			method:  "POST", path: "/v1/chat/completions",
			body:     `{"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}],"logprobs":true}`,
			wantCode: 422, wantUpstream: "/v1/chat/completions", wantBody: `"error":{"message":"logprobs is not supported`,
		},
		"repairs array-shaped tool properties": {
			method: "POST", path: "/v1/chat/completions",
			body:     `{"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":[]}}}]}`,
			wantCode: 200, wantUpstream: "/v1/chat/completions", wantModified: "repaired=properties",
		},
		"refuses a field SGLang cannot honour with vLLM's BadRequestError, sending nothing": {
			method: "POST", path: "/v1/chat/completions", body: `{"model":"m","messages":[],"bad_words":["darn"]}`,
			wantCode: 400, wantBody: `{"error":{"message":"bad_words: SGLang cannot ban words; without it the output may contain them","type":"BadRequestError","param":null,"code":400}}`,
		},
		"reports the stop string SGLang matched as vLLM's stop_reason": {
			method: "POST", path: "/v1/chat/completions", body: `{"model":"m","messages":[],"stop":["END"]}`,
			wantCode: 200, wantUpstream: "/v1/chat/completions", wantBody: `"finish_reason":"stop","matched_stop":"END","stop_reason":"END"}`,
		},
		"reports an end of sequence as stop_reason null on completions": {
			method: "POST", path: "/v1/completions", body: `{"model":"m","prompt":"hi"}`,
			wantCode: 200, wantUpstream: "/v1/completions", wantBody: `"finish_reason":"stop","matched_stop":2,"stop_reason":null}`,
		},
		"translates SGLang's flat error into vLLM's envelope": {
			options: func(o *Options) { o.FixToolSchemas = false },
			method:  "POST", path: "/v1/chat/completions",
			body:     `{"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":[]}}}]}`,
			wantCode: 400, wantUpstream: "/v1/chat/completions", wantBody: `{"error":{"message":"tool \"f\": parameters.properties must be an object`,
		},
		"answers a body over --max-body-bytes with 413 in vLLM's shape": {
			options: func(o *Options) { o.MaxBodyBytes = 64 },
			method:  "POST", path: "/v1/chat/completions", body: strings.Repeat("x", 65),
			wantCode: 413, wantBody: `{"error":{"message":"request body exceeds 64 bytes","type":"Request Entity Too Large","param":null,"code":413}}`,
		},
		"answers a streamed body over --max-body-bytes with 413 on a forwarded route": {
			options: func(o *Options) { o.MaxBodyBytes = 64 },
			method:  "POST", path: "/v1/embeddings", body: strings.Repeat("x", 65), header: http.Header{"Transfer-Encoding": {"chunked"}},
			wantCode: 413, wantBody: `"code":413`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := startProxy(t, tc.options)
			res, got := do(t, tc.method, p.url+tc.path, tc.body, tc.header)
			if res.StatusCode != tc.wantCode {
				t.Errorf("status = %d, want %d (body %s)", res.StatusCode, tc.wantCode, got)
			}
			if !strings.Contains(got, tc.wantBody) {
				t.Errorf("body = %s, want it to contain %s", got, tc.wantBody)
			}
			if m := res.Header.Get(ModifiedHeader); m != tc.wantModified {
				t.Errorf("%s = %q, want %q", ModifiedHeader, m, tc.wantModified)
			}
			last := p.lastRequest()
			switch {
			case tc.wantUpstream == "" && last != nil:
				t.Errorf("SGLang received %s %s, want nothing forwarded", last.Method, last.Path)
			case tc.wantUpstream != "" && last == nil:
				t.Errorf("SGLang received nothing, want %s", tc.wantUpstream)
			case tc.wantUpstream != "" && last.Path != tc.wantUpstream:
				t.Errorf("SGLang received %s, want %s", last.Path, tc.wantUpstream)
			}
			if tc.wantSent != "" && last != nil && last.Body != tc.wantSent {
				t.Errorf("SGLang received body %q, want %q", last.Body, tc.wantSent)
			}
			if i := strings.IndexByte(tc.path, '?'); i >= 0 && last != nil && last.RawQuery != tc.path[i+1:] {
				t.Errorf("SGLang received query %q, want %q", last.RawQuery, tc.path[i+1:])
			}
		})
	}
}

func TestHealthAndPing(t *testing.T) {
	p := startProxy(t, nil)
	for _, path := range []string{"/health", "/ping"} {
		res, body := do(t, "GET", p.url+path, "", nil)
		if res.StatusCode != 200 || body != "" {
			t.Errorf("GET %s = %d %q, want 200 and an empty body", path, res.StatusCode, body)
		}
	}
	for _, r := range p.fake.Requests() {
		if r.Path == "/ping" {
			t.Error("/ping was forwarded to SGLang")
		}
	}
}

func TestHealthIs503BeforeTheFirstSuccess(t *testing.T) {
	p := startProxy(t, func(o *Options) { o.Upstream = "http://127.0.0.1:1" })
	res, _ := do(t, "GET", p.url+"/health", "", nil)
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET /health = %d before any successful check, want 503", res.StatusCode)
	}
}

func TestUpstreamDownAnswers503InVLLMShape(t *testing.T) {
	p := startProxy(t, func(o *Options) { o.Upstream = "http://127.0.0.1:1" })
	res, body := do(t, "POST", p.url+"/v1/chat/completions", chatBody, nil)
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", res.StatusCode)
	}
	var env struct {
		Error struct {
			Message string `json:"message"`
			Code    int    `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &env); err != nil || env.Error.Code != 503 || !strings.Contains(env.Error.Message, "upstream unavailable") {
		t.Errorf("body = %s, want vLLM's error envelope with code 503", body)
	}
}

func TestMetricsServeOwnSeries(t *testing.T) {
	p := startProxy(t, nil)
	do(t, "POST", p.url+"/v1/chat/completions", `{"model":"m","messages":[],"logprobs":true}`, nil)
	do(t, "GET", p.url+"/flush_cache", "", nil)
	_, engine := do(t, "GET", p.url+"/metrics", "", nil)
	if !strings.Contains(engine, "vllm:num_requests_running") || strings.Contains(engine, MetricsPrefix) {
		t.Errorf("/metrics should carry the engine's series and none of the proxy's:\n%s", engine)
	}
	_, body := do(t, "GET", p.url+metrics.ProxyPath, "", nil)
	for _, want := range []string{
		`vllm_to_sglang_proxy_requests_total{code="200",route="/v1/chat/completions"} 1`,
		`vllm_to_sglang_proxy_requests_total{code="200",route="/metrics"} 1`,
		`vllm_to_sglang_proxy_requests_total{code="404",route="refused"} 1`,
		`vllm_to_sglang_proxy_body_changes_total{field="logprobs",kind="stripped"} 1`,
		`vllm_to_sglang_proxy_upstream_healthy 1`,
		`vllm_to_sglang_proxy_upstream_up 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks %s", metrics.ProxyPath, want)
		}
	}
}
