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
	"errors"
	"regexp"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcome label values of vllm_to_sglang_webhook_pods_total.
const (
	OutcomeRewritten = "rewritten"
	OutcomeSkipped   = "skipped"
	OutcomeDenied    = "denied"
	// OutcomeAudited: the pod was admitted in audit mode, unchanged but for
	// the audit record; vllm_to_sglang_webhook_audits_total says what the
	// webhook would have done.
	OutcomeAudited = "audited"
)

// Reasons a pod is denied: a bounded set, used as a metric label.
const (
	// DenyProfileNotFound: the SGLangProfile the pod asks for does not exist.
	DenyProfileNotFound = "profile-not-found"
	// DenyProfileLookup: the profiles could not be read from the cache.
	DenyProfileLookup = "profile-lookup-failed"
	// DenyNamespaceLookup: the labels of the pod's namespace, which a
	// profile's namespaceSelector reads, could not be read.
	DenyNamespaceLookup = "namespace-lookup-failed"
	// DenyRejectedFlags: the profile says Reject and the pod uses a flag that
	// cannot be translated safely.
	DenyRejectedFlags = "rejected-flags"
	// DenyRewriteFailed: the rewrite returned any other error.
	DenyRewriteFailed = "rewrite-failed"
	// DenyMalformed: the AdmissionReview or the pod in it could not be decoded.
	DenyMalformed = "malformed-request"
	// DenyInternal: the handler panicked (recovered, logged, counted).
	DenyInternal = "internal-error"
)

// Skip reasons the handler decides itself, before the rewrite runs.
const (
	// SkipNotCreate: the request is not a CREATE (the webhook configuration
	// only sends CREATE; anything else is allowed unchanged).
	SkipNotCreate = "not-create"
)

const (
	metricsNamespace = "vllm_to_sglang"
	metricsSubsystem = "webhook"
	// otherFlag is the flag label once maxFlagLabels distinct flags were
	// seen, or for a flag that does not look like one: pods are user input and
	// must not grow the series count without bound.
	otherFlag     = "other"
	maxFlagLabels = 200
)

// flagLabelPattern is what a vLLM flag in canonical long form looks like.
var flagLabelPattern = regexp.MustCompile(`^--[a-z0-9][a-z0-9-]{0,62}$`)

// Metrics are the webhook's own Prometheus series, next to controller-runtime's
// controller_runtime_webhook_* ones.
type Metrics struct {
	pods     *prometheus.CounterVec
	audits   *prometheus.CounterVec
	warnings *prometheus.CounterVec
	duration *prometheus.HistogramVec

	mu    sync.Mutex
	flags map[string]struct{}
}

// NewMetrics creates the series and registers them with reg. Registering twice
// with the same registry (several managers in one test process) reuses the
// series already there.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		pods: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem, Name: "pods_total",
			Help: "Pod admission requests handled, by outcome (rewritten, skipped, denied) and reason (empty for rewritten).",
		}, []string{"outcome", "reason"}),
		audits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem, Name: "audits_total",
			Help: "Pods admitted in audit mode (namespace or pod labelled vllm-to-sglang.io/rewrite=audit), by what the webhook would have done: decision (rewrite, skip, deny) and reason (the skip or denial reason; translate-at-start for a rewrite translated at start; empty otherwise).",
		}, []string{"decision", "reason"}),
		warnings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem, Name: "flag_warnings_total",
			Help: "vLLM flags reported as admission warnings, by flag and action (dropped, approximated).",
		}, []string{"flag", "action"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: metricsNamespace, Subsystem: metricsSubsystem, Name: "request_duration_seconds",
			Help:    "Time spent handling one pod admission request (decode, rewrite, patch), by outcome.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}, []string{"outcome"}),
		flags: map[string]struct{}{},
	}
	var err error
	if m.pods, err = register(reg, m.pods); err != nil {
		return nil, err
	}
	if m.audits, err = register(reg, m.audits); err != nil {
		return nil, err
	}
	if m.warnings, err = register(reg, m.warnings); err != nil {
		return nil, err
	}
	if m.duration, err = register(reg, m.duration); err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c, or returns the collector already registered under the
// same descriptor.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var already prometheus.AlreadyRegisteredError
	if errors.As(err, &already) {
		if existing, ok := already.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, err
}

// observe records one handled request. An audited one counts in pods_total
// as audited (reason empty) and in audits_total by its decision; its flag
// warnings are not counted (no flag was dropped).
func (m *Metrics) observe(o *outcome, took time.Duration) {
	m.duration.WithLabelValues(o.kind).Observe(took.Seconds())
	if o.kind == OutcomeAudited {
		m.pods.WithLabelValues(OutcomeAudited, "").Inc()
		m.audits.WithLabelValues(string(o.decision), o.reason).Inc()
		return
	}
	m.pods.WithLabelValues(o.kind, o.reason).Inc()
	for _, w := range o.flagWarnings {
		m.warnings.WithLabelValues(m.flagLabel(w.flag), w.action).Inc()
	}
}

// flagLabel bounds the flag label's cardinality.
func (m *Metrics) flagLabel(flag string) string {
	if !flagLabelPattern.MatchString(flag) {
		return otherFlag
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.flags[flag]; ok {
		return flag
	}
	if len(m.flags) >= maxFlagLabels {
		return otherFlag
	}
	m.flags[flag] = struct{}{}
	return flag
}
