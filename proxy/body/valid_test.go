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
	"encoding/json"
	"strings"
	"testing"
)

var validCases = []string{
	``, ` `, `{}`, `[]`, `{"a":1}`, ` {"a" : [1, 2.5e-3, -0, true, false, null, "x"]} `,
	`"plain"`, `"esc \" \\ \/ \b \f \n \r \t \u00e9 \uD83D\uDC08"`, `"bad \x"`, `"bad \u12"`, `"bad \u12g4"`,
	"\"raw\ncontrol\"", "\"tab\tinside\"", "\"del \x7f ok\"", "\"\xff\xfe invalid utf-8\"",
	`"unterminated`, `"ends in backslash\`, `"eight bytes exactly12345678"`, `"1234567\"`, `"12345678\"9"`,
	`01`, `-`, `-0`, `1.`, `1.5`, `.5`, `1e`, `1e+`, `1E-7`, `+1`, `0x10`, `1 2`,
	`tru`, `true `, `truex`, `nul`, `[1,]`, `[,1]`, `{"a":1,}`, `{,}`, `{"a"}`, `{"a":}`, `{1:2}`,
	`[1}`, `{"a":1]`, `[[[]]]`, `[[[]]`, `{"a":{"b":{"c":[{}]}}}`, `{"a":1}x`, `{"a":1}{}`,
	`["` + strings.Repeat("long string with a quote \\\" and more ", 20) + `"]`,
	strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
	strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
}

func TestValidJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range validCases {
		if got, want := validJSON([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("validJSON(%.60q) = %v, json.Valid says %v", c, got, want)
		}
	}
}

// FuzzValidJSON: validJSON and encoding/json.Valid agree on every input.
func FuzzValidJSON(f *testing.F) {
	for _, c := range validCases {
		f.Add([]byte(c))
	}
	for _, cases := range []map[string]rewriteCase{generalCases, fieldCases, schemaCases} {
		for _, tc := range cases {
			f.Add([]byte(tc.in))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("validJSON(%q) = %v, json.Valid says %v", b, got, want)
		}
	})
}
