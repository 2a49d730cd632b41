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
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"golang.org/x/sync/singleflight"
)

// Values of Options.Mode (the proxy's --metrics-mode).
const (
	// ModeTranslate serves SGLang's families plus the vLLM families derived
	// from them.
	ModeTranslate = "translate"
	// ModePassthrough serves SGLang's families unchanged.
	ModePassthrough = "passthrough"
)

// DefaultTimeout bounds one upstream scrape when Options.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// Names of the proxy's own families that this handler writes.
const (
	// UpMetric is 1 when the last scrape of the upstream's /metrics
	// succeeded and 0 otherwise; with 0 no upstream family is served.
	UpMetric = "vllm_to_sglang_proxy_upstream_up"
	// ScrapeDurationMetric is how long the last upstream scrape took.
	ScrapeDurationMetric = "vllm_to_sglang_proxy_upstream_scrape_duration_seconds"
	// ScrapeErrorsMetric counts failed upstream scrapes (not requests).
	ScrapeErrorsMetric = "vllm_to_sglang_proxy_upstream_scrape_errors_total"
)

// Options configure the /metrics handler.
type Options struct {
	// Upstream is SGLang's base URL; the handler scrapes Upstream/metrics.
	Upstream *url.URL
	// Client makes the scrapes; nil means a plain http.Client.
	Client *http.Client
	// Mode is ModeTranslate or ModePassthrough; empty means ModeTranslate.
	Mode string
	// CacheTTL is how long a scrape result (success or failure) is served
	// before the next request scrapes again. Zero still shares one scrape
	// among concurrent requests.
	CacheTTL time.Duration
	// Timeout bounds one scrape; zero means DefaultTimeout.
	Timeout time.Duration
	// Log receives scrape failures and recoveries.
	Log logr.Logger
	// Own gathers the proxy's own metrics, always served; nil means none.
	Own prometheus.Gatherer
}

// Validate reports options NewHandler cannot honour.
func (o Options) Validate() error {
	switch o.Mode {
	case "", ModeTranslate, ModePassthrough:
	default:
		return fmt.Errorf("metrics mode %q: want %q or %q", o.Mode, ModeTranslate, ModePassthrough)
	}
	if o.Upstream == nil || o.Upstream.Host == "" {
		return errors.New("metrics upstream: need an absolute URL such as http://127.0.0.1:8001")
	}
	return nil
}

// NewHandler returns the GET /metrics handler: it scrapes the upstream (one
// scrape in flight, cached for CacheTTL), translates per Mode, and serves the
// result together with Own and the up gauge, with promhttp's content
// negotiation and compression. Options should pass Validate; an unknown
// mode is logged and served as translate.
func NewHandler(o Options) http.Handler {
	if err := o.Validate(); err != nil {
		o.Log.Error(err, "Invalid metrics options; serving what they allow")
	}
	h := &handler{
		opts:      o,
		client:    o.Client,
		timeout:   o.Timeout,
		translate: o.Mode != ModePassthrough,
	}
	if h.client == nil {
		h.client = &http.Client{}
	}
	if h.timeout <= 0 {
		h.timeout = DefaultTimeout
	}
	if o.Upstream != nil {
		h.target = o.Upstream.JoinPath("metrics")
	}
	h.promOpts = promhttp.HandlerOpts{ErrorLog: promLogger{o.Log}, ErrorHandling: promhttp.ContinueOnError}
	return h
}

type handler struct {
	opts      Options
	client    *http.Client
	timeout   time.Duration
	target    *url.URL
	translate bool
	promOpts  promhttp.HandlerOpts

	group  singleflight.Group
	mu     sync.Mutex // guards last and errors
	last   *snapshot
	errors float64

	// joined, when set by a test, runs once a request has joined the scrape
	// in flight.
	joined func()
}

// snapshot is the result of one scrape, ready to serve.
type snapshot struct {
	families []*dto.MetricFamily // upstream part, after translation
	err      error
	at       time.Time // when the scrape ended
	took     time.Duration
	errors   float64 // failed scrapes so far, this one included
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fams, err := h.gather(r.Context())
	if err != nil {
		// The client left while waiting for the shared scrape.
		return
	}
	g := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return fams, nil })
	promhttp.HandlerFor(g, h.promOpts).ServeHTTP(w, r)
}

// gather returns everything one response serves.
func (h *handler) gather(ctx context.Context) ([]*dto.MetricFamily, error) {
	snap, err := h.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return h.merge(h.ownFamilies(), selfFamilies(snap), snap.families), nil
}

// snapshot returns the cached scrape while it is fresh, or waits for the one
// scrape in flight (starting it if needed).
func (h *handler) snapshot(ctx context.Context) (*snapshot, error) {
	h.mu.Lock()
	last := h.last
	h.mu.Unlock()
	if last != nil && time.Since(last.at) < h.opts.CacheTTL {
		return last, nil
	}
	ch := h.group.DoChan("scrape", func() (any, error) { return h.refresh(), nil })
	if h.joined != nil {
		h.joined()
	}
	select {
	case res := <-ch:
		return res.Val.(*snapshot), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for upstream scrape: %w", ctx.Err())
	}
}

// refresh scrapes once and stores the result. It is detached from the
// requests that wait for it, so one impatient client cannot fail the scrape
// for the others.
func (h *handler) refresh() *snapshot {
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	start := time.Now()
	fams, err := h.scrapeUpstream(ctx)
	if err == nil && h.translate {
		fams = Translate(fams, Rules)
	}
	s := &snapshot{families: fams, err: err, at: time.Now(), took: time.Since(start)}
	h.store(s)
	return s
}

func (h *handler) scrapeUpstream(ctx context.Context) ([]*dto.MetricFamily, error) {
	if h.target == nil {
		return nil, errors.New("no upstream configured")
	}
	return scrape(ctx, h.client, h.target)
}

// store keeps s as the cached scrape and logs changes of upstream state:
// a failure once at error level, repeats at V(1), the recovery at info.
func (h *handler) store(s *snapshot) {
	h.mu.Lock()
	prev := h.last
	if s.err != nil {
		h.errors++
		s.families = nil
	}
	s.errors = h.errors
	h.last = s
	h.mu.Unlock()

	wasUp := prev != nil && prev.err == nil
	switch {
	case s.err != nil && (prev == nil || wasUp):
		h.opts.Log.Error(s.err, "Upstream metrics unavailable; serving the proxy's own metrics with "+UpMetric+" 0")
	case s.err != nil:
		h.opts.Log.V(1).Info("Upstream metrics still unavailable", "error", s.err.Error())
	case prev != nil && !wasUp:
		h.opts.Log.Info("Upstream metrics available again", "families", len(s.families))
	}
}

func (h *handler) ownFamilies() []*dto.MetricFamily {
	if h.opts.Own == nil {
		return nil
	}
	fams, err := h.opts.Own.Gather()
	if err != nil {
		h.opts.Log.Error(err, "Gathering the proxy's own metrics")
	}
	return fams
}

// merge joins the proxy's families with the upstream's. On a name clash the
// proxy's family wins: its metrics describe the proxy, and two families of
// one name would be an invalid exposition.
func (h *handler) merge(own, self, upstream []*dto.MetricFamily) []*dto.MetricFamily {
	out := make([]*dto.MetricFamily, 0, len(own)+len(self)+len(upstream))
	out = append(append(out, own...), self...)
	seen := make(map[string]bool, len(out))
	for _, f := range out {
		seen[f.GetName()] = true
	}
	for _, f := range upstream {
		if seen[f.GetName()] {
			h.opts.Log.V(1).Info("Dropping an upstream family the proxy defines itself", "family", f.GetName())
			continue
		}
		out = append(out, f)
	}
	SortFamilies(out)
	return out
}

// selfFamilies describe the scrape behind a response.
func selfFamilies(s *snapshot) []*dto.MetricFamily {
	up := 0.0
	if s.err == nil {
		up = 1
	}
	return []*dto.MetricFamily{
		gaugeFamily(UpMetric, "1 if the last scrape of the upstream's /metrics succeeded, 0 otherwise.", up),
		gaugeFamily(ScrapeDurationMetric, "Duration of the last scrape of the upstream's /metrics.", s.took.Seconds()),
		{
			Name: ptr(ScrapeErrorsMetric), Help: ptr("Failed scrapes of the upstream's /metrics."),
			Type: dto.MetricType_COUNTER.Enum(), Metric: []*dto.Metric{{Counter: &dto.Counter{Value: ptr(s.errors)}}},
		},
	}
}

func gaugeFamily(name, help string, v float64) *dto.MetricFamily {
	return &dto.MetricFamily{
		Name: ptr(name), Help: ptr(help), Type: dto.MetricType_GAUGE.Enum(),
		Metric: []*dto.Metric{{Gauge: &dto.Gauge{Value: ptr(v)}}},
	}
}

// promLogger passes promhttp's encoding errors (typically a client that went
// away mid-response) to logr.
type promLogger struct{ log logr.Logger }

func (l promLogger) Println(v ...any) {
	l.log.V(1).Info("Writing /metrics response", "error", fmt.Sprint(v...))
}
