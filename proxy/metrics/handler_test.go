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
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/prometheus/client_golang/prometheus"
)

// fakeSGLang serves an SGLang exposition on /metrics and counts scrapes.
type fakeSGLang struct {
	*httptest.Server
	hits   atomic.Int64
	status atomic.Int64 // HTTP status to answer; 0 means 200
	body   atomic.Value // string
	// gate, when set, holds every scrape until it is closed.
	gate chan struct{}
}

func newFakeSGLang(t *testing.T, exposition string) *fakeSGLang {
	t.Helper()
	f := &fakeSGLang{}
	f.body.Store(exposition)
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		f.hits.Add(1)
		if f.gate != nil {
			<-f.gate
		}
		if s := f.status.Load(); s != 0 {
			http.Error(w, "upstream says no", int(s))
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = io.WriteString(w, f.body.Load().(string))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSGLang) url(t *testing.T) *url.URL {
	t.Helper()
	u, err := url.Parse(f.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// ownRegistry stands in for the proxy's own metrics.
func ownRegistry(t *testing.T) *prometheus.Registry {
	t.Helper()
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "vllm_to_sglang_proxy_requests_total", Help: "Requests served."})
	c.Add(5)
	reg.MustRegister(c)
	return reg
}

const smallExposition = `# HELP sglang:num_running_reqs The number of running requests.
# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{engine_type="unified",model_name="llama-8b",moe_ep_rank="0",pp_rank="0",tp_rank="0"} 7.0
# HELP sglang:token_usage The token usage.
# TYPE sglang:token_usage gauge
sglang:token_usage{engine_type="unified",model_name="llama-8b",moe_ep_rank="0",pp_rank="0",tp_rank="0"} 0.25
`

func get(t *testing.T, h http.Handler) string {
	t.Helper()
	code, body := fetch(t, h, EnginePath)
	if code != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200:\n%s", EnginePath, code, body)
	}
	return body
}

// fetch GETs path from h and returns the status and body.
func fetch(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

// wantProxyPath GETs ProxyPath once and checks the proxy's own family, the
// upstream state and that no engine family is there.
func wantProxyPath(t *testing.T, h http.Handler, up, errors string) {
	t.Helper()
	code, body := fetch(t, h, ProxyPath)
	if code != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200:\n%s", ProxyPath, code, body)
	}
	if strings.Contains(body, "vllm:") || strings.Contains(body, "sglang:") {
		t.Errorf("%s serves engine series:\n%s", ProxyPath, body)
	}
	want := `# HELP vllm_to_sglang_proxy_requests_total Requests served.
# TYPE vllm_to_sglang_proxy_requests_total counter
vllm_to_sglang_proxy_requests_total 5
# HELP vllm_to_sglang_proxy_upstream_scrape_errors_total Failed scrapes of the upstream's /metrics.
# TYPE vllm_to_sglang_proxy_upstream_scrape_errors_total counter
vllm_to_sglang_proxy_upstream_scrape_errors_total ` + errors + `
# HELP vllm_to_sglang_proxy_upstream_up 1 if the last scrape of the upstream's /metrics succeeded, 0 otherwise.
# TYPE vllm_to_sglang_proxy_upstream_up gauge
vllm_to_sglang_proxy_upstream_up ` + up + `
`
	got := encodeText(t, pick(parseText(t, body), []string{"vllm_to_sglang_proxy_requests_total", ScrapeErrorsMetric, UpMetric}))
	if got != want {
		t.Errorf("%s\n--- got\n%s--- want\n%s", ProxyPath, got, want)
	}
}

func TestHandlerCaching(t *testing.T) {
	tests := map[string]struct {
		ttl      time.Duration
		requests int
		hits     int64
	}{
		"a second request within the TTL is served from the cache without scraping": {ttl: time.Hour, requests: 2, hits: 1},
		"with a zero TTL every request after the last scrape scrapes again":         {ttl: 0, requests: 3, hits: 3},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			up := newFakeSGLang(t, smallExposition)
			h := NewHandler(Options{Upstream: up.url(t), CacheTTL: tc.ttl, Log: logr.Discard()})
			for range tc.requests {
				if body := get(t, h); !strings.Contains(body, "vllm:num_requests_running") {
					t.Fatalf("response lacks the translated series:\n%s", body)
				}
			}
			if got := up.hits.Load(); got != tc.hits {
				t.Errorf("upstream scraped %d times, want %d", got, tc.hits)
			}
		})
	}
}

func TestConcurrentRequestsShareOneScrape(t *testing.T) {
	const callers = 8
	up := newFakeSGLang(t, smallExposition)
	up.gate = make(chan struct{})
	// A zero TTL: a caller that arrived after the scrape would scrape again,
	// so one hit proves the callers shared the scrape in flight.
	h := NewHandler(Options{Upstream: up.url(t), CacheTTL: 0, Log: logr.Discard()}).(*handler)
	var joined sync.WaitGroup
	joined.Add(callers)
	h.joined = joined.Done

	bodies := make([]string, callers)
	var done sync.WaitGroup
	for i := range callers {
		done.Go(func() { bodies[i] = get(t, h) })
	}
	joined.Wait() // every caller is waiting on the scrape
	close(up.gate)
	done.Wait()

	if got := up.hits.Load(); got != 1 {
		t.Errorf("upstream scraped %d times by %d concurrent callers, want 1", got, callers)
	}
	for i, b := range bodies {
		if !strings.Contains(b, `vllm:num_requests_running{engine="0",model_name="llama-8b"} 7`) {
			t.Errorf("caller %d got no upstream data:\n%s", i, b)
		}
	}
}

func TestUpstreamUnavailable(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL, _ := url.Parse(closed.URL)
	closed.Close()

	tests := map[string]struct {
		upstream func(t *testing.T) *url.URL
		reason   string // in the 503 body and the log
	}{
		"an upstream that refuses connections": {
			upstream: func(*testing.T) *url.URL { return closedURL },
			reason:   "connection refused",
		},
		"an upstream that does not answer within the timeout": {
			upstream: func(t *testing.T) *url.URL {
				up := newFakeSGLang(t, smallExposition)
				up.gate = make(chan struct{})
				t.Cleanup(func() { close(up.gate) }) // before the server closes
				return up.url(t)
			},
			reason: "no answer within 50ms",
		},
		"an upstream without --enable-metrics (404), with the hint": {
			upstream: func(t *testing.T) *url.URL {
				up := newFakeSGLang(t, smallExposition)
				up.status.Store(http.StatusNotFound)
				return up.url(t)
			},
			reason: "--enable-metrics",
		},
		"an upstream answering 500": {
			upstream: func(t *testing.T) *url.URL {
				up := newFakeSGLang(t, smallExposition)
				up.status.Store(http.StatusInternalServerError)
				return up.url(t)
			},
			reason: "500 Internal Server Error",
		},
		"an exposition that does not parse": {
			upstream: func(t *testing.T) *url.URL {
				return newFakeSGLang(t, "sglang:num_running_reqs{model_name=\"m\" 7\n").url(t)
			},
			reason: "parsing upstream exposition",
		},
	}
	for name, tc := range tests {
		t.Run(name+" fails /metrics with 503 and keeps the proxy's own metrics on "+ProxyPath, func(t *testing.T) {
			var logs strings.Builder
			log := funcr.New(func(prefix, args string) { logs.WriteString(args + "\n") }, funcr.Options{})
			h := NewHandler(Options{Upstream: tc.upstream(t), CacheTTL: time.Hour, Timeout: 50 * time.Millisecond, Log: log, Own: ownRegistry(t)})

			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, EnginePath, nil))
			body := rec.Body.String()
			if rec.Code != http.StatusServiceUnavailable {
				t.Errorf("GET %s = %d, want 503", EnginePath, rec.Code)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type = %q, want text/plain", ct)
			}
			if !strings.HasPrefix(body, "SGLang's metrics could not be read: ") || !strings.Contains(body, tc.reason) ||
				strings.Count(body, "\n") != 1 {
				t.Errorf("body = %q, want one line saying SGLang's metrics could not be read and why (%q)", body, tc.reason)
			}
			if strings.Contains(body, "vllm") || strings.Contains(body, "sglang:") {
				t.Errorf("the 503 carries series:\n%s", body)
			}
			// Within the TTL both paths share the one failed scrape.
			wantProxyPath(t, h, "0", "1")
			if !strings.Contains(logs.String(), tc.reason) {
				t.Errorf("log does not mention %q:\n%s", tc.reason, logs.String())
			}
		})
	}
}

func TestUpstreamRecovers(t *testing.T) {
	tests := map[string]struct {
		fail    func(up *fakeSGLang)
		recover func(up *fakeSGLang)
	}{
		"after answering 503": {
			fail:    func(up *fakeSGLang) { up.status.Store(http.StatusServiceUnavailable) },
			recover: func(up *fakeSGLang) { up.status.Store(0) },
		},
		"after an exposition that did not parse": {
			fail:    func(up *fakeSGLang) { up.body.Store("garbage{\n") },
			recover: func(up *fakeSGLang) { up.body.Store(smallExposition) },
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			up := newFakeSGLang(t, smallExposition)
			tc.fail(up)
			var logs strings.Builder
			log := funcr.New(func(prefix, args string) { logs.WriteString(args + "\n") }, funcr.Options{})
			h := NewHandler(Options{Upstream: up.url(t), CacheTTL: 0, Log: log, Own: ownRegistry(t)})

			if code, body := fetch(t, h, EnginePath); code != http.StatusServiceUnavailable {
				t.Fatalf("GET %s = %d while the upstream fails, want 503:\n%s", EnginePath, code, body)
			}
			wantProxyPath(t, h, "0", "2") // a zero TTL: the proxy path scraped again
			tc.recover(up)
			if body := get(t, h); !strings.Contains(body, "vllm:kv_cache_usage_perc") {
				t.Errorf("want the translated series once the upstream answers again:\n%s", body)
			}
			wantProxyPath(t, h, "1", "2")
			if !strings.Contains(logs.String(), "Upstream metrics available again") {
				t.Errorf("recovery not logged:\n%s", logs.String())
			}
		})
	}
}

// A scrape that succeeded is served for the TTL and not a moment longer:
// the cache never hides an outage beyond it.
func TestTheCacheHidesAnOutageAtMostForTheTTL(t *testing.T) {
	up := newFakeSGLang(t, smallExposition)
	h := NewHandler(Options{Upstream: up.url(t), CacheTTL: time.Second, Log: logr.Discard()}).(*handler)
	now := time.Unix(1_000_000, 0)
	h.now = func() time.Time { return now }

	get(t, h)
	up.Close() // SGLang stops: its port refuses connections

	now = now.Add(999 * time.Millisecond)
	if body := get(t, h); !strings.Contains(body, "vllm:num_requests_running") {
		t.Errorf("within the TTL the cached scrape is served:\n%s", body)
	}
	now = now.Add(time.Millisecond)
	if code, body := fetch(t, h, EnginePath); code != http.StatusServiceUnavailable || !strings.Contains(body, "connection refused") {
		t.Errorf("once the TTL is over GET %s = %d %q, want 503 saying the connection was refused", EnginePath, code, body)
	}
	if got := up.hits.Load(); got != 1 {
		t.Errorf("upstream answered %d scrapes, want 1 (the one before it stopped)", got)
	}
}

func TestModes(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "sglang-single.prom"))
	if err != nil {
		t.Fatal(err)
	}
	upstream := parseText(t, string(raw))
	tests := map[string]struct {
		mode string
		want func(t *testing.T) string // the upstream part of the response
	}{
		"passthrough serves every upstream family unchanged and no vLLM family": {
			mode: ModePassthrough,
			want: func(t *testing.T) string { return encodeText(t, upstream) },
		},
		"translate serves the upstream families plus the derived vLLM families": {
			mode: ModeTranslate,
			want: func(t *testing.T) string { return encodeText(t, Translate(upstream, Rules)) },
		},
		"an empty mode means translate": {
			mode: "",
			want: func(t *testing.T) string { return encodeText(t, Translate(upstream, Rules)) },
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			up := newFakeSGLang(t, string(raw))
			h := NewHandler(Options{Upstream: up.url(t), Mode: tc.mode, CacheTTL: time.Hour, Log: logr.Discard()})
			served := parseText(t, get(t, h))
			var engine []string
			for _, f := range served {
				if !strings.HasPrefix(f.GetName(), "vllm_to_sglang_proxy_") {
					engine = append(engine, f.GetName())
				}
			}
			got := encodeText(t, pick(served, engine))
			if want := tc.want(t); got != want {
				t.Errorf("upstream part differs\n--- got\n%s\n--- want\n%s", got, want)
			}
		})
	}
}

// The two paths never serve the same family, so a Prometheus job scraping
// both gets no duplicate series.
func TestThePathsServeDisjointFamilies(t *testing.T) {
	up := newFakeSGLang(t, smallExposition)
	h := NewHandler(Options{Upstream: up.url(t), CacheTTL: time.Hour, Log: logr.Discard(), Own: ownRegistry(t)})
	engine := parseText(t, get(t, h))
	code, body := fetch(t, h, ProxyPath)
	if code != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", ProxyPath, code)
	}
	own := parseText(t, body)
	if len(engine) == 0 || len(own) == 0 {
		t.Fatalf("want families on both paths; %s has %d, %s %d", EnginePath, len(engine), ProxyPath, len(own))
	}
	for _, f := range engine {
		if strings.HasPrefix(f.GetName(), "vllm_to_sglang_proxy_") {
			t.Errorf("%s serves the proxy's family %s", EnginePath, f.GetName())
		}
	}
	for _, f := range own {
		if !strings.HasPrefix(f.GetName(), "vllm_to_sglang_proxy_") {
			t.Errorf("%s serves the engine family %s", ProxyPath, f.GetName())
		}
	}
	if got := up.hits.Load(); got != 1 {
		t.Errorf("upstream scraped %d times for both paths within the TTL, want 1", got)
	}
}

func TestResponseIsCompressedWhenTheClientAcceptsGzip(t *testing.T) {
	up := newFakeSGLang(t, smallExposition)
	h := NewHandler(Options{Upstream: up.url(t), CacheTTL: time.Hour, Log: logr.Discard()})
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if enc := rec.Header().Get("Content-Encoding"); enc != "gzip" {
		t.Fatalf("Content-Encoding = %q, want gzip", enc)
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), "vllm:num_requests_running") {
		t.Errorf("decompressed body lacks the translated series:\n%s", body)
	}
}

func TestUpstreamPathKeepsTheBasePath(t *testing.T) {
	base, _ := url.Parse("http://127.0.0.1:8001/prefix/")
	h := NewHandler(Options{Upstream: base, Log: logr.Discard()}).(*handler)
	if got, want := h.target.String(), "http://127.0.0.1:8001/prefix/metrics"; got != want {
		t.Errorf("scrape target = %s, want %s", got, want)
	}
}

func TestValidate(t *testing.T) {
	good, _ := url.Parse("http://127.0.0.1:8001")
	tests := map[string]struct {
		opts    Options
		wantErr string
	}{
		"translate with an absolute upstream is valid":   {opts: Options{Upstream: good, Mode: ModeTranslate}},
		"passthrough with an absolute upstream is valid": {opts: Options{Upstream: good, Mode: ModePassthrough}},
		"an unknown mode is rejected":                    {opts: Options{Upstream: good, Mode: "rename"}, wantErr: `metrics mode "rename"`},
		"a missing upstream is rejected":                 {opts: Options{Mode: ModeTranslate}, wantErr: "metrics upstream"},
		"a relative upstream is rejected":                {opts: Options{Upstream: &url.URL{Path: "sglang"}}, wantErr: "metrics upstream"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.opts.Validate()
			if tc.wantErr == "" && err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	comment := func(size int) string { return "#" + strings.Repeat("c", size-2) + "\n" }
	tests := map[string]struct {
		text    string
		tooLong bool
	}{
		"reads an exposition of MaxScrapeBytes":       {text: comment(MaxScrapeBytes)},
		"refuses an exposition over MaxScrapeBytes":   {text: comment(MaxScrapeBytes + 1), tooLong: true},
		"reads an exposition of MaxScrapeLines lines": {text: strings.Repeat("#\n", MaxScrapeLines)},
		"refuses an exposition over MaxScrapeLines":   {text: strings.Repeat("#\n", MaxScrapeLines+1), tooLong: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := parse(strings.NewReader(tc.text))
			if tc.tooLong != errors.Is(err, errTooLarge) || (!tc.tooLong && err != nil) {
				t.Errorf("parse() = %v", err)
			}
		})
	}
}

func TestAnExpositionOverTheLimitsFailsTheScrape(t *testing.T) {
	for name, text := range map[string]string{
		"bytes": "# " + strings.Repeat("c", MaxScrapeBytes) + "\n" + smallExposition,
		"lines": strings.Repeat("#\n", MaxScrapeLines) + smallExposition,
	} {
		t.Run(name, func(t *testing.T) {
			h := NewHandler(Options{Upstream: newFakeSGLang(t, text).url(t), Log: logr.Discard()})
			code, body := fetch(t, h, EnginePath)
			if code != http.StatusServiceUnavailable || !strings.Contains(body, "larger than 8388608 bytes or 100000 lines") {
				t.Errorf("GET %s = %d %q, want 503 saying the exposition is too large", EnginePath, code, body)
			}
		})
	}
}

func TestTranslationGivesUpWhenTheContextEnds(t *testing.T) {
	fams := parseText(t, manyModels(3*checkEvery))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := translate(ctx, fams, Rules); !errors.Is(err, context.Canceled) {
		t.Errorf("translate() = %v, want context.Canceled", err)
	}
	// A context that ends while the first rule runs stops it within
	// checkEvery models.
	stop := &countdown{left: 2}
	if _, err := translate(stop, fams, Rules); !errors.Is(err, context.Canceled) || stop.calls != 3 {
		t.Errorf("translate() = %v after %d looks at the context, want context.Canceled after 3", err, stop.calls)
	}
}

// countdown is a context that ends on its left+1st look.
type countdown struct {
	context.Context
	left, calls int
}

func (c *countdown) Err() error {
	c.calls++
	if c.left == 0 {
		return context.Canceled
	}
	c.left--
	return nil
}

func TestEveryModelGetsItsOwnSeries(t *testing.T) {
	const n = 50
	fams := Translate(parseText(t, manyModels(n)), Rules)
	for _, f := range fams {
		if f.GetName() != "vllm:num_requests_running" {
			continue
		}
		seen := map[string]bool{}
		for _, m := range f.GetMetric() {
			v, _ := labelValue(m, labelModel)
			seen[v] = true
			if m.GetGauge().GetValue() != 1 {
				t.Errorf("model %s: %v, want 1", v, m.GetGauge().GetValue())
			}
		}
		if len(seen) != n || len(f.GetMetric()) != n {
			t.Errorf("%d series of %d models, want %d of %d", len(f.GetMetric()), len(seen), n, n)
		}
		return
	}
	t.Error("no vllm:num_requests_running")
}
