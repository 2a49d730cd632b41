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
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConnectionListed(t *testing.T) {
	cases := map[string]struct {
		connection []string
		listed     []string
		notListed  []string
	}{
		"lists the names a Connection header gives, in canonical form": {
			connection: []string{"x-a, X-B ,x-c-d"}, listed: []string{"X-A", "X-B", "X-C-D"}, notListed: []string{"X-D"},
		},
		"reads every Connection line": {
			connection: []string{"x-a", "x-b"}, listed: []string{"X-A", "X-B"},
		},
		"skips empty tokens, close and keep-alive": {
			connection: []string{" , close,, Keep-Alive ,"}, notListed: []string{"Close", "", "X-A"},
		},
		"keeps answering once there are more names than fit a short list": {
			connection: []string{"a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11"}, listed: []string{"A1", "A9", "A11"}, notListed: []string{"A12"},
		},
		"lists nothing without a Connection header": {
			notListed: []string{"X-A", "Connection"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			l := connectionListed(tc.connection)
			for _, k := range tc.listed {
				if !l.has(k) {
					t.Errorf("%q is not listed", k)
				}
			}
			for _, k := range tc.notListed {
				if l.has(k) {
					t.Errorf("%q is listed", k)
				}
			}
		})
	}
}

func TestDropHopByHopDropsWhatConnectionLists(t *testing.T) {
	h := manyListedHeaders(100)
	h["Keep-Alive"] = []string{"timeout=5"}
	dropHopByHop(h)
	if diff := cmp.Diff(http.Header{"Content-Type": {"application/json"}}, h); diff != "" {
		t.Errorf("headers left (-want +got):\n%s", diff)
	}
}

// The usual Connection values cost no allocation.
func TestConnectionKeepAliveAllocatesNothing(t *testing.T) {
	connection := []string{"keep-alive"}
	if n := testing.AllocsPerRun(100, func() { connectionListed(connection) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

// manyListedHeaders is a request with n extension headers, every one of them
// named in its Connection header: n hop-by-hop headers to drop.
func manyListedHeaders(n int) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	names := make([]string, n)
	for i := range n {
		names[i] = fmt.Sprintf("X-Hop-%d", i)
		h[names[i]] = []string{"1"}
	}
	h["Connection"] = []string{strings.Join(names, ", ")}
	return h
}

// BenchmarkConnectionListed measures writing the head of a request with N
// and 8N headers that its Connection header lists (and so are not sent),
// and dropping them from an answer. Linear work shows as a ratio of about 8.
func BenchmarkConnectionListed(b *testing.B) {
	for _, n := range []int{1000, 8000} {
		h := manyListedHeaders(n)
		b.Run(fmt.Sprintf("request/headers=%d", n), func(b *testing.B) {
			req := &Request{Method: http.MethodGet, Target: "/", Header: h}
			b.ReportAllocs()
			for b.Loop() {
				appendHead(nil, req, "sglang:8001")
			}
		})
		b.Run(fmt.Sprintf("answer/headers=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				c := h.Clone()
				b.StartTimer()
				dropHopByHop(c)
			}
		})
	}
}
