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

// Parser names differ between vLLM and SGLang. These maps hold vLLM name →
// SGLang name where the names differ or a parser of another name reads the
// same format; a vLLM name SGLang also has (hermes, mistral, kimi_k2...)
// needs no entry. docs/flag-translation.md says which entries are verified.
var (
	toolParsers = map[string]string{
		"llama3_json":     "llama3",
		"llama4_json":     "llama3",
		"llama4_pythonic": "pythonic",
		"olmo3":           "pythonic",
		"deepseek_v3":     "deepseekv3",
		"deepseek_v31":    "deepseekv31",
		"deepseek_v32":    "deepseekv32",
		"deepseek_v4":     "deepseekv4",
		"qwen3_xml":       "qwen3_coder",
		"openai":          "gpt-oss",
		"minimax_m2":      "minimax-m2",
		"minimax_m3":      "minimax-m3",
		"hunyuan_a13b":    "hunyuan",
		"apertus":         "apertus2509",
	}
	reasoningParsers = map[string]string{
		"deepseek_r1":             "deepseek-r1",
		"deepseek_v3":             "deepseek-v3",
		"deepseek_v4":             "deepseek-v4",
		"openai_gptoss":           "gpt-oss",
		"glm47":                   "glm45",
		"minimax_m2":              "minimax",
		"minimax_m2_append_think": "minimax-append-think",
		"minimax_m3":              "minimax-m3",
		"nemotron_v3":             "nemotron_3",
		"hunyuan_a13b":            "hunyuan",
		"granite":                 "granite_thinking_parser",
	}
)

// mapParser maps a vLLM parser name: the profile's map first, then the
// built-in one, then the same name when SGLang has it. ok is false when
// SGLang has no parser for the name.
func mapParser(name string, profile, builtin map[string]string, sglangFlag string) (string, bool) {
	spec, _ := SGLangFlag(sglangFlag)
	for _, m := range []map[string]string{profile, builtin} {
		if to, found := m[name]; found {
			return to, true
		}
	}
	if spec.Accepts(name) {
		return name, true
	}
	return "", false
}
