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

// Package upstream is the sglang-proxy's HTTP/1.1 client for the one
// server behind it (SGLang on the pod's loopback interface). Every
// forwarded request goes through Client.Do: the handler's own goroutine
// takes a pooled keep-alive connection, writes the request (head and body)
// in one write, reads the answer's head and hands back an *http.Response
// whose body reads straight from the connection. There are no hand-offs
// to per-connection reader and writer goroutines as in http.Transport,
// which cost more CPU than everything else the proxy does.
//
// Hop-by-hop headers (RFC 9110, 7.6.1) are the client's business: they are
// never sent, and never handed back. A chunked answer is decoded so that
// one Read returns every chunk that has already arrived, and never waits
// for more once it has some.
//
// Only plain http is spoken: the upstream is on the same host.
package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Client sends requests to one HTTP/1.1 server over pooled keep-alive
// connections. It is safe for concurrent use.
type Client struct {
	host string // Host header
	pool *pool
}

// New returns a client of the server at host ("host" or "host:port"; the
// port defaults to 80).
func New(host string) *Client {
	addr := host
	if _, _, err := net.SplitHostPort(host); err != nil {
		addr = net.JoinHostPort(host, "80")
	}
	return &Client{host: host, pool: newPool(addr)}
}

// Request is what Do sends.
type Request struct {
	Method string
	// Target is the origin-form request-target: the escaped path and the
	// query, if any.
	Target string
	// Header holds the client's headers; hop-by-hop ones, Host,
	// Content-Length, Expect and the forwarding headers are not sent.
	Header http.Header
	// Body is sent whole with its Content-Length. A POST, PUT or PATCH
	// always has a Content-Length, 0 for an empty body.
	Body []byte
}

// Errors of the client's own.
var (
	// ErrMalformed marks an answer the client cannot parse.
	ErrMalformed = errors.New("malformed HTTP response from upstream")
)

// Do sends req and returns the answer once its head has arrived; the body
// is read from the connection as the caller reads it. The caller must
// Close the body. ctx ending (the client left) closes the connection at
// once, whatever is blocked on it, so the server notices and stops
// working on the request.
//
// A request whose write fails on a reused connection (the server closed it
// meanwhile) is sent once more on a new one: nothing of it was processed.
// So is a GET, HEAD, OPTIONS or TRACE request whose reused connection
// closes before any byte of an answer, as http.Transport does; any other
// request once written is never sent twice (a POST may have started a
// generation).
func (c *Client) Do(ctx context.Context, req *Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		cn, err := c.pool.get(ctx)
		if err != nil {
			return nil, err
		}
		stop := context.AfterFunc(ctx, func() { _ = cn.conn.SetDeadline(aLongTimeAgo) })
		if err := cn.send(req, c.host); err != nil {
			stop()
			_ = cn.conn.Close()
			if cn.reused && attempt == 0 && ctx.Err() == nil {
				continue
			}
			return nil, err
		}
		head, err := readResponseHead(cn.r, req.Method)
		if err == nil && head.status == http.StatusSwitchingProtocols {
			err = fmt.Errorf("%w: unexpected 101 Switching Protocols", ErrMalformed)
		}
		if err != nil {
			stop()
			_ = cn.conn.Close()
			var none *noAnswerError
			if errors.As(err, &none) && cn.reused && attempt == 0 && ctx.Err() == nil && replayable(req.Method) {
				continue
			}
			return nil, err
		}
		if head.chunked {
			// Both framings: the chunks win, and the length must not
			// reach the client (RFC 9112, 6.3).
			head.header.Del("Content-Length")
		}
		dropHopByHop(head.header)
		b := &body{pool: c.pool, cn: cn, stop: stop, close: head.close}
		b.r, b.done = head.body(cn.r)
		if head.length < 0 && !head.chunked {
			b.close = true // the body ends when the connection does
		}
		return &http.Response{
			StatusCode: head.status,
			Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:        head.header,
			ContentLength: head.length,
			Close:         b.close,
			Body:          b,
		}, nil
	}
}

// Sweep closes idle connections the server has closed, or that were idle
// longer than idleTimeout, every sweepInterval until ctx ends; then it
// closes every idle connection and keeps none from then on.
func (c *Client) Sweep(ctx context.Context) { c.pool.runSweeper(ctx) }

// aLongTimeAgo is a deadline in the past: it unblocks reads and writes at once.
var aLongTimeAgo = time.Unix(1, 0)

// body is an answer's body on its connection. Read to its end, it puts the
// connection back in the pool; closed early or broken, it closes it.
type body struct {
	pool  *pool
	cn    *conn // nil once released
	r     io.Reader
	done  func() bool // the body was read to its end
	close bool        // the connection cannot carry another request
	stop  func() bool // unregisters the cancel hook
	err   error       // returned once released
}

func (b *body) Read(p []byte) (int, error) {
	if b.cn == nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	if err != nil {
		b.err = err
		b.release(err == io.EOF && b.done())
	}
	return n, err
}

// Close releases the connection: back to the pool when the body was read
// to its end (or had none), closed otherwise.
func (b *body) Close() error {
	if b.cn != nil {
		b.err = errBodyClosed
		b.release(b.done())
	}
	return nil
}

var errBodyClosed = errors.New("upstream: read on a closed body")

func (b *body) release(reusable bool) {
	if !b.stop() {
		reusable = false // the cancel hook ran: the deadline is set
	}
	// Bytes after the end of the answer are not the start of the next one.
	if reusable && !b.close && b.cn.r.Buffered() == 0 {
		b.pool.put(b.cn)
	} else {
		_ = b.cn.conn.Close()
	}
	b.cn = nil
}

// replayable reports whether a request may be sent again after its
// connection closed without an answer (RFC 9110, 9.2.2: idempotent
// methods; PUT and DELETE are left out, as http.Transport leaves them).
func replayable(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}
