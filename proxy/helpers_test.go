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
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/fakesglang"
)

// testProxy is a proxy served in-process in front of an in-process fake.
type testProxy struct {
	url      string
	fake     *fakesglang.Server
	srv      *Server
	upstream *httptest.Server // the fake's server
}

// startProxy starts a fake SGLang and a proxy in front of it; mutate
// adjusts the options. It waits until /health says the upstream is up
// unless the options point elsewhere.
func startProxy(t testing.TB, mutate func(*Options)) *testProxy {
	t.Helper()
	return startProxyOn(t, listen(t), mutate)
}

// listen listens on a free loopback port.
func listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// startProxyOn is startProxy serving on ln.
func startProxyOn(t testing.TB, ln net.Listener, mutate func(*Options)) *testProxy {
	t.Helper()
	return startProxyWith(t, ln, fakesglang.Options{}, mutate)
}

// startProxyWith is startProxyOn in front of a fake with fakeOpts (health
// checks answered at once, metrics, the mistral tool-call parser: the one
// the default --strip-params is for).
func startProxyWith(t testing.TB, ln net.Listener, fakeOpts fakesglang.Options, mutate func(*Options)) *testProxy {
	t.Helper()
	return startProxyLogging(t, ln, fakeOpts, logr.Discard(), mutate)
}

// startProxyLogging is startProxyWith logging to log.
func startProxyLogging(t testing.TB, ln net.Listener, fakeOpts fakesglang.Options, log logr.Logger, mutate func(*Options)) *testProxy {
	t.Helper()
	fakeOpts.HealthDelay, fakeOpts.EnableMetrics, fakeOpts.ToolCallParser = -1, true, fakesglang.MistralToolCallParser
	fake := fakesglang.New(fakeOpts)
	upstream := httptest.NewServer(fake.Handler())
	t.Cleanup(upstream.Close)
	o := NewOptions()
	o.Listen = "127.0.0.1:0"
	o.Upstream = upstream.URL
	o.HealthInterval = 5 * time.Millisecond
	o.ShutdownGrace = 5 * time.Second
	if mutate != nil {
		mutate(&o)
	}
	srv, err := NewServer(o, log)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve returned %v", err)
		}
	})
	p := &testProxy{url: "http://" + ln.Addr().String(), fake: fake, srv: srv, upstream: upstream}
	if o.Upstream == upstream.URL {
		p.waitHealth(t, http.StatusOK)
	}
	return p
}

// waitHealth polls /health until it answers want; the test deadline bounds it.
func (p *testProxy) waitHealth(t testing.TB, want int) {
	t.Helper()
	for {
		res, err := http.Get(p.url + "/health")
		if err != nil {
			t.Fatalf("GET /health: %v", err)
		}
		res.Body.Close()
		if res.StatusCode == want {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// do sends a request and returns the response with its body read.
func do(t testing.TB, method, url, body string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		req.Body = nil
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading %s %s: %v", method, url, err)
	}
	return res, string(b)
}

// lastRequest is the last request the fake received, or nil.
func (p *testProxy) lastRequest() *fakesglang.Request {
	reqs := p.fake.Requests()
	if len(reqs) == 0 {
		return nil
	}
	return &reqs[len(reqs)-1]
}
