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

package webhook

import (
	"context"
	"errors"
	"testing"
	"time"
)

// starterFunc adapts a function to starter.
type starterFunc func(context.Context) error

func (f starterFunc) Start(ctx context.Context) error { return f(ctx) }

func TestRunUntilDone(t *testing.T) {
	boom := errors.New("boom")
	never := make(chan struct{})
	t.Cleanup(func() { close(never) })
	cases := map[string]struct {
		start  starterFunc
		cancel bool
		want   error
	}{
		"a manager that stops on cancel returns nil": {
			start:  func(ctx context.Context) error { <-ctx.Done(); return nil },
			cancel: true,
		},
		"a manager that fails to start returns its error": {
			start: func(context.Context) error { return boom },
			want:  boom,
		},
		"a manager that ignores cancellation is given up on after the grace period": {
			start:  func(context.Context) error { <-never; return nil },
			cancel: true,
			want:   errStuckShutdown,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tc.cancel {
				cancel()
			}
			err := runUntilDone(ctx, tc.start, 10*time.Millisecond)
			if !errors.Is(err, tc.want) {
				t.Errorf("runUntilDone = %v, want %v", err, tc.want)
			}
		})
	}
}
