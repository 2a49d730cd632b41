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

// sglangProgram starts SGLang's OpenAI-compatible server.
var sglangProgram = []string{"python3", "-m", "sglang.launch_server"}

// result assembles the SGLang command and the report.
func (t *translation) result() (*Result, error) {
	model := emission{flag: "--model-path", vals: []token{t.inv.modelToken()}}
	words := flattenAll(append([]emission{model}, t.out...)...)
	r := &Result{
		SGLangArgs:         words,
		Model:              t.inv.Model,
		ServedModelNames:   t.st.servedNames,
		TensorParallelSize: t.st.tp,
		Findings:           make([]Finding, len(t.findings)),
	}
	if !t.st.portOpaque {
		r.VLLMPort = t.st.port
	}
	if len(r.ServedModelNames) == 0 {
		r.ServedModelNames = []string{t.inv.Model}
	}
	for i, f := range t.findings {
		r.Findings[i] = f.Finding
	}
	if t.inv.Shell {
		script, err := t.inv.script.rewrite(append([]emission{model}, t.out...))
		if err != nil {
			return nil, err
		}
		r.Command, r.Args = t.inv.withScript(script)
		return r, nil
	}
	r.Command = append([]string(nil), sglangProgram...)
	r.Args = words
	return r, nil
}

// flatten writes one emission as argv words. A lone value that starts with
// "-" is attached with "=" so argparse cannot take it for a flag.
func flatten(e emission) []string {
	return appendFlat(make([]string, 0, 1+len(e.vals)), e)
}

func appendFlat(out []string, e emission) []string {
	if len(e.vals) == 1 && strings.HasPrefix(e.vals[0].text, "-") && !e.vals[0].raw {
		return append(out, e.flag+"="+e.vals[0].text)
	}
	out = append(out, e.flag)
	for _, v := range e.vals {
		out = append(out, v.text)
	}
	return out
}

func flattenAll(es ...emission) []string {
	n := 0
	for _, e := range es {
		n += 1 + len(e.vals)
	}
	out := make([]string, 0, n)
	for _, e := range es {
		out = appendFlat(out, e)
	}
	return out
}
