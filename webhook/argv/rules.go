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

// arity is how many values a vLLM flag takes.
type arity uint8

const (
	switchArg  arity = iota // a boolean switch: no value
	oneValue                // exactly one value
	optValue                // nargs=?: zero or one value
	manyValues              // nargs=+: one or more values
)

// kind is the decision the table makes for a flag.
type kind uint8

const (
	// kindSame passes the flag (and values) to SGLang under the same name.
	kindSame kind = iota
	// kindRename passes the values under another SGLang name.
	kindRename
	// kindTranslate runs a translation function on the values.
	kindTranslate
	// kindDefault emits nothing: SGLang's default already behaves the same.
	kindDefault
	// kindTuning drops a performance or logging knob SGLang has no
	// equivalent for; what clients see does not change, so a Reject
	// profile does not refuse it.
	kindTuning
	// kindDrop drops a flag whose loss changes what the server does; a
	// Reject profile refuses it.
	kindDrop
	// kindReject refuses the command whatever the profile says.
	kindReject
)

var kindNames = [...]string{"same", "rename", "translate", "default", "tuning", "drop", "reject"}

func (k kind) String() string { return kindNames[k] }

// xlateFunc translates one (final) use of a flag.
type xlateFunc func(t *translation, a Arg)

// multiNodeFunc reports why a flag use makes the server part of a
// multi-node deployment ("" when it does not).
type multiNodeFunc func(a Arg, inv *Invocation) string

// rule is one row of the decision table: every vLLM server flag has one.
type rule struct {
	flag      string
	aliases   []string
	arity     arity
	negatable bool // BooleanOptionalAction: --no-X is accepted
	dict      bool // JSON dict value that also takes dotted keys (--X.key v)
	repeat    bool // action=append: every use counts, not only the last
	legacy    bool // removed from current vLLM, still seen in manifests
	kind      kind
	to        string // SGLang flag (kindSame, kindRename)
	xlate     xlateFunc
	reason    string // why: the finding's reason, or for kindTranslate what the translation does (docs)
	multiNode multiNodeFunc
}

// Option helpers, so table rows read as sentences.
func (r rule) alias(a ...string) rule     { r.aliases = append(r.aliases, a...); return r }
func (r rule) neg() rule                  { r.negatable = true; return r }
func (r rule) asDict() rule               { r.dict = true; return r }
func (r rule) repeated() rule             { r.repeat = true; return r }
func (r rule) old() rule                  { r.legacy = true; return r }
func (r rule) multi(f multiNodeFunc) rule { r.multiNode = f; return r }
func (r rule) why(reason string) rule     { r.reason = reason; return r }
func (r rule) String() string             { return r.flag + " (" + r.kind.String() + ")" }
func same(flag string, n arity) rule      { return rule{flag: flag, arity: n, kind: kindSame, to: flag} }
func rename(flag, to string, n arity) rule {
	return rule{flag: flag, arity: n, kind: kindRename, to: to}
}
func xlate(flag string, n arity, fn xlateFunc) rule {
	return rule{flag: flag, arity: n, kind: kindTranslate, xlate: fn}
}
func byDefault(flag string, n arity, reason string) rule {
	return rule{flag: flag, arity: n, kind: kindDefault, reason: reason}
}
func tuning(flag string, n arity, reason string) rule {
	return rule{flag: flag, arity: n, kind: kindTuning, reason: reason}
}
func drop(flag string, n arity, reason string) rule {
	return rule{flag: flag, arity: n, kind: kindDrop, reason: reason}
}
func reject(flag string, n arity, reason string) rule {
	return rule{flag: flag, arity: n, kind: kindReject, reason: reason}
}

// ruleIndex finds a rule by canonical name or alias.
type ruleIndex map[string]*rule

func indexRules(rows []rule) ruleIndex {
	idx := ruleIndex{}
	for i := range rows {
		r := &rows[i]
		for _, n := range append([]string{r.flag}, r.aliases...) {
			if _, dup := idx[n]; dup {
				panic("vLLM flag table lists " + n + " twice")
			}
			idx[n] = r
		}
	}
	return idx
}

// lookup resolves a normalised spelling, including --no-X negations.
func (idx ruleIndex) lookup(name string) (r *rule, negated bool) {
	if r, ok := idx[name]; ok {
		return r, false
	}
	if base, ok := strings.CutPrefix(name, "--no-"); ok {
		if r, ok := idx["--"+base]; ok && r.negatable {
			return r, true
		}
	}
	return nil, false
}
