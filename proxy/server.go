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
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/body"
	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/health"
	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/upstream"
)

// idleTimeout closes keep-alive connections idle that long. There is no
// write timeout: streams last as long as the generation does. The read
// timeouts are --header-timeout and the body's (limits.go); an idle
// connection is the first closed at --max-connections (conns.go).
const idleTimeout = 120 * time.Second

// Server is the proxy. Create it with NewServer, then Run it.
type Server struct {
	opts     Options
	log      logr.Logger
	upstream *url.URL
	// upstreamBase is upstream's escaped path without a trailing slash:
	// what every request-target sent to SGLang starts with (sglangTarget).
	upstreamBase string
	// client forwards every request to SGLang (forward.go).
	client *upstream.Client
	// transport serves the background health checks and the /metrics
	// scrapes, which are not forwarded requests.
	transport *http.Transport
	health    *health.Checker
	metrics   *ownMetrics
	bodyOpts  body.Options
	allow     allowList
	handler   http.Handler
	// sleepState is SGLang's memory as /sleep and /wake_up left it; nil
	// without --sleep-api.
	sleepState *sleepState
	// lightHealthURL is checked instead of --health-path while SGLang's
	// memory is released.
	lightHealthURL string
	// healthUp is the last published health state, to tell transitions.
	healthUp atomic.Bool
	// bodyBudget is --body-memory-bytes (limits.go).
	bodyBudget *bodyBudget
	// conns tracks the client connections Serve accepts (conns.go).
	conns *connLimiter
}

// NewServer builds a proxy from validated options.
func NewServer(o Options, log logr.Logger) (*Server, error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("invalid options: %w", err)
	}
	up, err := parseUpstream(o.Upstream)
	if err != nil {
		return nil, fmt.Errorf("--upstream: %w", err)
	}
	s := &Server{
		opts:         o,
		log:          log,
		upstream:     up,
		upstreamBase: strings.TrimSuffix(up.EscapedPath(), "/"),
		client:       upstream.New(up.Host),
		transport:    newTransport(),
		metrics:      newOwnMetrics(),
		bodyOpts:     body.Options{StripParams: o.StripParams, FixToolSchemas: o.FixToolSchemas},
		allow:        allowList(o.AllowPaths),
		bodyBudget:   &bodyBudget{max: o.BodyMemory()},
	}
	s.conns = newConnLimiter(o.MaxConnections, o.MaxHeaderFields, func(limit string) {
		s.metrics.limited.WithLabelValues(limit).Inc()
	})
	s.metrics.watch(s.conns.open, s.bodyBudget.held.Load)
	if o.SleepAPI {
		s.sleepState = newSleepState()
		s.lightHealthURL = up.JoinPath(sglangModelInfo).String()
	}
	s.health = health.NewChecker(health.Options{
		URL:      up.JoinPath(o.HealthPath).String(),
		Client:   &http.Client{Transport: s.transport},
		Interval: o.HealthInterval, Timeout: o.HealthTimeout,
		Fall: o.HealthFall, Rise: o.HealthRise,
		Log:      log.WithName("health"),
		OnResult: s.observeHealth,
	})
	s.handler = s.routes()
	return s, nil
}

// observeHealth follows every health check: the metrics, and SGLang going
// down while its memory is released (see sglangGone).
func (s *Server) observeHealth(ok, up bool) {
	s.metrics.observeHealth(ok, up)
	if was := s.healthUp.Swap(up); was && !up {
		s.sglangGone()
	}
}

// Handler is the proxy's HTTP handler (for tests and benchmarks; Run serves it).
func (s *Server) Handler() http.Handler { return s.handler }

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
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	go s.health.Run(bgCtx)
	go s.client.Sweep(bgCtx)

	ln = s.conns.listener(ln)
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.opts.HeaderTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    s.opts.MaxHeaderBytes,
		// "OPTIONS *" reaches guard, which refuses it as a path.
		DisableGeneralOptionsHandler: true,
		ConnState:                    s.conns.connState,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
		ErrorLog: log.New(logrWriter{s.log.V(1)}, "", 0),
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

// Transport settings of the health checks and metric scrapes.
const (
	dialTimeout     = 5 * time.Second
	idleConnTimeout = 90 * time.Second
)

// newTransport clones net/http's default transport for the health checks
// and metric scrapes of the upstream on the loopback interface.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil // HTTP_PROXY must never apply to the pod-local upstream
	t.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.MaxIdleConnsPerHost = 4
	t.IdleConnTimeout = idleConnTimeout
	t.DisableCompression = true
	t.ForceAttemptHTTP2 = false
	return t
}

// logrWriter sends net/http's internal log lines to the structured logger.
type logrWriter struct {
	log interface{ Info(string, ...any) }
}

func (w logrWriter) Write(p []byte) (int, error) {
	w.log.Info(strings.TrimSpace(string(p)))
	return len(p), nil
}
