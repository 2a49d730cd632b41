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

package webhook

import (
	"crypto/tls"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// Defaults of the `vllm-to-sglang webhook` flags. The flag names follow
// kubebuilder v4's main.go.
const (
	// DefaultWebhookPort is the HTTPS port of the webhook server.
	DefaultWebhookPort = 9443
	// DefaultWebhookCertName and DefaultWebhookCertKey are the file names in
	// the certificate folder (what cert-manager writes into its Secret).
	DefaultWebhookCertName = "tls.crt"
	DefaultWebhookCertKey  = "tls.key"
	// DefaultMetricsBindAddress serves Prometheus metrics over plain HTTP.
	// "0" disables the metrics server.
	DefaultMetricsBindAddress = ":8080"
	// DefaultHealthProbeBindAddress serves /healthz and /readyz.
	DefaultHealthProbeBindAddress = ":8081"
	// DefaultEnableHTTP2 is off: see Options.EnableHTTP2.
	DefaultEnableHTTP2 = false
	// DefaultShutdownTimeout bounds the graceful shutdown (in-flight
	// admission requests finish, then the servers stop).
	DefaultShutdownTimeout = 30 * time.Second
	// MutatePodPath is where the API server sends pod AdmissionReviews
	// (kubebuilder's path for a core-group Pod webhook).
	MutatePodPath = "/mutate--v1-pod"
	// AuditPodPath is where the audit webhooks send pods: those of
	// namespaces labelled vllm-to-sglang.io/rewrite=audit, and those
	// labelled so in enabled namespaces. The same handler answers in audit
	// mode: the pod unchanged but for the audit record, never a denial.
	AuditPodPath = "/audit--v1-pod"
)

// DefaultWebhookCertPath is controller-runtime's default certificate folder.
var DefaultWebhookCertPath = filepath.Join("/tmp", "k8s-webhook-server", "serving-certs")

// Options are the settings of the webhook server: one field per flag, plus a
// few that only tests and embedders set.
type Options struct {
	// WebhookHost is the address the webhook server listens on ("" = all).
	WebhookHost string
	// WebhookPort is the webhook server's HTTPS port.
	WebhookPort int
	// WebhookCertPath is the folder holding the serving certificate and key.
	// They are reloaded when the files change (cert-manager rotates them).
	WebhookCertPath string
	// WebhookCertName and WebhookCertKey are the file names in that folder.
	WebhookCertName, WebhookCertKey string
	// MetricsBindAddress is where Prometheus metrics are served ("0": off).
	MetricsBindAddress string
	// HealthProbeBindAddress is where /healthz and /readyz are served.
	HealthProbeBindAddress string
	// EnableHTTP2 turns HTTP/2 on for the webhook server. It is off by
	// default, as in kubebuilder's scaffold: the HTTP/2 Stream Cancellation
	// and Rapid Reset vulnerabilities (GHSA-qppj-fm5r-hxr3,
	// GHSA-4374-p667-p6c8; CVE-2023-44487, CVE-2023-39325) made every
	// HTTP/2 server a denial-of-service target, and the API server speaks
	// HTTP/1.1 to webhooks just as well.
	EnableHTTP2 bool
	// ProxyImage is the sglang-proxy image used when a profile names none.
	ProxyImage string
	// Kubeconfig is a kubeconfig file; empty means KUBECONFIG, then the
	// in-cluster config, then ~/.kube/config.
	Kubeconfig string
	// ShutdownTimeout bounds the graceful shutdown.
	ShutdownTimeout time.Duration

	// MetricsRegistry receives the webhook's own metrics; nil means
	// controller-runtime's registry (what the metrics server serves).
	MetricsRegistry prometheus.Registerer
}

// NewOptions returns Options with every default applied.
func NewOptions() Options {
	return Options{
		WebhookPort:            DefaultWebhookPort,
		WebhookCertPath:        DefaultWebhookCertPath,
		WebhookCertName:        DefaultWebhookCertName,
		WebhookCertKey:         DefaultWebhookCertKey,
		MetricsBindAddress:     DefaultMetricsBindAddress,
		HealthProbeBindAddress: DefaultHealthProbeBindAddress,
		EnableHTTP2:            DefaultEnableHTTP2,
		ShutdownTimeout:        DefaultShutdownTimeout,
	}
}

func (o *Options) registry() prometheus.Registerer {
	if o.MetricsRegistry != nil {
		return o.MetricsRegistry
	}
	return ctrlmetrics.Registry
}

// tlsOpts are the webhook server's TLS settings.
func (o *Options) tlsOpts() []func(*tls.Config) {
	if o.EnableHTTP2 {
		return nil
	}
	return []func(*tls.Config){func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }}
}
