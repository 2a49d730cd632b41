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

package argv

import "strings"

// Action says what happened to one vLLM flag.
type Action string

const (
	// Translated: the flag's name or value changed, or SGLang's default
	// already behaves the same; nothing is lost.
	Translated Action = "translated"
	// Approximated: SGLang gets the closest setting it has; behaviour may differ.
	Approximated Action = "approximated"
	// Dropped: SGLang gets nothing for this flag.
	Dropped Action = "dropped"
	// Rejected: the command cannot run on SGLang without changing what it
	// does; the caller should refuse the pod.
	Rejected Action = "rejected"
)

// Finding reports what happened to one flag of the vLLM command.
type Finding struct {
	// Flag is the vLLM flag in canonical long form, e.g. "--gpu-memory-utilization"
	// (the argument as written for positionals and flags vLLM does not know).
	Flag string `json:"flag"`
	// Value is the value as written, if any (several values joined by spaces).
	Value string `json:"value,omitempty"`
	// Action is what happened.
	Action Action `json:"action"`
	// Reason is a human sentence, shown in kubectl warnings.
	Reason string `json:"reason"`
	// Emitted are the SGLang arguments emitted instead, if any.
	Emitted []string `json:"emitted,omitempty"`
}

// Warns reports whether the finding is a warning: the flag was dropped or
// approximated, so SGLang will not do exactly what vLLM would have. Every
// front end warns about these and only these (the admission webhook, the
// rewrite's report, `translate` and `launch`): a Rejected finding refuses
// the command instead, and a Translated one loses nothing.
func (f Finding) Warns() bool { return f.Action == Dropped || f.Action == Approximated }

// String is the finding in one line, the wording of every warning and
// refusal: "--flag=value dropped: reason", or "--flag=value approximated as
// --sglang-flag v: reason".
func (f Finding) String() string {
	flag := f.Flag
	if f.Value != "" {
		flag += "=" + f.Value
	}
	verb := string(f.Action)
	if f.Action == Approximated && len(f.Emitted) > 0 {
		verb += " as " + strings.Join(f.Emitted, " ")
	}
	if f.Reason == "" {
		return flag + " " + verb
	}
	return flag + " " + verb + ": " + f.Reason
}
