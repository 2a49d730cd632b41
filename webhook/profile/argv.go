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

package profile

import (
	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
)

// overrideActions and gpuMemoryModes pair the API's values with the
// translator's. A value missing here (one the schema refuses) goes through
// as written, and the translator fails on it, naming it.
var (
	overrideActions = map[v1alpha1.FlagOverrideAction]argv.OverrideAction{
		v1alpha1.FlagDrop:   argv.OverrideDrop,
		v1alpha1.FlagReject: argv.OverrideReject,
		v1alpha1.FlagPass:   argv.OverridePass,
		v1alpha1.FlagRename: argv.OverrideRename,
	}
	gpuMemoryModes = map[v1alpha1.GPUMemoryMode]argv.GPUMemoryMode{
		v1alpha1.GPUMemoryTranslate: argv.GPUMemoryTranslate,
		v1alpha1.GPUMemoryOmit:      argv.GPUMemoryOmit,
		v1alpha1.GPUMemoryFixed:     argv.GPUMemoryFixed,
	}
)

// ArgvPolicy converts a profile's argument policy (spec.args) into the
// translator's, which knows no Kubernetes types. Every caller of
// argv.Translate with a profile goes through it: the rewrite, the profile's
// validation, `vllm-to-sglang translate` and `launch`, and the checks.
func ArgvPolicy(a *v1alpha1.ArgPolicy) argv.Policy {
	g := &a.GPUMemoryUtilization
	mode, ok := gpuMemoryModes[g.Mode]
	if !ok {
		mode = argv.GPUMemoryMode(g.Mode)
	}
	p := argv.Policy{
		Extra:            a.Extra,
		ToolCallParsers:  a.ToolCallParsers,
		ReasoningParsers: a.ReasoningParsers,
		GPUMemory:        argv.GPUMemoryPolicy{Mode: mode, Offset: g.Offset, MemFractionStatic: g.MemFractionStatic},
		RejectUnsafe:     a.UnsafeFlags == v1alpha1.UnsafeFlagReject,
	}
	if len(a.Overrides) > 0 {
		p.Overrides = make([]argv.Override, len(a.Overrides))
	}
	for i, o := range a.Overrides {
		action, ok := overrideActions[o.Action]
		if !ok {
			action = argv.OverrideAction(o.Action)
		}
		p.Overrides[i] = argv.Override{Flag: o.Flag, Action: action, SGLangFlag: o.SGLangFlag}
	}
	return p
}
