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
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/metrics"
)

// scrape GETs path from the proxy as Prometheus would.
func (p *proxyProc) scrape(t *testing.T, path string) (int, string) {
	t.Helper()
	res, err := client.Get(p.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return res.StatusCode, string(b)
}

// While SGLang is down, /metrics fails the scrape as a dead vLLM does and
// the proxy's own series stay on metrics.ProxyPath; once SGLang is back on
// its port, so are vLLM's series.
func TestMetricsFailTheScrapeWhileSGLangIsDown(t *testing.T) {
	f := startFake(t, "FAKESGLANG_HEALTH_DELAY=1ms")
	u, err := url.Parse(f.url)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, f.url, "--metrics-cache=100ms")
	p.waitHealth(t, http.StatusOK)

	servesVLLM := func() bool {
		code, body := p.scrape(t, metrics.EnginePath)
		return code == http.StatusOK && strings.Contains(body, `vllm:num_requests_running{engine="0",model_name="fake/model"}`)
	}
	upIs := func(want float64) func() bool {
		return func() bool { return p.metric(t, metrics.UpMetric) == want }
	}
	eventually(t, "/metrics serves SGLang's numbers under vLLM's names", servesVLLM)
	eventually(t, metrics.UpMetric+" is 1", upIs(1))
	if _, body := p.scrape(t, metrics.EnginePath); strings.Contains(body, "vllm_to_sglang_proxy_") {
		t.Errorf("/metrics carries the proxy's own series:\n%s", body)
	}

	f.stop(t)
	var body string
	eventually(t, "/metrics answers 503 saying the connection to SGLang was refused", func() bool {
		var code int
		code, body = p.scrape(t, metrics.EnginePath)
		return code == http.StatusServiceUnavailable && strings.Contains(body, "connection refused")
	})
	if !strings.HasPrefix(body, "SGLang's metrics could not be read: ") || strings.Contains(body, "vllm:") {
		t.Errorf("503 body %q: want one line saying SGLang's metrics could not be read, no series", body)
	}
	code, own := p.scrape(t, metrics.ProxyPath)
	if code != http.StatusOK || !strings.Contains(own, metrics.UpMetric+" 0") ||
		!strings.Contains(own, `vllm_to_sglang_proxy_requests_total{code="503",route="/metrics"}`) ||
		!strings.Contains(own, metrics.ScrapeErrorsMetric) || strings.Contains(own, "vllm:") {
		t.Errorf("GET %s = %d, want 200 with the proxy's series, %s 0 and no engine series:\n%s", metrics.ProxyPath, code, metrics.UpMetric, own)
	}

	startFakeOn(t, u.Port(), nil, "FAKESGLANG_HEALTH_DELAY=1ms")
	eventually(t, "/metrics serves vLLM's names again once SGLang is back", servesVLLM)
	eventually(t, metrics.UpMetric+" is 1 again", upIs(1))
}
