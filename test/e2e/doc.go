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

// Package e2e follows a vLLM production-stack Deployment from kubectl apply
// to a served chat completion, with everything real except the GPU:
//
//   - kube-apiserver, etcd and kube-controller-manager (envtest, built from
//     source by make envtest), with cert-manager's CRDs;
//   - the chart installed by the Helm SDK in URL mode, pointing at the
//     webhook server this test runs in-process (webhook.NewManager, as
//     `vllm-to-sglang webhook` builds it) with a CA the test controls;
//   - the production-stack fixtures (test/testdata/production-stack-*.yaml)
//     applied as Deployments in a labelled namespace, their pods created by
//     the ReplicaSet controller and rewritten by the webhook;
//   - each rewritten pod "run" on this machine: the real proxy binary with
//     the exact command and args of its sglang-proxy container, and the fake
//     SGLang server (test/fakesglang) with the exact argv of its vllm
//     container, which it checks against SGLang's flag catalog as SGLang's
//     argument parser would; the only changes are the ports (see
//     localSGLangArgv and localProxyArgv);
//   - the pod's port driven with the official openai npm client
//     (test/proxy/node), plus /metrics and /health as a router and the
//     kubelet read them.
//
// Run it with make test-e2e. Without the control-plane binaries, Node.js or
// the openai package the suite fails and names the make target; it never
// skips.
package e2e
