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
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

var (
	// ErrNotDetected is returned by Translate for an invocation Detect did not produce.
	ErrNotDetected = errors.New("not a detected vLLM server invocation")
	// ErrNoModel is returned by Translate for an invocation without a model
	// (Detect's SkipNoModel): SGLang requires --model-path.
	ErrNoModel = errors.New("the vLLM command names no model")
)

// Translate rewrites a detected invocation into an SGLang server command.
// It fails on a profile error (an unknown extra flag, a bad override or
// memory setting) and on an invocation Detect did not pass (no model);
// flags it cannot translate are reported in the Findings, rejected ones
// too (see Result.Rejected).
func Translate(inv *Invocation, opts Options) (*Result, error) {
	if inv == nil || inv.Form == "" {
		return nil, ErrNotDetected
	}
	if inv.Model == "" {
		return nil, ErrNoModel
	}
	t, err := newTranslation(inv, opts)
	if err != nil {
		return nil, err
	}
	for _, a := range t.resolve(inv.Args) {
		t.handle(a)
	}
	if err := t.finish(); err != nil {
		return nil, err
	}
	return t.result()
}

// translation is the state of one Translate call.
type translation struct {
	inv      *Invocation
	opts     Options
	policy   *Policy
	cat      *sglang.Catalog // the release's flags
	gpu      gpuPolicy
	extra    []emission // the profile's extra arguments, parsed
	extraErr error      // why they do not parse; reported after the table's errors (see finish)
	out      []emission
	findings []finding
	st       state
	err      error
	pending  *pending // the decision under way (see attempt)
}

// finding is a Finding plus whether a Reject profile refuses it.
type finding struct {
	Finding
	unsafe bool
}

// emission is one SGLang flag and its values.
type emission struct {
	flag string
	vals []token
}

// state gathers what several flags decide together.
type state struct {
	maxModelLen     int64 // 0 when unknown
	blockSize       int64
	batchedTokens   *Arg
	chunkedOff      bool
	modelOverrides  map[string]any
	overrideSources []string
	overrideArgs    []Arg
	seedSet         bool
	streamSet       bool
	apiKeySet       bool
	servedNames     []string
	host            *token
	port            int32
	portOpaque      bool
	portToken       token
	tp              int
	enableLoRA      *Arg
	maxLoras        *Arg
	maxCPULoras     *Arg
	spec            specState
	gpuUtilSet      bool
}

func newTranslation(inv *Invocation, opts Options) (*translation, error) {
	t := &translation{inv: inv, opts: opts, policy: &opts.Policy, cat: opts.catalog(),
		out: make([]emission, 0, len(inv.Args)+16), findings: make([]finding, 0, len(inv.Args))}
	gpu, err := parseGPUPolicy(opts.Policy.GPUMemory)
	if err != nil {
		return nil, err
	}
	t.gpu = gpu
	t.extra, t.extraErr = parseExtra(opts.Policy.Extra, t.cat)
	t.st.port, t.st.tp, t.st.blockSize = defaultVLLMPort, 1, defaultBlockSize
	return t, nil
}

const (
	defaultVLLMPort  = 8000
	defaultBlockSize = 16
)

// emit adds an SGLang flag; a later emission of the same flag replaces an
// earlier one, as argparse keeps the last value.
func (t *translation) emit(flag string, vals ...string) {
	t.emitTokens(flag, literalTokens(vals))
}

// A flag or value the release lacks is not emitted: within an attempt the
// decision is undone; outside one (the settings every pod gets) it is an
// error, since the pod would not start.
func (t *translation) emitTokens(flag string, vals []token) {
	if why := t.unavailable(flag, vals); why != "" {
		if t.pending == nil {
			t.fail(fmt.Errorf("%s, which every rewritten pod needs", why))
			return
		}
		t.pending.lacks = append(t.pending.lacks, why)
		return
	}
	t.out = slices.DeleteFunc(t.out, func(e emission) bool { return e.flag == flag })
	t.out = append(t.out, emission{flag: flag, vals: vals})
	if t.pending != nil {
		t.pending.emitted = append(t.pending.emitted, flag)
	}
}

// note records a finding about a vLLM argument.
func (t *translation) note(a Arg, action Action, unsafe bool, reason string, emitted ...string) {
	t.findings = append(t.findings, finding{Finding: Finding{
		Flag:    displayFlag(a),
		Value:   strings.Join(a.Values, " "),
		Action:  action,
		Reason:  reason,
		Emitted: emitted,
	}, unsafe: unsafe})
}

func displayFlag(a Arg) string {
	switch {
	case a.Flag == "":
		return a.Written
	case a.Key != "":
		return a.Flag + "." + a.Key
	}
	return a.Flag
}

// translated, approximated, dropped and rejected are the four ways a flag ends.
func (t *translation) translated(a Arg, reason string, emitted ...string) {
	t.note(a, Translated, false, reason, emitted...)
}

func (t *translation) approximated(a Arg, reason string, emitted ...string) {
	t.note(a, Approximated, false, reason, emitted...)
}

func (t *translation) dropped(a Arg, unsafe bool, reason string) {
	t.note(a, Dropped, unsafe, reason)
}

func (t *translation) rejected(a Arg, reason string) {
	t.note(a, Rejected, true, reason)
}

// handle translates one argument: profile override, then the table, then
// the pass-through rule for flags vLLM does not know.
func (t *translation) handle(a Arg) {
	t.attempt(func() { t.decide(a) }, a)
}

func (t *translation) decide(a Arg) {
	if a.Flag == "" {
		t.positional(a)
		return
	}
	if o, ok := t.override(a.Flag); ok {
		t.applyOverride(a, o)
		return
	}
	if !a.Known {
		t.unknown(a)
		return
	}
	r := vllmRules[a.Flag]
	if (r.arity == oneValue || r.arity == manyValues) && !a.Negated && len(a.Values) == 0 {
		t.dropped(a, true, "it has no value (vLLM would not have started)")
		return
	}
	t.apply(r, a)
}

func (t *translation) positional(a Arg) {
	if t.inv.modelArg(a) {
		return
	}
	t.dropped(a, true, "vLLM takes no further positional argument here")
}

// apply carries out the table's decision for one flag.
func (t *translation) apply(r *rule, a Arg) {
	switch r.kind {
	case kindSame, kindRename:
		t.pass(r, a)
	case kindTranslate:
		r.xlate(t, a)
	case kindDefault:
		t.translated(a, r.reason)
	case kindTuning:
		t.dropped(a, false, r.reason)
	case kindDrop:
		t.dropped(a, true, r.reason)
	case kindReject:
		t.rejected(a, r.reason)
	}
}

// pass emits a same-named or renamed flag, checking SGLang's choices.
func (t *translation) pass(r *rule, a Arg) {
	spec, _ := t.flag(r.to)
	if a.Negated {
		t.negated(a, spec)
		return
	}
	vals := a.tokens()
	if !spec.TakesValue {
		vals = nil
	}
	t.emitTokens(r.to, vals)
	if r.kind == kindRename {
		t.translated(a, "SGLang calls it "+r.to, flatten(emission{r.to, vals})...)
	}
}

// negated handles --no-X of a boolean flag SGLang also has: SGLang's
// store_true switches are off unless given, so nothing is lost.
func (t *translation) negated(_ Arg, spec sglang.Flag) {
	if spec.Negatable {
		t.emit("--no-" + strings.TrimPrefix(spec.Name, "--"))
	}
}

// tokens returns the values as tokens, keeping shell source verbatim.
func (a Arg) tokens() []token {
	out := make([]token, len(a.Values))
	for i, v := range a.Values {
		out[i] = token{text: v, raw: i < len(a.raw) && a.raw[i]}
	}
	return out
}

// unknown handles a flag vLLM does not have: SGLang flags pass, others drop.
func (t *translation) unknown(a Arg) {
	spec, ok := t.flag(a.Flag)
	if !ok {
		t.dropped(a, true, "neither vLLM nor SGLang "+t.cat.Version().String()+" has this flag"+t.flagHistory(a.Flag))
		return
	}
	if a.Negated || strings.HasPrefix(a.Flag, "--no-") && spec.Name != a.Flag {
		t.emit(a.Flag)
		t.translated(a, "not a vLLM flag; passed to SGLang, which has it", a.Flag)
		return
	}
	if spec.TakesValue && len(a.Values) == 0 && spec.Nargs != "?" && spec.Nargs != "*" {
		t.dropped(a, true, "it has no value")
		return
	}
	vals := a.tokens()
	if !spec.TakesValue {
		vals = nil
	}
	t.emitTokens(spec.Name, vals)
	t.translated(a, "not a vLLM flag; passed to SGLang, which has it", flatten(emission{spec.Name, vals})...)
}
