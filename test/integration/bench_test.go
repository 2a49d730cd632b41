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
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
)

// benchRun numbers the benchmark's invocations so pod names never repeat.
var benchRun atomic.Int64

// tp8Fixture is the production-stack chart's tensor-parallel-8 Devstral pod.
const tp8Fixture = "production-stack-helm-tp8-devstral-tools"

// noopPath serves a mutating webhook that allows every pod unchanged and
// keeps the first AdmissionReview it gets: what any webhook costs the API
// server, and a real request to measure our handler on.
const noopPath = "/it-noop"

// recordingNoop is that webhook.
type recordingNoop struct {
	calls  atomic.Int64
	mu     sync.Mutex
	review []byte // the first request body with a pod
	inner  http.Handler
}

func newRecordingNoop() *recordingNoop {
	allow := admission.HandlerFunc(func(_ context.Context, _ admission.Request) admission.Response {
		return admission.Allowed("")
	})
	return &recordingNoop{inner: &admission.Webhook{Handler: allow}}
}

func (n *recordingNoop) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	n.calls.Add(1)
	n.mu.Lock()
	if n.review == nil && bytes.Contains(body, []byte(`"vllm"`)) {
		n.review = body
	}
	n.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	n.inner.ServeHTTP(w, r)
}

func (n *recordingNoop) recorded() []byte {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.review
}

// installNoop installs the no-op webhook for namespaces labelled
// it.example.com/noop=on and returns such a namespace.
func installNoop(b *testing.B, n *recordingNoop) string {
	const label = "it.example.com/noop"
	installMutator(b, "zz-it-noop", noopPath, label, func(*corev1.Pod) error {
		if n.calls.Load() == 0 {
			return errors.New("the no-op webhook was not called yet")
		}
		return nil
	})
	return newNamespace(b, map[string]string{label: "on"})
}

// BenchmarkPodCreation measures pod creations per second through the real
// API server for the tp=8 production-stack pod: without any webhook (a plain
// namespace), with ours (an opted-in namespace, where it is rewritten) and
// with a webhook that allows it unchanged (the API server's own cost of a
// webhook call), in one run, and reports the ratios. To tell the webhook
// round trip from the cost of storing a bigger pod, it also creates the
// already-rewritten pod (the golden) directly. Phases alternate (ABCD DCBA)
// so drift in etcd or the machine's load hits every side alike. It prints
// figures and asserts nothing about them.
//
//	make bench-webhook   (or: go test -run '^$' -bench PodCreation -benchtime 300x ./test/integration/)
func BenchmarkPodCreation(b *testing.B) {
	noop := newRecordingNoop()
	startWebhook(b, withExtraHandler(noopPath, noop))
	ensureRuntimeClass(b, "nvidia")
	input := podTemplates(b, fixture(tp8Fixture+".yaml"))[0]
	golden := podTemplates(b, fixture(tp8Fixture+".golden.yaml"))[0]
	plain, hooked, noopNS := newNamespace(b, nil), optedInNamespace(b), installNoop(b, noop)
	run := benchRun.Add(1)
	n := max(1, b.N/2)

	b.ResetTimer()
	var without, with, noopTook, direct time.Duration
	for _, pass := range []string{"a", "b"} {
		phases := []func(){
			func() { without += createPods(b, input, plain, fmt.Sprintf("r%d-in-%s", run, pass), n) },
			func() { with += createPods(b, input, hooked, fmt.Sprintf("r%d-in-%s", run, pass), n) },
			func() { noopTook += createPods(b, input, noopNS, fmt.Sprintf("r%d-in-%s", run, pass), n) },
			func() { direct += createPods(b, golden, plain, fmt.Sprintf("r%d-golden-%s", run, pass), n) },
		}
		if pass == "b" {
			slices.Reverse(phases)
		}
		for _, phase := range phases {
			phase()
		}
	}
	b.StopTimer()

	perSecond := func(d time.Duration) float64 { return float64(2*n) / d.Seconds() }
	b.ReportMetric(perSecond(without), "pods/s-without")
	b.ReportMetric(perSecond(with), "pods/s-with")
	b.ReportMetric(perSecond(with)/perSecond(without), "ratio")
	b.ReportMetric(perSecond(noopTook), "pods/s-noop-webhook")
	b.ReportMetric(perSecond(noopTook)/perSecond(without), "ratio-noop")
	b.ReportMetric(perSecond(direct), "pods/s-rewritten-direct")
	b.ReportMetric(perSecond(with)/perSecond(direct), "ratio-vs-direct")
}

// BenchmarkAdmissionOfARealReview measures our handler, as the webhook
// server runs it (profiles from the manager's informer cache), on the
// AdmissionReview the real API server sends for the tp=8 pod: the pod after
// the API server's defaulting and admission plugins, which is larger than
// the fixture that webhook's own BenchmarkAdmission encodes.
//
//	make bench-webhook
func BenchmarkAdmissionOfARealReview(b *testing.B) {
	noop := newRecordingNoop()
	w := startWebhook(b, withExtraHandler(noopPath, noop))
	ensureRuntimeClass(b, "nvidia")
	input := podTemplates(b, fixture(tp8Fixture+".yaml"))[0]
	ns := installNoop(b, noop)
	if err := suite.cp.Client.Create(b.Context(), input.asPod(ns, "recorded"), client.DryRunAll); err != nil {
		b.Fatal(err)
	}
	body := noop.recorded()
	if body == nil {
		b.Fatal("no AdmissionReview of the tp=8 pod was recorded")
	}
	m, err := webhook.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	h := webhook.NewPodRewriter(w.Manager.GetCache(), framework.GoldenProxyImage, m)
	if resp := post(h, body); !bytes.Contains(resp, []byte(`"patch"`)) {
		b.Fatalf("the recorded pod is not rewritten: %s", resp)
	}
	b.Logf("AdmissionReview of the tp=8 pod from kube-apiserver: %d bytes", len(body))
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			post(h, body)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				post(h, body)
			}
		})
	})
}

// post sends one AdmissionReview to the handler and returns its answer.
func post(h http.Handler, body []byte) []byte {
	req := httptest.NewRequest(http.MethodPost, webhook.MutatePodPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Body.Bytes()
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
				if err := suite.cp.Client.Create(b.Context(), tmpl.asPod(ns, fmt.Sprintf("%s-%d", prefix, i))); err != nil {
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
