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
	"os"
	"sync/atomic"
	"time"
)

// What a client can make the proxy hold is bounded by what it sent, never
// by what it declared, and for a bounded time:
//
//   - a request body is read into memory that grows with the bytes that
//     arrived (a declared Content-Length only caps the growth), and all
//     bodies held at once share --body-memory-bytes: a body that would
//     need more gets 503 (vLLM's shape, Retry-After) and its connection
//     is closed, rather than wait for memory that other slow bodies hold;
//   - a body has --body-timeout, then must keep --body-min-rate on
//     average: one that falls behind gets 408 and its connection is
//     closed. The deadline is set before any handler runs, so a body that
//     no handler reads (net/http discards up to 256 KiB of it after the
//     answer) is bounded too;
//   - heads, header fields and connections are bounded by conns.go and
//     net/http (--header-timeout, --max-header-bytes, --max-header-fields,
//     --max-connections).
//
// docs/proxy.md ("Limits and hostile input") has the measured bounds.

// guard runs before routing: it answers connections over
// --max-connections, refuses CONNECT and TRACE, requests with too many
// header fields and paths that are not clean (path.go), sets the body's
// read deadline, and hands the rest to next with the clean path in
// r.URL.Path.
func (s *Server) guard(next http.Handler) http.Handler {
	invalid := func(w http.ResponseWriter, r *http.Request, answer func(http.ResponseWriter)) {
		s.instrument(routeInvalid, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { answer(w) })).ServeHTTP(w, r)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := r.Context().Value(connKey{}).(*trackedConn); ok && c.refused {
			s.metrics.limited.WithLabelValues(limitConnections).Inc()
			invalid(w, r, func(w http.ResponseWriter) {
				w.Header().Set("Connection", "close")
				busy(w, "the proxy has --max-connections="+itoa(int64(s.opts.MaxConnections))+" client connections open")
			})
			return
		}
		switch r.Method {
		case http.MethodConnect, http.MethodTrace:
			// Nothing is tunnelled or echoed; FastAPI answers both with 405
			// on any route it has.
			invalid(w, r, methodNotAllowed)
			return
		}
		if headerFields(r.Header) > s.opts.MaxHeaderFields {
			s.metrics.limited.WithLabelValues(limitHeaderFields).Inc()
			invalid(w, r, func(w http.ResponseWriter) {
				w.Header().Set("Connection", "close")
				http.Error(w, "431 Request Header Fields Too Large: too many header fields", http.StatusRequestHeaderFieldsTooLarge)
			})
			return
		}
		path, err := cleanPath(requestPath(r))
		if err != nil {
			invalid(w, r, func(w http.ResponseWriter) { writeError(w, http.StatusBadRequest, errTypeBadRequest, err.Error()) })
			return
		}
		r.URL.Path, r.URL.RawPath = path, ""
		if r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody {
			_ = http.NewResponseController(w).SetReadDeadline(s.bodyDeadline(time.Now(), 0))
		}
		next.ServeHTTP(w, r)
	})
}

// headerFields counts the header field lines of a request.
func headerFields(h http.Header) int {
	n := 0
	for _, vs := range h {
		n += len(vs)
	}
	return n
}

// bodyDeadline is when a body that began at start and of which received
// bytes have arrived must have arrived whole, at the latest.
func (s *Server) bodyDeadline(start time.Time, received int64) time.Time {
	d := s.opts.BodyTimeout
	if s.opts.BodyMinRate > 0 {
		d += time.Duration(float64(received) / float64(s.opts.BodyMinRate) * float64(time.Second))
	}
	return start.Add(d)
}

// Labels of the limited_total metric.
const (
	limitConnections  = "connections"
	limitEvicted      = "evicted"
	limitHeaderFields = "header_fields"
	limitBodyMemory   = "body_memory"
	limitBodyTimeout  = "body_timeout"
)

// bodyBudget is --body-memory-bytes: the bytes of request-body buffers
// allocated at once, across requests.
type bodyBudget struct {
	max  int64
	held atomic.Int64
}

// reserve takes n bytes of the budget; false when they would exceed it.
func (b *bodyBudget) reserve(n int64) bool {
	if b.held.Add(n) > b.max {
		b.held.Add(-n)
		return false
	}
	return true
}

func (b *bodyBudget) release(n int64) { b.held.Add(-n) }

// heldBody is a request body in memory and its share of the budget. The
// zero value is an empty body.
type heldBody struct {
	b      []byte
	budget *bodyBudget
	held   int64
}

// bytes returns the body.
func (h *heldBody) bytes() []byte { return h.b }

// replace swaps the body for b (the filter's output, whose memory is its
// own), taking b's share of the budget and giving back the old body's;
// false when the budget cannot take b, and the body is released.
func (h *heldBody) replace(b []byte) bool {
	if h.budget == nil || len(b) == 0 || len(h.b) > 0 && &b[0] == &h.b[0] {
		h.b = b
		return true
	}
	if !h.budget.reserve(int64(cap(b))) {
		h.release()
		return false
	}
	h.budget.release(h.held)
	h.b, h.held = b, int64(cap(b))
	return true
}

// release gives the body's memory back to the budget and drops the body.
func (h *heldBody) release() {
	if h.budget != nil {
		h.budget.release(h.held)
	}
	h.b, h.held = nil, 0
}

// Sizes of a body buffer: the first allocation, at most initialBodyBuffer
// (or the declared length when smaller), doubles as bytes arrive, up to
// the declared length (or --max-body-bytes + 1 for a chunked body).
const initialBodyBuffer = 16 << 10

// readBody reads the whole request body within the limits above. It
// answers the client itself when it returns false: 413 over
// --max-body-bytes, 503 over --body-memory-bytes, 408 for a body that fell
// behind its deadline, 400 for a broken one (a malformed chunk, a client
// that closed early). The caller must release the body.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) (heldBody, bool) {
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return heldBody{}, true
	}
	rc := http.NewResponseController(w)
	h, ok := s.readBodyInto(w, r, rc)
	if ok {
		_ = rc.SetReadDeadline(time.Time{}) // the next request's are net/http's
	} else {
		// The connection is closed after the answer; net/http would first
		// read up to 256 KiB more of the body, which nobody waits for.
		_ = rc.SetReadDeadline(time.Now())
	}
	return h, ok
}

func (s *Server) readBodyInto(w http.ResponseWriter, r *http.Request, rc *http.ResponseController) (heldBody, bool) {
	if r.ContentLength > s.opts.MaxBodyBytes {
		s.tooLarge(w)
		return heldBody{}, false
	}
	limit := r.ContentLength // what the buffer may grow to
	if limit < 0 {
		limit = s.opts.MaxBodyBytes + 1 // one byte more tells a body over the limit
	}
	h := heldBody{budget: s.bodyBudget}
	start := time.Now()
	buf := []byte(nil)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) == limit {
				if r.ContentLength >= 0 {
					// All declared bytes are in; the read that returns
					// io.EOF lets net/http watch for the client leaving.
					var one [1]byte
					if _, err := r.Body.Read(one[:]); err != nil && !errors.Is(err, io.EOF) {
						return s.bodyFailed(w, &h, err)
					}
					break
				}
				h.release()
				s.tooLarge(w)
				return heldBody{}, false
			}
			grown := min(max(2*int64(cap(buf)), initialBodyBuffer), limit)
			if !s.bodyBudget.reserve(grown) {
				h.release()
				w.Header().Set("Connection", "close")
				s.overBodyMemory(w)
				return heldBody{}, false
			}
			buf = append(make([]byte, 0, grown), buf...)
			h.budget.release(h.held)
			h.held = grown
		}
		_ = rc.SetReadDeadline(s.bodyDeadline(start, int64(len(buf))))
		n, err := r.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s.bodyFailed(w, &h, err)
		}
	}
	if int64(len(buf)) > s.opts.MaxBodyBytes {
		h.release()
		s.tooLarge(w)
		return heldBody{}, false
	}
	h.b = buf
	return h, true
}

// bodyFailed answers a body that could not be read: 408 past its
// deadline, else 400 (a client error: a malformed chunk, a short body).
func (s *Server) bodyFailed(w http.ResponseWriter, h *heldBody, err error) (heldBody, bool) {
	h.release()
	w.Header().Set("Connection", "close")
	if errors.Is(err, os.ErrDeadlineExceeded) {
		s.metrics.limited.WithLabelValues(limitBodyTimeout).Inc()
		writeError(w, http.StatusRequestTimeout, "", "the request body did not arrive in time (--body-timeout "+
			s.opts.BodyTimeout.String()+", then --body-min-rate "+itoa(s.opts.BodyMinRate)+" bytes/s)")
		return heldBody{}, false
	}
	writeError(w, http.StatusBadRequest, errTypeBadRequest, "reading the request body: "+err.Error())
	return heldBody{}, false
}

func (s *Server) tooLarge(w http.ResponseWriter) {
	s.metrics.upstreamErrors.WithLabelValues("body_too_large").Inc()
	w.Header().Set("Connection", "close")
	writeError(w, http.StatusRequestEntityTooLarge, "", "request body exceeds "+itoa(s.opts.MaxBodyBytes)+" bytes")
}

// overBodyMemory answers a body that --body-memory-bytes cannot take: 503,
// counted as limited_total{limit="body_memory"}.
func (s *Server) overBodyMemory(w http.ResponseWriter) {
	s.metrics.limited.WithLabelValues(limitBodyMemory).Inc()
	busy(w, "the proxy holds --body-memory-bytes="+itoa(s.opts.BodyMemory())+" bytes of request bodies")
}

// busy is the 503 of a limit the proxy reached, in vLLM's shape; the
// client may retry shortly.
func busy(w http.ResponseWriter, why string) {
	w.Header().Set("Retry-After", "1")
	writeError(w, http.StatusServiceUnavailable, "", "the server is busy: "+why)
}
