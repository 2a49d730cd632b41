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
	"fmt"
	"path/filepath"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// certManagerModule ships the CRDs cert-manager releases install (deploy/crds).
const certManagerModule = "github.com/cert-manager/cert-manager"

// CertManagerCRDsDir is deploy/crds of the cert-manager module this
// repository requires.
func CertManagerCRDsDir(ctx context.Context, root string) (string, error) {
	dir, err := moduleDir(ctx, root, certManagerModule)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "deploy", "crds"), nil
}

// InstallCertManagerCRDs installs cert-manager's CRDs and waits until the
// API server serves them.
func (c *ControlPlane) InstallCertManagerCRDs(ctx context.Context) error {
	dir, err := CertManagerCRDsDir(ctx, c.Root)
	if err != nil {
		return err
	}
	opts := envtest.CRDInstallOptions{Paths: []string{dir}, ErrorIfPathMissing: true}
	if _, err := envtest.InstallCRDs(c.Config, opts); err != nil {
		return fmt.Errorf("installing cert-manager's CRDs from %s: %w", dir, err)
	}
	return nil
}

// ServesCertManager reports whether the API server serves cert-manager.io/v1.
func (c *ControlPlane) ServesCertManager() bool {
	_, err := c.Client.RESTMapper().RESTMapping(cmapi.SchemeGroupVersion.WithKind("Certificate").GroupKind(), "v1")
	return err == nil
}
