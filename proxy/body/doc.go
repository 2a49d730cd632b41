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

// Package body rewrites OpenAI request bodies that a vLLM client sends so
// that SGLang serves them the way vLLM would, and turns SGLang's error bodies
// into vLLM's error envelope.
//
// Everything here is pure: bytes in, bytes out, no I/O. The proxy calls
// [Rewrite] (or [RewriteContext], which stops when the request's context
// ends) on POST /v1/chat/completions and /v1/completions bodies, puts
// [HeaderValue] of the returned changes into the X-Vllm-To-Sglang-Modified
// response header, counts them by [Change.Kind] and [Change.Field], and
// passes upstream error bodies through [VLLMError].
//
// A body is read as SGLang reads it, with Python's json.loads (read.go):
// UTF-16 and UTF-32 bodies, NaN and Infinity are read, and of two members of
// the same name the last counts. A body that cannot be read so is refused
// ([BodyField]) rather than forwarded unfiltered. Every operation takes time
// linear in the size of the body.
//
// Bodies are edited in place at the byte level: members that need no change
// are copied verbatim (key order, spacing and number spelling survive), and a
// body that needs no change is returned as the very same slice.
package body
