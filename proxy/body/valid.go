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
	"encoding/binary"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

// validate reports why b is not one JSON value that Python's json.loads
// reads (read.go), or nil when it is: JSON (RFC 8259) plus NaN, Infinity
// and -Infinity, with strings of valid UTF-8 in which surrogates may be
// encoded, integers of at most maxIntDigits digits and at most maxDepth
// levels of nesting. It runs in time linear in len(b), checking string
// contents eight bytes at a time, and consults c every cancelCheckBytes;
// when c stops it, the answer is nil and c.err says why.
func validate(b []byte, c *canceller) *unreadable {
	var stackBuf [64]byte
	stack := stackBuf[:0] // open containers, '{' or '['
	bad := func(what string, at int) *unreadable { return &unreadable{what: what, at: at} }
	next := cancelCheckBytes
	i := skipSpace(b, 0)
	for {
		if i >= next {
			if c.stop() {
				return nil
			}
			next = i + cancelCheckBytes
		}
		if i >= len(b) {
			return bad("unexpected end of JSON", len(b))
		}
		start := i
		switch b[i] { // a value starts at b[i]
		case '{':
			if len(stack) >= maxDepth { // an empty one counts too
				return bad("JSON nested deeper than "+strconv.Itoa(maxDepth)+" levels", i)
			}
			if i = skipSpace(b, i+1); i < len(b) && b[i] == '}' {
				i++
				break
			}
			stack = append(stack, '{')
			if i = validKey(b, i, c); i < 0 {
				return bad("invalid object member", start)
			}
			continue
		case '[':
			if len(stack) >= maxDepth {
				return bad("JSON nested deeper than "+strconv.Itoa(maxDepth)+" levels", i)
			}
			if i = skipSpace(b, i+1); i < len(b) && b[i] == ']' {
				i++
				break
			}
			stack = append(stack, '[')
			continue
		case '"':
			i = validString(b, i, c)
		case 't':
			i = literal(b, i, "true")
		case 'f':
			i = literal(b, i, "false")
		case 'n':
			i = literal(b, i, "null")
		case 'N':
			i = literal(b, i, "NaN")
		case 'I':
			i = literal(b, i, "Infinity")
		default:
			if bytes.HasPrefix(b[i:], []byte("-Infinity")) {
				i += len("-Infinity")
				break
			}
			var digits int
			if i, digits = validNumber(b, i); digits > maxIntDigits {
				return bad("an integer of more than "+strconv.Itoa(maxIntDigits)+" digits", start)
			}
		}
		if i < 0 {
			return bad("invalid JSON value", start)
		}
		// After a value: close containers until a comma leads to the next one.
		for {
			if i >= next {
				if c.stop() {
					return nil
				}
				next = i + cancelCheckBytes
			}
			i = skipSpace(b, i)
			if len(stack) == 0 {
				if i != len(b) {
					return bad("data after the JSON value", i)
				}
				return nil
			}
			if i >= len(b) {
				return bad("unexpected end of JSON", i)
			}
			top := stack[len(stack)-1]
			if ch := b[i]; ch == ',' {
				at := i
				i = skipSpace(b, i+1)
				if top == '{' {
					i = validKey(b, i, c)
				}
				if i < 0 {
					return bad("invalid object member", at)
				}
				break
			} else if ch == '}' && top == '{' || ch == ']' && top == '[' {
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			return bad("invalid JSON", i)
		}
	}
}

// validKey checks "key": at b[i] and returns where the value starts, or -1.
func validKey(b []byte, i int, c *canceller) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	if i = validString(b, i, c); i < 0 {
		return -1
	}
	if i = skipSpace(b, i); i >= len(b) || b[i] != ':' {
		return -1
	}
	return skipSpace(b, i+1)
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special flags the bytes of x that end a run of plain ASCII string
// content: a control character, a quote, a backslash or a byte of a
// multi-byte UTF-8 sequence. The lowest flag is exact (borrows only reach
// bytes above a true hit), which is all callers use.
func special(x uint64) uint64 {
	q, bs := x^(ones*'"'), x^(ones*'\\')
	return ((x-ones*0x20)&^x | (q-ones)&^q | (bs-ones)&^bs | x) & highs
}

// validString checks the string token at b[i] (a quote) and returns the
// offset after it, or -1 (also when c stops it: c.err says so).
func validString(b []byte, i int, c *canceller) int {
	if i < 0 {
		return -1
	}
	i++
	next := i + cancelCheckBytes
	for {
		for i+8 <= len(b) {
			if m := special(binary.LittleEndian.Uint64(b[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			if i += 8; i >= next {
				if c.stop() {
					return -1
				}
				next = i + cancelCheckBytes
			}
		}
		if i >= len(b) {
			return -1
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			if i+1 >= len(b) {
				return -1
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := hex4(b, i+2); !ok {
					return -1
				}
				i += 6
			default:
				return -1
			}
		case c < 0x20:
			return -1
		case c >= utf8.RuneSelf:
			n := wtf8Len(b[i:])
			if n == 0 {
				return -1
			}
			i += n
		default:
			i++
		}
	}
}

// wtf8Len returns the length of the UTF-8 sequence at the start of b, a
// surrogate's included (Python decodes with surrogatepass), or 0 when b
// does not start with one.
func wtf8Len(b []byte) int {
	if r, n := utf8.DecodeRune(b); r != utf8.RuneError || n > 1 {
		return n
	}
	// ED A0..BF 80..BF: a surrogate, which utf8.DecodeRune refuses.
	if len(b) >= 3 && b[0] == 0xed && 0xa0 <= b[1] && b[1] <= 0xbf && 0x80 <= b[2] && b[2] <= 0xbf {
		return 3
	}
	return 0
}

func literal(b []byte, i int, lit string) int {
	if !bytes.HasPrefix(b[i:], []byte(lit)) {
		return -1
	}
	return i + len(lit)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func skipDigits(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

// validNumber checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at b[i]
// and returns the offset after it (-1 when there is none) and, for an
// integer (no fraction, no exponent), its number of digits.
func validNumber(b []byte, i int) (end, intDigits int) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	first := i
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = skipDigits(b, i+1)
	default:
		return -1, 0
	}
	intDigits = i - first
	if i < len(b) && b[i] == '.' {
		if i++; i >= len(b) || !isDigit(b[i]) {
			return -1, 0
		}
		i, intDigits = skipDigits(b, i), 0
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		if i++; i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return -1, 0
		}
		i, intDigits = skipDigits(b, i), 0
	}
	return i, intDigits
}
