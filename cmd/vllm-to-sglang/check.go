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
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/vllm-to-sglang/vllm-to-sglang/check"
	"github.com/vllm-to-sglang/vllm-to-sglang/check/inspect"
)

// checkOptions are the flags of `vllm-to-sglang check`.
type checkOptions struct {
	// kube holds kubectl's connection flags (--kubeconfig, --context,
	// --namespace, --request-timeout, ...).
	kube        *genericclioptions.ConfigFlags
	output      string
	dialTimeout time.Duration
}

func newCheckCommand() *cobra.Command {
	o := &checkOptions{kube: genericclioptions.NewConfigFlags(true), output: check.OutputText, dialTimeout: inspect.DefaultDialTimeout}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check whether the cluster is ready to rewrite vLLM pods into SGLang pods",
		Long: `Check whether the cluster is ready to rewrite vLLM pods into SGLang pods,
and say what to do when it is not: the SGLangProfile CRD and profiles, the
webhook configuration, its certificate and its answer to a sample vLLM pod,
the opted-in namespaces and what would happen to each vLLM Deployment and
StatefulSet in them, the RuntimeClasses they name, and the GPU nodes.

It changes nothing: pods are created with a server-side dry run. It uses the
kubeconfig as kubectl does (--kubeconfig, KUBECONFIG, ~/.kube/config), or the
in-cluster configuration in a pod.

Exit status: 0 when no check failed (warnings allowed), 1 when one did,
2 on bad usage.`,
		Example: `  # Check the current context
  vllm-to-sglang check

  # Only the workloads of one namespace, as JSON
  vllm-to-sglang check -n my-llm-team -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context(), cmd.OutOrStdout())
		},
	}
	fs := cmd.Flags()
	o.kube.AddFlags(fs)
	fs.StringVarP(&o.output, "output", "o", o.output, "Output format: "+strings.Join(check.Outputs, ", ")+".")
	fs.DurationVar(&o.dialTimeout, "dial-timeout", o.dialTimeout, "How long the TLS handshake with the webhook may take.")
	return cmd
}

func (o *checkOptions) run(ctx context.Context, stdout io.Writer) error {
	if !slices.Contains(check.Outputs, o.output) {
		return badInput(fmt.Errorf("unsupported output format %q: use one of %s", o.output, strings.Join(check.Outputs, ", ")))
	}
	// The Kubernetes client logs through controller-runtime's logger; the
	// report is the only output.
	ctrllog.SetLogger(logr.Discard())
	report := check.NewReport(check.Run(o.facts(ctx)))
	if err := check.Write(stdout, report, o.output); err != nil {
		return err
	}
	if !report.Success {
		return &exitError{code: exitFailure}
	}
	return nil
}

// facts reads the cluster; a kubeconfig that cannot be loaded is the
// API-server check's failure.
func (o *checkOptions) facts(ctx context.Context) *check.Facts {
	cfg, err := o.kube.ToRESTConfig()
	if err != nil {
		return &check.Facts{Now: time.Now(), API: check.APIServer{Host: "(no configuration)", Err: err}}
	}
	in, err := inspect.New(cfg, inspect.Options{Namespace: *o.kube.Namespace, DialTimeout: o.dialTimeout})
	if err != nil {
		return &check.Facts{Now: time.Now(), API: check.APIServer{Host: cfg.Host, Err: err}}
	}
	return in.Facts(ctx)
}
