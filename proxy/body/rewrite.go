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

package body

import (
	"strings"
)

// Paths whose bodies [Rewrite] filters.
const (
	ChatCompletionsPath = "/v1/chat/completions"
	CompletionsPath     = "/v1/completions"
)

// Rewrite filters a request body bound for path: it strips o.StripParams
// (chat only), applies the field table (fields.go) and repairs tool schemas
// (chat only, when o.FixToolSchemas is set). It returns raw itself and no
// changes when nothing needs changing, when path is not filtered, or when
// raw is not a valid JSON object (SGLang answers those itself). A non-nil error is a *RejectError:
// the request asks for something SGLang cannot honour and dropping it would
// silently change the result; answer it with
// ErrorJSON(http.StatusBadRequest, err.Error(), "BadRequestError").
func Rewrite(path string, raw []byte, o Options) (out []byte, changes []Change, err error) {
	ep := endpointOf(path)
	if ep == 0 {
		return raw, nil, nil
	}
	start := skipSpace(raw, 0)
	if start >= len(raw) || raw[start] != '{' {
		return raw, nil, nil
	}
	var buf [32]member
	ms, end, ok := scanObject(raw, start, buf[:0])
	if !ok || skipSpace(raw, end) != len(raw) {
		return raw, nil, nil
	}
	// A first look that allocates nothing (buf stays on the stack) decides
	// whether there is anything to do; most bodies need nothing.
	var fixes []toolFix
	work := false
	for i := range ms {
		switch classify(raw, ep, &ms[i], o) {
		case clsNone:
		case clsTools:
			if v, changes := repairTools(raw, ms[i].valStart, ms[i].valEnd); v != nil {
				fixes = append(fixes, toolFix{index: i, val: v, changes: changes})
				work = true
			}
		default:
			work = true
		}
	}
	if !work {
		return raw, nil, nil
	}
	r := rewriter{b: raw, ep: ep, ms: append([]member(nil), ms...)}
	r.run(o, fixes)
	if r.reject == nil && r.ed.empty() {
		return raw, nil, nil
	}
	// Only now, with something to do, pay for a full validation: a body that
	// is not JSON goes to SGLang untouched, whatever it looks like.
	if !validJSON(raw) {
		return raw, nil, nil
	}
	if r.reject != nil {
		return raw, nil, r.reject
	}
	out = make([]byte, 0, len(raw)+r.grow)
	out = append(out, raw[:start]...)
	out = renderObject(out, raw, start, end, r.ms, &r.ed)
	return append(out, raw[end:]...), r.changes, nil
}

func endpointOf(path string) endpoint {
	switch strings.TrimSuffix(path, "/") {
	case ChatCompletionsPath:
		return epChat
	case CompletionsPath:
		return epCompletions
	}
	return 0
}

// rewriter holds the plan for one body's top-level object.
type rewriter struct {
	b       []byte
	ep      endpoint
	ms      []member
	ed      objectEdit
	changes []Change
	reject  *RejectError
	grow    int // rough number of bytes the edits add

	// Values moving into chat_template_kwargs: member index and the key.
	kwargs []kwargMove
	// Structured output constraints the translations produced.
	produced []produced
}

type kwargMove struct {
	index int
	key   string
	rule  *fieldRule
}

type produced struct {
	index  int    // member that now carries the constraint
	target string // SGLang field
	source string // vLLM field
}

// class is what a top-level member needs.
type class uint8

const (
	clsNone  class = iota
	clsStrip       // listed in Options.StripParams
	clsRule        // set, and the field table has a rule for it
	clsTools       // tools, to be checked for schema repairs
)

func classify(b []byte, ep endpoint, m *member, o Options) class {
	switch {
	case ep == epChat && stripListed(b, m, o.StripParams):
		return clsStrip
	case o.FixToolSchemas && ep == epChat && m.is(b, "tools"):
		return clsTools
	}
	if rule := rulesByEndpoint[ep][string(m.key(b))]; rule != nil && !isUnset(m.value(b), rule.Unset) {
		return clsRule
	}
	return clsNone
}

// toolFix is a repaired tools member.
type toolFix struct {
	index   int
	val     []byte
	changes []Change
}

func (r *rewriter) run(o Options, fixes []toolFix) {
	rules := rulesByEndpoint[r.ep]
	for i := range r.ms {
		m := &r.ms[i]
		switch classify(r.b, r.ep, m, o) {
		case clsStrip:
			r.drop(i, Change{Kind: KindStripped, Field: string(m.key(r.b)), Detail: "listed in the proxy's strip list"})
		case clsRule:
			r.apply(rules[string(m.key(r.b))], i)
		}
	}
	for _, f := range fixes {
		r.edit(f.index).val = f.val
		r.grow += len(f.val) - (r.ms[f.index].valEnd - r.ms[f.index].valStart)
		r.changes = append(r.changes, f.changes...)
	}
	r.finishKwargs()
	r.checkConstraints()
}

func stripListed(b []byte, m *member, list []string) bool {
	for _, p := range list {
		if m.is(b, p) {
			return true
		}
	}
	return false
}

// apply runs one table rule on member i, which classify found set.
func (r *rewriter) apply(rule *fieldRule, i int) {
	switch rule.Action {
	case actStrip:
		r.drop(i, Change{Kind: KindStripped, Field: rule.Field, Detail: rule.Reason})
	case actRename:
		r.rename(i, rule.To, Change{Kind: KindRenamed, Field: rule.Field, Detail: "sent as " + rule.To + ": " + rule.Reason})
	case actTranslate:
		r.translate(rule, i)
	case actReject:
		r.refuse(rule.Field, rule.Reason)
	}
}

func (r *rewriter) edit(i int) *memberEdit { return r.ed.at(len(r.ms), i) }

func (r *rewriter) drop(i int, c Change) {
	r.edit(i).drop = true
	r.changes = append(r.changes, c)
}

func (r *rewriter) refuse(field, reason string) {
	if r.reject == nil {
		r.reject = &RejectError{Field: field, Reason: reason}
	}
}

// rename moves member i to key to. A member the client already sent under
// that name loses: the client speaks vLLM, and vLLM would have ignored it.
func (r *rewriter) rename(i int, to string, c Change) {
	r.supersede(to, c.Field)
	r.edit(i).key = appendString(nil, to)
	r.changes = append(r.changes, c)
}

// replace gives member i a new key and value.
func (r *rewriter) replace(i int, to string, val []byte, c Change) {
	e := r.edit(i)
	e.key, e.val = appendString(nil, to), val
	r.grow += len(val)
	r.changes = append(r.changes, c)
}

// supersede drops members named name that a rename or translation replaces.
func (r *rewriter) supersede(name, by string) {
	for j := range r.ms {
		if r.ms[j].is(r.b, name) && r.untouched(j) {
			r.drop(j, Change{Kind: KindStripped, Field: name, Detail: "superseded by the vLLM field " + by})
		}
	}
}

// find returns the index of the last member named name that no edit
// touches (the one Python's json module would keep), or -1.
func (r *rewriter) find(name string) int {
	for j := len(r.ms) - 1; j >= 0; j-- {
		if r.ms[j].is(r.b, name) && r.untouched(j) {
			return j
		}
	}
	return -1
}

func (r *rewriter) untouched(j int) bool {
	if r.ed.edits == nil {
		return true
	}
	e := &r.ed.edits[j]
	return !e.drop && e.key == nil && e.val == nil
}

// isUnset reports whether v is null or one of unset, comparing numbers by
// value and ignoring whitespace inside short values ("[ ]" is "[]").
func isUnset(v []byte, unset []string) bool {
	if isNull(v) {
		return true
	}
	for _, u := range unset {
		if string(v) == u || sameNumber(v, u) || (len(v) < 16 && compact(v) == u) {
			return true
		}
	}
	return false
}
