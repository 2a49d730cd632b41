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

// Package inspect reads a cluster into check.Facts: discovery, the
// SGLangProfiles, the webhook configuration and its serving certificate,
// the opted-in namespaces and their vLLM workloads, RuntimeClasses and
// nodes. It writes nothing: pods are created with a server-side dry run
// (dryRun=All), which runs every admission step, our webhook included,
// and stores nothing.
//
// The serving certificate is fetched with a TLS handshake with the
// webhook (its URL, or its Service's DNS name, which resolves inside the
// cluster). Outside the cluster the Service name does not resolve and the
// API server's service proxy would hide the certificate (it terminates
// TLS itself), so the certificate is read from the webhook's TLS Secret
// instead: the one cert-manager's Certificate names (inject-ca-from), or
// the one the webhook Deployment behind the Service mounts.
package inspect
