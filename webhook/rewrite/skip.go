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

package rewrite

// Outcome says whether a pod was changed.
type Outcome string

const (
	// Rewritten: the pod now runs SGLang behind the proxy.
	Rewritten Outcome = "rewritten"
	// Skipped: the pod was left exactly as it was; SkipReason says why.
	Skipped Outcome = "skipped"
)

// SkipReason is why a pod was left alone. The set is closed, so it can be a
// metrics label; Sentence gives the human explanation.
type SkipReason string

const (
	// SkipAlreadyRewritten: the pod carries the status annotation.
	SkipAlreadyRewritten SkipReason = "already-rewritten"
	// SkipOptedOut: the pod is labelled vllm-to-sglang.io/rewrite=disabled.
	SkipOptedOut SkipReason = "opted-out"
	// SkipMirrorPod: static pods (their API mirrors) are never changed.
	SkipMirrorPod SkipReason = "mirror-pod"
	// SkipHostNetwork: the pod uses the node's network and itself takes the
	// port the profile gives SGLang there (spec.proxy.hostNetworkSGLangPort),
	// and the profile's unsafeFlags is Warn (Reject denies the pod instead).
	SkipHostNetwork SkipReason = "host-network"
	// SkipNoVLLMContainer: no container runs vLLM's OpenAI server.
	SkipNoVLLMContainer SkipReason = "no-vllm-container"
	// SkipMultipleVLLMContainers: more than one container runs vLLM.
	SkipMultipleVLLMContainers SkipReason = "multiple-vllm-containers"
	// SkipNoGPU: the vLLM container requests no GPU.
	SkipNoGPU SkipReason = "no-gpu"
	// SkipMultiNode: the vLLM server is one part of a multi-node deployment.
	SkipMultiNode SkipReason = "multi-node"
	// SkipProxyNameTaken: a container is already named sglang-proxy, but the
	// pod has no status annotation.
	SkipProxyNameTaken SkipReason = "proxy-name-taken"
	// SkipUntranslatable: the command line cannot be translated safely and
	// the profile's unsafeFlags is Warn (Reject denies the pod instead).
	SkipUntranslatable SkipReason = "untranslatable"
)

// SkipReasons lists every reason, e.g. to pre-create metric series.
func SkipReasons() []SkipReason {
	return []SkipReason{
		SkipAlreadyRewritten, SkipOptedOut, SkipMirrorPod, SkipHostNetwork,
		SkipNoVLLMContainer, SkipMultipleVLLMContainers, SkipNoGPU, SkipMultiNode,
		SkipProxyNameTaken, SkipUntranslatable,
	}
}

var skipSentences = map[SkipReason]string{
	SkipAlreadyRewritten:       "the pod was already rewritten (it carries the vllm-to-sglang.io/status annotation)",
	SkipOptedOut:               "the pod opted out with the label vllm-to-sglang.io/rewrite=disabled",
	SkipMirrorPod:              "static pods (mirror pods) are never changed",
	SkipHostNetwork:            "the pod uses the node's network and itself uses the port the profile gives SGLang there, and the profile admits such pods unchanged (unsafeFlags: Warn)",
	SkipNoVLLMContainer:        "no container runs vLLM's OpenAI-compatible server",
	SkipMultipleVLLMContainers: "more than one container runs vLLM's server; only pods with one are rewritten",
	SkipNoGPU:                  "the vLLM container requests no GPU",
	SkipMultiNode:              "the vLLM server is part of a multi-node deployment (Ray or LeaderWorkerSet), which is not rewritten",
	SkipProxyNameTaken:         "a container is already named sglang-proxy but the pod carries no vllm-to-sglang.io/status annotation",
	SkipUntranslatable:         "the vLLM command line cannot be translated safely, and the profile admits such pods unchanged (unsafeFlags: Warn)",
}

// Warns reports whether a pod skipped for this reason gets a warning: the
// pod would run vLLM's server on a GPU and the namespace asked for SGLang,
// but what the pod says (a command line, a port) keeps the profile from
// rewriting it safely.
func (r SkipReason) Warns() bool { return r == SkipUntranslatable || r == SkipHostNetwork }

// Sentence explains the reason in words, for logs, events and warnings.
func (r SkipReason) Sentence() string {
	if s, ok := skipSentences[r]; ok {
		return s
	}
	return string(r)
}
