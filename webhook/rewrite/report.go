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

package rewrite

import (
	"fmt"
	"strings"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// Report says what Rewrite did.
type Report struct {
	// Outcome is Rewritten or Skipped.
	Outcome Outcome
	// SkipReason says why a skipped pod was left alone.
	SkipReason SkipReason
	// Detail adds specifics to a skip (which container, which signal).
	Detail string
	// Container is the vLLM container, when one was found.
	Container string
	// ServingPort is vLLM's port, now the proxy's; SGLangPort is SGLang's.
	ServingPort, SGLangPort int32
	// Findings are the translator's, for every flag that was dropped,
	// approximated or changed.
	Findings []argv.Finding
	// TranslatedAtStart: the command is only known when the container
	// starts; the launcher translates it then (Findings is empty).
	TranslatedAtStart bool
	// Release is the SGLang release the command was translated for.
	Release sglang.Release
	// Notes are pod-level approximations (a MIG slice that became a whole
	// GPU, a removed NVIDIA resource, a grown /dev/shm), one sentence each.
	Notes []string
}

// Warnings returns one line per finding that warns (argv.Finding.Warns: a
// dropped or approximated flag, in the finding's own words) and per note,
// as kubectl prints admission warnings ("Warning: <line>"). A pod skipped
// for a reason that warns (SkipReason.Warns: its command could not be
// translated, its port on the node is taken) gets one line saying so.
func (r *Report) Warnings() []string {
	if r.Outcome == Skipped {
		if r.SkipReason.Warns() {
			return []string{fmt.Sprintf("container %q not rewritten: %s: %s", r.Container, r.SkipReason.Sentence(), r.Detail)}
		}
		return nil
	}
	var out []string
	for _, f := range r.Findings {
		if f.Warns() {
			out = append(out, fmt.Sprintf("container %q: %s", r.Container, f))
		}
	}
	for _, n := range r.Notes {
		out = append(out, fmt.Sprintf("container %q: %s", r.Container, n))
	}
	return out
}

// RejectedError is returned when the profile refuses the pod: flags it
// rejects, or (with unsafeFlags: Reject) a command it cannot translate
// safely. The admission webhook denies the pod with its message.
type RejectedError struct {
	// Container is the vLLM container.
	Container string
	// Findings are the rejected flags.
	Findings []argv.Finding
	// Reason explains a command rejected as a whole (no single flag).
	Reason string
}

func (e *RejectedError) Error() string {
	var parts []string
	if e.Reason != "" {
		parts = append(parts, e.Reason)
	}
	for _, f := range e.Findings {
		parts = append(parts, f.String())
	}
	return fmt.Sprintf("container %q cannot run on SGLang as the profile requires: %s", e.Container, strings.Join(parts, "; "))
}
