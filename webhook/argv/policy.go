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
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// Policy is a profile's say in the translation: an SGLangProfile's
// spec.args, converted by webhook/profile.ArgvPolicy (this package knows no
// Kubernetes types). The string values are the API's.
type Policy struct {
	// Extra are SGLang arguments appended to every translated command line;
	// each replaces any translated value of the same flag. Every flag must
	// exist in the release.
	Extra []string
	// Overrides replace the table's decision for single vLLM flags.
	Overrides []Override
	// ToolCallParsers and ReasoningParsers map vLLM --tool-call-parser and
	// --reasoning-parser names to SGLang names, on top of (and winning
	// over) the built-in maps.
	ToolCallParsers, ReasoningParsers map[string]string
	// GPUMemory is the --gpu-memory-utilization policy.
	GPUMemory GPUMemoryPolicy
	// RejectUnsafe turns each drop of a flag that cannot be translated
	// safely into a rejection (the profile's unsafeFlags: Reject); false
	// drops it with a warning (Warn).
	RejectUnsafe bool
}

// Override replaces the table's decision for one vLLM flag.
type Override struct {
	// Flag is the vLLM flag in its long dashed form, e.g. --block-size.
	Flag string
	// Action is what happens to the flag.
	Action OverrideAction
	// SGLangFlag is the SGLang flag the value goes to (OverrideRename).
	SGLangFlag string
}

// OverrideAction is what an Override does with its flag.
type OverrideAction string

const (
	// OverrideDrop: SGLang gets nothing for the flag, without a warning
	// (the finding says Translated: the profile asked for it).
	OverrideDrop OverrideAction = "Drop"
	// OverrideReject: a command that uses the flag is refused.
	OverrideReject OverrideAction = "Reject"
	// OverridePass: the flag goes to SGLang as written.
	OverridePass OverrideAction = "Pass"
	// OverrideRename: the values go to SGLang under Override.SGLangFlag.
	OverrideRename OverrideAction = "Rename"
)

// GPUMemoryPolicy is how --gpu-memory-utilization becomes SGLang's
// --mem-fraction-static.
type GPUMemoryPolicy struct {
	// Mode is GPUMemoryTranslate when empty.
	Mode GPUMemoryMode
	// Offset is subtracted from vLLM's fraction in Translate mode, because
	// SGLang's fraction excludes activations and graph buffers: a decimal
	// fraction, "0.07" when empty.
	Offset string
	// MemFractionStatic is the fraction emitted in Fixed mode.
	MemFractionStatic string
}

// GPUMemoryMode is a GPUMemoryPolicy's mode.
type GPUMemoryMode string

const (
	// GPUMemoryTranslate derives SGLang's fraction from vLLM's (minus the offset).
	GPUMemoryTranslate GPUMemoryMode = "Translate"
	// GPUMemoryOmit leaves the fraction to SGLang.
	GPUMemoryOmit GPUMemoryMode = "Omit"
	// GPUMemoryFixed emits MemFractionStatic whatever vLLM's fraction.
	GPUMemoryFixed GPUMemoryMode = "Fixed"
)

// override returns the profile's override for a vLLM flag.
func (t *translation) override(flag string) (Override, bool) {
	for _, o := range t.policy.Overrides {
		if o.Flag == flag {
			return o, true
		}
	}
	return Override{}, false
}

// applyOverride carries out a profile override, which wins over the table.
func (t *translation) applyOverride(a Arg, o Override) {
	switch o.Action {
	case OverrideDrop:
		t.translated(a, "the profile drops this flag")
	case OverrideReject:
		t.rejected(a, "the profile rejects this flag")
	case OverridePass:
		t.passAs(a, a.Flag, "the profile passes this flag to SGLang unchanged")
	case OverrideRename:
		t.passAs(a, o.SGLangFlag, "the profile renames this flag to "+o.SGLangFlag)
	default:
		t.fail(fmt.Errorf("profile override for %s: unknown action %q", o.Flag, o.Action))
	}
}

// passAs emits the argument's values under an SGLang flag the profile named.
func (t *translation) passAs(a Arg, to, reason string) {
	spec, ok := t.flag(to)
	if !ok {
		t.fail(fmt.Errorf("profile override for %s: SGLang %s has no flag %s", a.Flag, t.cat.Version(), to))
		return
	}
	if a.Negated {
		t.negated(a, spec)
		return
	}
	vals := a.tokens()
	if !spec.TakesValue {
		vals = nil
	}
	t.emitTokens(spec.Name, vals)
	t.translated(a, reason, flatten(emission{spec.Name, vals})...)
}

func (t *translation) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

// defaultGPUMemoryOffset is GPUMemoryPolicy.Offset when it is empty.
const defaultGPUMemoryOffset = 0.07

// gpuPolicy is the parsed --gpu-memory-utilization policy.
type gpuPolicy struct {
	mode   GPUMemoryMode
	offset float64
	fixed  string
}

func parseGPUPolicy(p GPUMemoryPolicy) (gpuPolicy, error) {
	g := gpuPolicy{mode: p.Mode, offset: defaultGPUMemoryOffset}
	if g.mode == "" {
		g.mode = GPUMemoryTranslate
	}
	if p.Offset != "" {
		f, err := strconv.ParseFloat(p.Offset, 64)
		if err != nil || f < 0 || f >= 1 {
			return g, fmt.Errorf("gpuMemoryUtilization.offset %q is not a fraction in [0,1)", p.Offset)
		}
		g.offset = f
	}
	switch g.mode {
	case GPUMemoryTranslate, GPUMemoryOmit:
	case GPUMemoryFixed:
		f, err := strconv.ParseFloat(p.MemFractionStatic, 64)
		if err != nil || f <= 0 || f >= 1 {
			return g, fmt.Errorf("gpuMemoryUtilization.memFractionStatic %q is not a fraction in (0,1)", p.MemFractionStatic)
		}
		g.fixed = strconv.FormatFloat(f, 'f', -1, 64)
	default:
		return g, fmt.Errorf("gpuMemoryUtilization.mode %q is not Translate, Omit or Fixed", g.mode)
	}
	return g, nil
}

// memFraction is the Translate heuristic: vLLM's fraction caps all GPU
// memory, SGLang's covers weights and KV pool only, so subtract the offset.
func (g gpuPolicy) memFraction(u float64) float64 {
	return min(max(math.Round((u-g.offset)*100)/100, minMemFraction), maxMemFraction)
}

// The bounds of a translated --mem-fraction-static.
const (
	minMemFraction = 0.30
	maxMemFraction = 0.88
)

// SGLang multiplies --mem-fraction-static by aiterFactor, a value the user
// set included, when its attention backend is aiter (its default on ROCm)
// and the model's context is longer than aiterContext tokens
// (server_args.py, _handle_attention_backend_compatibility; in newest
// releases arg_groups/attention_hook.py, unless the pod sets
// SGLANG_AITER_HONOR_EXPLICIT_MEM_FRACTION=1).
const (
	aiterFactor  = 0.85
	aiterContext = 8192
)

// aiterShrinks tells whether SGLang will apply aiterFactor: a ROCm pod
// whose container does not set SGLANG_AITER_HONOR_EXPLICIT_MEM_FRACTION
// (Options.sets: in the pod spec, or in the environment at start), no
// attention backend other than aiter in the profile's extra arguments,
// and a context over aiterContext or not known here (then the model's own,
// which is longer for today's models).
func (t *translation) aiterShrinks() bool {
	if !t.opts.ROCm || t.opts.sets("SGLANG_AITER_HONOR_EXPLICIT_MEM_FRACTION") {
		return false
	}
	for _, e := range t.extra {
		if e.flag == "--attention-backend" && slices.ContainsFunc(e.vals, func(v token) bool { return v.text != "aiter" }) {
			return false
		}
	}
	if a, ok := t.inv.Flag("--max-model-len"); ok && !a.Opaque {
		if n, err := parseHumanInt(a.Value()); err == nil && n > 0 && n <= aiterContext {
			return false
		}
	}
	return true
}

// memFractionFor returns the --mem-fraction-static to emit for the
// effective fraction f, and why: f itself, or f/aiterFactor (at most
// maxMemFraction) when SGLang will shrink it.
func (t *translation) memFractionFor(f float64) (float64, string) {
	if !t.aiterShrinks() {
		return f, ""
	}
	emitted := min(math.Round(f/aiterFactor*100)/100, maxMemFraction)
	return emitted, fmt.Sprintf("; SGLang multiplies it by %s with ROCm's aiter attention backend when the context exceeds %d tokens, so %s is emitted (effective %s%s)",
		fraction(aiterFactor), aiterContext, fraction(emitted), fraction(math.Round(emitted*aiterFactor*1000)/1000), capped(emitted))
}

func capped(emitted float64) string {
	if emitted == maxMemFraction {
		return fmt.Sprintf(", capped at %s in case SGLang picks another backend", fraction(maxMemFraction))
	}
	return ""
}

func fraction(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// applyExtra appends the profile's extra SGLang arguments; each replaces
// any translated value of the same flag.
// newTranslation parsed them; an error in them is reported here, after the
// table's own errors.
func (t *translation) applyExtra() error {
	if t.extraErr != nil {
		return t.extraErr
	}
	for _, e := range t.extra {
		t.emitTokens(e.flag, e.vals)
	}
	return nil
}

// parseExtra validates the profile's extra arguments against the release's catalog.
func parseExtra(words []string, cat *sglang.Catalog) ([]emission, error) {
	var out []emission
	for i := 0; i < len(words); i++ {
		name, inline, hasInline := strings.Cut(words[i], "=")
		if !strings.HasPrefix(name, "--") {
			return nil, fmt.Errorf("profile args.extra: %q is not a flag", words[i])
		}
		spec, ok := cat.Flag(name)
		if !ok {
			return nil, fmt.Errorf("profile args.extra: SGLang %s has no flag %s", cat.Version(), name)
		}
		e := emission{flag: spec.Name}
		if name != spec.Name && !spec.TakesValue { // --no-X
			e.flag = name
		}
		a := Arg{}
		n := takeValues(&a, literalTokens(words[i+1:]), sglangArity(spec), inline, hasInline)
		if spec.TakesValue && spec.Nargs == "" && len(a.Values) == 0 {
			return nil, fmt.Errorf("profile args.extra: %s needs a value", name)
		}
		e.vals = a.tokens()
		out = append(out, e)
		i += n
	}
	return out, nil
}

// applyUnsafePolicy turns unsafe drops into rejections for a Reject profile.
func (t *translation) applyUnsafePolicy() {
	if !t.policy.RejectUnsafe {
		return
	}
	for i := range t.findings {
		f := &t.findings[i]
		if f.unsafe && f.Action == Dropped {
			f.Action = Rejected
			f.Reason += " (the profile rejects flags that cannot be translated safely)"
		}
	}
}
