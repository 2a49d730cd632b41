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
	"path"
	"regexp"
	"strings"
)

// SkipReason says why Detect found nothing to translate. It is a bounded
// set (a metric label); Sentence gives the human version.
type SkipReason string

const (
	// NotSkipped: a single-node vLLM server that Translate can rewrite.
	NotSkipped SkipReason = ""
	// SkipNoCommand: no command or args, and an image whose entrypoint is
	// not known to run vLLM's server.
	SkipNoCommand SkipReason = "no-command"
	// SkipNotVLLM: the container runs something else.
	SkipNotVLLM SkipReason = "not-vllm"
	// SkipNotServer: vLLM, but not its OpenAI server (vllm bench, chat...).
	SkipNotServer SkipReason = "not-vllm-server"
	// SkipNoModel: the command names no model (it may be in a --config file).
	SkipNoModel SkipReason = "no-model"
	// SkipMultiNode: one part of a multi-node vLLM deployment.
	SkipMultiNode SkipReason = "multi-node"
	// SkipShellUnsafe: a shell script the webhook cannot rewrite safely.
	SkipShellUnsafe SkipReason = "shell-unsafe"
	// TranslateAtStart: a shell script runs vLLM's server in a way the
	// webhook cannot read in full (flags in variables or "$@", the command
	// inside eval, several servers). Not a skip: the container is rewritten
	// to translate the command when it starts (Invocation.Route).
	TranslateAtStart SkipReason = "translate-at-start"
)

var skipSentences = map[SkipReason]string{
	NotSkipped:       "runs vLLM's OpenAI server",
	SkipNoCommand:    "sets no command and its image is not a known vLLM server image",
	SkipNotVLLM:      "does not run vLLM",
	SkipNotServer:    "runs a vLLM command other than the OpenAI server",
	SkipNoModel:      "runs vLLM's server without naming a model on the command line",
	SkipMultiNode:    "runs one part of a multi-node vLLM deployment",
	SkipShellUnsafe:  "starts vLLM from a shell script the webhook cannot rewrite safely",
	TranslateAtStart: "starts vLLM's server from a shell script whose command is only known when it runs",
}

// Sentence is the reason as a human sentence about the container.
func (r SkipReason) Sentence() string {
	if s, ok := skipSentences[r]; ok {
		return s
	}
	return string(r)
}

// RunsVLLM reports whether the container runs vLLM's server even though
// it is left alone (multi-node, unsafe script...).
func (r SkipReason) RunsVLLM() bool {
	switch r {
	case NotSkipped, SkipNoModel, SkipMultiNode, SkipShellUnsafe, TranslateAtStart:
		return true
	}
	return false
}

// Detect reports whether a container runs vLLM's OpenAI server. It returns
// the parsed invocation when it found vLLM's server, even when the reason
// says the container must be left alone (inv.Detail says more); reason is
// NotSkipped when Translate can rewrite it.
func Detect(command, args []string, image string) (inv *Invocation, reason SkipReason) {
	if len(command) == 0 && ServerImage(image) {
		return detectArgs(&Invocation{Form: FormEntrypoint}, literalTokens(args), command, args)
	}
	argv := append(append([]string(nil), command...), args...)
	if len(argv) == 0 {
		return nil, SkipNoCommand
	}
	if s, ok := findShellScript(argv); ok {
		return detectShell(s, command, args)
	}
	form, n, reason := classify(literalTokens(argv))
	if reason != NotSkipped {
		return nil, reason
	}
	return detectArgs(&Invocation{Form: form}, literalTokens(argv[n:]), command, args)
}

// detectArgs parses the server's arguments and checks what keeps the
// container from being rewritten.
func detectArgs(inv *Invocation, toks []token, command, args []string) (*Invocation, SkipReason) {
	inv.command, inv.args = command, args
	inv.Args = parseArgs(toks)
	inv.findModel()
	if inv.Model == "" {
		if _, ok := inv.Flag("--config"); ok {
			inv.Detail = "the model may be set in the --config file, which the webhook cannot read"
		}
		return inv, SkipNoModel
	}
	if why := inv.multiNode(); why != "" {
		inv.Detail = why
		return inv, SkipMultiNode
	}
	return inv, NotSkipped
}

// findModel applies vLLM's rule: the positional model wins over --model.
func (inv *Invocation) findModel() {
	inv.modelIndex = -1
	if inv.Form != FormModule {
		for i, a := range inv.Args {
			if a.Flag == "" {
				inv.modelIndex, inv.Model = i, a.Value()
				return
			}
		}
	}
	if a, ok := inv.Flag("--model"); ok {
		inv.Model = a.Value()
	}
}

// modelArg reports whether a is the positional model argument.
func (inv *Invocation) modelArg(a Arg) bool {
	return a.Flag == "" && inv.modelIndex >= 0 && a.pos == inv.modelIndex
}

// modelToken is the model as a word, keeping shell source verbatim.
func (inv *Invocation) modelToken() token {
	if inv.modelIndex >= 0 {
		return inv.Args[inv.modelIndex].tokens()[0]
	}
	if a, ok := inv.Flag("--model"); ok && len(a.Values) > 0 {
		return a.tokens()[len(a.Values)-1]
	}
	return token{text: inv.Model}
}

// multiNode returns the first multi-node signal among the arguments.
func (inv *Invocation) multiNode() string {
	if inv.Detail != "" {
		return inv.Detail
	}
	for _, a := range inv.Args {
		if !a.Known {
			continue
		}
		if r := vllmRules[a.Flag]; r.multiNode != nil {
			if why := r.multiNode(a, inv); why != "" {
				return why
			}
		}
	}
	return ""
}

var pythonName = regexp.MustCompile(`^python(\d+(\.\d+)?)?$`)

// classify recognises the program words of vLLM's server: `vllm serve`,
// `python[3] -m vllm.entrypoints.openai.api_server`. It returns how many
// words belong to the program.
func classify(words []token) (Form, int, SkipReason) {
	if len(words) == 0 || words[0].raw {
		return "", 0, SkipNotVLLM
	}
	prog := path.Base(words[0].text)
	switch {
	case prog == "vllm":
		if len(words) > 1 && words[1].text == "serve" && !words[1].raw {
			return FormServe, 2, NotSkipped
		}
		return "", 0, SkipNotServer
	case pythonName.MatchString(prog):
		return classifyPython(words)
	}
	return "", 0, SkipNotVLLM
}

func classifyPython(words []token) (Form, int, SkipReason) {
	i := 1
	for i < len(words) && strings.HasPrefix(words[i].text, "-") && words[i].text != "-m" {
		i++ // interpreter options such as -u
	}
	if i+1 >= len(words) || words[i].text != "-m" {
		return "", 0, SkipNotVLLM
	}
	switch module := words[i+1].text; {
	case module == "vllm.entrypoints.openai.api_server":
		return FormModule, i + 2, NotSkipped
	case module == "vllm.entrypoints.cli.main" && i+2 < len(words) && words[i+2].text == "serve":
		return FormServe, i + 3, NotSkipped
	case module == "vllm" || strings.HasPrefix(module, "vllm."):
		return "", 0, SkipNotServer
	}
	return "", 0, SkipNotVLLM
}

// serverImages are repositories whose image entrypoint runs vLLM's OpenAI
// server (`vllm serve`, or the api_server module in older tags), so an
// args-only container on them is a vLLM server. Images without such an
// entrypoint (rocm/vllm, llm-d's) are recognised by their command instead.
var serverImages = []string{"vllm/vllm-openai", "vllm/vllm-openai-rocm"}

// ServerImage reports whether an image's entrypoint runs vLLM's server:
// its repository path (any registry, tag or digest) is vllm/vllm-openai
// or vllm/vllm-openai-rocm.
func ServerImage(image string) bool {
	repo := imageRepository(image)
	for _, s := range serverImages {
		if repo == s || strings.HasSuffix(repo, "/"+s) {
			return true
		}
	}
	return false
}

// imageRepository strips the tag or digest from an image reference, and
// the registry host when one is given.
func imageRepository(image string) string {
	ref, _, _ := strings.Cut(image, "@")
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	first, rest, ok := strings.Cut(ref, "/")
	if ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		ref = rest
	}
	return strings.TrimPrefix(ref, "library/")
}
