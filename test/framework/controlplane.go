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
	"os"
	"path/filepath"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// Options say what a control plane holds besides kube-apiserver and etcd.
type Options struct {
	// CRDs installs the SGLangProfile CRD from config/crd/bases. Leave it
	// off when the chart installs the CRD (from its crds/ folder).
	CRDs bool
	// CertManagerCRDs installs the CRDs of the cert-manager module this
	// repository requires (deploy/crds).
	CertManagerCRDs bool
	// ControllerManager runs kube-controller-manager's deployment and
	// replicaset controllers, so Deployments get ReplicaSets and pods.
	ControllerManager bool
	// WebhookInstall is envtest's own webhook install: the configurations in
	// Paths, pointed at a local server with a certificate envtest makes.
	WebhookInstall envtest.WebhookInstallOptions
	// TempDir is where the control plane's own files (kubeconfigs, Helm
	// caches, TempDir folders) go; empty means the system's.
	TempDir string
}

// ControlPlane is a running kube-apiserver and etcd, and what talks to them.
type ControlPlane struct {
	// Root is the repository root.
	Root string
	Env  *envtest.Environment
	// Config and Client act as cluster admin.
	Config *rest.Config
	Client client.Client
	Scheme *runtime.Scheme
	// Kubeconfig is a kubeconfig file of a system:masters user, for Helm
	// and for binaries (kube-controller-manager, the webhook command).
	Kubeconfig string

	dir     string  // temporary files, removed by Stop
	cleanup Cleanup // processes started for this control plane
}

// Timeouts of the control plane's own start and stop.
const (
	startTimeout = 2 * time.Minute
	stopTimeout  = time.Minute
)

// StartControlPlane starts kube-apiserver and etcd from AssetsDir and what
// opts ask for. On error nothing is left running.
func StartControlPlane(ctx context.Context, opts Options) (cp *ControlPlane, err error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	assets := AssetsDir(root)
	needed := []string{"kube-apiserver", "etcd"}
	if opts.ControllerManager {
		needed = append(needed, "kube-controller-manager")
	}
	if err := CheckAssets(assets, needed...); err != nil {
		return nil, err
	}
	scheme, err := Scheme()
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		Scheme:                   scheme,
		BinaryAssetsDirectory:    assets,
		ErrorIfCRDPathMissing:    true,
		WebhookInstallOptions:    opts.WebhookInstall,
		ControlPlaneStartTimeout: startTimeout,
		ControlPlaneStopTimeout:  stopTimeout,
	}
	if opts.CRDs {
		env.CRDDirectoryPaths = []string{filepath.Join(root, "config", "crd", "bases")}
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting kube-apiserver and etcd from %s: %w", assets, err)
	}
	cp = &ControlPlane{Root: root, Env: env, Config: cfg, Scheme: scheme}
	defer func() {
		if err != nil {
			err = errors.Join(err, cp.Stop())
			cp = nil
		}
	}()
	if err := cp.init(opts.TempDir); err != nil {
		return cp, err
	}
	if opts.CertManagerCRDs {
		if err := cp.InstallCertManagerCRDs(ctx); err != nil {
			return cp, err
		}
	}
	if opts.ControllerManager {
		if _, err := cp.StartControllerManager(); err != nil {
			return cp, err
		}
	}
	return cp, nil
}

// init makes the client, the temporary folder and the admin kubeconfig.
func (c *ControlPlane) init(tempDir string) error {
	var err error
	if c.Client, err = client.New(c.Config, client.Options{Scheme: c.Scheme}); err != nil {
		return fmt.Errorf("creating the client: %w", err)
	}
	if c.dir, err = os.MkdirTemp(tempDir, "vllm-to-sglang-controlplane-"); err != nil {
		return err
	}
	c.Kubeconfig, err = c.WriteKubeconfig("admin", "system:masters")
	return err
}

// WriteKubeconfig adds a user in the groups and writes its kubeconfig into
// the control plane's temporary folder; it returns the file's path.
func (c *ControlPlane) WriteKubeconfig(user string, groups ...string) (string, error) {
	u, err := c.Env.AddUser(envtest.User{Name: user, Groups: groups}, c.Config)
	if err != nil {
		return "", fmt.Errorf("adding user %s: %w", user, err)
	}
	data, err := u.KubeConfig()
	if err != nil {
		return "", fmt.Errorf("kubeconfig of %s: %w", user, err)
	}
	f, err := os.CreateTemp(c.dir, user+"-*.kubeconfig")
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return "", fmt.Errorf("writing %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}

// UserConfig adds a user in the groups and returns its REST config. A user
// in no group may do nothing but what RBAC bindings made for it allow.
func (c *ControlPlane) UserConfig(user string, groups ...string) (*rest.Config, error) {
	u, err := c.Env.AddUser(envtest.User{Name: user, Groups: groups}, c.Config)
	if err != nil {
		return nil, fmt.Errorf("adding user %s: %w", user, err)
	}
	return u.Config(), nil
}

// TempDir makes a folder that Stop removes.
func (c *ControlPlane) TempDir(pattern string) (string, error) {
	return os.MkdirTemp(c.dir, pattern)
}

// Stop stops what was started for the control plane, then the control
// plane, and removes its temporary files.
func (c *ControlPlane) Stop() error {
	errs := []error{c.cleanup.Run()}
	if err := c.Env.Stop(); err != nil {
		errs = append(errs, fmt.Errorf("stopping kube-apiserver and etcd: %w", err))
	}
	if c.dir != "" {
		errs = append(errs, os.RemoveAll(c.dir))
	}
	return errors.Join(errs...)
}

// Scheme holds the types the suites read and write: the built-in ones,
// CRDs, cert-manager's and SGLangProfile.
func Scheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		clientgoscheme.AddToScheme, apiextensionsv1.AddToScheme, cmapi.AddToScheme, v1alpha1.AddToScheme,
	} {
		if err := add(s); err != nil {
			return nil, fmt.Errorf("building the scheme: %w", err)
		}
	}
	return s, nil
}
