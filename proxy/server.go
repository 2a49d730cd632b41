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
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/go-logr/logr"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/body"
	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/health"
	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/metrics"
)

// Server timeouts. There is no write timeout: streams last as long as the
// generation does.
const (
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 120 * time.Second
)

// Server is the proxy. Create it with NewServer, then Run it.
type Server struct {
	opts      Options
	log       logr.Logger
	upstream  *url.URL
	transport *http.Transport
	// pool is the completions routes' own upstream client; nil when the
	// upstream is not plain http (they use ReverseProxy then).
	pool     *upstreamPool
	health   *health.Checker
	metrics  *ownMetrics
	bodyOpts body.Options
	allow    allowList
	handler  http.Handler
}

// NewServer builds a proxy from validated options.
func NewServer(o Options, log logr.Logger) (*Server, error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("invalid options: %w", err)
	}
	upstream, err := parseUpstream(o.Upstream)
	if err != nil {
		return nil, fmt.Errorf("--upstream: %w", err)
	}
	s := &Server{
		opts:      o,
		log:       log,
		upstream:  upstream,
		transport: newTransport(),
		metrics:   newOwnMetrics(),
		bodyOpts:  body.Options{StripParams: o.StripParams, FixToolSchemas: o.FixToolSchemas},
		allow:     allowList(o.AllowPaths),
	}
	if upstream.Scheme == "http" {
		s.pool = newUpstreamPool(upstream.Host)
	}
	s.health = health.NewChecker(health.Options{
		URL:      upstream.JoinPath(o.HealthPath).String(),
		Client:   &http.Client{Transport: s.transport},
		Interval: o.HealthInterval, Timeout: o.HealthTimeout,
		Fall: o.HealthFall, Rise: o.HealthRise,
		Log:      log.WithName("health"),
		OnResult: s.metrics.observeHealth,
	})
	s.handler = s.routes()
	return s, nil
}

// Handler is the proxy's HTTP handler (for tests and benchmarks; Run serves it).
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(routeHealth, s.instrument(routeHealth, http.HandlerFunc(s.serveHealth)))
	mux.Handle(routePing, s.instrument(routePing, http.HandlerFunc(s.serveHealth)))
	mh := s.metricsHandler() // one upstream scrape for both paths
	mux.Handle(routeMetrics, s.instrument(routeMetrics, mh))
	mux.Handle(metrics.ProxyPath, s.instrument(metrics.ProxyPath, mh))
	for _, rt := range forwardedRoutes {
		var h http.Handler = s.newReverseProxy(rt)
		if rt.filter {
			h = s.filtered(rt, h)
		}
		mux.Handle(rt.pattern, s.instrument(rt.pattern, s.limited(h)))
	}
	allowed := s.instrument(routeAllowed, s.limited(s.newReverseProxy(route{})))
	refused := s.instrument(routeRefused, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { refuse(w) }))
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.allow.allows(r.URL.Path) {
			allowed.ServeHTTP(w, r)
			return
		}
		refused.ServeHTTP(w, r)
	}))
	return mux
}

// serveHealth answers /health and /ping from the background check's state:
// 200 or 503 with an empty body, as vLLM does.
func (s *Server) serveHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Length", "0")
	if s.health.Up() {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusServiceUnavailable)
}

// Run listens on --listen and serves until ctx ends, then drains.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("listening on --listen %s: %w", s.opts.Listen, err)
	}
	return s.Serve(ctx, ln)
}

// Serve runs the health loop and serves on ln until ctx ends. Then it stops
// accepting, lets in-flight requests and streams finish within
// --shutdown-grace, closes what is left, and returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	healthCtx, stopHealth := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHealth()
	go s.health.Run(healthCtx)
	if s.pool != nil {
		go s.pool.runSweeper(healthCtx)
	}

	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          log.New(logrWriter{s.log.V(1)}, "", 0),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.log.Info("Serving the vLLM API", "listen", ln.Addr().String(), "upstream", s.upstream.String())

	select {
	case err := <-served:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("Shutting down: draining in-flight requests", "grace", s.opts.ShutdownGrace.String())
	graceCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(graceCtx); err != nil {
		s.log.Info("Shutdown grace expired; closing the remaining connections", "error", err.Error())
		_ = srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving: %w", err)
	}
	s.transport.CloseIdleConnections()
	s.log.Info("Stopped")
	return nil
}
