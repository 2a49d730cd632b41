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
	"flag"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
)

// runWebhook serves the webhook; tests replace it to check flag parsing.
var runWebhook = webhook.Run

// newWebhookCommand is `vllm-to-sglang webhook`: flags → webhook.Options →
// webhook.Run. Flag names follow kubebuilder v4's main.go.
func newWebhookCommand() *cobra.Command {
	o := webhook.NewOptions()
	logOpts := zap.Options{} // production: JSON lines, info level
	cmd := &cobra.Command{
		Use:   "webhook",
		Short: "Serve the mutating admission webhook that rewrites vLLM pods into SGLang pods",
		Long: `Serve the mutating admission webhook that rewrites vLLM pods into SGLang pods.

It needs a kubeconfig (--kubeconfig, KUBECONFIG or in-cluster) to read
SGLangProfiles, and a serving certificate (tls.crt, tls.key) in
--webhook-cert-path, which it reloads when the files change.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctrl.SetLogger(zap.New(zap.UseFlagOptions(&logOpts)))
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runWebhook(ctx, o)
		},
	}
	fs := cmd.Flags()
	fs.IntVar(&o.WebhookPort, "webhook-port", o.WebhookPort, "HTTPS port of the webhook server.")
	fs.StringVar(&o.WebhookCertPath, "webhook-cert-path", o.WebhookCertPath,
		"Folder holding the webhook serving certificate and key; reloaded when the files change.")
	fs.StringVar(&o.WebhookCertName, "webhook-cert-name", o.WebhookCertName, "Certificate file name in --webhook-cert-path.")
	fs.StringVar(&o.WebhookCertKey, "webhook-cert-key", o.WebhookCertKey, "Key file name in --webhook-cert-path.")
	fs.StringVar(&o.MetricsBindAddress, "metrics-bind-address", o.MetricsBindAddress,
		`Address of the Prometheus metrics endpoint (plain HTTP); "0" disables it.`)
	fs.StringVar(&o.HealthProbeBindAddress, "health-probe-bind-address", o.HealthProbeBindAddress,
		"Address of the /healthz and /readyz endpoints.")
	fs.BoolVar(&o.EnableHTTP2, "enable-http2", o.EnableHTTP2,
		"Serve the webhook over HTTP/2 too (off by default: HTTP/2 Rapid Reset, CVE-2023-44487).")
	fs.StringVar(&o.ProxyImage, "proxy-image", o.ProxyImage,
		"Image of the injected sglang-proxy sidecar, used when a profile names none.")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig,
		"Kubeconfig file; empty means KUBECONFIG, then the in-cluster config, then ~/.kube/config.")
	fs.DurationVar(&o.ShutdownTimeout, "graceful-shutdown-timeout", o.ShutdownTimeout,
		"How long in-flight requests may take to finish after SIGTERM.")
	goFlags := flag.NewFlagSet("zap", flag.ContinueOnError)
	logOpts.BindFlags(goFlags) // --zap-log-level, --zap-encoder, --zap-devel, ...
	fs.AddGoFlagSet(goFlags)
	return cmd
}
