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
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Translation functions of the table, in table order. Each handles the
// final use of one flag; those that combine with other flags record the
// argument and emit in finish (finish.go, combine.go).

func xlateLoRAModules(t *translation, a Arg) {
	vals := a.tokens()
	renamed := false
	for i, v := range vals {
		if v.raw || !strings.HasPrefix(strings.TrimSpace(v.text), "{") {
			continue // name=path is the same syntax in SGLang
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(v.text), &m); err != nil {
			t.dropped(a, true, "a --lora-modules value is not valid JSON")
			return
		}
		out := map[string]any{"lora_name": m["name"], "lora_path": m["path"]}
		b, _ := json.Marshal(out)
		vals[i] = token{text: string(b)}
		renamed = true
	}
	e := emission{flag: "--lora-paths", vals: vals}
	reason := "SGLang calls it --lora-paths"
	if renamed {
		reason += " and names the JSON keys lora_name and lora_path (base_model_name is not kept)"
	}
	t.translatedTo(a, reason, e)
}

func xlateChatTemplate(t *translation, a Arg) {
	if v := a.Value(); strings.Contains(v, "{{") || strings.Contains(v, "{%") {
		t.dropped(a, true, "an inline template; SGLang takes a template file or a built-in template name")
		return
	}
	t.emitTokens("--chat-template", a.tokens())
}

var xlateAutoToolChoice = switchXlate(
	isDefault("SGLang parses tool calls whenever --tool-call-parser is set and the request has tools"),
	func(t *translation, a Arg) {
		if _, ok := t.inv.Flag("--tool-call-parser"); ok {
			t.approximated(a, "SGLang parses tool calls whenever --tool-call-parser is set; it cannot turn automatic tool choice off")
			return
		}
		t.translated(a, "vLLM's default; "+whyNoEffect)
	})

func xlateToolParser(t *translation, a Arg) { t.parser(a, toolParserTable) }

func xlateReasoningParser(t *translation, a Arg) { t.parser(a, reasoningParserTable) }

var xlateLogOutputs = switchXlate(
	emitsAs(Approximated, "SGLang logs requests with their outputs at --log-requests-level 2 (partial prompts too)",
		em("--log-requests"), em("--log-requests-level", "2")),
	isDefault("vLLM's default; "+whyNoEffect))

var xlateLogRequests = switchXlate(
	emitsAs(Approximated, "SGLang's request log level 1 logs request metadata, like vLLM",
		em("--log-requests"), em("--log-requests-level", "1")),
	isDefault("vLLM's default; "+whyNoEffect))

func xlateHost(t *translation, a Arg) {
	t.st.host = &a.tokens()[len(a.Values)-1]
	if t.opts.Host != "" && t.opts.Host != a.Value() {
		t.translated(a, "SGLang listens on "+t.opts.Host+"; the sglang-proxy sidecar serves vLLM's address")
	}
}

func xlatePort(t *translation, a Arg) {
	p, err := strconv.ParseUint(a.Value(), 10, 16)
	if err != nil {
		t.st.portOpaque, t.st.portToken = true, a.tokens()[len(a.Values)-1]
	}
	t.st.port = int32(p)
	if t.opts.Port != 0 && int64(t.opts.Port) != int64(p) {
		t.translated(a, fmt.Sprintf("SGLang listens on port %d; the sglang-proxy sidecar serves vLLM's port", t.opts.Port))
	}
}

var xlateUvicornLogLevel = withValue(func(t *translation, a Arg, v string) {
	if v == "trace" {
		t.approximatedTo(a, "SGLang's most verbose HTTP log level is debug", em("--log-level-http", "debug"))
		return
	}
	t.translatedTo(a, "SGLang calls it --log-level-http", em("--log-level-http", v))
})

var xlateAccessLogEndpoints = withValue(func(t *translation, a Arg, v string) {
	paths := strings.FieldsFunc(v, func(r rune) bool { return r == ',' })
	t.approximatedTo(a, "SGLang excludes paths by prefix, vLLM by exact path",
		em("--uvicorn-access-log-exclude-prefixes", paths...))
})

// SGLang's HTTP server allows every origin, method and header, with credentials.
var corsSwitch = switchXlate(
	isDefault("SGLang allows credentialed cross-origin requests"),
	func(t *translation, a Arg) { t.dropped(a, true, whyCORS) })

var corsList = withValue(func(t *translation, a Arg, v string) {
	var list []string
	if json.Unmarshal([]byte(v), &list) == nil && len(list) == 1 && list[0] == "*" {
		t.translated(a, "vLLM's default; SGLang allows everything too")
		return
	}
	t.dropped(a, true, whyCORS)
})

func xlateAPIKey(t *translation, a Arg) {
	t.st.apiKeySet = true
	t.emitTokens("--api-key", a.tokens()[:1])
	if len(a.Values) > 1 {
		t.dropped(a, true, fmt.Sprintf("SGLang takes one API key; clients using the other %d get 401", len(a.Values)-1))
	}
}

func xlateModelFlag(t *translation, a Arg) {
	if t.inv.modelIndex >= 0 {
		t.translated(a, "the positional model wins, as in vLLM")
		return
	}
	t.translated(a, "SGLang calls it --model-path")
}

var xlateRunner = withValue(func(t *translation, a Arg, v string) {
	switch v {
	case "auto", "generate":
		t.translated(a, "SGLang serves generative models by default")
	case "pooling":
		t.translatedTo(a, "SGLang serves pooling models with --is-embedding", em("--is-embedding"))
	default:
		t.rejected(a, "SGLang cannot run a "+v+" model runner")
	}
})

var xlateConvert = withValue(func(t *translation, a Arg, v string) {
	switch v {
	case "auto", "none":
		t.translated(a, "vLLM's default; "+whyNoEffect)
	case "embed":
		t.translatedTo(a, "SGLang serves embedding models with --is-embedding", em("--is-embedding"))
	default:
		t.approximatedTo(a, "SGLang serves "+v+" models through --is-embedding and the model's architecture", em("--is-embedding"))
	}
})

var xlateTokenizerMode = withValue(func(t *translation, a Arg, v string) {
	switch v {
	case "auto", "hf":
		t.translated(a, "SGLang's auto tokenizer mode uses the Hugging Face tokenizer")
	case "slow":
		t.emit("--tokenizer-mode", "slow")
	case "mistral":
		t.approximated(a, "SGLang has no mistral tokenizer mode; it uses the model's Hugging Face tokenizer")
	default:
		t.dropped(a, true, "SGLang has no "+v+" tokenizer mode")
	}
})

func xlateSeed(t *translation, a Arg) {
	t.st.seedSet = true
	t.translatedTo(a, "SGLang calls it --random-seed", emission{"--random-seed", a.tokens()})
}

func xlateMaxModelLen(t *translation, a Arg) {
	if a.Opaque {
		t.approximatedTo(a, "the value is only known at run time; SGLang needs a plain integer there", emission{"--context-length", a.tokens()})
		return
	}
	v := a.Value()
	if v == "auto" || v == "-1" {
		t.approximated(a, "SGLang uses the model's full context length")
		return
	}
	n, err := parseHumanInt(v)
	if err != nil || n <= 0 {
		t.dropped(a, true, "not a context length vLLM accepts")
		return
	}
	t.st.maxModelLen = n
	t.translatedTo(a, "SGLang calls it --context-length", em("--context-length", itoa(n)))
}

func xlateQuantization(t *translation, a Arg) {
	if a.Opaque || t.accepts("--quantization", a.Value()) {
		t.emitTokens("--quantization", a.tokens())
		return
	}
	t.dropped(a, true, fmt.Sprintf("SGLang %s has no %s quantization (it detects the method a checkpoint declares)%s",
		t.cat.Version(), a.Value(), t.valueHistory("--quantization", a.Value())))
}

var xlateEnforceEager = switchXlate(
	emitsAs(Translated, "SGLang turns CUDA graphs off with --disable-cuda-graph", em("--disable-cuda-graph")),
	isDefault("vLLM's default; "+whyNoEffect))

func xlateServedModelName(t *translation, a Arg) {
	t.st.servedNames = a.Values
	t.emitTokens("--served-model-name", a.tokens()[:1])
	if len(a.Values) > 1 {
		t.dropped(a, true, fmt.Sprintf("SGLang serves one model name (%s); requests naming %s fail",
			a.Values[0], strings.Join(a.Values[1:], ", ")))
	}
}

// xlateConfigFormat never emits --model-config-parser: SGLang added it in
// 2026 (sglang PR #25050), so older images would refuse it, and SGLang's
// default already reads config.json, or params.json for Mistral models.
var xlateConfigFormat = withValue(func(t *translation, a Arg, v string) {
	switch v {
	case "auto", "hf":
		t.translated(a, "SGLang reads the model's config.json by default")
	case "mistral":
		t.approximated(a, "SGLang reads Mistral's params.json when the model's name looks like a Mistral model")
	default:
		t.dropped(a, true, "SGLang has no "+v+" model config format")
	}
})

func xlateHFToken(t *translation, a Arg) {
	// At start the script has expanded "$HF_TOKEN" into the token itself;
	// it is the environment's token when the values match.
	switch {
	case len(a.Values) == 0:
		t.translated(a, "SGLang uses the cached Hugging Face login or HF_TOKEN too")
	case a.Value() == "$(HF_TOKEN)" || contains(t.opts.EnvNames, "HF_TOKEN") || t.hfTokenFromEnv(a.Value()):
		t.translated(a, "SGLang reads the token from the HF_TOKEN environment variable the container sets")
	default:
		t.dropped(a, true, "SGLang has no --hf-token flag; set the HF_TOKEN environment variable from the same Secret")
	}
}

// hfTokenFromEnv: a command translated as it starts passes the token the
// environment's HF_TOKEN holds, which SGLang reads.
func (t *translation) hfTokenFromEnv(v string) bool {
	env, ok := t.opts.Env["HF_TOKEN"]
	return ok && env != "" && env == v
}

func xlateHFOverrides(t *translation, a Arg) {
	if a.Opaque {
		t.translatedTo(a, "SGLang calls it --json-model-override-args", emission{"--json-model-override-args", a.tokens()})
		return
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(a.Value()), &m); err != nil {
		t.dropped(a, true, "not a JSON object")
		return
	}
	for k, v := range m {
		t.addModelOverride(a, k, v)
	}
}

// modelOverride is a legacy flag that became a key of --hf-overrides.
func modelOverride(key string) xlateFunc {
	return withValue(func(t *translation, a Arg, v string) {
		var parsed any
		if err := json.Unmarshal([]byte(v), &parsed); err != nil {
			t.dropped(a, true, "not valid JSON")
			return
		}
		t.addModelOverride(a, key, parsed)
	})
}

func (t *translation) addModelOverride(a Arg, key string, v any) {
	if t.st.modelOverrides == nil {
		t.st.modelOverrides = map[string]any{}
	}
	t.st.modelOverrides[key] = v
	if !contains(t.st.overrideSources, displayFlag(a)) {
		t.st.overrideSources = append(t.st.overrideSources, displayFlag(a))
		t.st.overrideArgs = append(t.st.overrideArgs, a)
	}
}

var xlateGenerationConfig = withValue(func(t *translation, a Arg, v string) {
	switch v {
	case "auto":
		t.translated(a, "SGLang's default (--sampling-defaults model) also reads the model's generation_config.json")
	case "vllm":
		t.translatedTo(a, "SGLang ignores the model's sampling defaults with --sampling-defaults openai", em("--sampling-defaults", "openai"))
	default:
		t.dropped(a, true, "SGLang cannot read default sampling parameters from another folder")
	}
})

// xlateSleepMode: SGLang releases and resumes GPU memory with its memory
// saver (/release_memory_occupation, /resume_memory_occupation), which
// frees the weights without a copy unless --enable-weights-cpu-backup
// keeps one in CPU memory, as vLLM's level-1 sleep does. The proxy serves
// vLLM's /sleep, /wake_up and /is_sleeping on top of them when vLLM's dev
// mode mounts those (docs/proxy.md).
var xlateSleepMode = switchXlate(
	emitsAs(Approximated, "SGLang's memory saver releases GPU memory through its own endpoints; the proxy serves vLLM's /sleep (level 1), /wake_up and /is_sleeping with them where VLLM_SERVER_DEV_MODE mounts those, and the weights are kept in CPU memory as vLLM's level-1 sleep keeps them",
		em("--enable-memory-saver"), em("--enable-weights-cpu-backup")),
	isDefault("vLLM's default; "+whyNoEffect))

var xlateModelImpl = withValue(func(t *translation, a Arg, v string) {
	switch v {
	case "auto":
		t.translated(a, "vLLM's default; "+whyNoEffect)
	case "vllm":
		t.translatedTo(a, "SGLang's native implementation is called sglang", em("--model-impl", "sglang"))
	case "transformers":
		t.emit("--model-impl", "transformers")
	default:
		t.dropped(a, true, "SGLang has no "+v+" model implementation")
	}
})

func xlateLoadFormat(t *translation, a Arg) {
	if a.Value() == "mistral" {
		// Older SGLang releases refuse the value; newer ones detect
		// params.json + consolidated*.safetensors checkpoints themselves.
		t.approximated(a, "SGLang detects Mistral-format checkpoints itself (older releases lack --load-format mistral)")
		return
	}
	if a.Opaque || t.accepts("--load-format", a.Value()) {
		t.emitTokens("--load-format", a.tokens())
		return
	}
	t.dropped(a, true, "SGLang "+t.cat.Version().String()+" cannot load "+a.Value()+" checkpoints"+
		t.valueHistory("--load-format", a.Value()))
}

var xlateSafetensorsStrategy = withValue(func(t *translation, a Arg, v string) {
	if v == "prefetch" {
		t.approximatedTo(a, "SGLang prefetches checkpoint files with --weight-loader-prefetch-checkpoints", em("--weight-loader-prefetch-checkpoints"))
		return
	}
	t.dropped(a, false, whyTuning)
})

func xlateExecutorBackend(t *translation, a Arg) {
	switch a.Value() {
	case "mp", "uni":
		t.translated(a, "SGLang runs its tensor-parallel workers as local processes too")
	case "ray":
		t.rejected(a, "Ray: "+whyMultiNode)
	default:
		t.rejected(a, "SGLang cannot be started by an external launcher")
	}
}

func xlateTensorParallel(t *translation, a Arg) {
	if n, ok := parseInt(a.Value()); ok && n > 0 {
		t.st.tp = int(n)
	} else {
		t.st.tp = 0
	}
	t.translatedTo(a, "SGLang calls it --tp-size", emission{"--tp-size", a.tokens()})
}

func xlateDPSizeLocal(t *translation, a Arg) {
	if dpLocal(a, t.inv) == "" {
		t.translated(a, "every data-parallel rank runs in this pod, as SGLang's --dp-size does")
		return
	}
	t.rejected(a, whyMultiNode)
}

var xlateExpertParallel = switchXlate(func(t *translation, a Arg) {
	tp := token{text: "1"}
	if arg, ok := t.inv.Flag("--tensor-parallel-size"); ok && len(arg.Values) > 0 {
		tp = arg.tokens()[len(arg.Values)-1]
	}
	t.approximated(a, "SGLang shards experts over the tensor-parallel ranks with --ep-size",
		t.emitAll(emission{"--ep-size", []token{tp}})...)
}, isDefault("vLLM's default; "+whyNoEffect))

var all2allBackends = map[string][]emission{
	"deepep_high_throughput":      {em("--moe-a2a-backend", "deepep"), em("--deepep-mode", "normal")},
	"deepep_low_latency":          {em("--moe-a2a-backend", "deepep"), em("--deepep-mode", "low_latency")},
	"deepep_v2":                   {em("--moe-a2a-backend", "deepep_v2")},
	"mori_high_throughput":        {em("--moe-a2a-backend", "mori")},
	"mori_low_latency":            {em("--moe-a2a-backend", "mori")},
	"nixl_ep":                     {em("--moe-a2a-backend", "nixl")},
	"pplx":                        {em("--moe-a2a-backend", "pplx")},
	"flashinfer_all2allv":         {em("--moe-a2a-backend", "flashinfer")},
	"flashinfer_nvlink_two_sided": {em("--moe-a2a-backend", "flashinfer")},
	"flashinfer_nvlink_one_sided": {em("--moe-a2a-backend", "flashinfer")},
}

var xlateAll2All = withValue(func(t *translation, a Arg, v string) {
	if v == "naive" || v == "allgather_reducescatter" {
		t.translated(a, "SGLang's default MoE communication (no all-to-all backend)")
		return
	}
	es, ok := all2allBackends[v]
	if !ok {
		t.dropped(a, false, "SGLang has no "+v+" all-to-all backend; "+whyTuning)
		return
	}
	t.approximatedTo(a, "SGLang's all-to-all backend for "+v, es...)
})

var xlateEPLBConfig = withValue(func(t *translation, a Arg, v string) {
	var cfg map[string]any
	if json.Unmarshal([]byte(v), &cfg) != nil {
		t.dropped(a, false, "not a JSON object")
		return
	}
	var es []emission
	if n, ok := jsonInt(cfg["num_redundant_experts"]); ok {
		es = append(es, em("--ep-num-redundant-experts", itoa(n)))
	}
	if n, ok := jsonInt(cfg["step_interval"]); ok {
		es = append(es, em("--eplb-rebalance-num-iterations", itoa(n)))
	}
	t.approximatedTo(a, "SGLang keeps the redundant expert count and rebalance interval; other EPLB settings are its own", es...)
})

func jsonInt(v any) (int64, bool) {
	f, ok := v.(float64)
	if !ok || f != math.Trunc(f) {
		return 0, false
	}
	return int64(f), true
}

func xlateGPUMemory(t *translation, a Arg) {
	t.st.gpuUtilSet = true
	switch t.gpu.mode {
	case GPUMemoryOmit:
		t.approximated(a, "the profile lets SGLang size its static memory (weights and KV cache) itself")
		return
	case GPUMemoryFixed:
		t.approximated(a, "the profile sets --mem-fraction-static "+t.gpu.fixed, "--mem-fraction-static", t.gpu.fixed)
		return
	}
	u, err := strconv.ParseFloat(a.Value(), 64)
	if a.Opaque || err != nil || u <= 0 || u > 1 {
		t.approximated(a, "not a fraction the webhook can read; SGLang sizes its static memory itself")
		return
	}
	f := t.gpu.memFraction(u)
	emitted, aiter := t.memFractionFor(f)
	t.approximatedTo(a, fmt.Sprintf("SGLang's --mem-fraction-static covers weights and KV cache only: %s = clamp(%s - %s, 0.30, 0.88)%s",
		strconv.FormatFloat(f, 'f', 2, 64), a.Value(), fraction(t.gpu.offset), aiter), em("--mem-fraction-static", strconv.FormatFloat(emitted, 'f', 2, 64)))
}

var kvCacheDtypes = map[string]string{
	"fp8": "fp8_e4m3", "fp8_e4m3": "fp8_e4m3", "fp8_e5m2": "fp8_e5m2",
	"bfloat16": "bfloat16", "nvfp4": "nvfp4",
}

var xlateKVCacheDtype = withValue(func(t *translation, a Arg, v string) {
	if v == "auto" {
		t.translated(a, "vLLM's default; "+whyNoEffect)
		return
	}
	to, ok := kvCacheDtypes[v]
	if !ok {
		t.dropped(a, true, "SGLang has no "+v+" KV cache; it uses the model's dtype and the KV capacity changes")
		return
	}
	if to == v {
		t.emit("--kv-cache-dtype", v)
		return
	}
	t.translatedTo(a, "SGLang's name for "+v+" is "+to, em("--kv-cache-dtype", to))
})

var xlateNumGPUBlocks = withValue(func(t *translation, a Arg, v string) {
	blocks, ok := parseInt(v)
	if !ok {
		t.dropped(a, true, "not a block count")
		return
	}
	size := int64(defaultBlockSize)
	if b, ok := t.inv.Flag("--block-size"); ok {
		if n, ok := parseInt(b.Value()); ok {
			size = n
		}
	}
	t.approximatedTo(a, fmt.Sprintf("SGLang caps its KV pool in tokens: %d blocks of %d tokens", blocks, size),
		em("--max-total-tokens", itoa(blocks*size)))
})

var xlatePrefixCaching = switchXlate(
	isDefault("SGLang's radix cache reuses prefixes by default"),
	emitsAs(Translated, "SGLang turns prefix caching off with --disable-radix-cache", em("--disable-radix-cache")))

func xlateMambaDtype(wholeCache bool) xlateFunc {
	return withValue(func(t *translation, a Arg, v string) {
		switch {
		case v == "auto":
			t.translated(a, "vLLM's default; "+whyNoEffect)
		case !contains([]string{"float32", "bfloat16", "float16"}, v):
			t.dropped(a, true, "SGLang has no "+v+" Mamba state dtype")
		case wholeCache:
			t.approximatedTo(a, "SGLang sets the Mamba SSM state dtype only", em("--mamba-ssm-dtype", v))
		default:
			t.translatedTo(a, "SGLang calls it --mamba-ssm-dtype", em("--mamba-ssm-dtype", v))
		}
	})
}

var xlateCPUOffload = withValue(func(t *translation, a Arg, v string) {
	f, err := strconv.ParseFloat(v, 64)
	switch {
	case err != nil || f < 0:
		t.dropped(a, true, "not a size in GiB")
	case f == 0:
		t.translated(a, "vLLM's default; "+whyNoEffect)
	case f == math.Trunc(f):
		t.emit("--cpu-offload-gb", itoa(int64(f)))
	default:
		t.approximatedTo(a, "SGLang takes whole GiB", em("--cpu-offload-gb", itoa(int64(math.Ceil(f)))))
	}
})

var xlateLimitMM = withValue(func(t *translation, a Arg, v string) {
	limits, err := parseMMLimits(v)
	if err != nil {
		t.dropped(a, true, err.Error())
		return
	}
	b, _ := json.Marshal(limits)
	t.translatedTo(a, "SGLang calls it --limit-mm-data-per-request (counts per modality)", em("--limit-mm-data-per-request", string(b)))
})

// parseMMLimits reads {"image": 2}, {"image": {"count": 2, ...}} or the
// legacy "image=2,video=1" into counts per modality.
func parseMMLimits(v string) (map[string]int64, error) {
	out := map[string]int64{}
	var m map[string]any
	if json.Unmarshal([]byte(v), &m) != nil {
		for _, kv := range strings.Split(v, ",") {
			k, n, ok := strings.Cut(kv, "=")
			c, isInt := parseInt(n)
			if !ok || !isInt {
				return nil, fmt.Errorf("%q is not a per-modality limit", v)
			}
			out[strings.TrimSpace(k)] = c
		}
		return out, nil
	}
	for k, x := range m {
		if obj, ok := x.(map[string]any); ok {
			x = obj["count"]
		}
		c, ok := jsonInt(x)
		if !ok {
			return nil, fmt.Errorf("the %s limit has no count", k)
		}
		out[k] = c
	}
	return out, nil
}

var xlateMMCache = withValue(func(t *translation, a Arg, v string) {
	gib, err := strconv.ParseFloat(v, 64)
	if err != nil || gib < 0 {
		t.dropped(a, false, "not a size in GiB")
		return
	}
	t.approximatedTo(a, "SGLang sizes its multimodal preprocessing cache in MiB",
		em("--mm-preprocess-cache-size-mb", itoa(int64(math.Round(gib*1024)))))
})

var xlateDisableMMCache = switchXlate(
	emitsAs(Approximated, "SGLang turns its multimodal preprocessing cache off with size 0", em("--mm-preprocess-cache-size-mb", "0")),
	isDefault("vLLM's default; "+whyNoEffect))

var xlateEncoderTPMode = withValue(func(t *translation, a Arg, v string) {
	switch v {
	case "weights":
		t.translated(a, "vLLM's default; "+whyNoEffect)
	case "data":
		t.translatedTo(a, "SGLang runs the encoder data-parallel with --mm-enable-dp-encoder", em("--mm-enable-dp-encoder"))
	default:
		t.dropped(a, false, whyTuning)
	}
})

var xlateOTLP = withValue(func(t *translation, a Arg, v string) {
	hostPort := v
	if _, rest, ok := strings.Cut(v, "://"); ok {
		hostPort = rest
	}
	hostPort, _, _ = strings.Cut(hostPort, "/")
	t.approximatedTo(a, "SGLang exports request traces to host:port with --enable-trace",
		em("--enable-trace"), em("--otlp-traces-endpoint", hostPort))
})

var xlateSchedulingPolicy = withValue(func(t *translation, a Arg, v string) {
	switch v {
	case "fcfs":
		t.emit("--schedule-policy", "fcfs")
	case "priority":
		t.translatedTo(a, "SGLang serves higher priority values first unless --schedule-low-priority-values-first; vLLM serves lower values first",
			em("--enable-priority-scheduling"), em("--schedule-low-priority-values-first"))
	default:
		t.dropped(a, true, "SGLang has no "+v+" scheduling policy")
	}
})

var xlateChunkedPrefill = switchXlate(
	isDefault("SGLang chunks long prefills by default"),
	func(t *translation, a Arg) {
		t.st.chunkedOff = true
		t.translatedTo(a, "SGLang turns chunked prefill off with --chunked-prefill-size -1", em("--chunked-prefill-size", "-1"))
	})

var xlateHybridKV = switchXlate(
	emitsAs(Approximated, "SGLang's nearest switch is --disable-hybrid-swa-memory", em("--disable-hybrid-swa-memory")),
	isDefault("vLLM's default; "+whyNoEffect))

var xlateAsyncScheduling = switchXlate(
	isDefault("SGLang overlaps scheduling with the GPU by default"),
	emitsAs(Translated, "SGLang turns overlap scheduling off with --disable-overlap-schedule", em("--disable-overlap-schedule")))

func xlateStreamInterval(t *translation, a Arg) {
	t.st.streamSet = true
	t.emitTokens("--stream-interval", a.tokens())
}

var xlateFlashinferAutotune = switchXlate(
	isDefault("SGLang autotunes FlashInfer kernels by default"),
	emitsAs(Translated, "SGLang turns it off with --disable-flashinfer-autotune", em("--disable-flashinfer-autotune")))

func xlateKVTransfer(t *translation, a Arg) {
	var cfg map[string]any
	if a.Opaque || json.Unmarshal([]byte(a.Value()), &cfg) != nil {
		t.rejected(a, "the KV transfer setup cannot be read; "+whyDisagg)
		return
	}
	if cfg["kv_role"] == "kv_both" {
		t.dropped(a, false, fmt.Sprintf("KV cache offloading through %v is not carried over; SGLang keeps its KV cache on the GPU", cfg["kv_connector"]))
		return
	}
	t.rejected(a, "prefill/decode disaggregation: "+whyDisagg)
}

var grammarBackends = map[string]string{"xgrammar": "xgrammar", "guidance": "llguidance", "outlines": "outlines"}

var xlateStructuredOutputs = withValue(func(t *translation, a Arg, v string) {
	var cfg map[string]any
	if json.Unmarshal([]byte(v), &cfg) != nil {
		t.dropped(a, true, "not a JSON object")
		return
	}
	var es []emission
	if b, ok := cfg["backend"].(string); ok {
		if to, ok := grammarBackends[b]; ok {
			es = append(es, em("--grammar-backend", to))
		}
	}
	if cfg["disable_any_whitespace"] == true {
		es = append(es, em("--constrained-json-disable-any-whitespace"))
	}
	if p, ok := cfg["reasoning_parser"].(string); ok {
		if to, why := t.parserName(reasoningParserTable, p); why == "" {
			es = append(es, em("--reasoning-parser", to))
		}
	}
	t.approximatedTo(a, "SGLang keeps the grammar backend, whitespace and reasoning parser settings; the others are its own", es...)
})

var xlateGuidedBackend = withValue(func(t *translation, a Arg, v string) {
	name, opts, _ := strings.Cut(v, ":")
	var es []emission
	if to, ok := grammarBackends[name]; ok {
		es = append(es, em("--grammar-backend", to))
	} else if name != "auto" {
		t.dropped(a, true, "SGLang has no "+name+" grammar backend")
		return
	}
	if strings.Contains(opts, "disable-any-whitespace") {
		es = append(es, em("--constrained-json-disable-any-whitespace"))
	}
	t.translatedTo(a, "SGLang calls it --grammar-backend", es...)
})

var xlateTask = withValue(func(t *translation, a Arg, v string) {
	switch v {
	case "auto", "generate":
		t.translated(a, "SGLang serves generative models by default")
	case "embed", "embedding":
		t.translatedTo(a, "SGLang serves embedding models with --is-embedding", em("--is-embedding"))
	case "score", "classify", "reward":
		t.approximatedTo(a, "SGLang serves "+v+" models through --is-embedding and the model's architecture", em("--is-embedding"))
	default:
		t.rejected(a, "SGLang cannot serve the "+v+" task")
	}
})

var xlateSchedulerSteps = withValue(func(t *translation, a Arg, v string) {
	if v == "1" {
		t.translated(a, "vLLM's default; "+whyNoEffect)
		return
	}
	t.approximatedTo(a, "SGLang's nearest setting runs several decode steps per scheduling round", em("--num-continuous-decode-steps", v))
})

var xlateDevice = withValue(func(t *translation, a Arg, v string) {
	switch v {
	case "auto", "cuda":
		t.translated(a, "SGLang uses the GPU by default")
	case "cpu", "xpu", "hpu":
		t.emit("--device", v)
	default:
		t.rejected(a, "SGLang does not run on "+v)
	}
})

// xlateDeviceIDs: vLLM takes a list of GPU indexes (or UUIDs); SGLang takes
// the first index and a step between the indexes its ranks use.
var xlateDeviceIDs = withValue(func(t *translation, a Arg, v string) {
	first, step, ok := gpuSequence(v)
	if !ok {
		t.dropped(a, true, "SGLang selects GPUs by a first index and a step (--base-gpu-id, --gpu-id-step); "+
			"these device IDs are not such a sequence, so SGLang may use other GPUs")
		return
	}
	es := []emission{em("--base-gpu-id", itoa(first))}
	if step != 1 {
		es = append(es, em("--gpu-id-step", itoa(step)))
	}
	t.translatedTo(a, "SGLang selects GPUs by a first index and a step", es...)
})

// gpuSequence reads comma-separated GPU indexes that are evenly spaced and
// increasing: the only lists SGLang's --base-gpu-id and --gpu-id-step express.
func gpuSequence(v string) (first, step int64, ok bool) {
	parts := strings.Split(v, ",")
	ids := make([]int64, 0, len(parts))
	for _, p := range parts {
		n, ok := parseInt(p)
		if !ok || n < 0 {
			return 0, 0, false
		}
		ids = append(ids, n)
	}
	step = 1
	if len(ids) > 1 {
		step = ids[1] - ids[0]
	}
	for i := 1; i < len(ids); i++ {
		if step < 1 || ids[i]-ids[i-1] != step {
			return 0, 0, false
		}
	}
	return ids[0], step, true
}

// xlateMaxQueuedReqs: vLLM caps the requests in flight (waiting and
// running) across the API server's data-parallel ranks; SGLang caps each
// scheduler's waiting queue. With --max-num-seqs known the running slots
// are subtracted, and the rest is shared among the data-parallel ranks.
var xlateMaxQueuedReqs = withValue(func(t *translation, a Arg, v string) {
	if v == "" || v == "None" {
		t.translated(a, "no limit, vLLM's default; "+whyNoEffect)
		return
	}
	n, ok := parseInt(v)
	if !ok || n < 1 {
		t.dropped(a, true, "SGLang's --max-queued-requests needs at least one request; vLLM would refuse every request")
		return
	}
	dp := int64(1)
	if d, ok := t.inv.Flag("--data-parallel-size"); ok {
		if m, ok := parseInt(d.Value()); ok && m > 0 {
			dp = m
		}
	}
	waiting, reason := n, "SGLang caps each scheduler's waiting requests, not the waiting and running ones (looser)"
	if s, ok := t.inv.Flag("--max-num-seqs"); ok {
		if seqs, ok := parseInt(s.Value()); ok && seqs > 0 {
			waiting, reason = n-dp*seqs, "SGLang caps each scheduler's waiting requests: the running slots (--max-num-seqs) are subtracted"
		}
	}
	waiting = max(waiting/dp, 1)
	t.approximatedTo(a, reason, em("--max-queued-requests", itoa(waiting)))
})

// xlateKDAPrefill: SGLang selects the KDA (and GDN) prefill kernel with
// --linear-attn-prefill-backend.
var xlateKDAPrefill = withValue(func(t *translation, a Arg, v string) {
	if v == "auto" {
		t.translated(a, "vLLM's default; SGLang picks the KDA prefill kernel itself")
		return
	}
	if !t.accepts("--linear-attn-prefill-backend", v) {
		t.dropped(a, false, "SGLang "+t.cat.Version().String()+" has no "+v+" KDA prefill kernel; "+whyTuning)
		return
	}
	t.translatedTo(a, "SGLang selects the KDA prefill kernel with --linear-attn-prefill-backend", em("--linear-attn-prefill-backend", v))
})
