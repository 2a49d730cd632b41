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
	"context"
	"strings"
	"sync"
)

// Paths whose bodies [Rewrite] filters.
const (
	ChatCompletionsPath = "/v1/chat/completions"
	CompletionsPath     = "/v1/completions"
)

// BodyField is the RejectError.Field of a body the filter refuses because
// it cannot read it as SGLang would (read.go): not a JSON object, or not
// JSON that Python's json module reads.
const BodyField = "body"

// Rewrite is RewriteContext without a context: it always runs to its end.
func Rewrite(path string, raw []byte, o Options) (out []byte, changes []Change, err error) {
	return RewriteContext(context.Background(), path, raw, o)
}

// RewriteContext filters a request body bound for path: it strips
// o.StripParams (chat only), applies the field table (fields.go) and
// repairs tool schemas (chat only, when o.FixToolSchemas is set). It reads
// the body as SGLang does (read.go: Python's json.loads, the last of two
// members of the same name counting), and returns raw itself and no
// changes when nothing needs changing, when path is not filtered, or when
// raw is empty.
//
// A non-nil error is either ctx's error, when ctx ended before the filter
// did (it looks at ctx at bounded intervals of work, so a client that
// leaves stops it soon), or a *RejectError, to be answered with
// ErrorJSON(http.StatusBadRequest, err.Error(), "BadRequestError") and
// nothing sent upstream:
//   - Field is BodyField when the body cannot be read as SGLang would read
//     it (not a JSON object, not JSON Python reads, nested deeper than the
//     filter reads): forwarding it unfiltered could let SGLang see fields
//     the filter should have removed (fail closed);
//   - otherwise the request asks for something SGLang cannot honour and
//     dropping it would silently change the result.
//
// Its time and memory are linear in len(raw).
func RewriteContext(ctx context.Context, path string, raw []byte, o Options) (out []byte, changes []Change, err error) {
	ep := endpointOf(path)
	if ep == 0 || len(raw) == 0 {
		return raw, nil, nil
	}
	cv := canceller{ctx: ctx}
	c := &cv
	b, bad := decodeBody(raw, c)
	if c.err != nil {
		return raw, nil, c.err
	}
	if bad != nil {
		return raw, nil, unreadableBody(bad)
	}
	start := skipSpace(b, 0)
	if start >= len(b) || b[start] != '{' {
		if bad := validate(b, c); bad != nil || c.err != nil {
			return raw, nil, c.orReject(bad)
		}
		return raw, nil, &RejectError{Field: BodyField, Reason: "must be a JSON object"}
	}
	mp := memberBufs.Get().(*[]member)
	ms, end, ok := scanObject(b, start, (*mp)[:0])
	defer putMembers(mp, ms)
	if tooManyMembers(ms, ok) {
		return raw, nil, unreadableBody(errManyMembers)
	}
	if !ok || skipSpace(b, end) != len(b) {
		if bad := validate(b, c); bad != nil || c.err != nil {
			return raw, nil, c.orReject(bad)
		}
		return raw, nil, unreadableBody(&unreadable{what: "JSON the proxy cannot read", at: -1}) // not reached: valid JSON scans
	}
	var watchBuf [16]int
	watched, shadowed := watchMembers(b, ms, o, watchBuf[:0])
	// A first look that allocates nothing (the members go to a pooled
	// slice) decides whether there is anything to do; most bodies need
	// nothing.
	var fixes []toolFix
	work := false
	for i := range ms {
		if i%cancelCheckMembers == cancelCheckMembers-1 && c.stop() {
			return raw, nil, c.err
		}
		if shadowed != nil && shadowed[i] {
			continue
		}
		switch classify(b, ep, &ms[i], o) {
		case clsNone:
		case clsTools:
			v, changes := repairTools(b, ms[i].valStart, ms[i].valEnd, c)
			if c.err != nil {
				return raw, nil, c.err
			}
			if v != nil {
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
	r := rewriter{b: b, ep: ep, ms: ms, watched: append([]int(nil), watched...), shadowed: shadowed}
	r.run(o, fixes, c)
	if c.err != nil {
		return raw, nil, c.err
	}
	if r.reject == nil && r.ed.empty() {
		return raw, nil, nil
	}
	// Only now, with something to do, pay for a full validation: a body
	// that SGLang would not read is refused rather than changed.
	if bad := validate(b, c); bad != nil || c.err != nil {
		return raw, nil, c.orReject(bad)
	}
	if r.reject != nil {
		return raw, nil, r.reject
	}
	// Members that a later one of the same name shadows go: Python never
	// reads them, and one could otherwise come back in place of a member
	// the filter removed.
	for i, s := range shadowed {
		if s {
			r.edit(i).drop = true
		}
	}
	out = make([]byte, 0, len(b)+r.grow)
	out = append(out, b[:start]...)
	out = renderObject(out, b, start, end, r.ms, &r.ed)
	return append(out, b[end:]...), r.changes, nil
}

// watchedNames are the top-level names the field table, the constraint
// check and the tool repair read or write (the strip list adds its own):
// the only ones whose copies the filter needs to tell apart.
var watchedNames = func() map[string]bool {
	m := map[string]bool{"tools": true, "chat_template_kwargs": true}
	for _, r := range fieldTable {
		m[r.Field] = true
		if r.To != "" {
			m[r.To] = true
		}
	}
	for _, f := range constraintFields {
		m[f] = true
	}
	return m
}()

// watchMembers returns the indexes of the members with watched names and,
// by member, whether a later member of the same name shadows one (nil when
// none does). Members with other names are never touched, so their copies
// need no telling apart: the memory this takes does not grow with the
// number of members.
func watchMembers(b []byte, ms []member, o Options, buf []int) (watched []int, shadowed []bool) {
	watched = buf
	for i := range ms {
		if watchedNames[string(ms[i].key(b))] || stripListed(b, &ms[i], o.StripParams) {
			watched = append(watched, i)
		}
	}
	for k, s := range shadowedAmong(b, ms, watched) {
		if s {
			if shadowed == nil {
				shadowed = make([]bool, len(ms))
			}
			shadowed[watched[k]] = true
		}
	}
	return watched, shadowed
}

// memberBufs keeps the slices the top-level members are read into, so
// that reading a body allocates nothing.
var memberBufs = sync.Pool{New: func() any { s := make([]member, 0, 32); return &s }}

// maxPooledMembers bounds the slices kept in memberBufs.
const maxPooledMembers = 1024

func putMembers(p *[]member, ms []member) {
	if cap(ms) > maxPooledMembers {
		return
	}
	clear(ms) // drop the decoded keys
	*p = ms[:0]
	memberBufs.Put(p)
}

func unreadableBody(u *unreadable) *RejectError {
	return &RejectError{Field: BodyField, Reason: "is not a JSON object that SGLang reads: " + u.reason()}
}

// Cancellation: the filter looks at the request's context every
// cancelCheckBytes of a byte-by-byte pass, every cancelCheckMembers members
// of the top-level object and every cancelCheckObjects objects of a tool
// schema walk, so that it ends soon after the client has left.
const (
	cancelCheckBytes   = 256 << 10
	cancelCheckMembers = 1024
	cancelCheckObjects = 1024
)

// canceller says whether the filter must stop; the zero value and nil
// never stop.
type canceller struct {
	ctx context.Context
	err error // the context's error, once seen
}

// stop looks at the context and reports whether it has ended.
func (c *canceller) stop() bool {
	if c == nil || c.ctx == nil {
		return false
	}
	if c.err == nil {
		c.err = c.ctx.Err()
	}
	return c.err != nil
}

// stopped reports whether a look at the context found it ended.
func (c *canceller) stopped() bool { return c != nil && c.err != nil }

// orReject returns the context's error when it ended, else the refusal of
// an unreadable body.
func (c *canceller) orReject(bad *unreadable) error {
	if c.stopped() {
		return c.err
	}
	return unreadableBody(bad)
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
	b        []byte
	ep       endpoint
	ms       []member
	watched  []int  // members with watched names (watchMembers), ascending
	shadowed []bool // members a later one of the same name shadows; nil for none
	ed       objectEdit
	changes  []Change
	reject   *RejectError
	grow     int // rough number of bytes the edits add

	// Values moving into chat_template_kwargs: member index and the key.
	kwargs []kwargMove
	// Structured output constraints the translations produced.
	produced []produced
	// Members the filter gave a new name (renames, translations): any other
	// member of that name goes once the plan is complete.
	written []written
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

type written struct {
	index int    // the member that now carries the name
	name  string // the name
	by    string // the vLLM field it came from
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

// counts reports whether member i is the one of its name that Python keeps.
func (r *rewriter) counts(i int) bool { return r.shadowed == nil || !r.shadowed[i] }

func (r *rewriter) run(o Options, fixes []toolFix, c *canceller) {
	rules := rulesByEndpoint[r.ep]
	for i := range r.ms {
		if i%cancelCheckMembers == cancelCheckMembers-1 && c.stop() {
			return
		}
		if !r.counts(i) {
			continue
		}
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
	r.supersede()
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
// that name loses (supersede): the client speaks vLLM, and vLLM would have
// ignored it.
func (r *rewriter) rename(i int, to string, c Change) {
	r.edit(i).key = appendString(nil, to)
	r.written = append(r.written, written{index: i, name: to, by: c.Field})
	r.changes = append(r.changes, c)
}

// replace gives member i a new key and value.
func (r *rewriter) replace(i int, to string, val []byte, c Change) {
	e := r.edit(i)
	e.key, e.val = appendString(nil, to), val
	r.grow += len(val)
	r.written = append(r.written, written{index: i, name: to, by: c.Field})
	r.changes = append(r.changes, c)
}

// supersede drops the members that carry a name the filter gave another
// member, once every rule has run (checkConstraints sees them first).
// Otherwise the client's member would stand beside the filter's, and
// whichever came last would count.
func (r *rewriter) supersede() {
	for _, w := range r.written {
		if j := r.find(w.name); j >= 0 && j != w.index {
			r.drop(j, Change{Kind: KindStripped, Field: w.name, Detail: "superseded by the vLLM field " + w.by})
		}
	}
}

// find returns the index of the member named name (a watched name) that
// Python keeps, the last, if no edit touches it; else -1.
func (r *rewriter) find(name string) int {
	for k := len(r.watched) - 1; k >= 0; k-- {
		if j := r.watched[k]; r.ms[j].is(r.b, name) {
			if r.untouched(j) {
				return j
			}
			return -1
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

// isUnset reports whether v is null or equal to one of unset (JSON values
// that mean "not set" in vLLM) as Python compares them: numbers by value,
// empty lists and objects whatever the whitespace inside ("[ ]" is "[]").
func isUnset(v []byte, unset []string) bool {
	if isNull(v) {
		return true
	}
	for _, u := range unset {
		switch {
		case string(v) == u, sameNumber(v, u):
			return true
		case (u == "[]" || u == "{}") && len(v) >= 2 && v[0] == u[0] && skipSpace(v, 1) == len(v)-1:
			return true
		}
	}
	return false
}
