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

// The request field table: every vLLM-only request field of
// /v1/chat/completions and /v1/completions, with what the proxy does with it
// and why. Facts come from SGLang's protocol.py / serving_chat.py /
// sampling_params.py and vLLM's chat_completion/protocol.py (see
// docs/request-filters.md for sources). Fields both servers share pass
// untouched and are not listed.
//
// Ground rules:
//   - SGLang's request models ignore unknown fields, so a vLLM-only field
//     would otherwise be dropped silently. Each one is decided here.
//   - A member whose value is null or one of Unset (vLLM's default, which
//     asks for nothing) is left as sent: SGLang ignoring it changes nothing.
//   - Strip when the answer stays a correct answer (less detail, different
//     sampling, no speed-up); reject when the client asked for a guarantee
//     about the output that SGLang cannot give (a grammar, banned words).
//   - Every strip, rename and translation is reported as a Change.

// endpoint says which request bodies a rule applies to.
type endpoint uint8

const (
	epChat endpoint = 1 << iota
	epCompletions
	epBoth = epChat | epCompletions
)

// action is what a rule does with a field that is set.
type action uint8

const (
	actStrip     action = iota + 1 // remove it, report stripped
	actRename                      // same value under To, report renamed
	actTranslate                   // Xlate rewrites it, reports itself
	actReject                      // refuse the request with Reason
)

// fieldRule is one row of the table.
type fieldRule struct {
	Field  string
	On     endpoint
	Action action
	To     string   // actRename: SGLang's name
	Unset  []string // JSON values that mean "not set" in vLLM (null always does)
	Reason string   // why; becomes the change detail or the rejection message
	Xlate  xlate    // actTranslate: which translation
}

// xlate names a translation (translate.go). An enum rather than a func
// field keeps the rewriter on the stack: calls through a func value make
// the compiler assume their arguments escape.
type xlate uint8

const (
	xlateTopK xlate = iota + 1
	xlateIntoTemplateKwargs
	xlateGuidedJSON
	xlateGuidedRegex
	xlateGuidedChoice
	xlateGuidedGrammar
	xlateStructuredOutputs
)

var fieldTable = []fieldRule{
	// Sampling.
	{Field: "top_k", On: epBoth, Action: actTranslate, Xlate: xlateTopK,
		Reason: "vLLM's 0 means no top-k limit; SGLang rejects 0 and spells no limit -1"},
	{Field: "include_stop_str_in_output", On: epBoth, Action: actRename, To: "no_stop_trim", Unset: []string{"false"},
		Reason: "SGLang's no_stop_trim keeps the matched stop string in the output, as vLLM's field does"},
	{Field: "spaces_between_special_tokens", On: epChat, Action: actTranslate, Unset: []string{"true"}, Xlate: xlateIntoTemplateKwargs,
		Reason: "SGLang's chat endpoint reads spaces_between_special_tokens from chat_template_kwargs"},
	{Field: "spaces_between_special_tokens", On: epCompletions, Action: actStrip, Unset: []string{"true"},
		Reason: "SGLang's completions endpoint cannot set it; special tokens are detokenized with spaces"},
	{Field: "use_beam_search", On: epBoth, Action: actStrip, Unset: []string{"false"},
		Reason: "SGLang's OpenAI endpoints sample instead of running beam search"},
	{Field: "length_penalty", On: epBoth, Action: actStrip, Unset: []string{"1"},
		Reason: "only used by beam search, which SGLang's OpenAI endpoints do not run"},
	{Field: "watermarking", On: epBoth, Action: actStrip, Unset: []string{"false"},
		Reason: "SGLang has no output watermarking"},
	{Field: "truncate_prompt_tokens", On: epBoth, Action: actStrip,
		Reason: "SGLang cannot truncate a prompt per request; the whole prompt is used (too long a prompt is an error)"},
	{Field: "truncation_side", On: epBoth, Action: actStrip,
		Reason: "SGLang cannot truncate a prompt per request"},
	{Field: "thinking_token_budget", On: epChat, Action: actStrip,
		Reason: "SGLang has no per-request reasoning token budget; reasoning runs to its natural end or max tokens"},
	{Field: "repetition_detection", On: epBoth, Action: actStrip,
		Reason: "SGLang has no repetition detection; generation runs to a stop condition"},
	{Field: "stream_interval", On: epBoth, Action: actStrip,
		Reason: "SGLang's stream interval is a server flag only; chunks come at the server's pace"},
	{Field: "bad_words", On: epBoth, Action: actReject, Unset: []string{"[]"},
		Reason: "SGLang cannot ban words; without it the output may contain them"},
	{Field: "allowed_token_ids", On: epBoth, Action: actReject,
		Reason: "SGLang cannot restrict output to a token list; without it the output is unconstrained"},
	{Field: "logits_processors", On: epBoth, Action: actReject,
		Reason: "SGLang cannot run vLLM logits processors"},
	{Field: "vllm_xargs", On: epBoth, Action: actStrip,
		Reason: "extension arguments for vLLM plugins, which SGLang does not run"},

	// Logprobs and token ids.
	{Field: "prompt_logprobs", On: epBoth, Action: actStrip,
		Reason: "SGLang's OpenAI endpoints do not return prompt logprobs; the response has no prompt_logprobs"},
	{Field: "logprob_token_ids", On: epBoth, Action: actStrip,
		Reason: "SGLang cannot return logprobs for chosen token ids; top_logprobs still applies"},
	{Field: "return_tokens_as_token_ids", On: epBoth, Action: actStrip, Unset: []string{"false"},
		Reason: "SGLang cannot spell logprob tokens as token_id:N; tokens come as text"},
	{Field: "return_prompt_text", On: epChat, Action: actStrip, Unset: []string{"false"},
		Reason: "SGLang does not return the rendered prompt text"},
	{Field: "return_token_offsets", On: epBoth, Action: actStrip, Unset: []string{"false"},
		Reason: "only meaningful on vLLM's render endpoints"},
	{Field: "return_mm_kwargs", On: epBoth, Action: actStrip, Unset: []string{"true"},
		Reason: "only meaningful on vLLM's render endpoints"},
	{Field: "routed_experts_prompt_start", On: epBoth, Action: actStrip, Unset: []string{"0"},
		Reason: "SGLang returns routed experts only with its own return_routed_experts"},

	// Chat templating.
	{Field: "add_generation_prompt", On: epChat, Action: actStrip, Unset: []string{"true"},
		Reason: "SGLang always adds the generation prompt (unless continue_final_message)"},
	{Field: "echo", On: epChat, Action: actStrip, Unset: []string{"false"},
		Reason: "SGLang's chat endpoint cannot echo the last message"},
	{Field: "add_special_tokens", On: epChat, Action: actStrip, Unset: []string{"false"},
		Reason: "SGLang tokenizes the chat template output without extra special tokens"},
	{Field: "add_special_tokens", On: epCompletions, Action: actStrip, Unset: []string{"true"},
		Reason: "SGLang's completions endpoint always adds the tokenizer's special tokens"},
	{Field: "documents", On: epChat, Action: actTranslate, Xlate: xlateIntoTemplateKwargs,
		Reason: "vLLM hands documents to the chat template; SGLang does so through chat_template_kwargs"},
	{Field: "chat_template", On: epChat, Action: actStrip,
		Reason: "SGLang has no per-request chat template; the server's template renders the prompt"},
	{Field: "media_io_kwargs", On: epChat, Action: actStrip, Unset: []string{"{}"},
		Reason: "SGLang cannot take media loading options per request"},
	{Field: "mm_processor_kwargs", On: epBoth, Action: actStrip, Unset: []string{"{}"},
		Reason: "SGLang cannot take multimodal processor options per request"},
	{Field: "prompt_embeds", On: epCompletions, Action: actReject,
		Reason: "SGLang's completions endpoint does not accept prompt embeddings"},

	// Reasoning.
	{Field: "include_reasoning", On: epChat, Action: actStrip, Unset: []string{"true"},
		Reason: "SGLang cannot leave reasoning out; it still arrives in reasoning_content"},

	// Structured output (legacy guided_* fields and structured_outputs).
	{Field: "guided_json", On: epBoth, Action: actTranslate, Xlate: xlateGuidedJSON,
		Reason: "SGLang constrains JSON output through response_format json_schema"},
	{Field: "guided_regex", On: epBoth, Action: actTranslate, Xlate: xlateGuidedRegex,
		Reason: "SGLang's name for a regex constraint is regex"},
	{Field: "guided_choice", On: epBoth, Action: actTranslate, Xlate: xlateGuidedChoice,
		Reason: "SGLang expresses a choice as a regex alternation of the escaped choices"},
	{Field: "guided_grammar", On: epBoth, Action: actTranslate, Xlate: xlateGuidedGrammar,
		Reason: "SGLang takes EBNF (GBNF) grammars as ebnf"},
	{Field: "structured_outputs", On: epBoth, Action: actTranslate, Xlate: xlateStructuredOutputs,
		Reason: "SGLang spells each structured output constraint as its own field"},
	{Field: "guided_decoding_backend", On: epBoth, Action: actStrip,
		Reason: "SGLang chooses its grammar backend with a server flag"},
	{Field: "guided_whitespace_pattern", On: epBoth, Action: actStrip,
		Reason: "SGLang sets the JSON whitespace pattern with a server flag"},

	// Identity, sessions, disaggregation.
	{Field: "request_id", On: epBoth, Action: actRename, To: "rid",
		Reason: "SGLang's name for the caller's request id is rid"},
	{Field: "session_id", On: epBoth, Action: actStrip,
		Reason: "in SGLang session_id selects a stateful session the caller never opened; vLLM uses it as a label only"},
	{Field: "kv_transfer_params", On: epBoth, Action: actStrip,
		Reason: "vLLM disaggregated prefill parameters; SGLang serves the request whole"},
	{Field: "ec_transfer_params", On: epBoth, Action: actStrip,
		Reason: "vLLM encoder-cache transfer parameters; SGLang serves the request whole"},
}

// rulesByEndpoint indexes fieldTable by endpoint and field name.
var rulesByEndpoint = [...]map[string]*fieldRule{
	epChat:        indexRules(epChat),
	epCompletions: indexRules(epCompletions),
}

func indexRules(ep endpoint) map[string]*fieldRule {
	m := make(map[string]*fieldRule)
	for i := range fieldTable {
		r := &fieldTable[i]
		if r.On&ep == 0 {
			continue
		}
		if m[r.Field] != nil {
			panic("body: two rules for " + r.Field)
		}
		m[r.Field] = r
	}
	return m
}
