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

package main

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/go-logr/logr"
)

func TestContainerMemoryLimit(t *testing.T) {
	tests := map[string]struct {
		file, content string
		want          int64
		wantOK        bool
	}{
		"cgroup v2":                 {file: "memory.max", content: "536870912\n", want: 512 << 20, wantOK: true},
		"cgroup v2 without a limit": {file: "memory.max", content: "max\n"},
		"cgroup v1":                 {file: "memory/memory.limit_in_bytes", content: "268435456\n", want: 256 << 20, wantOK: true},
		"cgroup v1 without a limit": {file: "memory/memory.limit_in_bytes", content: "9223372036854771712\n"},
		"no cgroup files":           {},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			if tc.file != "" {
				path := filepath.Join(root, tc.file)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, ok := containerMemoryLimit(root)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("containerMemoryLimit = %d, %v; want %d, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestSetMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "memory.max"), []byte("1000000000"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOMEMLIMIT", "")
	if got := setMemoryLimit(logr.Discard(), root); got != 800000000 || debug.SetMemoryLimit(-1) != 800000000 {
		t.Errorf("soft limit %d (runtime %d), want 80%% of the container's", got, debug.SetMemoryLimit(-1))
	}
	t.Setenv("GOMEMLIMIT", "100MiB")
	if got := setMemoryLimit(logr.Discard(), root); got != 0 {
		t.Errorf("with GOMEMLIMIT set, the proxy set %d", got)
	}
}
