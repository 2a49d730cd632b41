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

package fakesglang

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for Options fields left empty.
const (
	DefaultModel       = "fake/model"
	DefaultHealthDelay = time.Second
	DefaultEvents      = 5
	DefaultContextLen  = 32768
)

// Options configures a fake server.
type Options struct {
	// Model is the served model name (SGLang's --served-model-name, else --model-path).
	Model string
	// HealthDelay is how long /health takes, like SGLang's one-token probe.
	// A negative value answers at once.
	HealthDelay time.Duration
	// EventDelay is the default pause between streamed events.
	EventDelay time.Duration
	// Events is the default number of content events in a stream.
	Events int
	// EnableMetrics mounts /metrics, as SGLang's --enable-metrics does.
	EnableMetrics bool
	// ToolCallParser is SGLang's --tool-call-parser. With
	// MistralToolCallParser, a chat completion that will call a tool and
	// asks for logprobs or top_logprobs gets 422, as SGLang was reported to;
	// otherwise logprobs are answered.
	ToolCallParser string
	// ReasoningParser is SGLang's --reasoning-parser: when set, chat answers
	// carry reasoning text in reasoning_content, as SGLang separates it.
	ReasoningParser string
	// DiscardRequests keeps no record of requests, so a load test sees
	// neither growing memory nor the recording lock.
	DiscardRequests bool
	// APIKey, when set, is required as a bearer token on the OpenAI routes.
	APIKey string
	// FastAPIValidation answers a request body that fails validation as
	// FastAPI does by default, 422 {"detail":[{"type","loc","msg","input"}]},
	// like SGLang releases without their own RequestValidationError handler.
	// Otherwise the fake answers as that handler does (http_server.py):
	// 400, SGLang's flat error with type "Bad Request".
	FastAPIValidation bool
	// EnableLoRA is SGLang's --enable-lora: /load_lora_adapter and
	// /unload_lora_adapter work, and /v1/models lists the adapters.
	// LoRAs are the initial adapters (--lora-paths), name to path.
	EnableLoRA bool
	LoRAs      map[string]string
	// MemorySaver is --enable-memory-saver. Without it SGLang still
	// answers /release_memory_occupation, releasing nothing (its memory
	// saver adapter is a no-op); the fake records the calls all the same.
	MemorySaver bool
	// ServerInfoEncoding, when set, is the Content-Encoding of the
	// /get_server_info answer, as a compressing middleware would set it:
	// "gzip" compresses it, any other value only labels it.
	ServerInfoEncoding string
	// MetricsModels adds that many more model_name values to /metrics
	// (two scheduler series each), an exposition as large as a client of
	// SGLang's metrics could meet.
	MetricsModels int
}

// Server is the fake. Create it with New and serve Handler().
type Server struct {
	opts    Options
	mux     *http.ServeMux
	metrics *sglangMetrics
	srv     atomic.Pointer[http.Server] // set by Attach, for CloseIdle

	// background holds the patterns of the background routes
	// (handleBackground); written only while New sets up the routes.
	background map[string]bool

	mu       sync.Mutex
	requests []*Request
	targets  []string // request lines' method and target, as received
	health   healthConfig
	held     chan struct{} // closed to release held health checks
	gates    map[string]chan struct{}

	healthInFlight atomic.Int64
	healthHeld     atomic.Int64 // checks waiting for ReleaseHealth
	healthChecks   atomic.Int64
	activeStreams  atomic.Int64
	// running counts generations in progress, streamed or not.
	running atomic.Int64

	// Management state, under mu.
	loras    map[string]string // loaded LoRA adapters, name to path
	released map[string]bool   // memory tags released
	aborted  chan struct{}     // closed by /abort_request, then replaced
	crash    string            // the first call that would have killed SGLang
	// healthWhileReleased counts /health checks while memory was released.
	healthWhileReleased atomic.Int64
	modelInfoChecks     atomic.Int64
}

type healthConfig struct {
	Status int           `json:"status"`
	Delay  time.Duration `json:"-"`
	Hold   bool          `json:"hold"`
}

// Request is what the fake received, and what became of it.
type Request struct {
	ID       int         `json:"id"`
	Method   string      `json:"method"`
	Path     string      `json:"path"`
	RawQuery string      `json:"rawQuery,omitempty"`
	Header   http.Header `json:"header"`
	Body     string      `json:"body"`
	// Status is what the fake answered.
	Status int `json:"status"`
	// Events is how many SSE events were written (or are being written).
	Events int `json:"events"`
	// Canceled is true when the client went away before the response ended.
	Canceled bool `json:"canceled"`
	// Done is true once the handler returned.
	Done bool `json:"done"`
}

// New returns a fake with defaults filled in.
func New(o Options) *Server {
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.HealthDelay == 0 {
		o.HealthDelay = DefaultHealthDelay
	}
	if o.Events == 0 {
		o.Events = DefaultEvents
	}
	s := &Server{
		opts:     o,
		mux:      http.NewServeMux(),
		health:   healthConfig{Status: http.StatusOK, Delay: max(o.HealthDelay, 0)},
		held:     make(chan struct{}),
		gates:    map[string]chan struct{}{},
		metrics:  newSGLangMetrics(o.Model, o.MetricsModels),
		loras:    map[string]string{},
		released: map[string]bool{},
		aborted:  make(chan struct{}),
	}
	for name, path := range o.LoRAs {
		s.loras[name] = path
	}
	s.routes()
	return s
}

// Handler serves the fake's API and control endpoints. Every request's
// method and target are recorded as they arrived, before routing (which
// would clean or redirect a path), except the control endpoints' and the
// background checks' (isBackground).
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.opts.DiscardRequests && !strings.HasPrefix(r.RequestURI, "/_fake/") && !s.isBackground(r) {
			s.mu.Lock()
			s.targets = append(s.targets, r.Method+" "+r.RequestURI)
			s.mu.Unlock()
		}
		s.mux.ServeHTTP(w, r)
	})
}

// handleBackground routes pattern ("GET /path") to h, a route the proxy
// calls on its own rather than for a client: its health checks (on
// --health-path, or /get_model_info while memory is released) and its
// /metrics scrapes. h must not record requests (no recorded wrapper), so
// they stay out of Requests, and a request whose method and target are
// the pattern's exactly is left out of Targets: neither shows background
// checks among what clients sent.
func (s *Server) handleBackground(pattern string, h http.Handler) {
	if s.background == nil {
		s.background = map[string]bool{}
	}
	s.background[pattern] = true
	s.mux.Handle(pattern, h)
}

// isBackground reports whether r is a background check: its method and
// target are a background route's pattern exactly (anything else, such as
// "GET //health" or "GET /health?x=1", is recorded).
func (s *Server) isBackground(r *http.Request) bool {
	return s.background[r.Method+" "+r.RequestURI]
}

// Targets returns the method and request-target of every request
// received so far (see Handler), e.g. "GET /v1/models".
func (s *Server) Targets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.targets)
}

// Attach tells the fake which http.Server serves it, so CloseIdle works.
func (s *Server) Attach(srv *http.Server) { s.srv.Store(srv) }

// Registry holds the fake's sglang:* metrics.
func (s *Server) Registry() *prometheus.Registry { return s.metrics.reg }

// Requests returns copies of the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
	}
	return out
}

// ResetRequests forgets the recorded requests and targets.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.targets = nil, nil
}

// record stores a copy of r and its body; the body is replaced so the
// handler can still read it.
func (s *Server) record(r *http.Request) *Request {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if s.opts.DiscardRequests {
		return &Request{Method: r.Method, Path: r.URL.Path, Body: string(body)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := &Request{ID: len(s.requests) + 1, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: string(body)}
	s.requests = append(s.requests, rec)
	return rec
}

// update changes a recorded request under the lock.
func (s *Server) update(rec *Request, f func(*Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(rec)
}

// recorded wraps an API handler so every request is recorded with its outcome.
func (s *Server) recorded(h func(w http.ResponseWriter, r *http.Request, rec *Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec := s.record(r)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			s.update(rec, func(rec *Request) {
				rec.Status, rec.Done = sw.status, true
				rec.Canceled = rec.Canceled || r.Context().Err() != nil
			})
		}()
		if s.opts.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+s.opts.APIKey {
			writeError(sw, http.StatusUnauthorized, "Unauthorized")
			return
		}
		h(sw, r, rec)
	}
}

// SetHealth changes how /health answers: its status, delay, and whether
// checks are held until ReleaseHealth.
func (s *Server) SetHealth(status int, delay time.Duration, hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.health = healthConfig{Status: status, Delay: delay, Hold: hold}
}

// ReleaseHealth lets the health checks held so far answer; later ones are
// held again while hold is set.
func (s *Server) ReleaseHealth() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.held)
	s.held = make(chan struct{})
}

// HealthInFlight is the number of /health requests not yet answered.
func (s *Server) HealthInFlight() int64 { return s.healthInFlight.Load() }

// HealthHeld is the number of /health requests waiting for ReleaseHealth.
// A held check has read the configuration set before it arrived and
// answers that status, whatever is set while it waits.
func (s *Server) HealthHeld() int64 { return s.healthHeld.Load() }

// ActiveStreams is the number of SSE responses being written.
func (s *Server) ActiveStreams() int64 { return s.activeStreams.Load() }

// Release lets n more events through the named gate.
func (s *Server) Release(gate string, n int) {
	ch := s.gate(gate)
	for range n {
		ch <- struct{}{}
	}
}

func (s *Server) gate(name string) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.gates[name]
	if !ok {
		ch = make(chan struct{}, 1<<16)
		s.gates[name] = ch
	}
	return ch
}

// CloseIdle closes idle keep-alive connections of the attached http.Server,
// so a client's pooled connections can be counted as gone.
func (s *Server) CloseIdle() {
	if srv := s.srv.Load(); srv != nil {
		srv.SetKeepAlivesEnabled(false)
		srv.SetKeepAlivesEnabled(true)
	}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	cfg, held, released := s.health, s.held, len(s.released) > 0
	s.mu.Unlock()
	if released {
		// SGLang's /health runs a one-token generation, which needs the
		// weights; the fake fails it while they are released.
		s.healthWhileReleased.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	s.healthInFlight.Add(1)
	defer s.healthInFlight.Add(-1)
	s.healthChecks.Add(1)
	if !waitCtx(r.Context(), cfg.Delay) {
		return
	}
	if cfg.Hold && !s.hold(r.Context(), held) {
		return
	}
	w.WriteHeader(cfg.Status)
}

// hold waits for released to close; false means the client left first.
func (s *Server) hold(ctx context.Context, released <-chan struct{}) bool {
	s.healthHeld.Add(1)
	defer s.healthHeld.Add(-1)
	select {
	case <-released:
		return true
	case <-ctx.Done():
		return false
	}
}

// waitCtx sleeps for d unless ctx ends first; it reports whether d elapsed.
func waitCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// statusWriter remembers the status; Unwrap keeps Flush reachable.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
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
