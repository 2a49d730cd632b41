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
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
)

func TestArgvPolicyCarriesEveryField(t *testing.T) {
	cases := map[string]struct {
		in   v1alpha1.ArgPolicy
		want argv.Policy
	}{
		"the zero policy is the table's own behaviour": {},
		"every field": {
			in: v1alpha1.ArgPolicy{
				Extra: []string{"--attention-backend", "triton"},
				Overrides: []v1alpha1.FlagOverride{
					{Flag: "--block-size", Action: v1alpha1.FlagRename, SGLangFlag: "--page-size"},
					{Flag: "--dtype", Action: v1alpha1.FlagDrop},
					{Flag: "--max-num-seqs", Action: v1alpha1.FlagReject},
					{Flag: "--trust-remote-code", Action: v1alpha1.FlagPass},
				},
				ToolCallParsers:      map[string]string{"olmo3": "pythonic"},
				ReasoningParsers:     map[string]string{"granite": "qwen3"},
				GPUMemoryUtilization: v1alpha1.GPUMemoryPolicy{Mode: v1alpha1.GPUMemoryFixed, Offset: "0.1", MemFractionStatic: ".85"},
				UnsafeFlags:          v1alpha1.UnsafeFlagReject,
			},
			want: argv.Policy{
				Extra: []string{"--attention-backend", "triton"},
				Overrides: []argv.Override{
					{Flag: "--block-size", Action: argv.OverrideRename, SGLangFlag: "--page-size"},
					{Flag: "--dtype", Action: argv.OverrideDrop},
					{Flag: "--max-num-seqs", Action: argv.OverrideReject},
					{Flag: "--trust-remote-code", Action: argv.OverridePass},
				},
				ToolCallParsers:  map[string]string{"olmo3": "pythonic"},
				ReasoningParsers: map[string]string{"granite": "qwen3"},
				GPUMemory:        argv.GPUMemoryPolicy{Mode: argv.GPUMemoryFixed, Offset: "0.1", MemFractionStatic: ".85"},
				RejectUnsafe:     true,
			},
		},
		"unsafeFlags Warn drops with a warning": {
			in:   v1alpha1.ArgPolicy{UnsafeFlags: v1alpha1.UnsafeFlagWarn, GPUMemoryUtilization: v1alpha1.GPUMemoryPolicy{Mode: v1alpha1.GPUMemoryOmit}},
			want: argv.Policy{GPUMemory: argv.GPUMemoryPolicy{Mode: argv.GPUMemoryOmit}},
		},
		"a value the schema refuses goes through, for the translator to refuse": {
			in:   v1alpha1.ArgPolicy{Overrides: []v1alpha1.FlagOverride{{Flag: "--dtype", Action: "Mangle"}}},
			want: argv.Policy{Overrides: []argv.Override{{Flag: "--dtype", Action: "Mangle"}}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ArgvPolicy(&tc.in)); diff != "" {
				t.Errorf("ArgvPolicy (-want +got):\n%s", diff)
			}
		})
	}
}

// TestArgvPolicyKnowsEveryAPIValue reads the values the API admits (the
// +kubebuilder:validation:Enum markers the CRD's schema is generated from)
// and checks ArgvPolicy gives each its meaning in the translator, so a value
// added to the API cannot reach the translator unconverted.
func TestArgvPolicyKnowsEveryAPIValue(t *testing.T) {
	src, err := os.ReadFile("../../api/v1alpha1/sglangprofile_types.go")
	if err != nil {
		t.Fatal(err)
	}
	enum := func(typ string) []string {
		m := regexp.MustCompile(`(?m)^// \+kubebuilder:validation:Enum=(\S+)\ntype ` + typ + ` string$`).FindSubmatch(src)
		if m == nil {
			t.Fatalf("no Enum marker on type %s", typ)
		}
		return strings.Split(string(m[1]), ";")
	}
	for _, v := range enum("FlagOverrideAction") {
		if _, ok := overrideActions[v1alpha1.FlagOverrideAction(v)]; !ok {
			t.Errorf("override action %q has no argv.OverrideAction", v)
		}
	}
	for _, v := range enum("GPUMemoryMode") {
		if _, ok := gpuMemoryModes[v1alpha1.GPUMemoryMode(v)]; !ok {
			t.Errorf("gpuMemoryUtilization.mode %q has no argv.GPUMemoryMode", v)
		}
	}
	for _, v := range enum("UnsafeFlagAction") {
		if v != string(v1alpha1.UnsafeFlagWarn) && v != string(v1alpha1.UnsafeFlagReject) {
			t.Errorf("unsafeFlags %q: ArgvPolicy knows only Warn and Reject", v)
		}
	}
}
