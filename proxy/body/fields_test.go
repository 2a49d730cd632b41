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

// fieldCases hold at least one case for every row of fieldTable, on every
// endpoint the row applies to (TestFieldTableIsCovered checks that).
var fieldCases = map[string]rewriteCase{
	// top_k
	"translates top_k 0, vLLM's no-limit, to SGLang's -1": {
		path: chat, in: `{"top_k":0}`, out: `{"top_k":-1}`, changes: []string{"translated=top_k"},
	},
	"translates top_k 0 on completions too": {
		path: completions, in: `{"prompt":"p","top_k":0.0}`, out: `{"prompt":"p","top_k":-1}`, changes: []string{"translated=top_k"},
	},
	"leaves a positive top_k alone": {path: chat, in: `{"top_k":40}`},
	"leaves top_k -1 alone":         {path: chat, in: `{"top_k":-1}`},

	// include_stop_str_in_output
	"renames include_stop_str_in_output to no_stop_trim": {
		path: chat, in: `{"include_stop_str_in_output":true,"n":1}`, out: `{"no_stop_trim":true,"n":1}`,
		changes: []string{"renamed=include_stop_str_in_output"},
	},
	"renames include_stop_str_in_output on completions too": {
		path: completions, in: `{"include_stop_str_in_output":true}`, out: `{"no_stop_trim":true}`,
		changes: []string{"renamed=include_stop_str_in_output"},
	},
	"leaves include_stop_str_in_output false alone, as SGLang's default matches": {
		path: chat, in: `{"include_stop_str_in_output":false}`,
	},
	"lets the vLLM field win over a no_stop_trim the client also sent": {
		path: chat, in: `{"no_stop_trim":false,"include_stop_str_in_output":true}`, out: `{"no_stop_trim":true}`,
		changes: []string{"renamed=include_stop_str_in_output", "stripped=no_stop_trim"},
	},

	// spaces_between_special_tokens
	"moves spaces_between_special_tokens false into a new chat_template_kwargs": {
		path: chat, in: `{"model":"m","spaces_between_special_tokens":false}`,
		out:     `{"model":"m","chat_template_kwargs":{"spaces_between_special_tokens":false}}`,
		changes: []string{"translated=spaces_between_special_tokens"},
	},
	"merges spaces_between_special_tokens into the client's chat_template_kwargs": {
		path: chat, in: `{"spaces_between_special_tokens":false, "chat_template_kwargs": {"enable_thinking": true}}`,
		out:     `{"chat_template_kwargs": {"enable_thinking": true, "spaces_between_special_tokens": false}}`,
		changes: []string{"translated=spaces_between_special_tokens"},
	},
	"fills a null chat_template_kwargs": {
		path: chat, in: `{"chat_template_kwargs":null,"spaces_between_special_tokens":false}`,
		out:     `{"chat_template_kwargs":{"spaces_between_special_tokens":false}}`,
		changes: []string{"translated=spaces_between_special_tokens"},
	},
	"keeps the client's chat_template_kwargs value when it already sets the key": {
		path: chat, in: `{"chat_template_kwargs":{"spaces_between_special_tokens":true},"spaces_between_special_tokens":false}`,
		out:     `{"chat_template_kwargs":{"spaces_between_special_tokens":true}}`,
		changes: []string{"stripped=spaces_between_special_tokens"},
	},
	"leaves spaces_between_special_tokens true alone": {
		path: chat, in: `{"spaces_between_special_tokens":true}`,
	},
	"leaves both fields alone when chat_template_kwargs is malformed (SGLang refuses it)": {
		path: chat, in: `{"chat_template_kwargs":"x","spaces_between_special_tokens":false}`,
	},
	"strips spaces_between_special_tokens false on completions, which cannot set it": {
		path: completions, in: `{"prompt":"p","spaces_between_special_tokens":false}`, out: `{"prompt":"p"}`,
		changes: []string{"stripped=spaces_between_special_tokens"},
	},

	// Sampling fields SGLang lacks.
	"strips use_beam_search true": {
		path: chat, in: `{"use_beam_search":true}`, out: `{}`, changes: []string{"stripped=use_beam_search"},
	},
	"strips use_beam_search on completions too": {
		path: completions, in: `{"use_beam_search":true}`, out: `{}`, changes: []string{"stripped=use_beam_search"},
	},
	"leaves use_beam_search false alone": {path: chat, in: `{"use_beam_search":false}`},
	"strips a length_penalty other than 1": {
		path: chat, in: `{"length_penalty":0.5}`, out: `{}`, changes: []string{"stripped=length_penalty"},
	},
	"leaves length_penalty 1.0 alone": {path: completions, in: `{"length_penalty":1.0}`},
	"strips watermarking true": {
		path: completions, in: `{"watermarking":true}`, out: `{}`, changes: []string{"stripped=watermarking"},
	},
	"strips truncate_prompt_tokens": {
		path: chat, in: `{"truncate_prompt_tokens":512}`, out: `{}`, changes: []string{"stripped=truncate_prompt_tokens"},
	},
	"strips truncate_prompt_tokens and truncation_side on completions": {
		path: completions, in: `{"truncate_prompt_tokens":512,"truncation_side":"left"}`, out: `{}`,
		changes: []string{"stripped=truncate_prompt_tokens", "stripped=truncation_side"},
	},
	"strips thinking_token_budget": {
		path: chat, in: `{"thinking_token_budget":256}`, out: `{}`, changes: []string{"stripped=thinking_token_budget"},
	},
	"strips repetition_detection": {
		path: chat, in: `{"repetition_detection":{"max_pattern_size":4}}`, out: `{}`, changes: []string{"stripped=repetition_detection"},
	},
	"strips a per-request stream_interval": {
		path: completions, in: `{"stream_interval":4}`, out: `{}`, changes: []string{"stripped=stream_interval"},
	},
	"rejects bad_words, which SGLang cannot enforce": {
		path: chat, in: `{"bad_words":["darn"]}`, reject: "bad_words",
	},
	"rejects bad_words on completions too": {
		path: completions, in: `{"bad_words":["darn"]}`, reject: "bad_words",
	},
	"leaves an empty bad_words list alone": {path: chat, in: `{"bad_words":[ ]}`},
	"rejects allowed_token_ids, which SGLang cannot enforce": {
		path: chat, in: `{"allowed_token_ids":[1,2]}`, reject: "allowed_token_ids",
	},
	"rejects allowed_token_ids on completions too": {
		path: completions, in: `{"allowed_token_ids":[1,2]}`, reject: "allowed_token_ids",
	},
	"rejects logits_processors": {
		path: completions, in: `{"logits_processors":["mod.Proc"]}`, reject: "logits_processors",
	},
	"rejects logits_processors on chat too": {
		path: chat, in: `{"logits_processors":["mod.Proc"]}`, reject: "logits_processors",
	},
	"strips vllm_xargs": {
		path: chat, in: `{"vllm_xargs":{"k":1}}`, out: `{}`, changes: []string{"stripped=vllm_xargs"},
	},

	// Logprobs and token ids.
	"strips prompt_logprobs": {
		path: completions, in: `{"prompt_logprobs":1}`, out: `{}`, changes: []string{"stripped=prompt_logprobs"},
	},
	"strips prompt_logprobs on chat": {
		path: chat, in: `{"prompt_logprobs":0}`, out: `{}`, changes: []string{"stripped=prompt_logprobs"},
	},
	"strips logprob_token_ids": {
		path: chat, in: `{"logprob_token_ids":[7]}`, out: `{}`, changes: []string{"stripped=logprob_token_ids"},
	},
	"strips return_tokens_as_token_ids true": {
		path: completions, in: `{"return_tokens_as_token_ids":true}`, out: `{}`, changes: []string{"stripped=return_tokens_as_token_ids"},
	},
	"strips return_prompt_text true": {
		path: chat, in: `{"return_prompt_text":true}`, out: `{}`, changes: []string{"stripped=return_prompt_text"},
	},
	"strips return_token_offsets true": {
		path: chat, in: `{"return_token_offsets":true}`, out: `{}`, changes: []string{"stripped=return_token_offsets"},
	},
	"strips return_mm_kwargs false": {
		path: chat, in: `{"return_mm_kwargs":false}`, out: `{}`, changes: []string{"stripped=return_mm_kwargs"},
	},
	"strips routed_experts_prompt_start other than 0": {
		path: chat, in: `{"routed_experts_prompt_start":3}`, out: `{}`, changes: []string{"stripped=routed_experts_prompt_start"},
	},
	"strips the other vLLM-only fields on completions": {
		path: completions,
		in:   `{"length_penalty":2,"repetition_detection":{},"vllm_xargs":{"a":"b"},"logprob_token_ids":[1],"return_token_offsets":true,"return_mm_kwargs":false,"routed_experts_prompt_start":1,"guided_decoding_backend":"outlines","kv_transfer_params":{}}`,
		out:  `{}`,
		changes: []string{"stripped=length_penalty", "stripped=repetition_detection", "stripped=vllm_xargs",
			"stripped=logprob_token_ids", "stripped=return_token_offsets", "stripped=return_mm_kwargs",
			"stripped=routed_experts_prompt_start", "stripped=guided_decoding_backend", "stripped=kv_transfer_params"},
	},
	"strips the other vLLM-only fields on chat": {
		path: chat,
		in:   `{"watermarking":true,"truncation_side":"right","stream_interval":2,"return_tokens_as_token_ids":true,"guided_whitespace_pattern":"","ec_transfer_params":{}}`,
		out:  `{}`,
		changes: []string{"stripped=watermarking", "stripped=truncation_side", "stripped=stream_interval",
			"stripped=return_tokens_as_token_ids", "stripped=guided_whitespace_pattern", "stripped=ec_transfer_params"},
	},
	"passes return_token_ids, which SGLang has": {path: chat, in: `{"return_token_ids":true}`},

	// Chat templating.
	"strips add_generation_prompt false": {
		path: chat, in: `{"add_generation_prompt":false}`, out: `{}`, changes: []string{"stripped=add_generation_prompt"},
	},
	"leaves add_generation_prompt true alone": {path: chat, in: `{"add_generation_prompt":true}`},
	"strips echo on chat": {
		path: chat, in: `{"echo":true}`, out: `{}`, changes: []string{"stripped=echo"},
	},
	"passes echo on completions, which SGLang supports": {path: completions, in: `{"echo":true}`},
	"strips add_special_tokens true on chat": {
		path: chat, in: `{"add_special_tokens":true}`, out: `{}`, changes: []string{"stripped=add_special_tokens"},
	},
	"strips add_special_tokens false on completions": {
		path: completions, in: `{"add_special_tokens":false}`, out: `{}`, changes: []string{"stripped=add_special_tokens"},
	},
	"leaves add_special_tokens true alone on completions": {path: completions, in: `{"add_special_tokens":true}`},
	"moves documents into chat_template_kwargs": {
		path: chat, in: `{"documents":[{"title":"t","text":"x"}],"model":"m"}`,
		out:     `{"chat_template_kwargs":{"documents":[{"title":"t","text":"x"}]},"model":"m"}`,
		changes: []string{"translated=documents"},
	},
	"moves documents and spaces_between_special_tokens into one chat_template_kwargs": {
		path: chat, in: `{"documents":[],"spaces_between_special_tokens":false}`,
		out:     `{"chat_template_kwargs":{"documents":[],"spaces_between_special_tokens":false}}`,
		changes: []string{"translated=documents", "translated=spaces_between_special_tokens"},
	},
	"strips a per-request chat_template": {
		path: chat, in: `{"chat_template":"{{ messages }}"}`, out: `{}`, changes: []string{"stripped=chat_template"},
	},
	"strips media_io_kwargs": {
		path: chat, in: `{"media_io_kwargs":{"video":{"num_frames":8}}}`, out: `{}`, changes: []string{"stripped=media_io_kwargs"},
	},
	"leaves an empty media_io_kwargs alone": {path: chat, in: `{"media_io_kwargs":{}}`},
	"strips mm_processor_kwargs": {
		path: chat, in: `{"mm_processor_kwargs":{"fps":2}}`, out: `{}`, changes: []string{"stripped=mm_processor_kwargs"},
	},
	"strips mm_processor_kwargs on completions": {
		path: completions, in: `{"mm_processor_kwargs":{"fps":2}}`, out: `{}`, changes: []string{"stripped=mm_processor_kwargs"},
	},
	"rejects prompt_embeds": {
		path: completions, in: `{"prompt_embeds":"AAAA"}`, reject: "prompt_embeds",
	},
	"strips include_reasoning false": {
		path: chat, in: `{"include_reasoning":false}`, out: `{}`, changes: []string{"stripped=include_reasoning"},
	},
	"passes chat_template_kwargs, which SGLang supports (vultr/vllm-to-sglang stripped it)": {
		path: chat, in: `{"chat_template_kwargs":{"enable_thinking":false}}`,
	},

	// Structured output.
	"translates guided_json into response_format json_schema, keeping the schema's bytes": {
		path: chat, in: `{"guided_json":{"type":"object", "properties":{"a":{"type":"number"}}}}`,
		out:     `{"response_format":{"type":"json_schema","json_schema":{"name":"guided_json","schema":{"type":"object", "properties":{"a":{"type":"number"}}}}}}`,
		changes: []string{"translated=guided_json"},
	},
	"translates a guided_json given as a string": {
		path: completions, in: `{"guided_json":"{\"type\":\"object\"}"}`,
		out:     `{"response_format":{"type":"json_schema","json_schema":{"name":"guided_json","schema":{"type":"object"}}}}`,
		changes: []string{"translated=guided_json"},
	},
	"rejects a guided_json string that holds no JSON object": {
		path: chat, in: `{"guided_json":"not json"}`, reject: "guided_json",
	},
	"rejects a guided_json that is neither object nor string": {
		path: chat, in: `{"guided_json":3}`, reject: "guided_json",
	},
	"renames guided_regex to regex": {
		path: chat, in: `{"guided_regex":"[0-9]+"}`, out: `{"regex":"[0-9]+"}`, changes: []string{"renamed=guided_regex"},
	},
	"renames guided_regex on completions too": {
		path: completions, in: `{"guided_regex":"a"}`, out: `{"regex":"a"}`, changes: []string{"renamed=guided_regex"},
	},
	"rejects a guided_regex that is not a string": {
		path: chat, in: `{"guided_regex":["a"]}`, reject: "guided_regex",
	},
	"translates guided_choice into an alternation of escaped choices": {
		path: chat, in: `{"guided_choice":["yes","no (1.5)"]}`, out: `{"regex":"(yes|no \\(1\\.5\\))"}`,
		changes: []string{"translated=guided_choice"},
	},
	"translates guided_choice on completions too": {
		path: completions, in: `{"guided_choice":["a"]}`, out: `{"regex":"(a)"}`, changes: []string{"translated=guided_choice"},
	},
	"rejects an empty guided_choice": {
		path: chat, in: `{"guided_choice":[]}`, reject: "guided_choice",
	},
	"renames an EBNF guided_grammar to ebnf": {
		path: chat, in: `{"guided_grammar":"root ::= \"a\" | \"b\""}`, out: `{"ebnf":"root ::= \"a\" | \"b\""}`,
		changes: []string{"renamed=guided_grammar"},
	},
	"rejects a Lark guided_grammar, which SGLang cannot read": {
		path: completions, in: `{"guided_grammar":"start: \"a\""}`, reject: "guided_grammar",
	},
	"translates structured_outputs.json": {
		path: chat, in: `{"structured_outputs":{"json":{"type":"object"},"disable_any_whitespace":false}}`,
		out:     `{"response_format":{"type":"json_schema","json_schema":{"name":"structured_outputs.json","schema":{"type":"object"}}}}`,
		changes: []string{"translated=structured_outputs"},
	},
	"translates structured_outputs.regex": {
		path: completions, in: `{"structured_outputs":{"regex":"a+"}}`, out: `{"regex":"a+"}`,
		changes: []string{"translated=structured_outputs"},
	},
	"translates structured_outputs.choice": {
		path: chat, in: `{"structured_outputs":{"choice":["x","y"]}}`, out: `{"regex":"(x|y)"}`,
		changes: []string{"translated=structured_outputs"},
	},
	"translates structured_outputs.grammar": {
		path: chat, in: `{"structured_outputs":{"grammar":"root ::= \"a\""}}`, out: `{"ebnf":"root ::= \"a\""}`,
		changes: []string{"translated=structured_outputs"},
	},
	"translates structured_outputs.json_object": {
		path: chat, in: `{"structured_outputs":{"json_object":true}}`, out: `{"response_format":{"type":"json_object"}}`,
		changes: []string{"translated=structured_outputs"},
	},
	"translates structured_outputs.structural_tag": {
		path: chat, in: `{"structured_outputs":{"structural_tag":"{\"type\":\"structural_tag\",\"structures\":[],\"triggers\":[]}"}}`,
		out:     `{"response_format":{"type":"structural_tag","structures":[],"triggers":[]}}`,
		changes: []string{"translated=structured_outputs"},
	},
	"rejects a structural_tag without its type": {
		path: chat, in: `{"structured_outputs":{"structural_tag":{"structures":[]}}}`, reject: "structured_outputs.structural_tag",
	},
	"strips structured_outputs that set only options": {
		path: chat, in: `{"structured_outputs":{"whitespace_pattern":" ?"}}`, out: `{}`,
		changes: []string{"stripped=structured_outputs"},
	},
	"leaves structured_outputs that set nothing alone": {
		path: chat, in: `{"structured_outputs":{"json":null,"disable_fallback":false}}`,
	},
	"rejects structured_outputs with two constraints, as vLLM does": {
		path: chat, in: `{"structured_outputs":{"regex":"a","choice":["a"]}}`, reject: "structured_outputs",
	},
	"rejects structured_outputs that is not an object": {
		path: completions, in: `{"structured_outputs":"json"}`, reject: "structured_outputs",
	},
	"rejects a guided field combined with response_format": {
		path: chat, in: `{"response_format":{"type":"json_object"},"guided_json":{}}`, reject: "guided_json",
	},
	"rejects two guided fields at once": {
		path: chat, in: `{"guided_regex":"a","guided_choice":["a"]}`, reject: "guided_regex",
	},
	"allows a guided field next to a text response_format": {
		path: chat, in: `{"response_format":{"type":"text"},"guided_regex":"a"}`, out: `{"response_format":{"type":"text"},"regex":"a"}`,
		changes: []string{"renamed=guided_regex"},
	},
	"strips guided_decoding_backend": {
		path: chat, in: `{"guided_decoding_backend":"xgrammar"}`, out: `{}`, changes: []string{"stripped=guided_decoding_backend"},
	},
	"strips guided_whitespace_pattern": {
		path: completions, in: `{"guided_whitespace_pattern":" "}`, out: `{}`, changes: []string{"stripped=guided_whitespace_pattern"},
	},
	"lets the strip list win over a translation": {
		path: chat, opts: &Options{StripParams: []string{"guided_json"}}, in: `{"guided_json":{}}`, out: `{}`,
		changes: []string{"stripped=guided_json"},
	},

	// Identity, sessions, disaggregation.
	"renames request_id to rid": {
		path: chat, in: `{"request_id":"abc"}`, out: `{"rid":"abc"}`, changes: []string{"renamed=request_id"},
	},
	"renames request_id on completions, replacing a rid the client also sent": {
		path: completions, in: `{"rid":"x","request_id":"abc"}`, out: `{"rid":"abc"}`,
		changes: []string{"renamed=request_id", "stripped=rid"},
	},
	"strips session_id, a stateful session in SGLang": {
		path: chat, in: `{"session_id":"s1"}`, out: `{}`, changes: []string{"stripped=session_id"},
	},
	"strips session_id on completions too": {
		path: completions, in: `{"session_id":"s1"}`, out: `{}`, changes: []string{"stripped=session_id"},
	},
	"strips kv_transfer_params": {
		path: chat, in: `{"kv_transfer_params":{"do_remote_decode":true}}`, out: `{}`, changes: []string{"stripped=kv_transfer_params"},
	},
	"strips ec_transfer_params": {
		path: completions, in: `{"ec_transfer_params":{"x":1}}`, out: `{}`, changes: []string{"stripped=ec_transfer_params"},
	},
	"passes priority unchanged (same meaning with --schedule-low-priority-values-first)": {
		path: chat, in: `{"priority":-5}`,
	},
	"leaves every vLLM-only field alone when it is null": {
		path: chat, in: `{"guided_json":null,"session_id":null,"bad_words":null,"documents":null}`,
	},
}

func TestFieldTable(t *testing.T) {
	runRewriteCases(t, fieldCases)
}

// TestFieldTableIsCovered fails when a row of fieldTable has no case in
// fieldCases that exercises it on each endpoint the row applies to.
func TestFieldTableIsCovered(t *testing.T) {
	for _, rule := range fieldTable {
		for _, ep := range []endpoint{epChat, epCompletions} {
			if rule.On&ep == 0 {
				continue
			}
			if !covered(rule.Field, ep) {
				t.Errorf("no case exercises %s on %s", rule.Field, pathOf(ep))
			}
		}
	}
}

func covered(field string, ep endpoint) bool {
	for _, tc := range fieldCases {
		if endpointOf(tc.path) != ep {
			continue
		}
		if tc.reject == field || strings.HasPrefix(tc.reject, field+".") {
			return true
		}
		for _, c := range tc.changes {
			if strings.HasSuffix(c, "="+field) {
				return true
			}
		}
	}
	return false
}

func pathOf(ep endpoint) string {
	if ep == epChat {
		return chat
	}
	return completions
}
