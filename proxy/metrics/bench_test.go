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
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
)

var benchInputs = []string{"sglang-single.prom", "sglang-dp2-priority.prom"}

func readTestdata(b *testing.B, name string) string {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		b.Fatal(err)
	}
	return string(raw)
}

// BenchmarkTranslate measures the pure translation of a parsed exposition,
// which runs once per upstream scrape.
func BenchmarkTranslate(b *testing.B) {
	for _, name := range benchInputs {
		b.Run(name, func(b *testing.B) {
			fams := parseText(b, readTestdata(b, name))
			b.ReportAllocs()
			for b.Loop() {
				Translate(fams, Rules)
			}
		})
	}
}

// BenchmarkParse measures reading an upstream exposition, the other half of
// a scrape.
func BenchmarkParse(b *testing.B) {
	for _, name := range benchInputs {
		b.Run(name, func(b *testing.B) {
			text := readTestdata(b, name)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parse(strings.NewReader(text)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkServeCached measures a /metrics request answered from the cache
// (the llm-d scheduler polls every 50 ms): text encoding.
func BenchmarkServeCached(b *testing.B) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, readTestdata(b, "sglang-single.prom"))
	}))
	defer up.Close()
	u, _ := http.NewRequest(http.MethodGet, up.URL, nil)
	h := NewHandler(Options{Upstream: u.URL, CacheTTL: time.Hour, Log: logr.Discard()})
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// manyModels is an SGLang exposition with n distinct model_name values,
// each with the series one served model has in the families the rules read
// most (gauges, counters, a histogram).
func manyModels(n int) string {
	var b strings.Builder
	series := func(family, labels, value string) {
		for i := range n {
			fmt.Fprintf(&b, "%s{engine_type=\"unified\",model_name=\"model-%d\",tp_rank=\"0\"%s} %s\n", family, i, labels, value)
		}
	}
	for _, g := range []string{"sglang:num_running_reqs", "sglang:num_queue_reqs", "sglang:token_usage"} {
		fmt.Fprintf(&b, "# TYPE %s gauge\n", g)
		series(g, "", "1.0")
	}
	b.WriteString("# TYPE sglang:realtime_tokens_total counter\n")
	series("sglang:realtime_tokens_total", `,mode="prefill_cache"`, "10.0")
	series("sglang:realtime_tokens_total", `,mode="prefill_compute"`, "20.0")
	b.WriteString("# TYPE sglang:prompt_tokens_total counter\n")
	series("sglang:prompt_tokens_total", "", "30.0")
	b.WriteString("# TYPE sglang:time_to_first_token_seconds histogram\n")
	for i, le := range []string{"0.1", "0.5", "1.0", "5.0", "+Inf"} {
		series("sglang:time_to_first_token_seconds_bucket", `,le="`+le+`"`, fmt.Sprint(i+1))
	}
	series("sglang:time_to_first_token_seconds_sum", "", "2.5")
	series("sglang:time_to_first_token_seconds_count", "", "5")
	return b.String()
}

// BenchmarkTranslateModels measures a scrape's translation of an exposition
// with N and 8N distinct model_name values (parsing, then translating).
// Linear work shows as a ratio of about 8 between the two.
func BenchmarkTranslateModels(b *testing.B) {
	for _, n := range []int{250, 2000} {
		text := manyModels(n)
		b.Run(fmt.Sprintf("parse/models=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parse(strings.NewReader(text)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("translate/models=%d", n), func(b *testing.B) {
			fams := parseText(b, text)
			b.ReportAllocs()
			for b.Loop() {
				Translate(fams, Rules)
			}
		})
	}
}
