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

// ModelNames are the names the command serves its model under, as far as
// the command line says before it runs: the model (the positional
// argument, else --model, vLLM's rule) and every --served-model-name, in
// that order, without repeats. A Kubernetes $(VAR) reference is kept as
// written (the caller may know the variable); a value the shell only makes
// at run time is left out.
//
// complete is false when the command may serve names this list lacks: a
// value the shell makes, or a script translated at start, whose names are
// those its one vLLM server command writes literally (its other arguments,
// from variables or "$@", could add a --served-model-name). A script that
// runs several servers, or vLLM from an eval string, names none.
func (inv *Invocation) ModelNames() (names []string, complete bool) {
	src, complete := inv, true
	if inv.atStart != nil || len(inv.routes) > 0 {
		src, complete = inv.atStart, false
	}
	if src == nil {
		return nil, false
	}
	add := func(a Arg, i int) {
		if i < len(a.raw) && a.raw[i] {
			complete = false
			return
		}
		if v := a.Values[i]; v != "" && !slices.Contains(names, v) {
			names = append(names, v)
		}
	}
	switch {
	case src.modelIndex >= 0 && src.modelIndex < len(src.Args):
		add(src.Args[src.modelIndex], 0)
	default:
		if a, ok := src.Flag("--model"); ok && len(a.Values) > 0 {
			add(a, len(a.Values)-1)
		}
	}
	if a, ok := src.Flag("--served-model-name"); ok {
		for i := range a.Values {
			add(a, i)
		}
	}
	return names, complete
}
