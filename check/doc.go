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

// Package check decides whether a cluster is ready for vllm-to-sglang: the
// checks behind `vllm-to-sglang check`, in the spirit of `linkerd check`
// and `istioctl analyze`.
//
// It is pure. Package check/inspect reads the cluster (objects, the webhook's
// serving certificate, server-side dry-run creates) into Facts; Run turns
// Facts into one Result per check, each passed, warning, failed or skipped,
// with a hint that says what to do. A check whose premise failed (no CRD, so
// no profiles; a caBundle that does not verify, so no answer from the
// webhook) is skipped, so one broken thing fails one check.
//
// The text and JSON renderings live here too (Write); the field names of the
// JSON form are stable.
package check
