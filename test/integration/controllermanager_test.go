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
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
)

// TestDeploymentPodsAreRewrittenThroughTheControllerManager follows the path
// the vLLM production stack takes: a Deployment, whose ReplicaSet the
// controller manager creates, whose pod the ReplicaSet controller creates
// (with generateName) and the webhook rewrites.
func TestDeploymentPodsAreRewrittenThroughTheControllerManager(t *testing.T) {
	startWebhook(t)
	kcm, err := suite.cp.StartControllerManager()
	if err != nil {
		t.Fatal(err)
	}
	kcm.StopAtCleanup(t)
	ns := optedInNamespace(t)
	// The Deployment the vLLM production-stack chart renders for one Llama on one GPU.
	deps, err := framework.Deployments(fixture("production-stack-helm-single-gpu-llama.yaml"))
	if err != nil || len(deps) == 0 {
		t.Fatalf("the production-stack fixture's Deployment: %v (%d found)", err, len(deps))
	}
	dep := deps[0]
	dep.Namespace = ns
	if err := suite.cp.Client.Create(t.Context(), dep); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := framework.WaitContext(t)
	defer cancel()
	pods, err := framework.DeploymentPods(ctx, suite.cp.Client, dep, 1)
	if err != nil {
		t.Fatal(err)
	}
	pod := pods[0]
	if !framework.IsRewritten(&pod) {
		t.Errorf("the ReplicaSet's pod %s was not rewritten", pod.Name)
	}
	if pod.GenerateName == "" || len(pod.OwnerReferences) == 0 || pod.OwnerReferences[0].Kind != "ReplicaSet" {
		t.Errorf("pod %s was not created by a ReplicaSet with generateName (owners %v)", pod.Name, pod.OwnerReferences)
	}
	// The Deployment itself is untouched: only pods are rewritten.
	stored := &appsv1.Deployment{}
	if err := suite.cp.Client.Get(context.Background(), client.ObjectKeyFromObject(dep), stored); err != nil {
		t.Fatal(err)
	}
	if img := stored.Spec.Template.Spec.Containers[0].Image; img != dep.Spec.Template.Spec.Containers[0].Image {
		t.Errorf("the Deployment's template changed to image %s", img)
	}
}
