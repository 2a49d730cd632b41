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

// Package sglang knows what SGLang's server accepts, release by release.
//
// Each supported SGLang release has a catalog of the flags of
// `python3 -m sglang.launch_server`: their spellings, whether they take
// values, and the values of those with argparse choices (load formats,
// quantization methods, attention backends, parser names...). The catalogs
// are data, embedded from data/<release>.tsv, each with its provenance in
// its header; adding a release is adding a file (docs/sglang-releases.md
// says how). Resolve picks the catalog for an SGLangProfile: its
// spec.sglangVersion, else the release in its image tag, else the oldest
// supported release, never a newer one than the image may run. Catalog.Validate
// checks server arguments the way SGLang's argparse would, so nothing this
// project emits makes SGLang exit at start.
//
// The package is pure: no I/O beyond the embedded files, no Kubernetes.
package sglang
