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

// Package launchtest runs the launcher for real: the script of a container
// the webhook routes through `vllm-to-sglang launch` (the KServe
// LLMInferenceService fixture) is executed by bash, with the real launcher
// binary and a stub python3 that records the SGLang command line it is
// given, so the test sees what SGLang would be started with.
package launchtest
