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
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/body"
)

// Transport settings for the loopback hop to SGLang.
const (
	dialTimeout = 5 * time.Second
	// maxIdlePerHost keeps connections for bursts of concurrent requests;
	// net/http's default of 2 would churn connections under load.
	maxIdlePerHost  = 1024
	idleConnTimeout = 90 * time.Second
	// maxErrorBody bounds the upstream error bodies read for translation;
	// larger ones pass through unchanged.
	maxErrorBody = 1 << 20
	// maxTranslatedBody bounds the successful answers held in memory for
	// translation (a completion with many long choices is large); larger
	// ones pass through unchanged.
	maxTranslatedBody = 16 << 20
	// Error-dump truncation, as the earlier shim's dump_error did.
	dumpRequestBytes  = 8000
	dumpResponseBytes = 4000
)

// newTransport clones net/http's default transport and tunes it for one
// upstream on the loopback interface.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil // HTTP_PROXY must never apply to the pod-local upstream
	t.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.MaxIdleConns = 0
	t.MaxIdleConnsPerHost = maxIdlePerHost
	t.IdleConnTimeout = idleConnTimeout
	// Bodies pass through byte for byte: no transparent gzip.
	t.DisableCompression = true
	t.ForceAttemptHTTP2 = false
	// No ResponseHeaderTimeout: a non-streamed generation may take minutes.
	return t
}

// newReverseProxy forwards a route to SGLang, at rt.upstream when set (else
// the request's own path).
func (s *Server) newReverseProxy(rt route) *httputil.ReverseProxy {
	target, upstreamPath := s.upstream, rt.upstream
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			if upstreamPath != "" {
				pr.Out.URL.Path = strings.TrimSuffix(target.Path, "/") + upstreamPath
				pr.Out.URL.RawPath = ""
			}
		},
		Transport: s.transport,
		// Zero: ReverseProxy already flushes every write of a
		// text/event-stream or unknown-length response, so SSE events go out
		// one by one while sized bodies are not flushed write by write.
		FlushInterval: 0,
		// Without a pool ReverseProxy allocates a 32 KiB copy buffer per response.
		BufferPool:     copyBuffers,
		ModifyResponse: s.modifyResponse(rt),
		ErrorHandler:   s.proxyError,
		ErrorLog:       log.New(logrWriter{s.log.V(1)}, "", 0),
	}
}

// copyBuffers are ReverseProxy's body copy buffers, shared by all routes.
var copyBuffers = &bufferPool{pool: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}}

type bufferPool struct{ pool sync.Pool }

func (p *bufferPool) Get() []byte  { return *p.pool.Get().(*[]byte) }
func (p *bufferPool) Put(b []byte) { p.pool.Put(&b) }

// modifyResponse is ReverseProxy's hook for adaptResponse.
func (s *Server) modifyResponse(rt route) func(*http.Response) error {
	return func(res *http.Response) error {
		return s.adaptResponse(res, rt, func() []byte { return sentBody(res.Request) })
	}
}

// adaptResponse translates errors and shapes into vLLM's, and guards
// streams; sent returns the body sent upstream, for the error log.
func (s *Server) adaptResponse(res *http.Response, rt route, sent func() []byte) error {
	switch {
	case isEventStream(res.Header):
		s.guardStream(res, rt)
	case res.StatusCode >= http.StatusBadRequest:
		return s.translateError(res, sent)
	case rt.translate != nil && res.StatusCode == http.StatusOK && res.Header.Get("Content-Encoding") == "":
		return s.translateBody(res, rt.translate)
	}
	return nil
}

func isEventStream(h http.Header) bool {
	return strings.HasPrefix(h.Get("Content-Type"), "text/event-stream")
}

func (s *Server) guardStream(res *http.Response, rt route) {
	req := res.Request
	// Rewritten events change the length; a stream has none to keep.
	res.Header.Del("Content-Length")
	res.ContentLength = -1
	res.Body = &sseBody{
		upstream: res.Body,
		ctx:      req.Context(),
		path:     responsePath(rt),
		onBreak: func(err error) {
			s.metrics.upstreamErrors.WithLabelValues("stream").Inc()
			s.log.Info("Upstream broke off a stream; ending it with an error event", "path", req.URL.Path, "error", err.Error())
		},
		tail: s.streamTail,
	}
}

// streamTail ends a broken stream the way vLLM ends a failed one: an error
// event, then [DONE].
func (s *Server) streamTail(err error) []byte {
	msg := "upstream closed the stream before it finished: " + err.Error()
	var b bytes.Buffer
	b.WriteString("data: ")
	b.Write(body.ErrorJSON(http.StatusBadGateway, msg, ""))
	b.WriteString("\n\ndata: [DONE]\n\n")
	return b.Bytes()
}

// translateError rewrites an SGLang error body into vLLM's envelope and logs
// it with the request body that was sent, as the earlier shim's error dump did.
func (s *Server) translateError(res *http.Response, sent func() []byte) error {
	raw, complete, err := readUpTo(res.Body, maxErrorBody, res.ContentLength)
	if err != nil {
		return fmt.Errorf("reading upstream error body: %w", err)
	}
	s.log.Info("Upstream answered an error", "path", res.Request.URL.Path, "status", res.StatusCode,
		"requestBody", truncate(sent(), dumpRequestBytes), "responseBody", truncate(raw, dumpResponseBytes))
	if !complete {
		res.Body = prepend(raw, res.Body)
		return nil
	}
	_ = res.Body.Close()
	status, b := body.VLLMErrorResponse(res.StatusCode, raw) // FastAPI's 422 is vLLM's 400
	res.StatusCode, res.Status = status, strconv.Itoa(status)+" "+http.StatusText(status)
	setBody(res, b, "application/json")
	return nil
}

// translateBody applies a route's response translator to a 200 answer. An
// answer over maxTranslatedBody passes through untranslated.
func (s *Server) translateBody(res *http.Response, translate responseTranslator) error {
	raw, complete, err := readUpTo(res.Body, maxTranslatedBody, res.ContentLength)
	if err != nil {
		_ = res.Body.Close()
		return fmt.Errorf("reading upstream %s response: %w", res.Request.URL.Path, err)
	}
	if !complete {
		s.log.V(1).Info("Upstream answer too large to translate; passing it on as is", "path", res.Request.URL.Path)
		res.Body = prepend(raw, res.Body)
		return nil
	}
	_ = res.Body.Close()
	out, err := translate(raw)
	if err != nil {
		return err
	}
	setBody(res, out, "application/json")
	return nil
}

// prepend gives back the bytes already read from rc in front of the rest.
func prepend(read []byte, rc io.ReadCloser) io.ReadCloser {
	return struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(read), rc), rc}
}

func setBody(res *http.Response, b []byte, contentType string) {
	res.Body = io.NopCloser(bytes.NewReader(b))
	res.ContentLength = int64(len(b))
	res.Header.Set("Content-Length", strconv.Itoa(len(b)))
	res.Header.Set("Content-Type", contentType)
	res.Header.Del("Content-Encoding")
	res.TransferEncoding = nil
}

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
	msg := "upstream unavailable: " + err.Error()
	if status == http.StatusRequestEntityTooLarge {
		msg = fmt.Sprintf("request body exceeds %d bytes", s.opts.MaxBodyBytes)
	}
	writeError(w, status, "", msg)
}

// statusClientClosed is nginx's code for "client closed request"; it only
// shows in the proxy's own request metric.
const statusClientClosed = 499

// classify maps a transport error to the status the client gets and a
// metric reason.
func classify(ctx context.Context, err error) (int, string) {
	var maxErr *http.MaxBytesError
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.As(err, &maxErr):
		return http.StatusRequestEntityTooLarge, "body_too_large"
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

// errTypeBadRequest is the type vLLM gives the 400s it answers itself
// (OpenAIServing.create_error_response's default).
const errTypeBadRequest = "BadRequestError"

// writeError writes vLLM's error envelope; an empty typ becomes the status
// phrase, as vLLM's HTTPException handler writes it.
func writeError(w http.ResponseWriter, status int, typ, msg string) {
	b := body.ErrorJSON(status, msg, typ)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// readUpTo reads at most limit bytes; complete is false when more remain.
// A known length (else -1) is read in one piece.
func readUpTo(r io.Reader, limit, length int64) (b []byte, complete bool, err error) {
	if length >= 0 && length <= limit {
		b = make([]byte, length)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, false, unexpectedEOF(err)
		}
		return b, true, nil
	}
	b, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(b)) > limit {
		return b, false, err
	}
	return b, true, err
}

// sentBody is the (post-filter) body sent upstream, when it is known.
func sentBody(req *http.Request) []byte {
	if req == nil || req.GetBody == nil {
		return nil
	}
	rc, err := req.GetBody()
	if err != nil {
		return nil
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, dumpRequestBytes))
	return b
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "...(truncated)"
	}
	return string(b)
}

// logrWriter sends net/http's internal log lines to the structured logger.
type logrWriter struct {
	log interface{ Info(string, ...any) }
}

func (w logrWriter) Write(p []byte) (int, error) {
	w.log.Info(strings.TrimSpace(string(p)))
	return len(p), nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
