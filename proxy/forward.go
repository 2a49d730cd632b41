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
	"errors"
	"io"
	"net/http"
	"sync"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/body"
	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/upstream"
)

// ModifiedHeader lists every change the proxy made to a request body.
const ModifiedHeader = "X-Vllm-To-Sglang-Modified"

// forward is the one way a request reaches SGLang, for every forwarded
// route, filtered or not, streamed or not:
//
//  1. the request body is read whole, within --max-body-bytes and the
//     limits of limits.go (as nginx buffers request bodies: SGLang gets
//     the request in one piece and a slow client holds no upstream
//     connection);
//  2. on a filtered route a POST body passes through package body;
//  3. upstream.Client sends it on a pooled connection and returns the
//     answer's head; the body is dropped then (and its memory given back
//     to --body-memory-bytes), only its start kept for the error log at
//     debug level;
//  4. adaptResponse (adapt.go) turns errors and shapes into vLLM's;
//  5. the body is copied: an event stream by copyEvents (sse.go), anything
//     else as it comes.
//
// A client that leaves cancels the request: the upstream connection is
// closed, so SGLang aborts the generation.
func (s *Server) forward(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.model && s.sleepState != nil {
			if !s.sleepState.admit() {
				refuseAsleep(w)
				return
			}
			defer s.sleepState.done()
		}
		held, ok := s.readBody(w, r)
		if !ok {
			return
		}
		defer held.release()
		if rt.filter && r.Method == http.MethodPost && !s.filterBody(w, r, rt.pattern, &held) {
			return
		}
		sent := s.logged(held.bytes())
		res, err := s.client.Do(r.Context(), &upstream.Request{
			Method: r.Method, Target: s.upstreamTarget(rt, r), Header: r.Header, Body: held.bytes(),
		})
		held.release() // SGLang has it; a long generation holds no body
		if err != nil {
			s.proxyError(w, r, err)
			return
		}
		defer res.Body.Close()
		res.Request = r
		if err := s.adaptResponse(res, rt, sent); err != nil {
			s.proxyError(w, r, err)
			return
		}
		h := w.Header()
		for k, vs := range res.Header {
			h[k] = append(h[k], vs...)
		}
		w.WriteHeader(res.StatusCode)
		if isEventStream(res.Header) {
			s.copyEvents(w, r, res.Body, responsePath(rt))
			return
		}
		if err := copyBody(w, res.Body, res.ContentLength < 0); err != nil {
			s.bodyBroken(r, err)
		}
	})
}

// filterBody passes a chat or completions body through package body,
// replacing it in held. A body that needs no change is sent as the very
// bytes that came in; every change is named in ModifiedHeader and counted.
// A field SGLang cannot honour gets vLLM's 400 and nothing is sent.
func (s *Server) filterBody(w http.ResponseWriter, r *http.Request, path string, held *heldBody) bool {
	out, changes, err := body.RewriteContext(r.Context(), path, held.bytes(), s.bodyOpts)
	var rejected *body.RejectError
	switch {
	case errors.As(err, &rejected):
		s.metrics.rejected.WithLabelValues(rejected.Field).Inc()
		writeError(w, http.StatusBadRequest, errTypeBadRequest, rejected.Error())
		return false
	case err != nil: // the client left: the filter stopped, nothing is forwarded
		s.proxyError(w, r, err)
		return false
	case !held.replace(out):
		s.overBodyMemory(w)
		return false
	}
	if len(changes) > 0 {
		modified := body.HeaderValue(changes)
		w.Header()[ModifiedHeader] = []string{modified}
		s.metrics.countChanges(changes)
		if l := s.log.V(1); l.Enabled() { // the arguments cost allocations
			l.Info("Modified a request body", "path", path, "changes", modified)
		}
	}
	return true
}

// logged returns what the error log may show of the body sent: its first
// dumpRequestBytes at debug level (a copy, so that the body itself can be
// dropped once sent), nil otherwise. Prompts are the clients' data, and
// any client can make SGLang answer an error.
func (s *Server) logged(sent []byte) []byte {
	if !s.log.V(1).Enabled() || len(sent) == 0 {
		return nil
	}
	return append([]byte(nil), sent[:min(len(sent), dumpRequestBytes+1)]...)
}

// upstreamTarget is the request-target sent to SGLang: the route's
// upstream path (or the request's own clean path, re-encoded by
// escapePath), under the upstream URL's path, with the request's query.
func (s *Server) upstreamTarget(rt route, r *http.Request) string {
	path := rt.upstream
	if path == "" {
		path = escapePath(r.URL.Path)
	}
	path = s.sglangTarget(path)
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	return path
}

// sglangTarget is the request-target of SGLang's path (escaped, starting
// with "/") under the upstream URL's path.
func (s *Server) sglangTarget(path string) string {
	return s.upstreamBase + path
}

// copyBuffers are the body copy buffers of all responses.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// copyBody copies an answer's body that is not an event stream, flushing
// every write when its length is unknown (so that a body produced bit by
// bit reaches the client as it comes, as with httputil.ReverseProxy).
func copyBody(w http.ResponseWriter, body io.Reader, flush bool) error {
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	rc := http.NewResponseController(w)
	for {
		n, rerr := body.Read(buf)
		if n > 0 {
			if _, err := w.Write(buf[:n]); err != nil {
				return errClientGone
			}
			if flush {
				if err := rc.Flush(); err != nil {
					return errClientGone
				}
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// errClientGone marks a failed write to the client.
var errClientGone = errors.New("client connection closed")

// bodyBroken handles an answer that could not be copied to its end. The
// client's connection is aborted, so the client sees a truncated answer
// rather than a complete-looking one.
func (s *Server) bodyBroken(r *http.Request, err error) {
	if errors.Is(err, errClientGone) || r.Context().Err() != nil {
		s.metrics.upstreamErrors.WithLabelValues("canceled").Inc()
		return
	}
	s.metrics.upstreamErrors.WithLabelValues("stream").Inc()
	s.log.Info("Upstream broke off an answer; aborting the client connection", "path", r.URL.Path, "error", err.Error())
	panic(http.ErrAbortHandler)
}
