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
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"testing"
	"time"
)

func TestCleanPath(t *testing.T) {
	tests := map[string]struct {
		escaped string
		want    string // "" means refused
	}{
		"a plain path":                             {"/v1/chat/completions", "/v1/chat/completions"},
		"the root":                                 {"/", "/"},
		"a trailing slash":                         {"/v1/models/", "/v1/models/"},
		"a model name with slashes and dots":       {"/v1/models/meta-llama/Llama-3.1-8B", "/v1/models/meta-llama/Llama-3.1-8B"},
		"escapes are decoded once":                 {"/v1/models/a%20b%41", "/v1/models/a bA"},
		"an encoded dot inside a segment":          {"/v1/models/Qwen2%2E5", "/v1/models/Qwen2.5"},
		"a double-encoded dot stays a literal":     {"/v1/models/%252e%252e", "/v1/models/%2e%2e"},
		"dots that are not a whole segment":        {"/v1/models/..a/.b/c..", "/v1/models/..a/.b/c.."},
		"non-ASCII bytes":                          {"/v1/models/%C3%A9", "/v1/models/é"},
		"a dot-dot segment":                        {"/v1/models/../../flush_cache", ""},
		"a dot segment":                            {"/v1/./models", ""},
		"a final dot-dot segment":                  {"/v1/models/..", ""},
		"a final dot segment":                      {"/v1/.", ""},
		"encoded dot-dot segments":                 {"/v1/models/%2e%2e/%2e%2e/flush_cache", ""},
		"an upper-case encoded dot-dot":            {"/v1/models/%2E%2E/flush_cache", ""},
		"a half-encoded dot-dot":                   {"/v1/models/.%2e/flush_cache", ""},
		"encoded slashes":                          {"/v1/responses/..%2f..%2fflush_cache/cancel", ""},
		"an encoded slash without dots":            {"/v1/responses/a%2Fb/cancel", ""},
		"a backslash":                              {`/v1/models/a\..\..\flush_cache`, ""},
		"an encoded backslash":                     {"/v1/models/a%5c..%5cflush_cache", ""},
		"an encoded NUL":                           {"/v1/models/a%00b", ""},
		"an encoded control character":             {"/v1/models/a%0ab", ""},
		"an encoded DEL":                           {"/v1/models/a%7Fb", ""},
		"a double slash":                           {"//v1/models", ""},
		"an empty segment inside":                  {"/v1//models", ""},
		"a malformed escape":                       {"/v1/models/%zz", ""},
		"a truncated escape":                       {"/v1/models/%2", ""},
		"no leading slash (asterisk form)":         {"*", ""},
		"empty":                                    {"", ""},
		"a dot-dot segment under an allowed route": {"/static/%2e%2e/flush_cache", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := cleanPath(tc.escaped)
			switch {
			case tc.want == "" && err == nil:
				t.Errorf("cleanPath(%q) = %q, want it refused", tc.escaped, got)
			case tc.want != "" && (err != nil || got != tc.want):
				t.Errorf("cleanPath(%q) = %q, %v; want %q", tc.escaped, got, err, tc.want)
			}
		})
	}
}

// FuzzCleanPath checks what every accepted path satisfies: no dot or
// empty segment, backslash or control character once decoded, a path
// Python's posixpath.normpath (and net/http's cleaning) leaves as it is,
// and an upstream form that decodes to the same path and is accepted
// again as that path. The seeds run in plain go test.
func FuzzCleanPath(f *testing.F) {
	for _, seed := range []string{
		"/", "/v1/models/a", "/v1/models/../x", "/v1/models/%2e%2e/x", "/a/..%2f..%2fb", "/static/%2E./x",
		`/a\b`, "/a%5Cb", "/a%00", "//a", "/a//b", "/a/", "/%252e%252e/", "/a%2", "/%C3%A9", "/a?b", "/a%3Fb%23c",
		"/a;b=c/d", "/~user/%7e", "*", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, escaped string) {
		clean, err := cleanPath(escaped)
		if err != nil {
			return
		}
		if !strings.HasPrefix(clean, "/") {
			t.Fatalf("%q: clean path %q does not start with /", escaped, clean)
		}
		segs := strings.Split(clean[1:], "/")
		for i, seg := range segs {
			if seg == "." || seg == ".." || seg == "" && i < len(segs)-1 {
				t.Fatalf("%q: clean path %q has segment %q", escaped, clean, seg)
			}
		}
		for _, c := range []byte(clean) {
			if c < 0x20 || c == 0x7f || c == '\\' {
				t.Fatalf("%q: clean path %q has byte %#x", escaped, clean, c)
			}
		}
		// Normalising it changes nothing (path.Clean drops a trailing slash).
		if norm := path.Clean(clean); norm != strings.TrimSuffix(clean, "/") && !(clean == "/" && norm == "/") {
			t.Fatalf("%q: clean path %q normalises to %q", escaped, clean, norm)
		}
		up := escapePath(clean)
		if dec, err := url.PathUnescape(up); err != nil || dec != clean {
			t.Fatalf("%q: upstream form %q decodes to %q, %v; want %q", escaped, up, dec, err, clean)
		}
		if again, err := cleanPath(up); err != nil || again != clean {
			t.Fatalf("%q: upstream form %q is %q, %v when checked again; want %q", escaped, up, again, err, clean)
		}
		if strings.ContainsAny(up, "?#") {
			t.Fatalf("%q: upstream form %q would end the path early", escaped, up)
		}
	})
}

func TestRouteTable(t *testing.T) {
	tb := newRouteTable()
	name := func(n string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, n) })
	}
	tb.Handle("/v1/models", name("models"))
	tb.Handle("/v1/models/{model...}", name("model"))
	tb.Handle("/v1/responses/{id}", name("response"))
	tb.Handle("/v1/responses/{id}/cancel", name("cancel"))
	tb.other = name("other")
	for path, want := range map[string]string{
		"/v1/models":                  "models",
		"/v1/models/":                 "model",
		"/v1/models/org/name":         "model",
		"/v1/responses/r1":            "response",
		"/v1/responses/r1/cancel":     "cancel",
		"/v1/responses/":              "other",
		"/v1/responses//cancel":       "other",
		"/v1/responses/a/b":           "other",
		"/v1/responses/a/b/cancel":    "other",
		"/v1/responses/r1/cancel/x":   "other",
		"/v1/modelsx":                 "other",
		"/v1/responses/cancel":        "response",
		"/v1/responses/cancel/cancel": "cancel",
	} {
		var b strings.Builder
		rec := &recorder{header: http.Header{}, body: &b}
		tb.ServeHTTP(rec, &http.Request{URL: &url.URL{Path: path}})
		if b.String() != want {
			t.Errorf("%s routed to %q, want %q", path, b.String(), want)
		}
	}
}

// recorder is the least http.ResponseWriter.
type recorder struct {
	header http.Header
	body   io.Writer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(int)             {}

// What is sent is the checked path, re-encoded from its decoded form.
func TestTheCheckedPathIsWhatIsSent(t *testing.T) {
	p := startProxy(t, func(o *Options) { o.AllowPaths = []string{"/static/"} })
	for target, want := range map[string]string{
		"/v1/models/Qwen2%2E5%2d7B?x=%2e%2e": "GET /v1/models/Qwen2.5-7B?x=%2e%2e",
		"/static/a%20b":                      "GET /static/a%20b",
		"/v1/models/%252e%252e":              "GET /v1/models/%252e%252e",
		"http://x/v1/models/a":               "GET /v1/models/a",
	} {
		p.fake.ResetRequests()
		c := p.conn(t, fmt.Sprintf("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", target))
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		readAnswer(t, c)
		if got := p.fake.Targets(); len(got) != 1 || got[0] != want {
			t.Errorf("GET %s reached SGLang as %q, want %q", target, got, want)
		}
	}
}
