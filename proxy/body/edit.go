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

// Edits are applied by copying the original bytes around them, so whatever
// is not edited keeps its exact spelling.

// rep replaces b[start:end] with val.
type rep struct {
	start, end int
	val        []byte
}

// splice appends b[from:to] to dst with reps (sorted, non-overlapping, inside
// [from,to]) applied.
func splice(dst, b []byte, from, to int, reps []rep) []byte {
	for _, r := range reps {
		dst = append(dst, b[from:r.start]...)
		dst = append(dst, r.val...)
		from = r.end
	}
	return append(dst, b[from:to]...)
}

// memberEdit is what happens to one member of an object.
type memberEdit struct {
	drop bool
	key  []byte // replacement key token (quoted); nil keeps the key
	val  []byte // replacement value; nil keeps the value
}

// objectEdit collects the edits of one object.
type objectEdit struct {
	edits []memberEdit // by member index; nil until the first edit
	add   [][2][]byte  // appended members: key token, value
}

func (e *objectEdit) at(n, i int) *memberEdit {
	if e.edits == nil {
		e.edits = make([]memberEdit, n)
	}
	return &e.edits[i]
}

func (e *objectEdit) empty() bool { return e.edits == nil && e.add == nil }

// renderObject appends the object b[start:end] with members ms to dst, with
// e applied. A kept member is preceded by the separator that preceded it in
// the original, so spacing and line breaks survive.
func renderObject(dst, b []byte, start, end int, ms []member, e *objectEdit) []byte {
	if len(ms) == 0 {
		dst = append(dst, '{')
		for i, kv := range e.add {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(append(append(dst, kv[0]...), ':'), kv[1]...)
		}
		return append(dst, b[start+1:end]...)
	}
	dst = append(dst, b[start:ms[0].keyStart]...)
	wrote := false
	for i := range ms {
		m := &ms[i]
		var me memberEdit
		if e.edits != nil {
			me = e.edits[i]
		}
		if me.drop {
			continue
		}
		if wrote {
			dst = append(dst, b[ms[i-1].valEnd:m.keyStart]...)
		}
		dst = appendMember(dst, b, m, me.key, me.val)
		wrote = true
	}
	sep, colon := separator(b, start, ms), b[ms[0].keyEnd:ms[0].valStart]
	for _, kv := range e.add {
		if wrote {
			dst = append(dst, sep...)
		}
		dst = append(append(append(dst, kv[0]...), colon...), kv[1]...)
		wrote = true
	}
	return append(dst, b[ms[len(ms)-1].valEnd:end]...)
}

func appendMember(dst, b []byte, m *member, key, val []byte) []byte {
	if key == nil {
		key = b[m.keyStart:m.keyEnd]
	}
	if val == nil {
		val = b[m.valStart:m.valEnd]
	}
	dst = append(dst, key...)
	dst = append(dst, b[m.keyEnd:m.valStart]...)
	return append(dst, val...)
}

// separator picks the text to put between an added member and the one
// before it, in the style of the object: the separator between its first two
// members, or for a single member a comma plus the space the object opens
// with (a line break and indent), or ", " when the colon has a space after
// it (Python's json.dumps style).
func separator(b []byte, start int, ms []member) []byte {
	if len(ms) > 1 {
		return b[ms[0].valEnd:ms[1].keyStart]
	}
	if lead := b[start+1 : ms[0].keyStart]; len(lead) > 0 {
		return append([]byte(","), lead...)
	}
	if colon := b[ms[0].keyEnd:ms[0].valStart]; colon[len(colon)-1] == ' ' {
		return []byte(", ")
	}
	return []byte(",")
}
