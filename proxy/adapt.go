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
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/body"
)

// Response adaptation: what SGLang answers is turned into what vLLM would
// have answered before it is copied to the client. Errors get vLLM's
// envelope, a few routes' successful answers vLLM's shape, and the answers
// of the completions routes vLLM's fields (body.Response); event streams
// are adapted event by event as they are copied (sse.go).

const (
	// maxErrorBody bounds the upstream error bodies read for translation;
	// larger ones pass through unchanged.
	maxErrorBody = 1 << 20
	// maxTranslatedBody bounds the successful answers held in memory for
	// translation (a completion with many long choices is large); larger
	// ones pass through unchanged.
	maxTranslatedBody = 16 << 20
	// How much of the request and the answer an error's log line keeps,
	// at debug level only (clients' prompts, and SGLang's echoes of them).
	dumpRequestBytes  = 8000
	dumpResponseBytes = 4000
)

// adaptResponse translates errors and shapes into vLLM's; sent is what the
// error log may show of the body sent upstream (logged, forward.go). An
// event stream loses its length: its events are rewritten as they are
// copied.
func (s *Server) adaptResponse(res *http.Response, rt route, sent []byte) error {
	switch {
	case isEventStream(res.Header):
		res.Header.Del("Content-Length")
		res.ContentLength = -1
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

// translateError rewrites an SGLang error body into vLLM's envelope and logs
// it; at debug level the log line has the start of the request body that
// was sent and of the answer, so an SGLang refusal can be read next to
// what it refused.
func (s *Server) translateError(res *http.Response, sent []byte) error {
	raw, complete, err := readUpTo(res.Body, maxErrorBody, res.ContentLength)
	if err != nil {
		return fmt.Errorf("reading upstream error body: %w", err)
	}
	s.logUpstreamError(res.Request.URL.Path, res.StatusCode, sent, raw)
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

// logUpstreamError logs an SGLang error answer: its path and status at
// info level, with the start of the request and answer bodies at debug
// level only.
func (s *Server) logUpstreamError(path string, status int, sent, answer []byte) {
	if l := s.log.V(1); l.Enabled() {
		l.Info("Upstream answered an error", "path", path, "status", status,
			"requestBody", truncate(sent, dumpRequestBytes), "responseBody", truncate(answer, dumpResponseBytes))
		return
	}
	s.log.Info("Upstream answered an error", "path", path, "status", status)
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

// readUpTo reads at most limit bytes; complete is false when more remain.
// A known length (else -1) is read in one piece.
func readUpTo(r io.Reader, limit, length int64) (b []byte, complete bool, err error) {
	if length >= 0 && length <= limit {
		b = make([]byte, length)
		if _, err := io.ReadFull(r, b); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, false, err
		}
		return b, true, nil
	}
	b, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(b)) > limit {
		return b, false, err
	}
	return b, true, err
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "...(truncated)"
	}
	return string(b)
}
