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

package framework

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
)

// GoldenProxyImage is the proxy image the goldens under test/testdata were
// written with (vllm-to-sglang rewrite's default at an unreleased build).
const GoldenProxyImage = "ghcr.io/vllm-to-sglang/vllm-to-sglang:latest"

// webhookStopSlack is added to the webhook's graceful shutdown timeout
// before Stop gives up (controller-runtime ignores cancellation while its
// caches sync).
const webhookStopSlack = 5 * time.Second

// WebhookOptions are the `vllm-to-sglang webhook` defaults with what a
// test wants instead: the given address and certificate folder, no metrics
// or health servers (the metrics go to a registry of their own), the
// goldens' proxy image and a short shutdown.
func WebhookOptions(host string, port int, certDir string) webhook.Options {
	o := webhook.NewOptions()
	o.WebhookHost, o.WebhookPort, o.WebhookCertPath = host, port, certDir
	o.MetricsBindAddress = "0"
	o.HealthProbeBindAddress = "0"
	o.ProxyImage = GoldenProxyImage
	o.ShutdownTimeout = 10 * time.Second
	o.MetricsRegistry = prometheus.NewRegistry()
	return o
}

// Webhook is the webhook server running in this process.
type Webhook struct {
	Manager manager.Manager
	// URL is the address the API server calls (clientConfig.url).
	URL string

	stopOnce sync.Once
	stopErr  error
	cancel   context.CancelFunc
	done     chan error
	grace    time.Duration
}

// StartWebhook builds the webhook with webhook.NewManager, as the command
// does, serves extra admission endpoints next to it, and returns once it
// serves TLS. It runs until Stop.
func StartWebhook(ctx context.Context, cfg *rest.Config, opts webhook.Options, extra map[string]http.Handler) (*Webhook, error) {
	mgr, err := webhook.NewManager(cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("creating the webhook manager: %w", err)
	}
	for path, h := range extra {
		mgr.GetWebhookServer().Register(path, h)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	w := &Webhook{
		Manager: mgr, cancel: cancel, done: make(chan error, 1), grace: opts.ShutdownTimeout + webhookStopSlack,
		URL: WebhookURL(opts),
	}
	go func() { w.done <- mgr.Start(runCtx) }()
	err = Poll(ctx, "the webhook server to serve", func() error {
		select {
		case err := <-w.done:
			w.done <- err
			return fmt.Errorf("the webhook manager exited: %w", err)
		default:
		}
		return mgr.GetWebhookServer().StartedChecker()(nil)
	})
	if err != nil {
		return nil, errors.Join(err, w.Stop())
	}
	return w, nil
}

// WebhookURL is where the API server reaches a webhook started with opts
// (clientConfig.url in URL mode); opts.WebhookHost must not be empty.
func WebhookURL(opts webhook.Options) string {
	return "https://" + net.JoinHostPort(opts.WebhookHost, strconv.Itoa(opts.WebhookPort)) + webhook.MutatePodPath
}

// WaitForCacheSync waits until the webhook's SGLangProfile cache has synced.
func (w *Webhook) WaitForCacheSync(ctx context.Context) error {
	if !w.Manager.GetCache().WaitForCacheSync(ctx) {
		return fmt.Errorf("the webhook's SGLangProfile cache did not sync: %w", ctx.Err())
	}
	return nil
}

// WaitForProfile waits until the webhook's cache has synced and holds the
// named SGLangProfile: from then on pods naming it are rewritten, not
// denied as "profile not found".
func (w *Webhook) WaitForProfile(ctx context.Context, name string) error {
	if err := w.WaitForCacheSync(ctx); err != nil {
		return err
	}
	return Poll(ctx, "SGLangProfile "+name+" in the webhook's cache", func() error {
		return w.Manager.GetCache().Get(ctx, client.ObjectKey{Name: name}, &v1alpha1.SGLangProfile{})
	})
}

// LocalWebhookOptions are WebhookOptions for a webhook on 127.0.0.1, on a
// free port, serving a certificate for 127.0.0.1 from ca: what URL mode
// needs (the API server dials the URL's host).
func (c *ControlPlane) LocalWebhookOptions(ca *CA) (webhook.Options, error) {
	certDir, err := c.TempDir("webhook-certs-")
	if err != nil {
		return webhook.Options{}, err
	}
	if err := ca.WriteServingCert(certDir, "127.0.0.1"); err != nil {
		return webhook.Options{}, err
	}
	port, err := FreePort()
	if err != nil {
		return webhook.Options{}, err
	}
	return WebhookOptions("127.0.0.1", port, certDir), nil
}

// Stop shuts the webhook down and waits for it, returning the manager's
// error. Calling it again returns the same result.
func (w *Webhook) Stop() error {
	w.stopOnce.Do(func() {
		w.cancel()
		select {
		case err := <-w.done:
			if err != nil {
				w.stopErr = fmt.Errorf("the webhook manager stopped with an error: %w", err)
			}
		case <-time.After(w.grace):
			w.stopErr = fmt.Errorf("the webhook manager did not stop within %s", w.grace)
		}
	})
	return w.stopErr
}

// FreePort returns a TCP port nothing listens on at the moment, for servers
// that cannot listen on port 0 and report the port they got.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
