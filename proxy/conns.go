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
	"net"
	"net/http"
	"sync"
	"time"
)

// Client connections. Each costs memory whatever it sends (net/http's
// buffers and goroutine, and a head being parsed), so their number is
// bounded by --max-connections. At the bound a new connection is admitted
// by closing the connection that has waited longest without a request in
// progress (idle keep-alive, or still sending its head: a client that
// sends heads slowly cannot keep others out); when every connection has a
// request in progress, the new one is answered 503 in vLLM's shape and
// closed (at most refusedConnections such answers at once; beyond, new
// connections are closed at once).
//
// Each head's header field lines are counted as they arrive, before
// net/http parses them: net/http keeps about 80 bytes per field on top of
// its bytes, so a head of tiny fields would cost 16 times its size. A head
// with more than --max-header-fields fields gets 431 and its connection is
// closed.

// refusedConnections bounds the connections over --max-connections that
// are read and answered 503 at once.
const refusedConnections = 64

// connLimiter tracks the client connections; see above.
type connLimiter struct {
	max       int
	maxFields int
	// onLimit counts a limit reached (a limited_total label).
	onLimit func(limit string)

	mu       sync.Mutex
	conns    map[*trackedConn]struct{} // admitted and not closed
	refusing int                       // refused and not closed
}

func newConnLimiter(max, maxFields int, onLimit func(string)) *connLimiter {
	return &connLimiter{max: max, maxFields: maxFields, onLimit: onLimit, conns: map[*trackedConn]struct{}{}}
}

// open is the number of client connections open.
func (l *connLimiter) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns) + l.refusing
}

// listener wraps ln so that its connections are tracked.
func (l *connLimiter) listener(ln net.Listener) net.Listener { return limitListener{ln, l} }

type limitListener struct {
	net.Listener
	l *connLimiter
}

func (ll limitListener) Accept() (net.Conn, error) {
	for {
		c, err := ll.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if tc := ll.l.admit(c); tc != nil {
			return tc, nil
		}
	}
}

// admit tracks a new connection, making room for it or marking it
// refused; nil when it was closed at once.
func (l *connLimiter) admit(c net.Conn) *trackedConn {
	tc := &trackedConn{Conn: c, l: l, head: headCounter{max: l.maxFields}}
	l.mu.Lock()
	var victim *trackedConn
	if len(l.conns) >= l.max {
		victim = l.longestWaitingLocked()
		switch {
		case victim != nil:
			l.forgetLocked(victim)
		case l.refusing < refusedConnections:
			tc.refused = true
			l.refusing++
		default:
			l.mu.Unlock()
			_ = c.Close()
			l.onLimit(limitConnections)
			return nil
		}
	}
	tc.state, tc.since = http.StateNew, time.Now()
	if !tc.refused {
		l.conns[tc] = struct{}{}
	}
	l.mu.Unlock()
	if victim != nil {
		_ = victim.Conn.Close()
		l.onLimit(limitEvicted)
	}
	return tc
}

// longestWaitingLocked is the connection without a request in progress
// (new or idle) that has been so longest, or nil.
func (l *connLimiter) longestWaitingLocked() *trackedConn {
	var oldest *trackedConn
	for c := range l.conns {
		if (c.state == http.StateNew || c.state == http.StateIdle) && (oldest == nil || c.since.Before(oldest.since)) {
			oldest = c
		}
	}
	return oldest
}

func (l *connLimiter) forgetLocked(c *trackedConn) {
	if c.gone {
		return
	}
	c.gone = true
	if c.refused {
		l.refusing--
	} else {
		delete(l.conns, c)
	}
}

// connState is the http.Server's ConnState hook.
func (l *connLimiter) connState(c net.Conn, st http.ConnState) {
	tc, ok := c.(*trackedConn)
	if !ok {
		return
	}
	l.mu.Lock()
	tc.state, tc.since = st, time.Now()
	if st == http.StateClosed || st == http.StateHijacked {
		l.forgetLocked(tc)
	}
	l.mu.Unlock()
	if st == http.StateIdle { // the next bytes are the next request's head
		tc.hmu.Lock()
		tc.head.reset()
		tc.hmu.Unlock()
	}
}

// connKey is the request context key of a request's *trackedConn
// (http.Server.ConnContext).
type connKey struct{}

// trackedConn is a client connection of a connLimiter.
type trackedConn struct {
	net.Conn
	l *connLimiter
	// refused: the connection came over --max-connections; its request
	// is answered 503 (guard). Set before the connection is served.
	refused bool

	// Under l.mu.
	state http.ConnState
	since time.Time
	gone  bool // no longer counted

	hmu  sync.Mutex
	head headCounter
}

// errTooManyFields ends a connection whose head has too many fields.
var errTooManyFields = errors.New("too many header fields")

// tooManyFields is the answer to a head with too many fields, written
// before net/http has parsed it, in net/http's words for a head too large.
const tooManyFields = "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n" +
	"Connection: close\r\n\r\n431 Request Header Fields Too Large: too many header fields"

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.hmu.Lock()
		ok := c.head.scan(p[:n])
		c.hmu.Unlock()
		if !ok {
			c.l.onLimit(limitHeaderFields)
			_ = c.SetWriteDeadline(time.Now().Add(time.Second))
			_, _ = c.Conn.Write([]byte(tooManyFields))
			_ = c.CloseWrite()
			// A read error net/http ends the connection on without an
			// answer of its own.
			return 0, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: errTooManyFields}
		}
	}
	return n, err
}

func (c *trackedConn) Close() error {
	c.l.mu.Lock()
	c.l.forgetLocked(c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// CloseWrite lets net/http half-close the connection before it closes it,
// so that the client reads the last answer (as with a *net.TCPConn).
func (c *trackedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// headCounter counts the lines of a request head as its bytes arrive: the
// request line and the header fields, up to the empty line that ends it.
// What follows is the body, not counted, until reset (the connection went
// idle: the next bytes are the next head).
type headCounter struct {
	max        int  // header fields allowed
	done       bool // the head has ended
	lines      int  // lines so far, the request line included
	hasContent bool // the current line has a byte other than CR
}

func (h *headCounter) reset() { *h = headCounter{max: h.max} }

// scan counts the lines in p; false when the head has too many fields.
func (h *headCounter) scan(p []byte) bool {
	for !h.done && len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		line := p
		if i >= 0 {
			line = p[:i]
		}
		if !h.hasContent && len(bytes.Trim(line, "\r")) > 0 {
			h.hasContent = true
		}
		if i < 0 {
			return true
		}
		p = p[i+1:]
		switch {
		case h.hasContent:
			h.lines++
			h.hasContent = false
			if h.lines > h.max+1 {
				return false
			}
		case h.lines > 0: // the empty line that ends the head
			h.done = true
		}
		// An empty line before the request line is skipped, as net/http
		// and RFC 9112 (2.2) allow.
	}
	return true
}
