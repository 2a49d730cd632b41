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

package fakesglang

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const toolsJSON = `"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{}}}}]`

// post sends body to path on a fake started with opts.
func post(t *testing.T, opts Options, path, body string) (int, []byte) {
	t.Helper()
	opts.HealthDelay = -1
	srv := httptest.NewServer(New(opts).Handler())
	t.Cleanup(srv.Close)
	res, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

// chatAnswer is the part of a chat answer these tests read.
type chatAnswer struct {
	Choices []struct {
		Message struct {
			ToolCalls []any `json:"tool_calls"`
		} `json:"message"`
		Logprobs     *chatLogprobs `json:"logprobs"`
		FinishReason string        `json:"finish_reason"`
	} `json:"choices"`
}

func TestLogprobs(t *testing.T) {
	mistral := Options{ToolCallParser: MistralToolCallParser}
	tests := []struct {
		name     string
		opts     Options
		path     string
		body     string
		wantCode int
		wantErr  string // in the 4xx message
		wantLP   int    // chat: tokens with logprobs (0: logprobs null)
		wantTop  int    // chat: alternatives per token
	}{{
		name: "refuses logprobs with 422 under the mistral tool-call parser on a chat completion that calls a tool",
		opts: mistral, path: "/v1/chat/completions",
		body:     `{"messages":[],` + toolsJSON + `,"logprobs":true,"top_logprobs":2}`,
		wantCode: http.StatusUnprocessableEntity, wantErr: "logprobs is not supported with the mistral tool call parser",
	}, {
		name: "refuses top_logprobs alone too",
		opts: mistral, path: "/v1/chat/completions",
		body:     `{"messages":[],` + toolsJSON + `,"tool_choice":"auto","top_logprobs":2}`,
		wantCode: http.StatusUnprocessableEntity, wantErr: "top_logprobs is not supported",
	}, {
		name: "refuses them even when false: the parser objected to the field",
		opts: mistral, path: "/v1/chat/completions",
		body:     `{"messages":[],` + toolsJSON + `,"logprobs":false}`,
		wantCode: http.StatusUnprocessableEntity, wantErr: "logprobs is not supported",
	}, {
		name: "answers logprobs under the mistral parser when the chat request has no tools (the parser does not run)",
		opts: mistral, path: "/v1/chat/completions",
		body:     `{"messages":[],"logprobs":true}`,
		wantCode: http.StatusOK, wantLP: DefaultEvents,
	}, {
		name: "answers logprobs under the mistral parser when tool_choice is none",
		opts: mistral, path: "/v1/chat/completions",
		body:     `{"messages":[],` + toolsJSON + `,"tool_choice":"none","logprobs":true,"top_logprobs":1}`,
		wantCode: http.StatusOK, wantLP: DefaultEvents, wantTop: 1,
	}, {
		name: "answers a tool call with logprobs under another tool-call parser",
		opts: Options{ToolCallParser: "hermes"}, path: "/v1/chat/completions",
		body:     `{"messages":[],` + toolsJSON + `,"logprobs":true,"top_logprobs":2}`,
		wantCode: http.StatusOK, wantLP: len(toolCallTokens), wantTop: 2,
	}, {
		name:     "answers the text with logprobs to a request with tools without a tool-call parser",
		path:     "/v1/chat/completions",
		body:     `{"messages":[],` + toolsJSON + `,"logprobs":true,"top_logprobs":3}`,
		wantCode: http.StatusOK, wantLP: DefaultEvents, wantTop: 3,
	}, {
		name: "answers logprobs null when the request asks for none",
		opts: mistral, path: "/v1/chat/completions",
		body:     `{"messages":[]}`,
		wantCode: http.StatusOK,
	}, {
		name:     "answers no logprobs for top_logprobs without logprobs: true",
		path:     "/v1/chat/completions",
		body:     `{"messages":[],"top_logprobs":2}`,
		wantCode: http.StatusOK,
	}, {
		name:     "rejects top_logprobs above 20 with 400",
		path:     "/v1/chat/completions",
		body:     `{"messages":[],"logprobs":true,"top_logprobs":21}`,
		wantCode: http.StatusBadRequest, wantErr: "top_logprobs must be an integer from 0 to 20",
	}, {
		name: "keeps completions logprobs under the mistral parser (no tool-call parser on that path)",
		opts: mistral, path: "/v1/completions",
		body:     `{"prompt":"hi",` + toolsJSON + `,"logprobs":2}`,
		wantCode: http.StatusOK,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := post(t, tc.opts, tc.path, tc.body)
			if code != tc.wantCode {
				t.Fatalf("status %d, want %d: %s", code, tc.wantCode, body)
			}
			if tc.wantErr != "" {
				var e struct {
					Object, Message string
				}
				if err := json.Unmarshal(body, &e); err != nil || e.Object != "error" || !strings.Contains(e.Message, tc.wantErr) {
					t.Errorf("error body %s, want SGLang's flat error saying %q", body, tc.wantErr)
				}
				return
			}
			if tc.path == "/v1/completions" {
				checkTextLogprobs(t, body, 2)
				return
			}
			var a chatAnswer
			if err := json.Unmarshal(body, &a); err != nil || len(a.Choices) != 1 {
				t.Fatalf("answer %s: %v", body, err)
			}
			lp := a.Choices[0].Logprobs
			if tc.wantLP == 0 {
				if lp != nil {
					t.Errorf("logprobs %+v, want null", lp)
				}
				return
			}
			if lp == nil || len(lp.Content) != tc.wantLP {
				t.Fatalf("logprobs %s, want %d tokens", body, tc.wantLP)
			}
			for _, e := range lp.Content {
				checkTokenLogprob(t, e, tc.wantTop)
			}
		})
	}
}

// checkTokenLogprob checks one entry is OpenAI's shape with sane values.
func checkTokenLogprob(t *testing.T, e tokenLogprob, top int) {
	t.Helper()
	if e.Token == "" || string(bytesOf(e.Bytes)) != e.Token || e.Logprob > 0 {
		t.Errorf("entry %+v: want a token, its UTF-8 bytes and a logprob <= 0", e)
	}
	if len(e.TopLogprobs) != top {
		t.Fatalf("entry %q has %d top_logprobs, want %d", e.Token, len(e.TopLogprobs), top)
	}
	seen := map[string]bool{}
	for i, alt := range e.TopLogprobs {
		if i == 0 && (alt.Token != e.Token || alt.Logprob != e.Logprob) {
			t.Errorf("the likeliest alternative %+v is not the sampled token %q", alt, e.Token)
		}
		if i > 0 && alt.Logprob >= e.TopLogprobs[i-1].Logprob {
			t.Errorf("top_logprobs of %q not in decreasing order: %+v", e.Token, e.TopLogprobs)
		}
		if seen[alt.Token] || string(bytesOf(alt.Bytes)) != alt.Token {
			t.Errorf("alternative %+v repeated or with wrong bytes", alt)
		}
		seen[alt.Token] = true
	}
}

func bytesOf(b []int) []byte {
	out := make([]byte, len(b))
	for i, v := range b {
		out[i] = byte(v)
	}
	return out
}

func checkTextLogprobs(t *testing.T, body []byte, top int) {
	t.Helper()
	var a struct {
		Choices []struct {
			Text     string        `json:"text"`
			Logprobs *textLogprobs `json:"logprobs"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(body, &a); err != nil || len(a.Choices) != 1 || a.Choices[0].Logprobs == nil {
		t.Fatalf("answer %s: %v; want a choice with logprobs", body, err)
	}
	lp, text := a.Choices[0].Logprobs, a.Choices[0].Text
	if strings.Join(lp.Tokens, "") != text || len(lp.TokenLogprobs) != len(lp.Tokens) || len(lp.TopLogprobs) != len(lp.Tokens) {
		t.Fatalf("logprobs %+v do not cover the text %q token by token", lp, text)
	}
	for i, tok := range lp.Tokens {
		if !strings.HasPrefix(text[lp.TextOffset[i]:], tok) || len(lp.TopLogprobs[i]) != top {
			t.Errorf("token %d %q: offset %d, %d alternatives; want its place in the text and %d", i, tok, lp.TextOffset[i], len(lp.TopLogprobs[i]), top)
		}
	}
}

func TestStreamedLogprobs(t *testing.T) {
	tests := map[string]struct {
		body     string
		wantTool bool
	}{
		"a streamed answer carries the logprobs of each generated token in its event": {
			body: `{"messages":[],"stream":true,"logprobs":true,"top_logprobs":2}`,
		},
		"a streamed tool call carries them too, under a parser other than mistral": {
			body: `{"messages":[],"stream":true,` + toolsJSON + `,"logprobs":true,"top_logprobs":2}`, wantTool: true,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, body := post(t, Options{ToolCallParser: "hermes"}, "/v1/chat/completions", tc.body)
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, body)
			}
			generated := 0
			sc := bufio.NewScanner(strings.NewReader(string(body)))
			for sc.Scan() {
				data, ok := strings.CutPrefix(sc.Text(), "data: ")
				if !ok || data == "[DONE]" {
					continue
				}
				var ev struct {
					Choices []struct {
						Delta struct {
							Content   *string `json:"content"`
							ToolCalls []any   `json:"tool_calls"`
						} `json:"delta"`
						Logprobs *chatLogprobs `json:"logprobs"`
					} `json:"choices"`
				}
				if err := json.Unmarshal([]byte(data), &ev); err != nil {
					t.Fatalf("event %s: %v", data, err)
				}
				if len(ev.Choices) == 0 {
					continue
				}
				ch := ev.Choices[0]
				tokenEvent := (ch.Delta.Content != nil && *ch.Delta.Content != "") || len(ch.Delta.ToolCalls) > 0
				if tokenEvent != (ch.Logprobs != nil) {
					t.Fatalf("event %s: a generated token must carry logprobs, any other event none", data)
				}
				if !tokenEvent {
					continue
				}
				generated++
				if len(ch.Logprobs.Content) != 1 || (tc.wantTool != (len(ch.Delta.ToolCalls) > 0)) {
					t.Fatalf("event %s: want one token's logprobs", data)
				}
				if content := ch.Delta.Content; content != nil && ch.Logprobs.Content[0].Token != *content {
					t.Errorf("event %s: logprobs of %q for content %q", data, ch.Logprobs.Content[0].Token, *content)
				}
				checkTokenLogprob(t, ch.Logprobs.Content[0], 2)
			}
			if generated != DefaultEvents {
				t.Errorf("%d events with logprobs, want %d", generated, DefaultEvents)
			}
		})
	}
}

// TestToolCalls: SGLang turns the model's text into tool calls only when it
// runs a tool-call parser.
func TestToolCalls(t *testing.T) {
	tests := map[string]struct {
		opts     Options
		body     string
		wantCall bool
	}{
		"a request with tools gets a tool call under a tool-call parser": {
			opts: Options{ToolCallParser: "hermes"}, body: `{"messages":[],` + toolsJSON + `}`, wantCall: true,
		},
		"a request with tools gets the text without a tool-call parser": {
			body: `{"messages":[],` + toolsJSON + `}`,
		},
		"tool_choice none gets the text under a tool-call parser": {
			opts: Options{ToolCallParser: "hermes"}, body: `{"messages":[],` + toolsJSON + `,"tool_choice":"none"}`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, body := post(t, tc.opts, "/v1/chat/completions", tc.body)
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, body)
			}
			var got chatAnswer
			if err := json.Unmarshal(body, &got); err != nil || len(got.Choices) != 1 {
				t.Fatalf("answer %s: %v", body, err)
			}
			c := got.Choices[0]
			if called := len(c.Message.ToolCalls) > 0; called != tc.wantCall || (c.FinishReason == "tool_calls") != tc.wantCall {
				t.Errorf("tool calls %v, finish_reason %q; want a tool call: %v", c.Message.ToolCalls, c.FinishReason, tc.wantCall)
			}
		})
	}
}

func TestValidation(t *testing.T) {
	tests := map[string]struct {
		opts     Options
		body     string
		wantCode int
		want     string // in the body
	}{
		"a chat body whose messages is not a list gets SGLang's 400 in its flat shape": {
			body: `{"model":"m","messages":"hi"}`, wantCode: http.StatusBadRequest,
			want: `"object":"error","param":null,"type":"Bad Request"`,
		},
		"with FastAPIValidation the same body gets FastAPI's default 422": {
			opts: Options{FastAPIValidation: true},
			body: `{"model":"m","messages":"hi"}`, wantCode: http.StatusUnprocessableEntity,
			want: `{"detail":[{"type":"list_type","loc":["body","messages"],"msg":"Input should be a valid list","input":"hi"}]}`,
		},
		"a list of messages passes": {body: `{"messages":[]}`, wantCode: http.StatusOK, want: `"chat.completion"`},
		"absent messages pass (the proxy's tests send such bodies)": {
			opts: Options{FastAPIValidation: true}, body: `{"model":"m"}`, wantCode: http.StatusOK, want: `"chat.completion"`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, body := post(t, tc.opts, "/v1/chat/completions", tc.body)
			if code != tc.wantCode || !strings.Contains(string(body), tc.want) {
				t.Errorf("got %d %s, want %d with %s", code, body, tc.wantCode, tc.want)
			}
		})
	}
}
