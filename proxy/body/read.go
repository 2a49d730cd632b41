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
	"strconv"
	"unicode/utf8"
)

// Reading a body as SGLang reads it. SGLang's OpenAI routes are FastAPI
// endpoints with a pydantic request model: FastAPI hands the body to
// Starlette's Request.json(), which is json.loads(body) on the raw bytes
// (vLLM's routes do the same). So the filter reads a body the way Python's
// json module reads bytes, or refuses it (fail closed):
//   - the encoding is detected as json.detect_encoding does: a UTF-8, UTF-16
//     or UTF-32 byte order mark, else the zero bytes of UTF-16 or UTF-32
//     text, else UTF-8; UTF-16 and UTF-32 are transcoded to UTF-8 before
//     the body is read, and lone surrogates pass (json.loads decodes with
//     errors="surrogatepass"), so they are kept as the three bytes UTF-8
//     would give them (WTF-8);
//   - NaN, Infinity and -Infinity are numbers;
//   - of two members with the same name the last counts (a dict keeps the
//     last value), names compared after their escapes are decoded;
//   - a string must be valid UTF-8 (surrogates allowed) without control
//     characters; an integer may have at most 4300 digits (Python's
//     int_max_str_digits); the body may nest at most maxDepth levels (Python
//     gives up at about 1000, with a RecursionError).

// maxDepth bounds the nesting of a body the filter changes: about half the
// depth at which Python's json module gives up, so that the proxy never
// changes a body SGLang could not read.
const maxDepth = 512

// maxIntDigits is Python's default int_max_str_digits: json.loads refuses
// an integer with more digits.
const maxIntDigits = 4300

// unreadable says why a body cannot be read; it becomes the 400's message.
type unreadable struct {
	what string
	at   int // byte offset in the (transcoded) body, or -1
}

func (u *unreadable) reason() string {
	if u.at < 0 {
		return u.what
	}
	return u.what + " at byte " + strconv.Itoa(u.at)
}

// Byte order marks.
var (
	bomUTF8    = []byte{0xef, 0xbb, 0xbf}
	bomUTF16LE = []byte{0xff, 0xfe}
	bomUTF16BE = []byte{0xfe, 0xff}
	bomUTF32LE = []byte{0xff, 0xfe, 0, 0}
	bomUTF32BE = []byte{0, 0, 0xfe, 0xff}
)

type encoding uint8

const (
	encUTF8 encoding = iota
	encUTF16LE
	encUTF16BE
	encUTF32LE
	encUTF32BE
)

// detectEncoding is Python's json.detect_encoding; bom is the length of the
// byte order mark the decoder skips.
func detectEncoding(b []byte) (enc encoding, bom int) {
	switch {
	case bytes.HasPrefix(b, bomUTF32LE):
		return encUTF32LE, 4
	case bytes.HasPrefix(b, bomUTF32BE):
		return encUTF32BE, 4
	case bytes.HasPrefix(b, bomUTF16LE):
		return encUTF16LE, 2
	case bytes.HasPrefix(b, bomUTF16BE):
		return encUTF16BE, 2
	case bytes.HasPrefix(b, bomUTF8):
		return encUTF8, 3
	}
	switch {
	case len(b) >= 4 && b[0] == 0 && b[1] != 0:
		return encUTF16BE, 0
	case len(b) >= 4 && b[0] == 0:
		return encUTF32BE, 0
	case len(b) >= 4 && b[1] == 0 && (b[2] != 0 || b[3] != 0):
		return encUTF16LE, 0
	case len(b) >= 4 && b[1] == 0:
		return encUTF32LE, 0
	case len(b) == 2 && b[0] == 0:
		return encUTF16BE, 0
	case len(b) == 2 && b[1] == 0:
		return encUTF16LE, 0
	}
	return encUTF8, 0
}

// decodeBody returns the body as UTF-8 text: raw itself for UTF-8 without a
// byte order mark (the usual case, no copy), raw without its mark for
// UTF-8 with one, and a transcoded copy for UTF-16 and UTF-32. c is
// consulted every cancelCheckBytes.
func decodeBody(raw []byte, c *canceller) ([]byte, *unreadable) {
	enc, bom := detectEncoding(raw)
	b := raw[bom:]
	var unit int
	var cp func([]byte) rune
	switch enc {
	case encUTF8:
		return b, nil
	case encUTF16LE:
		unit, cp = 2, func(u []byte) rune { return rune(binary.LittleEndian.Uint16(u)) }
	case encUTF16BE:
		unit, cp = 2, func(u []byte) rune { return rune(binary.BigEndian.Uint16(u)) }
	case encUTF32LE:
		unit, cp = 4, func(u []byte) rune { return rune(binary.LittleEndian.Uint32(u)) }
	default:
		unit, cp = 4, func(u []byte) rune { return rune(binary.BigEndian.Uint32(u)) }
	}
	if len(b)%unit != 0 {
		return nil, &unreadable{what: "a " + encName(enc) + " body whose length is not a whole number of characters", at: -1}
	}
	out := make([]byte, 0, len(b)+len(b)/2)
	next := cancelCheckBytes
	for i := 0; i < len(b); i += unit {
		if i >= next {
			if c.stop() {
				return nil, nil
			}
			next += cancelCheckBytes
		}
		r := cp(b[i : i+unit])
		if unit == 2 && isHighSurrogate(r) && i+4 <= len(b) {
			if lo := cp(b[i+2 : i+4]); isLowSurrogate(lo) {
				out = utf8.AppendRune(out, joinSurrogates(r, lo))
				i += 2
				continue
			}
		}
		if r < 0 || r > utf8.MaxRune {
			return nil, &unreadable{what: "a " + encName(enc) + " body with a character out of Unicode's range", at: -1}
		}
		out = appendWTF8(out, r)
	}
	return out, nil
}

func encName(e encoding) string {
	switch e {
	case encUTF16LE, encUTF16BE:
		return "UTF-16"
	case encUTF32LE, encUTF32BE:
		return "UTF-32"
	}
	return "UTF-8"
}

func isHighSurrogate(r rune) bool { return 0xd800 <= r && r < 0xdc00 }
func isLowSurrogate(r rune) bool  { return 0xdc00 <= r && r < 0xe000 }
func joinSurrogates(hi, lo rune) rune {
	return 0x10000 + (hi-0xd800)<<10 + (lo - 0xdc00)
}

// appendWTF8 appends r in UTF-8, a surrogate included: its three bytes are
// what Python's surrogatepass writes and reads back.
func appendWTF8(dst []byte, r rune) []byte {
	if 0xd800 <= r && r < 0xe000 {
		return append(dst, 0xe0|byte(r>>12), 0x80|byte(r>>6)&0x3f, 0x80|byte(r)&0x3f)
	}
	return utf8.AppendRune(dst, r)
}

// decodeJSONString decodes the JSON string token tok as Python's json
// module does, into WTF-8 (lone surrogates, escaped or raw, are kept as
// their three bytes; an escaped pair becomes one character). ok is false
// when tok is not a well-formed string token.
func decodeJSONString(tok []byte) (s string, ok bool) {
	if len(tok) < 2 || tok[0] != '"' || tok[len(tok)-1] != '"' {
		return "", false
	}
	body := tok[1 : len(tok)-1]
	i := 0
	for i < len(body) && body[i] != '\\' {
		i++
	}
	if i == len(body) {
		return string(body), true
	}
	out := make([]byte, 0, len(body))
	out = append(out, body[:i]...)
	for i < len(body) {
		c := body[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(body) {
			return "", false
		}
		switch e := body[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(body, i+2)
			if !ok {
				return "", false
			}
			i += 6
			if isHighSurrogate(r) && i+1 < len(body) && body[i] == '\\' && body[i+1] == 'u' {
				lo, ok := hex4(body, i+2)
				if !ok {
					return "", false
				}
				if isLowSurrogate(lo) {
					out = utf8.AppendRune(out, joinSurrogates(r, lo))
					i += 6
					continue
				}
			}
			out = appendWTF8(out, r)
			continue
		default:
			return "", false
		}
		i += 2
	}
	return string(out), true
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}
