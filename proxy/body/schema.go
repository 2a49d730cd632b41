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

// emptyParameters replaces a missing or non-object parameters schema.
const emptyParameters = `{"type":"object","properties":{}}`

// maxSchemaDepth bounds the walk; deeper schemas are left as sent (SGLang
// refuses them with its own error).
const maxSchemaDepth = 64

// schemaFixer walks tool schemas and records repairs.
type schemaFixer struct {
	b       []byte
	changes []Change
	path    []pathSeg // where the walk is, spelled out only for a repair

	// Scratch stacks for the members and elements of the objects and arrays
	// being walked: a frame pushes its own, nested frames push above them,
	// and each frame pops its own on return. One stack for the whole walk
	// instead of a slice per object.
	ms  []member
	els []span
}

// fixers keeps walkers, with their grown stacks, between requests.
var fixers = sync.Pool{New: func() any { return new(schemaFixer) }}

// repairTools repairs the tools array b[s:e]; val is nil when it needs no
// repair.
func repairTools(b []byte, s, e int) (val []byte, changes []Change) {
	f := fixers.Get().(*schemaFixer)
	f.b, f.changes = b, nil
	val = f.tools(s, e)
	changes = f.changes
	f.b, f.changes, f.path = nil, nil, f.path[:0]
	fixers.Put(f)
	return val, changes
}

// object scans the object at b[s] onto the member stack.
func (f *schemaFixer) object(s int) (ms []member, mark int, ok bool) {
	mark = len(f.ms)
	all, _, ok := scanObject(f.b, s, f.ms)
	f.ms = all
	return all[mark:len(all):len(all)], mark, ok
}

// array scans the array at b[s] onto the element stack.
func (f *schemaFixer) array(s int) (els []span, mark int, ok bool) {
	mark = len(f.els)
	all, _, ok := scanArray(f.b, s, f.els)
	f.els = all
	return all[mark:len(all):len(all)], mark, ok
}

// pathSeg is one step of a JSON path: a literal such as ".function", an
// object key (as offsets into the body) or an array index. Keeping offsets
// rather than strings keeps the walk allocation-free when nothing is wrong.
type pathSeg struct {
	lit    string
	ks, ke int // key token offsets, when lit is empty and ke > 0
	index  int
}

func (f *schemaFixer) repaired(field, what string) {
	var p []byte
	for _, s := range f.path {
		switch {
		case s.lit != "":
			p = append(p, s.lit...)
		case s.ke > 0:
			p = append(append(p, '.'), decodeString(f.b[s.ks:s.ke])...)
		default:
			p = strconv.AppendInt(append(p, '['), int64(s.index), 10)
			p = append(p, ']')
		}
	}
	f.changes = append(f.changes, Change{Kind: KindRepaired, Field: field, Detail: string(p) + ": " + what})
}

func (f *schemaFixer) push(lit string) { f.path = append(f.path, pathSeg{lit: lit}) }
func (f *schemaFixer) pushKey(m *member) {
	f.path = append(f.path, pathSeg{ks: m.keyStart, ke: m.keyEnd})
}
func (f *schemaFixer) pushIndex(i int) { f.path = append(f.path, pathSeg{index: i}) }
func (f *schemaFixer) pop()            { f.path = f.path[:len(f.path)-1] }

// tools returns the repaired tools array b[s:e], or nil when nothing changed.
func (f *schemaFixer) tools(s, e int) []byte {
	if f.b[s] != '[' {
		return nil
	}
	els, mark, ok := f.array(s)
	defer func() { f.els = f.els[:mark] }()
	if !ok {
		return nil
	}
	var reps []rep
	for i, el := range els {
		f.path = append(f.path[:0], pathSeg{lit: "tools"}, pathSeg{index: i})
		if v := f.tool(el.start, el.end); v != nil {
			reps = append(reps, rep{el.start, el.end, v})
		}
	}
	if reps == nil {
		return nil
	}
	return splice(nil, f.b, s, e, reps)
}

// tool repairs one {"type":"function","function":{...}} entry.
func (f *schemaFixer) tool(s, e int) []byte {
	if f.b[s] != '{' {
		return nil
	}
	ms, mark, ok := f.object(s)
	defer func() { f.ms = f.ms[:mark] }()
	if !ok {
		return nil
	}
	var reps []rep
	for i := range ms {
		m := &ms[i]
		if !m.is(f.b, "function") || !isObject(m.value(f.b)) {
			continue
		}
		f.push(".function")
		if v := f.function(m.valStart, m.valEnd); v != nil {
			reps = append(reps, rep{m.valStart, m.valEnd, v})
		}
		f.pop()
	}
	if reps == nil {
		return nil
	}
	return splice(nil, f.b, s, e, reps)
}

func (f *schemaFixer) function(s, e int) []byte {
	ms, mark, ok := f.object(s)
	defer func() { f.ms = f.ms[:mark] }()
	if !ok {
		return nil
	}
	var ed objectEdit
	found := false
	for i := range ms {
		m := &ms[i]
		if !m.is(f.b, "parameters") {
			continue
		}
		found = true
		f.push(".parameters")
		if v := m.value(f.b); !isObject(v) {
			f.repaired("parameters", "was "+describe(v)+", replaced by an empty object schema")
			ed.at(len(ms), i).val = []byte(emptyParameters)
		} else if v := f.schema(m.valStart, m.valEnd, 0); v != nil {
			ed.at(len(ms), i).val = v
		}
		f.pop()
	}
	if !found {
		f.push(".parameters")
		f.repaired("parameters", "was missing, set to an empty object schema")
		f.pop()
		ed.add = append(ed.add, [2][]byte{[]byte(`"parameters"`), []byte(emptyParameters)})
	}
	if ed.empty() {
		return nil
	}
	return renderObject(nil, f.b, s, e, ms, &ed)
}

// schema repairs the schema object b[s:e] and returns it, or nil when it
// needs no repair.
func (f *schemaFixer) schema(s, e, depth int) []byte {
	if depth >= maxSchemaDepth {
		return nil
	}
	ms, mark, ok := f.object(s)
	defer func() { f.ms = f.ms[:mark] }()
	if !ok {
		return nil
	}
	var ed objectEdit
	for i := range ms {
		m := &ms[i]
		v := m.value(f.b)
		var nv []byte
		switch string(m.key(f.b)) {
		case "properties":
			f.push(".properties")
			if !isObject(v) {
				f.repaired("properties", "was "+describe(v)+", replaced by {}")
				nv = []byte("{}")
			} else {
				nv = f.properties(m.valStart, m.valEnd, depth)
			}
			f.pop()
		case "required":
			if kindOf(v) != '[' {
				f.push(".required")
				f.repaired("required", "was "+describe(v)+", removed")
				f.pop()
				ed.at(len(ms), i).drop = true
			}
		case "items", "additionalProperties":
			if isObject(v) {
				f.pushKey(m)
				nv = f.schema(m.valStart, m.valEnd, depth+1)
				f.pop()
			}
		case "anyOf", "allOf", "oneOf":
			if kindOf(v) == '[' {
				f.pushKey(m)
				nv = f.schemaList(m.valStart, m.valEnd, depth)
				f.pop()
			}
		}
		if nv != nil {
			ed.at(len(ms), i).val = nv
		}
	}
	if ed.empty() {
		return nil
	}
	return renderObject(nil, f.b, s, e, ms, &ed)
}

// properties walks the property schemas of a "properties" object.
func (f *schemaFixer) properties(s, e, depth int) []byte {
	ms, mark, ok := f.object(s)
	defer func() { f.ms = f.ms[:mark] }()
	if !ok {
		return nil
	}
	var reps []rep
	for i := range ms {
		m := &ms[i]
		if !isObject(m.value(f.b)) {
			continue
		}
		f.pushKey(m)
		if v := f.schema(m.valStart, m.valEnd, depth+1); v != nil {
			reps = append(reps, rep{m.valStart, m.valEnd, v})
		}
		f.pop()
	}
	if reps == nil {
		return nil
	}
	return splice(nil, f.b, s, e, reps)
}

// schemaList walks the object members of an anyOf/allOf/oneOf array.
func (f *schemaFixer) schemaList(s, e, depth int) []byte {
	els, mark, ok := f.array(s)
	defer func() { f.els = f.els[:mark] }()
	if !ok {
		return nil
	}
	var reps []rep
	for i, el := range els {
		if f.b[el.start] != '{' {
			continue
		}
		f.pushIndex(i)
		if v := f.schema(el.start, el.end, depth+1); v != nil {
			reps = append(reps, rep{el.start, el.end, v})
		}
		f.pop()
	}
	if reps == nil {
		return nil
	}
	return splice(nil, f.b, s, e, reps)
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
