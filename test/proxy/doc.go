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

// Package proxy_test runs the real proxy binary against the real fake SGLang
// binary (both built with go build at the start of the suite) and checks
// the behaviour a pod relies on: health gating, streaming, cancellation,
// draining on SIGTERM, limits, /metrics through an SGLang outage, and a
// real OpenAI client (Node).
package proxy_test
