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

// Package checktest runs `vllm-to-sglang check` against a real
// kube-apiserver (envtest, from bin/k8s): the chart installed with the
// Helm SDK in URL mode, the webhook serving in this process, nodes created
// as objects with amd.com/gpu in their status, and the vLLM production
// stack's Deployment in an opted-in namespace. A healthy set-up passes
// every check; each broken set-up fails exactly the check about it, with
// its hint, and the set-up passes again once repaired.
//
// Run it with make test-check (which builds the control plane into bin/k8s
// and sets KUBEBUILDER_ASSETS). Without the binaries it fails, never skips.
package checktest
