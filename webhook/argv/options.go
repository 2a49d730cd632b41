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

package argv

import "github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"

// Options for one translation.
type Options struct {
	// Policy is what the profile says about the translation; the zero
	// Policy is the table's own behaviour.
	Policy Policy
	// Host is SGLang's --host. Empty keeps vLLM's --host, or 0.0.0.0 (vLLM's
	// default: all interfaces) when the command did not set one.
	Host string
	// Port is SGLang's --port. Zero keeps vLLM's port (default 8000).
	Port int32
	// Release is the catalog of the SGLang release the profile runs (see
	// sglang.Resolve): nothing it lacks is emitted. Nil means the oldest
	// supported release.
	Release *sglang.Catalog
	// ROCm is true when the pod runs on AMD GPUs, where SGLang's default
	// attention backend (aiter) shrinks --mem-fraction-static for long
	// contexts; the --gpu-memory-utilization translation makes up for it.
	ROCm bool
	// Env is the environment of a command translated as it starts (the
	// launcher's): a variable the translation needs (VLLM_API_KEY) is then
	// written by value, as nothing expands a reference any more.
	Env map[string]string
	// EnvNames are the names of the environment variables the container
	// sets; VLLM_API_KEY there becomes --api-key $(VLLM_API_KEY).
	EnvNames []string
}

// Policy is a profile's say in the translation: an SGLangProfile's
// spec.args, converted by webhook/profile.ArgvPolicy (this package knows no
// Kubernetes types). The string values are the API's.
type Policy struct {
	// Extra are SGLang arguments appended to every translated command line;
	// each replaces any translated value of the same flag. Every flag must
	// exist in the release.
	Extra []string
	// Overrides replace the table's decision for single vLLM flags.
	Overrides []Override
	// ToolCallParsers and ReasoningParsers map vLLM --tool-call-parser and
	// --reasoning-parser names to SGLang names, on top of (and winning
	// over) the built-in maps.
	ToolCallParsers, ReasoningParsers map[string]string
	// GPUMemory is the --gpu-memory-utilization policy.
	GPUMemory GPUMemoryPolicy
	// RejectUnsafe turns each drop of a flag that cannot be translated
	// safely into a rejection (the profile's unsafeFlags: Reject); false
	// drops it with a warning (Warn).
	RejectUnsafe bool
}

// Override replaces the table's decision for one vLLM flag.
type Override struct {
	// Flag is the vLLM flag in its long dashed form, e.g. --block-size.
	Flag string
	// Action is what happens to the flag.
	Action OverrideAction
	// SGLangFlag is the SGLang flag the value goes to (OverrideRename).
	SGLangFlag string
}

// OverrideAction is what an Override does with its flag.
type OverrideAction string

const (
	// OverrideDrop: SGLang gets nothing for the flag, without a warning
	// (the finding says Translated: the profile asked for it).
	OverrideDrop OverrideAction = "Drop"
	// OverrideReject: a command that uses the flag is refused.
	OverrideReject OverrideAction = "Reject"
	// OverridePass: the flag goes to SGLang as written.
	OverridePass OverrideAction = "Pass"
	// OverrideRename: the values go to SGLang under Override.SGLangFlag.
	OverrideRename OverrideAction = "Rename"
)

// GPUMemoryPolicy is how --gpu-memory-utilization becomes SGLang's
// --mem-fraction-static.
type GPUMemoryPolicy struct {
	// Mode is GPUMemoryTranslate when empty.
	Mode GPUMemoryMode
	// Offset is subtracted from vLLM's fraction in Translate mode, because
	// SGLang's fraction excludes activations and graph buffers: a decimal
	// fraction, "0.07" when empty.
	Offset string
	// MemFractionStatic is the fraction emitted in Fixed mode.
	MemFractionStatic string
}

// GPUMemoryMode is a GPUMemoryPolicy's mode.
type GPUMemoryMode string

const (
	// GPUMemoryTranslate derives SGLang's fraction from vLLM's (minus the offset).
	GPUMemoryTranslate GPUMemoryMode = "Translate"
	// GPUMemoryOmit leaves the fraction to SGLang.
	GPUMemoryOmit GPUMemoryMode = "Omit"
	// GPUMemoryFixed emits MemFractionStatic whatever vLLM's fraction.
	GPUMemoryFixed GPUMemoryMode = "Fixed"
)
