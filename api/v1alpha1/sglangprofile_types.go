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

package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// UnsafeFlagAction says what happens to a vLLM flag that cannot be translated
// without changing what the server does.
// +kubebuilder:validation:Enum=Warn;Reject
type UnsafeFlagAction string

const (
	// UnsafeFlagWarn drops the flag, admits the pod and reports the drop
	// (admission warning, status annotation, metric).
	UnsafeFlagWarn UnsafeFlagAction = "Warn"
	// UnsafeFlagReject denies the pod with the reason.
	UnsafeFlagReject UnsafeFlagAction = "Reject"
)

// FlagOverrideAction is what an override does with one vLLM flag.
// +kubebuilder:validation:Enum=Drop;Reject;Pass;Rename
type FlagOverrideAction string

const (
	// FlagDrop drops the flag (and its value) without a warning: the profile
	// owner decided it does not matter.
	FlagDrop FlagOverrideAction = "Drop"
	// FlagReject denies any pod that uses the flag.
	FlagReject FlagOverrideAction = "Reject"
	// FlagPass passes the flag and its value to SGLang unchanged. The flag
	// must exist in SGLang.
	FlagPass FlagOverrideAction = "Pass"
	// FlagRename passes the value under the SGLang flag named in sglangFlag.
	FlagRename FlagOverrideAction = "Rename"
)

// GPUMemoryMode says how vLLM's --gpu-memory-utilization becomes SGLang's
// --mem-fraction-static. The two measure different things (vLLM caps the
// whole instance, SGLang sizes the static weights+KV pool only).
// +kubebuilder:validation:Enum=Translate;Omit;Fixed
type GPUMemoryMode string

const (
	// GPUMemoryTranslate emits clamp(u - offset, 0.30, 0.88) when the pod set
	// the flag, and nothing when it did not.
	GPUMemoryTranslate GPUMemoryMode = "Translate"
	// GPUMemoryOmit never emits --mem-fraction-static: SGLang picks its own
	// value per GPU size and tensor-parallel size.
	GPUMemoryOmit GPUMemoryMode = "Omit"
	// GPUMemoryFixed always emits the profile's memFractionStatic.
	GPUMemoryFixed GPUMemoryMode = "Fixed"
)

// MetricsMode is how the proxy serves /metrics.
// +kubebuilder:validation:Enum=translate;passthrough
type MetricsMode string

const (
	// MetricsTranslate serves SGLang's series under vLLM's names.
	MetricsTranslate MetricsMode = "translate"
	// MetricsPassthrough serves SGLang's exposition unchanged.
	MetricsPassthrough MetricsMode = "passthrough"
)

// SGLangProfileSpec is everything the rewrite needs to turn a vLLM pod into an
// SGLang pod on a given kind of node. Empty fields take the defaults named in
// defaults.go (the API server applies the same defaults from the CRD schema).
type SGLangProfileSpec struct {
	// image is the SGLang image the vLLM container switches to. Pin it to a
	// released tag or a digest (e.g. lmsysorg/sglang:v0.5.5-rocm700-mi30x).
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:XValidation:rule="!self.contains(' ')",message="image must not contain spaces"
	Image string `json:"image"`

	// sglangVersion is the SGLang release the image runs, e.g. 0.5.9. The
	// translation emits only flags and values that release has (SGLang
	// exits on any other). Empty: the release in the image's tag
	// (v0.5.9-rocm700-mi30x is 0.5.9); an image pinned by digest alone, or
	// whose tag names no release, gets the oldest supported release. A
	// release older than every supported one is refused; a newer one is
	// checked against the newest supported release's flags, with a warning.
	// +optional
	// +kubebuilder:validation:Pattern=`^v?(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})$`
	SGLangVersion string `json:"sglangVersion,omitempty"`

	// imagePullPolicy of the SGLang container. Empty keeps the pod's.
	// +optional
	// +kubebuilder:validation:Enum=Always;IfNotPresent;Never
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`

	// gpu says which extended resource replaces the NVIDIA one.
	// +optional
	// +kubebuilder:default={}
	GPU GPUSpec `json:"gpu,omitempty"`

	// env is added to and removed from the SGLang container.
	// +optional
	// +kubebuilder:default={}
	Env EnvSpec `json:"env,omitempty"`

	// placement is the scheduling the rewritten pod gets, and the NVIDIA
	// scheduling it loses.
	// +optional
	// +kubebuilder:default={}
	Placement PlacementSpec `json:"placement,omitempty"`

	// shmSize is the size of the memory-backed /dev/shm volume (tensor
	// parallelism needs more than the container runtime's 64Mi). An existing
	// /dev/shm mount is reused and grown to at least this size.
	// +optional
	// +kubebuilder:default="16Gi"
	ShmSize *resource.Quantity `json:"shmSize,omitempty"`

	// runtimeClass says which runtimeClassName values are dropped and which,
	// if any, is set.
	// +optional
	// +kubebuilder:default={}
	RuntimeClass RuntimeClassSpec `json:"runtimeClass,omitempty"`

	// args is the argument policy of the vLLM → SGLang translation.
	// +optional
	// +kubebuilder:default={}
	Args ArgPolicy `json:"args,omitempty"`

	// proxy configures the injected sglang-proxy sidecar.
	// +optional
	// +kubebuilder:default={}
	Proxy ProxySpec `json:"proxy,omitempty"`

	// selector says which pods get this profile without naming it: pods of
	// the opted-in namespaces that carry no vllm-to-sglang.io/profile
	// annotation. Unset: only pods that name the profile get it (and, for
	// the profile named "default", the pods no profile selects).
	// +optional
	Selector *ProfileSelector `json:"selector,omitempty"`

	// priority decides between profiles whose selectors match the same pod:
	// the highest wins; between equal priorities, the name that sorts first
	// (the pod's admission then warns, naming both).
	// +optional
	Priority int32 `json:"priority,omitempty"`
}

// ProfileSelector chooses the pods a profile is for. Every part that is set
// must match; an empty selector matches every pod.
type ProfileSelector struct {
	// namespaceSelector matches the labels of the pod's namespace.
	// +optional
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, e.operator in ['In', 'NotIn', 'Exists', 'DoesNotExist'])",message="matchExpressions[].operator must be In, NotIn, Exists or DoesNotExist"
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, (e.operator in ['In', 'NotIn']) == (has(e.values) && size(e.values) > 0))",message="matchExpressions[].values must be set for In and NotIn, and only for them"
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`

	// podSelector matches the pod's labels.
	// +optional
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, e.operator in ['In', 'NotIn', 'Exists', 'DoesNotExist'])",message="matchExpressions[].operator must be In, NotIn, Exists or DoesNotExist"
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, (e.operator in ['In', 'NotIn']) == (has(e.values) && size(e.values) > 0))",message="matchExpressions[].values must be set for In and NotIn, and only for them"
	PodSelector *metav1.LabelSelector `json:"podSelector,omitempty"`

	// models match the model the pod's vLLM command serves: the model
	// argument (or --model) and every --served-model-name. The profile is
	// for the pod when one of its patterns matches one of these names.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	// +listType=atomic
	Models []ModelPattern `json:"models,omitempty"`
}

// PatternKind is how a model pattern is read.
// +kubebuilder:validation:Enum=glob;regex
type PatternKind string

const (
	// PatternGlob: * matches any run of characters (/ included), ? one
	// character, [abc] and [!abc] one of a set; case is ignored, and the
	// pattern matches the whole name.
	PatternGlob PatternKind = "glob"
	// PatternRegex: a Go (RE2) regular expression that must match the
	// whole name; (?i) ignores case.
	PatternRegex PatternKind = "regex"
)

// ModelPattern matches model names.
type ModelPattern struct {
	// pattern is matched against each name the model is served under,
	// e.g. deepseek-ai/* (glob) or ^Qwen/Qwen3-.*$ (regex).
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	Pattern string `json:"pattern"`

	// kind is glob (the default) or regex.
	// +optional
	// +kubebuilder:default=glob
	Kind PatternKind `json:"kind,omitempty"`
}

// GPUSpec names the GPU resource of the target nodes.
type GPUSpec struct {
	// resourceName replaces nvidia.com/gpu with the same count.
	// +optional
	// +kubebuilder:default="amd.com/gpu"
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:Pattern=`^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`
	ResourceName string `json:"resourceName,omitempty"`

	// replacePrefixes are the resource-name prefixes of the GPUs being
	// replaced. A resource named <prefix>gpu (or a MIG slice) becomes
	// resourceName; any other resource under these prefixes is removed.
	// +optional
	// +kubebuilder:default={"nvidia.com/"}
	// +listType=set
	ReplacePrefixes []string `json:"replacePrefixes,omitempty"`
}

// EnvSpec edits the environment of the SGLang container.
type EnvSpec struct {
	// add sets variables the container does not already set (the pod's own
	// value wins): MI300X tuning the SGLang ROCm image does not bake in.
	// +optional
	// +listType=map
	// +listMapKey=name
	Add []corev1.EnvVar `json:"add,omitempty"`

	// removeNames are variables removed by exact name.
	// +optional
	// +listType=set
	RemoveNames []string `json:"removeNames,omitempty"`

	// removePrefixes remove every variable whose name starts with one of them.
	// +optional
	// +kubebuilder:default={"NVIDIA_","CUDA_"}
	// +listType=set
	RemovePrefixes []string `json:"removePrefixes,omitempty"`
}

// PlacementSpec is the scheduling of the rewritten pod.
type PlacementSpec struct {
	// nodeSelector entries are added to the pod's.
	// +optional
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`

	// tolerations are added to the pod's.
	// +optional
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`

	// affinity's node affinity is merged into the pod's (required terms are
	// ANDed into every pod term; preferred terms are appended).
	// +optional
	Affinity *corev1.Affinity `json:"affinity,omitempty"`

	// removeKeyPrefixes drop node-selector entries, node-affinity expressions
	// and tolerations whose key starts with one of them (NVIDIA placement).
	// +optional
	// +kubebuilder:default={"nvidia.com/"}
	// +listType=set
	RemoveKeyPrefixes []string `json:"removeKeyPrefixes,omitempty"`
}

// RuntimeClassSpec handles runtimeClassName.
type RuntimeClassSpec struct {
	// remove lists runtimeClassName values that are dropped from the pod
	// (the vLLM production stack sets "nvidia" by default).
	// +optional
	// +kubebuilder:default={"nvidia"}
	// +listType=set
	Remove []string `json:"remove,omitempty"`

	// name, when set, becomes the pod's runtimeClassName.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name,omitempty"`
}

// ArgPolicy is the argument policy of the translation.
// +kubebuilder:validation:XValidation:rule="!has(self.gpuMemoryUtilization) || !has(self.gpuMemoryUtilization.mode) || self.gpuMemoryUtilization.mode != 'Fixed' || has(self.gpuMemoryUtilization.memFractionStatic)",message="args.gpuMemoryUtilization.memFractionStatic is required when mode is Fixed"
type ArgPolicy struct {
	// extra SGLang arguments appended to every translated command line. Every
	// flag must exist in SGLang.
	// +optional
	Extra []string `json:"extra,omitempty"`

	// overrides replace the built-in decision for individual vLLM flags.
	// +optional
	// +listType=map
	// +listMapKey=flag
	Overrides []FlagOverride `json:"overrides,omitempty"`

	// toolCallParsers maps vLLM --tool-call-parser names to SGLang names, on
	// top of (and winning over) the built-in map.
	// +optional
	ToolCallParsers map[string]string `json:"toolCallParsers,omitempty"`

	// reasoningParsers maps vLLM --reasoning-parser names to SGLang names, on
	// top of (and winning over) the built-in map.
	// +optional
	ReasoningParsers map[string]string `json:"reasoningParsers,omitempty"`

	// gpuMemoryUtilization is the --gpu-memory-utilization policy.
	// +optional
	// +kubebuilder:default={}
	GPUMemoryUtilization GPUMemoryPolicy `json:"gpuMemoryUtilization,omitempty"`

	// unsafeFlags says what happens to a flag that cannot be translated
	// safely: Warn drops it and reports it, Reject denies the pod.
	// +optional
	// +kubebuilder:default=Warn
	UnsafeFlags UnsafeFlagAction `json:"unsafeFlags,omitempty"`
}

// FlagOverride replaces the built-in decision for one vLLM flag.
// +kubebuilder:validation:XValidation:rule="self.action != 'Rename' || (has(self.sglangFlag) && size(self.sglangFlag) > 0)",message="sglangFlag is required when action is Rename"
type FlagOverride struct {
	// flag is the vLLM flag in its long dashed form, e.g. --block-size.
	// +required
	// +kubebuilder:validation:Pattern=`^--[a-z0-9][a-z0-9-.]*$`
	Flag string `json:"flag"`

	// action is what happens to the flag.
	// +required
	Action FlagOverrideAction `json:"action"`

	// sglangFlag is the SGLang flag the value goes to (action Rename).
	// +optional
	// +kubebuilder:validation:Pattern=`^--[a-z0-9][a-z0-9-]*$`
	SGLangFlag string `json:"sglangFlag,omitempty"`
}

// GPUMemoryPolicy is how --gpu-memory-utilization is handled.
type GPUMemoryPolicy struct {
	// mode: Translate (heuristic), Omit (let SGLang choose) or Fixed.
	// +optional
	// +kubebuilder:default=Translate
	Mode GPUMemoryMode `json:"mode,omitempty"`

	// offset is subtracted from vLLM's fraction in Translate mode, because
	// SGLang's fraction excludes activations and graph buffers.
	// +optional
	// +kubebuilder:default="0.07"
	// +kubebuilder:validation:Pattern=`^0?\.[0-9]{1,3}$`
	Offset string `json:"offset,omitempty"`

	// memFractionStatic is the value emitted in Fixed mode.
	// +optional
	// +kubebuilder:validation:Pattern=`^0?\.[0-9]{1,3}$`
	MemFractionStatic string `json:"memFractionStatic,omitempty"`
}

// ProxySpec configures the sglang-proxy sidecar.
type ProxySpec struct {
	// image of the proxy. Empty means the image the webhook was started with
	// (--proxy-image): the same image as the webhook, running /proxy.
	// +optional
	Image string `json:"image,omitempty"`

	// imagePullPolicy of the proxy container.
	// +optional
	// +kubebuilder:validation:Enum=Always;IfNotPresent;Never
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`

	// resources of the proxy container. Empty means the defaults in
	// defaults.go (small requests, a memory limit).
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	// health is how the proxy checks SGLang in the background.
	// +optional
	// +kubebuilder:default={}
	Health HealthSpec `json:"health,omitempty"`

	// metricsMode: translate serves vLLM names, passthrough SGLang's own.
	// +optional
	// +kubebuilder:default=translate
	MetricsMode MetricsMode `json:"metricsMode,omitempty"`

	// stripParams are chat request parameters removed before SGLang sees
	// them. Unset: logprobs and top_logprobs when SGLang runs the mistral
	// tool-call parser (it rejects them on tool calls with 422), nothing
	// otherwise. An empty list strips nothing.
	// +optional
	StripParams []string `json:"stripParams,omitempty"`

	// fixToolSchemas repairs tool JSON schemas SGLang rejects.
	// +optional
	// +kubebuilder:default=true
	FixToolSchemas *bool `json:"fixToolSchemas,omitempty"`

	// allowPaths are extra upstream paths (outside vLLM's public API) the
	// proxy forwards to SGLang.
	// +optional
	// +listType=set
	AllowPaths []string `json:"allowPaths,omitempty"`

	// maxBodyBytes caps request bodies; larger ones get 413.
	// +optional
	// +kubebuilder:validation:Minimum=1024
	MaxBodyBytes *int64 `json:"maxBodyBytes,omitempty"`

	// hostNetworkSGLangPort is where SGLang listens in a pod with
	// hostNetwork: true, on the node's 127.0.0.1, while the proxy serves
	// vLLM's port on the node. The port is declared as a host port of
	// 127.0.0.1, so the scheduler puts no two such pods on one node. A pod
	// that serves vLLM on this port, or declares or probes it, is not
	// rewritten (with unsafeFlags Reject, it is denied). Other pods ignore it:
	// SGLang gets a free port of the pod's own network.
	// +optional
	// +kubebuilder:default=28000
	// +kubebuilder:validation:Minimum=1024
	// +kubebuilder:validation:Maximum=65535
	HostNetworkSGLangPort int32 `json:"hostNetworkSGLangPort,omitempty"`
}

// HealthSpec is the proxy's background health check of SGLang.
type HealthSpec struct {
	// path on SGLang that is checked.
	// +optional
	// +kubebuilder:default="/health"
	// +kubebuilder:validation:Pattern=`^/`
	Path string `json:"path,omitempty"`

	// interval between checks.
	// +optional
	// +kubebuilder:default="5s"
	Interval *metav1.Duration `json:"interval,omitempty"`

	// timeout of one check.
	// +optional
	// +kubebuilder:default="3s"
	Timeout *metav1.Duration `json:"timeout,omitempty"`

	// fall is the number of failed checks in a row that mark SGLang down.
	// +optional
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=1
	Fall int32 `json:"fall,omitempty"`

	// rise is the number of good checks in a row that mark SGLang up.
	// +optional
	// +kubebuilder:default=2
	// +kubebuilder:validation:Minimum=1
	Rise int32 `json:"rise,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,shortName=sgp
// +kubebuilder:printcolumn:name="Image",type=string,JSONPath=`.spec.image`
// +kubebuilder:printcolumn:name="GPU",type=string,JSONPath=`.spec.gpu.resourceName`
// +kubebuilder:printcolumn:name="Unsafe flags",type=string,JSONPath=`.spec.args.unsafeFlags`
// +kubebuilder:printcolumn:name="Priority",type=integer,JSONPath=`.spec.priority`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// SGLangProfile is the cluster-scoped description of how vLLM pods are turned
// into SGLang pods. A pod gets the profile its vllm-to-sglang.io/profile
// annotation names; otherwise the profile with the highest priority whose
// selector matches it; otherwise the profile named "default", if there is
// one (without it the pod is left alone).
type SGLangProfile struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is a standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the profile.
	// +required
	Spec SGLangProfileSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// SGLangProfileList contains a list of SGLangProfile.
type SGLangProfileList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []SGLangProfile `json:"items"`
}
