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

import "strconv"

// finish emits what several flags decide together, the server address,
// metrics and the defaults SGLang needs to behave like vLLM; then the
// profile's extra arguments and unsafe-flag policy.
func (t *translation) finish() error {
	t.finishMemory()
	t.finishBatchedTokens()
	t.finishModelOverrides()
	t.finishSpeculative()
	t.finishLoRA()
	t.finishDefaults()
	t.finishServer()
	if t.err != nil {
		return t.err
	}
	if err := t.applyExtra(); err != nil {
		return err
	}
	t.applyUnsafePolicy()
	return nil
}

// finishDefaults emits SGLang settings whose defaults differ from vLLM's.
func (t *translation) finishDefaults() {
	if !t.st.seedSet {
		// vLLM (V1) seeds its sampler with 0; SGLang picks a random seed.
		t.emit("--random-seed", "0")
	}
	if !t.st.streamSet {
		// One token per stream chunk, like vLLM (older SGLang defaulted to 8).
		t.emit("--stream-interval", "1")
	}
	if !t.st.apiKeySet && t.opts.sets("VLLM_API_KEY") {
		t.emitTokens("--api-key", []token{t.envRef("VLLM_API_KEY")})
	}
}

// envRef refers to a container variable: its value at start, $(NAME) for
// the kubelet in an exec command, "${NAME}" for the shell in a script.
func (t *translation) envRef(name string) token {
	if v, ok := t.opts.Env[name]; ok {
		return token{text: v}
	}
	if t.inv.Shell {
		return token{text: `"${` + name + `}"`, raw: true}
	}
	return token{text: "$(" + name + ")"}
}

// finishServer emits the listen address and the metrics settings every
// rewritten pod needs.
func (t *translation) finishServer() {
	host := token{text: "0.0.0.0"} // vLLM listens on all interfaces by default
	switch {
	case t.opts.Host != "":
		host = token{text: t.opts.Host}
	case t.st.host != nil:
		host = *t.st.host
	}
	port := token{text: strconv.Itoa(int(t.st.port))}
	switch {
	case t.opts.Port != 0:
		port = token{text: strconv.Itoa(int(t.opts.Port))}
	case t.st.portOpaque:
		port = t.st.portToken
	}
	t.emitTokens("--host", []token{host})
	t.emitTokens("--port", []token{port})
	t.emitMetrics()
}

// emitMetrics turns SGLang's /metrics on and gives its histograms vLLM's
// bucket boundaries, so dashboards and alerts keep their quantiles.
func (t *translation) emitMetrics() {
	t.emit("--enable-metrics")
	// Releases before SGLang PR #23595 record the prompt and generation
	// token histograms (vLLM's request_prompt_tokens and
	// request_generation_tokens) only when asked; later ones always do and
	// keep the flag as a deprecated no-op, or drop it.
	if f, ok := t.flag("--collect-tokens-histogram"); ok && !f.Deprecated {
		t.emit("--collect-tokens-histogram")
	}
	t.emitTokens("--bucket-time-to-first-token", ttftTokens)
	t.emitTokens("--bucket-inter-token-latency", itlTokens)
	t.emitTokens("--bucket-e2e-request-latency", e2eTokens)
	tokens := tokenBucketTokens(t.st.maxModelLen)
	t.emitTokens("--prompt-tokens-buckets", tokens)
	t.emitTokens("--generation-tokens-buckets", tokens)
}

// vLLM's histogram buckets (vllm/v1/metrics/loggers.py, buckets.py).
var (
	ttftBuckets = []string{"0.001", "0.005", "0.01", "0.02", "0.04", "0.06", "0.08", "0.1", "0.25", "0.5",
		"0.75", "1.0", "2.5", "5.0", "7.5", "10.0", "20.0", "40.0", "80.0", "160.0", "640.0", "2560.0"}
	itlBuckets = []string{"0.01", "0.025", "0.05", "0.075", "0.1", "0.15", "0.2", "0.3", "0.4", "0.5",
		"0.75", "1.0", "2.5", "5.0", "7.5", "10.0", "20.0", "40.0", "80.0"}
	e2eBuckets = []string{"0.3", "0.5", "0.8", "1.0", "1.5", "2.0", "2.5", "5.0", "10.0", "15.0", "20.0",
		"30.0", "40.0", "50.0", "60.0", "120.0", "240.0", "480.0", "960.0", "1920.0", "7680.0"}
)

// The bucket words as tokens, built once: emissions never modify them.
var ttftTokens, itlTokens, e2eTokens = literalTokens(ttftBuckets), literalTokens(itlBuckets), literalTokens(e2eBuckets)

// unknownMaxModelLen caps the token buckets when the context length comes
// from the model's config, which the webhook cannot read.
const unknownMaxModelLen = 1_000_000

// tokenBuckets is vLLM's 1-2-5 series up to the model's context length.
func tokenBuckets(maxLen int64) []string {
	var out []string
	for scale := int64(1); scale <= maxLen; scale *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if m*scale > maxLen {
				return out
			}
			out = append(out, strconv.FormatInt(m*scale, 10))
		}
	}
	return out
}

// allTokenBuckets is "custom" and the series up to 5e17, built once; a
// context length selects a prefix of it.
var allTokenBuckets = literalTokens(append([]string{"custom"}, tokenBuckets(5e17)...))

func tokenBucketTokens(maxLen int64) []token {
	if maxLen <= 0 {
		maxLen = unknownMaxModelLen
	}
	n := 1 // "custom"
	for n < len(allTokenBuckets) && bucketValue(n-1) <= maxLen {
		n++
	}
	return allTokenBuckets[:n]
}

// bucketValue is the i-th number of the 1-2-5 series (0: 1, 1: 2, 2: 5, 3: 10...).
func bucketValue(i int) int64 {
	v := []int64{1, 2, 5}[i%3]
	for range i / 3 {
		v *= 10
	}
	return v
}
