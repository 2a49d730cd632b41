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
	"time"

	"go.uber.org/zap/zapcore"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

// suite is the control plane every test shares. Tests run one after the
// other (the webhook server port is the one config/webhook was installed
// with), each in namespaces of its own.
var suite struct {
	root   string // repository root
	env    *envtest.Environment
	cfg    *rest.Config
	client client.Client
}

func TestMain(m *testing.M) { os.Exit(runSuite(m)) }

func runSuite(m *testing.M) int {
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.Level(logLevel())))
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	suite.root = root
	suite.env = &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		// KUBEBUILDER_ASSETS, when set, wins over this (make test-integration
		// sets it to the same folder).
		BinaryAssetsDirectory: filepath.Join(root, "bin", "k8s"),
		WebhookInstallOptions: envtest.WebhookInstallOptions{
			Paths: []string{filepath.Join(root, "config", "webhook")},
		},
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
	}
	cfg, err := suite.env.Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: cannot start the envtest control plane; run `make envtest` "+
			"(builds kube-apiserver, kube-controller-manager and etcd into bin/k8s) or set KUBEBUILDER_ASSETS: %v\n", err)
		return 1
	}
	defer func() {
		if err := suite.env.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stopping the control plane: %v\n", err)
		}
	}()
	suite.cfg = cfg
	if err := setUpCluster(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: setting up the cluster: %v\n", err)
		return 1
	}
	return m.Run()
}

// setUpCluster creates what every test relies on: the client and the
// built-in default profile, named "default", as the chart installs it.
func setUpCluster() error {
	scheme, err := webhook.NewScheme()
	if err != nil {
		return err
	}
	c, err := client.New(suite.cfg, client.Options{Scheme: scheme})
	if err != nil {
		return fmt.Errorf("creating the client: %w", err)
	}
	suite.client = c
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Create(ctx, profile.Default()); err != nil {
		return fmt.Errorf("creating the default SGLangProfile: %w", err)
	}
	return nil
}

// logLevel is error unless VLLM_TO_SGLANG_TEST_LOG=debug asks for the
// webhook's request log too.
func logLevel() zapcore.Level {
	if os.Getenv("VLLM_TO_SGLANG_TEST_LOG") == "debug" {
		return zapcore.DebugLevel
	}
	return zapcore.ErrorLevel
}
