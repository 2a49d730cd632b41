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
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite/manifest"
)

// assetPath finds a control-plane binary where envtest looks for them.
func assetPath(name string) string {
	if dir := os.Getenv("KUBEBUILDER_ASSETS"); dir != "" {
		return filepath.Join(dir, name)
	}
	return filepath.Join(suite.root, "bin", "k8s", name)
}

// startControllerManager runs kube-controller-manager (the deployment and
// replicaset controllers only) against the test's API server, as cluster
// admin, until the test ends.
func startControllerManager(t *testing.T) {
	t.Helper()
	user, err := suite.env.AddUser(envtest.User{Name: "it-kube-controller-manager", Groups: []string{"system:masters"}}, suite.cfg)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, kubeconfig, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(assetPath("kube-controller-manager"),
		"--kubeconfig="+path,
		"--controllers=deployment-controller,replicaset-controller",
		"--leader-elect=false",
		"--secure-port=0", // no HTTPS endpoint: nothing here scrapes it
	)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting kube-controller-manager (run `make envtest`): %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("kube-controller-manager output:\n%s", out.String())
		}
	})
}

// productionStackDeployment is the Deployment the vLLM production-stack
// chart renders for one Llama on one GPU.
func productionStackDeployment(t testing.TB, ns string) *appsv1.Deployment {
	t.Helper()
	f, err := os.Open(filepath.Join(suite.root, "test", "testdata", "production-stack-helm-single-gpu-llama.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	objs, err := manifest.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range objs {
		if obj.GetKind() != "Deployment" {
			continue
		}
		dep := &appsv1.Deployment{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, dep); err != nil {
			t.Fatal(err)
		}
		dep.Namespace = ns
		return dep
	}
	t.Fatal("no Deployment in the production-stack fixture")
	return nil
}

// TestDeploymentPodsAreRewrittenThroughTheControllerManager follows the path
// the vLLM production stack takes: a Deployment, whose ReplicaSet the
// controller manager creates, whose pod the ReplicaSet controller creates
// (with generateName) and the webhook rewrites.
func TestDeploymentPodsAreRewrittenThroughTheControllerManager(t *testing.T) {
	startWebhook(t)
	startControllerManager(t)
	ns := optedInNamespace(t)
	dep := productionStackDeployment(t, ns)
	if err := suite.client.Create(t.Context(), dep); err != nil {
		t.Fatal(err)
	}
	var pod corev1.Pod
	eventually(t, "the Deployment's pod", func() error {
		var pods corev1.PodList
		if err := suite.client.List(t.Context(), &pods, client.InNamespace(ns),
			client.MatchingLabels(dep.Spec.Selector.MatchLabels)); err != nil {
			return err
		}
		if len(pods.Items) == 0 {
			return fmt.Errorf("no pod yet")
		}
		pod = pods.Items[0]
		return nil
	})
	if !isRewritten(&pod) {
		t.Errorf("the ReplicaSet's pod %s was not rewritten", pod.Name)
	}
	if pod.GenerateName == "" || len(pod.OwnerReferences) == 0 || pod.OwnerReferences[0].Kind != "ReplicaSet" {
		t.Errorf("pod %s was not created by a ReplicaSet with generateName (owners %v)", pod.Name, pod.OwnerReferences)
	}
	// The Deployment itself is untouched: only pods are rewritten.
	stored := &appsv1.Deployment{}
	if err := suite.client.Get(context.Background(), client.ObjectKeyFromObject(dep), stored); err != nil {
		t.Fatal(err)
	}
	if img := stored.Spec.Template.Spec.Containers[0].Image; img != dep.Spec.Template.Spec.Containers[0].Image {
		t.Errorf("the Deployment's template changed to image %s", img)
	}
}
