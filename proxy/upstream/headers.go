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
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// appendHead appends the request line and headers of req to b: the
// client's end-to-end headers, the server's Host and the body's length.
func appendHead(b []byte, req *Request, host string) []byte {
	b = append(b, req.Method...)
	b = append(b, ' ')
	b = append(b, req.Target...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\n"...)
	listed := connectionListed(req.Header["Connection"])
	for k, vs := range req.Header {
		if skipRequestHeader[k] || listed.has(k) {
			continue
		}
		for _, v := range vs {
			b = append(b, k...)
			b = append(b, ": "...)
			b = append(b, v...)
			b = append(b, "\r\n"...)
		}
	}
	m := req.Method
	if len(req.Body) > 0 || m == http.MethodPost || m == http.MethodPut || m == http.MethodPatch {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, int64(len(req.Body)), 10)
		b = append(b, "\r\n"...)
	}
	return append(b, "\r\n"...)
}

// hopByHop are the headers that only concern one connection (RFC 9110,
// 7.6.1, and the older Proxy-Connection and Keep-Alive), as
// httputil.ReverseProxy drops them.
var hopByHop = map[string]bool{
	"Connection": true, "Proxy-Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true,
	"Proxy-Authorization": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

// skipRequestHeader are the request headers not sent: the hop-by-hop ones,
// the framing the client writes itself, Expect (the proxy's server
// answered it) and the forwarding headers (the server is on the same host
// and does not use them).
var skipRequestHeader = func() map[string]bool {
	m := map[string]bool{"Host": true, "Content-Length": true, "Expect": true,
		"Forwarded": true, "X-Forwarded-For": true, "X-Forwarded-Host": true, "X-Forwarded-Proto": true}
	for k := range hopByHop {
		m[k] = true
	}
	return m
}()

// dropHopByHop removes an answer's hop-by-hop headers, those its
// Connection header names included.
func dropHopByHop(h http.Header) {
	listed := connectionListed(h["Connection"])
	for k := range h {
		if hopByHop[k] || listed.has(k) {
			delete(h, k)
		}
	}
}

// listedHeaders are the header names a Connection header lists, which makes
// them hop-by-hop (RFC 9110, 7.6.1), in canonical form. The Connection
// header is read once per message, so dropping what it lists costs time in
// proportion to the number of headers, however many it names.
type listedHeaders struct {
	few  []string            // up to maxFewListed names, searched in order
	many map[string]struct{} // all of them, once there are more
}

// maxFewListed is how many names are kept in a slice before a map pays.
const maxFewListed = 8

// connectionListed parses the values of a Connection header. The usual
// tokens, close and keep-alive, are left out: Keep-Alive is dropped as
// hop-by-hop anyway, and no header is named close.
func connectionListed(connection []string) listedHeaders {
	var l listedHeaders
	for _, v := range connection {
		for token := range strings.SplitSeq(v, ",") {
			token = strings.TrimSpace(token)
			if token == "" || strings.EqualFold(token, "close") || strings.EqualFold(token, "keep-alive") {
				continue
			}
			l.add(textproto.CanonicalMIMEHeaderKey(token))
		}
	}
	return l
}

func (l *listedHeaders) add(key string) {
	if l.many != nil {
		l.many[key] = struct{}{}
		return
	}
	l.few = append(l.few, key)
	if len(l.few) > maxFewListed {
		l.many = make(map[string]struct{}, 2*len(l.few))
		for _, k := range l.few {
			l.many[k] = struct{}{}
		}
		l.few = nil
	}
}

// has reports whether key (canonical) is listed.
func (l *listedHeaders) has(key string) bool {
	if l.many != nil {
		_, ok := l.many[key]
		return ok
	}
	for _, k := range l.few {
		if k == key {
			return true
		}
	}
	return false
}
