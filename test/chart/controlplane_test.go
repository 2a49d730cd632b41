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

package charttest

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/go-logr/logr/funcr"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/release"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// cluster is one kube-apiserver and etcd shared by the tests of this
// package (started on first use, stopped by TestMain). Tests that install
// releases use their own release names and namespaces; cluster-scoped
// objects (the profile named default, the RuntimeClass nvidia) are each
// owned by one test.
type cluster struct {
	env        *envtest.Environment
	cfg        *rest.Config
	kubeconfig string // for Helm, which wants a RESTClientGetter
	client     client.Client
	scheme     *runtime.Scheme
}

var (
	clusterOnce sync.Once
	shared      *cluster
	sharedErr   error
)

func TestMain(m *testing.M) {
	// cert-manager's CA injector logs through controller-runtime's logger;
	// go test shows stderr when a test fails (or with -v).
	ctrl.SetLogger(funcr.New(func(prefix, args string) { fmt.Fprintln(os.Stderr, prefix, args) }, funcr.Options{}))
	code := m.Run()
	if shared != nil {
		if err := shared.env.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stopping the control plane: %v\n", err)
		}
		_ = os.RemoveAll(filepath.Dir(shared.kubeconfig))
	}
	os.Exit(code)
}

// controlPlane returns the shared control plane. Without KUBEBUILDER_ASSETS
// the test fails rather than skips: these tests are the proof that the
// chart installs, and a skip would hide that they did not run.
func controlPlane(t *testing.T) *cluster {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set: run make test-chart, which builds kube-apiserver and etcd into bin/k8s (make envtest) and sets it")
	}
	clusterOnce.Do(func() { shared, sharedErr = startCluster() })
	if sharedErr != nil {
		t.Fatalf("starting the control plane: %v", sharedErr)
	}
	return shared
}

func testScheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		clientgoscheme.AddToScheme, apiextensionsv1.AddToScheme, cmapi.AddToScheme, v1alpha1.AddToScheme,
	} {
		if err := add(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func startCluster() (*cluster, error) {
	scheme, err := testScheme()
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{Scheme: scheme}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting envtest (KUBEBUILDER_ASSETS=%s): %w", os.Getenv("KUBEBUILDER_ASSETS"), err)
	}
	c := &cluster{env: env, cfg: cfg, scheme: scheme}
	if c.client, err = client.New(cfg, client.Options{Scheme: scheme}); err != nil {
		return c, err
	}
	user, err := env.AddUser(envtest.User{Name: "helm", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return c, fmt.Errorf("adding the helm user: %w", err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		return c, err
	}
	dir, err := os.MkdirTemp("", "chart-test-")
	if err != nil {
		return c, err
	}
	c.kubeconfig = filepath.Join(dir, "kubeconfig")
	return c, os.WriteFile(c.kubeconfig, kubeconfig, 0o600)
}

// helm returns a Helm action configuration talking to the control plane as
// the helm CLI would: a kubeconfig, release records in Secrets.
func (c *cluster) helm(t *testing.T, namespace string) *action.Configuration {
	t.Helper()
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig = ptr.To(c.kubeconfig)
	flags.Namespace = ptr.To(namespace)
	flags.CacheDir = ptr.To(t.TempDir()) // fresh discovery: CRDs come and go
	cfg := new(action.Configuration)
	if err := cfg.Init(flags, namespace, "secret", t.Logf); err != nil {
		t.Fatalf("initialising Helm: %v", err)
	}
	return cfg
}

const helmTimeout = 2 * time.Minute

// install is helm install --create-namespace (no --wait: nothing runs pods here).
func (c *cluster) install(t *testing.T, name, namespace string, vals map[string]any) (*release.Release, error) {
	t.Helper()
	inst := action.NewInstall(c.helm(t, namespace))
	inst.ReleaseName = name
	inst.Namespace = namespace
	inst.CreateNamespace = true
	inst.Timeout = helmTimeout
	return inst.RunWithContext(t.Context(), loadChart(t), vals)
}

func (c *cluster) mustInstall(t *testing.T, name, namespace string, vals map[string]any) *rendered {
	t.Helper()
	rel, err := c.install(t, name, namespace, vals)
	if err != nil {
		t.Fatalf("helm install %s: %v", name, err)
	}
	r, err := parseRelease(rel)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (c *cluster) upgrade(t *testing.T, name, namespace string, vals map[string]any) *rendered {
	t.Helper()
	up := action.NewUpgrade(c.helm(t, namespace))
	up.Namespace = namespace
	up.Timeout = helmTimeout
	rel, err := up.RunWithContext(t.Context(), name, loadChart(t), vals)
	if err != nil {
		t.Fatalf("helm upgrade %s: %v", name, err)
	}
	r, err := parseRelease(rel)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (c *cluster) uninstall(t *testing.T, name, namespace string) {
	t.Helper()
	un := action.NewUninstall(c.helm(t, namespace))
	un.Timeout = helmTimeout
	if _, err := un.Run(name); err != nil {
		t.Fatalf("helm uninstall %s: %v", name, err)
	}
}

// get reads a cluster-scoped (namespace "") or namespaced object.
func (c *cluster) get(t *testing.T, namespace, name string, obj client.Object) {
	t.Helper()
	if err := c.client.Get(t.Context(), client.ObjectKey{Namespace: namespace, Name: name}, obj); err != nil {
		t.Fatalf("getting %T %s/%s: %v", obj, namespace, name, err)
	}
}
