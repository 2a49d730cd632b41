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

package upstream

import (
	"bufio"
	"context"
	"net"
	"sync"
	"syscall"
	"time"
)

// Pool settings.
const (
	dialTimeout = 5 * time.Second
	// maxIdle bounds the idle connections kept; a burst of concurrent
	// streams opens more, which are closed when they finish.
	maxIdle = 1024
	// checkIdleAfter is how long a connection may sit idle before it is
	// checked for a close by the server (uvicorn closes idle ones after
	// 5 s) before reuse. Under load connections are reused long before.
	checkIdleAfter = 100 * time.Millisecond
	// sweepInterval is how often idle connections that the server closed,
	// or that were idle longer than idleTimeout, are closed.
	sweepInterval = time.Second
	idleTimeout   = 90 * time.Second
	// readBufferSize is the size of a connection's read buffer: one read
	// from the server brings at most this much, so it bounds how many
	// streamed events reach the client in one write.
	readBufferSize = 4 << 10
)

// conn is one keep-alive connection to the server.
type conn struct {
	conn      net.Conn
	r         *bufio.Reader
	w         []byte // request head buffer, reused
	idleSince time.Time
	reused    bool
}

// largeBody is the body size from which a request is written with writev
// (head and body as two buffers, one system call) instead of being copied
// behind the head.
const largeBody = 16 << 10

// maxKeptBuffer bounds the request buffer an idle connection keeps: a
// client's large head (up to the server's header limit) is not kept by
// every pooled connection it passed through.
const maxKeptBuffer = 64 << 10

// send writes the request in one system call.
func (c *conn) send(req *Request, host string) error {
	c.w = appendHead(c.w[:0], req, host)
	var err error
	if len(req.Body) < largeBody {
		c.w = append(c.w, req.Body...)
		_, err = c.conn.Write(c.w)
	} else {
		bufs := net.Buffers{c.w, req.Body}
		_, err = bufs.WriteTo(c.conn)
	}
	if cap(c.w) > maxKeptBuffer {
		c.w = nil
	}
	return err
}

// pool keeps idle connections to one host:port.
type pool struct {
	addr   string
	dialer net.Dialer
	// checkAfter is checkIdleAfter (tests set 0 to check every reuse).
	checkAfter time.Duration

	mu     sync.Mutex
	idle   []*conn // most recently used last
	closed bool
}

func newPool(addr string) *pool {
	return &pool{addr: addr, checkAfter: checkIdleAfter,
		dialer: net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}}
}

// get returns an idle connection that is still open, or a new one.
func (p *pool) get(ctx context.Context) (*conn, error) {
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
	nc, err := p.dialer.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return nil, err
	}
	return &conn{conn: nc, r: bufio.NewReaderSize(nc, readBufferSize)}, nil
}

func (p *pool) popIdle() *conn {
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
func (p *pool) put(c *conn) {
	c.idleSince = time.Now()
	p.mu.Lock()
	if !p.closed && len(p.idle) < maxIdle {
		p.idle = append(p.idle, c)
		c = nil
	}
	p.mu.Unlock()
	if c != nil {
		_ = c.conn.Close()
	}
}

// sweep closes idle connections the server has closed or that were idle
// too long, so their file descriptors do not linger until the next burst.
func (p *pool) sweep() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	var keep []*conn
	for _, c := range idle {
		if time.Since(c.idleSince) < idleTimeout && stillOpen(c.conn) {
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
func (p *pool) runSweeper(ctx context.Context) {
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
func (p *pool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, c := range idle {
		_ = c.conn.Close()
	}
}

// stillOpen peeks at an idle connection without blocking: an idle
// keep-alive connection has nothing to read, so EOF (the server closed
// it), data or an error all mean it must not be reused.
func stillOpen(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
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
