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
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/proxy/loadgen"
)

const benchChat = `{"model":"fake/model","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hi."}],"max_tokens":8,"logprobs":true}`

// benchAnswer is a small non-streamed chat answer as SGLang writes it
// (compact JSON, matched_stop holding the EOS token id).
const benchAnswer = `{"id":"8b2f0c6e4a3d4f0e9a7b","object":"chat.completion","created":1767225600,"model":"fake/model","choices":[{"index":0,"message":{"role":"assistant","content":"Hi.","reasoning_content":null,"tool_calls":null},"logprobs":null,"finish_reason":"stop","matched_stop":2}],"usage":{"prompt_tokens":20,"total_tokens":22,"completion_tokens":2,"prompt_tokens_details":null}}`

// benchConns is the number of client connections, as in make bench-proxy.
const benchConns = 16

// BenchmarkProxyChatCompletion is the hot path: a small non-streamed chat
// request, body filtered (logprobs stripped), answer translated
// (stop_reason added). The client and the upstream are minimal raw HTTP/1.1
// loops, so a CPU profile (-cpuprofile) shows the proxy's own cost; "direct"
// is the same load without the proxy.
func BenchmarkProxyChatCompletion(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go loadgen.Serve(ln, loadgen.Response([]byte(benchAnswer)))
	p := startProxy(b, func(o *Options) {
		o.Upstream = "http://" + ln.Addr().String()
		o.HealthInterval = time.Hour // one check at start, none during the run
	})
	p.waitHealth(b, http.StatusOK)

	for name, addr := range map[string]string{"direct": ln.Addr().String(), "proxy": strings.TrimPrefix(p.url, "http://")} {
		b.Run(name, func(b *testing.B) {
			req := loadgen.Request(http.MethodPost, "/v1/chat/completions", addr, "application/json", []byte(benchChat))
			b.ReportAllocs()
			// RunParallel starts parallelism × GOMAXPROCS goroutines.
			b.SetParallelism(max(benchConns/runtime.GOMAXPROCS(0), 1))
			b.RunParallel(func(pb *testing.PB) {
				c, err := loadgen.Dial(addr, req)
				if err != nil {
					b.Error(err)
					return
				}
				defer c.Close()
				for pb.Next() {
					if status, err := c.Do(); err != nil || status != http.StatusOK {
						b.Errorf("status %d, error %v", status, err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkProxyStream streams a chat completion of 16 events from the
// fake through the proxy.
func BenchmarkProxyStream(b *testing.B) {
	p := startProxy(b, nil)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, p.url+"/v1/chat/completions",
				strings.NewReader(`{"model":"m","messages":[],"stream":true}`))
			req.Header.Set("X-Fake-Events", "16")
			res, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	})
}
