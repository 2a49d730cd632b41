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
	"fmt"
	"strings"
	"testing"
)

// BenchmarkRewrite measures the per-request cost the proxy adds. The
// no-change cases are the hot path: most traffic needs nothing.
func BenchmarkRewrite(b *testing.B) {
	smallChat := []byte(`{"model":"m","messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"Say hello in one word."}],"temperature":0.7,"max_tokens":16,"stream":false}`)
	agentTools := tool(`{"type":"object","properties":{"path":{"type":"string","description":"where"},"opts":{"type":"object","properties":{"depth":{"type":"integer"},"follow":{"type":"boolean"}}}},"required":["path"]}`)
	manyTools := `{"model":"m","messages":[{"role":"user","content":"go"}],"tools":[` +
		strings.Repeat(`{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"array","items":{"type":"object","properties":{"c":{"type":"number"}}}}},"required":["a"]}}},`, 19) +
		`{"type":"function","function":{"name":"g","parameters":{"type":"object","properties":{}}}}]}`
	cases := []struct {
		name string
		path string
		body []byte
	}{
		{"small-chat-unchanged", chat, smallChat},
		{"small-chat-strip", chat, []byte(`{"model":"m","messages":[{"role":"user","content":"Say hello."}],"logprobs":true,"top_logprobs":2,"max_tokens":16}`)},
		{"small-chat-translate", chat, []byte(`{"model":"m","messages":[{"role":"user","content":"Cat JSON."}],"guided_json":{"type":"object"},"request_id":"r1","top_k":0}`)},
		{"tools-unchanged", chat, []byte(agentTools)},
		{"tools-repair", chat, []byte(tool(`{"type":"object","properties":[]}`))},
		{"20-tools-unchanged", chat, []byte(manyTools)},
		{"prompt-200KB-unchanged", chat, bigPrompt("")},
		{"prompt-200KB-strip", chat, bigPrompt(`,"logprobs":true`)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Rewrite(c.path, c.body, defaults); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidate compares the validation Rewrite runs before it changes
// a body with encoding/json's, on the 200 KB prompt.
func BenchmarkValidate(b *testing.B) {
	body := bigPrompt("")
	validJSON := func(b []byte) bool { return validate(b, nil) == nil }
	for name, valid := range map[string]func([]byte) bool{"validate": validJSON, "json.Valid": json.Valid} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if !valid(body) {
					b.Fatal("invalid")
				}
			}
		})
	}
}

// BenchmarkVLLMError measures translating one SGLang error body.
func BenchmarkVLLMError(b *testing.B) {
	body := []byte(`{"object":"error","message":"Tools cannot be empty if tool choice is set to required.","type":"BadRequestError","param":null,"code":400}`)
	b.ReportAllocs()
	for b.Loop() {
		VLLMError(400, body)
	}
}

// BenchmarkResponse measures the per-event cost on a streamed chat answer:
// most events pass unchanged.
func BenchmarkResponse(b *testing.B) {
	cases := map[string]string{
		"content-chunk-unchanged": `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":null,"content":" world","reasoning_content":null,"tool_calls":null},"logprobs":null,"finish_reason":null,"matched_stop":null}],"usage":null}`,
		"reasoning-chunk":         `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":null,"content":null,"reasoning_content":" think","tool_calls":null},"logprobs":null,"finish_reason":null,"matched_stop":null}],"usage":null}`,
	}
	for name, data := range cases {
		b.Run(name, func(b *testing.B) {
			d := []byte(data)
			b.SetBytes(int64(len(d)))
			b.ReportAllocs()
			for b.Loop() {
				Response(chat, d)
			}
		})
	}
}

// scalingBodies are request bodies built from n repeats of a part, for the
// benchmarks of how the filter's cost grows with its input.
var scalingBodies = []struct {
	name string
	body func(n int) []byte
}{
	// The same renamed field sent n times.
	{"renames", func(n int) []byte {
		return []byte(`{"model":"m","messages":[{"role":"user","content":"hi"}],` + strings.Repeat(`"request_id":"a",`, n) + `"max_tokens":1}`)
	}},
	// n distinct fields the filter leaves alone, and one it strips.
	{"members", func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"model":"m","logprobs":true`)
		for i := range n {
			fmt.Fprintf(&b, `,"x%d":%d`, i, i)
		}
		return []byte(b.String() + "}")
	}},
	// n keys spelled with escapes.
	{"escaped-keys", func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"model":"m","logprobs":true`)
		for i := range n {
			fmt.Fprintf(&b, `,"\u0078%d":%d`, i, i)
		}
		return []byte(b.String() + "}")
	}},
	// n tools, each with a schema nested 30 levels deep that needs a repair
	// at the bottom.
	{"deep-tools", func(n int) []byte {
		schema := `{"type":"object","properties":[]}`
		for range 30 {
			schema = `{"type":"object","properties":{"p":` + schema + `}}`
		}
		return []byte(`{"model":"m","tools":[` + strings.Repeat(`{"type":"function","function":{"name":"f","parameters":`+schema+`}},`, n-1) +
			`{"type":"function","function":{"name":"f","parameters":` + schema + `}}]}`)
	}},
	// documents moving into a chat_template_kwargs of n members.
	{"template-kwargs", func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"model":"m","documents":[{"t":"d"}],"chat_template_kwargs":{"k":0`)
		for i := range n {
			fmt.Fprintf(&b, `,"k%d":%d`, i, i)
		}
		return []byte(b.String() + "}}")
	}},
	// n members in a structured_outputs object (options without an SGLang
	// equivalent) beside its constraint.
	{"structured-outputs", func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"model":"m","structured_outputs":{"regex":"a+"`)
		for i := range n {
			fmt.Fprintf(&b, `,"o%d":%d`, i, i)
		}
		return []byte(b.String() + "}}")
	}},
}

// BenchmarkRewriteScaling measures the filter on bodies built from N and 8N
// repeats of a part (scalingBodies). Linear work shows as a ratio of about
// 8 between the two.
func BenchmarkRewriteScaling(b *testing.B) {
	for _, c := range scalingBodies {
		for _, n := range []int{1000, 8000} {
			body := c.body(n)
			b.Run(fmt.Sprintf("%s/n=%d", c.name, n), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					Rewrite(chat, body, defaults) //nolint:errcheck // some are refused
				}
			})
		}
	}
}
