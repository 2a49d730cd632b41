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

package proxy

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/body"
)

// MetricsPrefix starts the name of every metric the proxy itself exports,
// so none can collide with vllm:* or sglang:* series.
const MetricsPrefix = "vllm_to_sglang_proxy_"

// The proxy's own metrics: what it served, changed, refused and failed to
// reach, and its health checks. They are served on /metrics (package
// metrics merges them with SGLang's translated series).

// ownMetrics are the proxy's own series, served on /metrics next to the
// translated upstream ones.
type ownMetrics struct {
	reg            *prometheus.Registry
	requests       *prometheus.CounterVec
	changes        *prometheus.CounterVec
	rejected       *prometheus.CounterVec
	upstreamErrors *prometheus.CounterVec
	healthChecks   *prometheus.CounterVec
	healthUp       prometheus.Gauge
	// limited counts the limits on clients reached (limits.go, conns.go).
	limited *prometheus.CounterVec

	// Label children resolved once: a label lookup hashes the values and
	// takes the vector's lock on every request otherwise.
	requestChildren sync.Map // requestKey -> prometheus.Counter
	changeChildren  sync.Map // [2]string{kind, field} -> prometheus.Counter
}

type requestKey struct {
	route string
	code  int
}

func newOwnMetrics() *ownMetrics {
	reg := prometheus.NewRegistry()
	// Go and process metrics get the prefix too: SGLang's exposition may
	// carry its own process_* series.
	prefixed := prometheus.WrapRegistererWithPrefix(MetricsPrefix, reg)
	prefixed.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &ownMetrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricsPrefix + "requests_total", Help: "Requests served, by route and HTTP status.",
		}, []string{"route", "code"}),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricsPrefix + "body_changes_total",
			Help: "Changes made to request bodies (kind: stripped, renamed, translated, repaired), by request field or schema keyword.",
		}, []string{"kind", "field"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricsPrefix + "requests_rejected_total",
			Help: "Requests answered 400 because SGLang cannot honour a field faithfully.",
		}, []string{"field"}),
		upstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricsPrefix + "upstream_errors_total",
			Help: "Failures talking to the upstream: connect, timeout, broken (before headers), stream (broken mid-stream), canceled (client left).",
		}, []string{"reason"}),
		healthChecks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricsPrefix + "health_checks_total", Help: "Background upstream health checks, by result.",
		}, []string{"result"}),
		healthUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: MetricsPrefix + "upstream_healthy", Help: "1 while /health answers 200, 0 while it answers 503.",
		}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricsPrefix + "limited_total",
			Help: "Limits on clients reached: connections (a connection over --max-connections answered 503 or closed), " +
				"evicted (a waiting connection closed to admit a new one), header_fields (431), " +
				"body_memory (503 over --body-memory-bytes), body_timeout (408).",
		}, []string{"limit"}),
	}
	reg.MustRegister(m.requests, m.changes, m.rejected, m.upstreamErrors, m.healthChecks, m.healthUp, m.limited)
	return m
}

// watch exports the client connections open and the request-body bytes
// held, read when scraped.
func (m *ownMetrics) watch(connections func() int, bodyBytes func() int64) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: MetricsPrefix + "client_connections", Help: "Client connections open (--max-connections).",
		}, func() float64 { return float64(connections()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: MetricsPrefix + "request_body_bytes_held",
			Help: "Bytes of request-body buffers held in memory (--body-memory-bytes).",
		}, func() float64 { return float64(bodyBytes()) }),
	)
}

func (m *ownMetrics) countRequest(route string, code int) {
	k := requestKey{route, code}
	c, ok := m.requestChildren.Load(k)
	if !ok {
		c, _ = m.requestChildren.LoadOrStore(k, m.requests.WithLabelValues(route, strconv.Itoa(code)))
	}
	c.(prometheus.Counter).Inc()
}

func (m *ownMetrics) countChanges(changes []body.Change) {
	for _, ch := range changes {
		k := [2]string{ch.Kind, ch.Field}
		c, ok := m.changeChildren.Load(k)
		if !ok {
			c, _ = m.changeChildren.LoadOrStore(k, m.changes.WithLabelValues(ch.Kind, ch.Field))
		}
		c.(prometheus.Counter).Inc()
	}
}

func (m *ownMetrics) observeHealth(ok, up bool) {
	result := "failure"
	if ok {
		result = "success"
	}
	m.healthChecks.WithLabelValues(result).Inc()
	if up {
		m.healthUp.Set(1)
	} else {
		m.healthUp.Set(0)
	}
}

// instrument counts requests by route and status.
func (s *Server) instrument(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		s.metrics.countRequest(route, sw.code())
	})
}

// statusWriter remembers the status for the request metric. Unwrap keeps
// Flush and the other optional interfaces reachable through
// http.ResponseController.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= http.StatusOK { // 1xx are not final
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
