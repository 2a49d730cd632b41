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
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

// withCommand is testPod with another command (and args, env).
func withCommand(command, args []string, env ...corev1.EnvVar) *corev1.Pod {
	p := testPod()
	c := &p.Spec.Containers[0]
	c.Command, c.Args, c.Env = command, args, env
	return p
}

func TestServedModels(t *testing.T) {
	cases := map[string]struct {
		pod      *corev1.Pod
		want     []string
		complete bool
	}{
		"the model argument of vllm serve": {
			pod:  withCommand([]string{"vllm", "serve", "deepseek-ai/DeepSeek-V3"}, nil),
			want: []string{"deepseek-ai/DeepSeek-V3"}, complete: true,
		},
		"--model, and every --served-model-name": {
			pod:  withCommand([]string{"vllm", "serve"}, []string{"--model", "/mnt/models", "--served-model-name", "qwen3", "qwen"}),
			want: []string{"/mnt/models", "qwen3", "qwen"}, complete: true,
		},
		"a $(VAR) reference, from the container's env": {
			pod: withCommand([]string{"vllm", "serve", "$(MODEL)"}, nil,
				corev1.EnvVar{Name: "ORG", Value: "Qwen"}, corev1.EnvVar{Name: "MODEL", Value: "$(ORG)/Qwen3-8B"}),
			want: []string{"Qwen/Qwen3-8B"}, complete: true,
		},
		"$$ is a dollar sign, as the kubelet writes it": {
			pod:  withCommand([]string{"vllm", "serve", "m", "--served-model-name", "$$(not-a-var)"}, nil),
			want: []string{"m", "$(not-a-var)"}, complete: true,
		},
		"not a name that comes from a Secret at run time": {
			pod: withCommand([]string{"vllm", "serve", "$(MODEL)", "--served-model-name", "served"}, nil,
				corev1.EnvVar{Name: "MODEL", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{Key: "m"}}}),
			want: []string{"served"}, complete: false,
		},
		"not a name that envFrom may define": {
			pod: func() *corev1.Pod {
				p := withCommand([]string{"vllm", "serve", "$(MODEL)"}, nil)
				p.Spec.Containers[0].EnvFrom = []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{}}}
				return p
			}(),
			want: nil, complete: false,
		},
		"a script translated at start: the names it writes, incomplete": {
			pod:  withCommand([]string{"sh", "-c", `vllm serve Qwen/Qwen3-8B "$@"`, "sh"}, nil),
			want: []string{"Qwen/Qwen3-8B"}, complete: false,
		},
		"none for a pod with two vLLM containers": {
			pod: func() *corev1.Pod {
				p := testPod()
				p.Spec.Containers = append(p.Spec.Containers, *p.Spec.Containers[0].DeepCopy())
				p.Spec.Containers[1].Name = "second"
				return p
			}(),
			want: nil, complete: false,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, complete := ServedModels(&tc.pod.Spec)
			if !slices.Equal(got, tc.want) || complete != tc.complete {
				t.Errorf("ServedModels = %q, complete %v; want %q, complete %v", got, complete, tc.want, tc.complete)
			}
		})
	}
}

// TestModelPatternsMatchEveryWayVLLMNamesTheModel resolves pods against a
// DeepSeek profile (glob) and a Qwen profile (regex), with the default for
// the rest: each way of naming the model picks the same profile.
func TestModelPatternsMatchEveryWayVLLMNamesTheModel(t *testing.T) {
	mk := func(name string, kind v1alpha1.PatternKind, pattern string) *profile.Candidate {
		p := profile.Default()
		p.Name = name
		p.Spec.Selector = &v1alpha1.ProfileSelector{Models: []v1alpha1.ModelPattern{{Pattern: pattern, Kind: kind}}}
		return profile.NewCandidate(p)
	}
	set := profile.NewSet([]*profile.Candidate{
		profile.NewCandidate(profile.Default()),
		mk("deepseek", v1alpha1.PatternGlob, "deepseek-ai/*"),
		mk("qwen", v1alpha1.PatternRegex, `(?i)qwen/qwen3-.*`),
	})
	cases := map[string]struct {
		command, args []string
		image         string
		want          string
	}{
		"the model argument of vllm serve": {command: []string{"vllm", "serve", "deepseek-ai/DeepSeek-V3"}, want: "deepseek"},
		"--model of vllm serve":            {command: []string{"vllm", "serve", "--model", "Qwen/Qwen3-32B"}, want: "qwen"},
		"--model=VALUE of the api_server module": {
			command: []string{"python3", "-m", "vllm.entrypoints.openai.api_server", "--model=deepseek-ai/DeepSeek-R1"}, want: "deepseek",
		},
		"--served-model-name of a model on a local path": {
			command: []string{"vllm", "serve", "/mnt/models", "--served-model-name", "Qwen/Qwen3-8B"}, want: "qwen",
		},
		"args of an image whose entrypoint is vLLM's server": {
			args: []string{"--model", "deepseek-ai/DeepSeek-V3"}, image: "vllm/vllm-openai:v0.10.1", want: "deepseek",
		},
		"a shell script's literal model": {
			command: []string{"/bin/sh", "-c", "exec vllm serve Qwen/Qwen3-8B --port 8000"}, want: "qwen",
		},
		"a script translated at start, by the model it writes": {
			command: []string{"bash", "-c", `vllm serve deepseek-ai/DeepSeek-V3 $ARGS`}, want: "deepseek",
		},
		"a script translated at start that names the model in a variable: the default": {
			command: []string{"bash", "-c", `vllm serve "$MODEL" $ARGS`}, want: v1alpha1.DefaultProfileName,
		},
		"a model no pattern matches: the default": {
			command: []string{"vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct"}, want: v1alpha1.DefaultProfileName,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			pod := testPod()
			c := &pod.Spec.Containers[0]
			c.Command, c.Args = tc.command, tc.args
			if tc.image != "" {
				c.Image = tc.image
			}
			r := set.Resolve(SubjectOf(&pod.ObjectMeta, &pod.Spec, nil))
			if r.Name != tc.want {
				t.Errorf("profile %q (%s), want %q", r.Name, r.Why(), tc.want)
			}
		})
	}
}
