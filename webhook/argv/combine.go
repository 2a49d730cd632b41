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
	"slices"
	"strconv"
	"strings"
)

// Flags whose translation depends on other flags are recorded during the
// pass over the command and emitted here.

// maxPrefillDefault is SGLang's default --max-prefill-tokens.
const maxPrefillDefault = 16384

func (t *translation) finishMemory() {
	if t.gpu.mode == GPUMemoryFixed {
		t.emit("--mem-fraction-static", t.gpu.fixed)
	}
}

// finishBatchedTokens maps vLLM's per-step token budget: with chunked
// prefill it is SGLang's chunk size (and prefill budget when larger than
// SGLang's default); without, SGLang's prefill batch budget.
func (t *translation) finishBatchedTokens() {
	if a := t.st.batchedTokens; a != nil {
		t.attempt(func() { t.batchedTokens(a) }, *a)
	}
}

func (t *translation) batchedTokens(a *Arg) {
	if a.Opaque {
		t.approximatedTo(*a, "the value is only known at run time; SGLang's nearest setting is the prefill chunk size",
			emission{"--chunked-prefill-size", a.tokens()})
		return
	}
	n, err := parseHumanInt(a.Value())
	if err != nil || n <= 0 {
		t.dropped(*a, true, "not a token count vLLM accepts")
		return
	}
	if t.st.chunkedOff {
		t.approximatedTo(*a, "without chunked prefill SGLang's nearest setting is its prefill batch budget",
			em("--max-prefill-tokens", itoa(n)))
		return
	}
	es := []emission{em("--chunked-prefill-size", itoa(n))}
	if n > maxPrefillDefault {
		es = append(es, em("--max-prefill-tokens", itoa(n)))
	}
	t.approximatedTo(*a, "vLLM budgets prefill and decode tokens per step; SGLang's nearest settings bound the prefill chunk", es...)
}

func (t *translation) finishModelOverrides() {
	if len(t.st.modelOverrides) > 0 {
		t.attempt(t.modelOverrides, t.st.overrideArgs...)
	}
}

func (t *translation) modelOverrides() {
	b, _ := json.Marshal(t.st.modelOverrides)
	e := em("--json-model-override-args", string(b))
	words := t.emitAll(e)
	for _, a := range t.st.overrideArgs {
		t.translated(a, "SGLang takes model config overrides as --json-model-override-args", words...)
	}
}

// finishLoRA: SGLang counts the base model as one of --max-loras-per-batch
// slots, so vLLM's N adapters need N+1; its CPU cache must hold at least that.
func (t *translation) finishLoRA() {
	perBatch := int64(0)
	if a := t.st.maxLoras; a != nil {
		t.attempt(func() { perBatch = t.maxLoras(a) }, *a)
	}
	if a := t.st.maxCPULoras; a != nil {
		t.attempt(func() { t.maxCPULoras(a, perBatch) }, *a)
	}
	t.loraShapes()
}

// xlateEnableLoRA keeps --enable-lora where it is and leaves the LoRA
// limits SGLang also needs to loraShapes, once every flag is known.
func xlateEnableLoRA(t *translation, a Arg) {
	t.emit("--enable-lora")
	t.st.enableLoRA = &a
}

// vLLM's LoRA defaults (vllm/config/lora.py LoRAConfig): max_lora_rank 16,
// and no target_modules limit, so adapters may target any module the
// model supports, which SGLang calls --lora-target-modules all.
const (
	vllmMaxLoRARank    = "16"
	allLoRATargetsWord = "all"
)

// loraShapes: SGLang sizes its LoRA memory pool when it starts, from
// --max-lora-rank and --lora-target-modules or, when they are not set,
// from the adapters of --lora-paths; without either it refuses to start
// ("When no initial --lora-paths is provided, you need to specify both
// --max-lora-rank and --lora-target-modules", server_args.py
// check_lora_server_args). vLLM needs neither: it takes adapters up to
// rank 16 on any module. So when LoRA is on and SGLang has no initial
// adapter, or adapters can be loaded at run time (whose shapes the initial
// ones need not cover), the missing settings get vLLM's values: a guess
// about the adapters to come, hence a warning.
func (t *translation) loraShapes() {
	a := t.st.enableLoRA
	if a == nil {
		return
	}
	emitted := func(flag string) bool {
		return slices.ContainsFunc(t.out, func(e emission) bool { return e.flag == flag })
	}
	runtime := t.opts.RuntimeLoRAUpdating
	if t.opts.Env != nil {
		runtime = RuntimeLoRAUpdating(t.opts.Env[EnvRuntimeLoRAUpdating])
	}
	initial := emitted("--lora-paths")
	var es []emission
	if !initial || runtime {
		if !emitted("--max-lora-rank") {
			es = append(es, em("--max-lora-rank", vllmMaxLoRARank))
		}
		if !emitted("--lora-target-modules") {
			es = append(es, em("--lora-target-modules", allLoRATargetsWord))
		}
	}
	if len(es) == 0 {
		return
	}
	why := "SGLang sizes its LoRA memory pool at start and refuses to start without --lora-paths unless it has both --max-lora-rank and --lora-target-modules"
	if initial {
		why = "adapters loaded at run time (" + EnvRuntimeLoRAUpdating + ") must fit the LoRA memory pool SGLang sizes at start, which it would otherwise size for the --lora-paths adapters only"
	}
	// Every supported release has these flags (webhook/sglang/data).
	words := append([]string{"--enable-lora"}, t.emitAll(es...)...)
	t.approximated(*a, why+"; vLLM takes adapters up to rank 16 on any module it supports, so SGLang gets that (a larger rank needs --max-lora-rank)", words...)
}

// maxLoras returns the --max-loras-per-batch it emitted, or 0.
func (t *translation) maxLoras(a *Arg) int64 {
	n, ok := parseInt(a.Value())
	if !ok || n < 1 {
		t.dropped(*a, true, "not an adapter count")
		return 0
	}
	t.translatedTo(*a, "SGLang counts the base model as a slot: N adapters need --max-loras-per-batch N+1",
		em("--max-loras-per-batch", itoa(n+1)))
	return n + 1
}

func (t *translation) maxCPULoras(a *Arg, perBatch int64) {
	n, ok := parseInt(a.Value())
	switch {
	case !ok || n < 1:
		t.dropped(*a, true, "not an adapter count")
	case n < perBatch:
		t.approximatedTo(*a, "SGLang needs --max-loaded-loras of at least --max-loras-per-batch", em("--max-loaded-loras", itoa(perBatch)))
	default:
		t.translatedTo(*a, "SGLang calls it --max-loaded-loras", em("--max-loaded-loras", itoa(n)))
	}
}

// specState gathers speculative decoding settings: --speculative-config,
// or the legacy flags it replaced, and the --spec-* shorthands that set
// its keys.
type specState struct {
	config       *Arg
	model        *Arg
	numTokens    *Arg
	ngramMax     *Arg
	ngramMin     *Arg
	quantization *Arg // legacy --speculative-model-quantization
	method       *Arg // --spec-method
	shortModel   *Arg // --spec-model
	shortTokens  *Arg // --spec-tokens
}

func recordSpec(field func(*specState) **Arg) xlateFunc {
	return func(t *translation, a Arg) { *field(&t.st.spec) = &a }
}

var xlateSpeculativeConfig = recordSpec(func(s *specState) **Arg { return &s.config })

// specConfig is the part of vLLM's speculative config SGLang can express.
type specConfig struct {
	Method       string      `json:"method"`
	Model        string      `json:"model"`
	NumTokens    json.Number `json:"num_speculative_tokens"`
	Quantization string      `json:"quantization"`
	Revision     string      `json:"revision"`
}

func (t *translation) finishSpeculative() {
	if args := t.st.spec.args(); len(args) > 0 {
		// Speculative decoding only changes speed: a release that lacks a
		// flag it needs runs without it.
		t.attemptAs(false, func() { t.speculative(args) }, args...)
	}
}

func (t *translation) speculative(args []Arg) {
	s := t.st.spec
	cfg, err := s.configFor()
	if err != nil {
		for _, a := range args {
			t.dropped(a, false, err.Error()+"; speculative decoding only changes speed")
		}
		return
	}
	es, why := t.speculativeFlags(cfg)
	if es == nil {
		for _, a := range args {
			t.dropped(a, false, why)
		}
		return
	}
	words := t.emitAll(es...)
	for _, a := range args {
		t.approximated(a, why, words...)
	}
}

func (s specState) args() []Arg {
	var out []Arg
	for _, a := range []*Arg{s.config, s.model, s.numTokens, s.ngramMax, s.ngramMin, s.quantization,
		s.method, s.shortModel, s.shortTokens} {
		if a != nil {
			out = append(out, *a)
		}
	}
	return out
}

// configFor reads --speculative-config, or builds it from the legacy
// flags; the --spec-* shorthands then set their keys, as in vLLM.
func (s specState) configFor() (specConfig, error) {
	cfg, err := s.baseConfig()
	if err != nil {
		return cfg, err
	}
	for _, a := range []*Arg{s.method, s.shortModel, s.shortTokens} {
		if a != nil && a.Opaque {
			return cfg, fmt.Errorf("%s is only known at run time", a.Flag)
		}
	}
	if s.method != nil {
		cfg.Method = s.method.Value()
	}
	if s.shortModel != nil {
		cfg.Model = s.shortModel.Value()
	}
	if s.shortTokens != nil {
		cfg.NumTokens = json.Number(s.shortTokens.Value())
	}
	return cfg, nil
}

func (s specState) baseConfig() (specConfig, error) {
	var cfg specConfig
	if s.config != nil {
		if s.config.Opaque {
			return cfg, fmt.Errorf("the speculative config is only known at run time")
		}
		d := json.NewDecoder(strings.NewReader(s.config.Value()))
		d.UseNumber()
		if err := d.Decode(&cfg); err != nil {
			return cfg, fmt.Errorf("the speculative config is not valid JSON")
		}
		return cfg, nil
	}
	if s.model != nil {
		cfg.Model = s.model.Value()
	}
	if s.numTokens != nil {
		cfg.NumTokens = json.Number(s.numTokens.Value())
	}
	if s.quantization != nil {
		cfg.Quantization = s.quantization.Value()
	}
	if cfg.Model == "[ngram]" || (cfg.Model == "" && (s.ngramMax != nil || s.ngramMin != nil)) {
		cfg.Method, cfg.Model = "ngram", ""
	}
	return cfg, nil
}

// speculativeFlags maps a speculative config to SGLang's flags; nil flags
// with a reason when SGLang cannot run the method.
func (t *translation) speculativeFlags(cfg specConfig) ([]emission, string) {
	algo, ok := specAlgorithm(cfg)
	if !ok && cfg.Method == "" {
		return nil, "no speculative method or draft model is given (vLLM may take one from the model); speculative decoding only changes speed"
	}
	if !ok {
		return nil, fmt.Sprintf("SGLang has no %s speculative decoding; speculative decoding only changes speed", cfg.Method)
	}
	es := []emission{em("--speculative-algorithm", algo)}
	if cfg.Model != "" && algo != "NEXTN" {
		es = append(es, em("--speculative-draft-model-path", cfg.Model))
	}
	if k, err := strconv.Atoi(cfg.NumTokens.String()); err == nil && k > 0 {
		es = append(es, em("--speculative-num-steps", strconv.Itoa(k)),
			em("--speculative-eagle-topk", "1"),
			em("--speculative-num-draft-tokens", strconv.Itoa(k+1)))
	}
	if cfg.Quantization != "" && t.accepts("--speculative-draft-model-quantization", cfg.Quantization) {
		es = append(es, em("--speculative-draft-model-quantization", cfg.Quantization))
	}
	if cfg.Revision != "" {
		es = append(es, em("--speculative-draft-model-revision", cfg.Revision))
	}
	return es, "SGLang drafts a chain of k tokens as " + algo + "; the other speculative settings are its own"
}

func specAlgorithm(cfg specConfig) (string, bool) {
	m := strings.ToLower(cfg.Method)
	switch {
	case m == "eagle":
		return "EAGLE", true
	case m == "eagle3":
		return "EAGLE3", true
	case m == "ngram":
		return "NGRAM", true
	case m == "mtp" || strings.HasSuffix(m, "_mtp"):
		return "NEXTN", true
	case m == "draft_model", m == "" && cfg.Model != "":
		return legacyAlgorithm(cfg.Model), true
	}
	return "", false
}

// legacyAlgorithm guesses the method from a draft model's name, as vLLM
// did before the method key existed.
func legacyAlgorithm(model string) string {
	lower := strings.ToLower(model)
	switch {
	case strings.Contains(lower, "eagle3"):
		return "EAGLE3"
	case strings.Contains(lower, "eagle"):
		return "EAGLE"
	}
	return "STANDALONE"
}
