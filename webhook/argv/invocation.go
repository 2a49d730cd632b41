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

import "slices"

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
	// atStart is, for a script translated at start, its one vLLM server
	// command as far as the webhook could parse it (nil: several servers,
	// or one in an eval string): where ModelNames looks.
	atStart *Invocation
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
