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
	"os"
	"testing"

	"helm.sh/helm/v3/pkg/release"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
)

// shared is one kube-apiserver and etcd for the tests of this package,
// started on first use. It holds no CRDs at start: the chart installs its
// own, and the cert-manager test first shows the install failing without
// cert-manager's. Tests that install releases use their own release names
// and namespaces; cluster-scoped objects (the profile named default, the
// RuntimeClass nvidia) are each owned by one test.
var shared framework.Shared

func TestMain(m *testing.M) {
	framework.SetLogger()
	os.Exit(shared.Run(m))
}

// cluster is the shared control plane with the chart's install actions.
type cluster struct{ *framework.ControlPlane }

// controlPlane returns the shared control plane; the test fails, never
// skips, when it cannot start: these tests are the proof that the chart
// installs.
func controlPlane(t *testing.T) *cluster {
	t.Helper()
	return &cluster{shared.Get(t)}
}

// helm is the helm CLI against the control plane, with a fresh discovery
// cache (CRDs come and go between tests).
func (c *cluster) helm(t *testing.T) framework.Helm {
	t.Helper()
	h, err := c.Helm(t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// install is helm install --create-namespace (no --wait: nothing runs pods here).
func (c *cluster) install(t *testing.T, name, namespace string, vals map[string]any) (*release.Release, error) {
	t.Helper()
	return c.helm(t).Install(t.Context(), loadChart(t), name, namespace, vals)
}

func (c *cluster) mustInstall(t *testing.T, name, namespace string, vals map[string]any) *rendered {
	t.Helper()
	rel, err := c.install(t, name, namespace, vals)
	if err != nil {
		t.Fatalf("helm install %s: %v", name, err)
	}
	return mustParse(t, rel)
}

func (c *cluster) upgrade(t *testing.T, name, namespace string, vals map[string]any) *rendered {
	t.Helper()
	rel, err := c.helm(t).Upgrade(t.Context(), loadChart(t), name, namespace, vals)
	if err != nil {
		t.Fatalf("helm upgrade %s: %v", name, err)
	}
	return mustParse(t, rel)
}

func (c *cluster) uninstall(t *testing.T, name, namespace string) {
	t.Helper()
	if err := c.helm(t).Uninstall(name, namespace); err != nil {
		t.Fatal(err)
	}
}

// get reads a cluster-scoped (namespace "") or namespaced object.
func (c *cluster) get(t *testing.T, namespace, name string, obj client.Object) {
	t.Helper()
	if err := c.Client.Get(t.Context(), client.ObjectKey{Namespace: namespace, Name: name}, obj); err != nil {
		t.Fatalf("getting %T %s/%s: %v", obj, namespace, name, err)
	}
}

// createNamespace creates the namespace unless it exists.
func (c *cluster) createNamespace(t *testing.T, name string) {
	t.Helper()
	if err := framework.EnsureNamespace(t.Context(), c.Client, name, nil); err != nil {
		t.Fatal(err)
	}
}
