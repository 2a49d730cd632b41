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
	"strings"
	"testing"
)

// bigPrompt is a chat request whose user message is about 200 KB, with the
// escapes a real prompt has (quotes, newlines, unicode).
func bigPrompt(extra string) []byte {
	line := `Line with \"quotes\", a tab\t, unicode \u00e9\u4e2d and a backslash \\ .\n`
	content := strings.Repeat(line, 200*1024/len(line))
	return []byte(`{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"` +
		content + `"}],"temperature":0.2,"max_tokens":512,"stream":true` + extra + `}`)
}

// TestUnchangedBodyIsTheSameSlice: a body that needs no change must reach
// SGLang byte for byte, and without a copy.
func TestUnchangedBodyIsTheSameSlice(t *testing.T) {
	bodies := map[string][]byte{
		"a small chat request":                   []byte(`{"model":"m","messages":[{"role":"user","content":"hi"}]}`),
		"a request with odd spacing and escapes": []byte(" {\n\t\"model\" :\"m\" ,\"messages\":[ {\"role\":\"user\",\"content\":\"a\\\"}\\\\\"} ] , \"n\" : 1e0 }\r\n"),
		"a request with well-formed tools":       []byte(tool(`{"type":"object","properties":{"a":{"type":"array","items":{"type":"string"}}},"required":["a"]}`)),
		"a 200 KB prompt":                        bigPrompt(""),
		"a completions request with logprobs":    []byte(`{"model":"m","prompt":"p","logprobs":5}`),
	}
	for name, in := range bodies {
		t.Run(name, func(t *testing.T) {
			path := chat
			if strings.Contains(name, "completions") {
				path = completions
			}
			out, changes, err := Rewrite(path, in, defaults)
			if err != nil || changes != nil {
				t.Fatalf("want no change, got %v, %v", changes, err)
			}
			if len(out) != len(in) || &out[0] != &in[0] {
				t.Fatal("the body was copied or changed")
			}
		})
	}
}

// TestLargePromptIsCopiedVerbatim: a change elsewhere in the body leaves the
// 200 KB message exactly as sent.
func TestLargePromptIsCopiedVerbatim(t *testing.T) {
	in := bigPrompt(`,"logprobs":true`)
	out, changes, err := Rewrite(chat, in, defaults)
	if err != nil || len(changes) != 1 {
		t.Fatalf("want one change, got %v, %v", changes, err)
	}
	if want := string(bigPrompt("")); string(out) != want {
		t.Fatal("the body differs from the input minus logprobs")
	}
}
