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

// Package framework holds what the suites that need a control plane share:
// test/integration, test/chart, test/check, test/e2e and the demo
// (hack/demo). One copy of each helper lives here.
//
//   - StartControlPlane: kube-apiserver and etcd (envtest) built from source
//     into bin/k8s by make envtest, optionally with the SGLangProfile CRD,
//     cert-manager's CRDs and kube-controller-manager. Missing binaries are
//     an error that names make envtest, never a skip. Shared keeps one
//     control plane per test binary, started lazily; RunSuite is a TestMain
//     with an eager set-up and a Cleanup stack.
//   - NewCA and CA.Issue: a CA the caller controls, for serving certificates
//     the API server trusts through a caBundle.
//   - StartWebhook: the webhook server in-process, built by webhook.NewManager
//     exactly as `vllm-to-sglang webhook` builds it.
//   - Helm: the chart installed, upgraded and uninstalled with the Helm SDK
//     as the helm CLI would (URLModeValues and LocalWebhookOptions for a
//     webhook running outside the cluster, here).
//   - StartProcess: a binary (kube-controller-manager, the webhook command,
//     the proxy, the fake SGLang) with its output kept for failure reports.
//   - Eventually and Poll: wait on a condition by polling, never a fixed sleep.
//   - LauncherCommand, WritePythonStub and StubbedArgv: the command of a
//     container translated at start, run on this machine with a launcher
//     built here and a python3 that records the SGLang argv it is given
//     (test/launch, test/e2e).
//   - For tests: CreateForTest and LabelNamespace undo what they did when the
//     test ends; IsRewritten and FindContainer read a stored pod.
//
// Functions return errors rather than taking a testing.T where the demo
// needs them too; the few that take a testing.TB are for tests only.
// Everything started returns a stop function (cert-manager's integration
// framework does the same) that is safe to call more than once.
// docs/e2e.md lists the helpers.
package framework
