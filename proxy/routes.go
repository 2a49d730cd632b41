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
	"strings"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/metrics"
)

// routes is the proxy's request router: /health, /ping and /metrics are
// answered here, vLLM's API is forwarded (forward.go), the management
// endpoints the pod enabled are served with SGLang's (manage.go),
// --allow-path paths are forwarded as they are, and everything else is
// refused with vLLM's 404. Every request is counted by route and status.
// guard (limits.go, path.go) runs first: routing only ever sees a clean
// path.
func (s *Server) routes() http.Handler {
	t := newRouteTable()
	t.Handle(routeHealth, s.instrument(routeHealth, http.HandlerFunc(s.serveHealth)))
	t.Handle(routePing, s.instrument(routePing, http.HandlerFunc(s.serveHealth)))
	mh := s.metricsHandler() // one upstream scrape for both paths
	t.Handle(routeMetrics, s.instrument(routeMetrics, mh))
	t.Handle(metrics.ProxyPath, s.instrument(metrics.ProxyPath, mh))
	for _, rt := range forwardedRoutes {
		t.Handle(rt.pattern, s.instrument(rt.pattern, s.forward(rt)))
	}
	t.Handle(routeVersion, s.instrument(routeVersion, allowOnly(http.HandlerFunc(s.serveVersion), http.MethodGet, http.MethodHead)))
	s.managementRoutes(t)
	allowed := s.instrument(routeAllowed, s.forward(route{}))
	refused := s.instrument(routeRefused, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { refuse(w) }))
	t.other = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.allow.allows(r.URL.Path) {
			allowed.ServeHTTP(w, r)
			return
		}
		refused.ServeHTTP(w, r)
	})
	return s.guard(t)
}

// routeTable routes clean paths (path.go): exact paths first, then the
// patterns with one wildcard segment ("/v1/responses/{id}/cancel") or a
// wildcard rest ("/v1/models/{model...}"), then other. Unlike
// http.ServeMux it never redirects: a path is served or refused where it
// is, so no client is sent to a path that was not checked.
type routeTable struct {
	exact    map[string]http.Handler
	wildcard []wildcardRoute
	other    http.Handler
}

// wildcardRoute matches prefix + wildcard + suffix: the wildcard is one
// non-empty segment, or with rest any remainder (slashes and empty
// included), as http.ServeMux's {name} and {name...}.
type wildcardRoute struct {
	prefix, suffix string
	rest           bool
	h              http.Handler
}

func newRouteTable() *routeTable { return &routeTable{exact: map[string]http.Handler{}} }

// Handle adds a pattern: an exact path, or one with a single {name} or
// trailing {name...} wildcard. A pattern added twice panics, as with
// http.ServeMux.
func (t *routeTable) Handle(pattern string, h http.Handler) {
	open := strings.IndexByte(pattern, '{')
	if open < 0 {
		if _, dup := t.exact[pattern]; dup {
			panic("proxy: route " + pattern + " added twice")
		}
		t.exact[pattern] = h
		return
	}
	end := strings.IndexByte(pattern, '}')
	if end < open || strings.IndexByte(pattern[end+1:], '{') >= 0 {
		panic("proxy: route pattern " + pattern + " must have one wildcard")
	}
	w := wildcardRoute{prefix: pattern[:open], suffix: pattern[end+1:], rest: strings.HasSuffix(pattern[:end], "..."), h: h}
	if w.rest && w.suffix != "" {
		panic("proxy: route pattern " + pattern + ": a {name...} wildcard must end it")
	}
	t.wildcard = append(t.wildcard, w)
}

func (t *routeTable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t.handler(r.URL.Path).ServeHTTP(w, r)
}

// handler returns the handler of a clean path.
func (t *routeTable) handler(path string) http.Handler {
	if h, ok := t.exact[path]; ok {
		return h
	}
	for _, wr := range t.wildcard {
		if len(path) < len(wr.prefix)+len(wr.suffix) || !strings.HasPrefix(path, wr.prefix) || !strings.HasSuffix(path, wr.suffix) {
			continue
		}
		if mid := path[len(wr.prefix) : len(path)-len(wr.suffix)]; wr.rest || mid != "" && strings.IndexByte(mid, '/') < 0 {
			return wr.h
		}
	}
	return t.other
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

// metricsHandler serves /metrics, SGLang's metrics (translated per
// --metrics-mode; a failed scrape is a failed /metrics, as a dead vLLM's
// would be), and metrics.ProxyPath, the proxy's own series.
func (s *Server) metricsHandler() http.Handler {
	return metrics.NewHandler(metrics.Options{
		Upstream: s.upstream,
		Client:   &http.Client{Transport: s.transport},
		Mode:     s.opts.MetricsMode,
		CacheTTL: s.opts.MetricsCache,
		Log:      s.log.WithName("metrics"),
		Own:      s.metrics.reg,
	})
}

// A route of vLLM's public API that the proxy forwards.
type route struct {
	// pattern is the routeTable pattern. Methods are not part of it:
	// SGLang answers a wrong method itself (and the proxy translates the
	// error).
	pattern string
	// upstream is SGLang's path when it differs from vLLM's.
	upstream string
	// filter runs package body over POST bodies and body.Response over
	// the answers (whole or streamed).
	filter bool
	// translate rewrites a successful response into vLLM's shape.
	translate responseTranslator
	// model: the route runs the model, so it is refused while the engine
	// sleeps (--sleep-api), as vLLM's sleep mode refuses it.
	model bool
}

// forwardedRoutes is vLLM's OpenAI-compatible server API as seen by clients
// (vLLM api_server routers; production-stack's router forwards the same set),
// mapped onto SGLang's http_server.py. See docs/proxy.md for the table.
var forwardedRoutes = []route{
	{pattern: "/v1/chat/completions", filter: true, translate: completionResponse("/v1/chat/completions"), model: true},
	{pattern: "/v1/completions", filter: true, translate: completionResponse("/v1/completions"), model: true},
	{pattern: "/v1/models"},
	{pattern: "/v1/models/{model...}"},
	{pattern: "/v1/embeddings", model: true},
	{pattern: "/tokenize"},
	// SGLang answers {"text": ...} where vLLM answers {"prompt": ...}.
	{pattern: "/detokenize", translate: detokenizeResponse},
	{pattern: "/v1/responses", model: true},
	{pattern: "/v1/responses/{id}"},
	{pattern: "/v1/responses/{id}/cancel"},
	{pattern: "/v1/rerank", model: true},
	{pattern: "/rerank", upstream: "/v1/rerank", model: true},
	{pattern: "/v2/rerank", upstream: "/v1/rerank", model: true},
	{pattern: "/v1/score", model: true},
	{pattern: "/score", upstream: "/v1/score", model: true},
	{pattern: "/classify", upstream: "/v1/classify", model: true},
	{pattern: "/pooling", model: true},
	{pattern: "/invocations", model: true},
	{pattern: "/v1/audio/transcriptions", model: true},
	{pattern: "/v1/audio/translations", model: true},
	{pattern: "/v1/messages", model: true},
	{pattern: "/load"},
	// /version is served by serveVersion (version.go).
}

// responsePath is the path body.Response translates a route's answers for,
// or "" when they are not chat or text completions.
func responsePath(rt route) string {
	if rt.filter {
		return rt.pattern
	}
	return ""
}

// Routes the proxy answers itself.
const (
	routeHealth  = "/health"
	routePing    = "/ping"
	routeMetrics = "/metrics"
	// routeVersion is answered from SGLang's /get_server_info (version.go).
	routeVersion = "/version"
	// routeRefused labels requests for paths outside vLLM's API.
	routeRefused = "refused"
	// routeAllowed labels requests forwarded because of --allow-path.
	routeAllowed = "allowed"
	// routeInvalid labels requests refused before routing: a path that is
	// not clean, CONNECT or TRACE, too many header fields (guard).
	routeInvalid = "invalid"
)

// allowList matches --allow-path values: exact paths, or subtrees for
// values ending in "/".
type allowList []string

func (a allowList) allows(path string) bool {
	for _, p := range a {
		if path == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(path, p)) {
			return true
		}
	}
	return false
}

// refuse answers a path outside vLLM's API exactly as vLLM (FastAPI) answers
// an unknown path, so SGLang's admin endpoints look absent.
func refuse(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Vllm-To-Sglang-Refused", "not-vllm-api")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(`{"detail":"Not Found"}`))
}
