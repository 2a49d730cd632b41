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

// Package integration proves the admission webhook against a real
// kube-apiserver and etcd (envtest): the webhook configuration is the one
// `make manifests` generates (config/webhook), the CRD the one in
// config/crd/bases, and the webhook runs in-process exactly as
// `vllm-to-sglang webhook` builds it (webhook.NewManager). One test, one
// behaviour a user would notice. The control plane, the webhook and the
// waits come from test/framework, which the other suites share.
//
// Run it with `make test-integration`, which builds the control plane
// (kube-apiserver, kube-controller-manager, etcd) into bin/k8s once and sets
// KUBEBUILDER_ASSETS. Without the binaries the suite fails; it never skips.
package integration
