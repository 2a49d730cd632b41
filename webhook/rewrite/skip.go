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

import (
	"strconv"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

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
	// SkipAlreadyRewritten: the pod carries the status annotation of a
	// rewrite (an audit record does not count).
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
	// SkipNoProfile: no profile's selector matches the pod, it names none,
	// and there is no profile named "default". Profile resolution decides
	// it (profile.SourceNone), before Rewrite runs.
	SkipNoProfile SkipReason = "no-profile"
)

// SkipReasons lists every reason, e.g. to pre-create metric series.
func SkipReasons() []SkipReason {
	return []SkipReason{
		SkipAlreadyRewritten, SkipOptedOut, SkipMirrorPod, SkipHostNetwork,
		SkipNoVLLMContainer, SkipMultipleVLLMContainers, SkipNoGPU, SkipMultiNode,
		SkipProxyNameTaken, SkipUntranslatable, SkipNoProfile,
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
	SkipNoProfile:              "no SGLangProfile selects the pod, it names none, and there is no SGLangProfile \"default\"",
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

// Skip reports whether Rewrite leaves the pod alone whatever the profile
// says beyond its GPU resources (gpu), and why: a mirror pod, a pod opted
// out, already rewritten or part of a multi-node server, one whose proxy
// name is taken, without a vLLM container or with several, or whose vLLM
// container requests no GPU. It only reads the pod, and it is Rewrite's own
// first step, so the two cannot disagree. A pod it does not skip may still
// be skipped or refused for what the profile says (unsafeFlags, the SGLang
// port on the node's network), which only Rewrite decides.
func Skip(meta *metav1.ObjectMeta, spec *corev1.PodSpec, gpu *v1alpha1.GPUSpec) (SkipReason, string) {
	_, report := screen(meta, spec, gpu)
	if report == nil {
		return "", ""
	}
	return report.SkipReason, report.Detail
}

// defaultGPU is the built-in default profile's GPU resources, read once.
// It is shared: only read it.
var defaultGPU = sync.OnceValue(func() *v1alpha1.GPUSpec {
	gpu := profile.Default().Spec.GPU
	return &gpu
})

// SkipWithoutProfile is Skip for a pod whose profile is not known (none
// resolves, or it cannot be resolved): whether the rewrite leaves the pod
// alone whatever the profile. The one profile setting Skip reads, the GPU
// resources, is taken from the built-in default profile.
func SkipWithoutProfile(meta *metav1.ObjectMeta, spec *corev1.PodSpec) (SkipReason, string) {
	return Skip(meta, spec, defaultGPU())
}

// Unresolved decides for a pod that resolved to no profile (res.Profile is
// nil), as the webhook does: a pod the rewrite leaves alone whatever the
// profile (SkipWithoutProfile) is left alone for that reason; else one
// whose annotation names a profile that does not exist (res.Name) is
// refused, even if that profile might have admitted it unchanged: Unresolved
// returns nil then; else nothing selects it and there is no default
// profile: SkipNoProfile. A report it returns is Skipped, and names the
// reason and its detail only.
func Unresolved(meta *metav1.ObjectMeta, spec *corev1.PodSpec, res profile.Resolution) *Report {
	if reason, detail := SkipWithoutProfile(meta, spec); reason != "" {
		return &Report{Outcome: Skipped, SkipReason: reason, Detail: detail}
	}
	if res.Source == profile.SourceAnnotation {
		return nil
	}
	return &Report{Outcome: Skipped, SkipReason: SkipNoProfile}
}

// vllmContainer is the container that runs vLLM's server, as screen found it.
type vllmContainer struct {
	index int // in spec.Containers
	inv   detected
}

// screen is Rewrite's first step, shared with Skip: it reads the pod, and
// either finds the one vLLM container to rewrite or returns the report of
// a pod left alone. It changes nothing.
func screen(meta *metav1.ObjectMeta, spec *corev1.PodSpec, gpu *v1alpha1.GPUSpec) (vllmContainer, *Report) {
	if reason, detail := skipPod(meta, spec); reason != "" {
		return vllmContainer{}, &Report{Outcome: Skipped, SkipReason: reason, Detail: detail}
	}
	index, inv, reason, detail := findVLLM(spec)
	if reason != "" {
		return vllmContainer{}, &Report{Outcome: Skipped, SkipReason: reason, Detail: detail}
	}
	c := &spec.Containers[index]
	skip := func(r SkipReason, detail string) (vllmContainer, *Report) {
		return vllmContainer{}, &Report{Outcome: Skipped, SkipReason: r, Detail: detail, Container: c.Name}
	}
	if !requestsGPU(c, gpu) {
		return skip(SkipNoGPU, "")
	}
	if why := multiNodeEnv(c); why != "" {
		return skip(SkipMultiNode, why)
	}
	if inv.reason == argv.SkipMultiNode {
		return skip(SkipMultiNode, inv.detail())
	}
	return vllmContainer{index: index, inv: inv}, nil
}

// skipPod checks what rules a pod out before its containers are looked at.
func skipPod(meta *metav1.ObjectMeta, spec *corev1.PodSpec) (SkipReason, string) {
	switch {
	case meta.Annotations[annotationMirror] != "":
		return SkipMirrorPod, ""
	case meta.Labels[v1alpha1.LabelRewrite] == v1alpha1.LabelRewriteDisabled:
		return SkipOptedOut, ""
	case rewrittenBefore(meta):
		return SkipAlreadyRewritten, ""
	}
	if why := multiNodePod(meta); why != "" {
		return SkipMultiNode, why
	}
	if hasContainer(spec, v1alpha1.ProxyContainerName) {
		return SkipProxyNameTaken, ""
	}
	return "", ""
}

func hasContainer(spec *corev1.PodSpec, name string) bool {
	for _, list := range [][]corev1.Container{spec.Containers, spec.InitContainers} {
		for _, c := range list {
			if c.Name == name {
				return true
			}
		}
	}
	return false
}

// multiNodePod recognises the pods of multi-node deployments by their
// controllers' labels: LeaderWorkerSet (unless its group has one pod) and
// KubeRay.
func multiNodePod(meta *metav1.ObjectMeta) string {
	const lws, lwsSize = "leaderworkerset.sigs.k8s.io/", "leaderworkerset.sigs.k8s.io/size"
	for k := range meta.Labels {
		if strings.HasPrefix(k, lws) && meta.Annotations[lwsSize] != "1" {
			return "the pod belongs to a LeaderWorkerSet group (label " + k + ")"
		}
		if strings.HasPrefix(k, "ray.io/") {
			return "the pod is a Ray cluster node (label " + k + ")"
		}
	}
	return ""
}

// detected is a container that runs vLLM's server, rewritable or not.
type detected struct {
	*argv.Invocation
	reason argv.SkipReason
}

func (d detected) detail() string {
	s := d.reason.Sentence()
	if d.Invocation != nil && d.Invocation.Detail != "" {
		s += ": " + d.Invocation.Detail
	}
	return s
}

// findVLLM returns the one container that runs vLLM's server.
func findVLLM(spec *corev1.PodSpec) (int, detected, SkipReason, string) {
	found, index := 0, -1
	var inv detected
	var names []string
	for i := range spec.Containers {
		c := &spec.Containers[i]
		d, reason := argv.Detect(c.Command, c.Args, c.Image)
		if !reason.RunsVLLM() {
			continue
		}
		found++
		names = append(names, strconv.Quote(c.Name))
		if index < 0 {
			index, inv = i, detected{Invocation: d, reason: reason}
		}
	}
	switch {
	case found == 0:
		return -1, inv, SkipNoVLLMContainer, ""
	case found > 1:
		return -1, inv, SkipMultipleVLLMContainers, "containers " + strings.Join(names, ", ")
	}
	return index, inv, "", ""
}

// multiNodeEnv recognises a multi-node server by the environment its
// controller sets: LeaderWorkerSet's leader address (in a group of more
// than one) or a Ray cluster address.
func multiNodeEnv(c *corev1.Container) string {
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	if _, ok := env["LWS_LEADER_ADDRESS"]; ok && env["LWS_GROUP_SIZE"] != "1" {
		return "the container joins a LeaderWorkerSet group (LWS_LEADER_ADDRESS is set)"
	}
	if _, ok := env["RAY_ADDRESS"]; ok {
		return "the container joins a Ray cluster (RAY_ADDRESS is set)"
	}
	return ""
}
