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
	"net"
	"net/http"
	"strconv"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/body"
)

// The errors the proxy answers itself, in vLLM's shape.

// errTypeBadRequest is the type vLLM gives the 400s it answers itself
// (OpenAIServing.create_error_response's default).
const errTypeBadRequest = "BadRequestError"

// statusClientClosed is nginx's code for "client closed request"; it only
// shows in the proxy's own request metric.
const statusClientClosed = 499

// proxyError answers when the upstream could not be reached or broke off
// before its headers, in vLLM's error shape and without waiting.
func (s *Server) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	status, reason := classify(r.Context(), err)
	s.metrics.upstreamErrors.WithLabelValues(reason).Inc()
	if reason == "canceled" {
		// The client is gone; nobody reads an answer.
		w.WriteHeader(statusClientClosed)
		return
	}
	s.log.Info("Upstream request failed", "path", r.URL.Path, "status", status, "reason", reason, "error", err.Error())
	writeError(w, status, "", "upstream unavailable: "+err.Error())
}

// classify maps a transport error to the status the client gets and a
// metric reason.
func classify(ctx context.Context, err error) (int, string) {
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case ctx.Err() != nil:
		return statusClientClosed, "canceled"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return http.StatusServiceUnavailable, "connect"
	case errors.As(err, &netErr) && netErr.Timeout():
		return http.StatusGatewayTimeout, "timeout"
	default:
		return http.StatusBadGateway, "broken"
	}
}

// writeError writes vLLM's error envelope; an empty typ becomes the status
// phrase, as vLLM's HTTPException handler writes it.
func writeError(w http.ResponseWriter, status int, typ, msg string) {
	writeJSON(w, status, body.ErrorJSON(status, msg, typ))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
