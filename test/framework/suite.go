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

package framework

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// SetUpTimeout bounds a suite's set-up: building binaries, starting the
// control plane, installing the chart, starting the webhook.
const SetUpTimeout = 5 * time.Minute

// Cleanup is a stack of stop functions, run last first: what was started
// last depends on what was started before it.
type Cleanup struct {
	mu  sync.Mutex
	fns []func() error
}

// Add pushes a stop function.
func (c *Cleanup) Add(stop func() error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fns = append(c.fns, stop)
}

// Run calls every stop function, last first, once, and joins their errors.
func (c *Cleanup) Run() error {
	c.mu.Lock()
	fns := c.fns
	c.fns = nil
	c.mu.Unlock()
	var errs []error
	for i := len(fns) - 1; i >= 0; i-- {
		errs = append(errs, fns[i]())
	}
	return errors.Join(errs...)
}

// RunSuite is a TestMain for a suite that shares what setUp starts: it
// sets up (bounded by SetUpTimeout), runs the tests unless that failed,
// stops everything setUp added to the cleanup, and returns the exit code.
// A failed set-up fails the suite with its reason; nothing is skipped.
//
//	func TestMain(m *testing.M) { os.Exit(framework.RunSuite(m, "the e2e suite", setUp)) }
func RunSuite(m *testing.M, what string, setUp func(ctx context.Context, cleanup *Cleanup) error) int {
	SetLogger()
	var cleanup Cleanup
	ctx, cancel := context.WithTimeout(context.Background(), SetUpTimeout)
	err := setUp(ctx, &cleanup)
	cancel()
	code := 1
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: setting up %s: %v\n", what, err)
	} else {
		code = m.Run()
	}
	if err := cleanup.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "tearing down %s: %v\n", what, err)
		code = max(code, 1)
	}
	return code
}
