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
	"net/http"
	"net/url"
	"strings"
)

// Request paths. What reaches SGLang is decided on one form of the path,
// and exactly that form is sent: the request's path is percent-decoded
// once (as SGLang's server, uvicorn and Starlette, decodes it), checked,
// routed and matched against --allow-path in that decoded form, and sent
// upstream re-encoded from it. A path that could mean another path to a
// server that normalises it, or that decodes it differently, is refused
// with 400 before anything else looks at it:
//
//   - a "." or ".." segment, written plainly or percent-encoded ("%2e%2e");
//   - an encoded slash ("%2F"): decoded, it would split a segment in two;
//   - a backslash, plain or encoded ("%5C"), which some servers read as a
//     slash;
//   - NUL and the other control characters, plain or encoded;
//   - an empty segment ("//"), other than a trailing slash;
//   - a malformed escape, or a path that does not start with "/" (the
//     asterisk form "*").
//
// Other escapes are decoded: "%41" is "A" and is sent as "A"; a
// double-encoded "%252e" is the three characters "%2e", not a dot, for the
// proxy as for SGLang, and is sent as "%252e".

// errPath is the message of every refused path.
var errPath = errors.New("the request path is not a normalised path " +
	"(dot segments, encoded slashes, backslashes, control characters and empty segments are refused)")

// cleanPath returns the decoded path of a request-target's escaped path,
// or errPath. escaped is the path as the client wrote it, before the query.
func cleanPath(escaped string) (string, error) {
	if !strings.HasPrefix(escaped, "/") {
		return "", errPath
	}
	var b strings.Builder
	decoded := escaped
	if strings.IndexByte(escaped, '%') >= 0 {
		b.Grow(len(escaped))
		for i := 0; i < len(escaped); i++ {
			c := escaped[i]
			if c == '%' {
				if i+2 >= len(escaped) || !isHex(escaped[i+1]) || !isHex(escaped[i+2]) {
					return "", errPath
				}
				c = unhex(escaped[i+1])<<4 | unhex(escaped[i+2])
				if c == '/' {
					return "", errPath // an encoded slash
				}
				i += 2
			}
			b.WriteByte(c)
		}
		decoded = b.String()
	}
	// One pass over the decoded path: segment boundaries and bytes.
	start := 1 // the current segment is decoded[start:i]
	for i := 1; i <= len(decoded); i++ {
		if i < len(decoded) {
			c := decoded[i]
			if c < 0x20 || c == 0x7f || c == '\\' {
				return "", errPath
			}
			if c != '/' {
				continue
			}
		}
		switch seg := decoded[start:i]; {
		case seg == "." || seg == "..":
			return "", errPath
		case seg == "" && i < len(decoded): // "//"; a trailing slash ends the path
			return "", errPath
		}
		start = i + 1
	}
	return decoded, nil
}

// requestPath returns the path of r as its client wrote it (net/url keeps
// the written form in RawPath when it differs from the default encoding
// of Path; otherwise the default encoding is what was written).
func requestPath(r *http.Request) string {
	if r.URL.RawPath != "" {
		return r.URL.RawPath
	}
	return r.URL.EscapedPath()
}

// escapePath is the form of a clean path sent upstream: net/url's
// encoding of it, which decodes back to the same path.
func escapePath(decoded string) string {
	return (&url.URL{Path: decoded}).EscapedPath()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
