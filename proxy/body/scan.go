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
	"bytes"
	"strconv"
)

// The scanner below finds the boundaries of members and elements without
// decoding or validating anything: that is what keeps the no-change path
// cheap (a 200 KB prompt string is skipped with bytes.IndexByte). It reads
// every body that Python's json module reads (read.go) as that module
// does, NaN and Infinity included; Rewrite validates the whole body before
// it emits any change, so edits are only ever made to bodies SGLang reads.

// member is one "key": value pair of an object, as offsets into the body.
type member struct {
	keyStart, keyEnd int    // the key token, quotes included
	valStart, valEnd int    // the value token
	escKey           string // decoded key (decodeJSONString), when the key has escapes
	esc              bool   // the key has escapes, and they decode
}

// key returns the member's key, unescaped as Python unescapes it. It
// allocates only for keys that hold escapes; use string(m.key(b)) in
// comparisons and map lookups, which Go performs without copying.
func (m *member) key(b []byte) []byte {
	if m.esc {
		return []byte(m.escKey)
	}
	return b[m.keyStart+1 : m.keyEnd-1]
}

func (m *member) is(b []byte, name string) bool {
	if m.esc {
		return m.escKey == name
	}
	return string(b[m.keyStart+1:m.keyEnd-1]) == name
}

// sameKey reports whether two members have the same name.
func sameKey(b []byte, m, o *member) bool {
	if !m.esc && !o.esc {
		return string(b[m.keyStart+1:m.keyEnd-1]) == string(b[o.keyStart+1:o.keyEnd-1])
	}
	return string(m.key(b)) == string(o.key(b))
}

// maxPairwise bounds the comparisons shadowedAmong makes pair by pair
// before it uses a map.
const maxPairwise = 256

// shadowedAmong reports which of the members cand (ascending indexes into
// ms) a later member of the same name shadows: Python's json module keeps
// only the last of them (a dict), and so do SGLang and vLLM. The answer is
// by position in cand, nil when none is shadowed. It takes time linear in
// len(ms) and memory in len(cand): only the names of the candidates are
// remembered, however many members the object has.
func shadowedAmong(b []byte, ms []member, cand []int) []bool {
	if len(cand) == 0 {
		return nil
	}
	var shadowed []bool
	mark := func(k int) {
		if shadowed == nil {
			shadowed = make([]bool, len(cand))
		}
		shadowed[k] = true
	}
	if len(cand)*len(ms) <= maxPairwise {
		for k, i := range cand {
			for j := i + 1; j < len(ms); j++ {
				if sameKey(b, &ms[i], &ms[j]) {
					mark(k)
					break
				}
			}
		}
		return shadowed
	}
	last := make(map[string]int, len(cand))
	for _, i := range cand {
		last[string(ms[i].key(b))] = i
	}
	for j := cand[0] + 1; j < len(ms); j++ {
		if _, ok := last[string(ms[j].key(b))]; ok {
			last[string(ms[j].key(b))] = j
		}
	}
	for k, i := range cand {
		if last[string(ms[i].key(b))] != i {
			mark(k)
		}
	}
	return shadowed
}

func hasEscape(tok []byte) bool { return bytes.IndexByte(tok, '\\') >= 0 }

func (m *member) value(b []byte) []byte { return b[m.valStart:m.valEnd] }

// span is an array element.
type span struct{ start, end int }

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the offset after the string token starting at b[i]
// (a quote), or -1 when it is not terminated.
func skipString(b []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1
		}
		j += i
		k := j - 1
		for k >= i && b[k] == '\\' {
			k--
		}
		if (j-1-k)%2 == 0 { // an even run of backslashes: the quote is real
			return j + 1
		}
		i = j + 1
	}
}

// skipValue returns the offset after the value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		return skipComposite(b, i)
	case ',', ':', '}', ']':
		return -1
	}
	for j := i; j < len(b); j++ {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j
		}
	}
	return len(b)
}

func skipComposite(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			if i = skipString(b, i); i < 0 {
				return -1
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return -1
}

// maxMembers bounds the members of an object the filter reads (the top
// level, chat_template_kwargs, structured_outputs, a response_format, the
// objects of a tool schema walk, together): the filter holds them in
// memory, about 56 bytes each, and refuses a larger body rather than hold
// tens of times its size. A request has a few dozen.
const maxMembers = 1 << 16

// errManyMembers is the refusal of a body with an object over maxMembers.
var errManyMembers = &unreadable{what: "an object of more than " + strconv.Itoa(maxMembers) + " members", at: -1}

// scanObject appends the members of the object starting at b[i] (a '{') to
// dst and returns them with the offset after the closing brace; ok is false
// when the object is malformed, or has more than maxMembers members (then
// len(ms)-len(dst) is maxMembers).
func scanObject(b []byte, i int, dst []member) (ms []member, end int, ok bool) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return dst, i + 1, true
	}
	limit := len(dst) + maxMembers
	for i < len(b) && b[i] == '"' {
		if len(dst) == limit {
			return dst, 0, false
		}
		m := member{keyStart: i}
		if m.keyEnd = skipString(b, i); m.keyEnd < 0 {
			return dst, 0, false
		}
		if hasEscape(b[i:m.keyEnd]) {
			m.escKey, m.esc = decodeJSONString(b[i:m.keyEnd])
		}
		i = skipSpace(b, m.keyEnd)
		if i >= len(b) || b[i] != ':' {
			return dst, 0, false
		}
		m.valStart = skipSpace(b, i+1)
		if m.valEnd = skipValue(b, m.valStart); m.valEnd < 0 {
			return dst, 0, false
		}
		dst = append(dst, m)
		i = skipSpace(b, m.valEnd)
		if i >= len(b) {
			break
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return dst, i + 1, true
		default:
			return dst, 0, false
		}
	}
	return dst, 0, false
}

// tooManyMembers tells, from the results of a scanObject given an empty
// dst, an object over maxMembers members from a malformed one.
func tooManyMembers(ms []member, ok bool) bool { return !ok && len(ms) == maxMembers }

// scanArray appends the elements of the array starting at b[i] (a '[').
func scanArray(b []byte, i int, dst []span) (els []span, end int, ok bool) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return dst, i + 1, true
	}
	for i < len(b) {
		e := span{start: i}
		if e.end = skipValue(b, i); e.end < 0 {
			return dst, 0, false
		}
		dst = append(dst, e)
		i = skipSpace(b, e.end)
		if i >= len(b) {
			break
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return dst, i + 1, true
		default:
			return dst, 0, false
		}
	}
	return dst, 0, false
}

// kindOf classifies a value token by its first byte.
func kindOf(v []byte) byte {
	if len(v) == 0 {
		return 0
	}
	switch c := v[0]; c {
	case '{', '[', '"', 'n', 't', 'f':
		return c
	}
	return '0' // a number
}

func isObject(v []byte) bool { return kindOf(v) == '{' }
func isNull(v []byte) bool   { return kindOf(v) == 'n' }

// appendString appends s as a JSON string token. Only the characters JSON
// requires are escaped, so the text stays as readable as the client sent it.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
