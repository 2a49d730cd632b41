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
