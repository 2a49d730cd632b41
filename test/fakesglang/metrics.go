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

package fakesglang

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// sglangMetrics are the sglang:* series a real server exposes with
// --enable-metrics, with SGLang's names, label names and default buckets
// (as docs/metrics.md describes them). Values follow the fake's own traffic.
type sglangMetrics struct {
	reg     *prometheus.Registry
	running prometheus.Gauge

	promptTokens, generationTokens, requests, aborted prometheus.Counter
	ttft, e2e, itl                                    prometheus.Observer
}

// Scheduler-side series carry the rank labels; tokenizer-side ones do not.
var schedulerLabels = []string{"model_name", "engine_type", "tp_rank", "pp_rank", "moe_ep_rank"}

var tokenizerLabels = []string{"model_name", "engine_type"}

const (
	fakeMaxTotalTokens = 100000
	fakePageSize       = 1
)

// newSGLangMetrics registers the series of model and, for extraModels
// more models ("model-N"), the running and queued requests.
func newSGLangMetrics(model string, extraModels int) *sglangMetrics {
	reg := prometheus.NewRegistry()
	sched := prometheus.Labels{"model_name": model, "engine_type": "unified", "tp_rank": "0", "pp_rank": "0", "moe_ep_rank": "0"}
	tok := prometheus.Labels{"model_name": model, "engine_type": "unified"}
	gauge := func(name, help string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, schedulerLabels)
		reg.MustRegister(g)
		return g
	}
	counter := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, tokenizerLabels)
		reg.MustRegister(c)
		return c.With(tok)
	}
	histogram := func(name, help string, buckets []float64) prometheus.Observer {
		h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, tokenizerLabels)
		reg.MustRegister(h)
		return h.With(tok)
	}
	m := &sglangMetrics{reg: reg}
	running := gauge("sglang:num_running_reqs", "The number of running requests.")
	queued := gauge("sglang:num_queue_reqs", "The number of requests in the waiting queue.")
	m.running = running.With(sched)
	queued.With(sched).Set(0)
	for i := range extraModels {
		l := prometheus.Labels{"model_name": "model-" + strconv.Itoa(i), "engine_type": "unified", "tp_rank": "0", "pp_rank": "0", "moe_ep_rank": "0"}
		running.With(l).Set(1)
		queued.With(l).Set(0)
	}
	gauge("sglang:token_usage", "The token usage.").With(sched).Set(0.25)
	gauge("sglang:num_used_tokens", "The number of used tokens.").With(sched).Set(0.25 * fakeMaxTotalTokens)
	gauge("sglang:max_total_num_tokens", "Maximum total number of tokens in the KV cache pool.").With(sched).Set(fakeMaxTotalTokens)
	gauge("sglang:cache_hit_rate", "The prefix cache hit rate.").With(sched).Set(0.5)
	gauge("sglang:gen_throughput", "The generation throughput (token/s).").With(sched).Set(42)
	info := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "sglang:cache_config_info", Help: "Information of the cache config."},
		[]string{"page_size", "num_pages"})
	reg.MustRegister(info)
	info.WithLabelValues("1", "100000").Set(1)
	m.promptTokens = counter("sglang:prompt_tokens_total", "Number of prefill tokens processed.")
	m.generationTokens = counter("sglang:generation_tokens_total", "Number of generation tokens processed.")
	m.requests = counter("sglang:num_requests_total", "Number of requests processed.")
	m.aborted = counter("sglang:num_aborted_requests_total", "Number of requests aborted.")
	counter("sglang:cached_tokens_total", "Number of cached prompt tokens.")
	m.ttft = histogram("sglang:time_to_first_token_seconds", "Histogram of time to first token in seconds.",
		[]float64{0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400})
	m.itl = histogram("sglang:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.",
		[]float64{0.002, 0.004, 0.006, 0.008, 0.010, 0.015, 0.020, 0.025, 0.030, 0.035, 0.040, 0.060, 0.080, 0.100, 0.200, 0.400, 0.600, 0.800, 1.0, 2.0, 4.0, 6.0, 8.0})
	m.e2e = histogram("sglang:e2e_request_latency_seconds", "Histogram of End-to-end request latency in seconds",
		[]float64{0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400, 600, 1200, 1800, 2400})
	return m
}

// finished records one request the way SGLang does when a request ends.
func (m *sglangMetrics) finished(prompt, generated int, ttft, e2e time.Duration, aborted bool) {
	if aborted {
		m.aborted.Inc()
		return
	}
	m.requests.Inc()
	m.promptTokens.Add(float64(prompt))
	m.generationTokens.Add(float64(generated))
	m.ttft.Observe(ttft.Seconds())
	m.e2e.Observe(e2e.Seconds())
	if generated > 1 {
		m.itl.Observe((e2e - ttft).Seconds() / float64(generated-1))
	}
}
