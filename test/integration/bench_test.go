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

package integration

import (
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchRun numbers the benchmark's invocations so pod names never repeat.
var benchRun atomic.Int64

// BenchmarkPodCreation measures pod creations per second through the real
// API server for the tp=8 production-stack pod: without the webhook (a plain
// namespace) and with it (an opted-in namespace, where it is rewritten), in
// one run, and reports their ratio. To tell the webhook round trip from the
// cost of storing a bigger pod, it also creates the already-rewritten pod
// (the golden) directly. Phases alternate (ABCCBA) so drift in etcd or the
// machine's load hits every side alike. It prints figures and asserts
// nothing about them.
//
//	make bench-webhook   (or: go test -run '^$' -bench PodCreation -benchtime 300x ./test/integration/)
func BenchmarkPodCreation(b *testing.B) {
	startWebhook(b)
	ensureRuntimeClass(b, "nvidia")
	const fixture = "production-stack-helm-tp8-devstral-tools"
	input := podTemplates(b, filepath.Join(suite.root, "test", "testdata", fixture+".yaml"))[0]
	golden := podTemplates(b, filepath.Join(suite.root, "test", "testdata", fixture+".golden.yaml"))[0]
	plain, hooked := newNamespace(b, nil), optedInNamespace(b)
	run := benchRun.Add(1)
	n := max(1, b.N/2)

	b.ResetTimer()
	var without, with, direct time.Duration
	without += createPods(b, input, plain, fmt.Sprintf("r%d-in-a", run), n)
	with += createPods(b, input, hooked, fmt.Sprintf("r%d-in-a", run), n)
	direct += createPods(b, golden, plain, fmt.Sprintf("r%d-golden-a", run), n)
	direct += createPods(b, golden, plain, fmt.Sprintf("r%d-golden-b", run), n)
	with += createPods(b, input, hooked, fmt.Sprintf("r%d-in-b", run), n)
	without += createPods(b, input, plain, fmt.Sprintf("r%d-in-b", run), n)
	b.StopTimer()

	perSecond := func(d time.Duration) float64 { return float64(2*n) / d.Seconds() }
	b.ReportMetric(perSecond(without), "pods/s-without")
	b.ReportMetric(perSecond(with), "pods/s-with")
	b.ReportMetric(perSecond(with)/perSecond(without), "ratio")
	b.ReportMetric(perSecond(direct), "pods/s-rewritten-direct")
	b.ReportMetric(perSecond(with)/perSecond(direct), "ratio-vs-direct")
}

// createPods creates n pods of the template with 8 concurrent clients and
// returns how long that took.
func createPods(b *testing.B, tmpl podTemplate, ns, prefix string, n int) time.Duration {
	const workers = 8
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	var mu sync.Mutex
	var failed error
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := suite.client.Create(b.Context(), tmpl.asPod(ns, fmt.Sprintf("%s-%d", prefix, i))); err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	if failed != nil {
		b.Fatalf("creating pods in %s: %v", ns, failed)
	}
	return took
}
