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
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/body"
	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/metrics"
)

// ModifiedHeader lists every change the proxy made to a request body.
const ModifiedHeader = "X-Vllm-To-Sglang-Modified"

// instrument counts requests by route and status.
func (s *Server) instrument(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		s.metrics.countRequest(route, sw.code())
	})
}

// limited enforces --max-body-bytes on bodies that are streamed upstream
// without being read here; a declared length over the limit is refused
// before anything is sent.
func (s *Server) limited(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.opts.MaxBodyBytes {
			s.tooLarge(w)
			return
		}
		// A declared length is enforced by net/http's body reader already.
		if r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) tooLarge(w http.ResponseWriter) {
	s.metrics.upstreamErrors.WithLabelValues("body_too_large").Inc()
	writeError(w, http.StatusRequestEntityTooLarge, "", "request body exceeds "+itoa(s.opts.MaxBodyBytes)+" bytes")
}

// filtered reads a POST body, passes it through package body and forwards
// the result. A body that needs no change is forwarded as the very bytes
// that came in. Other methods go to next.
func (s *Server) filtered(rt route, next http.Handler) http.Handler {
	path := rt.pattern
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		raw, err := readBody(r)
		if err != nil {
			var maxErr *http.MaxBytesError
			if errors.As(err, &maxErr) {
				s.tooLarge(w)
				return
			}
			writeError(w, http.StatusBadRequest, errTypeBadRequest, "reading the request body: "+err.Error())
			return
		}
		out, changes, err := body.Rewrite(path, raw, s.bodyOpts)
		var rejected *body.RejectError
		switch {
		case errors.As(err, &rejected):
			s.metrics.rejected.WithLabelValues(rejected.Field).Inc()
			writeError(w, http.StatusBadRequest, errTypeBadRequest, rejected.Error())
			return
		case err != nil:
			s.log.Error(err, "Filtering the request body failed; forwarding it unchanged", "path", path)
			out, changes = raw, nil
		}
		if len(changes) > 0 {
			modified := body.HeaderValue(changes)
			w.Header()[ModifiedHeader] = []string{modified}
			s.metrics.countChanges(changes)
			s.log.V(1).Info("Modified a request body", "path", path, "changes", modified)
		}
		if s.pool != nil {
			s.sendBuffered(w, r, rt, out)
			return
		}
		setRequestBody(r, out)
		next.ServeHTTP(w, r)
	})
}

// readBody reads the whole (already size-limited) request body.
func readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > 0 {
		b := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	return io.ReadAll(r.Body)
}

// setRequestBody makes b the body sent upstream; GetBody lets the error
// dump see it again.
func setRequestBody(r *http.Request, b []byte) {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	r.TransferEncoding = nil
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// metricsHandler serves /metrics, SGLang's metrics translated per
// --metrics-mode (503 while they cannot be read), and metrics.ProxyPath,
// the proxy's own.
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

// statusWriter remembers the status for the request metric. Unwrap keeps
// Flush and the other optional interfaces reachable through
// http.ResponseController, which ReverseProxy uses to flush events.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= http.StatusOK { // 1xx are not final
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

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
