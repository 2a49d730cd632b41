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
)

// maxDepth is encoding/json's nesting limit, which validJSON shares.
const maxDepth = 10000

// validJSON reports whether b is one JSON value, with optional whitespace
// around it: the same answer as encoding/json.Valid (fuzzed against it),
// several times faster on the long strings prompts are made of, because
// string contents are checked eight bytes at a time.
func validJSON(b []byte) bool {
	var stackBuf [64]byte
	stack := stackBuf[:0] // open containers, '{' or '['
	i := skipSpace(b, 0)
	for {
		if i >= len(b) {
			return false
		}
		switch b[i] { // a value starts at b[i]
		case '{':
			if len(stack) >= maxDepth { // an empty one counts too
				return false
			}
			if i = skipSpace(b, i+1); i < len(b) && b[i] == '}' {
				i++
				break
			}
			stack = append(stack, '{')
			if i = validKey(b, i); i < 0 {
				return false
			}
			continue
		case '[':
			if len(stack) >= maxDepth {
				return false
			}
			if i = skipSpace(b, i+1); i < len(b) && b[i] == ']' {
				i++
				break
			}
			stack = append(stack, '[')
			continue
		case '"':
			i = validString(b, i)
		case 't':
			i = literal(b, i, "true")
		case 'f':
			i = literal(b, i, "false")
		case 'n':
			i = literal(b, i, "null")
		default:
			i = validNumber(b, i)
		}
		// After a value: close containers until a comma leads to the next one.
		for {
			if i < 0 {
				return false
			}
			i = skipSpace(b, i)
			if len(stack) == 0 {
				return i == len(b)
			}
			if i >= len(b) {
				return false
			}
			top := stack[len(stack)-1]
			if c := b[i]; c == ',' {
				i = skipSpace(b, i+1)
				if top == '{' {
					i = validKey(b, i)
				}
				if i < 0 {
					return false
				}
				break
			} else if c == '}' && top == '{' || c == ']' && top == '[' {
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			return false
		}
	}
}

// validKey checks "key": at b[i] and returns where the value starts, or -1.
func validKey(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	if i = validString(b, i); i < 0 {
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

// special flags the bytes of x that end a run of plain string content: a
// control character, a quote or a backslash. The lowest flag is exact
// (borrows only reach bytes above a true hit), which is all callers use.
func special(x uint64) uint64 {
	q, bs := x^(ones*'"'), x^(ones*'\\')
	return ((x-ones*0x20)&^x | (q-ones)&^q | (bs-ones)&^bs) & highs
}

// validString checks the string token at b[i] (a quote) and returns the
// offset after it, or -1.
func validString(b []byte, i int) int {
	if i < 0 {
		return -1
	}
	i++
	for {
		for i+8 <= len(b) {
			if m := special(binary.LittleEndian.Uint64(b[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
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
				if i+6 > len(b) || !isHex4(b[i+2:i+6]) {
					return -1
				}
				i += 6
			default:
				return -1
			}
		case c < 0x20:
			return -1
		default:
			i++
		}
	}
}

func isHex4(h []byte) bool {
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func literal(b []byte, i int, lit string) int {
	if !bytes.HasPrefix(b[i:], []byte(lit)) {
		return -1
	}
	return i + len(lit)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digits(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

// validNumber checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at b[i].
func validNumber(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(b, i+1)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		if i++; i >= len(b) || !isDigit(b[i]) {
			return -1
		}
		i = digits(b, i)
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		if i++; i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return -1
		}
		i = digits(b, i)
	}
	return i
}
