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

package webhook

import (
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

func TestMetricNamesPassPrometheusLint(t *testing.T) {
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	m.observe(&outcome{kind: OutcomeRewritten, flagWarnings: []flagWarning{{"--block-size", "dropped"}}}, time.Millisecond)
	m.observe(&outcome{kind: OutcomeAudited, decision: rewrite.DecisionSkip, reason: string(rewrite.SkipNoProfile)}, time.Millisecond)
	for _, c := range []prometheus.Collector{m.pods, m.audits, m.warnings, m.duration} {
		problems, err := testutil.CollectAndLint(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", p.Metric, p.Text)
		}
	}
}

func TestFlagLabelCardinalityIsBounded(t *testing.T) {
	cases := map[string]struct {
		seen []string // flags counted before
		flag string
		want string
	}{
		"a flag is its own label":                       {flag: "--block-size", want: "--block-size"},
		"something that is not a flag becomes other":    {flag: "meta-llama/Llama-3.1-8B", want: otherFlag},
		"an absurdly long flag becomes other":           {flag: "--" + string(make([]byte, 100)), want: otherFlag},
		"a new flag past the cap becomes other":         {seen: manyFlags(maxFlagLabels), flag: "--one-too-many", want: otherFlag},
		"a flag seen before the cap keeps its own name": {seen: manyFlags(maxFlagLabels), flag: "--flag-7", want: "--flag-7"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := NewMetrics(prometheus.NewRegistry())
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range tc.seen {
				m.flagLabel(f)
			}
			if got := m.flagLabel(tc.flag); got != tc.want {
				t.Errorf("flagLabel(%q) = %q, want %q", tc.flag, got, tc.want)
			}
		})
	}
}

func manyFlags(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("--flag-%d", i)
	}
	return out
}

func TestRegisteringTwiceSharesTheSeries(t *testing.T) {
	reg := prometheus.NewRegistry()
	first, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	second, err := NewMetrics(reg)
	if err != nil {
		t.Fatalf("second registration: %v", err)
	}
	second.observe(&outcome{kind: OutcomeSkipped, reason: "no-gpu"}, time.Millisecond)
	if got := testutil.ToFloat64(first.pods.WithLabelValues(OutcomeSkipped, "no-gpu")); got != 1 {
		t.Errorf("count seen through the first Metrics = %v, want 1", got)
	}
}
