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
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
)

// captureWebhookOptions runs `vllm-to-sglang webhook args...` with the
// server replaced, and returns the options it would have started with.
func captureWebhookOptions(t *testing.T, args ...string) (webhook.Options, int) {
	t.Helper()
	var got webhook.Options
	orig := runWebhook
	t.Cleanup(func() { runWebhook = orig })
	runWebhook = func(_ context.Context, o webhook.Options) error {
		got = o
		return nil
	}
	var out, errOut bytes.Buffer
	code := run(t.Context(), append([]string{"webhook"}, args...), nil, &out, &errOut)
	if code != exitOK {
		t.Logf("stderr: %s", errOut.String())
	}
	return got, code
}

func TestWebhookFlags(t *testing.T) {
	defaults := webhook.NewOptions()
	cases := map[string]struct {
		args []string
		want func(*webhook.Options)
		code int
	}{
		"no flags start the server with the named defaults": {},
		"every flag lands in its option": {
			args: []string{
				"--webhook-port=10250", "--webhook-cert-path=/certs", "--webhook-cert-name=c.pem", "--webhook-cert-key=k.pem",
				"--metrics-bind-address=:9090", "--health-probe-bind-address=:9091", "--enable-http2",
				"--proxy-image=example.com/v2s:v1", "--kubeconfig=/kube/config", "--graceful-shutdown-timeout=45s",
			},
			want: func(o *webhook.Options) {
				o.WebhookPort, o.WebhookCertPath, o.WebhookCertName, o.WebhookCertKey = 10250, "/certs", "c.pem", "k.pem"
				o.MetricsBindAddress, o.HealthProbeBindAddress, o.EnableHTTP2 = ":9090", ":9091", true
				o.ProxyImage, o.Kubeconfig, o.ShutdownTimeout = "example.com/v2s:v1", "/kube/config", 45*time.Second
			},
		},
		"the zap logging flags are accepted": {args: []string{"--zap-log-level=debug", "--zap-encoder=console"}},
		"an unknown flag is a usage error":   {args: []string{"--webhook-prot=1"}, code: exitBadInput},
		"positional arguments are refused":   {args: []string{"extra"}, code: exitBadInput},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, code := captureWebhookOptions(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit code %d, want %d", code, tc.code)
			}
			if tc.code != exitOK {
				return
			}
			want := defaults
			if tc.want != nil {
				tc.want(&want)
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(webhook.Options{}, "MetricsRegistry")); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}
