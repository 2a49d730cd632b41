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
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
)

// Options configures a Checker.
type Options struct {
	// URL is the upstream health endpoint, e.g. http://127.0.0.1:8001/health.
	URL string
	// Client sends the checks; its own timeout is not used (Timeout is).
	Client *http.Client
	// Interval is the time between the start of one check and the next.
	Interval time.Duration
	// Timeout bounds one check; a check that times out is a failure.
	Timeout time.Duration
	// Fall and Rise are the Machine's thresholds.
	Fall, Rise int
	Log        logr.Logger
	// OnResult, if set, is called after every check (from the loop goroutine).
	OnResult func(ok, up bool)
}

// Checker runs the background loop and publishes its state for any number
// of concurrent readers.
type Checker struct {
	opts    Options
	machine *Machine // owned by the Run goroutine
	up      atomic.Bool
	// checking is held while a check is in flight, so Hold can wait for it.
	checking sync.Mutex
	// held, when set, is the URL checked instead of Options.URL.
	held atomic.Pointer[string]
}

// NewChecker returns a Checker that is down until Run sees a success.
func NewChecker(o Options) *Checker {
	if o.Client == nil {
		o.Client = http.DefaultClient
	}
	return &Checker{opts: o, machine: NewMachine(o.Fall, o.Rise)}
}

// Up reports the last published state; it never blocks.
func (c *Checker) Up() bool { return c.up.Load() }

// Hold sends the checks to url instead of Options.URL until Release, and
// returns once no check of Options.URL is in flight any more. The proxy
// holds them while SGLang's memory is released (/sleep): SGLang's own
// /health runs a generation, which needs the weights.
func (c *Checker) Hold(url string) {
	c.held.Store(&url)
	c.checking.Lock()
	defer c.checking.Unlock()
}

// Release sends the checks to Options.URL again.
func (c *Checker) Release() { c.held.Store(nil) }

// Run checks at once and then every Interval until ctx is done. Checks never
// overlap: a slow upstream delays the next check instead of piling them up.
func (c *Checker) Run(ctx context.Context) {
	ticker := time.NewTicker(c.opts.Interval)
	defer ticker.Stop()
	for {
		c.observe(c.checkOnce(ctx))
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (c *Checker) observe(err error) {
	ok := err == nil
	if c.machine.Observe(ok) {
		c.up.Store(c.machine.Up())
		c.opts.Log.Info("Upstream health changed", "up", c.machine.Up(), "url", c.url(), "lastError", errString(err))
	} else if !ok {
		c.opts.Log.V(1).Info("Upstream health check failed", "url", c.url(), "error", err.Error())
	}
	if c.opts.OnResult != nil {
		c.opts.OnResult(ok, c.machine.Up())
	}
}

// checkOnce checks the URL in force (see Hold).
func (c *Checker) checkOnce(ctx context.Context) error {
	c.checking.Lock()
	defer c.checking.Unlock()
	return c.check(ctx, c.url())
}

// check returns nil when url answered 200 within Timeout.
func (c *Checker) check(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("building health request: %w", err)
	}
	resp, err := c.opts.Client.Do(req)
	if err != nil {
		return fmt.Errorf("checking upstream health: %w", err)
	}
	defer resp.Body.Close()
	// Drain a little so the connection can be reused for the next check.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("upstream health answered %d", resp.StatusCode)
	}
	return nil
}

// url is the URL checked now.
func (c *Checker) url() string {
	if held := c.held.Load(); held != nil {
		return *held
	}
	return c.opts.URL
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
