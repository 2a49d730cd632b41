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

// Paths the handler answers.
const (
	// EnginePath is vLLM's metrics path. It serves the upstream's families
	// (translated per Options.Mode) and nothing else; while the upstream
	// cannot be scraped it answers 503, as a dead vLLM fails the scrape.
	EnginePath = "/metrics"
	// ProxyPath serves the proxy's own families (Options.Own) and the state
	// of the upstream scrape, whatever the upstream's state. It lies outside
	// vLLM's API and outside /metrics, whose every subpath vLLM answers
	// with its own exposition.
	ProxyPath = "/proxy/metrics"
)

// Names of the proxy's own families that this handler writes on ProxyPath.
const (
	// UpMetric is 1 when the last scrape of the upstream's /metrics
	// succeeded and 0 otherwise; with 0 EnginePath answers 503.
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
	// before the next request scrapes again, so an outage shows at most
	// CacheTTL late. Zero still shares one scrape among concurrent requests.
	CacheTTL time.Duration
	// Timeout bounds one scrape, its translation included; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Log receives scrape failures and recoveries.
	Log logr.Logger
	// Own gathers the proxy's own metrics, served on ProxyPath; nil means
	// none.
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

// NewHandler returns the handler of both metrics paths; mount it on
// EnginePath and ProxyPath. Both share one upstream scrape (one in flight,
// cached for CacheTTL):
//   - ProxyPath answers 200 with Own and the scrape's own families
//     (UpMetric, ScrapeDurationMetric, ScrapeErrorsMetric);
//   - every other path answers as EnginePath: 200 with the upstream's
//     families translated per Mode, or, when the last scrape failed
//     (connection refused, timeout, non-200, unparseable exposition, one
//     over MaxScrapeBytes or MaxScrapeLines, or a translation that does not
//     end within the timeout), 503 with a one-line text body saying why.
//
// 200s get promhttp's content negotiation and compression. Options should
// pass Validate; an unknown mode is logged and served as translate.
func NewHandler(o Options) http.Handler {
	if err := o.Validate(); err != nil {
		o.Log.Error(err, "Invalid metrics options; serving what they allow")
	}
	h := &handler{
		opts:      o,
		client:    o.Client,
		timeout:   o.Timeout,
		translate: o.Mode != ModePassthrough,
		now:       time.Now,
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

	// now is the clock of the cache; tests replace it.
	now func() time.Time
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
	snap, err := h.snapshot(r.Context())
	if err != nil {
		// The client left while waiting for the shared scrape.
		return
	}
	if r.URL.Path == ProxyPath {
		fams := append(h.ownFamilies(), selfFamilies(snap)...)
		SortFamilies(fams)
		h.serve(w, r, fams)
		return
	}
	if snap.err != nil {
		unavailable(w, snap.err)
		return
	}
	h.serve(w, r, snap.families)
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request, fams []*dto.MetricFamily) {
	g := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return fams, nil })
	promhttp.HandlerFor(g, h.promOpts).ServeHTTP(w, r)
}

// unavailable fails a scrape of EnginePath the way a dead vLLM does, with a
// status Prometheus counts as a failed scrape (up 0) and the production-stack
// router as an engine without stats, and says why in one line of text.
func unavailable(w http.ResponseWriter, err error) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "SGLang's metrics could not be read: "+err.Error(), http.StatusServiceUnavailable)
}

// snapshot returns the cached scrape while it is fresh, or waits for the one
// scrape in flight (starting it if needed).
func (h *handler) snapshot(ctx context.Context) (*snapshot, error) {
	h.mu.Lock()
	last := h.last
	h.mu.Unlock()
	if last != nil && h.now().Sub(last.at) < h.opts.CacheTTL {
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
		// The translation counts against the scrape's time, too.
		fams, err = translate(ctx, fams, Rules)
	}
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("no answer within %s: %w", h.timeout, err)
	}
	s := &snapshot{families: fams, err: err, at: h.now(), took: time.Since(start)}
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
		h.opts.Log.Error(s.err, "Upstream metrics unavailable; "+EnginePath+" answers 503 until they are back ("+ProxyPath+" has "+UpMetric+" 0)")
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
