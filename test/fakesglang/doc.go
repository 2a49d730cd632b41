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

// Package fakesglang is a small stand-in for an SGLang server, faithful where
// the proxy meets SGLang: a /health that takes about a second, an sglang:*
// /metrics exposition with SGLang's names and labels, OpenAI chat and text
// completions (plain and streamed as SSE), /v1/models, tokenize/detokenize,
// some admin endpoints, SGLang's flat error bodies, and two rejections the
// proxy works around: 422 on logprobs and 400 on array-shaped tool
// "properties".
//
// Validation: a chat body whose "messages" is not a list fails validation
// as in SGLang, answered as SGLang's RequestValidationError handler does
// (400, flat error, type "Bad Request") or, with Options.FastAPIValidation
// (FAKESGLANG_FASTAPI_VALIDATION=true for cmd/fakesglang), as FastAPI does
// by default (422 {"detail":[...]}), like SGLang releases without that
// handler.
//
// Tool calls: like SGLang (serving_chat.py), the fake answers a chat request
// with tools with a tool call only when it runs with a --tool-call-parser
// and tool_choice is not "none"; otherwise it answers with text.
//
// Logprobs: SGLang's Mistral tool-call parser was reported to answer 422
// to logprobs/top_logprobs, from an agent client whose chat requests carry
// tools; SGLang runs the tool-call parser only for a chat request
// with tools and a tool_choice other than "none". So the fake refuses them
// (either field present) only when it runs with --tool-call-parser mistral
// (Options.ToolCallParser) and the chat request will call a tool. Anywhere
// else it answers them as SGLang does, in OpenAI's shape: chat choices get
// logprobs.content entries (token, bytes, logprob, top_logprobs), one per
// generated token and one per streamed token event; completions get
// text_offset, token_logprobs, tokens and top_logprobs. The numbers are
// made up but well formed (the sampled token is the likeliest).
//
// Management endpoints, as SGLang's http_server.py answers them (manage.go):
// /load_lora_adapter and /unload_lora_adapter (200 or 400 with
// {"success","error_message","loaded_adapters"}, SGLang's messages for a
// duplicate or unknown adapter and for a server without --enable-lora;
// /v1/models lists loaded adapters with the model as parent), with
// --lora-paths as the initial adapters; the start-up check that refuses
// --enable-lora without --lora-paths unless --max-lora-rank and
// --lora-target-modules are both set; /release_memory_occupation and
// /resume_memory_occupation (200 null; without --enable-memory-saver a
// release is answered too, as SGLang's no-op memory saver does);
// /abort_request {"abort_all":true}, which ends streams in flight with
// finish_reason "abort"; /flush_cache (SGLang's text, 400 while requests
// run); /get_model_info. While memory is released /health fails (SGLang's
// runs a generation). Calls that would kill SGLang's scheduler (a release
// while a request runs, a resume of a tag not released, a generation
// without memory) answer 500 and are recorded as State.Crash.
//
// It records every request it receives but the background checks the
// proxy makes on its own (GET /health, /health_generate, /metrics and
// /get_model_info). Tests drive and inspect it through the methods of
// Server or, when it runs as a separate binary (cmd/fakesglang), through
// the /_fake/ control endpoints:
//
//	GET    /_fake/requests            requests received so far (JSON)
//	DELETE /_fake/requests            forget them (and the targets)
//	GET    /_fake/targets             every request's method and target as received, before routing
//	GET    /_fake/state               health checks in flight and held, active streams
//	POST   /_fake/health              {"status":503,"delay":"1s","hold":true}
//	POST   /_fake/health/release      let held health checks answer
//	POST   /_fake/gates/NAME?n=K      let K more events through gate NAME
//	POST   /_fake/close-idle          close idle keep-alive connections
//
// Per request, headers shape a streamed response: X-Fake-Gate: NAME holds
// every event after the first until the gate lets it through;
// X-Fake-Event-Delay: 5ms sets the pause between events; X-Fake-Events: N
// sets the number of content events; X-Fake-Die-After: N aborts the
// connection after N events, as a crashed server would; X-Fake-Timestamps: 1
// adds the send time (unix nanoseconds, field "x_sent_ns") to every chunk.
package fakesglang
