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

package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

// suite is the control plane every test shares. Tests run one after the
// other (the webhook server port is the one config/webhook was installed
// with), each in namespaces of its own.
var suite struct {
	cp *framework.ControlPlane
}

func TestMain(m *testing.M) { os.Exit(framework.RunSuite(m, "the integration suite", setUp)) }

// setUp starts kube-apiserver and etcd with the CRD of config/crd/bases and
// the webhook configuration of config/webhook (envtest points it at a local
// address with a certificate it makes), and creates the built-in default
// profile, named "default", as the chart installs it.
func setUp(ctx context.Context, cleanup *framework.Cleanup) error {
	root, err := framework.RepoRoot()
	if err != nil {
		return err
	}
	cp, err := framework.StartControlPlane(ctx, framework.Options{
		CRDs:           true,
		WebhookInstall: envtest.WebhookInstallOptions{Paths: []string{filepath.Join(root, "config", "webhook")}},
	})
	if err != nil {
		return err
	}
	suite.cp = cp
	cleanup.Add(cp.Stop)
	if err := cp.Client.Create(ctx, profile.Default()); err != nil {
		return fmt.Errorf("creating the default SGLangProfile: %w", err)
	}
	return nil
}
