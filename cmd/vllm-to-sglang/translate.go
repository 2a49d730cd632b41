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

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"mvdan.cc/sh/v3/syntax"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// translateOptions are the flags of `vllm-to-sglang translate`.
type translateOptions struct {
	profile       string
	sglangVersion string
	output        string
	host          string
	port          int32
}

// translation is the -o json output.
type translation struct {
	Argv     []string `json:"argv"`
	Dropped  []string `json:"dropped"`
	Warnings []string `json:"warnings"`
	// SGLang is the release the command was translated for.
	SGLang releaseInfo `json:"sglang"`
	// release is the same, for humans (Release.String).
	release sglang.Release
}

// releaseInfo describes the SGLang release a translation is for.
type releaseInfo struct {
	Version string `json:"version"`
	Source  string `json:"source"`
	// Catalog is the release whose flags were used, when not Version's own.
	Catalog string `json:"catalog,omitempty"`
}

func newReleaseInfo(r sglang.Release) releaseInfo {
	info := releaseInfo{Version: r.Version.String(), Source: string(r.Source)}
	if r.Catalog.Version() != r.Version {
		info.Catalog = r.Catalog.Version().String()
	}
	return info
}

func newTranslateCommand() *cobra.Command {
	o := &translateOptions{output: "text"}
	cmd := &cobra.Command{
		Use:   "translate [flags] -- VLLM_COMMAND...",
		Short: "Print the SGLang command line for a vLLM server command line",
		Long: `Print the SGLang server command line for a vLLM server command line, as the
rewrite would run it. The command is "vllm serve MODEL ...",
"python3 -m vllm.entrypoints.openai.api_server ...", or just the arguments of
the vllm/vllm-openai image (MODEL ...). Warnings go to stderr.

SGLang keeps vLLM's --host and --port unless --host or --port say otherwise
(in a rewritten pod it listens on 127.0.0.1, one port up, behind the proxy).

The command is translated for the SGLang release the profile runs (its
spec.sglangVersion, else the release in its image tag), or --sglang-version:
flags and values that release lacks are dropped with a warning.

Exit status: 0 on success, 1 when the profile rejects the command or it
cannot be translated safely, 2 on bad usage.`,
		Example: `  vllm-to-sglang translate -- vllm serve mistralai/Devstral-Small-2507 --tensor-parallel-size 8 --tool-call-parser mistral
  vllm-to-sglang translate -o json -- vllm serve Qwen/Qwen3-8B --max-model-len 32k
  vllm-to-sglang translate --sglang-version 0.5.9 -- vllm serve deepseek-ai/DeepSeek-V3 -tp 8 -dcp 2`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.profile, "profile", "", "SGLangProfile file (YAML or JSON); the built-in default (MI300X) when empty.")
	fs.StringVar(&o.sglangVersion, "sglang-version", "", "SGLang release to translate for (e.g. 0.5.9); empty: the profile's. Supported: "+sglang.Supported()+".")
	fs.StringVarP(&o.output, "output", "o", o.output, "Output format: text (a shell command line) or json.")
	fs.StringVar(&o.host, "host", "", "SGLang's --host; empty keeps vLLM's.")
	fs.Int32Var(&o.port, "port", 0, "SGLang's --port; 0 keeps vLLM's.")
	return cmd
}

func (o *translateOptions) run(args []string, stdout, stderr io.Writer) error {
	if o.output != "text" && o.output != "json" {
		return badInput(fmt.Errorf("unsupported output format %q: use text or json", o.output))
	}
	prof, err := loadProfile(o.profile)
	if err != nil {
		return badInput(err)
	}
	if o.sglangVersion != "" {
		prof.Spec.SGLangVersion = o.sglangVersion
	}
	inv, err := detect(args)
	if err != nil {
		return err
	}
	out, err := translateCommand(prof, inv, argv.Options{Host: o.host, Port: o.port})
	if err != nil {
		return err
	}
	return o.print(out, stdout, stderr)
}

// translateCommand translates a detected vLLM command for the profile's
// SGLang release: the argv, the dropped flags and every warning. A command
// the profile rejects is an exitError (1) naming the rejected flags.
func translateCommand(prof *v1alpha1.SGLangProfile, inv *argv.Invocation, opts argv.Options) (translation, error) {
	release, err := profile.Release(&prof.Spec)
	if err != nil {
		return translation{}, badInput(fmt.Errorf("profile %q: %w", prof.Name, err))
	}
	opts.Policy, opts.Release, opts.ROCm = profile.ArgvPolicy(&prof.Spec.Args), release.Catalog, rewrite.ROCm(&prof.Spec.GPU)
	res, err := argv.Translate(inv, opts)
	if err != nil {
		return translation{}, badInput(fmt.Errorf("profile %q: %w", prof.Name, err))
	}
	if rejected := res.Rejected(); len(rejected) > 0 {
		lines := make([]string, len(rejected))
		for i, f := range rejected {
			lines[i] = f.String()
		}
		return translation{}, &exitError{code: exitFailure, err: fmt.Errorf("profile %q rejects the command: %s", prof.Name, strings.Join(lines, "; "))}
	}
	out := translation{Argv: append(append([]string{}, res.Command...), res.Args...), Dropped: []string{}, Warnings: []string{},
		SGLang: newReleaseInfo(release), release: release}
	if release.Warning != "" {
		out.Warnings = append(out.Warnings, release.Warning)
	}
	for _, f := range res.Findings {
		if f.Action == argv.Dropped {
			out.Dropped = append(out.Dropped, f.Flag)
		}
		if f.Warns() {
			out.Warnings = append(out.Warnings, f.String())
		}
	}
	return out, nil
}

// detect recognises the vLLM command: a whole command line first, then the
// arguments of the vllm/vllm-openai image's entrypoint (vllm serve).
func detect(args []string) (*argv.Invocation, error) {
	inv, reason := argv.Detect(args, nil, "")
	if reason == argv.SkipNotVLLM || reason == argv.SkipNoCommand {
		inv, reason = argv.Detect(nil, args, "vllm/vllm-openai")
	}
	switch {
	case reason == argv.NotSkipped:
		return inv, nil
	case reason.RunsVLLM():
		msg := "the command " + reason.Sentence()
		if inv != nil && inv.Detail != "" {
			msg += ": " + inv.Detail
		}
		return nil, &exitError{code: exitFailure, err: errors.New(msg)}
	}
	return nil, badInput(fmt.Errorf("not a vLLM server command: it %s", reason.Sentence()))
}

func (o *translateOptions) print(t translation, stdout, stderr io.Writer) error {
	if o.output == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(t)
	}
	for _, w := range t.Warnings {
		fmt.Fprintf(stderr, "Warning: %s\n", w)
	}
	words := make([]string, len(t.Argv))
	for i, w := range t.Argv {
		q, err := syntax.Quote(w, syntax.LangBash)
		if err != nil {
			return fmt.Errorf("quoting %q: %w", w, err)
		}
		words[i] = q
	}
	_, err := fmt.Fprintln(stdout, strings.Join(words, " "))
	return err
}
