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

import (
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

const m8b = `model_name="llama-8b",engine_type="unified"`

func TestDerive(t *testing.T) {
	tests := []struct {
		name   string
		rules  []Rule // nil means Rules
		input  string
		check  []string // families compared with want (HELP lines ignored)
		want   string
		absent []string // families that must not be derived
	}{
		{
			name: "running requests are renamed with vLLM's labels model_name and engine",
			input: `# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{` + m8b + `,tp_rank="0",pp_rank="0",moe_ep_rank="0"} 7
`,
			check: []string{"vllm:num_requests_running"},
			want: `# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="llama-8b"} 7
`,
		},
		{
			name: "running requests are summed over data-parallel ranks",
			input: `# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{` + m8b + `,tp_rank="0",pp_rank="0",moe_ep_rank="0",dp_rank="0"} 5
sglang:num_running_reqs{` + m8b + `,tp_rank="0",pp_rank="0",moe_ep_rank="0",dp_rank="1"} 6
`,
			check: []string{"vllm:num_requests_running"},
			want: `# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="llama-8b"} 11
`,
		},
		{
			name: "tensor-parallel replicas of one scheduler are counted once, from the lowest rank",
			input: `# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{` + m8b + `,tp_rank="10",pp_rank="0",moe_ep_rank="0"} 9
sglang:num_running_reqs{` + m8b + `,tp_rank="2",pp_rank="0",moe_ep_rank="0"} 4
sglang:num_running_reqs{` + m8b + `,tp_rank="1",pp_rank="0",moe_ep_rank="0"} 3
`,
			check: []string{"vllm:num_requests_running"},
			want: `# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="llama-8b"} 3
`,
		},
		{
			name: "with priority scheduling the priority total is used and per-priority series are ignored",
			input: `# TYPE sglang:num_queue_reqs gauge
sglang:num_queue_reqs{` + m8b + `,tp_rank="0",pp_rank="0",moe_ep_rank="0",priority=""} 3
sglang:num_queue_reqs{` + m8b + `,tp_rank="0",pp_rank="0",moe_ep_rank="0",priority="0"} 1
sglang:num_queue_reqs{` + m8b + `,tp_rank="0",pp_rank="0",moe_ep_rank="0",priority="1"} 2
`,
			check: []string{"vllm:num_requests_waiting"},
			want: `# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="llama-8b"} 3
`,
		},
		{
			name: "waiting requests include those waiting for grammar compilation, as vLLM counts them",
			input: `# TYPE sglang:num_queue_reqs gauge
sglang:num_queue_reqs{` + m8b + `,tp_rank="0"} 2
# TYPE sglang:num_grammar_queue_reqs gauge
sglang:num_grammar_queue_reqs{` + m8b + `,tp_rank="0"} 1
`,
			check: []string{"vllm:num_requests_waiting"},
			want: `# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="llama-8b"} 3
`,
		},
		{
			name: "waiting requests are absent when SGLang has no queue gauge, even with a grammar gauge",
			input: `# TYPE sglang:num_grammar_queue_reqs gauge
sglang:num_grammar_queue_reqs{` + m8b + `,tp_rank="0"} 1
`,
			absent: []string{"vllm:num_requests_waiting"},
		},
		{
			name: "KV cache usage stays a 0..1 fraction under both vLLM names and averages data-parallel pools",
			input: `# TYPE sglang:token_usage gauge
sglang:token_usage{` + m8b + `,tp_rank="0",dp_rank="0"} 0.52
sglang:token_usage{` + m8b + `,tp_rank="0",dp_rank="1"} 0.48
sglang:token_usage{` + m8b + `,tp_rank="1",dp_rank="1"} 0.99
`,
			check: []string{"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"},
			want: `# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{engine="0",model_name="llama-8b"} 0.5
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="llama-8b"} 0.5
`,
		},
		{
			name: "prefix cache queries add cached and computed prefill tokens, hits are the cached ones",
			input: `# TYPE sglang:realtime_tokens_total counter
sglang:realtime_tokens_total{` + m8b + `,tp_rank="0",mode="prefill_compute"} 300
sglang:realtime_tokens_total{` + m8b + `,tp_rank="0",mode="prefill_cache"} 100
sglang:realtime_tokens_total{` + m8b + `,tp_rank="0",mode="decode"} 5000
`,
			check: []string{"vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total",
				"vllm:gpu_prefix_cache_queries_total", "vllm:gpu_prefix_cache_hits_total", "vllm:gpu_prefix_cache_hit_rate"},
			want: `# TYPE vllm:gpu_prefix_cache_hit_rate gauge
vllm:gpu_prefix_cache_hit_rate{engine="0",model_name="llama-8b"} 0.25
# TYPE vllm:gpu_prefix_cache_hits_total counter
vllm:gpu_prefix_cache_hits_total{engine="0",model_name="llama-8b"} 100
# TYPE vllm:gpu_prefix_cache_queries_total counter
vllm:gpu_prefix_cache_queries_total{engine="0",model_name="llama-8b"} 400
# TYPE vllm:prefix_cache_hits_total counter
vllm:prefix_cache_hits_total{engine="0",model_name="llama-8b"} 100
# TYPE vllm:prefix_cache_queries_total counter
vllm:prefix_cache_queries_total{engine="0",model_name="llama-8b"} 400
`,
		},
		{
			name: "prefix cache hits are 0 while the present realtime counter has not counted a cache hit",
			input: `# TYPE sglang:realtime_tokens_total counter
sglang:realtime_tokens_total{` + m8b + `,tp_rank="0",mode="prefill_compute"} 300
`,
			check: []string{"vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hit_rate"},
			want: `# TYPE vllm:gpu_prefix_cache_hit_rate gauge
vllm:gpu_prefix_cache_hit_rate{engine="0",model_name="llama-8b"} 0
# TYPE vllm:prefix_cache_hits_total counter
vllm:prefix_cache_hits_total{engine="0",model_name="llama-8b"} 0
`,
		},
		{
			name: "prefix cache families are absent before SGLang's realtime counter exists",
			input: `# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{` + m8b + `} 0
`,
			absent: []string{"vllm:prefix_cache_hits_total", "vllm:prefix_cache_queries_total", "vllm:gpu_prefix_cache_hit_rate"},
		},
		{
			name: "the hit rate is absent, not 0 or NaN, when no prefill token was counted",
			input: `# TYPE sglang:realtime_tokens_total counter
sglang:realtime_tokens_total{` + m8b + `,tp_rank="0",mode="decode"} 12
`,
			absent: []string{"vllm:gpu_prefix_cache_hit_rate"},
		},
		{
			name: "token counters are summed over per-request custom labels",
			input: `# TYPE sglang:prompt_tokens_total counter
sglang:prompt_tokens_total{` + m8b + `,tenant="a"} 1000
sglang:prompt_tokens_total{` + m8b + `,tenant="b"} 24
# TYPE sglang:cached_tokens_total counter
sglang:cached_tokens_total{` + m8b + `,cache_source="device"} 512
sglang:cached_tokens_total{` + m8b + `,cache_source="host"} 64
`,
			check: []string{"vllm:prompt_tokens_total", "vllm:prompt_tokens_cached_total"},
			want: `# TYPE vllm:prompt_tokens_cached_total counter
vllm:prompt_tokens_cached_total{engine="0",model_name="llama-8b"} 576
# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{engine="0",model_name="llama-8b"} 1024
`,
		},
		{
			name: "a histogram keeps SGLang's bucket bounds, sum and count",
			input: `# TYPE sglang:time_to_first_token_seconds histogram
sglang:time_to_first_token_seconds_bucket{` + m8b + `,le="0.1"} 2.0
sglang:time_to_first_token_seconds_bucket{` + m8b + `,le="0.2"} 3.0
sglang:time_to_first_token_seconds_bucket{` + m8b + `,le="+Inf"} 4.0
sglang:time_to_first_token_seconds_sum{` + m8b + `} 2.5
sglang:time_to_first_token_seconds_count{` + m8b + `} 4.0
`,
			check: []string{"vllm:time_to_first_token_seconds"},
			want: `# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{engine="0",model_name="llama-8b",le="0.1"} 2
vllm:time_to_first_token_seconds_bucket{engine="0",model_name="llama-8b",le="0.2"} 3
vllm:time_to_first_token_seconds_bucket{engine="0",model_name="llama-8b",le="+Inf"} 4
vllm:time_to_first_token_seconds_sum{engine="0",model_name="llama-8b"} 2.5
vllm:time_to_first_token_seconds_count{engine="0",model_name="llama-8b"} 4
`,
		},
		{
			// SGLang v0.5.9: the tokenizer's families carry model_name (plus custom
			// labels) and the token histograms exist only with --collect-tokens-histogram.
			name: "SGLang v0.5.9's token-length histograms become vLLM's request_prompt_tokens and request_generation_tokens, in tokens, with SGLang's bounds",
			input: `# TYPE sglang:prompt_tokens_histogram histogram
sglang:prompt_tokens_histogram_bucket{model_name="m",le="100.0"} 1.0
sglang:prompt_tokens_histogram_bucket{model_name="m",le="1000.0"} 3.0
sglang:prompt_tokens_histogram_bucket{model_name="m",le="+Inf"} 4.0
sglang:prompt_tokens_histogram_sum{model_name="m"} 19087.0
sglang:prompt_tokens_histogram_count{model_name="m"} 4.0
# TYPE sglang:generation_tokens_histogram histogram
sglang:generation_tokens_histogram_bucket{model_name="m",le="100.0"} 1.0
sglang:generation_tokens_histogram_bucket{model_name="m",le="1000.0"} 4.0
sglang:generation_tokens_histogram_bucket{model_name="m",le="+Inf"} 4.0
sglang:generation_tokens_histogram_sum{model_name="m"} 1680.0
sglang:generation_tokens_histogram_count{model_name="m"} 4.0
`,
			check: []string{"vllm:request_prompt_tokens", "vllm:request_generation_tokens"},
			want: `# TYPE vllm:request_generation_tokens histogram
vllm:request_generation_tokens_bucket{engine="0",model_name="m",le="100"} 1
vllm:request_generation_tokens_bucket{engine="0",model_name="m",le="1000"} 4
vllm:request_generation_tokens_bucket{engine="0",model_name="m",le="+Inf"} 4
vllm:request_generation_tokens_sum{engine="0",model_name="m"} 1680
vllm:request_generation_tokens_count{engine="0",model_name="m"} 4
# TYPE vllm:request_prompt_tokens histogram
vllm:request_prompt_tokens_bucket{engine="0",model_name="m",le="100"} 1
vllm:request_prompt_tokens_bucket{engine="0",model_name="m",le="1000"} 3
vllm:request_prompt_tokens_bucket{engine="0",model_name="m",le="+Inf"} 4
vllm:request_prompt_tokens_sum{engine="0",model_name="m"} 19087
vllm:request_prompt_tokens_count{engine="0",model_name="m"} 4
`,
		},
		{
			name: "without SGLang's token-length histograms (v0.5.9 without --collect-tokens-histogram) vLLM's are absent, not zero, and the token counters are still written",
			input: `# TYPE sglang:prompt_tokens_total counter
sglang:prompt_tokens_total{model_name="m"} 19087.0
# TYPE sglang:generation_tokens_total counter
sglang:generation_tokens_total{model_name="m"} 1936.0
`,
			check: []string{"vllm:prompt_tokens_total", "vllm:generation_tokens_total"},
			want: `# TYPE vllm:generation_tokens_total counter
vllm:generation_tokens_total{engine="0",model_name="m"} 1936
# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{engine="0",model_name="m"} 19087
`,
			absent: []string{"vllm:request_prompt_tokens", "vllm:request_generation_tokens",
				"vllm:request_prefill_kv_computed_tokens"},
		},
		{
			// Newest SGLang: the histograms always exist under --enable-metrics, with
			// the same names and bounds, labelled model_name and engine_type plus any
			// per-request custom label.
			name: "newest SGLang's token-length histograms, split by engine_type and custom labels, become one vLLM series per model",
			input: `# TYPE sglang:prompt_tokens_histogram histogram
sglang:prompt_tokens_histogram_bucket{` + m8b + `,tenant="a",le="100.0"} 1.0
sglang:prompt_tokens_histogram_bucket{` + m8b + `,tenant="a",le="+Inf"} 2.0
sglang:prompt_tokens_histogram_sum{` + m8b + `,tenant="a"} 900.0
sglang:prompt_tokens_histogram_count{` + m8b + `,tenant="a"} 2.0
sglang:prompt_tokens_histogram_bucket{` + m8b + `,tenant="b",le="100.0"} 0.0
sglang:prompt_tokens_histogram_bucket{` + m8b + `,tenant="b",le="+Inf"} 1.0
sglang:prompt_tokens_histogram_sum{` + m8b + `,tenant="b"} 640.0
sglang:prompt_tokens_histogram_count{` + m8b + `,tenant="b"} 1.0
# TYPE sglang:generation_tokens_histogram histogram
sglang:generation_tokens_histogram_bucket{` + m8b + `,tenant="a",le="100.0"} 2.0
sglang:generation_tokens_histogram_bucket{` + m8b + `,tenant="a",le="+Inf"} 2.0
sglang:generation_tokens_histogram_sum{` + m8b + `,tenant="a"} 60.0
sglang:generation_tokens_histogram_count{` + m8b + `,tenant="a"} 2.0
sglang:generation_tokens_histogram_bucket{` + m8b + `,tenant="b",le="100.0"} 0.0
sglang:generation_tokens_histogram_bucket{` + m8b + `,tenant="b",le="+Inf"} 1.0
sglang:generation_tokens_histogram_sum{` + m8b + `,tenant="b"} 256.0
sglang:generation_tokens_histogram_count{` + m8b + `,tenant="b"} 1.0
`,
			check: []string{"vllm:request_prompt_tokens", "vllm:request_generation_tokens"},
			want: `# TYPE vllm:request_generation_tokens histogram
vllm:request_generation_tokens_bucket{engine="0",model_name="llama-8b",le="100"} 2
vllm:request_generation_tokens_bucket{engine="0",model_name="llama-8b",le="+Inf"} 3
vllm:request_generation_tokens_sum{engine="0",model_name="llama-8b"} 316
vllm:request_generation_tokens_count{engine="0",model_name="llama-8b"} 3
# TYPE vllm:request_prompt_tokens histogram
vllm:request_prompt_tokens_bucket{engine="0",model_name="llama-8b",le="100"} 1
vllm:request_prompt_tokens_bucket{engine="0",model_name="llama-8b",le="+Inf"} 3
vllm:request_prompt_tokens_sum{engine="0",model_name="llama-8b"} 1540
vllm:request_prompt_tokens_count{engine="0",model_name="llama-8b"} 3
`,
		},
		{
			name: "newest SGLang's is_streaming label splits token counters and TTFT; vLLM's series add both parts",
			input: `# TYPE sglang:prompt_tokens_total counter
sglang:prompt_tokens_total{` + m8b + `,is_streaming="true"} 1000
sglang:prompt_tokens_total{` + m8b + `,is_streaming="false"} 24
# TYPE sglang:time_to_first_token_seconds histogram
sglang:time_to_first_token_seconds_bucket{` + m8b + `,is_streaming="true",le="0.1"} 2
sglang:time_to_first_token_seconds_bucket{` + m8b + `,is_streaming="true",le="+Inf"} 3
sglang:time_to_first_token_seconds_sum{` + m8b + `,is_streaming="true"} 0.9
sglang:time_to_first_token_seconds_count{` + m8b + `,is_streaming="true"} 3
sglang:time_to_first_token_seconds_bucket{` + m8b + `,is_streaming="false",le="0.1"} 0
sglang:time_to_first_token_seconds_bucket{` + m8b + `,is_streaming="false",le="+Inf"} 1
sglang:time_to_first_token_seconds_sum{` + m8b + `,is_streaming="false"} 1.5
sglang:time_to_first_token_seconds_count{` + m8b + `,is_streaming="false"} 1
`,
			check: []string{"vllm:prompt_tokens_total", "vllm:time_to_first_token_seconds"},
			want: `# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{engine="0",model_name="llama-8b"} 1024
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{engine="0",model_name="llama-8b",le="0.1"} 2
vllm:time_to_first_token_seconds_bucket{engine="0",model_name="llama-8b",le="+Inf"} 4
vllm:time_to_first_token_seconds_sum{engine="0",model_name="llama-8b"} 2.4
vllm:time_to_first_token_seconds_count{engine="0",model_name="llama-8b"} 4
`,
		},
		{
			name: "histograms with different bounds are summed over their common bounds only",
			input: `# TYPE sglang:e2e_request_latency_seconds histogram
sglang:e2e_request_latency_seconds_bucket{` + m8b + `,tenant="a",le="1"} 1
sglang:e2e_request_latency_seconds_bucket{` + m8b + `,tenant="a",le="2"} 2
sglang:e2e_request_latency_seconds_bucket{` + m8b + `,tenant="a",le="+Inf"} 2
sglang:e2e_request_latency_seconds_sum{` + m8b + `,tenant="a"} 2
sglang:e2e_request_latency_seconds_count{` + m8b + `,tenant="a"} 2
sglang:e2e_request_latency_seconds_bucket{` + m8b + `,tenant="b",le="2"} 1
sglang:e2e_request_latency_seconds_bucket{` + m8b + `,tenant="b",le="4"} 3
sglang:e2e_request_latency_seconds_bucket{` + m8b + `,tenant="b",le="+Inf"} 3
sglang:e2e_request_latency_seconds_sum{` + m8b + `,tenant="b"} 7
sglang:e2e_request_latency_seconds_count{` + m8b + `,tenant="b"} 3
`,
			check: []string{"vllm:e2e_request_latency_seconds"},
			want: `# TYPE vllm:e2e_request_latency_seconds histogram
vllm:e2e_request_latency_seconds_bucket{engine="0",model_name="llama-8b",le="2"} 3
vllm:e2e_request_latency_seconds_bucket{engine="0",model_name="llama-8b",le="+Inf"} 5
vllm:e2e_request_latency_seconds_sum{engine="0",model_name="llama-8b"} 9
vllm:e2e_request_latency_seconds_count{engine="0",model_name="llama-8b"} 5
`,
		},
		{
			name: "inter-token latency is written under the current and the deprecated vLLM name",
			input: `# TYPE sglang:inter_token_latency_seconds histogram
sglang:inter_token_latency_seconds_bucket{` + m8b + `,le="0.02"} 10
sglang:inter_token_latency_seconds_bucket{` + m8b + `,le="+Inf"} 12
sglang:inter_token_latency_seconds_sum{` + m8b + `} 0.31
sglang:inter_token_latency_seconds_count{` + m8b + `} 12
`,
			check: []string{"vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds"},
			want: `# TYPE vllm:inter_token_latency_seconds histogram
vllm:inter_token_latency_seconds_bucket{engine="0",model_name="llama-8b",le="0.02"} 10
vllm:inter_token_latency_seconds_bucket{engine="0",model_name="llama-8b",le="+Inf"} 12
vllm:inter_token_latency_seconds_sum{engine="0",model_name="llama-8b"} 0.31
vllm:inter_token_latency_seconds_count{engine="0",model_name="llama-8b"} 12
# TYPE vllm:time_per_output_token_seconds histogram
vllm:time_per_output_token_seconds_bucket{engine="0",model_name="llama-8b",le="0.02"} 10
vllm:time_per_output_token_seconds_bucket{engine="0",model_name="llama-8b",le="+Inf"} 12
vllm:time_per_output_token_seconds_sum{engine="0",model_name="llama-8b"} 0.31
vllm:time_per_output_token_seconds_count{engine="0",model_name="llama-8b"} 12
`,
		},
		{
			name: "cache_config_info relabels an older SGLang's page_size and num_pages",
			input: `# TYPE sglang:cache_config_info gauge
sglang:cache_config_info{num_pages="25806",page_size="16"} 1.0
`,
			check: []string{"vllm:cache_config_info"},
			want: `# TYPE vllm:cache_config_info gauge
vllm:cache_config_info{block_size="16",engine="0",num_gpu_blocks="25806"} 1
`,
		},
		{
			name: "cache_config_info is built from the newest SGLang's page_size and num_pages gauges",
			input: `# TYPE sglang:page_size gauge
sglang:page_size{` + m8b + `,tp_rank="0"} 1.0
# TYPE sglang:num_pages gauge
sglang:num_pages{` + m8b + `,tp_rank="0"} 412896.0
`,
			check: []string{"vllm:cache_config_info"},
			want: `# TYPE vllm:cache_config_info gauge
vllm:cache_config_info{block_size="1",engine="0",num_gpu_blocks="412896"} 1
`,
		},
		{
			name: "cache_config_info is absent when the number of pages is unknown",
			input: `# TYPE sglang:page_size gauge
sglang:page_size{` + m8b + `,tp_rank="0"} 1.0
`,
			absent: []string{"vllm:cache_config_info"},
		},
		{
			name: "each served model gets its own series and models are not mixed",
			input: `# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{model_name="b",tp_rank="0"} 2
sglang:num_running_reqs{model_name="a",tp_rank="0"} 1
`,
			check: []string{"vllm:num_requests_running"},
			want: `# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="a"} 1
vllm:num_requests_running{engine="0",model_name="b"} 2
`,
		},
		{
			name: "vLLM families without an SGLang source are never written",
			input: `# TYPE sglang:num_requests_total counter
sglang:num_requests_total{` + m8b + `} 5
# TYPE sglang:num_aborted_requests_total counter
sglang:num_aborted_requests_total{` + m8b + `} 1
`,
			absent: []string{"vllm:request_success_total", "vllm:request_time_per_output_token_seconds",
				"vllm:num_requests_running", "vllm:kv_cache_usage_perc", "vllm:num_requests_swapped"},
		},
		{
			name: "a scale converts the unit of a gauge",
			rules: []Rule{{Name: "x:seconds", Kind: Gauge, Scale: 0.001,
				From: []Source{{Family: "y:ms"}}}},
			input: `# TYPE y:ms gauge
y:ms{model_name="m"} 1500
`,
			check: []string{"x:seconds"},
			want: `# TYPE x:seconds gauge
x:seconds{engine="0",model_name="m"} 1.5
`,
		},
		{
			name: "a scale converts histogram bounds and sum but keeps the counts",
			rules: []Rule{{Name: "x:seconds", Kind: Histogram, Scale: 0.001,
				From: []Source{{Family: "y:ms"}}}},
			input: `# TYPE y:ms histogram
y:ms_bucket{model_name="m",le="100"} 1
y:ms_bucket{model_name="m",le="+Inf"} 2
y:ms_sum{model_name="m"} 2100
y:ms_count{model_name="m"} 2
`,
			check: []string{"x:seconds"},
			want: `# TYPE x:seconds histogram
x:seconds_bucket{engine="0",model_name="m",le="0.1"} 1
x:seconds_bucket{engine="0",model_name="m",le="+Inf"} 2
x:seconds_sum{engine="0",model_name="m"} 2.1
x:seconds_count{engine="0",model_name="m"} 2
`,
		},
		{
			name:  "untyped series are read like gauges",
			input: "sglang:num_running_reqs{model_name=\"m\"} 4\n",
			check: []string{"vllm:num_requests_running"},
			want: `# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="m"} 4
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rules := tc.rules
			if rules == nil {
				rules = Rules
			}
			derived := Derive(parseText(t, tc.input), rules)
			for _, name := range tc.absent {
				if f := family(derived, name); f != nil {
					t.Errorf("derived %s, want it absent:\n%s", name, encodeText(t, []*dto.MetricFamily{f}))
				}
			}
			if tc.check == nil {
				return
			}
			got := withoutHelp(pick(derived, tc.check))
			if g, w := encodeText(t, got), encodeText(t, parseText(t, tc.want)); g != w {
				t.Errorf("derived families differ\n--- got\n%s--- want\n%s", g, w)
			}
		})
	}
}

func TestTranslateKeepsEveryUpstreamFamily(t *testing.T) {
	in := parseText(t, `# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{model_name="m",tp_rank="0"} 4
# TYPE sglang:spec_accept_rate gauge
sglang:spec_accept_rate{model_name="m",tp_rank="0"} 0.7
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="stale"} 99
`)
	got := Translate(in, Rules)
	names := make([]string, 0, len(got))
	for _, f := range got {
		names = append(names, f.GetName())
	}
	want := []string{"sglang:num_running_reqs", "sglang:spec_accept_rate", "vllm:num_requests_running"}
	if !slices.Equal(names, want) {
		t.Fatalf("families = %v, want %v", names, want)
	}
	if v := family(got, "vllm:num_requests_running").GetMetric()[0].GetGauge().GetValue(); v != 4 {
		t.Errorf("vllm:num_requests_running = %v, want the derived 4 to replace the upstream family", v)
	}
}

func TestRulesAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.Name] {
			t.Errorf("%s: two rules write this family", r.Name)
		}
		seen[r.Name] = true
		if !strings.HasPrefix(r.Name, "vllm:") || r.Help == "" || len(r.From) == 0 {
			t.Errorf("%s: want a vllm: name, a help text and at least one source", r.Name)
		}
		if r.Kind == Histogram && (len(r.From) != 1 || r.Combine != Sum) {
			t.Errorf("%s: a histogram rule renames exactly one source and sums its parts", r.Name)
		}
		if (r.Kind == Counter) != strings.HasSuffix(r.Name, "_total") {
			t.Errorf("%s: counters, and only counters, end in _total", r.Name)
		}
		if (r.Kind == Ratio) != (len(r.Per) > 0) || (r.Kind == Info) != (len(r.Labels) > 0) {
			t.Errorf("%s: Per is for ratios and Labels for info rules", r.Name)
		}
	}
}

func family(fams []*dto.MetricFamily, name string) *dto.MetricFamily {
	for _, f := range fams {
		if f.GetName() == name {
			return f
		}
	}
	return nil
}

func pick(fams []*dto.MetricFamily, names []string) []*dto.MetricFamily {
	var out []*dto.MetricFamily
	for _, f := range fams {
		if slices.Contains(names, f.GetName()) {
			out = append(out, f)
		}
	}
	SortFamilies(out)
	return out
}

// withoutHelp copies families without their help text, so expectations can
// leave HELP lines out.
func withoutHelp(fams []*dto.MetricFamily) []*dto.MetricFamily {
	out := make([]*dto.MetricFamily, len(fams))
	for i, f := range fams {
		out[i] = &dto.MetricFamily{Name: f.Name, Type: f.Type, Metric: f.Metric}
	}
	return out
}
