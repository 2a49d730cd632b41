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

// Package e2e follows a vLLM production-stack Deployment, and the
// Deployment KServe creates for an LLMInferenceService, from kubectl apply
// to a served chat completion, with everything real except the GPU:
//
//   - kube-apiserver, etcd and kube-controller-manager (envtest, built from
//     source by make envtest), with cert-manager's CRDs;
//   - the chart installed by the Helm SDK in URL mode, pointing at the
//     webhook server this test runs in-process (webhook.NewManager, as
//     `vllm-to-sglang webhook` builds it) with a CA the test controls;
//   - the production-stack fixtures (test/testdata/production-stack-*.yaml)
//     and the KServe one (the Deployment of
//     test/testdata/kserve-llminferenceservice.yaml; KServe itself is not
//     installed) applied as Deployments in labelled namespaces, their pods
//     created by the ReplicaSet controller and rewritten by the webhook: the
//     production-stack pods at admission, the KServe pod at start (its bash
//     script runs vLLM from eval "…" with flags in variables, so every vLLM
//     command in it goes through `vllm-to-sglang launch`, installed by an
//     init container);
//   - each rewritten pod "run" on this machine: the real proxy binary with
//     the exact command and args of its sglang-proxy container, and the fake
//     SGLang server (test/fakesglang), which checks its argv against SGLang's
//     flag catalog as SGLang's argument parser would, started with the exact
//     argv of the vllm container, or, for a pod translated at start, by the
//     container's own script run in bash with the launcher built from
//     ./cmd/vllm-to-sglang and a python3 stub that execs the fake with the
//     argv the launcher built; the only changes are the ports (see
//     localSGLangArgv, pythonStub and localProxyArgv);
//   - the pod's port driven with the official openai npm client
//     (test/proxy/node), plus /metrics and /health as a router and the
//     kubelet read them.
//
// Run it with make test-e2e. Without the control-plane binaries, Node.js or
// the openai package the suite fails and names the make target; it never
// skips.
package e2e
