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

// Package webhook is the admission side of vllm-to-sglang: a
// controller-runtime manager whose webhook server rewrites vLLM pods into
// SGLang pods on CREATE.
//
// The package is plumbing only. The pod transform itself is pure and lives in
// webhook/rewrite (with the argv translator in webhook/argv); this package
// resolves the pod's SGLangProfile (webhook/profile's Set, from the
// informer caches of profiles and namespaces), calls the rewrite, answers
// with the JSON patch of webhook/podpatch (the one `vllm-to-sglang rewrite
// -f` applies to manifests too), admission warnings, a denial or nothing,
// and counts what happened. In audit mode (AuditPodPath, or a pod labelled
// audit) it answers with the pod unchanged but for the audit record. It
// also serves the SGLangProfile validator. Options holds every setting of
// the `vllm-to-sglang webhook` subcommand, with its default named once.
package webhook
