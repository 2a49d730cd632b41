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

package checktest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/check"
	"github.com/vllm-to-sglang/vllm-to-sglang/check/inspect"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
)

const (
	// releaseName and releaseNamespace are the chart's documented install.
	releaseName      = "vllm-to-sglang"
	releaseNamespace = "vllm-to-sglang-system"
	// appNamespace is the opted-in namespace the production stack runs in.
	appNamespace = "team-a"
	// gpuResource is what the default profile requests.
	gpuResource corev1.ResourceName = "amd.com/gpu"
	// checkTimeout bounds one run of the checks.
	checkTimeout = time.Minute
)

// gpuNodes are the MI300X nodes of the healthy set-up (8 GPUs each).
var gpuNodes = []string{"mi300x-a", "mi300x-b"}

// suite is the healthy set-up every test starts from and returns to.
var suite struct {
	cp       *framework.ControlPlane
	ca       *framework.CA
	opts     webhook.Options // the running webhook's
	webhook  *framework.Webhook
	vals     map[string]any // the chart's values (URL mode)
	cliBin   string         // vllm-to-sglang, built from ./cmd/vllm-to-sglang
	cleanup  *framework.Cleanup
	workload string // the production stack Deployment's name
}

func TestMain(m *testing.M) { os.Exit(framework.RunSuite(m, "the check suite", setUp)) }

func setUp(ctx context.Context, cleanup *framework.Cleanup) error {
	suite.cleanup = cleanup
	dir, err := os.MkdirTemp("", "vllm-to-sglang-check-")
	if err != nil {
		return err
	}
	cleanup.Add(func() error { return os.RemoveAll(dir) })
	suite.cliBin = filepath.Join(dir, "vllm-to-sglang")
	var g errgroup.Group
	g.Go(func() error {
		root, err := framework.RepoRoot()
		if err != nil {
			return err
		}
		return framework.Build(ctx, root, dir, "./cmd/vllm-to-sglang")
	})
	g.Go(func() error { return startCluster(ctx) })
	return g.Wait()
}

// startCluster builds the healthy set-up: the chart (URL mode, so the
// webhook can run here), the webhook, the GPU nodes, and the production
// stack's Deployment in an opted-in namespace.
func startCluster(ctx context.Context) error {
	// cert-manager's CRDs: the certificate test names a Certificate.
	cp, err := framework.StartControlPlane(ctx, framework.Options{CertManagerCRDs: true})
	if err != nil {
		return err
	}
	suite.cp = cp
	suite.cleanup.Add(cp.Stop)
	if suite.ca, err = framework.NewCA("vllm-to-sglang check CA"); err != nil {
		return err
	}
	if suite.opts, err = cp.LocalWebhookOptions(suite.ca); err != nil {
		return err
	}
	suite.vals = framework.URLModeValues(framework.WebhookURL(suite.opts), suite.ca.PEM)
	// The chart goes first: it installs the CRD the webhook's cache watches.
	if _, err := cp.InstallChart(ctx, releaseName, releaseNamespace, suite.vals); err != nil {
		return err
	}
	if err := startWebhook(ctx); err != nil {
		return err
	}
	if err := createNodes(ctx, cp.Client); err != nil {
		return err
	}
	return createWorkload(ctx, cp)
}

// helmUpgrade runs helm upgrade with the suite's values, as a user
// repairing the install would.
func helmUpgrade(ctx context.Context) error {
	ch, err := framework.LoadChart(suite.cp.Root)
	if err != nil {
		return err
	}
	h, err := suite.cp.Helm(nil)
	if err != nil {
		return err
	}
	if _, err := h.Upgrade(ctx, ch, releaseName, releaseNamespace, suite.vals); err != nil {
		return fmt.Errorf("helm upgrade %s: %w", releaseName, err)
	}
	return nil
}

// startWebhook starts the webhook on the suite's address (again, after a
// test stopped it) and waits until the default profile is in its cache.
func startWebhook(ctx context.Context) error {
	opts := framework.WebhookOptions(suite.opts.WebhookHost, suite.opts.WebhookPort, suite.opts.WebhookCertPath)
	wh, err := framework.StartWebhook(ctx, suite.cp.Config, opts, nil)
	if err != nil {
		return err
	}
	suite.webhook = wh
	suite.cleanup.Add(wh.Stop)
	return wh.WaitForProfile(ctx, v1alpha1.DefaultProfileName)
}

// createNodes registers the MI300X nodes and a CPU node, Ready. Capacity
// and conditions live in the status, which only the status subresource
// writes (the kubelet's job; no kubelet runs here). The API server taints
// a new node not-ready; the node lifecycle controller (not running here
// either) lifts the taint once the node is Ready, so the test does.
func createNodes(ctx context.Context, c client.Client) error {
	for _, name := range append([]string{"cpu-a"}, gpuNodes...) {
		n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{corev1.LabelHostname: name}}}
		if err := c.Create(ctx, n); err != nil {
			return fmt.Errorf("creating node %s: %w", name, err)
		}
		n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady"}}
		if err := c.Status().Update(ctx, n); err != nil {
			return fmt.Errorf("marking node %s Ready: %w", name, err)
		}
		n.Spec.Taints = nil
		if err := c.Update(ctx, n); err != nil {
			return fmt.Errorf("lifting the not-ready taint of node %s: %w", name, err)
		}
	}
	return setGPUs(ctx, c, 8)
}

// setGPUs sets the GPU nodes' amd.com/gpu capacity (0 removes it).
func setGPUs(ctx context.Context, c client.Client, gpus int64) error {
	for _, name := range gpuNodes {
		var n corev1.Node
		if err := c.Get(ctx, client.ObjectKey{Name: name}, &n); err != nil {
			return err
		}
		n.Status.Capacity = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("192"), corev1.ResourceMemory: resource.MustParse("2Ti")}
		n.Status.Allocatable = n.Status.Capacity.DeepCopy()
		if gpus > 0 {
			n.Status.Capacity[gpuResource] = *resource.NewQuantity(gpus, resource.DecimalSI)
			n.Status.Allocatable[gpuResource] = *resource.NewQuantity(gpus, resource.DecimalSI)
		}
		if err := c.Status().Update(ctx, &n); err != nil {
			return fmt.Errorf("updating the status of node %s: %w", name, err)
		}
	}
	return nil
}

// createWorkload creates the opted-in namespace and the vLLM production
// stack's tp=8 Deployment in it, as its Helm chart renders it (with
// runtimeClassName: nvidia). No controller runs: the check reads its
// template.
func createWorkload(ctx context.Context, cp *framework.ControlPlane) error {
	if err := framework.EnsureNamespace(ctx, cp.Client, appNamespace, framework.OptedIn()); err != nil {
		return err
	}
	deps, err := framework.Deployments(productionStackFixture(cp.Root))
	if err != nil {
		return err
	}
	if len(deps) != 1 {
		return fmt.Errorf("the production stack fixture has %d Deployments, want 1", len(deps))
	}
	d := deps[0]
	d.Namespace = appNamespace
	suite.workload = d.Name
	return cp.Client.Create(ctx, d)
}

func productionStackFixture(root string) string {
	return filepath.Join(root, "test", "testdata", "production-stack-helm-tp8-devstral-tools.yaml")
}

// runCheck runs every check as the user cfg authenticates.
func runCheck(t testing.TB, cfg *rest.Config, opts inspect.Options) []check.Result {
	t.Helper()
	in, err := inspect.New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), checkTimeout)
	defer cancel()
	return check.Run(in.Facts(ctx))
}
