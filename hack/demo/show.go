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

package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"mvdan.cc/sh/v3/syntax"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

const (
	// optedIn is the namespace the Deployment goes to; plain is one
	// without the label, where the same pod is dry-run unrewritten.
	optedIn = "vllm-demo"
	plain   = "vllm-demo-unlabelled"
)

// showRewrite applies the fixture's Deployment in a labelled namespace and
// prints the webhook's warnings, the pod without and with the rewrite, and
// the two containers that serve it.
func (d *demo) showRewrite(ctx context.Context, fixture string) error {
	deps, err := framework.Deployments(fixture)
	if err != nil {
		return err
	}
	if len(deps) == 0 {
		return fmt.Errorf("%s holds no Deployment", fixture)
	}
	dep := deps[0]
	dep.Namespace = optedIn
	dep.OwnerReferences = nil // an operator's owner is not in this cluster

	d.step("kubectl create namespace %s && kubectl label namespace %s %s=%s",
		optedIn, optedIn, v1alpha1.LabelRewrite, v1alpha1.LabelRewriteEnabled)
	c := d.cp.Client
	if err := framework.EnsureNamespace(ctx, c, optedIn, framework.OptedIn()); err != nil {
		return err
	}
	if err := framework.EnsureNamespace(ctx, c, plain, nil); err != nil {
		return err
	}
	if err := d.showWarnings(ctx, dep); err != nil {
		return err
	}
	rel, _ := filepath.Rel(d.root, fixture)
	d.step("kubectl apply -n %s -f %s   (Deployment %s)", optedIn, rel, dep.Name)
	if err := c.Create(ctx, dep); err != nil {
		return fmt.Errorf("creating Deployment %s: %w", dep.Name, err)
	}
	pod, err := d.waitForPod(ctx, dep)
	if err != nil {
		return err
	}
	before, err := d.unrewritten(ctx, dep, pod)
	if err != nil {
		return err
	}
	return d.printDiff(before, pod)
}

// showWarnings creates the Deployment's pod with a server-side dry run and
// prints the warnings the API server passes on from the webhook: what
// kubectl prints when a pod is created. The ReplicaSet controller, which
// creates the real pod, gets them too, but only logs them.
func (d *demo) showWarnings(ctx context.Context, dep *appsv1.Deployment) error {
	wc, rec, err := framework.ClientWithWarnings(d.cp.Config, d.cp.Scheme)
	if err != nil {
		return err
	}
	pod := &corev1.Pod{
		ObjectMeta: *dep.Spec.Template.ObjectMeta.DeepCopy(),
		Spec:       *dep.Spec.Template.Spec.DeepCopy(),
	}
	pod.Namespace, pod.GenerateName = optedIn, dep.Name+"-"
	if err := wc.Create(ctx, pod, client.DryRunAll); err != nil {
		return fmt.Errorf("dry-run creating the Deployment's pod: %w", err)
	}
	fmt.Fprintln(d.opts.out, "The webhook's warnings for this pod (kubectl prints them on create; here from a server-side dry run):")
	for _, w := range rec.Warnings() {
		fmt.Fprintln(d.opts.out, "Warning:", w)
	}
	return nil
}

// waitForPod waits until the ReplicaSet controller has created a pod.
func (d *demo) waitForPod(ctx context.Context, dep *appsv1.Deployment) (*corev1.Pod, error) {
	d.step("Waiting for kube-controller-manager: Deployment -> ReplicaSet -> Pod (the webhook rewrites the pod as it is created)")
	ctx, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	var pods corev1.PodList
	err := framework.Poll(ctx, "the Deployment's pod", func() error {
		if err := d.cp.Client.List(ctx, &pods, client.InNamespace(optedIn), client.MatchingLabels(dep.Spec.Selector.MatchLabels)); err != nil {
			return err
		}
		if len(pods.Items) == 0 {
			return errors.New("no pod yet")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &pods.Items[0], nil
}

// unrewritten is the same pod as the API server would store it without
// vllm-to-sglang: the Deployment's template with the pod's labels, created
// with a dry run in a namespace that is not opted in. The API server
// defaults both alike, so the diff shows only the webhook's changes.
func (d *demo) unrewritten(ctx context.Context, dep *appsv1.Deployment, pod *corev1.Pod) (*corev1.Pod, error) {
	var stored appsv1.Deployment
	if err := d.cp.Client.Get(ctx, client.ObjectKeyFromObject(dep), &stored); err != nil {
		return nil, err
	}
	before := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: pod.Name, Namespace: plain, Labels: pod.Labels, Annotations: stored.Spec.Template.Annotations,
		},
		Spec: *stored.Spec.Template.Spec.DeepCopy(),
	}
	if err := d.cp.Client.Create(ctx, before, client.DryRunAll); err != nil {
		return nil, fmt.Errorf("dry-run creating the unrewritten pod: %w", err)
	}
	return before, nil
}

// printDiff prints the unified diff of the two pods' YAML and the command
// lines of the containers that now serve the pod.
func (d *demo) printDiff(before, after *corev1.Pod) error {
	a, err := trimmedYAML(before)
	if err != nil {
		return err
	}
	b, err := trimmedYAML(after)
	if err != nil {
		return err
	}
	diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(a), B: difflib.SplitLines(b), Context: 3,
		FromFile: "the pod without vllm-to-sglang (dry run in namespace " + plain + ")",
		ToFile:   "pod " + after.Namespace + "/" + after.Name + ", as the ReplicaSet created it and the webhook rewrote it",
	})
	if err != nil {
		return err
	}
	d.step("kubectl get pod -n %s %s -o yaml, as a diff (managedFields, uid, status and other noise trimmed)", after.Namespace, after.Name)
	fmt.Fprint(d.opts.out, diff)
	return d.printServers(after)
}

// noise are the metadata fields that differ between any two pods.
var noise = []string{"managedFields", "uid", "resourceVersion", "creationTimestamp", "generation", "generateName", "namespace", "ownerReferences"}

func trimmedYAML(pod *corev1.Pod) (string, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(pod)
	if err != nil {
		return "", err
	}
	unstructured.RemoveNestedField(m, "status")
	for _, f := range noise {
		unstructured.RemoveNestedField(m, "metadata", f)
	}
	unstructured.RemoveNestedField(m, "metadata", "labels", appsv1.DefaultDeploymentUniqueLabelKey)
	out, err := yaml.Marshal(m)
	return string(out), err
}

// printServers prints the SGLang command line and the proxy's, one flag a
// line, quoted for a shell.
func (d *demo) printServers(pod *corev1.Pod) error {
	status, ok, err := rewrite.ReadStatus(&pod.ObjectMeta)
	if err != nil || !ok {
		return fmt.Errorf("pod %s was not rewritten (status annotation: %v)", pod.Name, err)
	}
	for _, s := range []struct {
		title string
		list  []corev1.Container
		name  string
	}{
		{fmt.Sprintf("SGLang's command line (container %q, listening on 127.0.0.1:%d):", status.Container, status.SGLangPort), pod.Spec.Containers, status.Container},
		{fmt.Sprintf("The %s sidecar (a native sidecar: init container with restartPolicy Always), on the pod's port %d:", v1alpha1.ProxyContainerName, status.ServingPort), pod.Spec.InitContainers, v1alpha1.ProxyContainerName},
	} {
		c := findContainer(s.list, s.name)
		if c == nil {
			return fmt.Errorf("pod %s has no container %s", pod.Name, s.name)
		}
		line, err := commandLine(append(append([]string{}, c.Command...), c.Args...))
		if err != nil {
			return err
		}
		fmt.Fprintf(d.opts.out, "\n%s\n  image: %s\n%s\n", s.title, c.Image, line)
	}
	return nil
}

func findContainer(list []corev1.Container, name string) *corev1.Container {
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	return nil
}

// commandLine quotes argv for a shell, starting a new line at each flag.
func commandLine(argv []string) (string, error) {
	var b strings.Builder
	b.WriteString("  ")
	for i, arg := range argv {
		q, err := shellWord(arg)
		if err != nil {
			return "", err
		}
		if i > 0 && strings.HasPrefix(arg, "-") && len(arg) > 2 {
			b.WriteString(" \\\n    ")
		} else if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(q)
	}
	return b.String(), nil
}

// shellSafe are the bytes a shell word may hold unquoted (Python's
// shlex.quote uses the same set); anything else is quoted.
const shellSafe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-"

func shellWord(arg string) (string, error) {
	if arg != "" && strings.Trim(arg, shellSafe) == "" {
		return arg, nil
	}
	q, err := syntax.Quote(arg, syntax.LangBash)
	if err != nil {
		return "", fmt.Errorf("quoting %q: %w", arg, err)
	}
	return q, nil
}
