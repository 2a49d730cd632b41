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
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(routeHealth, s.instrument(routeHealth, http.HandlerFunc(s.serveHealth)))
	mux.Handle(routePing, s.instrument(routePing, http.HandlerFunc(s.serveHealth)))
	mh := s.metricsHandler() // one upstream scrape for both paths
	mux.Handle(routeMetrics, s.instrument(routeMetrics, mh))
	mux.Handle(metrics.ProxyPath, s.instrument(metrics.ProxyPath, mh))
	for _, rt := range forwardedRoutes {
		mux.Handle(rt.pattern, s.instrument(rt.pattern, s.forward(rt)))
	}
	s.managementRoutes(mux)
	allowed := s.instrument(routeAllowed, s.forward(route{}))
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
	// pattern is the http.ServeMux pattern. Methods are not part of it:
	// SGLang answers a wrong method itself (and the proxy translates the
	// error), rather than ServeMux's plain-text 405.
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
	// SGLang has no /version; its version is in /get_server_info.
	{pattern: "/version", upstream: "/get_server_info", translate: versionResponse},
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
	// routeRefused labels requests for paths outside vLLM's API.
	routeRefused = "refused"
	// routeAllowed labels requests forwarded because of --allow-path.
	routeAllowed = "allowed"
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
