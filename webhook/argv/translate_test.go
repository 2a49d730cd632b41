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

package argv

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

type wantFindingOf struct {
	flag   string
	action Action
}

// TestTranslate covers the rows that need care, one behaviour per case.
func TestTranslate(t *testing.T) {
	policy := func(mut func(*Policy)) Options {
		p := Policy{}
		mut(&p)
		return Options{Policy: p}
	}
	tests := map[string]struct {
		argv     []string
		opts     Options
		want     [][]string // each must appear as consecutive words
		absent   []string   // flags that must not be emitted
		findings []wantFindingOf
		wantErr  string
	}{
		"writes human ints as plain integers (1k = 1000, 1K = 1024, decimals with k)": {
			argv: []string{"--max-model-len", "25.6k", "--max-num-batched-tokens", "1K"},
			want: [][]string{{"--context-length", "25600"}, {"--chunked-prefill-size", "1024"}},
		},
		"reads underscore spellings and --flag=value": {
			argv: []string{"--gpu_memory_utilization=0.9", "--max_num_seqs", "64"},
			want: [][]string{{"--mem-fraction-static", "0.83"}, {"--max-running-requests", "64"}},
		},
		"reads short aliases and attached single-letter values": {
			argv: []string{"-tp", "8", "-pp=2", "-qawq"},
			want: [][]string{{"--tp-size", "8"}, {"--pp-size", "2"}, {"--quantization", "awq"}},
		},
		"turns --no-enable-prefix-caching into --disable-radix-cache": {
			argv: []string{"--no-enable-prefix-caching"}, want: [][]string{{"--disable-radix-cache"}},
		},
		"writes a negative value with = so argparse cannot take it for a flag": {
			argv: []string{"--no-enable-chunked-prefill"}, want: [][]string{{"--chunked-prefill-size=-1"}},
		},
		"maps a large token budget to SGLang's chunk size and prefill budget": {
			argv:     []string{"--max-num-batched-tokens", "32k"},
			want:     [][]string{{"--chunked-prefill-size", "32000"}, {"--max-prefill-tokens", "32000"}},
			findings: []wantFindingOf{{"--max-num-batched-tokens", Approximated}},
		},
		"maps the token budget to the prefill budget when chunked prefill is off": {
			argv:   []string{"--max-num-batched-tokens", "8192", "--no-enable-chunked-prefill"},
			want:   [][]string{{"--max-prefill-tokens", "8192"}, {"--chunked-prefill-size=-1"}},
			absent: []string{"--chunked-prefill-size"},
		},
		"clamps the translated memory fraction to 0.88": {
			argv: []string{"--gpu-memory-utilization", "0.98"}, want: [][]string{{"--mem-fraction-static", "0.88"}},
		},
		"clamps the translated memory fraction to 0.30": {
			argv: []string{"--gpu-memory-utilization", "0.2"}, want: [][]string{{"--mem-fraction-static", "0.30"}},
		},
		"subtracts the profile's offset": {
			argv: []string{"--gpu-memory-utilization", "0.8"},
			opts: policy(func(p *Policy) { p.GPUMemory.Offset = "0.1" }),
			want: [][]string{{"--mem-fraction-static", "0.70"}},
		},
		"leaves the memory fraction to SGLang when the pod does not set it": {
			argv: []string{"--dtype", "bfloat16"}, absent: []string{"--mem-fraction-static"},
		},
		"omits the memory fraction in Omit mode and says so": {
			argv:     []string{"--gpu-memory-utilization", "0.9"},
			opts:     policy(func(p *Policy) { p.GPUMemory.Mode = GPUMemoryOmit }),
			absent:   []string{"--mem-fraction-static"},
			findings: []wantFindingOf{{"--gpu-memory-utilization", Approximated}},
		},
		"always sets the profile's fraction in Fixed mode": {
			argv: []string{"--dtype", "bfloat16"},
			opts: policy(func(p *Policy) {
				p.GPUMemory = GPUMemoryPolicy{Mode: GPUMemoryFixed, MemFractionStatic: ".85"}
			}),
			want: [][]string{{"--mem-fraction-static", "0.85"}},
		},
		"fails on an offset that is not a fraction": {
			opts:    policy(func(p *Policy) { p.GPUMemory.Offset = "seven" }),
			wantErr: "offset",
		},
		"translates an EAGLE3 speculative config into a chain of drafts": {
			argv: []string{"--speculative-config", `{"method":"eagle3","model":"org/draft","num_speculative_tokens":3,"draft_tensor_parallel_size":1}`},
			want: [][]string{{"--speculative-algorithm", "EAGLE3"}, {"--speculative-draft-model-path", "org/draft"},
				{"--speculative-num-steps", "3"}, {"--speculative-eagle-topk", "1"}, {"--speculative-num-draft-tokens", "4"}},
			findings: []wantFindingOf{{"--speculative-config", Approximated}},
		},
		"assembles dotted speculative keys like vLLM": {
			argv: []string{"--speculative-config.method", "eagle", "--speculative_config.model=org/d", "--speculative-config.num_speculative_tokens", "2"},
			want: [][]string{{"--speculative-algorithm", "EAGLE"}, {"--speculative-draft-model-path", "org/d"}, {"--speculative-num-draft-tokens", "3"}},
		},
		"uses the target's MTP head without a draft model": {
			argv:   []string{"-sc", `{"method":"deepseek_mtp","num_speculative_tokens":1}`},
			want:   [][]string{{"--speculative-algorithm", "NEXTN"}},
			absent: []string{"--speculative-draft-model-path"},
		},
		"translates legacy n-gram speculation": {
			argv: []string{"--speculative-model", "[ngram]", "--num-speculative-tokens", "5", "--ngram-prompt-lookup-max", "4"},
			want: [][]string{{"--speculative-algorithm", "NGRAM"}, {"--speculative-num-draft-tokens", "6"}},
		},
		"translates the --spec-* shorthands like --speculative-config": {
			argv:     []string{"--spec-method", "mtp", "--spec-tokens", "2"},
			want:     [][]string{{"--speculative-algorithm", "NEXTN"}, {"--speculative-num-steps", "2"}, {"--speculative-num-draft-tokens", "3"}},
			absent:   []string{"--speculative-draft-model-path"},
			findings: []wantFindingOf{{"--spec-method", Approximated}, {"--spec-tokens", Approximated}},
		},
		"lets the --spec-* shorthands win over --speculative-config's keys": {
			argv: []string{"-sc", `{"method":"eagle","model":"org/a","num_speculative_tokens":1}`, "--spec-model", "org/b", "--spec-tokens", "4"},
			want: [][]string{{"--speculative-algorithm", "EAGLE"}, {"--speculative-draft-model-path", "org/b"}, {"--speculative-num-steps", "4"}},
		},
		"drops a token count without a method or draft model as tuning": {
			argv:     []string{"--spec-tokens", "3"},
			opts:     withUnsafe(true),
			absent:   []string{"--speculative-algorithm"},
			findings: []wantFindingOf{{"--spec-tokens", Dropped}},
		},
		"carries the legacy draft quantization over": {
			argv: []string{"--speculative-model", "org/d", "--num-speculative-tokens", "2", "--speculative-model-quantization", "awq"},
			want: [][]string{{"--speculative-algorithm", "STANDALONE"}, {"--speculative-draft-model-quantization", "awq"}},
		},
		"selects consecutive GPUs with --base-gpu-id": {
			argv:   []string{"--device-ids", "2,3,4,5", "-tp", "4"},
			want:   [][]string{{"--base-gpu-id", "2"}},
			absent: []string{"--gpu-id-step"},
		},
		"selects evenly spaced GPUs with --base-gpu-id and --gpu-id-step": {
			argv: []string{"--device-ids", "1, 3,5,7"}, want: [][]string{{"--base-gpu-id", "1"}, {"--gpu-id-step", "2"}},
		},
		"drops device UUIDs and irregular GPU lists (unsafe)": {
			argv:     []string{"--device-ids", "GPU-5d4c,GPU-9e1a"},
			opts:     withUnsafe(true),
			absent:   []string{"--base-gpu-id"},
			findings: []wantFindingOf{{"--device-ids", Rejected}},
		},
		"subtracts the running slots from vLLM's in-flight request cap": {
			argv:     []string{"--max-num-seqs", "16", "--max-num-queued-reqs", "166"},
			want:     [][]string{{"--max-queued-requests", "150"}},
			findings: []wantFindingOf{{"--max-num-queued-reqs", Approximated}},
		},
		"shares the waiting-request cap among the data-parallel schedulers": {
			argv: []string{"-dp", "2", "--max-num-seqs", "16", "--max-num-queued-reqs", "100"},
			want: [][]string{{"--max-queued-requests", "34"}},
		},
		"keeps the in-flight request cap when the running slots are unknown": {
			argv: []string{"--max-num-queued-reqs", "64"}, want: [][]string{{"--max-queued-requests", "64"}},
		},
		"keeps at least one waiting request": {
			argv: []string{"--max-num-seqs", "256", "--max-num-queued-reqs", "100"}, want: [][]string{{"--max-queued-requests", "1"}},
		},
		"drops a zero request cap, which SGLang cannot express": {
			argv:     []string{"--max-num-queued-reqs", "0"},
			absent:   []string{"--max-queued-requests"},
			findings: []wantFindingOf{{"--max-num-queued-reqs", Dropped}},
		},
		"selects the KDA prefill kernel with --linear-attn-prefill-backend": {
			argv: []string{"--kda-prefill-backend", "flashkda"}, opts: Options{Release: sglang.Newest()},
			want: [][]string{{"--linear-attn-prefill-backend", "flashkda"}},
		},
		"leaves the KDA prefill kernel to SGLang on auto": {
			argv:     []string{"--kda-prefill-backend", "auto"},
			absent:   []string{"--linear-attn-prefill-backend"},
			findings: []wantFindingOf{{"--kda-prefill-backend", Translated}},
		},
		"drops per-request speculative metrics the responses would lack (unsafe)": {
			argv:     []string{"--per-request-spec-decode-metrics", "summary"},
			opts:     withUnsafe(true),
			findings: []wantFindingOf{{"--per-request-spec-decode-metrics", Rejected}},
		},
		"drops speculative methods SGLang lacks without rejecting: they only change speed": {
			argv:     []string{"--speculative-config", `{"method":"medusa","model":"m"}`},
			opts:     withUnsafe(true),
			absent:   []string{"--speculative-algorithm"},
			findings: []wantFindingOf{{"--speculative-config", Dropped}},
		},
		"assembles dotted --hf-overrides keys into SGLang's JSON override": {
			argv: []string{"--hf-overrides.rope_theta", "1e6", "--rope-scaling", `{"rope_type":"yarn","factor":4}`},
			want: [][]string{{"--json-model-override-args", `{"rope_scaling":{"factor":4,"rope_type":"yarn"},"rope_theta":1000000}`}},
		},
		"drops -O3 as tuning and reads -O.key as a compilation config key": {
			argv:     []string{"-O3", "-O.cudagraph_mode", "FULL"},
			opts:     withUnsafe(true),
			findings: []wantFindingOf{{"--optimization-level", Dropped}, {"--compilation-config", Dropped}},
		},
		"counts the base model as a LoRA slot": {
			argv:     []string{"--enable-lora", "--max-loras", "4", "--max-cpu-loras", "2"},
			want:     [][]string{{"--enable-lora"}, {"--max-loras-per-batch", "5"}, {"--max-loaded-loras", "5"}},
			findings: []wantFindingOf{{"--max-loras", Translated}, {"--max-cpu-loras", Approximated}},
		},
		"gives SGLang vLLM's LoRA limits when it has no initial adapter, which it needs to start": {
			argv:     []string{"--enable-lora"},
			want:     [][]string{{"--enable-lora"}, {"--max-lora-rank", "16"}, {"--lora-target-modules", "all"}},
			findings: []wantFindingOf{{"--enable-lora", Approximated}},
		},
		"keeps the LoRA limits the command sets": {
			argv:     []string{"--enable-lora", "--max-lora-rank", "64", "--lora-target-modules", "q_proj", "v_proj"},
			want:     [][]string{{"--max-lora-rank", "64"}, {"--lora-target-modules", "q_proj", "v_proj"}},
			absent:   []string{"--lora-paths"},
			findings: []wantFindingOf{},
		},
		"lets SGLang size LoRA from the initial adapters when none load at run time": {
			argv:   []string{"--enable-lora", "--lora-modules", "sql=/l/sql"},
			want:   [][]string{{"--enable-lora"}, {"--lora-paths", "sql=/l/sql"}},
			absent: []string{"--max-lora-rank", "--lora-target-modules"},
		},
		"sizes LoRA for adapters loaded at run time (VLLM_ALLOW_RUNTIME_LORA_UPDATING) despite initial ones": {
			argv:     []string{"--enable-lora", "--lora-modules", "sql=/l/sql"},
			opts:     Options{RuntimeLoRAUpdating: true},
			want:     [][]string{{"--max-lora-rank", "16"}, {"--lora-target-modules", "all"}},
			findings: []wantFindingOf{{"--enable-lora", Approximated}},
		},
		"reads VLLM_ALLOW_RUNTIME_LORA_UPDATING from the environment of a command translated as it starts": {
			argv: []string{"--enable-lora", "--lora-modules", "sql=/l/sql"},
			opts: Options{Env: map[string]string{"VLLM_ALLOW_RUNTIME_LORA_UPDATING": "True"}},
			want: [][]string{{"--max-lora-rank", "16"}, {"--lora-target-modules", "all"}},
		},
		"emits no LoRA limits with LoRA off": {
			argv:   []string{"--no-enable-lora"},
			opts:   Options{RuntimeLoRAUpdating: true},
			absent: []string{"--enable-lora", "--max-lora-rank", "--lora-target-modules"},
		},
		"keeps the weights in CPU memory in sleep mode, as vLLM's level-1 sleep does": {
			argv:     []string{"--enable-sleep-mode"},
			want:     [][]string{{"--enable-memory-saver"}, {"--enable-weights-cpu-backup"}},
			findings: []wantFindingOf{{"--enable-sleep-mode", Approximated}},
		},
		"renames LoRA module JSON keys and keeps name=path": {
			argv: []string{"--lora-modules", `{"name":"sql","path":"/l/sql","base_model_name":"m"}`, "chat=/l/chat"},
			want: [][]string{{"--lora-paths", `{"lora_name":"sql","lora_path":"/l/sql"}`, "chat=/l/chat"}},
		},
		"seeds SGLang with vLLM's default seed 0": {
			want: [][]string{{"--random-seed", "0"}},
		},
		"keeps an explicit seed": {
			argv: []string{"--seed", "42"}, want: [][]string{{"--random-seed", "42"}},
		},
		"keeps vLLM's lower-value-first priority order": {
			argv: []string{"--scheduling-policy", "priority"},
			want: [][]string{{"--enable-priority-scheduling"}, {"--schedule-low-priority-values-first"}},
		},
		"serves the first of several model names and reports the rest": {
			argv:     []string{"--served-model-name", "a", "b"},
			want:     [][]string{{"--served-model-name", "a"}},
			findings: []wantFindingOf{{"--served-model-name", Dropped}},
		},
		"rejects extra model names in a Reject profile": {
			argv:     []string{"--served-model-name", "a", "b"},
			opts:     withUnsafe(true),
			findings: []wantFindingOf{{"--served-model-name", Rejected}},
		},
		"keeps the first API key and reports the others": {
			argv:     []string{"--api-key", "k1", "k2"},
			want:     [][]string{{"--api-key", "k1"}},
			findings: []wantFindingOf{{"--api-key", Dropped}},
		},
		"passes VLLM_API_KEY by value to a command translated as it starts": {
			opts: Options{Env: map[string]string{"VLLM_API_KEY": "s3cret", "HOME": "/root"}},
			want: [][]string{{"--api-key", "s3cret"}},
		},
		"passes VLLM_API_KEY as a $(VAR) reference": {
			opts: Options{EnvNames: []string{"HF_TOKEN", "VLLM_API_KEY"}},
			want: [][]string{{"--api-key", "$(VLLM_API_KEY)"}},
		},
		"prefers --api-key over VLLM_API_KEY, like vLLM": {
			argv: []string{"--api-key", "k"}, opts: Options{EnvNames: []string{"VLLM_API_KEY"}},
			want: [][]string{{"--api-key", "k"}},
		},
		"maps tool parser names": {
			argv: []string{"--tool-call-parser", "llama3_json"}, want: [][]string{{"--tool-call-parser", "llama3"}},
			findings: []wantFindingOf{{"--tool-call-parser", Translated}},
		},
		"lets the profile's parser map win": {
			argv: []string{"--tool-call-parser", "llama3_json", "--reasoning-parser", "qwen3"},
			opts: policy(func(p *Policy) {
				p.ToolCallParsers = map[string]string{"llama3_json": "pythonic"}
				p.ReasoningParsers = map[string]string{"qwen3": "qwen3-thinking"}
			}),
			want: [][]string{{"--tool-call-parser", "pythonic"}, {"--reasoning-parser", "qwen3-thinking"}},
		},
		"drops a tool parser SGLang lacks": {
			argv:     []string{"--enable-auto-tool-choice", "--tool-call-parser", "granite"},
			absent:   []string{"--tool-call-parser"},
			findings: []wantFindingOf{{"--tool-call-parser", Dropped}, {"--enable-auto-tool-choice", Translated}},
		},
		"maps reasoning parser names": {
			argv: []string{"--reasoning-parser", "deepseek_r1"}, want: [][]string{{"--reasoning-parser", "deepseek-r1"}},
		},
		"listens where the options say": {
			argv: []string{"--host", "0.0.0.0", "--port", "8000"}, opts: Options{Host: "127.0.0.1", Port: 8001},
			want:   [][]string{{"--host", "127.0.0.1"}, {"--port", "8001"}},
			absent: []string{"--port=8000"},
		},
		"keeps vLLM's address when the options leave it": {
			argv: []string{"--port", "9000"}, want: [][]string{{"--host", "0.0.0.0"}, {"--port", "9000"}},
		},
		"turns metrics on with vLLM's histogram buckets up to the context length": {
			argv: []string{"--max-model-len", "4096"},
			want: [][]string{{"--enable-metrics"}, {"--bucket-time-to-first-token", "0.001", "0.005"},
				{"--bucket-e2e-request-latency", "0.3"}, {"--bucket-inter-token-latency", "0.01"},
				{"--prompt-tokens-buckets", "custom", "1", "2", "5", "10", "20", "50", "100", "200", "500", "1000", "2000", "--generation-tokens-buckets"}},
		},
		"passes a flag only SGLang has, under its canonical name": {
			argv:     []string{"--context-bucket", "8192", "--enable-torch-compile"},
			opts:     Options{Release: sglang.Newest()},
			want:     [][]string{{"--cuda-graph-prefill-max-context", "8192"}, {"--enable-torch-compile"}},
			findings: []wantFindingOf{{"--context-bucket", Translated}, {"--enable-torch-compile", Translated}},
		},
		"drops a flag neither server has, with its value": {
			argv:     []string{"--frobnicate", "7", "--dtype", "half"},
			want:     [][]string{{"--dtype", "half"}},
			absent:   []string{"--frobnicate", "7"},
			findings: []wantFindingOf{{"--frobnicate", Dropped}},
		},
		"rejects an unknown flag in a Reject profile": {
			argv: []string{"--frobnicate"}, opts: withUnsafe(true),
			findings: []wantFindingOf{{"--frobnicate", Rejected}},
		},
		"keeps tuning drops in a Reject profile": {
			argv: []string{"--block-size", "32"}, opts: withUnsafe(true),
			findings: []wantFindingOf{{"--block-size", Dropped}},
		},
		"applies profile overrides before the table": {
			argv: []string{"--block-size", "32", "--dtype", "half", "--max-num-seqs", "8", "--trust-remote-code"},
			opts: policy(func(p *Policy) {
				p.Overrides = []Override{
					{Flag: "--block-size", Action: OverrideRename, SGLangFlag: "--page-size"},
					{Flag: "--dtype", Action: OverrideDrop},
					{Flag: "--max-num-seqs", Action: OverrideReject},
					{Flag: "--trust-remote-code", Action: OverridePass},
				}
			}),
			want:   [][]string{{"--page-size", "32"}, {"--trust-remote-code"}},
			absent: []string{"--dtype", "--max-running-requests"},
			findings: []wantFindingOf{{"--block-size", Translated}, {"--dtype", Translated}, {"--max-num-seqs", Rejected},
				{"--trust-remote-code", Translated}},
		},
		"fails when an override passes a flag SGLang lacks": {
			argv: []string{"--block-size", "32"},
			opts: policy(func(p *Policy) {
				p.Overrides = []Override{{Flag: "--block-size", Action: OverridePass}}
			}),
			wantErr: "SGLang 0.5.9 has no flag --block-size",
		},
		"appends the profile's extra flags, which win over translated ones": {
			argv: []string{"--gpu-memory-utilization", "0.9"},
			opts: policy(func(p *Policy) {
				p.Extra = []string{"--mem-fraction-static", "0.8", "--attention-backend=aiter", "--enable-torch-compile"}
			}),
			want:   [][]string{{"--mem-fraction-static", "0.8", "--attention-backend", "aiter", "--enable-torch-compile"}},
			absent: []string{"0.83"},
		},
		"fails on an extra flag SGLang lacks": {
			opts:    policy(func(p *Policy) { p.Extra = []string{"--max-model-len", "8"} }),
			wantErr: "SGLang 0.5.9 has no flag --max-model-len",
		},
		"fails on an extra flag without its value": {
			opts:    policy(func(p *Policy) { p.Extra = []string{"--tp-size"} }),
			wantErr: "needs a value",
		},
		"uses the last of repeated flags, like argparse": {
			argv:     []string{"--max-num-seqs", "8", "--max-num-seqs", "16"},
			want:     [][]string{{"--max-running-requests", "16"}},
			absent:   []string{"8"},
			findings: []wantFindingOf{{"--max-num-seqs", Translated}},
		},
		"passes $(VAR) references through untouched": {
			argv: []string{"--tensor-parallel-size", "$(TP)", "--max-model-len", "$(LEN)"},
			want: [][]string{{"--tp-size", "$(TP)"}, {"--context-length", "$(LEN)"}},
		},
		"reports --config: the webhook cannot read the file": {
			argv: []string{"--config", "/etc/vllm.yaml"}, findings: []wantFindingOf{{"--config", Dropped}},
		},
		"drops LMCache KV offloading as tuning": {
			argv:     []string{"--kv-transfer-config", `{"kv_connector":"LMCacheConnectorV1","kv_role":"kv_both"}`},
			opts:     withUnsafe(true),
			findings: []wantFindingOf{{"--kv-transfer-config", Dropped}},
		},
		"rejects prefill/decode disaggregation": {
			argv:     []string{"--kv-transfer-config", `{"kv_connector":"NixlConnector","kv_role":"kv_both","kv_buffer_device":"cuda"}`, "--kv-transfer-config", `{"kv_connector":"NixlConnector","kv_role":"kv_consumer"}`},
			findings: []wantFindingOf{{"--kv-transfer-config", Translated}, {"--kv-transfer-config", Rejected}},
		},
		"rejects custom middleware": {
			argv: []string{"--middleware", "auth.Middleware"}, findings: []wantFindingOf{{"--middleware", Rejected}},
		},
		"turns --enforce-eager into --disable-cuda-graph": {
			argv: []string{"--enforce-eager"}, want: [][]string{{"--disable-cuda-graph"}},
		},
		"maps fp8 KV cache to fp8_e4m3 and drops dtypes SGLang lacks": {
			argv:     []string{"--kv-cache-dtype", "fp8"},
			want:     [][]string{{"--kv-cache-dtype", "fp8_e4m3"}},
			findings: []wantFindingOf{{"--kv-cache-dtype", Translated}},
		},
		"drops a KV cache dtype SGLang lacks": {
			argv: []string{"--kv-cache-dtype", "fp8_inc"}, absent: []string{"--kv-cache-dtype"},
			findings: []wantFindingOf{{"--kv-cache-dtype", Dropped}},
		},
		"accepts a bare --hf-token: SGLang uses the cached login or HF_TOKEN too": {
			argv: []string{"--hf-token", "--dtype", "half"}, want: [][]string{{"--dtype", "half"}},
			findings: []wantFindingOf{{"--hf-token", Translated}},
		},
		"drops a literal --hf-token: SGLang reads HF_TOKEN only": {
			argv: []string{"--hf-token", "hf_secret"}, absent: []string{"hf_secret"},
			findings: []wantFindingOf{{"--hf-token", Dropped}},
		},
		"accepts --hf-token when the container sets HF_TOKEN": {
			argv: []string{"--hf-token", "$(HF_TOKEN)"}, findings: []wantFindingOf{{"--hf-token", Translated}},
		},
		"accepts, at start, an --hf-token that is the environment's HF_TOKEN expanded": {
			argv: []string{"--hf-token", "hf_secret"}, absent: []string{"hf_secret"},
			opts:     Options{Env: map[string]string{"HF_TOKEN": "hf_secret"}},
			findings: []wantFindingOf{{"--hf-token", Translated}},
		},
		"drops, at start, an --hf-token other than the environment's HF_TOKEN": {
			argv: []string{"--hf-token", "hf_other"}, absent: []string{"hf_other"},
			opts:     Options{Env: map[string]string{"HF_TOKEN": "hf_secret"}},
			findings: []wantFindingOf{{"--hf-token", Dropped}},
		},
		"drops an inline chat template": {
			argv:   []string{"--chat-template", "{% for m in messages %}{{m.content}}{% endfor %}"},
			absent: []string{"--chat-template"}, findings: []wantFindingOf{{"--chat-template", Dropped}},
		},
		"converts legacy key=value multimodal limits to JSON": {
			argv: []string{"--limit-mm-per-prompt", "image=2,video=1"},
			want: [][]string{{"--limit-mm-data-per-request", `{"image":2,"video":1}`}},
		},
		"shards experts over the tensor-parallel ranks": {
			argv: []string{"-tp", "8", "--enable-expert-parallel"}, want: [][]string{{"--ep-size", "8"}},
			findings: []wantFindingOf{{"--enable-expert-parallel", Approximated}},
		},
		"drops a value that does not parse": {
			argv: []string{"--max-model-len", "lots"}, absent: []string{"--context-length"},
			findings: []wantFindingOf{{"--max-model-len", Dropped}},
		},
		"drops a flag given without its value": {
			argv: []string{"--max-num-seqs"}, absent: []string{"--max-running-requests"},
			findings: []wantFindingOf{{"--max-num-seqs", Dropped}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			inv, reason := Detect(append([]string{"vllm", "serve", "org/m"}, tc.argv...), nil, "")
			if reason != NotSkipped {
				t.Fatalf("Detect: %s (%s)", reason, detailOf(inv))
			}
			res, err := Translate(inv, tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, tc.opts.catalog(), res, tc.want, tc.absent, tc.findings)
		})
	}
}

func checkResult(t *testing.T, release *sglang.Catalog, res *Result, want [][]string, absent []string, findings []wantFindingOf) {
	t.Helper()
	if err := release.Validate(res.SGLangArgs); err != nil {
		t.Errorf("SGLang would refuse %q: %v", res.SGLangArgs, err)
	}
	for _, seq := range want {
		if !containsSeq(res.SGLangArgs, seq) {
			t.Errorf("args lack %q:\n%q", seq, res.SGLangArgs)
		}
	}
	for _, w := range absent {
		if slices.Contains(res.SGLangArgs, w) {
			t.Errorf("args contain %q:\n%q", w, res.SGLangArgs)
		}
	}
	got := map[wantFindingOf]int{}
	for _, f := range res.Findings {
		got[wantFindingOf{f.Flag, f.Action}]++
	}
	for _, f := range findings {
		if got[f] == 0 {
			t.Errorf("no %s finding for %s in %+v", f.action, f.flag, res.Findings)
		}
		got[f]--
	}
}

func containsSeq(words, seq []string) bool {
	for i := 0; i+len(seq) <= len(words); i++ {
		if slices.Equal(words[i:i+len(seq)], seq) {
			return true
		}
	}
	return false
}

func TestTranslateRefusesAnInvocationDetectDidNotProduce(t *testing.T) {
	if _, err := Translate(nil, Options{}); !errors.Is(err, ErrNotDetected) {
		t.Fatalf("error %v", err)
	}
}

func TestResultDescribesTheVLLMServer(t *testing.T) {
	tests := map[string]struct {
		argv   []string
		port   int32
		tp     int
		served []string
	}{
		"uses vLLM's defaults": {argv: []string{"vllm", "serve", "org/m"}, port: 8000, tp: 1, served: []string{"org/m"}},
		"reads port, tensor parallelism and served names": {
			argv: []string{"vllm", "serve", "org/m", "--port=9000", "-tp", "4", "--served-model-name", "a", "b"},
			port: 9000, tp: 4, served: []string{"a", "b"}},
		"reports zero for values only known at run time": {
			argv: []string{"vllm", "serve", "org/m", "--port", "$(PORT)", "-tp", "$(TP)"}, port: 0, tp: 0, served: []string{"org/m"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := mustTranslate(t, tc.argv, Options{})
			if res.VLLMPort != tc.port || res.TensorParallelSize != tc.tp || !slices.Equal(res.ServedModelNames, tc.served) {
				t.Errorf("port %d tp %d served %v", res.VLLMPort, res.TensorParallelSize, res.ServedModelNames)
			}
			if res.Model != "org/m" || !slices.Equal(res.Command, sglangProgram) || !slices.Equal(res.Args, res.SGLangArgs) {
				t.Errorf("model %q command %q args %q", res.Model, res.Command, res.Args)
			}
		})
	}
}

func TestAPortOnlyKnownAtRunTimeIsKept(t *testing.T) {
	res := mustTranslate(t, []string{"vllm", "serve", "m", "--port", "$(PORT)"}, Options{})
	if !containsSeq(res.SGLangArgs, []string{"--port", "$(PORT)"}) {
		t.Fatalf("args %q", res.SGLangArgs)
	}
}

func TestTranslateRefusesAnInvocationWithoutAModel(t *testing.T) {
	inv, reason := Detect([]string{"vllm", "serve", "--config", "c.yaml"}, nil, "")
	if reason != SkipNoModel {
		t.Fatalf("reason %s", reason)
	}
	if _, err := Translate(inv, Options{}); !errors.Is(err, ErrNoModel) {
		t.Fatalf("error %v", err)
	}
}

func TestAnEmptyValueOutsideSGLangsChoicesIsDropped(t *testing.T) {
	res := mustTranslate(t, []string{"vllm", "serve", "m", "--dtype", ""}, Options{})
	if f, ok := findingFor(res, "--dtype"); !ok || f.Action != Dropped {
		t.Fatalf("finding %+v", f)
	}
}
