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
	"slices"
	"strconv"
)

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
	if !t.st.apiKeySet && slices.Contains(t.opts.EnvNames, "VLLM_API_KEY") {
		t.emitTokens("--api-key", []token{t.envRef("VLLM_API_KEY")})
	}
}

// envRef refers to a container variable: $(NAME) for the kubelet in an
// exec command, "${NAME}" for the shell in a script.
func (t *translation) envRef(name string) token {
	if t.inv.Shell {
		return token{text: `"${` + name + `}"`, raw: true}
	}
	return token{text: "$(" + name + ")"}
}

// finishServer emits the listen address and the metrics settings every
// rewritten pod needs.
func (t *translation) finishServer() {
	host := t.opts.Host
	if host == "" {
		host = t.st.host
	}
	if host == "" {
		host = "0.0.0.0" // vLLM listens on all interfaces by default
	}
	port := strconv.Itoa(int(t.st.port))
	if t.opts.Port != 0 {
		port = strconv.Itoa(int(t.opts.Port))
	}
	t.emit("--host", host)
	if port != "0" {
		t.emit("--port", port)
	}
	t.emitMetrics()
}

// emitMetrics turns SGLang's /metrics on and gives its histograms vLLM's
// bucket boundaries, so dashboards and alerts keep their quantiles.
func (t *translation) emitMetrics() {
	t.emit("--enable-metrics")
	t.emit("--bucket-time-to-first-token", ttftBuckets...)
	t.emit("--bucket-inter-token-latency", itlBuckets...)
	t.emit("--bucket-e2e-request-latency", e2eBuckets...)
	tokens := append([]string{"custom"}, tokenBuckets(t.st.maxModelLen)...)
	t.emit("--prompt-tokens-buckets", tokens...)
	t.emit("--generation-tokens-buckets", tokens...)
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

// unknownMaxModelLen caps the token buckets when the context length comes
// from the model's config, which the webhook cannot read.
const unknownMaxModelLen = 1_000_000

// tokenBuckets is vLLM's 1-2-5 series up to the model's context length.
func tokenBuckets(maxLen int64) []string {
	if maxLen <= 0 {
		maxLen = unknownMaxModelLen
	}
	var out []string
	for scale := int64(1); ; scale *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if m*scale > maxLen {
				return out
			}
			out = append(out, strconv.FormatInt(m*scale, 10))
		}
	}
}
