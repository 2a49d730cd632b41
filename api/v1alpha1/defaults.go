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
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Defaults of SGLangProfileSpec. The CRD schema carries the same values as
// +kubebuilder:default markers so the API server applies them; Default applies
// them in Go for profiles read from files (the CLI). A test keeps both equal.
const (
	DefaultGPUResourceName       = "amd.com/gpu"
	DefaultShmSize               = "16Gi"
	DefaultGPUMemoryOffset       = "0.07"
	DefaultHealthPath            = "/health"
	DefaultHealthInterval        = 5 * time.Second
	DefaultHealthTimeout         = 3 * time.Second
	DefaultHealthFall      int32 = 3
	DefaultHealthRise      int32 = 2
	DefaultUnsafeFlags           = UnsafeFlagWarn
	DefaultGPUMemoryMode         = GPUMemoryTranslate
	DefaultMetricsMode           = MetricsTranslate
	DefaultFixToolSchemas        = true
	DefaultPatternKind           = PatternGlob
)

// DefaultHostNetworkSGLangPort is SGLang's port on the node's 127.0.0.1 in
// a hostNetwork pod (spec.proxy.hostNetworkSGLangPort). On the node it
// shares the port space with everything else there, so it keeps clear of
// what commonly listens on a Kubernetes node: it is below the default
// NodePort range 30000-32767 (which holds SGLang's own default, 30000; in
// iptables mode kube-proxy answers NodePorts on 127.0.0.1 too, so the
// proxy could reach a Service instead of SGLang), below Linux's ephemeral
// range 32768-60999 (outgoing connections), above Ray's worker ports
// 10002-19999, the Kubernetes components' 10248-10260 and Istio's
// 15000-15090, and apart from common node agents (node-problem-detector
// 20256, fluentd 24224) and databases (MongoDB 27017).
const DefaultHostNetworkSGLangPort int32 = 28000

// Default list values, as functions so callers cannot mutate shared slices.
var (
	DefaultGPUReplacePrefixes  = func() []string { return []string{"nvidia.com/"} }
	DefaultEnvRemovePrefixes   = func() []string { return []string{"NVIDIA_", "CUDA_"} }
	DefaultRemoveKeyPrefixes   = func() []string { return []string{"nvidia.com/"} }
	DefaultRuntimeClassRemoval = func() []string { return []string{"nvidia"} }
)

// Default fills every unset field with its default, in place. It mirrors the
// CRD's +kubebuilder:default markers; fields without a marker (proxy
// resources, strip params) are defaulted where they are used.
func (s *SGLangProfileSpec) Default() {
	if s.GPU.ResourceName == "" {
		s.GPU.ResourceName = DefaultGPUResourceName
	}
	if s.GPU.ReplacePrefixes == nil {
		s.GPU.ReplacePrefixes = DefaultGPUReplacePrefixes()
	}
	if s.Env.RemovePrefixes == nil {
		s.Env.RemovePrefixes = DefaultEnvRemovePrefixes()
	}
	if s.Placement.RemoveKeyPrefixes == nil {
		s.Placement.RemoveKeyPrefixes = DefaultRemoveKeyPrefixes()
	}
	if s.ShmSize == nil {
		q := resource.MustParse(DefaultShmSize)
		s.ShmSize = &q
	}
	if s.RuntimeClass.Remove == nil {
		s.RuntimeClass.Remove = DefaultRuntimeClassRemoval()
	}
	s.Args.defaultArgs()
	s.Proxy.defaultProxy()
	if s.Selector != nil {
		for i := range s.Selector.Models {
			if s.Selector.Models[i].Kind == "" {
				s.Selector.Models[i].Kind = DefaultPatternKind
			}
		}
	}
}

func (a *ArgPolicy) defaultArgs() {
	if a.UnsafeFlags == "" {
		a.UnsafeFlags = DefaultUnsafeFlags
	}
	if a.GPUMemoryUtilization.Mode == "" {
		a.GPUMemoryUtilization.Mode = DefaultGPUMemoryMode
	}
	if a.GPUMemoryUtilization.Offset == "" {
		a.GPUMemoryUtilization.Offset = DefaultGPUMemoryOffset
	}
}

func (p *ProxySpec) defaultProxy() {
	if p.MetricsMode == "" {
		p.MetricsMode = DefaultMetricsMode
	}
	if p.HostNetworkSGLangPort == 0 {
		p.HostNetworkSGLangPort = DefaultHostNetworkSGLangPort
	}
	if p.FixToolSchemas == nil {
		v := DefaultFixToolSchemas
		p.FixToolSchemas = &v
	}
	h := &p.Health
	if h.Path == "" {
		h.Path = DefaultHealthPath
	}
	if h.Interval == nil {
		h.Interval = &metav1.Duration{Duration: DefaultHealthInterval}
	}
	if h.Timeout == nil {
		h.Timeout = &metav1.Duration{Duration: DefaultHealthTimeout}
	}
	if h.Fall == 0 {
		h.Fall = DefaultHealthFall
	}
	if h.Rise == 0 {
		h.Rise = DefaultHealthRise
	}
}
