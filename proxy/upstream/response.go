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
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// maxResponseHead bounds an answer's status line and headers; one line
// must also fit in the connection's read buffer.
const maxResponseHead = 1 << 20

// responseHead is the status and headers the server answered, with the
// body still on the connection.
type responseHead struct {
	status  int
	header  http.Header
	length  int64 // -1: chunked or until close
	chunked bool
	close   bool // the connection cannot be reused after the body
}

// readResponseHead reads the status line and headers of the next final
// (non-1xx) answer.
func readResponseHead(r *bufio.Reader, method string) (*responseHead, error) {
	for first := true; ; first = false {
		if first {
			if _, err := r.Peek(1); err != nil {
				return nil, &noAnswerError{err}
			}
		}
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
		// not passed on: the client never sends Expect.
	}
}

// noAnswerError is a connection that failed or closed before the first
// byte of an answer.
type noAnswerError struct{ err error }

func (e *noAnswerError) Error() string {
	return "upstream closed the connection without answering: " + e.err.Error()
}
func (e *noAnswerError) Unwrap() error { return e.err }

func readOneHead(r *bufio.Reader) (*responseHead, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return nil, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || string(line[:5]) != "HTTP/" || line[8] != ' ' {
		return nil, fmt.Errorf("%w: status line %q", ErrMalformed, line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil || status < 100 {
		return nil, fmt.Errorf("%w: status line %q", ErrMalformed, line)
	}
	res := &responseHead{status: status, header: make(http.Header, 8), length: -1}
	res.close = string(line[:8]) == "HTTP/1.0"
	if err := readHeader(r, res); err != nil {
		return nil, err
	}
	return res, nil
}

// readHeader reads header lines into res up to the blank line.
func readHeader(r *bufio.Reader, res *responseHead) error {
	size := 0
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return fmt.Errorf("reading upstream response headers: %w", err)
		}
		size += len(line)
		if size > maxResponseHead {
			return fmt.Errorf("%w: headers over %d bytes", ErrMalformed, maxResponseHead)
		}
		line = trimCRLF(line)
		if len(line) == 0 {
			return nil
		}
		i := bytes.IndexByte(line, ':')
		if i <= 0 {
			return fmt.Errorf("%w: header line %q", ErrMalformed, line)
		}
		key := canonicalKey(line[:i])
		value := string(bytes.TrimSpace(line[i+1:]))
		res.header[key] = append(res.header[key], value)
		if err := res.frame(key, value); err != nil {
			return err
		}
	}
}

// frame notes what a header says about the body's framing.
func (res *responseHead) frame(key, value string) error {
	switch key {
	case "Content-Length":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n < 0 || (res.length >= 0 && res.length != n) {
			return fmt.Errorf("%w: Content-Length %q", ErrMalformed, value)
		}
		res.length = n
	case "Transfer-Encoding":
		res.chunked = headerHasToken(value, "chunked")
	case "Connection":
		res.close = res.close || headerHasToken(value, "close")
	}
	return nil
}

// body returns a reader of the answer's body; done reports whether it was
// read to its end, so the connection can be reused. A chunked body wins
// over a length (RFC 9112, 6.3).
func (res *responseHead) body(r *bufio.Reader) (body io.Reader, done func() bool) {
	switch {
	case res.chunked:
		res.length = -1
		cr := &chunkedReader{r: r}
		return cr, func() bool { return cr.done }
	case res.length >= 0:
		lr := &lengthReader{r: r, left: res.length}
		return lr, func() bool { return lr.left == 0 }
	default: // until the connection closes
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
	if err == nil && l.left == 0 {
		err = io.EOF
	}
	return n, err
}

// chunkedReader decodes a chunked body and consumes its trailer section.
// One Read returns the data of every chunk that is already in the
// connection's buffer; it waits for the connection only while it has
// nothing to return.
type chunkedReader struct {
	r    *bufio.Reader
	left int64 // bytes left in the current chunk
	crlf bool  // the current chunk's data was read, the CRLF after it not yet
	done bool
	err  error
}

func (c *chunkedReader) Read(p []byte) (n int, err error) {
	for c.err == nil && !c.done && n < len(p) {
		if c.left == 0 {
			if n > 0 && !c.nextChunkBuffered() {
				break
			}
			c.err = c.nextChunk()
			continue
		}
		if n > 0 && c.r.Buffered() == 0 {
			break
		}
		m, err := c.r.Read(p[n : n+int(min(int64(len(p)-n), c.left))])
		n += m
		c.left -= int64(m)
		if c.left == 0 {
			c.crlf = true
		}
		if err != nil {
			c.err = unexpectedEOF(err)
		}
	}
	switch {
	case c.err != nil:
		return n, c.err
	case c.done:
		return n, io.EOF
	}
	return n, nil
}

// nextChunkBuffered reports whether the CRLF that ends the current chunk
// and the next chunk-size line (for the last chunk, the whole trailer
// section) are in the buffer already, so reading them does not wait.
func (c *chunkedReader) nextChunkBuffered() bool {
	b, _ := c.r.Peek(c.r.Buffered())
	if c.crlf {
		switch {
		case len(b) >= 1 && b[0] == '\n':
			b = b[1:]
		case len(b) >= 2 && b[0] == '\r' && b[1] == '\n':
			b = b[2:]
		case len(b) >= 2:
			return true // malformed: nextChunk says so at once
		default:
			return false
		}
	}
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return false
	}
	if n, err := chunkSize(b[:i+1]); err == nil && n == 0 {
		rest := b[i:] // from the size line's LF: the trailer ends with an empty line
		return bytes.Contains(rest, []byte("\n\n")) || bytes.Contains(rest, []byte("\n\r\n"))
	}
	return true
}

// nextChunk consumes the end of the current chunk and reads the next
// chunk-size line; the last chunk's trailer is skipped.
func (c *chunkedReader) nextChunk() error {
	if c.crlf {
		if err := c.chunkEnd(); err != nil {
			return err
		}
		c.crlf = false
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		if err == bufio.ErrBufferFull {
			return fmt.Errorf("%w: chunk-size line too long", ErrMalformed)
		}
		return unexpectedEOF(err)
	}
	n, err := chunkSize(line)
	if err != nil {
		return err
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

// chunkSize parses a chunk-size line, extensions ignored.
func chunkSize(line []byte) (int64, error) {
	size := trimCRLF(line)
	if i := bytes.IndexByte(size, ';'); i >= 0 {
		size = size[:i]
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: chunk size %q", ErrMalformed, line)
	}
	return n, nil
}

// chunkEnd consumes the CRLF (or bare LF) after a chunk's data.
func (c *chunkedReader) chunkEnd() error {
	b, err := c.r.Peek(1)
	if err != nil {
		return unexpectedEOF(err)
	}
	if b[0] == '\n' {
		_, _ = c.r.Discard(1)
		return nil
	}
	if b, err = c.r.Peek(2); err != nil {
		return unexpectedEOF(err)
	}
	if b[0] != '\r' || b[1] != '\n' {
		return fmt.Errorf("%w: chunk not followed by CRLF", ErrMalformed)
	}
	_, _ = c.r.Discard(2)
	return nil
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

// commonKeys are the header names uvicorn writes, in the lower case it
// writes them, with their canonical form: naming them costs no allocation.
var commonKeys = map[string]string{
	"content-type": "Content-Type", "content-length": "Content-Length", "date": "Date", "server": "Server",
	"transfer-encoding": "Transfer-Encoding", "connection": "Connection", "cache-control": "Cache-Control",
	"x-accel-buffering": "X-Accel-Buffering",
}

func canonicalKey(b []byte) string {
	if k, ok := commonKeys[string(b)]; ok { // no allocation: the compiler looks up without converting
		return k
	}
	return http.CanonicalHeaderKey(string(b))
}
