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

// Package health decides whether the upstream SGLang server is ready, from a
// background loop of checks, so that the proxy can answer /health at once.
//
// SGLang's own /health runs a one-token generation and takes about a second,
// which races the one-second default timeout of Kubernetes probes. The proxy
// therefore never forwards /health: a Checker polls the upstream every
// interval and a Machine turns the results into a state, with haproxy's
// fall/rise hysteresis.
package health
