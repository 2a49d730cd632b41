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

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
)

const (
	// releaseName and releaseNamespace are the chart's documented install.
	releaseName      = "vllm-to-sglang"
	releaseNamespace = "vllm-to-sglang-system"
)

// suite is what every test shares: one control plane with the chart
// installed and the webhook serving it, and the binaries a pod runs.
var suite struct {
	cp       *framework.ControlPlane
	webhook  *framework.Webhook
	proxyBin string // built from ./cmd/proxy: the image's /proxy
	fakeBin  string // built from ./test/fakesglang/cmd/fakesglang
	// launcherBin is built from ./cmd/vllm-to-sglang: the launcher the
	// webhook's init container installs for a pod translated at start.
	launcherBin string
}

func TestMain(m *testing.M) { os.Exit(framework.RunSuite(m, "the end-to-end suite", setUp)) }

func setUp(ctx context.Context, cleanup *framework.Cleanup) error {
	dir, err := os.MkdirTemp("", "vllm-to-sglang-e2e-")
	if err != nil {
		return err
	}
	cleanup.Add(func() error { return os.RemoveAll(dir) })
	suite.proxyBin, suite.fakeBin = filepath.Join(dir, "proxy"), filepath.Join(dir, "fakesglang")
	suite.launcherBin = filepath.Join(dir, "vllm-to-sglang")
	// The binaries build while the control plane starts.
	var g errgroup.Group
	g.Go(func() error {
		root, err := framework.RepoRoot()
		if err != nil {
			return err
		}
		return framework.Build(ctx, root, dir, "./cmd/proxy", "./test/fakesglang/cmd/fakesglang", "./cmd/vllm-to-sglang")
	})
	g.Go(func() error { return startCluster(ctx, cleanup) })
	return g.Wait()
}

// startCluster starts the control plane, installs the chart in URL mode and
// starts the webhook it points at.
func startCluster(ctx context.Context, cleanup *framework.Cleanup) error {
	cp, err := framework.StartControlPlane(ctx, framework.Options{CertManagerCRDs: true, ControllerManager: true})
	if err != nil {
		return err
	}
	suite.cp = cp
	cleanup.Add(cp.Stop)
	ca, err := framework.NewCA("vllm-to-sglang e2e CA")
	if err != nil {
		return err
	}
	opts, err := cp.LocalWebhookOptions(ca)
	if err != nil {
		return err
	}
	// The chart goes first: it installs the SGLangProfile CRD, which the
	// webhook's cache watches.
	if _, err := cp.InstallChart(ctx, releaseName, releaseNamespace, framework.URLModeValues(framework.WebhookURL(opts), ca.PEM)); err != nil {
		return err
	}
	if suite.webhook, err = framework.StartWebhook(ctx, cp.Config, opts, nil); err != nil {
		return err
	}
	cleanup.Add(suite.webhook.Stop)
	// From then on pods are rewritten, not denied.
	return suite.webhook.WaitForProfile(ctx, v1alpha1.DefaultProfileName)
}
