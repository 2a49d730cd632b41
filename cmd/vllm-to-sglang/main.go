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

// Command vllm-to-sglang rewrites vLLM pods into SGLang pods: offline on
// manifests (rewrite, translate) or as a mutating admission webhook.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// subcommands of vllm-to-sglang, in help order. Adding one is one line.
var subcommands = []func() *cobra.Command{
	newCheckCommand,
	newLaunchCommand,
	newRewriteCommand,
	newTranslateCommand,
	newVersionCommand,
	newWebhookCommand,
}

// Exit codes, as kubectl plugins use them.
const (
	exitOK       = 0
	exitFailure  = 1 // a pod or command was rejected, or the work failed
	exitBadInput = 2 // bad usage or unreadable input
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit code. Everything is
// injected, so tests drive it without exec.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root, started := newRootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitFailure
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case !*started:
		code = exitBadInput // cobra refused the flags, arguments or subcommand
	}
	if ee == nil || ee.err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
	}
	if code == exitBadInput && !*started {
		fmt.Fprintf(stderr, "See '%s --help' for usage.\n", root.Name())
	}
	return code
}

// newRootCommand builds the command tree. started turns true once a
// subcommand's flags and arguments were accepted, which tells usage errors
// from failures.
func newRootCommand() (*cobra.Command, *bool) {
	started := new(bool)
	root := &cobra.Command{
		Use:   "vllm-to-sglang",
		Short: "Run vLLM deployments on SGLang's ROCm build (AMD MI300X) without changing the deployment stack",
		PersistentPreRun: func(*cobra.Command, []string) {
			*started = true
		},
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	for _, sub := range subcommands {
		root.AddCommand(sub())
	}
	return root, started
}

// exitError carries an exit code; a nil err means the message was printed.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit code %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func badInput(err error) error { return &exitError{code: exitBadInput, err: err} }
