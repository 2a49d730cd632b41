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

// This file is the decision table: one row for every vLLM server flag of
// testdata/vllm-flags.tsv, current and legacy.
// docs/flag-translation.md explains the decisions and their sources.
//
// Provenance: the current rows match vLLM main of September 2026 (after the
// v0.29.0 tag, before v0.30.0): vllm/engine/arg_utils.py,
// vllm/entrypoints/openai/cli_args.py and the vllm/config dataclasses they
// expand, as stored in the search index (the newest arg_utils.py read has
// --enable-bf16x3-router-gemm and --spec-method, and none of v0.30.0's
// flags). docs/flag-translation.md lists the PRs each new row was checked
// against.

// VLLMVersion is the vLLM release the table matches. The launcher answers
// `vllm --version` with it, so a script that picks its flags by vLLM
// version picks flags the table knows.
const VLLMVersion = "0.29.0"

// Reasons shared by many rows.
const (
	whyTuning     = "performance tuning SGLang has no equivalent for; SGLang tunes this itself"
	whyLogging    = "logging setting SGLang has no equivalent for"
	whyProxyDocs  = "the sglang-proxy sidecar does not expose the API docs pages"
	whyMultiNode  = "multi-node deployments are left alone"
	whyPlugin     = "it loads custom Python code into vLLM, which SGLang cannot run"
	whySingleNode = "only used by multi-node deployments"
	whyCORS       = "SGLang has no CORS settings (it allows every origin), so this restriction would be lost"
	whyTLS        = "the sglang-proxy sidecar serves the vLLM port over plain HTTP, so TLS would be lost"
	whyDisagg     = "disaggregated serving is set up differently in SGLang; rewrite it by hand"
	whyNoEffect   = "SGLang already behaves this way"
	whyMMAccuracy = "SGLang has no equivalent; multimodal outputs may differ"
	// whyFaultTolerance: vLLM's fault tolerance (PR #44428) pauses a faulty engine and serves /fault_tolerance/*.
	whyFaultTolerance    = "SGLang has no fault-tolerance endpoints (/fault_tolerance/status, /fault_tolerance/apply); engine faults stop the server instead"
	whyTypicalAcceptance = "a setting of vLLM's typical acceptance sampler, which SGLang lacks (--spec-decoding-acceptance-method carries the decision)"
)

var vllmTable = []rule{
	// serve
	reject("--headless", switchArg, "a headless vLLM node serves no API; "+whyMultiNode).multi(always("--headless")),
	tuning("--api-server-count", oneValue, "SGLang runs one API server process").alias("-asc"),
	drop("--config", oneValue, "vLLM reads more flags from this YAML file, which the webhook cannot read; they are lost"),
	reject("--grpc", switchArg, "vLLM's gRPC API differs from SGLang's; gRPC clients would break"),

	// frontend
	xlate("--lora-modules", manyValues, xlateLoRAModules).why("--lora-paths; name=path kept, JSON keys name/path become lora_name/lora_path"),
	xlate("--chat-template", oneValue, xlateChatTemplate).why("--chat-template for a file; an inline template is dropped (unsafe)"),
	xlate("--chat-template-content-format", oneValue, onlyValue("auto", "SGLang detects the content format from the template")).why("auto: SGLang's behaviour; string/openai dropped (unsafe)"),
	same("--trust-request-chat-template", switchArg).neg(),
	same("--default-chat-template-kwargs", oneValue),
	xlate("--response-role", oneValue, onlyValue("assistant", "SGLang always answers with the assistant role")).why("assistant: SGLang's behaviour; another role dropped (unsafe)"),
	drop("--return-tokens-as-token-ids", switchArg, "SGLang has no token-id logprob tokens; clients parsing \"token_id:N\" break").neg(),
	xlate("--enable-auto-tool-choice", switchArg, xlateAutoToolChoice).neg().why("nothing: SGLang parses tool calls whenever --tool-call-parser is set; --no-X with a parser is approximated"),
	drop("--exclude-tools-when-tool-choice-none", switchArg, "SGLang keeps tools in the prompt when tool_choice is none").neg(),
	xlate("--tool-call-parser", oneValue, xlateToolParser).why("--tool-call-parser with the name mapped (profile map, built-in map, same name); no SGLang parser: dropped (unsafe)"),
	reject("--tool-parser-plugin", oneValue, whyPlugin),
	rename("--tool-server", "--tool-server", oneValue),
	tuning("--log-config-file", oneValue, whyLogging),
	tuning("--max-log-len", oneValue, whyLogging),
	rename("--enable-prompt-tokens-details", "--enable-cache-report", switchArg).neg(),
	tuning("--enable-per-request-metrics", switchArg, "per-request metrics come from the sglang-proxy sidecar's translated /metrics").neg(),
	drop("--enable-server-load-tracking", switchArg, "SGLang does not track server load for the /load endpoint").neg(),
	rename("--enable-force-include-usage", "--stream-response-default-include-usage", switchArg).neg(),
	drop("--enable-tokenizer-info-endpoint", switchArg, "SGLang has no /tokenizer_info endpoint").neg(),
	xlate("--enable-log-outputs", switchArg, xlateLogOutputs).neg().why("--log-requests --log-requests-level 2 (approximated)"),
	tuning("--enable-log-deltas", switchArg, whyLogging).neg(),
	tuning("--cohere-is-reasoning-model", switchArg, "only used by vLLM's Cohere API, which SGLang does not serve").neg(),
	tuning("--cohere-format", oneValue, "only used by vLLM's Cohere API, which SGLang does not serve"),
	tuning("--log-error-stack", switchArg, whyLogging).neg(),
	reject("--tokens-only", switchArg, "a tokens-only vLLM server has no SGLang equivalent").neg(),
	xlate("--fingerprint-mode", oneValue, onlyValue("none", "SGLang sends no system_fingerprint")).why("none: SGLang's behaviour; other modes dropped (unsafe)"),
	drop("--fingerprint-value", oneValue, "SGLang sends no system_fingerprint"),
	xlate("--host", oneValue, xlateHost).why("replaced by the options' host (default: vLLM's, else 0.0.0.0)"),
	xlate("--port", oneValue, xlatePort).why("replaced by the options' port (default: vLLM's); reported as Result.VLLMPort"),
	tuning("--data-parallel-supervisor-port", oneValue, "SGLang has no data-parallel supervisor"),
	tuning("--dp-supervisor-probe-interval-s", oneValue, "SGLang has no data-parallel supervisor"),
	tuning("--dp-supervisor-probe-timeout-s", oneValue, "SGLang has no data-parallel supervisor"),
	tuning("--dp-supervisor-probe-failure-threshold", oneValue, "SGLang has no data-parallel supervisor"),
	reject("--uds", oneValue, "the server would listen on a Unix socket; the sglang-proxy sidecar needs TCP"),
	xlate("--uvicorn-log-level", oneValue, xlateUvicornLogLevel).why("--log-level-http; trace becomes debug (approximated)"),
	tuning("--disable-uvicorn-access-log", switchArg, whyLogging).neg(),
	xlate("--disable-access-log-for-endpoints", oneValue, xlateAccessLogEndpoints).why("--uvicorn-access-log-exclude-prefixes, one path per value (approximated: prefixes)"),
	xlate("--allow-credentials", switchArg, corsSwitch).neg().why("SGLang allows credentials; --no-allow-credentials dropped (unsafe)"),
	xlate("--allowed-origins", oneValue, corsList).why("[\"*\"]: SGLang's behaviour; a restriction is dropped (unsafe)"),
	xlate("--allowed-methods", oneValue, corsList).why("[\"*\"]: SGLang's behaviour; a restriction is dropped (unsafe)"),
	xlate("--allowed-headers", oneValue, corsList).why("[\"*\"]: SGLang's behaviour; a restriction is dropped (unsafe)"),
	xlate("--api-key", manyValues, xlateAPIKey).why("--api-key with the first key; further keys dropped (unsafe)"),
	reject("--ssl-keyfile", oneValue, whyTLS),
	reject("--ssl-certfile", oneValue, whyTLS),
	reject("--ssl-ca-certs", oneValue, whyTLS),
	tuning("--enable-ssl-refresh", switchArg, "TLS is not carried over (see --ssl-certfile)").neg(),
	reject("--ssl-cert-reqs", oneValue, whyTLS),
	reject("--ssl-ciphers", oneValue, whyTLS),
	rename("--root-path", "--fastapi-root-path", oneValue),
	reject("--middleware", oneValue, "custom ASGI middleware (often authentication) would silently disappear").repeated(),
	drop("--enable-request-id-headers", switchArg, "SGLang does not send X-Request-Id response headers").neg(),
	byDefault("--disable-fastapi-docs", switchArg, whyProxyDocs).neg(),
	tuning("--h11-max-incomplete-event-size", oneValue, whyTuning),
	tuning("--h11-max-header-count", oneValue, whyTuning),
	byDefault("--enable-offline-docs", switchArg, whyProxyDocs).neg(),
	tuning("--enable-flash-late-interaction", switchArg, whyTuning).neg(),

	// ModelConfig
	xlate("--model", oneValue, xlateModelFlag).why("--model-path (the positional model wins, as in vLLM)"),
	xlate("--runner", oneValue, xlateRunner).why("pooling: --is-embedding; auto/generate: nothing; draft rejected"),
	xlate("--convert", oneValue, xlateConvert).why("embed: --is-embedding; classify/reward approximated by --is-embedding"),
	rename("--tokenizer", "--tokenizer-path", oneValue),
	xlate("--tokenizer-mode", oneValue, xlateTokenizerMode).why("auto/hf: nothing; slow: --tokenizer-mode slow; mistral approximated (HF tokenizer); others dropped (unsafe)"),
	same("--trust-remote-code", switchArg).neg(),
	same("--dtype", oneValue),
	xlate("--seed", oneValue, xlateSeed).why("--random-seed (when unset, --random-seed 0: vLLM's V1 default)"),
	drop("--hf-config-path", oneValue, "SGLang reads the model's config from the model path only"),
	drop("--allowed-local-media-path", oneValue, "SGLang has no local media path allow-list; file:// media URLs are refused"),
	same("--allowed-media-domains", manyValues),
	same("--revision", oneValue),
	drop("--code-revision", oneValue, "SGLang cannot pin the revision of the model's remote code separately"),
	drop("--tokenizer-revision", oneValue, "SGLang cannot pin the tokenizer's revision separately"),
	xlate("--max-model-len", oneValue, xlateMaxModelLen).why("--context-length as a plain integer (human ints resolved)"),
	xlate("--quantization", oneValue, xlateQuantization).alias("-q").why("--quantization when SGLang has the method; else dropped (unsafe)"),
	byDefault("--allow-deprecated-quantization", switchArg, "SGLang does not gate deprecated quantization methods").neg(),
	xlate("--enforce-eager", switchArg, xlateEnforceEager).neg().why("--disable-cuda-graph"),
	same("--enable-return-routed-experts", switchArg).neg(),
	tuning("--max-logprobs", oneValue, "SGLang has no server-side cap on requested logprobs"),
	xlate("--logprobs-mode", oneValue, onlyValue("raw_logprobs", "SGLang returns the raw logprobs only")).why("raw_logprobs: SGLang's behaviour; other modes dropped (unsafe)"),
	drop("--disable-sliding-window", switchArg, "SGLang always uses the model's sliding window").neg(),
	byDefault("--disable-cascade-attn", switchArg, "SGLang has no cascade attention").neg(),
	same("--skip-tokenizer-init", switchArg).neg(),
	drop("--enable-prompt-embeds", switchArg, "SGLang's OpenAI API takes no prompt_embeds; such requests fail").neg(),
	xlate("--served-model-name", manyValues, xlateServedModelName).why("--served-model-name with the first name; further names dropped (unsafe)"),
	xlate("--config-format", oneValue, xlateConfigFormat).why("nothing: SGLang reads config.json, or params.json for Mistral-named models (mistral approximated); --model-config-parser is too new to emit"),
	xlate("--hf-token", optValue, xlateHFToken).why("nothing when bare or HF_TOKEN is set (at start: when the token is the environment's HF_TOKEN); another literal token dropped (unsafe: use the HF_TOKEN env)"),
	xlate("--hf-overrides", oneValue, xlateHFOverrides).asDict().why("--json-model-override-args (merged with --rope-scaling/--rope-theta)"),
	drop("--pooler-config", oneValue, "SGLang has no pooler settings; embedding outputs may differ").asDict(),
	xlate("--generation-config", oneValue, xlateGenerationConfig).why("auto: nothing; vllm: --sampling-defaults openai; a folder dropped (unsafe)"),
	reject("--override-generation-config", oneValue, "SGLang cannot override the model's default sampling parameters; results would change silently").asDict(),
	xlate("--enable-sleep-mode", switchArg, xlateSleepMode).neg().why("--enable-memory-saver --enable-weights-cpu-backup (approximated: the proxy serves vLLM's level-1 /sleep with them)"),
	xlate("--model-impl", oneValue, xlateModelImpl).why("vllm: --model-impl sglang; transformers kept; terratorch dropped (unsafe)"),
	drop("--override-attention-dtype", oneValue, "SGLang has no attention dtype override"),
	reject("--logits-processors", manyValues, whyPlugin),
	reject("--io-processor-plugin", oneValue, whyPlugin),
	tuning("--renderer-num-workers", oneValue, whyTuning),
	drop("--quantization-config", oneValue, "SGLang has no per-layer online quantization settings; layers would be quantized differently").asDict(),
	drop("--return-sampling-mask", switchArg, "SGLang returns no sampling masks; clients replaying them (RL trainers) break").neg(),
	drop("--use-fp64-gumbel", switchArg, "SGLang has no float64 sampling noise; low-probability tokens are sampled slightly differently").neg(),
	drop("--enable-trace-replay", switchArg, "SGLang ignores trace_decode_token_ids; replay requests generate freely").neg(),
	reject("--model-class-overrides", oneValue, whyPlugin).asDict(),
	tuning("--enable-cumem-allocator", switchArg, "memory allocator setting; SGLang manages GPU memory itself").neg(),
	tuning("--enable-nccl-comm-suspend", switchArg, "sleep-mode memory setting; SGLang's memory saver releases memory itself").neg(),

	// LoadConfig
	xlate("--load-format", oneValue, xlateLoadFormat).why("--load-format when SGLang has the format, else dropped (unsafe); mistral approximated by SGLang's own detection"),
	same("--download-dir", oneValue),
	xlate("--safetensors-load-strategy", oneValue, xlateSafetensorsStrategy).why("prefetch: --weight-loader-prefetch-checkpoints (approximated); others tuning"),
	rename("--safetensors-prefetch-num-threads", "--weight-loader-prefetch-num-threads", oneValue),
	tuning("--safetensors-prefetch-block-size", oneValue, whyTuning),
	drop("--model-loader-extra-config", oneValue, "its keys belong to vLLM's model loaders; SGLang's differ").asDict(),
	tuning("--ignore-patterns", manyValues, "SGLang downloads the files it needs itself"),
	byDefault("--use-tqdm-on-load", switchArg, whyLogging).neg(),
	drop("--pt-load-map-location", oneValue, "SGLang has no map location for PyTorch checkpoints").asDict(),

	// AttentionConfig, MambaConfig
	tuning("--attention-backend", oneValue, "SGLang picks its attention backend for the GPU (vLLM's names are CUDA backends)"),
	same("--mamba-backend", oneValue),
	tuning("--mamba-ssu-algorithm", oneValue, "SGLang picks its Mamba kernels for the GPU"),
	same("--enable-mamba-cache-stochastic-rounding", switchArg).neg(),
	same("--mamba-cache-philox-rounds", oneValue),

	// StructuredOutputsConfig
	xlate("--reasoning-parser", oneValue, xlateReasoningParser).why("--reasoning-parser with the name mapped; no SGLang parser: dropped (unsafe)"),
	reject("--reasoning-parser-plugin", oneValue, whyPlugin),

	// ParallelConfig
	xlate("--distributed-executor-backend", oneValue, xlateExecutorBackend).multi(valueIs("ray", "--distributed-executor-backend ray")).why("mp/uni: nothing; ray: multi-node (skipped); external_launcher rejected"),
	rename("--pipeline-parallel-size", "--pp-size", oneValue).alias("-pp"),
	tuning("--master-addr", oneValue, whySingleNode).multi(masterAddr),
	tuning("--master-port", oneValue, whySingleNode),
	xlate("--nnodes", oneValue, onlyValueOrReject("1", whyMultiNode)).alias("-n").multi(intAbove("--nnodes", 1)).why("1: nothing; more: multi-node (skipped)"),
	xlate("--node-rank", oneValue, onlyValueOrReject("0", whyMultiNode)).alias("-r").multi(intAbove("--node-rank", 0)).why("0: nothing; more: multi-node (skipped)"),
	rename("--distributed-timeout-seconds", "--dist-timeout", oneValue),
	tuning("--cpu-distributed-timeout-seconds", oneValue, "SGLang sets the timeouts of its CPU process groups itself"),
	tuning("--numa-bind", switchArg, whyTuning).neg(),
	rename("--numa-bind-nodes", "--numa-node", manyValues),
	tuning("--numa-bind-cpus", manyValues, whyTuning),
	xlate("--device-ids", oneValue, xlateDeviceIDs).why("--base-gpu-id first [--gpu-id-step step] for evenly spaced indexes; other lists (UUIDs) dropped (unsafe)"),
	xlate("--tensor-parallel-size", oneValue, xlateTensorParallel).alias("-tp").why("--tp-size; reported as Result.TensorParallelSize"),
	rename("--decode-context-parallel-size", "--dcp-size", oneValue).alias("-dcp"),
	same("--dcp-comm-backend", oneValue),
	tuning("--dcp-q-replicate", switchArg, whyTuning).neg(),
	tuning("--dcp-kv-cache-interleave-size", oneValue, whyTuning),
	tuning("--cp-kv-cache-interleave-size", oneValue, whyTuning),
	xlate("--prefill-context-parallel-size", oneValue, onlyValue("1", "SGLang's context parallelism is a different design; the GPU layout would change")).alias("-pcp").why("1: nothing; more dropped (unsafe: GPU layout changes)"),
	rename("--data-parallel-size", "--dp-size", oneValue).alias("-dp"),
	reject("--data-parallel-rank", oneValue, "one rank of an externally balanced data-parallel group; "+whyMultiNode).alias("-dpn").multi(always("--data-parallel-rank")),
	reject("--data-parallel-start-rank", oneValue, whyMultiNode).alias("-dpr").multi(always("--data-parallel-start-rank")),
	xlate("--data-parallel-size-local", oneValue, xlateDPSizeLocal).alias("-dpl").multi(dpLocal).why("equal to --data-parallel-size: nothing; smaller: multi-node (skipped)"),
	reject("--data-parallel-address", oneValue, whyMultiNode).alias("-dpa").multi(always("--data-parallel-address")),
	tuning("--data-parallel-rpc-port", oneValue, whySingleNode).alias("-dpp"),
	xlate("--data-parallel-backend", oneValue, onlyValueOrReject("mp", whyMultiNode)).alias("-dpb").multi(valueIs("ray", "--data-parallel-backend ray")).why("mp: nothing; ray: multi-node (skipped)"),
	reject("--data-parallel-hybrid-lb", switchArg, whyMultiNode).alias("-dph").neg().multi(always("--data-parallel-hybrid-lb")),
	reject("--data-parallel-external-lb", switchArg, whyMultiNode).alias("-dpe").neg().multi(always("--data-parallel-external-lb")),
	reject("--data-parallel-multi-port-external-lb", switchArg, "runs one API server per local data-parallel rank on consecutive ports for an external load balancer; "+whyMultiNode).alias("-dpm").multi(always("--data-parallel-multi-port-external-lb")),
	xlate("--enable-expert-parallel", switchArg, xlateExpertParallel).alias("-ep").neg().why("--ep-size <tensor-parallel size> (approximated)"),
	tuning("--enable-batch-sharded-sampling", switchArg, whyTuning).neg(),
	tuning("--enable-ep-weight-filter", switchArg, whyTuning).neg(),
	xlate("--all2all-backend", oneValue, xlateAll2All).why("--moe-a2a-backend (+ --deepep-mode) (approximated)"),
	rename("--enable-dbo", "--enable-two-batch-overlap", switchArg).neg(),
	tuning("--ubatch-size", oneValue, whyTuning),
	drop("--enable-elastic-ep", switchArg, "SGLang's elastic expert parallelism needs a backend set up by hand").neg(),
	tuning("--dbo-decode-token-threshold", oneValue, whyTuning),
	tuning("--dp-sync-interval", oneValue, whyTuning),
	tuning("--dbo-prefill-token-threshold", oneValue, whyTuning),
	tuning("--disable-nccl-for-dp-synchronization", switchArg, whyTuning).neg(),
	same("--enable-eplb", switchArg).neg(),
	xlate("--eplb-config", oneValue, xlateEPLBConfig).asDict().why("--ep-num-redundant-experts, --eplb-rebalance-num-iterations (approximated)"),
	tuning("--expert-placement-strategy", oneValue, whyTuning),
	tuning("--max-parallel-loading-workers", oneValue, whyTuning),
	tuning("--ray-workers-use-nsight", switchArg, "profiling setting for Ray workers").neg(),
	same("--disable-custom-all-reduce", switchArg).neg(),
	xlate("--worker-cls", oneValue, onlyValueOrReject("auto", whyPlugin)).why("auto: nothing; a custom class rejected"),
	xlate("--worker-extension-cls", oneValue, onlyValueOrReject("", whyPlugin)).why("empty: nothing; a custom class rejected"),
	drop("--enable-fault-tolerance", switchArg, whyFaultTolerance).neg(),
	drop("--fault-tolerance-config", oneValue, whyFaultTolerance).asDict(),

	// CacheConfig, OffloadConfig
	tuning("--block-size", oneValue, "SGLang chooses its KV page size per attention backend"),
	xlate("--gpu-memory-utilization", oneValue, xlateGPUMemory).why("--mem-fraction-static per the profile: Translate clamp(u - offset, 0.30, 0.88), Omit, Fixed (approximated)"),
	drop("--kv-cache-memory-bytes", oneValue, "SGLang sizes its KV cache in tokens, not bytes; capacity changes"),
	xlate("--kv-cache-dtype", oneValue, xlateKVCacheDtype).why("--kv-cache-dtype; fp8 becomes fp8_e4m3; dtypes SGLang lacks dropped (unsafe)"),
	xlate("--num-gpu-blocks-override", oneValue, xlateNumGPUBlocks).why("--max-total-tokens blocks x block size (approximated)"),
	xlate("--enable-prefix-caching", switchArg, xlatePrefixCaching).neg().why("nothing (radix cache is on); --no-X: --disable-radix-cache"),
	byDefault("--prefix-caching-hash-algo", oneValue, "SGLang's radix cache needs no block hashing"),
	tuning("--prefix-cache-retention-interval", oneValue, whyTuning),
	drop("--calculate-kv-scales", switchArg, "SGLang reads FP8 KV scales from --quantization-param-path instead").neg(),
	drop("--kv-cache-dtype-skip-layers", manyValues, "SGLang cannot keep chosen layers' KV cache in full precision"),
	tuning("--kv-sharing-fast-prefill", switchArg, whyTuning).neg(),
	xlate("--mamba-cache-dtype", oneValue, xlateMambaDtype(true)).why("--mamba-ssm-dtype (approximated)"),
	xlate("--mamba-ssm-cache-dtype", oneValue, xlateMambaDtype(false)).why("--mamba-ssm-dtype; auto: nothing"),
	tuning("--mamba-block-size", oneValue, whyTuning),
	tuning("--prefix-match-unit", oneValue, whyTuning),
	tuning("--mamba-cache-mode", oneValue, whyTuning),
	tuning("--replayssm-buffer-len", oneValue, whyTuning),
	tuning("--use-replayssm", switchArg, whyTuning).neg(),
	tuning("--kv-offloading-size", oneValue, "KV offloading to CPU is not carried over (SGLang's hierarchical cache is set up differently)"),
	tuning("--kv-offloading-backend", oneValue, "KV offloading to CPU is not carried over"),
	tuning("--offload-backend", oneValue, whyTuning),
	xlate("--cpu-offload-gb", oneValue, xlateCPUOffload).why("--cpu-offload-gb rounded up to whole GiB"),
	tuning("--cpu-offload-params", manyValues, whyTuning),
	same("--offload-group-size", oneValue),
	same("--offload-num-in-group", oneValue),
	same("--offload-prefetch-step", oneValue),
	tuning("--offload-params", manyValues, whyTuning),

	// MultiModalConfig
	same("--language-model-only", switchArg).neg(),
	xlate("--limit-mm-per-prompt", oneValue, xlateLimitMM).asDict().why("--limit-mm-data-per-request JSON counts (legacy key=value converted)"),
	drop("--enable-mm-embeds", switchArg, "SGLang's OpenAI API takes no multimodal embeddings; such requests fail").neg(),
	drop("--media-io-kwargs", oneValue, whyMMAccuracy).asDict(),
	drop("--mm-processor-kwargs", oneValue, whyMMAccuracy).asDict(),
	xlate("--mm-processor-cache-gb", oneValue, xlateMMCache).why("--mm-preprocess-cache-size-mb x1024 (approximated)"),
	tuning("--mm-processor-cache-type", oneValue, whyTuning),
	tuning("--mm-hasher-algorithm", oneValue, "SGLang hashes multimodal inputs with its own algorithm"),
	tuning("--mm-shm-cache-max-object-size-mb", oneValue, whyTuning),
	reject("--mm-encoder-only", switchArg, "an encoder-only server is part of "+whyDisagg).neg(),
	xlate("--mm-encoder-tp-mode", oneValue, xlateEncoderTPMode).why("data: --mm-enable-dp-encoder; weights: nothing"),
	tuning("--mm-encoder-attn-backend", oneValue, whyTuning),
	tuning("--mm-encoder-attn-dtype", oneValue, whyTuning),
	drop("--mm-encoder-fp8-scale-path", oneValue, whyMMAccuracy),
	tuning("--mm-encoder-fp8-scale-save-path", oneValue, "calibration output vLLM writes; SGLang has none"),
	tuning("--mm-encoder-fp8-scale-save-margin", oneValue, "calibration output vLLM writes; SGLang has none"),
	drop("--interleave-mm-strings", switchArg, "SGLang does not interleave text and media in string prompts").neg(),
	tuning("--skip-mm-profiling", switchArg, whyTuning).neg(),
	drop("--video-pruning-rate", oneValue, whyMMAccuracy),
	drop("--video-pruning-method", oneValue, whyMMAccuracy),
	tuning("--mm-tensor-ipc", oneValue, whyTuning),
	tuning("--mm-processor-device", oneValue, "SGLang runs the multimodal processor where it chooses"),
	tuning("--mm-ipc-gpu-memory-gb", oneValue, whyTuning),
	tuning("--mm-device-do-normalize", switchArg, whyTuning).neg(),

	// LoRAConfig
	xlate("--enable-lora", switchArg, switchXlate(xlateEnableLoRA, isDefault("vLLM's default; "+whyNoEffect))).neg().
		why("--enable-lora; with no initial adapter, or runtime loading, also --max-lora-rank 16 and --lora-target-modules all (vLLM's limits)"),
	xlate("--max-loras", oneValue, recordArg(func(s *state) **Arg { return &s.maxLoras })).why("--max-loras-per-batch N+1 (SGLang counts the base model)"),
	same("--max-lora-rank", oneValue),
	tuning("--lora-dtype", oneValue, "SGLang runs adapters in the model's dtype"),
	drop("--enable-tower-connector-lora", switchArg, "SGLang applies no LoRA to vision towers and connectors").neg(),
	xlate("--max-cpu-loras", oneValue, recordArg(func(s *state) **Arg { return &s.maxCPULoras })).why("--max-loaded-loras, at least --max-loras-per-batch"),
	tuning("--fully-sharded-loras", switchArg, whyTuning).neg(),
	same("--lora-target-modules", manyValues),
	drop("--default-mm-loras", oneValue, "SGLang applies no default LoRA per modality").asDict(),
	tuning("--specialize-active-lora", switchArg, whyTuning).neg(),
	drop("--enable-mixed-moe-lora-format", switchArg, "SGLang has no mixed 2D/3D MoE LoRA format; such adapters may not load").neg(),
	drop("--enable-moe-shared-loras", switchArg, "SGLang has no MoE LoRA adapters shared across experts; such adapters may not load").neg(),

	// ObservabilityConfig
	tuning("--show-hidden-metrics-for-version", oneValue, "the sglang-proxy sidecar serves the translated vLLM metrics"),
	xlate("--otlp-traces-endpoint", oneValue, xlateOTLP).why("--enable-trace --otlp-traces-endpoint host:port (approximated)"),
	tuning("--collect-detailed-traces", oneValue, "SGLang traces requests, not model and worker internals"),
	xlate("--per-request-spec-decode-metrics", oneValue, onlyValue("none", "SGLang's responses carry no per-request speculative decoding metrics")).why("none: SGLang's behaviour; summary/detailed dropped (unsafe)"),
	tuning("--kv-cache-metrics", switchArg, "SGLang exports no KV block lifetime metrics").neg(),
	tuning("--kv-cache-metrics-sample", oneValue, "SGLang exports no KV block lifetime metrics"),
	tuning("--cudagraph-metrics", switchArg, "SGLang exports no CUDA graph metrics").neg(),
	rename("--enable-layerwise-nvtx-tracing", "--enable-layerwise-nvtx-marker", switchArg).neg(),
	same("--enable-mfu-metrics", switchArg).neg(),
	tuning("--enable-logging-iteration-details", switchArg, whyLogging).neg(),
	tuning("--jit-monitor-mode", oneValue, "SGLang has no monitor of kernel compilation during inference"),
	tuning("--jit-monitor-verbose", switchArg, whyLogging).neg(),

	// SchedulerConfig
	xlate("--max-num-batched-tokens", oneValue, recordArg(func(s *state) **Arg { return &s.batchedTokens })).why("--chunked-prefill-size N (+ --max-prefill-tokens N above 16384); without chunked prefill --max-prefill-tokens N (approximated)"),
	tuning("--max-num-scheduled-tokens", oneValue, whyTuning),
	rename("--max-num-seqs", "--max-running-requests", oneValue),
	xlate("--max-num-queued-reqs", oneValue, xlateMaxQueuedReqs).why("--max-queued-requests (N - --max-num-seqs x dp) / dp, at least 1 (approximated: SGLang counts each scheduler's waiting requests)"),
	drop("--max-num-queued-tokens", oneValue, "SGLang has no cap on queued prompt tokens; requests vLLM would refuse with 503 wait in the queue"),
	tuning("--max-num-partial-prefills", oneValue, whyTuning),
	tuning("--max-long-partial-prefills", oneValue, whyTuning),
	tuning("--long-prefill-token-threshold", oneValue, whyTuning),
	xlate("--scheduling-policy", oneValue, xlateSchedulingPolicy).why("fcfs: --schedule-policy fcfs; priority: --enable-priority-scheduling --schedule-low-priority-values-first"),
	xlate("--enable-chunked-prefill", switchArg, xlateChunkedPrefill).neg().why("nothing (on by default); --no-X: --chunked-prefill-size=-1"),
	tuning("--disable-chunked-mm-input", switchArg, whyTuning).neg(),
	reject("--scheduler-cls", oneValue, whyPlugin),
	tuning("--scheduler-reserve-full-isl", switchArg, whyTuning).neg(),
	tuning("--watermark", oneValue, whyTuning),
	tuning("--prefill-schedule-interval", oneValue, whyTuning),
	xlate("--disable-hybrid-kv-cache-manager", switchArg, xlateHybridKV).neg().why("--disable-hybrid-swa-memory (approximated)"),
	xlate("--async-scheduling", switchArg, xlateAsyncScheduling).neg().why("nothing (overlap is on); --no-X: --disable-overlap-schedule"),
	xlate("--stream-interval", oneValue, xlateStreamInterval).why("--stream-interval (when unset, --stream-interval 1)"),

	// CompilationConfig, KernelConfig
	tuning("--cudagraph-capture-sizes", manyValues, "SGLang picks its CUDA graph batch sizes (the flag's name differs across SGLang releases)"),
	tuning("--max-cudagraph-capture-size", oneValue, "SGLang picks its CUDA graph batch sizes (the flag's name differs across SGLang releases)"),
	tuning("--ir-op-priority", oneValue, whyTuning).asDict(),
	xlate("--enable-flashinfer-autotune", switchArg, xlateFlashinferAutotune).neg().why("nothing; --no-X: --disable-flashinfer-autotune"),
	tuning("--enable-bf16x3-router-gemm", switchArg, "SGLang picks its MoE router kernels for the GPU").neg(),
	tuning("--moe-backend", oneValue, "SGLang picks its MoE kernels for the GPU"),
	tuning("--linear-backend", oneValue, "SGLang picks its GEMM kernels for the GPU"),

	// VllmConfig
	xlate("--speculative-config", oneValue, xlateSpeculativeConfig).alias("-sc").asDict().why("--speculative-algorithm, --speculative-draft-model-path, --speculative-num-steps k, --speculative-eagle-topk 1, --speculative-num-draft-tokens k+1 (approximated); unknown methods dropped (tuning)"),
	xlate("--spec-method", oneValue, recordSpec(func(s *specState) **Arg { return &s.method })).why("as --speculative-config's method (the shorthands win over its keys)"),
	xlate("--spec-model", oneValue, recordSpec(func(s *specState) **Arg { return &s.shortModel })).why("as --speculative-config's model"),
	xlate("--spec-tokens", oneValue, recordSpec(func(s *specState) **Arg { return &s.shortTokens })).why("as --speculative-config's num_speculative_tokens"),
	drop("--diffusion-config", oneValue, "SGLang's diffusion LLM settings differ (--dllm-algorithm); the denoising would change").alias("-dc").asDict(),
	xlate("--kv-transfer-config", oneValue, xlateKVTransfer).asDict().why("kv_both (KV offloading, e.g. LMCache): dropped (tuning); prefill/decode roles rejected"),
	drop("--kv-events-config", oneValue, "KV cache events are not published (SGLang's event schema differs)").asDict(),
	reject("--ec-transfer-config", oneValue, "encoder cache transfer is part of "+whyDisagg).asDict(),
	tuning("--ec-manager-config", oneValue, "encoder cache manager settings; SGLang manages its multimodal encoder cache itself").asDict(),
	tuning("--compilation-config", oneValue, "torch.compile and CUDA graph settings; SGLang compiles differently").alias("-cc").asDict(),
	tuning("--attention-config", oneValue, "SGLang picks its attention backend for the GPU").alias("-ac").asDict(),
	drop("--reasoning-config", oneValue, "SGLang has no reasoning budget settings").asDict(),
	tuning("--kernel-config", oneValue, whyTuning).asDict(),
	drop("--additional-config", oneValue, "platform-specific vLLM settings SGLang does not read").asDict(),
	xlate("--structured-outputs-config", oneValue, xlateStructuredOutputs).asDict().why("--grammar-backend, --constrained-json-disable-any-whitespace, --reasoning-parser (approximated)"),
	tuning("--profiler-config", oneValue, "profiler setting").asDict(),
	tuning("--optimization-level", oneValue, "vLLM's compilation level; SGLang compiles differently").alias("-O"),
	tuning("--performance-mode", oneValue, whyTuning),
	reject("--weight-transfer-config", oneValue, "weight updates from a trainer are set up differently in SGLang").asDict(),

	// other
	tuning("--disable-log-stats", switchArg, whyLogging),
	tuning("--aggregate-engine-logging", switchArg, whyLogging),
	tuning("--fail-on-environ-validation", switchArg, "vLLM's environment checks do not apply to SGLang").neg(),
	tuning("--shutdown-timeout", oneValue, "the sglang-proxy sidecar drains requests on shutdown"),
	rename("--gdn-prefill-backend", "--linear-attn-prefill-backend", oneValue),
	xlate("--kda-prefill-backend", oneValue, xlateKDAPrefill).why("auto: nothing; triton/flashkda: --linear-attn-prefill-backend"),
	xlate("--enable-log-requests", switchArg, xlateLogRequests).neg().why("--log-requests --log-requests-level 1 (approximated)"),

	// legacy (removed from current vLLM, still seen in manifests)
	xlate("--task", oneValue, xlateTask).old().why("embed/embedding: --is-embedding; score/classify/reward approximated; transcription/draft rejected"),
	byDefault("--disable-log-requests", switchArg, "SGLang logs no requests unless asked to").old(),
	byDefault("--swap-space", oneValue, "SGLang retracts requests instead of swapping KV cache to CPU").old(),
	xlate("--guided-decoding-backend", oneValue, xlateGuidedBackend).old().why("--grammar-backend (guidance becomes llguidance)"),
	byDefault("--enable-reasoning", switchArg, "SGLang parses reasoning whenever --reasoning-parser is set").old(),
	xlate("--num-scheduler-steps", oneValue, xlateSchedulerSteps).old().why("--num-continuous-decode-steps (approximated)"),
	byDefault("--multi-step-stream-outputs", switchArg, whyNoEffect).neg().old(),
	tuning("--max-seq-len-to-capture", oneValue, whyTuning).old(),
	tuning("--cuda-graph-sizes", manyValues, "SGLang picks its CUDA graph batch sizes").old(),
	byDefault("--preemption-mode", oneValue, "SGLang preempts by retraction and recomputation").old(),
	tuning("--scheduler-delay-factor", oneValue, whyTuning).old(),
	byDefault("--use-v2-block-manager", switchArg, whyNoEffect).neg().old(),
	byDefault("--disable-async-output-proc", switchArg, whyNoEffect).neg().old(),
	byDefault("--tokenizer-pool-size", oneValue, whyNoEffect).old(),
	byDefault("--tokenizer-pool-type", oneValue, whyNoEffect).old(),
	byDefault("--tokenizer-pool-extra-config", oneValue, whyNoEffect).old(),
	xlate("--device", oneValue, xlateDevice).old().why("auto/cuda: nothing; cpu/xpu/hpu: --device; others rejected"),
	xlate("--rope-scaling", oneValue, modelOverride("rope_scaling")).old().why("--json-model-override-args {\"rope_scaling\": ...}"),
	xlate("--rope-theta", oneValue, modelOverride("rope_theta")).old().why("--json-model-override-args {\"rope_theta\": ...}"),
	xlate("--speculative-model", oneValue, recordSpec(func(s *specState) **Arg { return &s.model })).old().why("with --num-speculative-tokens: as --speculative-config (model name guesses the method)"),
	xlate("--num-speculative-tokens", oneValue, recordSpec(func(s *specState) **Arg { return &s.numTokens })).old().why("see --speculative-model"),
	tuning("--speculative-draft-tensor-parallel-size", oneValue, whyTuning).old(),
	tuning("--speculative-max-model-len", oneValue, whyTuning).old(),
	tuning("--speculative-disable-by-batch-size", oneValue, whyTuning).old(),
	xlate("--ngram-prompt-lookup-max", oneValue, recordSpec(func(s *specState) **Arg { return &s.ngramMax })).old().why("NGRAM speculation (approximated)"),
	xlate("--ngram-prompt-lookup-min", oneValue, recordSpec(func(s *specState) **Arg { return &s.ngramMin })).old().why("NGRAM speculation (approximated)"),
	xlate("--spec-decoding-acceptance-method", oneValue, onlyValue("rejection_sampler", "SGLang verifies draft tokens by rejection sampling only")).old().why("rejection_sampler: nothing; others dropped (unsafe)"),
	tuning("--num-lookahead-slots", oneValue, "SGLang reserves its speculative decoding slots itself").old(),
	xlate("--speculative-model-quantization", oneValue, recordSpec(func(s *specState) **Arg { return &s.quantization })).old().why("as --speculative-config's quantization"),
	tuning("--speculative-disable-mqa-scorer", switchArg, whyTuning).old(),
	tuning("--typical-acceptance-sampler-posterior-threshold", oneValue, whyTypicalAcceptance).old(),
	tuning("--typical-acceptance-sampler-posterior-alpha", oneValue, whyTypicalAcceptance).old(),
	tuning("--disable-logprobs-during-spec-decoding", optValue, "it only saves time; SGLang returns the requested logprobs with speculative decoding").old(),
	drop("--logits-processor-pattern", oneValue, "SGLang loads no logits processors named in requests; such requests fail or run without them").old(),
	reject("--enable-prompt-adapter", switchArg, "SGLang has no prompt adapters").neg().old(),
	tuning("--max-prompt-adapters", oneValue, "SGLang has no prompt adapters").old(),
	tuning("--max-prompt-adapter-token", oneValue, "SGLang has no prompt adapters").old(),
	reject("--prompt-adapters", manyValues, "SGLang has no prompt adapters").old(),
	drop("--enable-lora-bias", switchArg, "SGLang applies no LoRA bias").neg().old(),
	byDefault("--lora-extra-vocab-size", oneValue, "SGLang sizes adapter vocabularies itself").old(),
	drop("--long-lora-scaling-factors", oneValue, "SGLang has no long-context LoRA scaling").old(),
	drop("--qlora-adapter-name-or-path", oneValue, "SGLang loads no QLoRA adapter with the model").old(),
	xlate("--disable-mm-preprocessor-cache", switchArg, xlateDisableMMCache).neg().old().why("--mm-preprocess-cache-size-mb 0 (approximated)"),
	tuning("--override-neuron-config", oneValue, "AWS Neuron setting").old(),
	drop("--override-pooler-config", oneValue, "SGLang has no pooler settings; embedding outputs may differ").old(),
	byDefault("--disable-frontend-multiprocessing", switchArg, whyNoEffect).old(),
	byDefault("--intial-incremental-detokenization-offset", oneValue, whyNoEffect).old(), //nolint:misspell // vLLM's own spelling
	reject("--worker-use-ray", switchArg, "Ray workers: "+whyMultiNode).old().multi(always("--worker-use-ray")),
	reject("--engine-use-ray", switchArg, "Ray engine: "+whyMultiNode).old().multi(always("--engine-use-ray")),
}

// vllmRules indexes the table by every spelling.
var vllmRules = indexRules(vllmTable)
