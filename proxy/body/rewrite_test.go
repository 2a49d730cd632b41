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
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	chat        = ChatCompletionsPath
	completions = CompletionsPath
)

// defaults are the proxy's default options (--strip-params, --fix-tool-schemas).
var defaults = Options{StripParams: []string{"logprobs", "top_logprobs"}, FixToolSchemas: true}

type rewriteCase struct {
	path    string
	opts    *Options // nil: defaults
	in      string
	out     string   // expected body; "" means the input comes back unchanged
	changes []string // expected change tokens, in order
	reject  string   // expected RejectError.Field; the body must come back unchanged
}

func runRewriteCases(t *testing.T, cases map[string]rewriteCase) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o := defaults
			if tc.opts != nil {
				o = *tc.opts
			}
			out, changes, err := Rewrite(tc.path, []byte(tc.in), o)
			if tc.reject != "" {
				var re *RejectError
				if !errors.As(err, &re) || re.Field != tc.reject {
					t.Fatalf("want a rejection of %s, got err=%.300v", tc.reject, err)
				}
			} else if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			want := tc.out
			if want == "" {
				want = tc.in
			}
			if diff := cmp.Diff(want, string(out)); diff != "" {
				t.Errorf("body (-want +got):\n%.2000s", diff)
			}
			if diff := cmp.Diff(tc.changes, tokens(changes)); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			for _, c := range changes {
				if c.Detail == "" {
					t.Errorf("change %s has no detail", c)
				}
			}
		})
	}
}

func tokens(cs []Change) []string {
	var ts []string
	for _, c := range cs {
		ts = append(ts, c.String())
	}
	return ts
}

func TestRewriteGeneral(t *testing.T) {
	runRewriteCases(t, generalCases)
}

var generalCases = map[string]rewriteCase{
	"returns a body that needs no change as it came": {
		path: chat, in: `{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0.7}`,
	},
	"strips the configured params from a chat request": {
		path: chat, in: `{"model":"m","logprobs":true,"top_logprobs":5,"messages":[]}`,
		out:     `{"model":"m","messages":[]}`,
		changes: []string{"stripped=logprobs", "stripped=top_logprobs"},
	},
	"keeps the configured params in a completions request, whose logprobs scoring relies on": {
		path: completions, in: `{"model":"m","prompt":"p","logprobs":3,"echo":true}`,
	},
	"strips nothing when the strip list is empty": {
		path: chat, opts: &Options{}, in: `{"model":"m","logprobs":true,"top_logprobs":5}`,
	},
	"strips only top-level fields, not nested ones of the same name": {
		path: chat, in: `{"model":"m","metadata":{"logprobs":true}}`,
	},
	"strips every copy of a field the client sent twice, reporting the one that counts": {
		path: chat, in: `{"logprobs":true,"model":"m","logprobs":false}`,
		out:     `{"model":"m"}`,
		changes: []string{"stripped=logprobs"},
	},
	"recognises a field whose name is spelled with escapes": {
		path: chat, in: `{"model":"m","log\u0070robs":true}`,
		out:     `{"model":"m"}`,
		changes: []string{"stripped=logprobs"},
	},
	"keeps the spacing, line breaks and number spelling of the members it keeps": {
		path: chat, in: "{\n  \"model\": \"m\",\n  \"logprobs\": true,\n  \"temperature\": 1.0e0,\n  \"max_tokens\": 100\n}\n",
		out:     "{\n  \"model\": \"m\",\n  \"temperature\": 1.0e0,\n  \"max_tokens\": 100\n}\n",
		changes: []string{"stripped=logprobs"},
	},
	"removes the last member without leaving a comma behind": {
		path: chat, in: `{"model":"m" , "logprobs":true }`,
		out:     `{"model":"m" }`,
		changes: []string{"stripped=logprobs"},
	},
	"can empty the object entirely": {
		path: chat, in: `{ "logprobs":true, "top_logprobs":2 }`,
		out:     `{  }`,
		changes: []string{"stripped=logprobs", "stripped=top_logprobs"},
	},
	"leaves bodies of other paths alone": {
		path: "/v1/embeddings", in: `{"input":"x","logprobs":true}`,
	},
	"treats a trailing slash as the same path": {
		path: chat + "/", in: `{"logprobs":true}`, out: `{}`,
		changes: []string{"stripped=logprobs"},
	},
	"refuses a body that is not JSON": {
		path: chat, in: `{"logprobs":true,`, reject: BodyField,
	},
	"refuses invalid JSON whose fields would be filtered": {
		path: chat, in: `{"logprobs":true,"x":tru}`, reject: BodyField,
	},
	"forwards JSON that SGLang refuses itself untouched when nothing in it needs filtering": {
		path: chat, in: `{"model":"m","x":tru}`,
	},
	"refuses a JSON array": {
		path: chat, in: `[{"logprobs":true}]`, reject: BodyField,
	},
	"refuses a JSON string": {
		path: chat, in: `"logprobs"`, reject: BodyField,
	},
	"forwards an empty body untouched": {
		path: chat, in: ``,
	},
	"refuses a body of whitespace": {
		path: chat, in: " \n", reject: BodyField,
	},
	"refuses trailing garbage after the object": {
		path: chat, in: `{"logprobs":true} x`, reject: BodyField,
	},
	"refuses a body that is invalid before it rejects a field": {
		path: chat, in: `{"bad_words":["x"],"a":}`, reject: BodyField,
	},
	"keeps the whitespace around the object": {
		path: chat, in: " \n{\"logprobs\":true}\n ", out: " \n{}\n ",
		changes: []string{"stripped=logprobs"},
	},
}

func TestChangeString(t *testing.T) {
	cases := map[string]struct {
		c    Change
		want string
	}{
		"is kind=field": {
			c: Change{Kind: KindStripped, Field: "logprobs"}, want: "stripped=logprobs",
		},
		"replaces characters a header list cannot hold": {
			c: Change{Kind: KindStripped, Field: "a,b c\"d"}, want: "stripped=a_b_c_d",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := tc.c.String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHeaderValue(t *testing.T) {
	cases := map[string]struct {
		changes []Change
		want    string
	}{
		"is empty for no changes": {want: ""},
		"lists each token once, in first-seen order": {
			changes: []Change{
				{Kind: KindRepaired, Field: "properties"},
				{Kind: KindStripped, Field: "logprobs"},
				{Kind: KindRepaired, Field: "properties"},
			},
			want: "repaired=properties, stripped=logprobs",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := HeaderValue(tc.changes); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRejectErrorMessage(t *testing.T) {
	_, _, err := Rewrite(chat, []byte(`{"bad_words":["x"]}`), defaults)
	if err == nil || !strings.HasPrefix(err.Error(), "bad_words: ") {
		t.Fatalf("want an error naming bad_words, got %v", err)
	}
}
