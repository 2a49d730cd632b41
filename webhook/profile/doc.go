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

// Package profile holds the built-in default SGLangProfile (MI300X) as
// embedded YAML, and reads profiles from files for the offline CLI: strict
// decoding (unknown or duplicate fields are errors), the CRD's defaults, and
// validation that mirrors the CRD's schema rules so a profile the API server
// would refuse is refused here with the same field paths. It also resolves
// which profile a pod gets (Set.Resolve: its annotation, else the selecting
// profile of highest priority, else "default", else none), for the
// webhook, `vllm-to-sglang rewrite` and `vllm-to-sglang check` alike.
package profile
