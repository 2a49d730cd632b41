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
	"context"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// readCases are bodies to read as Python does; the first ones are the
// edge cases of JSON itself.
var readCases = []string{
	``, ` `, `{}`, `[]`, `{"a":1}`, ` {"a" : [1, 2.5e-3, -0, true, false, null, "x"]} `,
	`"plain"`, `"esc \" \\ \/ \b \f \n \r \t \u00e9 \uD83D\uDC08"`, `"bad \x"`, `"bad \u12"`, `"bad \u12g4"`,
	"\"raw\ncontrol\"", "\"tab\tinside\"", "\"del \x7f ok\"", "\"\xff\xfe invalid utf-8\"",
	`"unterminated`, `"ends in backslash\`, `"eight bytes exactly12345678"`, `"1234567\"`, `"12345678\"9"`,
	`01`, `-`, `-0`, `1.`, `1.5`, `.5`, `1e`, `1e+`, `1E-7`, `+1`, `0x10`, `1 2`, `1e400`, `-1e400`, `1.0e-400`,
	`tru`, `true `, `truex`, `nul`, `[1,]`, `[,1]`, `{"a":1,}`, `{,}`, `{"a"}`, `{"a":}`, `{1:2}`,
	`[1}`, `{"a":1]`, `[[[]]]`, `[[[]]`, `{"a":{"b":{"c":[{}]}}}`, `{"a":1}x`, `{"a":1}{}`,
	`["` + strings.Repeat("long string with a quote \\\" and more ", 20) + `"]`,
	// Python's extensions and limits.
	`NaN`, `Infinity`, `-Infinity`, `[NaN,Infinity,-Infinity]`, `{"a":NaN}`, `-NaN`, `nan`, `inf`, `+Infinity`,
	`Infinityx`, `[-Inf]`, `NaN1`,
	strings.Repeat("1", 4300), strings.Repeat("1", 4301), "-" + strings.Repeat("1", 4300), strings.Repeat("1", 4301) + ".0",
	strings.Repeat("1", 4301) + "e0",
	strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
	strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
	// UTF-8: surrogates pass, everything else invalid does not.
	"\"\xed\xa0\x80\"", "\"\xed\xbf\xbf\"", "\"\xc0\x80\"", "\"\xe0\x80\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xf0\x9f\x98\x80\"",
	"\"\xe2\x82\"", "\"é中\"", "{\"\xed\xa0\x80\":1,\"\\ud800\":2}", `{"\ud83d\ude00":1,"😀":2}`,
	"{\"\xed\xa0\xbd\xed\xb8\x80\":1,\"\\ud83d\\ude00\":2}", `"\ud800\u0041"`, `"\ud800\u"`, `"\ud800\uzzzz"`,
	`"\udc00\ud800"`, `"\ud800\ud800\udc00"`,
	// Byte order marks and other encodings.
	"\xef\xbb\xbf{\"a\":1}", "\xef\xbb\xbf\xef\xbb\xbf{\"a\":1}", "\xef\xbb\xbf", "\x00{", "{\x00", "\x00\x00",
	utf16LE(`{"a":1}`), utf16BE(`{"a":1}`), "\xff\xfe" + utf16LE(`{"a":1}`), "\xfe\xff" + utf16BE(`{"a":1}`),
	utf16LE(`{"a":1}`)[1:], "\xff\xfe" + utf16LE("\ufeff{}"), utf32LE(`{"a":1}`), utf32BE(`{"a":1}`),
	"\xff\xfe\x00\x00" + utf32LE(`{"a":"é"}`), "\x00\x00\xfe\xff" + utf32BE(`{"a":"😀"}`),
	utf16LE(`{"a":"`) + "\x00\xd8" + utf16LE(`"}`), utf16LE(`{"a":"`) + "\x3d\xd8\x00\xde" + utf16LE(`"}`),
	utf32LE(`{"a":"`) + "\x00\xd8\x00\x00" + utf32LE(`"}`), utf32LE(`{"a":"`) + "\x00\x00\x11\x00" + utf32LE(`"}`),
	"{\"a\":1}\x00", "{\"a\":1}\x0c", "\x0c{}",
}

func utf16LE(s string) string { return encodeUTF16(s, false) }
func utf16BE(s string) string { return encodeUTF16(s, true) }

func encodeUTF16(s string, be bool) string {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if be {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return string(out)
}

func utf32LE(s string) string { return encodeUTF32(s, false) }
func utf32BE(s string) string { return encodeUTF32(s, true) }

func encodeUTF32(s string, be bool) string {
	var out []byte
	for _, r := range s {
		if be {
			out = append(out, byte(r>>24), byte(r>>16), byte(r>>8), byte(r))
		} else {
			out = append(out, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
		}
	}
	return string(out)
}

// allBodies is every body the tests read: readCases, the inputs of the
// rewrite cases and the testdata requests.
func allBodies() [][]byte {
	var out [][]byte
	for _, c := range readCases {
		out = append(out, []byte(c))
	}
	for _, cases := range []map[string]rewriteCase{generalCases, fieldCases, schemaCases, sglangReadsCases} {
		for _, tc := range cases {
			out = append(out, []byte(tc.in))
		}
	}
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// reads reports whether the filter reads b as Python does: decodeBody, then
// validate.
func reads(b []byte) bool {
	text, bad := decodeBody(b, nil)
	return bad == nil && validate(text, nil) == nil
}

// TestValidateAgreesWithPython: the filter's reader (decodeBody, validate)
// accepts a body exactly when the reference reader, Python's json.loads,
// does (with the filter's depth limit).
func TestValidateAgreesWithPython(t *testing.T) {
	for _, b := range allBodies() {
		_, err := pyLoads(b, maxDepth)
		if got, want := reads(b), err == nil; got != want {
			t.Errorf("reads(%.80q) = %v, Python's json.loads says %v", b, got, want)
		}
	}
}

// FuzzValidate: the filter's reader and the reference reader agree on
// every input.
func FuzzValidate(f *testing.F) {
	for _, b := range allBodies() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := pyLoads(b, maxDepth)
		if got, want := reads(b), err == nil; got != want {
			t.Fatalf("reads(%q) = %v, Python's json.loads says %v", b, got, want)
		}
	})
}

// pyCanonical is the python3 side of TestPyLoadsAgreesWithPython: for each
// line of hex on stdin, json.loads of those bytes spelled as
// pyValue.canonical spells it, or E when json.loads refuses them.
const pyCanonical = `
import json, struct, sys
def canon(v):
    if isinstance(v, dict):
        return "{" + ",".join("s" + k.encode("utf-8", "surrogatepass").hex() + ":" + canon(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(canon(x) for x in v) + "]"
    if isinstance(v, str):
        return "s" + v.encode("utf-8", "surrogatepass").hex()
    if v is True:
        return "t"
    if v is False:
        return "F"
    if v is None:
        return "n"
    if isinstance(v, int):
        return "i" + str(v)
    if v != v:
        return "dnan"
    return "d" + format(struct.unpack(">Q", struct.pack(">d", v))[0], "x")
for line in sys.stdin:
    try:
        v = json.loads(bytes.fromhex(line.strip()))
    except Exception:
        print("E")
        continue
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100000)  # for canon, not for json.loads
    print(canon(v))
    sys.setrecursionlimit(limit)
`

// TestPyLoadsAgreesWithPython checks the reference reader against Python's
// own json.loads on every test body, when python3 is installed.
func TestPyLoadsAgreesWithPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	bodies := allBodies()
	var in bytes.Buffer
	for _, b := range bodies {
		in.WriteString(hex.EncodeToString(b) + "\n")
	}
	cmd := exec.Command(python, "-c", pyCanonical)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(got) != len(bodies) {
		t.Fatalf("python3 answered %d lines for %d bodies", len(got), len(bodies))
	}
	for i, b := range bodies {
		want := "E"
		if v, err := pyLoads(b, 1<<20); err == nil {
			want = v.canonical()
		}
		if got[i] != want {
			t.Errorf("json.loads(%.80q):\n python3 %.200s\n pyLoads %.200s", b, got[i], want)
		}
	}
}

// sglangReadsCases: the filter reads a body as SGLang does, and refuses
// what it cannot read so (fail closed).
var sglangReadsCases = map[string]rewriteCase{
	// Python's extensions.
	"reads NaN, Infinity and -Infinity as numbers and filters around them": {
		path: chat, in: `{"temperature":NaN,"logprobs":true,"top_p":Infinity,"seed":-Infinity}`,
		out:     `{"temperature":NaN,"top_p":Infinity,"seed":-Infinity}`,
		changes: []string{"stripped=logprobs"},
	},
	"takes NaN for a value that is set": {
		path: chat, in: `{"length_penalty":NaN}`, out: `{}`, changes: []string{"stripped=length_penalty"},
	},
	"refuses a changed body with an integer of more than 4300 digits, which Python refuses": {
		path: chat, in: `{"logprobs":true,"seed":1` + strings.Repeat("0", 4300) + `}`, reject: BodyField,
	},
	"refuses a changed body nested deeper than it reads": {
		path: chat, in: `{"logprobs":true,"x":` + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + `}`, reject: BodyField,
	},
	"refuses a changed body with bytes that are not UTF-8": {
		path: chat, in: "{\"logprobs\":true,\"x\":\"\xff\"}", reject: BodyField,
	},
	"reads a surrogate encoded in UTF-8, which Python decodes with surrogatepass": {
		path: chat, in: "{\"logprobs\":true,\"x\":\"\xed\xa0\x80\"}", out: "{\"x\":\"\xed\xa0\x80\"}",
		changes: []string{"stripped=logprobs"},
	},

	// Encodings.
	"reads a UTF-16 body and sends what it changed as UTF-8": {
		path: chat, in: utf16LE(`{"model":"m","logprobs":true}`), out: `{"model":"m"}`, changes: []string{"stripped=logprobs"},
	},
	"reads a big-endian UTF-16 body with a byte order mark": {
		path: chat, in: "\xfe\xff" + utf16BE(`{"model":"m","logprobs":true}`), out: `{"model":"m"}`, changes: []string{"stripped=logprobs"},
	},
	"reads a UTF-32 body": {
		path: chat, in: utf32BE(`{"request_id":"é"}`), out: `{"rid":"é"}`, changes: []string{"renamed=request_id"},
	},
	"reads a UTF-8 body with a byte order mark": {
		path: chat, in: "\xef\xbb\xbf{\"logprobs\":true}", out: `{}`, changes: []string{"stripped=logprobs"},
	},
	"joins a UTF-16 surrogate pair and keeps a lone surrogate": {
		path: chat, in: utf16LE(`{"logprobs":true,"x":"`) + "\x3d\xd8\x00\xde\x00\xd8" + utf16LE(`"}`),
		out: "{\"x\":\"\xf0\x9f\x98\x80\xed\xa0\x80\"}", changes: []string{"stripped=logprobs"},
	},
	"forwards a UTF-16 body that needs no change as it came": {
		path: chat, in: utf16LE(`{"model":"m"}`),
	},
	"refuses a UTF-16 body of an odd number of bytes": {
		path: chat, in: utf16LE(`{"logprobs":true}`)[1:], reject: BodyField,
	},
	"refuses a UTF-32 body with a character beyond Unicode": {
		path: chat, in: utf32LE(`{"x":"`) + "\x00\x00\x11\x00" + utf32LE(`"}`), reject: BodyField,
	},
	"refuses a second byte order mark": {
		path: chat, in: "\xef\xbb\xbf\xef\xbb\xbf{\"logprobs\":true}", reject: BodyField,
	},

	// Bounds on what the filter holds in memory.
	"refuses a body of more than 65536 members": {
		path: chat, in: `{"model":"m"` + strings.Repeat(`,"a":1`, maxMembers) + `}`, reject: BodyField,
	},
	"reads a body of 65536 members": {
		path: chat, in: `{"logprobs":true` + strings.Repeat(`,"a":1`, maxMembers-1) + `}`,
		out: `{` + strings.Repeat(`"a":1,`, maxMembers-2) + `"a":1}`, changes: []string{"stripped=logprobs"},
	},
	"refuses to merge into a chat_template_kwargs of more than 65536 members": {
		path: chat, in: `{"documents":[],"chat_template_kwargs":{"k":0` + strings.Repeat(`,"a":1`, maxMembers) + `}}`, reject: BodyField,
	},
	"leaves tools that need more than 16384 repairs unrepaired, for SGLang to judge": {
		path: chat, in: `{"tools":[` + strings.Repeat(`{"function":{"parameters":[]}},`, maxRepairs) + `{"function":{}}]}`,
	},
	"repairs tools that need 16384 repairs": {
		path: chat, in: `{"tools":[` + strings.Repeat(`{"function":{"parameters":{"required":0}}},`, maxRepairs-1) + `{"function":{}}]}`,
		out:     `{"tools":[` + strings.Repeat(`{"function":{"parameters":{}}},`, maxRepairs-1) + `{"function":{"parameters":{"type":"object","properties":{}}}}]}`,
		changes: append(slices.Repeat([]string{"repaired=required"}, maxRepairs-1), "repaired=parameters"),
	},
	"leaves tools it cannot hold unrepaired, for SGLang to judge": {
		path: chat, in: `{"tools":[{"function":{"parameters":{"properties":[]` + strings.Repeat(`,"a":1`, maxMembers) + `}}}]}`,
	},

	// The last of two members of the same name counts.
	"renames only the last request_id, the one that counts": {
		path: chat, in: `{"request_id":"a","model":"m","request_id":"b"}`, out: `{"model":"m","rid":"b"}`,
		changes: []string{"renamed=request_id"},
	},
	"leaves request_id alone when its last copy is null": {
		path: chat, in: `{"request_id":"a","request_id":null}`,
	},
	"does not reject bad_words whose last copy is empty": {
		path: chat, in: `{"bad_words":["x"],"bad_words":[]}`,
	},
	"rejects bad_words whose last copy is set": {
		path: chat, in: `{"bad_words":[],"bad_words":["x"]}`, reject: "bad_words",
	},
	"treats an empty list spelled with any whitespace as empty": {
		path: chat, in: `{"bad_words":[` + strings.Repeat(" ", 40) + `]}`,
	},
	"drops the earlier copies of a member it changes, which could otherwise come back": {
		path: chat, in: `{"top_k":0,"model":"m","top_k":0}`, out: `{"model":"m","top_k":-1}`,
		changes: []string{"translated=top_k"},
	},
	"drops a client's field that a translation replaces, whatever the order": {
		path: chat, in: `{"guided_regex":"a+","regex":null}`, out: `{"regex":"a+"}`,
		changes: []string{"renamed=guided_regex", "stripped=regex"},
	},
	"drops a text response_format after the guided_json that replaces it": {
		path: chat, in: `{"guided_json":{"type":"object"},"response_format":{"type":"text"}}`,
		out:     `{"response_format":{"type":"json_schema","json_schema":{"name":"guided_json","schema":{"type":"object"}}}}`,
		changes: []string{"translated=guided_json", "stripped=response_format"},
	},
	"rejects a guided field next to a response_format whose last type is not text": {
		path: chat, in: `{"guided_regex":"a","response_format":{"type":"text","type":"json_object"}}`, reject: "guided_regex",
	},
	"allows a guided field next to a response_format whose last type is text": {
		path: chat, in: `{"response_format":{"type":"json_object","type":"text"},"guided_regex":"a"}`,
		out:     `{"response_format":{"type":"json_object","type":"text"},"regex":"a"}`,
		changes: []string{"renamed=guided_regex"},
	},
	"reads the last of two constraints of a name in structured_outputs": {
		path: chat, in: `{"structured_outputs":{"regex":"a","regex":null,"choice":["x"]}}`,
		out:     `{"regex":"(x)"}`,
		changes: []string{"translated=structured_outputs"},
	},
	"compares names after decoding their escapes as Python does": {
		path: chat, in: `{"request_id":"a","request\u005fid":"b"}`, out: `{"rid":"b"}`,
		changes: []string{"renamed=request_id"},
	},
	"tells apart an escaped surrogate pair and two raw surrogates, as Python does": {
		path: chat, in: "{\"\\ud83d\\ude00\":1,\"\xed\xa0\xbd\xed\xb8\x80\":2,\"logprobs\":true}",
		out: "{\"\\ud83d\\ude00\":1,\"\xed\xa0\xbd\xed\xb8\x80\":2}", changes: []string{"stripped=logprobs"},
	},
	"repairs only the last parameters of a function": {
		path: chat, in: `{"tools":[{"function":{"parameters":[],"parameters":{"properties":[]}}}]}`,
		out:     `{"tools":[{"function":{"parameters":[],"parameters":{"properties":{}}}}]}`,
		changes: []string{"repaired=properties"},
	},
	"does not repair a parameters that a later one shadows": {
		path: chat, in: `{"tools":[{"function":{"parameters":{"properties":[]},"parameters":{}}}]}`,
	},
	"removes every required when the last one is not a list": {
		path: chat, in: `{"tools":[{"function":{"parameters":{"required":["a"],"type":"object","required":"a"}}}]}`,
		out:     `{"tools":[{"function":{"parameters":{"type":"object"}}}]}`,
		changes: []string{"repaired=required", "repaired=required"},
	},
	"keeps every required when the last one is a list": {
		path: chat, in: `{"tools":[{"function":{"parameters":{"required":"a","required":["a"]}}}]}`,
	},
	"removes a required that is the object's only member": {
		path: chat, in: `{"tools":[{"function":{"parameters":{ "required" : null }}}]}`,
		out:     `{"tools":[{"function":{"parameters":{  }}}]}`,
		changes: []string{"repaired=required"},
	},
	"removes required members at the start, the middle and the end": {
		path: chat, in: `{"tools":[{"function":{"parameters":{"required":1, "a":1, "required":2, "b":2, "required":3}}}]}`,
		out:     `{"tools":[{"function":{"parameters":{"a":1, "b":2}}}]}`,
		changes: []string{"repaired=required", "repaired=required", "repaired=required"},
	},
	"repairs only the last function of a tool": {
		path: chat, in: `{"tools":[{"function":{"parameters":[]},"function":{"name":"f","parameters":{}}}]}`,
	},
	"repairs only the last schema of a property name": {
		path: chat, in: `{"tools":[{"function":{"parameters":{"properties":{"p":{"properties":[]},"p":{"properties":{"q":{"required":0}}}}}}}]}`,
		out:     `{"tools":[{"function":{"parameters":{"properties":{"p":{"properties":[]},"p":{"properties":{"q":{}}}}}}}]}`,
		changes: []string{"repaired=required"},
	},
}

func TestSGLangReads(t *testing.T) {
	runRewriteCases(t, sglangReadsCases)
}

// A context that ends stops the filter early, with the context's error.
func TestCancelledContextStopsTheFilter(t *testing.T) {
	bodies := map[string][]byte{
		"a UTF-16 body":                          []byte(utf16LE(`{"logprobs":true,"x":"` + strings.Repeat("a", 4*cancelCheckBytes) + `"}`)),
		"a body with many members":               []byte(`{"logprobs":true` + strings.Repeat(`,"x":1`, 4*cancelCheckMembers) + `}`),
		"a body with many tools":                 []byte(`{"tools":[` + strings.Repeat(`{"function":{"parameters":{}}},`, 4*cancelCheckObjects) + `{}]}`),
		"a long body, stopped in its validation": []byte(`{"logprobs":true,"x":"` + strings.Repeat("a", 4*cancelCheckBytes) + `"}`),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if _, _, err := RewriteContext(ctx, chat, body, defaults); !errors.Is(err, context.Canceled) {
				t.Errorf("with a cancelled context: %v, want context.Canceled", err)
			}
			// A context that ends after its first look stops the filter at
			// its second: the filter does not run to its end.
			stop := &countdown{left: 1}
			if _, _, err := RewriteContext(stop, chat, body, defaults); !errors.Is(err, context.Canceled) || stop.calls != 2 {
				t.Errorf("got %v after %d looks at the context, want context.Canceled after 2", err, stop.calls)
			}
			if _, _, err := RewriteContext(context.Background(), chat, body, defaults); err != nil {
				t.Errorf("without cancellation: %v", err)
			}
		})
	}
}

// countdown is a context that ends on its left+1st look.
type countdown struct {
	context.Context
	left, calls int
}

func (c *countdown) Err() error {
	c.calls++
	if c.left == 0 {
		return context.Canceled
	}
	c.left--
	return nil
}
