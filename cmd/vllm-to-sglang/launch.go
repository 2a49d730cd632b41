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
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// launchOptions are the flags of `vllm-to-sglang launch`.
type launchOptions struct {
	profile         string
	host            string
	port            int32
	dryRun          bool
	install         string
	terminationPath string

	// exec replaces the process (syscall.Exec); environ is its environment.
	exec    func(path string, argv, env []string) error
	environ func() []string
}

// launchExec and launchEnviron are the process's exec and environment;
// tests replace them.
var (
	launchExec    = syscall.Exec
	launchEnviron = os.Environ
)

// defaultTerminationPath is the kubelet's default terminationMessagePath.
const defaultTerminationPath = "/dev/termination-log"

// maxTerminationMessage is what the kubelet keeps of a termination message.
const maxTerminationMessage = 4096

func newLaunchCommand() *cobra.Command {
	o := &launchOptions{terminationPath: defaultTerminationPath, exec: launchExec, environ: launchEnviron}
	cmd := &cobra.Command{
		Use:   "launch [flags] -- VLLM_COMMAND...",
		Short: "Translate a vLLM command line as it starts and run SGLang instead",
		Long: `Translate a vLLM server command line with the pod's SGLangProfile, print the
warnings (they end up in the container's log), write a short summary to the
termination message, and exec SGLang's server in place of vLLM.

The webhook routes the vLLM commands of scripts it cannot read in full
(flags in variables or "$@", the command inside eval, several servers)
through it: it sees the command line the shell built. The profile comes from
--profile, else the $` + rewrite.EnvProfile + ` environment variable the webhook
sets, else the built-in default. "vllm --version" answers the vLLM release
the translation table matches, for scripts that pick flags by version.

Exit status: 1 when the command is refused (the profile rejects a flag, a
multi-node or non-server command), with the reason on stderr and in the
termination message; 2 on bad usage.`,
		Example: `  vllm-to-sglang launch --dry-run -- vllm serve Qwen/Qwen3-8B --max-model-len 32k $VLLM_ADDITIONAL_ARGS
  vllm-to-sglang launch --host 127.0.0.1 --port 8001 -- python3 -m vllm.entrypoints.openai.api_server --model m`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.profile, "profile", "", "SGLangProfile file (YAML or JSON); default: $"+rewrite.EnvProfile+", else the built-in profile.")
	fs.StringVar(&o.host, "host", "", "SGLang's --host; empty keeps vLLM's.")
	fs.Int32Var(&o.port, "port", 0, "SGLang's --port; 0 keeps vLLM's.")
	fs.BoolVar(&o.dryRun, "dry-run", false, "Print the translation as JSON (argv, dropped, warnings, sglang) and exit.")
	fs.StringVar(&o.install, "install", "", "Copy this binary into the folder and exit (the webhook's init container does).")
	fs.StringVar(&o.terminationPath, "termination-message-path", o.terminationPath, "Where to write the summary, if the file exists.")
	return cmd
}

func (o *launchOptions) run(args []string, stdout, stderr io.Writer) error {
	if o.install != "" {
		return installSelf(o.install)
	}
	if len(args) == 0 {
		return badInput(errors.New("no vLLM command after --"))
	}
	if isVersionQuery(args) {
		_, err := fmt.Fprintln(stdout, argv.VLLMVersion)
		return err
	}
	out, err := o.translate(args)
	if err != nil {
		o.terminate("vllm-to-sglang launch refused the vLLM command: " + err.Error())
		return err
	}
	if o.dryRun {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(stderr, "vllm-to-sglang launch: the vLLM command, translated for SGLang %s:\n", out.release)
	for _, w := range out.Warnings {
		fmt.Fprintf(stderr, "Warning: %s\n", w)
	}
	fmt.Fprintf(stderr, "vllm-to-sglang launch: exec %s\n", strings.Join(out.Argv, " "))
	o.terminate(summary(out))
	path, err := exec.LookPath(out.Argv[0])
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("SGLang's launcher: %w", err)}
	}
	return o.exec(path, out.Argv, o.environ())
}

// translate detects and translates the command with the pod's profile.
func (o *launchOptions) translate(args []string) (translation, error) {
	prof, err := o.loadProfile()
	if err != nil {
		return translation{}, badInput(err)
	}
	inv, err := detect(args)
	var ee *exitError
	if errors.As(err, &ee) {
		// In a pod this is the container's command, not the user's typing:
		// a refusal, whatever the reason.
		return translation{}, &exitError{code: exitFailure, err: ee.err}
	}
	if err != nil {
		return translation{}, err
	}
	return translateCommand(prof, inv, argv.Options{Host: o.host, Port: o.port, Env: environMap(o.environ())})
}

// loadProfile reads --profile, else the profile the webhook put in the
// environment, else the built-in default.
func (o *launchOptions) loadProfile() (*v1alpha1.SGLangProfile, error) {
	if o.profile != "" {
		return profile.Load(o.profile)
	}
	for _, kv := range o.environ() {
		if doc, ok := strings.CutPrefix(kv, rewrite.EnvProfile+"="); ok {
			p, err := profile.Parse([]byte(doc))
			if err != nil {
				return nil, fmt.Errorf("$%s: %w", rewrite.EnvProfile, err)
			}
			return p, nil
		}
	}
	return profile.Default(), nil
}

// isVersionQuery recognises "vllm --version", "vllm -v" and "vllm version".
func isVersionQuery(args []string) bool {
	return len(args) == 2 && filepath.Base(args[0]) == "vllm" &&
		(args[1] == "--version" || args[1] == "-v" || args[1] == "version")
}

// terminate writes the termination message, when the kubelet made the file.
func (o *launchOptions) terminate(msg string) {
	if _, err := os.Stat(o.terminationPath); err != nil {
		return
	}
	if len(msg) > maxTerminationMessage {
		msg = msg[:maxTerminationMessage-len("…")] + "…"
	}
	_ = os.WriteFile(o.terminationPath, []byte(msg), 0o644) // best effort: the log has it all
}

// summary is the termination message of a launched SGLang. It is written
// before the exec, so it stays when SGLang exits later: it says where
// SGLang's own error is.
func summary(out translation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "vllm-to-sglang launch: started SGLang %s (if it exited, its own error is in kubectl logs --previous)", out.release)
	if len(out.Warnings) > 0 {
		fmt.Fprintf(&b, "; %d warnings (kubectl logs shows them all): %s", len(out.Warnings), strings.Join(out.Warnings, "; "))
	}
	return b.String()
}

func environMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// installSelf copies the running binary into dir, executable, through a
// temporary file so a half-written launcher is never run.
func installSelf(dir string) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this binary: %w", err)
	}
	src, err := os.Open(self)
	if err != nil {
		return err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(dir, ".vllm-to-sglang-*")
	if err != nil {
		return fmt.Errorf("installing the launcher: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, src); err != nil {
		tmp.Close()
		return fmt.Errorf("installing the launcher: %w", err)
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, filepath.Base(rewrite.LauncherPath)))
}
