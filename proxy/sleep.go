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
	"sync"
)

// SGLang's memory tags (sglang/srt/constants.py GPU_MEMORY_TYPE_*): what
// /release_memory_occupation releases, all three when it is given none.
// vLLM's sleep tags are weights and kv_cache; SGLang's CUDA graphs have no
// vLLM tag and wake with the last of them.
const (
	tagWeights   = "weights"
	tagKVCache   = "kv_cache"
	tagCUDAGraph = "cuda_graph"
)

// sglangTags are all of them, what a release or resume without tags means.
var sglangTags = []string{tagWeights, tagKVCache, tagCUDAGraph}

// sleepState is what the proxy knows of SGLang's memory, which SGLang
// itself does not report: whether it was released (/sleep) and which of
// its tags are still released (/wake_up may resume some). It also gates
// the routes that run the model: while the engine sleeps or falls asleep
// they get 503, and falling asleep waits until those in flight are done,
// since SGLang releases memory only when no request is running (its
// scheduler asserts it).
type sleepState struct {
	// ops runs one /sleep or /wake_up at a time.
	ops sync.Mutex

	mu sync.Mutex
	// asleep is true from the start of a /sleep until SGLang's memory is
	// all back: /is_sleeping, and the gate.
	asleep bool
	// released are SGLang's tags released and not resumed yet.
	released map[string]bool
	// running counts the requests admitted through the gate and not done.
	running int
	// idle is closed when running drops to zero while asleep.
	idle chan struct{}
}

func newSleepState() *sleepState { return &sleepState{released: map[string]bool{}} }

// admit lets a model request through unless the engine is asleep; a
// request let through must call done.
func (s *sleepState) admit() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.asleep {
		return false
	}
	s.running++
	return true
}

func (s *sleepState) done() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	if s.running == 0 && s.idle != nil {
		close(s.idle)
		s.idle = nil
	}
}

// fallAsleep closes the gate and returns a channel closed once no admitted
// request is running, and how many are.
func (s *sleepState) fallAsleep() (idle <-chan struct{}, running int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asleep = true
	ch := make(chan struct{})
	if s.running == 0 {
		close(ch)
	} else {
		s.idle = ch
	}
	return ch, s.running
}

// slept records the tags SGLang released.
func (s *sleepState) slept(tags ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range tags {
		s.released[t] = true
	}
}

// resumed records tags SGLang resumed and opens the gate once none is
// released; it reports whether the engine is awake.
func (s *sleepState) resumed(tags ...string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range tags {
		delete(s.released, t)
	}
	if len(s.released) == 0 {
		s.wakeLocked()
	}
	return !s.asleep
}

// wake opens the gate and forgets every released tag: a /sleep that failed,
// or an SGLang that went away (a restarted SGLang holds its memory).
func (s *sleepState) wake() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wakeLocked()
}

func (s *sleepState) wakeLocked() {
	s.asleep = false
	clear(s.released)
	s.idle = nil
}

// isAsleep is what /is_sleeping answers.
func (s *sleepState) isAsleep() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.asleep
}

// toResume is the tags a /wake_up resumes: those asked for (vLLM's
// weights and kv_cache; all when none is named) that are released, plus
// the CUDA graphs once nothing else stays released. Unknown tags are
// ignored, as vLLM ignores them.
func (s *sleepState) toResume(asked []string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(asked) == 0 {
		asked = []string{tagWeights, tagKVCache}
	}
	var out []string
	left := map[string]bool{}
	for t := range s.released {
		left[t] = true
	}
	for _, t := range []string{tagWeights, tagKVCache} {
		for _, a := range asked {
			if a == t && left[t] {
				out = append(out, t)
				delete(left, t)
			}
		}
	}
	if !left[tagWeights] && !left[tagKVCache] && left[tagCUDAGraph] {
		out = append(out, tagCUDAGraph)
	}
	return out
}
