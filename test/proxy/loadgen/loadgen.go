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

// Package loadgen is the cheap HTTP/1.1 client and upstream used to
// measure the proxy. A load generator shares the machine's cores with the
// servers it measures, so it must cost little per request: each connection
// writes one pre-built request and reads the response into a reused
// buffer, as wrk does, instead of going through net/http.
package loadgen

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
)

// Request is a whole HTTP/1.1 request, built once and sent many times.
func Request(method, path, host, contentType string, body []byte) []byte {
	b := fmt.Appendf(nil, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, host)
	if contentType != "" {
		b = fmt.Appendf(b, "Content-Type: %s\r\n", contentType)
	}
	b = fmt.Appendf(b, "Content-Length: %d\r\n\r\n", len(body))
	return append(b, body...)
}

// Conn is one keep-alive connection that sends the same request over and over.
type Conn struct {
	net.Conn
	r   *bufio.Reader
	req []byte
}

// Dial connects to addr (host:port); every Do sends req.
func Dial(addr string, req []byte) (*Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", addr, err)
	}
	return &Conn{Conn: c, r: bufio.NewReaderSize(c, 16<<10), req: req}, nil
}

// Do sends the request and reads the whole response; it returns the status.
func (c *Conn) Do() (int, error) {
	if _, err := c.Write(c.req); err != nil {
		return 0, err
	}
	return ReadResponse(c.r)
}

// ErrFraming is returned for a response whose end cannot be found.
var ErrFraming = errors.New("response has neither Content-Length nor chunked encoding")

// ReadResponse reads one response (status line, headers, body) from r and
// returns its status; the body is discarded.
func ReadResponse(r *bufio.Reader) (int, error) {
	status, err := readStatus(r)
	if err != nil {
		return 0, err
	}
	length, chunked, err := readHeaders(r)
	if err != nil {
		return 0, err
	}
	switch {
	case chunked:
		return status, readChunked(r, nil)
	case length >= 0:
		_, err = r.Discard(length)
		return status, err
	default:
		return status, ErrFraming
	}
}

// Events sends the request and reads a chunked server-sent event stream to
// its end; it returns the status and the number of events (blank lines
// ending an event, wherever the chunk boundaries fall).
func (c *Conn) Events() (status, events int, err error) {
	if _, err := c.Write(c.req); err != nil {
		return 0, 0, err
	}
	return ReadEvents(c.r)
}

// ReadEvents reads one chunked response from r and counts the events in
// its body: the "\n\n" sequences of the decoded bytes.
func ReadEvents(r *bufio.Reader) (status, events int, err error) {
	if status, err = readStatus(r); err != nil {
		return 0, 0, err
	}
	_, chunked, err := readHeaders(r)
	if err != nil {
		return status, 0, err
	}
	if !chunked {
		return status, 0, fmt.Errorf("%w: an event stream must be chunked", ErrFraming)
	}
	last := byte(0) // the byte before b
	err = readChunked(r, func(b []byte) {
		if last == '\n' && b[0] == '\n' {
			events++
		}
		events += bytes.Count(b, []byte("\n\n"))
		last = b[len(b)-1]
	})
	return status, events, err
}

// readStatus reads the status line and returns its code.
func readStatus(r *bufio.Reader) (int, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	return status, nil
}

// readHeaders reads header lines up to the empty one and returns the
// framing they announce (length -1 when absent).
func readHeaders(r *bufio.Reader) (length int, chunked bool, err error) {
	length = -1
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return 0, false, err
		}
		if len(line) <= 2 {
			return length, chunked, nil
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, false, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		}
	}
}

// readChunked reads a chunked body and its trailers, handing each run of
// body bytes to each (at most the reader's buffer size at a time, valid
// only during the call); a nil each discards the body.
func readChunked(r *bufio.Reader, each func([]byte)) error {
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		size, _, _ := bytes.Cut(bytes.TrimSpace(line), []byte(";"))
		n, err := strconv.ParseInt(string(size), 16, 64)
		if err != nil {
			return fmt.Errorf("bad chunk size %q", line)
		}
		if n == 0 {
			_, _, err := readHeaders(r) // trailers, up to the empty line
			return err
		}
		if each == nil {
			if _, err := r.Discard(int(n) + 2); err != nil {
				return fmt.Errorf("reading a chunk: %w", err)
			}
			continue
		}
		for left := int(n); left > 0; {
			b, err := r.Peek(min(left, r.Size()))
			if err != nil {
				return fmt.Errorf("reading a chunk: %w", err)
			}
			each(b)
			_, _ = r.Discard(len(b))
			left -= len(b)
		}
		if _, err := r.Discard(2); err != nil {
			return fmt.Errorf("reading a chunk: %w", err)
		}
	}
}

// Serve answers every request on ln with response (a whole HTTP/1.1
// response), keeping connections alive, until ln is closed. It is the
// cheapest possible upstream, so that a benchmark of the proxy measures
// the proxy.
func Serve(ln net.Listener, response []byte) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go serveConn(c, response)
	}
}

func serveConn(c net.Conn, response []byte) {
	defer c.Close()
	r := bufio.NewReaderSize(c, 16<<10)
	for {
		if _, err := r.ReadSlice('\n'); err != nil { // request line
			return
		}
		length, chunked, err := readHeaders(r)
		if err != nil {
			return
		}
		switch {
		case chunked:
			err = readChunked(r, nil)
		case length > 0:
			_, err = r.Discard(length)
		}
		if err != nil {
			return
		}
		if _, err := c.Write(response); err != nil {
			return
		}
	}
}

// Response is a whole HTTP/1.1 200 response with a JSON body.
func Response(body []byte) []byte {
	b := fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	return append(b, body...)
}
