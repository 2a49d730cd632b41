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
	"encoding/binary"
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A reference reader of JSON bodies as SGLang reads them: Python's
// json.loads(body) on the raw bytes (Starlette's Request.json()), written
// after CPython's Lib/json/__init__.py (detect_encoding, decoding with
// errors="surrogatepass") and Modules/_json.c (the C scanner json.loads
// uses), independently of the filter's own reader. TestPyLoadsAgreesWithPython
// checks it against python3 when there is one.

// pyValue is a value as Python holds it. Strings hold their code points as
// WTF-8 (a surrogate as its three bytes); numbers their JSON text.
type pyValue struct {
	kind    byte // 'o' dict, 'a' list, 's' str, 'i' int, 'f' float, 't' True, 'f' False, 'n' None
	text    string
	members []pyMember // a dict: first-insertion order, last value
	elems   []pyValue
}

type pyMember struct {
	key string
	val pyValue
}

func (v *pyValue) get(key string) (pyValue, bool) {
	for _, m := range v.members {
		if m.key == key {
			return m.val, true
		}
	}
	return pyValue{}, false
}

var errPy = errors.New("json.loads in Python refuses it")

// pyLoads is json.loads(b) for bytes b, with nesting limited to depth
// levels (Python's own limit is about 1000, from its recursion limit).
func pyLoads(b []byte, depth int) (pyValue, error) {
	text, ok := pyDecode(b)
	if !ok {
		return pyValue{}, errPy
	}
	p := pyParser{s: text, depth: depth}
	i := p.ws(0)
	v, i, ok := p.value(i, 0)
	if !ok || p.ws(i) != len(text) {
		return pyValue{}, errPy
	}
	return v, nil
}

// pyDecode is bytes.decode(json.detect_encoding(b), "surrogatepass").
func pyDecode(b []byte) ([]rune, bool) {
	starts := func(p ...byte) bool { return len(b) >= len(p) && string(b[:len(p)]) == string(p) }
	var enc string
	switch {
	case starts(0xff, 0xfe, 0, 0):
		enc, b = "utf-32-le", b[4:]
	case starts(0, 0, 0xfe, 0xff):
		enc, b = "utf-32-be", b[4:]
	case starts(0xff, 0xfe):
		enc, b = "utf-16-le", b[2:]
	case starts(0xfe, 0xff):
		enc, b = "utf-16-be", b[2:]
	case starts(0xef, 0xbb, 0xbf):
		enc, b = "utf-8", b[3:]
	case len(b) >= 4 && b[0] == 0:
		enc = map[bool]string{true: "utf-16-be", false: "utf-32-be"}[b[1] != 0]
	case len(b) >= 4 && b[1] == 0:
		enc = map[bool]string{true: "utf-16-le", false: "utf-32-le"}[b[2] != 0 || b[3] != 0]
	case len(b) == 2 && b[0] == 0:
		enc = "utf-16-be"
	case len(b) == 2 && b[1] == 0:
		enc = "utf-16-le"
	default:
		enc = "utf-8"
	}
	var out []rune
	switch enc {
	case "utf-8":
		for len(b) > 0 {
			r, n := utf8.DecodeRune(b)
			if r == utf8.RuneError && n <= 1 {
				// surrogatepass: ED A0..BF 80..BF is a surrogate.
				if len(b) < 3 || b[0] != 0xed || b[1] < 0xa0 || b[1] > 0xbf || b[2] < 0x80 || b[2] > 0xbf {
					return nil, false
				}
				r, n = rune(b[0]&0x0f)<<12|rune(b[1]&0x3f)<<6|rune(b[2]&0x3f), 3
			}
			out, b = append(out, r), b[n:]
		}
	case "utf-16-le", "utf-16-be":
		if len(b)%2 != 0 {
			return nil, false
		}
		var order binary.ByteOrder = binary.LittleEndian
		if enc == "utf-16-be" {
			order = binary.BigEndian
		}
		for i := 0; i < len(b); i += 2 {
			u := rune(order.Uint16(b[i:]))
			if 0xd800 <= u && u < 0xdc00 && i+4 <= len(b) {
				if l := rune(order.Uint16(b[i+2:])); 0xdc00 <= l && l < 0xe000 {
					out = append(out, 0x10000+(u-0xd800)<<10+(l-0xdc00))
					i += 2
					continue
				}
			}
			out = append(out, u)
		}
	default: // utf-32
		if len(b)%4 != 0 {
			return nil, false
		}
		var order binary.ByteOrder = binary.LittleEndian
		if enc == "utf-32-be" {
			order = binary.BigEndian
		}
		for i := 0; i < len(b); i += 4 {
			u := order.Uint32(b[i:])
			if u > 0x10ffff {
				return nil, false
			}
			out = append(out, rune(u))
		}
	}
	return out, true
}

type pyParser struct {
	s     []rune
	depth int
}

func (p *pyParser) ws(i int) int {
	for i < len(p.s) && (p.s[i] == ' ' || p.s[i] == '\t' || p.s[i] == '\n' || p.s[i] == '\r') {
		i++
	}
	return i
}

func (p *pyParser) has(i int, lit string) bool {
	rs := []rune(lit)
	if i+len(rs) > len(p.s) {
		return false
	}
	for k, r := range rs {
		if p.s[i+k] != r {
			return false
		}
	}
	return true
}

// value is scan_once: the value at s[i], and the index after it.
func (p *pyParser) value(i, level int) (pyValue, int, bool) {
	if i >= len(p.s) {
		return pyValue{}, 0, false
	}
	switch c := p.s[i]; {
	case c == '"':
		s, end, ok := p.str(i)
		return pyValue{kind: 's', text: s}, end, ok
	case c == '{':
		if level >= p.depth {
			return pyValue{}, 0, false
		}
		return p.object(i, level+1)
	case c == '[':
		if level >= p.depth {
			return pyValue{}, 0, false
		}
		return p.array(i, level+1)
	}
	for _, l := range []struct {
		lit  string
		kind byte
	}{{"null", 'n'}, {"true", 't'}, {"false", 'F'}, {"NaN", 'f'}, {"Infinity", 'f'}, {"-Infinity", 'f'}} {
		if p.has(i, l.lit) {
			return pyValue{kind: l.kind, text: l.lit}, i + len(l.lit), true
		}
	}
	return p.number(i)
}

// number is _match_number_unicode: -?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?,
// where a fraction or exponent without digits is not part of the number.
func (p *pyParser) number(i int) (pyValue, int, bool) {
	start, digit := i, func(k int) bool { return k < len(p.s) && '0' <= p.s[k] && p.s[k] <= '9' }
	if i < len(p.s) && p.s[i] == '-' {
		i++
	}
	switch {
	case digit(i) && p.s[i] != '0':
		for digit(i) {
			i++
		}
	case digit(i):
		i++
	default:
		return pyValue{}, 0, false
	}
	kind := byte('i')
	if i < len(p.s) && p.s[i] == '.' && digit(i+1) {
		i += 2
		for digit(i) {
			i++
		}
		kind = 'f'
	}
	if i < len(p.s) && (p.s[i] == 'e' || p.s[i] == 'E') {
		k := i + 1
		if k < len(p.s) && (p.s[k] == '-' || p.s[k] == '+') {
			k++
		}
		if digit(k) {
			for i = k; digit(i); i++ {
			}
			kind = 'f'
		}
	}
	text := string(p.s[start:i])
	if kind == 'i' && len(strings.TrimPrefix(text, "-")) > 4300 {
		return pyValue{}, 0, false // int(): "Exceeds the limit (4300 digits)"
	}
	return pyValue{kind: kind, text: text}, i, true
}

// str is scanstring_unicode with strict=True, from the opening quote.
func (p *pyParser) str(i int) (string, int, bool) {
	var out []byte
	hex := func(k int) (rune, bool) {
		if k+4 > len(p.s) {
			return 0, false
		}
		v, err := strconv.ParseUint(string(p.s[k:k+4]), 16, 32)
		for _, r := range p.s[k : k+4] {
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return 0, false
			}
		}
		return rune(v), err == nil
	}
	for i++; i < len(p.s); {
		c := p.s[i]
		switch {
		case c == '"':
			return string(out), i + 1, true
		case c < 0x20:
			return "", 0, false
		case c != '\\':
			out = appendWTF8(out, c)
			i++
			continue
		}
		if i+1 >= len(p.s) {
			return "", 0, false
		}
		esc := map[rune]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}
		if e, ok := esc[p.s[i+1]]; ok {
			out = append(out, e)
			i += 2
			continue
		}
		if p.s[i+1] != 'u' {
			return "", 0, false
		}
		u, ok := hex(i + 2)
		if !ok {
			return "", 0, false
		}
		i += 6
		if 0xd800 <= u && u < 0xdc00 && i+1 < len(p.s) && p.s[i] == '\\' && p.s[i+1] == 'u' {
			l, ok := hex(i + 2)
			if !ok {
				return "", 0, false
			}
			if 0xdc00 <= l && l < 0xe000 {
				u = 0x10000 + (u-0xd800)<<10 + (l - 0xdc00)
				i += 6
			}
		}
		out = appendWTF8(out, u)
	}
	return "", 0, false
}

func (p *pyParser) object(i, level int) (pyValue, int, bool) {
	v := pyValue{kind: 'o'}
	at := map[string]int{}
	i = p.ws(i + 1)
	if i < len(p.s) && p.s[i] == '}' {
		return v, i + 1, true
	}
	for {
		if i >= len(p.s) || p.s[i] != '"' {
			return pyValue{}, 0, false
		}
		key, end, ok := p.str(i)
		if !ok {
			return pyValue{}, 0, false
		}
		if i = p.ws(end); i >= len(p.s) || p.s[i] != ':' {
			return pyValue{}, 0, false
		}
		val, end, ok := p.value(p.ws(i+1), level)
		if !ok {
			return pyValue{}, 0, false
		}
		if k, seen := at[key]; seen {
			v.members[k].val = val // a dict keeps the first place and the last value
		} else {
			at[key] = len(v.members)
			v.members = append(v.members, pyMember{key, val})
		}
		switch i = p.ws(end); {
		case i < len(p.s) && p.s[i] == ',':
			i = p.ws(i + 1)
		case i < len(p.s) && p.s[i] == '}':
			return v, i + 1, true
		default:
			return pyValue{}, 0, false
		}
	}
}

func (p *pyParser) array(i, level int) (pyValue, int, bool) {
	v := pyValue{kind: 'a'}
	i = p.ws(i + 1)
	if i < len(p.s) && p.s[i] == ']' {
		return v, i + 1, true
	}
	for {
		el, end, ok := p.value(i, level)
		if !ok {
			return pyValue{}, 0, false
		}
		v.elems = append(v.elems, el)
		switch i = p.ws(end); {
		case i < len(p.s) && p.s[i] == ',':
			i = p.ws(i + 1)
		case i < len(p.s) && p.s[i] == ']':
			return v, i + 1, true
		default:
			return pyValue{}, 0, false
		}
	}
}

// canonical spells v the way pyCanonical (the python3 oracle's script)
// does, to compare the two readers: numbers by the value Python makes of
// them (an int exactly, a float by its IEEE bits).
func (v *pyValue) canonical() string {
	var b strings.Builder
	v.writeCanonical(&b)
	return b.String()
}

func (v *pyValue) writeCanonical(b *strings.Builder) {
	switch v.kind {
	case 'o':
		b.WriteString("{")
		for k, m := range v.members {
			if k > 0 {
				b.WriteString(",")
			}
			b.WriteString("s" + hexOf(m.key) + ":")
			m.val.writeCanonical(b)
		}
		b.WriteString("}")
	case 'a':
		b.WriteString("[")
		for k := range v.elems {
			if k > 0 {
				b.WriteString(",")
			}
			v.elems[k].writeCanonical(b)
		}
		b.WriteString("]")
	case 's':
		b.WriteString("s" + hexOf(v.text))
	case 'i':
		n, _ := new(big.Int).SetString(v.text, 10)
		b.WriteString("i" + n.String())
	case 'f':
		f, _ := strconv.ParseFloat(v.text, 64) // ±Inf beyond range, as Python
		if math.IsNaN(f) {
			b.WriteString("dnan")
		} else {
			b.WriteString("d" + strconv.FormatUint(math.Float64bits(f), 16))
		}
	default:
		b.WriteString(string(v.kind))
	}
}

func hexOf(s string) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		out = append(out, digits[s[i]>>4], digits[s[i]&15])
	}
	return string(out)
}

// equal compares two values as Python's == does, but dicts in order (the
// filter copies what it keeps verbatim, order included).
func (v *pyValue) equal(o *pyValue) bool {
	return v.canonical() == o.canonical()
}
