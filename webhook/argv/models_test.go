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

import (
	"slices"
	"testing"
)

func TestModelNames(t *testing.T) {
	cases := map[string]struct {
		command, args []string
		image         string
		want          []string
		complete      bool
	}{
		"the positional model of vllm serve": {
			command: []string{"vllm", "serve", "Qwen/Qwen3-8B", "--port", "8000"},
			want:    []string{"Qwen/Qwen3-8B"}, complete: true,
		},
		"--model when there is no positional model": {
			command: []string{"vllm", "serve", "--model", "deepseek-ai/DeepSeek-V3"},
			want:    []string{"deepseek-ai/DeepSeek-V3"}, complete: true,
		},
		"the positional model wins over --model, as in vLLM": {
			command: []string{"vllm", "serve", "meta-llama/Llama-3.1-8B", "--model", "ignored/by-vllm"},
			want:    []string{"meta-llama/Llama-3.1-8B"}, complete: true,
		},
		"--model of the api_server module": {
			command: []string{"python3", "-m", "vllm.entrypoints.openai.api_server", "--model=/mnt/models"},
			want:    []string{"/mnt/models"}, complete: true,
		},
		"every --served-model-name after the model": {
			command: []string{"vllm", "serve", "/mnt/models", "--served-model-name", "qwen3", "qwen3-latest"},
			want:    []string{"/mnt/models", "qwen3", "qwen3-latest"}, complete: true,
		},
		"the last --served-model-name, as argparse keeps it": {
			command: []string{"vllm", "serve", "m", "--served-model-name", "a", "--served-model-name", "b"},
			want:    []string{"m", "b"}, complete: true,
		},
		"a served name equal to the model once": {
			command: []string{"vllm", "serve", "m", "--served-model-name", "m"},
			want:    []string{"m"}, complete: true,
		},
		"args of an image whose entrypoint is vLLM's server": {
			args: []string{"--model", "mistralai/Mistral-7B-Instruct-v0.3"}, image: "vllm/vllm-openai:v0.10.1",
			want: []string{"mistralai/Mistral-7B-Instruct-v0.3"}, complete: true,
		},
		"a Kubernetes $(VAR) reference as written": {
			command: []string{"vllm", "serve", "$(MODEL_ID)"},
			want:    []string{"$(MODEL_ID)"}, complete: true,
		},
		"the literal model of a shell script": {
			command: []string{"sh", "-c", "exec vllm serve 'Qwen/Qwen3-8B' --served-model-name qwen"},
			want:    []string{"Qwen/Qwen3-8B", "qwen"}, complete: true,
		},
		"not a model the shell expands at run time": {
			command: []string{"sh", "-c", `vllm serve "$MODEL" --served-model-name qwen`},
			want:    []string{"qwen"}, complete: false,
		},
		"a script translated at start: the names its server command writes, partly known": {
			command: []string{"sh", "-c", `vllm serve deepseek-ai/DeepSeek-V3 --served-model-name ds $EXTRA_ARGS`},
			want:    []string{"deepseek-ai/DeepSeek-V3", "ds"}, complete: false,
		},
		"a script translated at start with several servers: none": {
			command: []string{"sh", "-c", "vllm serve a --port 8001 & vllm serve b --port 8002; wait"},
			want:    nil, complete: false,
		},
		"a script running vLLM from eval: none": {
			command: []string{"sh", "-c", `eval "vllm serve m $ARGS"`},
			want:    nil, complete: false,
		},
		"a command that names no model: none": {
			command: []string{"vllm", "serve", "--config", "c.yaml"},
			want:    nil, complete: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			inv, reason := Detect(tc.command, tc.args, tc.image)
			if inv == nil {
				t.Fatalf("Detect = nil, %s", reason)
			}
			got, complete := inv.ModelNames()
			if !slices.Equal(got, tc.want) || complete != tc.complete {
				t.Errorf("ModelNames() = %q, complete %v; want %q, complete %v (Detect: %s)", got, complete, tc.want, tc.complete, reason)
			}
		})
	}
}
