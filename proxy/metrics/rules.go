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

package metrics

import dto "github.com/prometheus/client_model/go"

// Kind says how a Rule turns its sources into a vLLM family.
type Kind int

const (
	// Gauge sums the scalar values of its sources.
	Gauge Kind = iota
	// Counter sums the scalar values of its sources. A counter family that is
	// present but has no child matching a source contributes 0 for it:
	// prometheus_client creates labelled children on their first increment.
	Counter
	// Histogram renames one source histogram, keeping its bucket bounds.
	Histogram
	// Ratio divides the sum of From by the sum of Per; absent when Per is 0.
	Ratio
	// Info is an info-style gauge of value 1 whose labels carry the data.
	Info
)

// Combine says how series of disjoint request sets (data-parallel ranks,
// SGLang custom labels, cache sources) combine into one vLLM series.
type Combine int

const (
	// Sum adds the parts: counts of requests or tokens.
	Sum Combine = iota
	// Mean averages the parts: usage fractions of equally sized pools.
	Mean
)

// Source selects the series of one SGLang family.
type Source struct {
	// Family is the family name as exposed, e.g. "sglang:num_queue_reqs".
	Family string
	// Match lists label values a series must carry, e.g. mode=prefill_cache.
	Match map[string]string
}

// InfoLabel fills one label of an Info rule, from a label of the rule's
// first source or, when that family is absent, from a gauge's value.
type InfoLabel struct {
	Name      string // vLLM label, e.g. "block_size"
	FromLabel string // label of From[0].Family, e.g. "page_size"
	FromGauge string // gauge family whose value is used instead, e.g. "sglang:page_size"
}

// Rule derives one vLLM family from SGLang families.
type Rule struct {
	Name    string // vLLM family as exposed, e.g. "vllm:num_requests_waiting"
	Help    string
	Kind    Kind
	From    []Source // summed; the family exists for a model only when From[0] has data for it
	Per     []Source // Ratio only: the denominator
	Combine Combine
	// Scale multiplies values (and histogram bounds and sums) to reach
	// vLLM's unit; 0 means 1.
	Scale  float64
	Labels []InfoLabel // Info only
}

// outputType is the Prometheus type of the vLLM family a rule writes.
func (r Rule) outputType() dto.MetricType {
	switch r.Kind {
	case Counter:
		return dto.MetricType_COUNTER
	case Histogram:
		return dto.MetricType_HISTOGRAM
	default:
		return dto.MetricType_GAUGE
	}
}

// SGLang label names the translation treats specially. Every other label
// (dp_rank, engine_type, --extra-metric-labels, per-request custom labels,
// cache_source, ...) splits requests into disjoint parts that Combine joins.
const (
	labelModel    = "model_name"
	labelPriority = "priority"
	labelEngine   = "engine"
	// engineIndex is the only vLLM engine the proxy reports: SGLang's ranks
	// are folded into it (vLLM itself writes "0" unless data-parallel).
	engineIndex = "0"
)

// replicaLabels name SGLang ranks that see the same requests (tensor,
// pipeline and expert parallel copies of one scheduler). Only the lowest rank
// is read, so enabling --enable-metrics-for-all-schedulers does not multiply
// the counts.
var replicaLabels = []string{"tp_rank", "pp_rank", "moe_ep_rank"}

func src(family string, match ...string) Source {
	s := Source{Family: family}
	if len(match) > 0 {
		s.Match = map[string]string{}
		for i := 0; i+1 < len(match); i += 2 {
			s.Match[match[i]] = match[i+1]
		}
	}
	return s
}

var (
	prefillCache   = src("sglang:realtime_tokens_total", "mode", "prefill_cache")
	prefillCompute = src("sglang:realtime_tokens_total", "mode", "prefill_compute")
	tokenUsage     = src("sglang:token_usage")
)

// Rules is the translation table, in the order of docs/metrics.md. Help texts
// are vLLM's, followed by the SGLang source so a reader of /metrics can tell.
var Rules = []Rule{
	{Name: "vllm:num_requests_running", Kind: Gauge, Combine: Sum,
		Help: "Number of requests in model execution batches. From sglang:num_running_reqs.",
		From: []Source{src("sglang:num_running_reqs")}},
	{Name: "vllm:num_requests_waiting", Kind: Gauge, Combine: Sum,
		Help: "Number of requests waiting to be processed. From sglang:num_queue_reqs + sglang:num_grammar_queue_reqs.",
		From: []Source{src("sglang:num_queue_reqs"), src("sglang:num_grammar_queue_reqs")}},
	{Name: "vllm:kv_cache_usage_perc", Kind: Gauge, Combine: Mean,
		Help: "KV-cache usage. 1 means 100 percent usage. From sglang:token_usage.",
		From: []Source{tokenUsage}},
	{Name: "vllm:gpu_cache_usage_perc", Kind: Gauge, Combine: Mean,
		Help: "GPU KV-cache usage. 1 means 100 percent usage. From sglang:token_usage.",
		From: []Source{tokenUsage}},
	{Name: "vllm:prefix_cache_queries_total", Kind: Counter, Combine: Sum,
		Help: "Prefix cache queries, in terms of number of queried tokens. From sglang:realtime_tokens_total{mode=~\"prefill_cache|prefill_compute\"}.",
		From: []Source{prefillCache, prefillCompute}},
	{Name: "vllm:prefix_cache_hits_total", Kind: Counter, Combine: Sum,
		Help: "Prefix cache hits, in terms of number of cached tokens. From sglang:realtime_tokens_total{mode=\"prefill_cache\"}.",
		From: []Source{prefillCache}},
	{Name: "vllm:gpu_prefix_cache_queries_total", Kind: Counter, Combine: Sum,
		Help: "GPU prefix cache queries, in terms of number of queried tokens. From sglang:realtime_tokens_total{mode=~\"prefill_cache|prefill_compute\"}.",
		From: []Source{prefillCache, prefillCompute}},
	{Name: "vllm:gpu_prefix_cache_hits_total", Kind: Counter, Combine: Sum,
		Help: "GPU prefix cache hits, in terms of number of cached tokens. From sglang:realtime_tokens_total{mode=\"prefill_cache\"}.",
		From: []Source{prefillCache}},
	{Name: "vllm:gpu_prefix_cache_hit_rate", Kind: Ratio, Combine: Sum,
		Help: "GPU prefix cache hit rate since start (0..1). From sglang:realtime_tokens_total prefill_cache / (prefill_cache + prefill_compute).",
		From: []Source{prefillCache}, Per: []Source{prefillCache, prefillCompute}},
	{Name: "vllm:prompt_tokens_total", Kind: Counter, Combine: Sum,
		Help: "Number of prefill tokens processed. From sglang:prompt_tokens_total.",
		From: []Source{src("sglang:prompt_tokens_total")}},
	{Name: "vllm:generation_tokens_total", Kind: Counter, Combine: Sum,
		Help: "Number of generation tokens processed. From sglang:generation_tokens_total.",
		From: []Source{src("sglang:generation_tokens_total")}},
	{Name: "vllm:prompt_tokens_cached_total", Kind: Counter, Combine: Sum,
		Help: "Number of cached prompt tokens (local + external). From sglang:cached_tokens_total, all cache_source values.",
		From: []Source{src("sglang:cached_tokens_total")}},
	{Name: "vllm:num_preemptions_total", Kind: Counter, Combine: Sum,
		Help: "Cumulative number of preemption from the engine. From sglang:num_retracted_requests_total.",
		From: []Source{src("sglang:num_retracted_requests_total")}},
	{Name: "vllm:time_to_first_token_seconds", Kind: Histogram, Combine: Sum,
		Help: "Histogram of time to first token in seconds. From sglang:time_to_first_token_seconds (its bucket bounds).",
		From: []Source{src("sglang:time_to_first_token_seconds")}},
	{Name: "vllm:inter_token_latency_seconds", Kind: Histogram, Combine: Sum,
		Help: "Histogram of inter-token latency in seconds. From sglang:inter_token_latency_seconds (its bucket bounds).",
		From: []Source{src("sglang:inter_token_latency_seconds")}},
	{Name: "vllm:time_per_output_token_seconds", Kind: Histogram, Combine: Sum,
		Help: "Histogram of time per output token in seconds. From sglang:inter_token_latency_seconds (its bucket bounds).",
		From: []Source{src("sglang:inter_token_latency_seconds")}},
	{Name: "vllm:e2e_request_latency_seconds", Kind: Histogram, Combine: Sum,
		Help: "Histogram of e2e request latency in seconds. From sglang:e2e_request_latency_seconds (its bucket bounds).",
		From: []Source{src("sglang:e2e_request_latency_seconds")}},
	{Name: "vllm:request_queue_time_seconds", Kind: Histogram, Combine: Sum,
		Help: "Histogram of time spent in WAITING phase for request. From sglang:queue_time_seconds (its bucket bounds).",
		From: []Source{src("sglang:queue_time_seconds")}},
	// SGLang v0.5.9 writes the two token-length histograms only when it runs
	// with --collect-tokens-histogram; from SGLang PR #23595 (2026-04-24) on
	// they always exist under --enable-metrics. Name, labels and buckets are the
	// same in both, so one rule covers both; without them the vLLM families are
	// absent (docs/metrics.md, "Token-length histograms").
	{Name: "vllm:request_prompt_tokens", Kind: Histogram, Combine: Sum,
		Help: "Number of prefill tokens processed. From sglang:prompt_tokens_histogram (its bucket bounds).",
		From: []Source{src("sglang:prompt_tokens_histogram")}},
	{Name: "vllm:request_generation_tokens", Kind: Histogram, Combine: Sum,
		Help: "Number of generation tokens processed. From sglang:generation_tokens_histogram (its bucket bounds).",
		From: []Source{src("sglang:generation_tokens_histogram")}},
	{Name: "vllm:request_prefill_kv_computed_tokens", Kind: Histogram, Combine: Sum,
		Help: "Histogram of new KV tokens computed during prefill (excluding cached tokens). From sglang:uncached_prompt_tokens_histogram (its bucket bounds).",
		From: []Source{src("sglang:uncached_prompt_tokens_histogram")}},
	{Name: "vllm:cache_config_info", Kind: Info,
		Help: "Information of the LLMEngine CacheConfig. From sglang:cache_config_info or sglang:page_size and sglang:num_pages.",
		From: []Source{src("sglang:cache_config_info")},
		Labels: []InfoLabel{
			{Name: "block_size", FromLabel: "page_size", FromGauge: "sglang:page_size"},
			{Name: "num_gpu_blocks", FromLabel: "num_pages", FromGauge: "sglang:num_pages"},
		}},
}
