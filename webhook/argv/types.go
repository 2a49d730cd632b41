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

import (
	"slices"
	"strings"
)

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

// Result is a translated command.
type Result struct {
	// Command and Args replace the container's command and args. For
	// `sh -c SCRIPT` containers only the script changes: the rest of the
	// script is kept.
	Command, Args []string
	// SGLangArgs are just the SGLang server flags (what follows
	// `python3 -m sglang.launch_server`). In a shell script, values that
	// the shell expands at run time appear as written in the script.
	SGLangArgs []string
	// Findings lists every vLLM flag that was dropped, approximated,
	// rejected or changed (flags that pass unchanged have none). Flags whose
	// translation depends on others are reported after the rest.
	Findings []Finding
	// Model is the model path or name (as written; may be a $(VAR) reference).
	Model string
	// ServedModelNames are the names vLLM would serve (the model when unset).
	ServedModelNames []string
	// VLLMPort is where vLLM would have listened (--port, default 8000);
	// zero when the port is only known at run time.
	VLLMPort int32
	// TensorParallelSize is vLLM's tensor-parallel size (default 1); zero
	// when it is only known at run time.
	TensorParallelSize int
}

// Rejected returns the findings whose action is Rejected.
func (r *Result) Rejected() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Action == Rejected {
			out = append(out, f)
		}
	}
	return out
}

// Form is how a container starts vLLM's OpenAI server.
type Form string

const (
	// FormServe is `vllm serve [MODEL] [flags]`.
	FormServe Form = "vllm-serve"
	// FormModule is `python[3] -m vllm.entrypoints.openai.api_server [flags]`.
	FormModule Form = "api-server-module"
	// FormEntrypoint is an args-only container on a vLLM server image
	// whose entrypoint runs the server.
	FormEntrypoint Form = "image-entrypoint"
)

// Invocation is a detected vLLM server command.
type Invocation struct {
	// Form is how the server is started.
	Form Form
	// Shell is true when the server command is a line of an `sh -c` script.
	Shell bool
	// Model is the model path or name; empty when the command names none.
	Model string
	// Args are the server's arguments after the program words, parsed.
	Args []Arg
	// Detail says more about the SkipReason Detect returned with this
	// invocation: the multi-node signal (Ray, headless or external
	// data-parallel ranks...), the shell construct it cannot see through.
	Detail string

	command, args []string // the container's, for re-assembly
	script        *script  // set when Shell
	routes        []route  // TranslateAtStart: where the launcher goes
	modelIndex    int      // index in Args of the positional model, or -1
}

// Arg is one parsed argument of a vLLM command.
type Arg struct {
	// Flag is the canonical long name of a vLLM flag ("--max-model-len" for
	// "--max_model_len=4k"), the flag as written when vLLM does not know it,
	// or "" for a positional argument.
	Flag string
	// Written is the first word as written ("-tp", "--max_model_len=4k").
	Written string
	// Key is the dotted sub-key, e.g. "mode" for "--compilation-config.mode 3".
	Key string
	// Values are the values, in order (for a positional, the word itself).
	Values []string
	// Negated is true for the --no-X spelling of a boolean flag.
	Negated bool
	// Opaque is true when a value is only known at run time: a Kubernetes
	// $(VAR) reference, or a shell expansion (then the value holds its
	// shell source text).
	Opaque bool
	// Known is true when Flag is a vLLM server flag of the decision table.
	Known bool

	raw []bool // per value: shell source text to be emitted verbatim
	pos int    // index in Invocation.Args
}

// Value returns the single (last) value, or "".
func (a Arg) Value() string {
	if len(a.Values) == 0 {
		return ""
	}
	return a.Values[len(a.Values)-1]
}

// Flag returns the last argument with the given canonical flag name.
func (inv *Invocation) Flag(name string) (Arg, bool) {
	for _, a := range slices.Backward(inv.Args) {
		if a.Flag == name {
			return a, true
		}
	}
	return Arg{}, false
}
