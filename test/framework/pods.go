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

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// FindContainer returns the pod's container or init container (the proxy
// is a native sidecar) named name, or nil.
func FindContainer(pod *corev1.Pod, name string) *corev1.Container {
	for _, list := range [][]corev1.Container{pod.Spec.Containers, pod.Spec.InitContainers} {
		for i := range list {
			if list[i].Name == name {
				return &list[i]
			}
		}
	}
	return nil
}

// IsRewritten reports whether the webhook rewrote a pod: it carries the
// status annotation and the proxy container.
func IsRewritten(pod *corev1.Pod) bool {
	_, annotated := pod.Annotations[v1alpha1.AnnotationStatus]
	return annotated && FindContainer(pod, v1alpha1.ProxyContainerName) != nil
}

// DeploymentPods waits until the Deployment's ReplicaSet has created at
// least n pods (kube-controller-manager runs the controllers) and returns
// the pods its selector matches.
func DeploymentPods(ctx context.Context, c client.Client, d *appsv1.Deployment, n int) ([]corev1.Pod, error) {
	var pods corev1.PodList
	err := Poll(ctx, fmt.Sprintf("%d pods of Deployment %s/%s", n, d.Namespace, d.Name), func() error {
		if err := c.List(ctx, &pods, client.InNamespace(d.Namespace), client.MatchingLabels(d.Spec.Selector.MatchLabels)); err != nil {
			return err
		}
		if len(pods.Items) < n {
			return fmt.Errorf("%d pods", len(pods.Items))
		}
		return nil
	})
	return pods.Items, err
}
