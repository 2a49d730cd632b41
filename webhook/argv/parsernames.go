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

package argv

import (
	"fmt"
)

// Parser names differ between vLLM and SGLang. These maps hold vLLM name →
// SGLang names where the names differ and SGLang's parser reads the same
// output format, the first name the release has winning (SGLang renamed
// some); a vLLM name SGLang also has, for the same format (hermes, mistral,
// kimi_k2...), needs no entry. docs/sglang-releases.md gives the source of
// each entry and the releases that have it.
var (
	toolParsers = map[string][]string{
		"llama3_json":     {"llama3"},
		"llama4_json":     {"llama3"},
		"llama4_pythonic": {"pythonic"},
		"deepseek_v3":     {"deepseekv3"},
		"deepseek_v31":    {"deepseekv31"},
		"deepseek_v32":    {"deepseekv32"},
		"deepseek_v4":     {"deepseekv4"},
		"qwen3_xml":       {"qwen3_coder"},
		"openai":          {"gpt-oss"},
		"minimax_m2":      {"minimax-m2"},
		"minimax_m3":      {"minimax-m3"},
		"apertus":         {"apertus2509"},
	}
	reasoningParsers = map[string][]string{
		"deepseek_r1":             {"deepseek-r1"},
		"deepseek_v3":             {"deepseek-v3"},
		"deepseek_v4":             {"deepseek-v4"},
		"openai_gptoss":           {"gpt-oss"},
		"glm47":                   {"glm45"},
		"minimax_m2":              {"minimax"},
		"minimax_m2_append_think": {"minimax-append-think"},
		"minimax_m3":              {"minimax-m3"},
		// SGLang PR #19865 renamed nano_v3 (v0.5.9's name) to nemotron_3.
		"nemotron_v3": {"nemotron_3", "nano_v3"},
	}
)

// vLLM parsers whose output format no SGLang parser reads. A parser of
// another format would not crash: it would find nothing, and tool calls or
// reasoning would silently stay in the text. So these are dropped (unsafe),
// and a profile that rejects unsafe drops refuses the pod; a profile can
// still map them to a parser it knows fits.
var (
	toolParsersWithoutEquivalent = map[string]string{
		"olmo3":        "vLLM's olmo3 parser reads JSON calls one per line; SGLang's pythonic parser reads [f(a=...)] lists, and SGLang has no olmo3 parser",
		"hunyuan_a13b": "Hunyuan-A13B writes <tool_calls>[...]</tool_calls>; SGLang's hunyuan parser reads the Hunyuan 3 format",
	}
	reasoningParsersWithoutEquivalent = map[string]string{
		"hunyuan_a13b": "Hunyuan-A13B's <think>/<answer> format is not the Hunyuan 3 format SGLang's hunyuan parser reads",
		"granite":      "vLLM's granite parser reads Granite 3's \"Here's my thought process:\" text; SGLang's granite parser reads Granite 4's <think> tags",
	}
)

// parserTable is one of the two parser flags with its name maps.
type parserTable struct {
	flag, loss        string
	builtin           map[string][]string
	withoutEquivalent map[string]string
	profile           func(*Policy) map[string]string
}

var (
	toolParserTable = parserTable{flag: "--tool-call-parser",
		loss:    "tool calls will not be parsed: they stay in the message text",
		builtin: toolParsers, withoutEquivalent: toolParsersWithoutEquivalent,
		profile: func(p *Policy) map[string]string { return p.ToolCallParsers }}
	reasoningParserTable = parserTable{flag: "--reasoning-parser",
		loss:    "reasoning will not be parsed: it stays in the message content",
		builtin: reasoningParsers, withoutEquivalent: reasoningParsersWithoutEquivalent,
		profile: func(p *Policy) map[string]string { return p.ReasoningParsers }}
)

// parserName maps a vLLM parser name: the profile's map first, then a
// parser with no SGLang equivalent, then the built-in map, then the same
// name; the release must have the result. why says what fails.
func (t *translation) parserName(pt parserTable, name string) (to, why string) {
	candidates := []string{name}
	if to, ok := pt.profile(t.policy)[name]; ok {
		candidates = []string{to}
	} else if why, ok := pt.withoutEquivalent[name]; ok {
		return "", why + "; " + pt.loss
	} else if names, ok := pt.builtin[name]; ok {
		candidates = names
	}
	for _, c := range candidates {
		if t.accepts(pt.flag, c) {
			return c, ""
		}
	}
	return "", fmt.Sprintf("SGLang %s has no %s %q%s (map one in the profile); %s",
		t.cat.Version(), pt.flag, candidates[0], t.valueHistory(pt.flag, candidates[0]), pt.loss)
}

// parser translates --tool-call-parser or --reasoning-parser.
func (t *translation) parser(a Arg, pt parserTable) {
	if a.Opaque {
		t.approximatedTo(a, "the parser name is only known at run time; SGLang's names differ", emission{pt.flag, a.tokens()})
		return
	}
	to, why := t.parserName(pt, a.Value())
	switch {
	case why != "":
		t.dropped(a, true, why)
	case to == a.Value():
		t.emit(pt.flag, to)
	default:
		t.translatedTo(a, fmt.Sprintf("SGLang's parser for %s is %s", a.Value(), to), em(pt.flag, to))
	}
}
