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
	"testing"
	"time"
)

const (
	// PollInterval is how often a condition is checked.
	PollInterval = 50 * time.Millisecond
	// WaitTimeout bounds one Eventually. Nothing asserts on timing: it only
	// turns a condition that never holds into a failure that says which.
	WaitTimeout = 2 * time.Minute
	// deadlineMargin is left before a test's -timeout deadline for the
	// failure report and the cleanups.
	deadlineMargin = 10 * time.Second
)

// permanentError ends a Poll at once: the condition can no longer hold.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks a condition's error as final (a process that exited will
// not start serving), so Poll returns it without waiting further.
func Permanent(err error) error { return permanentError{err} }

// Poll checks cond every PollInterval until it returns nil, or fails with
// its last error once ctx is done or cond returns a Permanent error.
func Poll(ctx context.Context, what string, cond func() error) error {
	tick := time.NewTicker(PollInterval)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return nil
		}
		var final permanentError
		if errors.As(err, &final) {
			return fmt.Errorf("waiting for %s: %w", what, final.err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("gave up waiting for %s (%w): %w", what, context.Cause(ctx), err)
		case <-tick.C:
		}
	}
}

// Eventually polls cond until it returns nil; the test fails with the last
// error after WaitTimeout, or shortly before the test's deadline.
func Eventually(t testing.TB, what string, cond func() error) {
	t.Helper()
	ctx, cancel := WaitContext(t)
	defer cancel()
	if err := Poll(ctx, what, cond); err != nil {
		t.Fatal(err)
	}
}

// WaitContext is the test's context bounded as Eventually bounds a wait:
// for the functions that wait on a context (StartWebhook, WaitForProfile).
func WaitContext(t testing.TB) (context.Context, context.CancelFunc) {
	timeout := WaitTimeout
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if deadline, bounded := d.Deadline(); bounded {
			timeout = min(timeout, time.Until(deadline)-deadlineMargin)
		}
	}
	return context.WithTimeout(t.Context(), timeout)
}
