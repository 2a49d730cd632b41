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
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// vllmToSGLangEnv maps the vLLM environment variables that have an SGLang
// (or ROCm) counterpart with the same meaning: the pairs of the environment
// mapping of vultr/vllm-to-sglang, a Python proxy in front of SGLang.
// Per-feature VLLM_ROCM_USE_AITER_* and the CUDA-only kernel switches mean
// something else or nothing, so they stay untranslated.
var vllmToSGLangEnv = []struct{ from, to string }{
	{"VLLM_CPU_OMP_THREADS_BIND", "SGLANG_CPU_OMP_THREADS_BIND"},
	{"VLLM_DP_RANK", "SGLANG_DP_RANK"},
	{"VLLM_HOST_IP", "SGLANG_HOST_IP"},
	{"VLLM_LOGGING_CONFIG_PATH", "SGLANG_LOGGING_CONFIG_PATH"},
	{"VLLM_NCCL_SO_PATH", "SGLANG_NCCL_SO_PATH"},
	// SGLANG_PORT is the base of SGLang's internal ports, like VLLM_PORT;
	// neither is the HTTP port.
	{"VLLM_PORT", "SGLANG_PORT"},
	{"VLLM_PP_LAYER_PARTITION", "SGLANG_PP_LAYER_PARTITION"},
	{"VLLM_RINGBUFFER_WARNING_INTERVAL", "SGLANG_RINGBUFFER_WARNING_INTERVAL"},
	{"VLLM_SKIP_P2P_CHECK", "SGLANG_SKIP_P2P_CHECK"},
	{"VLLM_USE_MODELSCOPE", "SGLANG_USE_MODELSCOPE"},
	{"VLLM_ROCM_USE_AITER", "SGLANG_USE_AITER"},
	{"VLLM_ROCM_QUICK_REDUCE_CAST_BF16_TO_FP16", "ROCM_QUICK_REDUCE_CAST_BF16_TO_FP16"},
	{"VLLM_ROCM_QUICK_REDUCE_MAX_SIZE_BYTES_MB", "ROCM_QUICK_REDUCE_MAX_SIZE_BYTES_MB"},
	{"VLLM_ROCM_QUICK_REDUCE_QUANTIZATION", "ROCM_QUICK_REDUCE_QUANTIZATION"},
}

// rewriteEnv edits the vLLM container's environment, in this order:
//  1. each mapped VLLM_* variable is copied to its SGLang name, right after
//     it, unless the container already sets that name (the operator wins);
//     the VLLM_* variable stays, and unmapped ones are kept as they are;
//  2. the profile's removeNames and removePrefixes go;
//  3. the profile's additions are appended when the container does not set
//     the name itself.
func rewriteEnv(env []corev1.EnvVar, spec *v1alpha1.EnvSpec) []corev1.EnvVar {
	out := make([]corev1.EnvVar, 0, len(env)+len(spec.Add)+2)
	set := make(map[string]bool, len(env))
	for _, e := range env {
		set[e.Name] = true
	}
	for _, e := range env {
		out = append(out, e)
		if to, ok := sglangName(e.Name); ok && !set[to] {
			copied := *e.DeepCopy()
			copied.Name = to
			out = append(out, copied)
			set[to] = true
		}
	}
	out = slices.DeleteFunc(out, func(e corev1.EnvVar) bool { return removedEnv(e.Name, spec) })
	kept := make(map[string]bool, len(out))
	for _, e := range out {
		kept[e.Name] = true
	}
	for _, a := range spec.Add {
		if !kept[a.Name] {
			out = append(out, *a.DeepCopy())
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func sglangName(name string) (string, bool) {
	for _, m := range vllmToSGLangEnv {
		if m.from == name {
			return m.to, true
		}
	}
	return "", false
}

func removedEnv(name string, spec *v1alpha1.EnvSpec) bool {
	if slices.Contains(spec.RemoveNames, name) {
		return true
	}
	for _, p := range spec.RemovePrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// envNames lists the names a container's env sets, for the argv translator
// (VLLM_API_KEY becomes --api-key $(VLLM_API_KEY)).
func envNames(env []corev1.EnvVar) []string {
	names := make([]string, len(env))
	for i, e := range env {
		names[i] = e.Name
	}
	return names
}
