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
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The completions routes, whose request bodies the proxy holds in memory
// anyway, reach SGLang through this minimal HTTP/1.1 client instead of
// http.Transport. The request is written and the answer read by the
// handler's own goroutine on a pooled keep-alive connection: one write per
// request and no hand-offs to the Transport's per-connection reader and
// writer goroutines, which cost more CPU than everything else the proxy does
// (docs/proxy.md, Performance).

// Pool settings.
const (
	// maxIdleUpstream bounds the idle connections kept; a burst of
	// concurrent streams opens more, which are closed when they finish.
	maxIdleUpstream = 1024
	// checkIdleAfter is how long a connection may sit idle before it is
	// checked for a close by SGLang (uvicorn closes idle ones after 5 s)
	// before reuse. Under load connections are reused long before.
	checkIdleAfter = 100 * time.Millisecond
	// sweepInterval is how often idle connections that SGLang closed, or
	// that were idle longer than idleConnTimeout, are closed.
	sweepInterval = time.Second
	// maxResponseHeader bounds an upstream response's status line and headers.
	maxResponseHeader = 1 << 20
)

// upstreamConn is one keep-alive connection to SGLang.
type upstreamConn struct {
	conn      net.Conn
	r         *bufio.Reader
	w         []byte // request buffer, reused
	idleSince time.Time
	reused    bool
	stop      func() bool // unregisters the request's cancel hook
}

// upstreamPool keeps idle connections to one host:port.
type upstreamPool struct {
	addr   string // host:port dialled
	host   string // Host header
	dialer net.Dialer
	// checkAfter is checkIdleAfter (tests set 0 to check every reuse).
	checkAfter time.Duration

	mu     sync.Mutex
	idle   []*upstreamConn // most recently used last
	closed bool
}

func newUpstreamPool(host string) *upstreamPool {
	addr := host
	if _, _, err := net.SplitHostPort(host); err != nil {
		addr = net.JoinHostPort(host, "80")
	}
	return &upstreamPool{addr: addr, host: host, checkAfter: checkIdleAfter,
		dialer: net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}}
}

// get returns an idle connection that is still open, or a new one.
func (p *upstreamPool) get(ctx context.Context) (*upstreamConn, error) {
	for {
		c := p.popIdle()
		if c == nil {
			break
		}
		if time.Since(c.idleSince) < p.checkAfter || stillOpen(c.conn) {
			c.reused = true
			return c, nil
		}
		_ = c.conn.Close()
	}
	conn, err := p.dialer.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return nil, err
	}
	return &upstreamConn{conn: conn, r: bufio.NewReaderSize(conn, 4<<10)}, nil
}

func (p *upstreamPool) popIdle() *upstreamConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.idle)
	if n == 0 {
		return nil
	}
	c := p.idle[n-1]
	p.idle[n-1] = nil
	p.idle = p.idle[:n-1]
	return c
}

// put keeps c for reuse, or closes it when the pool is full or closed.
func (p *upstreamPool) put(c *upstreamConn) {
	c.idleSince = time.Now()
	p.mu.Lock()
	if !p.closed && len(p.idle) < maxIdleUpstream {
		p.idle = append(p.idle, c)
		c = nil
	}
	p.mu.Unlock()
	if c != nil {
		_ = c.conn.Close()
	}
}

// sweep closes idle connections SGLang has closed or that were idle too
// long, so their file descriptors do not linger until the next burst.
func (p *upstreamPool) sweep() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	var keep []*upstreamConn
	for _, c := range idle {
		if time.Since(c.idleSince) < idleConnTimeout && stillOpen(c.conn) {
			keep = append(keep, c)
			continue
		}
		_ = c.conn.Close()
	}
	p.mu.Lock()
	p.idle = append(keep, p.idle...)
	p.mu.Unlock()
}

// runSweeper sweeps until ctx ends, then closes every idle connection.
func (p *upstreamPool) runSweeper(ctx context.Context) {
	t := time.NewTicker(sweepInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			p.close()
			return
		case <-t.C:
			p.sweep()
		}
	}
}

// close closes the idle connections; connections in use are closed when
// they are put back.
func (p *upstreamPool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, c := range idle {
		_ = c.conn.Close()
	}
}

// stillOpen peeks at an idle connection without blocking: an idle
// keep-alive connection has nothing to read, so EOF (SGLang closed it),
// data or an error all mean it must not be reused.
func stillOpen(conn net.Conn) bool {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	open := false
	var buf [1]byte
	err = raw.Read(func(fd uintptr) bool {
		n, _, errno := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		open = n < 0 && (errno == syscall.EAGAIN || errno == syscall.EWOULDBLOCK)
		return true // never wait
	})
	return err == nil && open
}

// upstreamResponse is the status and headers SGLang answered, with the
// body still on the connection.
type upstreamResponse struct {
	status  int
	header  http.Header
	length  int64 // -1: chunked or until close
	chunked bool
	close   bool // the connection cannot be reused after the body
}

// errMalformed marks an answer the proxy cannot parse.
var errMalformed = errors.New("malformed HTTP response from upstream")

// readResponseHead reads the status line and headers of the next final
// (non-1xx) response.
func readResponseHead(r *bufio.Reader, method string) (*upstreamResponse, error) {
	for {
		res, err := readOneHead(r)
		if err != nil {
			return nil, err
		}
		if res.status >= 200 || res.status == http.StatusSwitchingProtocols {
			noBody := method == http.MethodHead || res.status == http.StatusNoContent || res.status == http.StatusNotModified
			if noBody {
				res.length, res.chunked = 0, false
			}
			return res, nil
		}
		// 1xx informational answers (100 Continue, 103 Early Hints) are
		// not passed on: the proxy never forwards Expect.
	}
}

func readOneHead(r *bufio.Reader) (*upstreamResponse, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return nil, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || string(line[:5]) != "HTTP/" || line[8] != ' ' {
		return nil, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil || status < 100 {
		return nil, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	res := &upstreamResponse{status: status, header: make(http.Header, 8), length: -1}
	res.close = string(line[:8]) == "HTTP/1.0"
	if err := readHeader(r, res); err != nil {
		return nil, err
	}
	return res, nil
}

// readHeader reads header lines into res up to the blank line.
func readHeader(r *bufio.Reader, res *upstreamResponse) error {
	size := 0
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return fmt.Errorf("reading upstream response headers: %w", err)
		}
		size += len(line)
		if size > maxResponseHeader {
			return fmt.Errorf("%w: headers over %d bytes", errMalformed, maxResponseHeader)
		}
		line = trimCRLF(line)
		if len(line) == 0 {
			return nil
		}
		i := bytes.IndexByte(line, ':')
		if i <= 0 {
			return fmt.Errorf("%w: header line %q", errMalformed, line)
		}
		key := http.CanonicalHeaderKey(string(line[:i]))
		value := string(bytes.TrimSpace(line[i+1:]))
		res.header[key] = append(res.header[key], value)
		if err := res.frame(key, value); err != nil {
			return err
		}
	}
}

// frame notes what a header says about the body's framing.
func (res *upstreamResponse) frame(key, value string) error {
	switch key {
	case "Content-Length":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n < 0 || (res.length >= 0 && res.length != n) {
			return fmt.Errorf("%w: Content-Length %q", errMalformed, value)
		}
		res.length = n
	case "Transfer-Encoding":
		res.chunked = headerHasToken(value, "chunked")
	case "Connection":
		res.close = res.close || headerHasToken(value, "close")
	}
	return nil
}

// body returns a reader of the response body; done reports whether the
// body was read to its end, so the connection can be reused.
func (res *upstreamResponse) body(r *bufio.Reader) (body io.Reader, done func() bool) {
	switch {
	case res.chunked:
		cr := &chunkedReader{r: r}
		return cr, func() bool { return cr.done }
	case res.length >= 0:
		lr := &lengthReader{r: r, left: res.length}
		return lr, func() bool { return lr.left == 0 }
	default: // until the connection closes
		res.close = true
		return r, func() bool { return false }
	}
}

// lengthReader reads a body of known length; the connection ending
// before it is an error, not the end of the body.
type lengthReader struct {
	r    *bufio.Reader
	left int64
}

func (l *lengthReader) Read(p []byte) (int, error) {
	if l.left == 0 {
		return 0, io.EOF
	}
	n, err := l.r.Read(p[:min(int64(len(p)), l.left)])
	l.left -= int64(n)
	if err == io.EOF && l.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// chunkedReader decodes a chunked body and consumes its trailer section.
type chunkedReader struct {
	r    *bufio.Reader
	left int64 // bytes left in the current chunk
	done bool
	err  error
}

func (c *chunkedReader) Read(p []byte) (int, error) {
	for c.err == nil && c.left == 0 && !c.done {
		c.err = c.nextChunk()
	}
	if c.done {
		return 0, io.EOF
	}
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p[:min(int64(len(p)), c.left)])
	c.left -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if c.left == 0 && err == nil {
		err = c.chunkEnd()
	}
	c.err = err
	return n, err
}

// nextChunk reads a chunk-size line; the last chunk's trailer is skipped.
func (c *chunkedReader) nextChunk() error {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return unexpectedEOF(err)
	}
	size := bytes.TrimSpace(trimCRLF(line))
	if i := bytes.IndexByte(size, ';'); i >= 0 {
		size = size[:i]
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("%w: chunk size %q", errMalformed, line)
	}
	if n > 0 {
		c.left = n
		return nil
	}
	for { // trailer lines up to the blank one
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return unexpectedEOF(err)
		}
		if len(trimCRLF(line)) == 0 {
			c.done = true
			return nil
		}
	}
}

// chunkEnd consumes the CRLF after a chunk's data.
func (c *chunkedReader) chunkEnd() error {
	b, err := c.r.Peek(2)
	if err != nil {
		return unexpectedEOF(err)
	}
	if b[0] == '\r' && b[1] == '\n' {
		_, _ = c.r.Discard(2)
		return nil
	}
	if b[0] == '\n' {
		_, _ = c.r.Discard(1)
		return nil
	}
	return fmt.Errorf("%w: chunk not followed by CRLF", errMalformed)
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func trimCRLF(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// headerHasToken reports whether a comma-separated header value holds
// token, in any case.
func headerHasToken(value, token string) bool {
	for part := range strings.SplitSeq(value, ",") {
		if strings.EqualFold(strings.TrimSpace(part), token) {
			return true
		}
	}
	return false
}
