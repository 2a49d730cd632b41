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
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var responseCases = map[string]struct {
	path string
	in   string
	out  string // "" means unchanged
}{
	"adds reasoning next to SGLang's reasoning_content in a chat response": {
		path: chat,
		in:   `{"id":"1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"4","reasoning_content":"2+2"},"finish_reason":"stop","matched_stop":151645}]}`,
		out:  `{"id":"1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"4","reasoning_content":"2+2","reasoning":"2+2"},"finish_reason":"stop","matched_stop":151645,"stop_reason":null}]}`,
	},
	"reports a matched stop string as stop_reason": {
		path: chat,
		in:   `{"choices":[{"index":0,"message":{"role":"assistant","content":"a"},"finish_reason":"stop","matched_stop":"END"}]}`,
		out:  `{"choices":[{"index":0,"message":{"role":"assistant","content":"a"},"finish_reason":"stop","matched_stop":"END","stop_reason":"END"}]}`,
	},
	"reports a length finish as stop_reason null": {
		path: completions,
		in:   `{"object":"text_completion","choices":[{"index":0,"text":"abc","finish_reason":"length","matched_stop":null}]}`,
		out:  `{"object":"text_completion","choices":[{"index":0,"text":"abc","finish_reason":"length","matched_stop":null,"stop_reason":null}]}`,
	},
	"translates every choice": {
		path: completions,
		in:   `{"choices":[{"index":0,"text":"a","finish_reason":"stop","matched_stop":"\n"},{"index":1,"text":"b","finish_reason":"length"}]}`,
		out:  `{"choices":[{"index":0,"text":"a","finish_reason":"stop","matched_stop":"\n","stop_reason":"\n"},{"index":1,"text":"b","finish_reason":"length","stop_reason":null}]}`,
	},
	"adds reasoning to a stream delta": {
		path: chat,
		in:   `{"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"reasoning_content":"Let me"},"finish_reason":null}]}`,
		out:  `{"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"reasoning_content":"Let me","reasoning":"Let me"},"finish_reason":null}]}`,
	},
	"leaves an ordinary content chunk alone": {
		path: chat,
		in:   `{"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":null,"content":"Hi","reasoning_content":null,"tool_calls":null},"logprobs":null,"finish_reason":null,"matched_stop":null}],"usage":null}`,
	},
	"leaves the usage chunk alone": {
		path: chat, in: `{"id":"1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}`,
	},
	"leaves a response that already has reasoning and stop_reason alone": {
		path: chat, in: `{"choices":[{"message":{"reasoning":"r","reasoning_content":"r"},"finish_reason":"stop","stop_reason":null}]}`,
	},
	"does not add reasoning on completions": {
		path: completions, in: `{"choices":[{"text":"t","message":{"reasoning_content":"r"},"finish_reason":null}]}`,
	},
	"leaves other paths alone": {
		path: "/v1/embeddings", in: `{"choices":[{"finish_reason":"stop"}]}`,
	},
	"leaves [DONE] alone":           {path: chat, in: `[DONE]`},
	"leaves an error event alone":   {path: chat, in: `{"error":{"message":"m"}}`},
	"leaves a truncated body alone": {path: chat, in: `{"choices":[{"finish_reason":"stop"`},
	"keeps the response's spacing": {
		path: chat,
		in:   `{"choices": [{"index": 0, "message": {"content": "x", "reasoning_content": "y"}, "finish_reason": "stop"}]}`,
		out:  `{"choices": [{"index": 0, "message": {"content": "x", "reasoning_content": "y", "reasoning": "y"}, "finish_reason": "stop", "stop_reason": null}]}`,
	},
}

func TestResponse(t *testing.T) {
	for name, tc := range responseCases {
		t.Run(name, func(t *testing.T) {
			in := []byte(tc.in)
			out, changed := Response(tc.path, in)
			want := tc.out
			if want == "" {
				want = tc.in
				if changed || !sameSlice(out, in) {
					t.Fatalf("want the same slice back, got changed=%v %s", changed, out)
				}
			}
			if diff := cmp.Diff(want, string(out)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzResponse: no panic; valid JSON stays valid; an unchanged body is the
// same slice; translating twice changes nothing more.
func FuzzResponse(f *testing.F) {
	for _, tc := range responseCases {
		f.Add(tc.path == completions, []byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, toCompletions bool, in []byte) {
		path := chat
		if toCompletions {
			path = completions
		}
		orig := bytes.Clone(in)
		out, changed := Response(path, in)
		if !bytes.Equal(in, orig) {
			t.Fatal("Response modified its input")
		}
		if !changed {
			if !sameSlice(out, in) {
				t.Fatal("unchanged data must come back as the same slice")
			}
			return
		}
		if json.Valid(in) && !json.Valid(out) {
			t.Fatalf("valid input became invalid:\nin:  %s\nout: %s", in, out)
		}
		if again, more := Response(path, out); more || !sameSlice(again, out) {
			t.Fatalf("translating again changed it:\nin:  %s\nout: %s\nagain: %s", in, out, again)
		}
	})
}
