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

package health

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
)

type result struct{ ok, up bool }

// startChecker runs a Checker against handler and returns the channel of
// its results; the checker stops with the test.
func startChecker(t *testing.T, handler http.Handler, timeout time.Duration) (*Checker, <-chan result) {
	t.Helper()
	upstream := httptest.NewServer(handler)
	t.Cleanup(upstream.Close)
	results := make(chan result, 100)
	c := NewChecker(Options{
		URL: upstream.URL + "/health", Client: upstream.Client(),
		Interval: time.Millisecond, Timeout: timeout, Fall: 2, Rise: 2,
		Log:      logr.Discard(),
		OnResult: func(ok, up bool) { results <- result{ok, up} },
	})
	done := make(chan struct{})
	ctx := t.Context()
	go func() { defer close(done); c.Run(ctx) }()
	t.Cleanup(func() { <-done })
	return c, results
}

func TestCheckerFollowsUpstream(t *testing.T) {
	var status atomic.Int32
	status.Store(http.StatusServiceUnavailable)
	c, results := startChecker(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			t.Errorf("checked path %q, want /health", r.URL.Path)
		}
		w.WriteHeader(int(status.Load()))
	}), time.Second)

	if r := <-results; r.ok || r.up || c.Up() {
		t.Fatalf("a 503 gave %+v (Up()=%v), want a failure and down", r, c.Up())
	}
	status.Store(http.StatusOK)
	waitFor(t, results, func(r result) bool { return r.up })
	if !c.Up() {
		t.Fatal("Up() is false after the machine went up")
	}
	status.Store(http.StatusInternalServerError)
	waitFor(t, results, func(r result) bool { return !r.up })
	if c.Up() {
		t.Fatal("Up() is true after the machine went down")
	}
}

func TestCheckerCountsATimeoutAsAFailure(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	_, results := startChecker(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}), 10*time.Millisecond)
	if r := <-results; r.ok {
		t.Fatal("a check that outlived its timeout succeeded")
	}
}

func TestCheckerCountsARefusedConnectionAsAFailure(t *testing.T) {
	upstream := httptest.NewServer(http.NotFoundHandler())
	url := upstream.URL
	upstream.Close()
	results := make(chan bool, 1)
	c := NewChecker(Options{URL: url, Interval: time.Hour, Timeout: time.Second, Fall: 1, Rise: 1,
		Log: logr.Discard(), OnResult: func(ok, _ bool) { results <- ok }})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go c.Run(ctx)
	if <-results {
		t.Fatal("a refused connection counted as healthy")
	}
}

// waitFor reads results until one matches; the test's deadline bounds it.
func waitFor(t *testing.T, results <-chan result, match func(result) bool) {
	t.Helper()
	for r := range results {
		if match(r) {
			return
		}
	}
}

// TestHoldWaitsForTheCheckInFlightAndRedirectsTheRest: Hold returns only
// once the check in flight has answered, and every later check goes to the
// held URL until Release.
func TestHoldWaitsForTheCheckInFlightAndRedirectsTheRest(t *testing.T) {
	entered, unblock := make(chan struct{}), make(chan struct{})
	held := make(chan struct{}) // closed when Hold returns
	var healthChecks, lightChecks atomic.Int32
	var holding atomic.Bool
	c, _ := startChecker(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/health":
			if holding.Load() {
				t.Errorf("a /health check started while held")
			}
			if healthChecks.Add(1) == 1 {
				entered <- struct{}{}
				<-unblock
				select {
				case <-held:
					t.Errorf("Hold returned while a /health check was in flight")
				default:
				}
			}
		case "/light":
			lightChecks.Add(1)
		}
	}), time.Minute)
	<-entered // the first /health check is in flight
	light := strings.TrimSuffix(c.opts.URL, "/health") + "/light"
	go func() {
		holding.Store(true)
		c.Hold(light)
		close(held)
	}()
	for c.held.Load() == nil {
		time.Sleep(time.Millisecond)
	}
	close(unblock)
	<-held
	for lightChecks.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	holding.Store(false)
	before := healthChecks.Load()
	c.Release()
	for healthChecks.Load() == before {
		time.Sleep(time.Millisecond)
	}
}
