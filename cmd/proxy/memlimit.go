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
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/go-logr/logr"
)

// The Go runtime's soft memory limit. Go collects garbage when the heap
// has doubled since the last collection, whatever the container's memory
// limit; with a soft limit it collects sooner as the heap nears it, so the
// garbage of request bodies does not add up to an OOM kill while the live
// heap is well within the limit. The proxy takes memoryLimitShare of the
// container's limit (cgroup v2 memory.max, or v1 memory.limit_in_bytes)
// unless GOMEMLIMIT is set; the rest is left for what the runtime does not
// count (the kernel's socket buffers, charged to the container).
const memoryLimitShare = 0.8

// cgroupRoot is where the container's cgroup files are mounted.
const cgroupRoot = "/sys/fs/cgroup"

// setMemoryLimit applies the soft limit and returns it (0: none set).
func setMemoryLimit(log logr.Logger, root string) int64 {
	if os.Getenv("GOMEMLIMIT") != "" {
		return 0
	}
	limit, ok := containerMemoryLimit(root)
	if !ok {
		return 0
	}
	soft := int64(float64(limit) * memoryLimitShare)
	debug.SetMemoryLimit(soft)
	log.Info("Set the Go memory limit from the container's", "containerLimitBytes", limit, "goMemoryLimitBytes", soft)
	return soft
}

// containerMemoryLimit reads the memory limit of the cgroup mounted at
// root; false when there is none.
func containerMemoryLimit(root string) (int64, bool) {
	for _, name := range []string{"memory.max", "memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		// "max" (v2) or a page-rounded maximum (v1) mean no limit.
		if err != nil || n <= 0 || n >= 1<<50 {
			return 0, false
		}
		return n, true
	}
	return 0, false
}
