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
	"slices"
	"strconv"
	"sync"
)

// Tool schema repair (as vultr/vllm-to-sglang's fix_schema filter did):
// SGLang checks every tools[].function.parameters with a JSON Schema
// meta-validator (Draft 2020-12, serving_chat.py _validate_request) and
// answers 400 for schemas some clients send, such as "properties": [] from
// PHP or JavaScript serialisers of empty maps. The rules:
//   - parameters missing or not an object -> {"type":"object","properties":{}}
//   - properties present but not an object -> {}
//   - required present but not an array -> removed
//   - the walk recurses into every object in properties, into items when it
//     is an object, into object members of anyOf/allOf/oneOf, and into
//     additionalProperties when it is an object; nothing else is touched
//     ($defs, definitions, not, prefixItems keep what the client sent).
//
// Of members with the same name only the last is looked at, as Python's
// json module keeps only the last; a required that is removed takes its
// namesakes with it, so that none of them comes back.
//
// The walk reads the tools array once, front to back: each value is either
// walked (it is a schema the rules look into) or skipped, never both, and
// the repairs are collected as one list of edits applied in one copy at
// the end. So a repair costs the same at any depth, and the whole walk
// costs time in proportion to the size of the tools array.

// emptyParameters replaces a missing or non-object parameters schema.
const emptyParameters = `{"type":"object","properties":{}}`

// maxSchemaDepth bounds the walk; deeper schemas are left as sent (SGLang
// refuses them with its own error).
const maxSchemaDepth = 64

// maxRepairs bounds the repairs (counted before a later member of the same
// name voids some) of one tools array: each costs a few hundred bytes of
// bookkeeping. Tools that need more are left as sent, for SGLang to judge.
// Real ones need a handful.
const maxRepairs = 1 << 14

// maxDetailPath and maxDetailKey bound the JSON path a repair's
// Change.Detail spells out, and each key in it: keys are the client's and
// may be long, and one key may be on the path of many repairs.
const (
	maxDetailPath = 512
	maxDetailKey  = 128
)

// schemaFixer walks tool schemas and records repairs.
type schemaFixer struct {
	b       []byte
	c       canceller // a copy of the caller's, which keeps it off the heap
	visited int       // objects and arrays walked, for the cancellation checks

	// edits are the repairs, in document order (sorted, not overlapping);
	// changes say what they did, in the same order. An entry whose off is
	// set does not count: a placeholder for a repair that the rest of its
	// object decided against.
	edits   []edit
	changes []slotChange
	// voids are ranges of edits and changes made while walking a member
	// that a later member of the same name shadows: they do not count.
	voids []void

	path []pathSeg // where the walk is, spelled out only for a repair
	// ms is a stack of the members of the objects being walked: a frame
	// pushes its own above its parent's and pops them on return.
	ms []member
	// walked is a stack of the ranges of edits and changes each walked
	// member produced, for voiding them when the member turns out shadowed.
	walked []walkedMember
	// pending is a stack of the repairs each object's frame may make once
	// it has read all its members.
	pending []pendingRepair
}

// pendingRepair is a repair of one member that its object decides on once
// it has read all its members (a later member of the same name may shadow
// it): an edit and a change are reserved where it belongs in document
// order, and filled (take) only if it is made, so nothing is spent on it
// otherwise.
type pendingRepair struct {
	member       int    // index in the object's members
	edit, change int    // reserved slots
	seg          string // the member's path segment, e.g. ".properties"
	field        string
	val          []byte // the replacement value; nil removes the member
	done         string // what was done, after "was <type>, "
}

// Replacement values.
var (
	emptyParametersValue = []byte(emptyParameters)
	emptyObjectValue     = []byte("{}")
)

type edit struct {
	start, end int
	val        []byte
	off        bool
}

type slotChange struct {
	Change
	off bool
}

type void struct{ edits, changes [2]int }

type walkedMember struct {
	index          int // in the object's members
	edits, changes int // marks before the walk
	editsEnd       int
	changesEnd     int
}

// fixers keeps walkers, with their grown stacks, between requests.
var fixers = sync.Pool{New: func() any { return new(schemaFixer) }}

// repairTools repairs the tools array b[s:e]; val is nil when it needs no
// repair (or c stopped the walk: c.err says so).
func repairTools(b []byte, s, e int, c *canceller) (val []byte, changes []Change) {
	f := fixers.Get().(*schemaFixer)
	f.b, f.c = b, *c
	if _, ok := f.tools(s); ok && !f.c.stopped() {
		val, changes = f.apply(s, e)
	}
	c.err = f.c.err
	f.reset()
	fixers.Put(f)
	return val, changes
}

// maxPooledStack bounds the stacks a walker keeps in the pool: an unusual
// body's are dropped rather than held.
const maxPooledStack = 4096

func (f *schemaFixer) reset() {
	f.b, f.c, f.visited = nil, canceller{}, 0
	clear(f.edits) // drop the references to replacement values and details
	clear(f.changes)
	f.edits, f.changes, f.voids = f.edits[:0], f.changes[:0], f.voids[:0]
	f.path, f.ms, f.walked, f.pending = f.path[:0], f.ms[:0], f.walked[:0], f.pending[:0]
	if cap(f.edits) > maxPooledStack || cap(f.changes) > maxPooledStack || cap(f.ms) > maxPooledStack ||
		cap(f.voids) > maxPooledStack || cap(f.walked) > maxPooledStack || cap(f.pending) > maxPooledStack {
		*f = schemaFixer{}
	}
}

// apply returns b[s:e] with the edits that count applied, and their
// changes; nil when none counts.
func (f *schemaFixer) apply(s, e int) ([]byte, []Change) {
	slices.SortFunc(f.voids, func(a, b void) int { return a.edits[0] - b.edits[0] })
	var reps []rep
	vi, until := 0, 0
	for i := range f.edits {
		for vi < len(f.voids) && f.voids[vi].edits[0] <= i {
			until = max(until, f.voids[vi].edits[1])
			vi++
		}
		if ed := &f.edits[i]; !ed.off && i >= until {
			reps = append(reps, rep{ed.start, ed.end, ed.val})
		}
	}
	if reps == nil {
		return nil, nil
	}
	slices.SortFunc(f.voids, func(a, b void) int { return a.changes[0] - b.changes[0] })
	var changes []Change
	vi, until = 0, 0
	for i := range f.changes {
		for vi < len(f.voids) && f.voids[vi].changes[0] <= i {
			until = max(until, f.voids[vi].changes[1])
			vi++
		}
		if ch := &f.changes[i]; !ch.off && i >= until {
			changes = append(changes, ch.Change)
		}
	}
	size := e - s
	for _, r := range reps {
		size += len(r.val) - (r.end - r.start)
	}
	return splice(make([]byte, 0, size), f.b, s, e, reps), changes
}

// pathSeg is one step of a JSON path: a literal such as ".function", an
// object key (as offsets into the body) or an array index. Keeping offsets
// rather than strings keeps the walk allocation-free when nothing is wrong.
type pathSeg struct {
	lit    string
	ks, ke int // key token offsets, when lit is empty and ke > 0
	index  int
}

// detail spells out the walk's path and what was done there.
func (f *schemaFixer) detail(what string) string {
	var p []byte
	for _, s := range f.path {
		switch {
		case s.lit != "":
			p = append(p, s.lit...)
		case s.ke > 0:
			p = append(p, '.')
			if tok := f.b[s.ks:s.ke]; len(tok) <= maxDetailKey {
				k, _ := decodeJSONString(tok)
				p = append(p, k...)
			} else { // a long key is cut, as sent: decoding it costs its length
				p = append(append(p, tok[1:maxDetailKey]...), "..."...)
			}
		default:
			p = strconv.AppendInt(append(p, '['), int64(s.index), 10)
			p = append(p, ']')
		}
		if len(p) > maxDetailPath {
			p = append(p[:maxDetailPath], "..."...)
			break
		}
	}
	return string(p) + ": " + what
}

// repair records a repair that counts: replace b[start:end] with val.
func (f *schemaFixer) repair(start, end int, val []byte, field, what string) {
	f.edits = append(f.edits, edit{start: start, end: end, val: val})
	f.changes = append(f.changes, slotChange{Change: Change{Kind: KindRepaired, Field: field, Detail: f.detail(what)}})
}

// reserve reserves the slots of a repair of member index (of the object
// being read, whose value is m's) that the object decides on at its end.
func (f *schemaFixer) reserve(index int, m *member, seg, field string, val []byte, done string) {
	f.pending = append(f.pending, pendingRepair{member: index, edit: len(f.edits), change: len(f.changes),
		seg: seg, field: field, val: val, done: done})
	f.edits = append(f.edits, edit{start: m.valStart, end: m.valStart, off: true})
	f.changes = append(f.changes, slotChange{off: true})
}

// take makes a reserved repair of a member of ms, which replaces the
// member's value, or b[start:end] when the repair removes the member.
func (f *schemaFixer) take(p *pendingRepair, ms []member, start, end int) {
	m := &ms[p.member]
	ed := &f.edits[p.edit]
	ed.off, ed.val = false, p.val
	if p.val != nil {
		ed.start, ed.end = m.valStart, m.valEnd
	} else {
		ed.start, ed.end = start, end
	}
	f.push(p.seg)
	f.changes[p.change] = slotChange{Change: Change{Kind: KindRepaired, Field: p.field,
		Detail: f.detail("was " + describe(m.value(f.b)) + ", " + p.done)}}
	f.pop()
}

// takeLast makes the pending repairs of the object (from mark on, of the
// members ms) that replace a value and whose member no later member of the
// same name shadows.
func (f *schemaFixer) takeLast(ms []member, mark int) {
	var at []int
	var which []*pendingRepair
	for k := range f.pending[mark:] {
		if p := &f.pending[mark+k]; p.val != nil {
			at, which = append(at, p.member), append(which, p)
		}
	}
	shadowed := shadowedAmong(f.b, ms, at)
	for k, p := range which {
		if shadowed == nil || !shadowed[k] {
			f.take(p, ms, 0, 0)
		}
	}
}

func (f *schemaFixer) push(lit string) { f.path = append(f.path, pathSeg{lit: lit}) }
func (f *schemaFixer) pushKey(m *member) {
	f.path = append(f.path, pathSeg{ks: m.keyStart, ke: m.keyEnd})
}
func (f *schemaFixer) pushIndex(i int) { f.path = append(f.path, pathSeg{index: i}) }
func (f *schemaFixer) pop()            { f.path = f.path[:len(f.path)-1] }

// visit counts a walked object or array and reports whether the walk must
// stop (the request's context ended).
func (f *schemaFixer) visit() bool {
	f.visited++
	return f.visited%cancelCheckObjects == 0 && f.c.stop()
}

// Reading objects and arrays one member or element at a time: the caller
// walks or skips each value.

// objectStart returns the offset of the first member of the object at
// b[s] (a '{'), or of its '}'.
func (f *schemaFixer) objectStart(s int) int { return skipSpace(f.b, s+1) }

// nextMember reads the key of the member at b[i] up to its value; ok is
// false at the object's end (b[i] is '}'), and i < 0 when the object is
// malformed.
func (f *schemaFixer) nextMember(i int) (m member, ok bool, bad bool) {
	b := f.b
	if i >= len(b) || b[i] != '"' {
		return m, false, i >= len(b) || b[i] != '}'
	}
	m.keyStart = i
	if m.keyEnd = skipString(b, i); m.keyEnd < 0 {
		return m, false, true
	}
	if hasEscape(b[i:m.keyEnd]) {
		m.escKey, m.esc = decodeJSONString(b[i:m.keyEnd])
	}
	i = skipSpace(b, m.keyEnd)
	if i >= len(b) || b[i] != ':' {
		return m, false, true
	}
	m.valStart = skipSpace(b, i+1)
	return m, true, m.valStart >= len(b)
}

// afterValue takes the member whose value ends at valEnd onto the member
// stack and returns the offset of the next member, or of the '}' (end is
// then the offset after it), or -1 when the object is malformed.
func (f *schemaFixer) afterValue(m member, valEnd int) (next int, end int) {
	if valEnd < 0 {
		return -1, 0
	}
	if len(f.ms) >= maxMembers || len(f.edits) > maxRepairs {
		return -1, 0 // not repaired: SGLang refuses what it refuses
	}
	m.valEnd = valEnd
	f.ms = append(f.ms, m)
	i := skipSpace(f.b, valEnd)
	switch {
	case i >= len(f.b):
		return -1, 0
	case f.b[i] == ',':
		i = skipSpace(f.b, i+1)
		if i >= len(f.b) || f.b[i] != '"' {
			return -1, 0
		}
		return i, 0
	case f.b[i] == '}':
		return i, i + 1
	}
	return -1, 0
}

// walkMember walks member m's value with walk, noting the edits and
// changes it made so that they can be voided if m turns out shadowed.
func (f *schemaFixer) walkMember(index int, walk func() int) int {
	w := walkedMember{index: index, edits: len(f.edits), changes: len(f.changes)}
	end := walk()
	if len(f.edits) > w.edits || len(f.changes) > w.changes {
		w.editsEnd, w.changesEnd = len(f.edits), len(f.changes)
		f.walked = append(f.walked, w)
	}
	return end
}

// finishObject voids what the walks of shadowed members produced (ms are
// the object's members, their walks are on the walked stack from mark on),
// and pops the walks.
func (f *schemaFixer) finishObject(ms []member, mark int) {
	walked := f.walked[mark:]
	if len(walked) == 0 {
		return
	}
	cand := make([]int, len(walked))
	for k, w := range walked {
		cand[k] = w.index
	}
	for k, s := range shadowedAmong(f.b, ms, cand) {
		if s {
			w := walked[k]
			f.voids = append(f.voids, void{edits: [2]int{w.edits, w.editsEnd}, changes: [2]int{w.changes, w.changesEnd}})
		}
	}
	f.walked = f.walked[:mark]
}

// tools walks the tools array at b[s]; it returns the offset after it.
func (f *schemaFixer) tools(s int) (int, bool) {
	if s >= len(f.b) || f.b[s] != '[' {
		return 0, false
	}
	i := skipSpace(f.b, s+1)
	if i < len(f.b) && f.b[i] == ']' {
		return i + 1, true
	}
	for n := 0; i < len(f.b); n++ {
		f.path = append(f.path[:0], pathSeg{lit: "tools"}, pathSeg{index: n})
		var end int
		if f.b[i] == '{' {
			end = f.tool(i)
		} else {
			end = skipValue(f.b, i)
		}
		if end < 0 || f.visit() {
			return 0, false
		}
		i = skipSpace(f.b, end)
		switch {
		case i >= len(f.b):
			return 0, false
		case f.b[i] == ']':
			return i + 1, true
		case f.b[i] != ',':
			return 0, false
		}
		i = skipSpace(f.b, i+1)
	}
	return 0, false
}

// tool walks one {"type":"function","function":{...}} entry at b[s] and
// returns the offset after it, or -1.
func (f *schemaFixer) tool(s int) int {
	base, mark := len(f.ms), len(f.walked)
	defer func() { f.ms = f.ms[:base] }()
	i, end := f.objectStart(s), 0
	for end == 0 {
		m, ok, bad := f.nextMember(i)
		if bad {
			return -1
		}
		if !ok {
			end = i + 1
			break
		}
		var valEnd int
		if m.is(f.b, "function") && f.b[m.valStart] == '{' {
			valEnd = f.walkMember(len(f.ms)-base, func() int {
				f.push(".function")
				defer f.pop()
				return f.function(m.valStart)
			})
		} else {
			valEnd = skipValue(f.b, m.valStart)
		}
		if i, end = f.afterValue(m, valEnd); i < 0 {
			return -1
		}
	}
	f.finishObject(f.ms[base:], mark)
	return end
}

// function walks a function object at b[s].
func (f *schemaFixer) function(s int) int {
	base, mark, pmark := len(f.ms), len(f.walked), len(f.pending)
	defer func() { f.ms, f.pending = f.ms[:base], f.pending[:pmark] }()
	found := false // a "parameters" member, of any value
	i, end := f.objectStart(s), 0
	for end == 0 {
		m, ok, bad := f.nextMember(i)
		if bad {
			return -1
		}
		if !ok {
			end = i + 1
			break
		}
		index := len(f.ms) - base
		params := m.is(f.b, "parameters")
		found = found || params
		var valEnd int
		switch {
		case !params:
			valEnd = skipValue(f.b, m.valStart)
		case f.b[m.valStart] == '{':
			valEnd = f.walkMember(index, func() int {
				f.push(".parameters")
				defer f.pop()
				return f.schema(m.valStart, 0)
			})
		default:
			valEnd = skipValue(f.b, m.valStart)
			f.reserve(index, &m, ".parameters", "parameters", emptyParametersValue, "replaced by an empty object schema")
		}
		if i, end = f.afterValue(m, valEnd); i < 0 {
			return -1
		}
	}
	ms := f.ms[base:]
	f.finishObject(ms, mark)
	f.takeLast(ms, pmark)
	if !found {
		f.push(".parameters")
		member := []byte(`"parameters":` + emptyParameters)
		if len(ms) == 0 {
			f.repair(s+1, s+1, member, "parameters", "was missing, set to an empty object schema")
		} else {
			last := ms[len(ms)-1].valEnd
			sep, colon := separator(f.b, s, ms), f.b[ms[0].keyEnd:ms[0].valStart]
			val := append(append(append(slices.Clip(sep), `"parameters"`...), colon...), emptyParameters...)
			f.repair(last, last, val, "parameters", "was missing, set to an empty object schema")
		}
		f.pop()
	}
	return end
}

// schema walks the schema object at b[s].
func (f *schemaFixer) schema(s, depth int) int {
	if depth >= maxSchemaDepth {
		return skipValue(f.b, s)
	}
	if f.visit() {
		return -1
	}
	base, mark, pmark := len(f.ms), len(f.walked), len(f.pending)
	defer func() { f.ms, f.pending = f.ms[:base], f.pending[:pmark] }()
	lastRequired := -1 // the index of the last required member
	i, end := f.objectStart(s), 0
	for end == 0 {
		m, ok, bad := f.nextMember(i)
		if bad {
			return -1
		}
		if !ok {
			end = i + 1
			break
		}
		index := len(f.ms) - base
		v := m.valStart
		var valEnd int
		switch k := string(m.key(f.b)); {
		case k == "properties" && f.b[v] == '{':
			valEnd = f.walkMember(index, func() int {
				f.push(".properties")
				defer f.pop()
				return f.properties(v, depth)
			})
		case k == "properties":
			valEnd = skipValue(f.b, v)
			f.reserve(index, &m, ".properties", "properties", emptyObjectValue, "replaced by {}")
		case k == "required":
			valEnd = skipValue(f.b, v)
			lastRequired = index
			f.reserve(index, &m, ".required", "required", nil, "removed")
		case (k == "items" || k == "additionalProperties") && f.b[v] == '{':
			valEnd = f.walkMember(index, func() int {
				f.pushKey(&m)
				defer f.pop()
				return f.schema(v, depth+1)
			})
		case (k == "anyOf" || k == "allOf" || k == "oneOf") && f.b[v] == '[':
			valEnd = f.walkMember(index, func() int {
				f.pushKey(&m)
				defer f.pop()
				return f.schemaList(v, depth)
			})
		default:
			valEnd = skipValue(f.b, v)
		}
		if i, end = f.afterValue(m, valEnd); i < 0 {
			return -1
		}
	}
	ms := f.ms[base:]
	f.finishObject(ms, mark)
	f.takeLast(ms, pmark)
	if lastRequired >= 0 && kindOf(ms[lastRequired].value(f.b)) != '[' {
		// Every required member goes when the last is not a list.
		f.dropMembers(ms, f.pending[pmark:])
	}
	return end
}

// dropMembers removes the members of an object (ms) that the pending
// removals among pend name (in the order of the members), as renderObject
// would: a member after a kept one goes with the separator before it, one
// before every kept member with the separator after it.
func (f *schemaFixer) dropMembers(ms []member, pend []pendingRepair) {
	keptBefore := false
	k := 0
	for j := range ms {
		for k < len(pend) && (pend[k].val != nil || pend[k].member < j) {
			k++
		}
		if k == len(pend) || pend[k].member != j {
			keptBefore = true
			continue
		}
		var start, end int
		switch {
		case keptBefore:
			start, end = ms[j-1].valEnd, ms[j].valEnd
		case j+1 < len(ms):
			start, end = ms[j].keyStart, ms[j+1].keyStart
		default:
			start, end = ms[j].keyStart, ms[j].valEnd
		}
		f.take(&pend[k], ms, start, end)
	}
}

// properties walks the property schemas of a "properties" object at b[s].
func (f *schemaFixer) properties(s, depth int) int {
	base, mark := len(f.ms), len(f.walked)
	defer func() { f.ms = f.ms[:base] }()
	i, end := f.objectStart(s), 0
	for end == 0 {
		m, ok, bad := f.nextMember(i)
		if bad {
			return -1
		}
		if !ok {
			end = i + 1
			break
		}
		var valEnd int
		if f.b[m.valStart] == '{' {
			valEnd = f.walkMember(len(f.ms)-base, func() int {
				f.pushKey(&m)
				defer f.pop()
				return f.schema(m.valStart, depth+1)
			})
		} else {
			valEnd = skipValue(f.b, m.valStart)
		}
		if i, end = f.afterValue(m, valEnd); i < 0 {
			return -1
		}
	}
	f.finishObject(f.ms[base:], mark)
	return end
}

// schemaList walks the object members of an anyOf/allOf/oneOf array at
// b[s].
func (f *schemaFixer) schemaList(s, depth int) int {
	i := skipSpace(f.b, s+1)
	if i < len(f.b) && f.b[i] == ']' {
		return i + 1
	}
	for n := 0; i < len(f.b); n++ {
		var end int
		if f.b[i] == '{' {
			f.pushIndex(n)
			end = f.schema(i, depth+1)
			f.pop()
		} else {
			end = skipValue(f.b, i)
		}
		if end < 0 {
			return -1
		}
		i = skipSpace(f.b, end)
		switch {
		case i >= len(f.b):
			return -1
		case f.b[i] == ']':
			return i + 1
		case f.b[i] != ',':
			return -1
		}
		i = skipSpace(f.b, i+1)
	}
	return -1
}

// describe names a value's JSON type for change details.
func describe(v []byte) string {
	switch kindOf(v) {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case 0:
		return "missing"
	}
	return "a number"
}
