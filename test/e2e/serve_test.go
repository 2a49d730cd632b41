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

package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/fakesglang"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/proxy/node"
)

// assertServesTheVLLMAPI drives the pod's port the way the vLLM stack's
// users, router and kubelet do.
func assertServesTheVLLMAPI(t *testing.T, pod *localPod, model string) {
	t.Run("the pod's health endpoint turns 200 once SGLang answers its health check", func(t *testing.T) {
		framework.Eventually(t, "the pod's /health to answer 200", func() error {
			code, _, err := framework.HTTPGet(t.Context(), pod.url+"/health")
			if err == nil && code != http.StatusOK {
				err = fmt.Errorf("status %d", code)
			}
			return err
		})
	})
	t.Run("the official openai client lists the model, asks for a tool call with logprobs and streams", func(t *testing.T) {
		assertOpenAIClient(t, pod, model)
	})
	t.Run("the pod's /metrics carries SGLang's numbers under vLLM's names", func(t *testing.T) {
		assertVLLMMetrics(t, pod, model)
	})
	t.Run("the pod's health endpoint answers at once while SGLang's own health check hangs", func(t *testing.T) {
		assertHealthDoesNotWaitForSGLang(t, pod)
	})
}

// assertOpenAIClient runs the openai npm client of test/proxy (the one
// make proxy-node-deps installs) against the pod's port.
func assertOpenAIClient(t *testing.T, pod *localPod, model string) {
	got, err := node.Run(t.Context(), filepath.Join(suite.cp.Root, "test", "proxy", "node"), pod.url)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Models) != 1 || got.Models[0] != model {
		t.Errorf("/v1/models lists %q, want the Deployment's model %q", got.Models, model)
	}
	assertToolCall(t, got, pod.toolCallParser)
	// SGLang was reported to reject logprobs under the mistral parser: the
	// proxy strips them there (and says so), nowhere else.
	for _, problem := range got.LogprobsProblems(pod.toolCallParser == fakesglang.MistralToolCallParser) {
		t.Errorf("%s (--tool-call-parser %q)", problem, pod.toolCallParser)
	}
	if got.StreamText == "" || got.StreamChunks < 2 || got.StreamUsage == nil || got.StreamUsage.TotalTokens == 0 {
		t.Errorf("stream: text %q in %d chunks, usage %+v; want text in several chunks and the usage", got.StreamText, got.StreamChunks, got.StreamUsage)
	}
}

// assertToolCall checks the answer to the client's request with tools: a
// tool call where SGLang runs a tool-call parser, the model's text where it
// runs none (SGLang does not parse tool calls then; neither would vLLM).
func assertToolCall(t *testing.T, got node.Report, parser string) {
	t.Helper()
	if parser == "" {
		if got.ToolName != "" || got.FinishReason != "stop" {
			t.Errorf("tool call %q (finish_reason %q) from SGLang without --tool-call-parser, want the text (stop)", got.ToolName, got.FinishReason)
		}
		return
	}
	if got.ToolName != "get_weather" || got.FinishReason != "tool_calls" {
		t.Errorf("tool call %q (finish_reason %q) with --tool-call-parser %s, want get_weather (tool_calls)", got.ToolName, got.FinishReason, parser)
	}
}

// metricsRead by the production-stack router and llm-d's scheduler
// (docs/metrics.md), plus the latency histograms dashboards plot.
var metricsRead = []string{
	"vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc",
	"vllm:prompt_tokens_total", "vllm:generation_tokens_total",
	"vllm:time_to_first_token_seconds", "vllm:e2e_request_latency_seconds",
}

func assertVLLMMetrics(t *testing.T, pod *localPod, model string) {
	// The proxy caches a scrape for a second (--metrics-cache), so the
	// count of finished requests is polled until it is SGLang's.
	var vllm, sglangFamilies map[string]*dto.MetricFamily
	framework.Eventually(t, "the request count on /metrics to be SGLang's", func() error {
		var err error
		if vllm, err = scrape(t.Context(), pod.url+"/metrics"); err != nil {
			return err
		}
		if sglangFamilies, err = scrape(t.Context(), pod.fakeURL+"/metrics"); err != nil {
			return err
		}
		got, want := histogramCount(vllm["vllm:e2e_request_latency_seconds"]), histogramCount(sglangFamilies["sglang:e2e_request_latency_seconds"])
		if want < 2 || got != want {
			return fmt.Errorf("vllm:e2e_request_latency_seconds counts %d requests, SGLang %d; want SGLang's, at least the client's 2", got, want)
		}
		return nil
	})
	for _, name := range metricsRead {
		f, ok := vllm[name]
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		for _, m := range f.GetMetric() {
			if l := label(m, "model_name"); l != model {
				t.Errorf("%s{model_name=%q}, want the served model %q", name, l, model)
			}
		}
	}
	// vLLM's units: SGLang's token usage is already the 0..1 fraction vLLM
	// reports, never a percentage.
	if got, want := gauge(vllm["vllm:kv_cache_usage_perc"]), gauge(sglangFamilies["sglang:token_usage"]); got != want || got < 0 || got > 1 {
		t.Errorf("vllm:kv_cache_usage_perc = %v, want SGLang's token usage %v as a fraction in 0..1", got, want)
	}
}

func gauge(f *dto.MetricFamily) float64 {
	if len(f.GetMetric()) == 0 {
		return -1
	}
	return f.GetMetric()[0].GetGauge().GetValue()
}

func scrape(ctx context.Context, url string) (map[string]*dto.MetricFamily, error) {
	code, body, err := framework.HTTPGet(ctx, url)
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", url, code)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	families, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", url, err)
	}
	return families, nil
}

func histogramCount(f *dto.MetricFamily) uint64 {
	var n uint64
	for _, m := range f.GetMetric() {
		n += m.GetHistogram().GetSampleCount()
	}
	return n
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// assertHealthDoesNotWaitForSGLang holds SGLang's /health (SGLang's own
// takes a second or more: a one-token generation) and asks the pod's
// /health meanwhile: the kubelet's probe must get its answer while the
// same check is still held, so it cannot have waited for it.
func assertHealthDoesNotWaitForSGLang(t *testing.T, pod *localPod) {
	fake := fakesglang.Control{URL: pod.fakeURL, Client: &http.Client{Timeout: framework.HangGuard}}
	if err := fake.SetHealth(t.Context(), http.StatusOK, 0, true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// t.Context() is done by now.
		ctx := context.Background()
		if err := errors.Join(fake.SetHealth(ctx, http.StatusOK, 0, false), fake.ReleaseHealth(ctx)); err != nil {
			t.Error(err)
		}
	})
	framework.Eventually(t, "a 200 from the pod's /health while one SGLang health check stays held", func() error {
		before, err := fake.State(t.Context())
		if err != nil || before.HealthHeld == 0 {
			return errors.Join(err, errors.New("no SGLang health check held yet"))
		}
		code, _, err := framework.HTTPGet(t.Context(), pod.url+"/health")
		if err != nil {
			return err
		}
		after, err := fake.State(t.Context())
		if err != nil {
			return err
		}
		if after.HealthHeld == 0 || after.HealthChecks != before.HealthChecks {
			return errors.New("the held check ended meanwhile (the proxy's check timeout); asking again")
		}
		if code != http.StatusOK {
			return fmt.Errorf("/health answered %d", code)
		}
		return nil
	})
}
