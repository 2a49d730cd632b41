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

package inspect

import (
	"context"
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/check"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// workloads lists the vLLM Deployments and StatefulSets of the opted-in
// and audit namespaces and dry-runs a pod of each, unless the API server
// could not even call the webhook for the sample pod (each would wait for
// the same timeout).
func (in *Inspector) workloads(ctx context.Context, f *check.Facts, optedIn, audited []string) check.Workloads {
	var ws check.Workloads
	for _, ns := range append(slices.Clone(optedIn), audited...) {
		found, err := in.vllmWorkloads(ctx, ns)
		if err != nil {
			ws.Err = err
			return ws
		}
		for i := range found {
			found[i].Audit = slices.Contains(audited, ns) ||
				found[i].Template.Labels[v1alpha1.LabelRewrite] == v1alpha1.LabelRewriteAudit
		}
		ws.Items = append(ws.Items, found...)
	}
	unreachable := f.Sample.Err != nil && check.Classify(f.Sample.Err) == check.RefusedWebhookUnreachable
	for i := range ws.Items {
		w := &ws.Items[i]
		if unreachable {
			w.DryRun = check.DryRun{NotTried: "the API server cannot call the webhook (see above)"}
			continue
		}
		w.DryRun = in.dryRun(ctx, podFor(w))
	}
	return ws
}

func (in *Inspector) vllmWorkloads(ctx context.Context, ns string) ([]check.Workload, error) {
	var out []check.Workload
	var deps appsv1.DeploymentList
	if err := in.client.List(ctx, &deps, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	for _, d := range deps.Items {
		if check.RunsVLLM(&d.Spec.Template.Spec) {
			out = append(out, check.Workload{Kind: "Deployment", Namespace: ns, Name: d.Name, Template: d.Spec.Template})
		}
	}
	var sets appsv1.StatefulSetList
	if err := in.client.List(ctx, &sets, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	for _, s := range sets.Items {
		if check.RunsVLLM(&s.Spec.Template.Spec) {
			out = append(out, check.Workload{Kind: "StatefulSet", Namespace: ns, Name: s.Name, Template: withClaims(&s)})
		}
	}
	return out, nil
}

// withClaims is a StatefulSet's pod template with the volumes its
// controller adds for volumeClaimTemplates (the template mounts them by
// name without declaring them, which a pod may not do).
func withClaims(s *appsv1.StatefulSet) corev1.PodTemplateSpec {
	t := *s.Spec.Template.DeepCopy()
	for _, claim := range s.Spec.VolumeClaimTemplates {
		t.Spec.Volumes = append(t.Spec.Volumes, corev1.Volume{
			Name: claim.Name,
			VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
				ClaimName: fmt.Sprintf("%s-%s-0", claim.Name, s.Name),
			}},
		})
	}
	return t
}

// podFor is a pod as the workload's controller would create it.
func podFor(w *check.Workload) *corev1.Pod {
	meta := *w.Template.ObjectMeta.DeepCopy()
	meta.Name = ""
	meta.GenerateName = w.Name + "-"
	meta.Namespace = w.Namespace
	return &corev1.Pod{ObjectMeta: meta, Spec: *w.Template.Spec.DeepCopy()}
}

// dryRun creates the pod with dryRun=All and keeps what the API server
// answered: the pod it would store, its admission warnings, or its
// refusal.
func (in *Inspector) dryRun(ctx context.Context, pod *corev1.Pod) check.DryRun {
	d := check.DryRun{Tried: true, Namespace: pod.Namespace}
	res := in.cs.CoreV1().RESTClient().Post().
		Namespace(pod.Namespace).Resource("pods").
		VersionedParams(&metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}, scheme.ParameterCodec).
		Body(pod).
		WarningHandler(rest.NoWarnings{}). // kept in the result instead of logged
		Do(ctx)
	for _, w := range res.Warnings() {
		d.Warnings = append(d.Warnings, w.Text)
	}
	var out corev1.Pod
	if err := res.Into(&out); err != nil {
		d.Err = err
		return d
	}
	d.Pod = &out
	return d
}

// auditRecords reads the audit records of the pods of the audit
// namespaces, and of the pods labelled vllm-to-sglang.io/rewrite=audit in
// the opted-in ones: their metadata only (list pods, as
// PartialObjectMetadata). An opted-in namespace is looked at when one of
// its pods carries a record.
func (in *Inspector) auditRecords(ctx context.Context, optedIn, audited []string) check.AuditRecords {
	var a check.AuditRecords
	look := func(ns string, opts ...client.ListOption) ([]check.AuditedPod, error) {
		list := &metav1.PartialObjectMetadataList{}
		list.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("PodList"))
		if err := in.client.List(ctx, list, append(opts, client.InNamespace(ns))...); err != nil {
			return nil, err
		}
		var out []check.AuditedPod
		for _, p := range list.Items {
			rec, ok, err := rewrite.ReadAudit(&p.ObjectMeta)
			if !ok {
				continue
			}
			out = append(out, check.AuditedPod{Namespace: ns, Name: p.Name, Created: p.CreationTimestamp.Time, Record: rec, Err: err})
		}
		return out, nil
	}
	for _, ns := range audited {
		pods, err := look(ns)
		if err != nil {
			a.Err = err
			return a
		}
		a.Namespaces = append(a.Namespaces, ns)
		a.Items = append(a.Items, pods...)
	}
	for _, ns := range optedIn {
		pods, err := look(ns, client.MatchingLabels{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteAudit})
		if err != nil {
			a.Err = err
			return a
		}
		if len(pods) > 0 {
			a.Namespaces = append(a.Namespaces, ns)
			a.Items = append(a.Items, pods...)
		}
	}
	return a
}
