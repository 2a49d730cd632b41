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

// Package podpatch writes the rewrite's changes to a pod back into the
// document the pod came from, as a JSON patch, without touching what the Go
// types do not know. It is the one place both front ends patch a pod: the
// admission webhook answers the API server with Create's patch, and
// `vllm-to-sglang rewrite -f` applies the same patch to the manifest's pod
// template with Apply, the library the API server applies it with. So the
// CLI prints the pod the API server stores through the webhook (once the
// API server has defaulted either), unknown fields included.
package podpatch
