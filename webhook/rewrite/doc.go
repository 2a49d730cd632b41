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

// Package rewrite turns a pod (or pod template) that would run vLLM's
// OpenAI-compatible server on NVIDIA GPUs into one that runs SGLang's ROCm
// build behind the sglang-proxy sidecar, as an SGLangProfile says.
//
// Rewrite is pure: it edits the pod spec it is given in place, does no I/O
// and logs nothing. It returns a Report (rewritten or skipped with a bounded
// reason, plus every flag that was dropped or approximated) that callers turn
// into admission warnings, metrics labels and CLI messages, or a
// *RejectedError when the profile refuses what the pod asks for. A rewritten
// pod carries the vllm-to-sglang.io/status annotation, so rewriting it again
// changes nothing.
package rewrite
