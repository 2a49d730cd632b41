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
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// Every container of every fixture is either detected (and translates to
// a command SGLang accepts) or skipped for the right reason.
func TestFixturesAreDetectedOrSkippedWithTheRightReason(t *testing.T) {
	want := map[string]SkipReason{
		"aibrix-quickstart-deployment/vllm-openai": NotSkipped,
		"kserve-vllmserver-isvc/kserve-container":  NotSkipped, // runtime and deployment
		// The LLMInferenceService names the container without a command; its
		// config and the Deployment run vLLM from an eval string.
		"kserve-llminferenceservice/LLMInferenceService/main":       SkipNoCommand,
		"kserve-llminferenceservice/LLMInferenceServiceConfig/main": TranslateAtStart,
		"kserve-llminferenceservice/Deployment/main":                TranslateAtStart,
		"kserve-llminferenceservice/storage-initializer":            SkipNotVLLM,
		"kserve-vllmserver-isvc/storage-initializer":                SkipNotVLLM,
		"llm-d-modelservice-tp8-devstral-tools/vllm":                NotSkipped,
		"llm-d-modelservice-tp8-devstral-tools/routing-proxy":       SkipNotVLLM,
		"production-stack-helm-lora-sidecar/vllm":                   NotSkipped,
		"production-stack-helm-lora-sidecar/sidecar":                SkipNoCommand,
		"production-stack-helm-single-gpu-llama/vllm":               NotSkipped,
		"production-stack-helm-tp8-devstral-tools/vllm":             NotSkipped,
		"production-stack-operator-tp8-devstral-tools/vllm":         NotSkipped,
		"vllm-docs-k8s-amd-rocm-hostnetwork/mistral-7b":             NotSkipped,
		"vllm-docs-k8s-gpu-nvidia/mistral-7b":                       NotSkipped,
	}
	seen := map[string]bool{}
	for _, c := range loadFixtureContainers(t) {
		id := c.id()
		if _, byKind := want[c.kindID()]; byKind {
			id = c.kindID()
		}
		seen[id] = true
		t.Run(id, func(t *testing.T) {
			expected, ok := want[id]
			if !ok {
				t.Fatalf("no expectation for fixture container %s", c.id())
			}
			inv, reason := Detect(c.command, c.args, c.image)
			if reason != expected {
				t.Fatalf("reason %q, want %q", reason, expected)
			}
			if reason != NotSkipped {
				return
			}
			for _, release := range sglang.Releases() {
				res, err := Translate(inv, Options{Host: "127.0.0.1", Port: 8001, Release: release})
				if err != nil {
					t.Fatal(err)
				}
				if err := release.Validate(res.SGLangArgs); err != nil {
					t.Fatalf("SGLang would refuse %q: %v", res.SGLangArgs, err)
				}
				if len(res.Rejected()) > 0 {
					t.Errorf("a fixture is rejected on SGLang %s: %+v", release.Version(), res.Rejected())
				}
			}
		})
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("expected fixture container %s not found", id)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := map[string]struct {
		command, args []string
		image         string
		reason        SkipReason
		form          Form
		model         string
		shell         bool
		detail        string // substring
	}{
		"finds vllm serve with a positional model": {
			command: []string{"vllm", "serve", "org/m", "--port", "8000"}, reason: NotSkipped, form: FormServe, model: "org/m"},
		"finds vllm serve by path, with args in args": {
			command: []string{"/opt/venv/bin/vllm", "serve"}, args: []string{"org/m"}, reason: NotSkipped, form: FormServe, model: "org/m"},
		"takes --model when vllm serve has no positional model": {
			command: []string{"vllm", "serve", "--port", "8000", "--model", "org/m"}, reason: NotSkipped, form: FormServe, model: "org/m"},
		"lets the positional model win over --model, like vLLM": {
			command: []string{"vllm", "serve", "org/a", "--model", "org/b"}, reason: NotSkipped, form: FormServe, model: "org/a"},
		"finds the api_server module with interpreter options": {
			command: []string{"python3", "-u", "-m", "vllm.entrypoints.openai.api_server"}, args: []string{"--model=/mnt/models"},
			reason: NotSkipped, form: FormModule, model: "/mnt/models"},
		"finds the api_server module run by a versioned python": {
			command: []string{"/usr/bin/python3.12", "-m", "vllm.entrypoints.openai.api_server", "--model", "m"},
			reason:  NotSkipped, form: FormModule, model: "m"},
		"finds vllm's CLI module running serve": {
			command: []string{"python", "-m", "vllm.entrypoints.cli.main", "serve", "m"}, reason: NotSkipped, form: FormServe, model: "m"},
		"uses the entrypoint of vLLM's server image for args-only containers": {
			args: []string{"--model", "m", "--tensor-parallel-size", "2"}, image: "vllm/vllm-openai:v0.6.3",
			reason: NotSkipped, form: FormEntrypoint, model: "m"},
		"recognises the server image behind any registry, tag and digest": {
			args: []string{"org/m"}, image: "registry.local:5000/mirror/vllm/vllm-openai:latest@sha256:abc",
			reason: NotSkipped, form: FormEntrypoint, model: "org/m"},
		"recognises vLLM's ROCm server image": {
			args: []string{"org/m"}, image: "docker.io/vllm/vllm-openai-rocm:v0.11.0", reason: NotSkipped, form: FormEntrypoint, model: "org/m"},
		"reads args-only commands on images without an entrypoint": {
			args: []string{"vllm", "serve", "m"}, image: "rocm/vllm:latest", reason: NotSkipped, form: FormServe, model: "m"},
		"skips an args-only container on another image": {
			args: []string{"--port=8000"}, image: "ghcr.io/llm-d/llm-d-routing-sidecar:latest", reason: SkipNotVLLM},
		"skips a container with neither command nor args on another image": {
			image: "lmcache/lmstack-sidecar:latest", reason: SkipNoCommand},
		"skips other vllm subcommands": {
			command: []string{"vllm", "bench", "serve", "--model", "m"}, reason: SkipNotServer},
		"skips vLLM's non-OpenAI demo server": {
			command: []string{"python3", "-m", "vllm.entrypoints.api_server", "--model", "m"}, reason: SkipNotServer},
		"skips python running something else": {
			command: []string{"python3", "-m", "http.server"}, reason: SkipNotVLLM},
		"skips a server without a model": {
			command: []string{"vllm", "serve", "--config", "/etc/vllm.yaml"}, reason: SkipNoModel, detail: "--config"},
		"skips the api_server module without --model": {
			command: []string{"python3", "-m", "vllm.entrypoints.openai.api_server", "--port", "8000"}, reason: SkipNoModel},
		"skips Ray-based multi-node servers": {
			command: []string{"vllm", "serve", "m", "--distributed-executor-backend", "ray", "-tp", "8", "-pp", "2"},
			reason:  SkipMultiNode, detail: "--distributed-executor-backend ray"},
		"skips headless data-parallel nodes": {
			command: []string{"vllm", "serve", "m", "--headless", "--data-parallel-start-rank", "2"}, reason: SkipMultiNode, detail: "--headless"},
		"skips data-parallel ranks that join another node's group": {
			command: []string{"vllm", "serve", "m", "-dp", "4", "-dpl", "2", "-dpa", "10.0.0.1"}, reason: SkipMultiNode},
		"skips a torch.distributed group spanning nodes": {
			command: []string{"vllm", "serve", "m", "--nnodes", "2", "--node-rank", "0", "--master-addr", "10.0.0.1"}, reason: SkipMultiNode, detail: "--nnodes is 2"},
		"keeps a single-node server that names its own node": {
			command: []string{"vllm", "serve", "m", "--nnodes", "1", "--node-rank", "0", "--master-addr", "127.0.0.1"}, reason: NotSkipped, form: FormServe, model: "m"},
		"keeps all data-parallel ranks in one pod": {
			command: []string{"vllm", "serve", "m", "-dp", "2", "--data-parallel-size-local", "2"}, reason: NotSkipped, form: FormServe, model: "m"},
		"finds vllm serve in an sh -c script": {
			command: []string{"/bin/sh", "-c"}, args: []string{"vllm serve org/m --port 8000"}, reason: NotSkipped, form: FormServe, model: "org/m", shell: true},
		"finds vllm serve after other commands in a bash -ec script": {
			command: []string{"bash", "-ec", "pip install x && exec vllm serve \"org/m\" --trust-remote-code"},
			reason:  NotSkipped, form: FormServe, model: "org/m", shell: true},
		"keeps a model given by a shell variable": {
			command: []string{"sh", "-c", "vllm serve $MODEL --port 8000"}, reason: NotSkipped, form: FormServe, model: "$MODEL", shell: true},
		"translates at start flags hidden in a shell variable": {
			command: []string{"sh", "-c", "vllm serve org/m $EXTRA_ARGS"}, reason: TranslateAtStart, detail: "$EXTRA_ARGS"},
		"translates at start arguments passed through \"$@\"": {
			command: []string{"sh", "-c", `exec vllm serve org/m "$@"`, "sh", "--port", "8000"}, reason: TranslateAtStart, detail: `"$@"`},
		"translates at start a server command built by eval": {
			command: []string{"bash", "-c", `eval "exec vllm serve /mnt/models --port 8000 ${EXTRA} $@"`}, reason: TranslateAtStart, detail: "eval"},
		"routes the readable vLLM command of an eval string, not one whose program is a variable": {
			command: []string{"bash", "-c", `eval "exec $VLLM serve m; vllm serve n"`}, reason: TranslateAtStart},
		"refuses vLLM inside an eval within an eval": {
			command: []string{"bash", "-c", `eval "eval 'vllm serve m'"`}, reason: SkipShellUnsafe, detail: "eval within an eval"},
		"refuses a script that does not parse": {
			command: []string{"sh", "-c", "vllm serve m; if then"}, reason: SkipShellUnsafe, detail: "does not parse"},
		"translates at start a script that starts two servers": {
			command: []string{"sh", "-c", "vllm serve a --port 8000 & vllm serve b --port 8001; wait"}, reason: TranslateAtStart, detail: "2 vLLM server commands"},
		"skips a script that starts a Ray node": {
			command: []string{"bash", "-c", "ray start --head && vllm serve m -tp 8 -pp 2"}, reason: SkipMultiNode, detail: "ray start"},
		"skips a script that does not run vLLM": {
			command: []string{"sh", "-c", "echo hello; sleep infinity"}, reason: SkipNotVLLM},
		"skips a shell running a script file": {
			command: []string{"/bin/bash", "/scripts/start.sh"}, reason: SkipNotVLLM},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			inv, reason := Detect(tc.command, tc.args, tc.image)
			if reason != tc.reason {
				t.Fatalf("reason %q, want %q (detail %q)", reason, tc.reason, detailOf(inv))
			}
			if reason.RunsVLLM() != (inv != nil) {
				t.Errorf("RunsVLLM()=%v but invocation %v", reason.RunsVLLM(), inv)
			}
			if !strings.Contains(detailOf(inv), tc.detail) {
				t.Errorf("detail %q, want it to mention %q", detailOf(inv), tc.detail)
			}
			if reason != NotSkipped {
				return
			}
			if inv.Form != tc.form || inv.Model != tc.model || inv.Shell != tc.shell {
				t.Errorf("got form %s model %q shell %v", inv.Form, inv.Model, inv.Shell)
			}
		})
	}
}

func detailOf(inv *Invocation) string {
	if inv == nil {
		return ""
	}
	return inv.Detail
}

func TestSkipReasonsHaveSentences(t *testing.T) {
	for _, r := range []SkipReason{NotSkipped, SkipNoCommand, SkipNotVLLM, SkipNotServer, SkipNoModel,
		SkipMultiNode, SkipShellUnsafe, TranslateAtStart} {
		if s := r.Sentence(); s == "" || s == string(r) {
			t.Errorf("%q has no sentence", r)
		}
	}
}
