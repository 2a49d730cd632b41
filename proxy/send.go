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
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// sendBuffered forwards r, whose (filtered) body is in memory, to SGLang on
// a pooled connection and copies the answer to w. It behaves as the
// ReverseProxy of the other routes does: hop-by-hop headers dropped both
// ways, no X-Forwarded-*, errors in vLLM's shape, responses adapted by
// adaptResponse, event streams flushed event by event, and a client that
// leaves cancels the upstream request (its connection is closed, so SGLang
// aborts the generation).
func (s *Server) sendBuffered(w http.ResponseWriter, r *http.Request, rt route, body []byte) {
	ctx := r.Context()
	c, res, err := s.roundTrip(ctx, r, rt, body)
	if err != nil {
		s.proxyError(w, r, err)
		return
	}
	reusable := false
	defer func() { s.release(c, reusable) }()
	reusable = s.copyAnswer(w, r, rt, c, res, body)
}

// roundTrip writes the request and reads the answer's head. A request
// whose write fails on a reused connection (SGLang closed it) is sent once
// more on a new one: nothing of it was processed.
func (s *Server) roundTrip(ctx context.Context, r *http.Request, rt route, body []byte) (*upstreamConn, *upstreamResponse, error) {
	for attempt := 0; ; attempt++ {
		c, err := s.pool.get(ctx)
		if err != nil {
			return nil, nil, err
		}
		c.stop = context.AfterFunc(ctx, func() { _ = c.conn.SetDeadline(aLongTimeAgo) })
		c.w = appendRequest(c.w[:0], r, s.pool.host, s.upstreamTarget(rt, r), body)
		if _, err := c.conn.Write(c.w); err != nil {
			s.release(c, false)
			if c.reused && attempt == 0 && ctx.Err() == nil {
				continue
			}
			return nil, nil, err
		}
		res, err := readResponseHead(c.r, r.Method)
		if err == nil && res.status == http.StatusSwitchingProtocols {
			err = fmt.Errorf("%w: unexpected 101 Switching Protocols", errMalformed)
		}
		if err != nil {
			s.release(c, false)
			return nil, nil, err
		}
		return c, res, nil
	}
}

// aLongTimeAgo is a deadline in the past: it unblocks reads and writes at once.
var aLongTimeAgo = time.Unix(1, 0)

// release puts c back in the pool when its answer was read to the end
// and the client did not leave meanwhile; otherwise it closes c.
func (s *Server) release(c *upstreamConn, reusable bool) {
	if c.stop != nil && !c.stop() {
		reusable = false // the cancel hook ran: the deadline is set
	}
	c.stop = nil
	if reusable {
		s.pool.put(c)
		return
	}
	_ = c.conn.Close()
}

// upstreamTarget is the request-target sent to SGLang: the route's
// upstream path (or the request's own), under the upstream URL's path,
// with the request's query.
func (s *Server) upstreamTarget(rt route, r *http.Request) string {
	path := rt.upstream
	if path == "" {
		path = r.URL.EscapedPath()
	}
	path = strings.TrimSuffix(s.upstream.EscapedPath(), "/") + path
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	return path
}

// appendRequest appends the HTTP/1.1 request sent upstream to b: the
// client's end-to-end headers and the body with its length.
func appendRequest(b []byte, r *http.Request, host, target string, body []byte) []byte {
	b = append(b, r.Method...)
	b = append(b, ' ')
	b = append(b, target...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\n"...)
	listed := r.Header["Connection"]
	for k, vs := range r.Header {
		if skipRequestHeader[k] || connectionListed(listed, k) {
			continue
		}
		for _, v := range vs {
			b = append(b, k...)
			b = append(b, ": "...)
			b = append(b, v...)
			b = append(b, "\r\n"...)
		}
	}
	if len(body) > 0 || r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, int64(len(body)), 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	return append(b, body...)
}

// skipRequestHeader are the request headers not sent upstream: hop-by-hop
// headers (as httputil.ReverseProxy drops them), the framing the proxy
// writes itself, Expect (the proxy's server answered it), and the
// forwarding headers ReverseProxy's Rewrite mode drops.
var skipRequestHeader = map[string]bool{
	"Connection": true, "Proxy-Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true,
	"Proxy-Authorization": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
	"Host": true, "Content-Length": true, "Expect": true,
	"Forwarded": true, "X-Forwarded-For": true, "X-Forwarded-Host": true, "X-Forwarded-Proto": true,
}

// skipResponseHeader are the hop-by-hop response headers not passed on.
var skipResponseHeader = map[string]bool{
	"Connection": true, "Proxy-Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true,
	"Proxy-Authorization": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

// connectionListed reports whether key is named in a Connection header,
// which makes it hop-by-hop (RFC 9110, 7.6.1).
func connectionListed(connection []string, key string) bool {
	for _, v := range connection {
		for token := range strings.SplitSeq(v, ",") {
			if textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(token)) == key {
				return true
			}
		}
	}
	return false
}

// copyAnswer adapts the answer (adaptResponse) and copies it to w; it
// reports whether the connection can carry another request.
func (s *Server) copyAnswer(w http.ResponseWriter, r *http.Request, rt route, c *upstreamConn, up *upstreamResponse, sent []byte) bool {
	body, done := up.body(c.r)
	res := &http.Response{StatusCode: up.status, Header: up.header, ContentLength: up.length,
		Body: io.NopCloser(body), Request: r}
	if err := s.adaptResponse(res, rt, func() []byte { return sent }); err != nil {
		s.proxyError(w, r, err)
		return false
	}
	h := w.Header()
	listed := up.header["Connection"]
	for k, vs := range res.Header {
		if !skipResponseHeader[k] && !connectionListed(listed, k) {
			h[k] = append(h[k], vs...)
		}
	}
	w.WriteHeader(res.StatusCode)
	flush := isEventStream(res.Header) || res.ContentLength < 0
	if err := s.copyBody(w, res.Body, flush); err != nil {
		s.bodyBroken(r, err)
		return false
	}
	_ = res.Body.Close()
	return done() && !up.close
}

// copyBody copies an answer's body, flushing every write when flush is
// set (event streams, bodies of unknown length) as ReverseProxy does.
func (s *Server) copyBody(w http.ResponseWriter, body io.Reader, flush bool) error {
	buf := copyBuffers.Get()
	defer copyBuffers.Put(buf)
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
// client's connection is aborted, as ReverseProxy does, so the client sees
// a truncated answer rather than a complete-looking one.
func (s *Server) bodyBroken(r *http.Request, err error) {
	if errors.Is(err, errClientGone) || r.Context().Err() != nil {
		s.metrics.upstreamErrors.WithLabelValues("canceled").Inc()
		return
	}
	s.metrics.upstreamErrors.WithLabelValues("stream").Inc()
	s.log.Info("Upstream broke off an answer; aborting the client connection", "path", r.URL.Path, "error", err.Error())
	panic(http.ErrAbortHandler)
}
