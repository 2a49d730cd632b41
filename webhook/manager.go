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
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	crwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// NewScheme returns the types the webhook decodes and caches: the built-in
// ones (Pod, Namespace) and SGLangProfile.
func NewScheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("adding the built-in types to the scheme: %w", err)
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("adding SGLangProfile to the scheme: %w", err)
	}
	return s, nil
}

// NewManager builds the manager that serves the webhook. It watches
// SGLangProfiles and Namespaces (whose labels a profile's namespaceSelector
// reads: the AdmissionRequest does not carry them); reading anything else
// from the cache is an error rather than a silent new watch (the RBAC
// allows nothing else).
func NewManager(cfg *rest.Config, o Options) (manager.Manager, error) {
	scheme, err := NewScheme()
	if err != nil {
		return nil, err
	}
	shutdown := o.ShutdownTimeout
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme: scheme,
		Cache: cache.Options{
			ReaderFailOnMissingInformer: true,
			ByObject: map[client.Object]cache.ByObject{
				&v1alpha1.SGLangProfile{}: {},
				// Only their labels are read: the managed fields are not kept.
				&corev1.Namespace{}: {Transform: cache.TransformStripManagedFields()},
			},
		},
		Metrics:                 metricsserver.Options{BindAddress: o.MetricsBindAddress},
		HealthProbeBindAddress:  o.HealthProbeBindAddress,
		GracefulShutdownTimeout: &shutdown,
		WebhookServer: crwebhook.NewServer(crwebhook.Options{
			Host:     o.WebhookHost,
			Port:     o.WebhookPort,
			CertDir:  o.WebhookCertPath,
			CertName: o.WebhookCertName,
			KeyName:  o.WebhookCertKey,
			// No GetCertificate here, so the server watches the files with
			// controller-runtime's certwatcher and serves rotated ones.
			TLSOpts: o.tlsOpts(),
		}),
	})
	if err != nil {
		return nil, fmt.Errorf("creating the manager: %w", err)
	}
	if err := SetupWithManager(mgr, o); err != nil {
		return nil, err
	}
	return mgr, nil
}

// RESTConfig loads the kubeconfig: the given file, else KUBECONFIG, the
// in-cluster config or ~/.kube/config.
func RESTConfig(kubeconfig string) (*rest.Config, error) {
	if kubeconfig != "" {
		cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
		if err != nil {
			return nil, fmt.Errorf("loading kubeconfig %s: %w", kubeconfig, err)
		}
		return cfg, nil
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return nil, fmt.Errorf("loading the kubeconfig (KUBECONFIG, in-cluster or ~/.kube/config): %w", err)
	}
	return cfg, nil
}

// Run serves the webhook until ctx is done, then shuts down gracefully.
func Run(ctx context.Context, o Options) error {
	cfg, err := RESTConfig(o.Kubeconfig)
	if err != nil {
		return err
	}
	mgr, err := NewManager(cfg, o)
	if err != nil {
		return err
	}
	if o.ProxyImage == "" {
		ctrl.Log.WithName("webhook").Info("No --proxy-image given: pods whose profile names no proxy image will be denied")
	}
	return runUntilDone(ctx, mgr, o.ShutdownTimeout+shutdownSlack)
}

// shutdownSlack is added to the graceful shutdown timeout before Run gives
// up waiting for the manager to return.
const shutdownSlack = 5 * time.Second

// starter is what runUntilDone needs of a manager.
type starter interface {
	Start(ctx context.Context) error
}

// errStuckShutdown is returned when the manager does not stop in time.
var errStuckShutdown = errors.New("the webhook manager did not stop within the graceful shutdown timeout " +
	"(a cache that never synced, e.g. without RBAC to list sglangprofiles, blocks controller-runtime's shutdown)")

// runUntilDone runs the manager until ctx is done. The wait after ctx is
// bounded: controller-runtime v0.25's manager ignores cancellation while it
// waits for its caches to sync (seen in the envtest suite with RBAC missing),
// and a SIGTERM must still end the process.
func runUntilDone(ctx context.Context, mgr starter, grace time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	select {
	case err := <-done:
		return managerError(err)
	case <-ctx.Done():
	}
	select {
	case err := <-done:
		return managerError(err)
	case <-time.After(grace):
		return errStuckShutdown
	}
}

func managerError(err error) error {
	if err != nil {
		return fmt.Errorf("running the webhook manager: %w", err)
	}
	return nil
}
