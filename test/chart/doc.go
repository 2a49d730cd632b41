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

// Package charttest tests the Helm chart in charts/vllm-to-sglang with the
// Helm SDK: rendering as `helm template` does (no cluster), schema
// rejections, agreement with the generated config/ manifests and the
// built-in default profile, and real installs and upgrades against a
// kube-apiserver and etcd (envtest) with cert-manager's CRDs and its CA
// injector running in-process.
//
// The envtest tests need KUBEBUILDER_ASSETS (make test-chart sets it) and
// fail without it: they are the proof that the chart installs.
package charttest
