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

package rewrite

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/proxy"
)

// withToolParser makes the test pod serve with vLLM's tool calling and
// the named parser.
func withToolParser(parser string) func(*corev1.Pod) {
	return func(p *corev1.Pod) {
		c := vllmOf(p)
		c.Command = append(c.Command, "--enable-auto-tool-choice", "--tool-call-parser", parser)
	}
}

// stripArgs are the proxy's --strip-params flags.
func stripArgs(t *testing.T, pod *corev1.Pod) []string {
	t.Helper()
	var out []string
	for _, a := range proxyOf(t, pod).Args {
		if strings.HasPrefix(a, "--strip-params") {
			out = append(out, a)
		}
	}
	return out
}

func TestRewriteStripParams(t *testing.T) {
	tests := []struct {
		name    string
		pod     func(*corev1.Pod)
		profile func(*v1alpha1.SGLangProfileSpec)
		want    string // the one --strip-params flag
		noted   bool   // the report says logprobs are stripped
	}{{
		name:  "strips logprobs and top_logprobs when SGLang runs the mistral tool-call parser and the profile sets no list, and says so",
		pod:   withToolParser("mistral"),
		want:  "--strip-params=logprobs,top_logprobs",
		noted: true,
	}, {
		name: "strips nothing, spelled out as an empty list, when SGLang runs no tool-call parser, so clients keep logprobs",
		want: "--strip-params=",
	}, {
		name: "strips nothing when SGLang runs another tool-call parser",
		pod:  withToolParser("hermes"),
		want: "--strip-params=",
	}, {
		name: "goes by SGLang's parser, not vLLM's: a profile mapping hermes to mistral gets the strip list",
		pod:  withToolParser("hermes"),
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Args.ToolCallParsers = map[string]string{"hermes": "mistral"}
		},
		want:  "--strip-params=logprobs,top_logprobs",
		noted: true,
	}, {
		name:    "lets the profile's empty list win over the mistral parser: nothing is stripped",
		pod:     withToolParser("mistral"),
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.Proxy.StripParams = []string{} },
		want:    "--strip-params=",
	}, {
		name:    "lets the profile's list win when SGLang runs no tool-call parser, without a note (the operator chose it)",
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.Proxy.StripParams = []string{"logprobs"} },
		want:    "--strip-params=logprobs",
	}, {
		name:    "lets the profile's list win over the mistral parser's",
		pod:     withToolParser("mistral"),
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.Proxy.StripParams = []string{"top_logprobs", "guided_json"} },
		want:    "--strip-params=top_logprobs,guided_json",
	}}
	for _, tc := range tests {
		t.Run(tc.name, rewriteCase{pod: tc.pod, profile: tc.profile, check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			if diff := cmp.Diff([]string{tc.want}, stripArgs(t, pod)); diff != "" {
				t.Errorf("proxy --strip-params (-want +got):\n%s", diff)
			}
			if got := slices.Contains(r.Notes, stripNote); got != tc.noted {
				t.Errorf("report notes the stripped logprobs: %v, want %v (notes %q)", got, tc.noted, r.Notes)
			}
			if got := slices.ContainsFunc(r.Warnings(), func(w string) bool { return strings.Contains(w, "no logprobs") }); got != tc.noted {
				t.Errorf("a warning says clients get no logprobs: %v, want %v (warnings %q)", got, tc.noted, r.Warnings())
			}
		}}.run)
	}
}

func TestToolCallParser(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"reads --tool-call-parser VALUE":             {[]string{"--model-path", "m", "--tool-call-parser", "mistral"}, "mistral"},
		"reads --tool-call-parser=VALUE":             {[]string{"--tool-call-parser=mistral", "--port", "8001"}, "mistral"},
		"keeps the last one, as argparse does":       {[]string{"--tool-call-parser", "mistral", "--tool-call-parser=qwen25"}, "qwen25"},
		"is empty without the flag":                  {[]string{"--model-path", "mistral", "--port", "8001"}, ""},
		"is empty when the flag ends the argv":       {[]string{"--tool-call-parser"}, ""},
		"does not take a longer flag for the parser": {[]string{"--tool-call-parser-extra", "mistral"}, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := toolCallParser(tc.args); got != tc.want {
				t.Errorf("toolCallParser(%q) = %q, want %q", tc.args, got, tc.want)
			}
		})
	}
}

// The proxy's default --strip-params is the list it was made for, the
// mistral parser's; a proxy started without the flag behaves like one in
// a Mistral pod.
func TestMistralStripParamsAreTheProxyDefault(t *testing.T) {
	if diff := cmp.Diff(proxy.DefaultStripParams(), mistralStripParams()); diff != "" {
		t.Errorf("proxy default (-) and the rewrite's mistral list (+) differ:\n%s", diff)
	}
}
