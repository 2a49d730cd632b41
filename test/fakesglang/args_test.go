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

package fakesglang

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	known := func(name string) (FlagInfo, bool) {
		switch name {
		case "--model-path", "--model":
			return FlagInfo{Name: "--model-path", TakesValue: true}, true
		case "--port", "--host", "--served-model-name":
			return FlagInfo{Name: name, TakesValue: true}, true
		case "--enable-metrics", "--enable-lora", "--enable-memory-saver", "--enable-weights-cpu-backup":
			return FlagInfo{Name: name}, true
		case "--max-lora-rank":
			return FlagInfo{Name: name, TakesValue: true}, true
		case "--lora-paths", "--lora-target-modules":
			return FlagInfo{Name: name, TakesValue: true, Multi: true}, true
		}
		return FlagInfo{}, false
	}
	tests := map[string]struct {
		argv    string
		lookup  FlagLookup
		want    Args
		wantErr string
	}{
		"reads the rewritten pod's python3 -m sglang.launch_server argv": {
			argv: "python3 -m sglang.launch_server --model-path org/m --host 127.0.0.1 --port 8001 --enable-metrics", lookup: known,
			want: Args{ModelPath: "org/m", Host: "127.0.0.1", Port: 8001, EnableMetrics: true},
		},
		"accepts --flag=value and aliases": {
			argv: "-- --model=org/m --served-model-name=name", lookup: known,
			want: Args{ModelPath: "org/m", ServedModelName: "name", Host: DefaultHost, Port: DefaultPort},
		},
		"rejects a flag SGLang does not have, as argparse does": {
			argv: "python3 -m sglang.launch_server --model-path m --gpu-memory-utilization 0.9", lookup: known,
			wantErr: "unrecognized arguments: --gpu-memory-utilization",
		},
		"reads the tool-call and reasoning parsers": {
			argv: "--model-path m --tool-call-parser mistral --reasoning-parser deepseek-r1",
			want: Args{ModelPath: "m", Host: DefaultHost, Port: DefaultPort, ToolCallParser: "mistral", ReasoningParser: "deepseek-r1"},
		},
		"reads the LoRA flags, every value of a list": {
			argv: "--model-path m --enable-lora --lora-paths a=/l/a /l/b --max-lora-rank 16 --lora-target-modules q_proj v_proj", lookup: known,
			want: Args{ModelPath: "m", Host: DefaultHost, Port: DefaultPort, EnableLoRA: true, LoRAPaths: []string{"a=/l/a", "/l/b"},
				MaxLoRARank: "16", LoRATargetModules: []string{"q_proj", "v_proj"}},
		},
		"refuses --enable-lora without initial adapters or both LoRA limits, as SGLang's server args check does": {
			argv: "--model-path m --enable-lora --max-lora-rank 16", wantErr: "you need to specify both --max-lora-rank and --lora-target-modules",
		},
		"starts LoRA from initial adapters alone": {
			argv: "--model-path m --enable-lora --lora-paths a=/l/a",
			want: Args{ModelPath: "m", Host: DefaultHost, Port: DefaultPort, EnableLoRA: true, LoRAPaths: []string{"a=/l/a"}},
		},
		"reads the memory saver and accepts its weights backup": {
			argv: "--model-path m --enable-memory-saver --enable-weights-cpu-backup", lookup: known,
			want: Args{ModelPath: "m", Host: DefaultHost, Port: DefaultPort, MemorySaver: true},
		},
		"requires --model-path": {
			argv: "--port 1", lookup: known, wantErr: "required: --model-path",
		},
		"without a catalog accepts any flag": {
			argv: "--model-path m --anything 3 --switch",
			want: Args{ModelPath: "m", Host: DefaultHost, Port: DefaultPort},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseArgs(strings.Fields(tc.argv), tc.lookup)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ParseArgs = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}
