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

package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	corev1 "k8s.io/api/core/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// The webhook configuration is generated from these markers (make
// manifests → config/webhook/manifests.yaml): one MutatingWebhookConfiguration
// with three webhooks, one handler. What they say, and why:
//   - rewrite.vllm-to-sglang.io (/mutate--v1-pod) rewrites the pods of
//     namespaces labelled vllm-to-sglang.io/rewrite=enabled, except pods
//     labelled vllm-to-sglang.io/rewrite=disabled (opted out) or =audit.
//     failurePolicy Fail: an unrewritten CUDA pod cannot run on MI300X nodes.
//   - audit.vllm-to-sglang.io (/audit--v1-pod) audits the pods of namespaces
//     labelled vllm-to-sglang.io/rewrite=audit (except opted-out pods), and
//     audit-pod.vllm-to-sglang.io (same path) the pods labelled =audit in
//     enabled namespaces: each pod is admitted unchanged but for the audit
//     record in its status annotation. failurePolicy Ignore: an audit never
//     blocks a pod, not even while the webhook is down.
//
// All three:
//   - CREATE of v1 pods only: most of a pod is immutable on UPDATE.
//   - never kube-system nor the webhook's own namespace ("system" here;
//     config/default replaces it with the namespace the webhook runs in), so
//     the webhook can never block its own pods.
//   - matchConditions (CEL): only pods that look like vLLM (an image, command
//     or argument mentioning vllm) reach the webhook, never mirror pods, and
//     never pods already rewritten (the status annotation, unless it is an
//     audit record: its "mode" is "audit"; the handler would skip them
//     anyway, so a re-invocation costs no call); an outage of the webhook
//     then blocks no unrelated pod. They must stay a superset of what
//     webhook/argv detects (the integration suite checks it on every fixture).
//   - reinvocationPolicy IfNeeded: the rewrite is idempotent (status
//     annotation), so a later webhook's change is safe to see again; an
//     audit record is written again.
//   - sideEffects None: dry-run requests behave the same and touch nothing.
//   - timeoutSeconds 5: the handler answers in milliseconds.
//
// +kubebuilder:webhook:path=/mutate--v1-pod,failurePolicy=fail,name=rewrite.vllm-to-sglang.io,mutating=true,sideEffects=None,groups="",resources=pods,verbs=create,versions=v1,admissionReviewVersions=v1,reinvocationPolicy=IfNeeded,timeoutSeconds=5,patch=`{"namespaceSelector":{"matchExpressions":[{"key":"vllm-to-sglang.io/rewrite","operator":"In","values":["enabled"]},{"key":"kubernetes.io/metadata.name","operator":"NotIn","values":["kube-system","system"]}]},"objectSelector":{"matchExpressions":[{"key":"vllm-to-sglang.io/rewrite","operator":"NotIn","values":["disabled","audit"]}]},"matchConditions":[{"name":"not-a-mirror-pod","expression":"!has(object.metadata.annotations) || !('kubernetes.io/config.mirror' in object.metadata.annotations)"},{"name":"not-yet-rewritten","expression":"!has(object.metadata.annotations) || !('vllm-to-sglang.io/status' in object.metadata.annotations) || object.metadata.annotations['vllm-to-sglang.io/status'].contains('\"mode\":\"audit\"')"},{"name":"looks-like-vllm","expression":"object.spec.containers.exists(c, (has(c.image) && c.image.contains('vllm')) || (has(c.command) && c.command.exists(s, s.contains('vllm'))) || (has(c.args) && c.args.exists(s, s.contains('vllm'))))"}]}`
// +kubebuilder:webhook:path=/audit--v1-pod,failurePolicy=ignore,name=audit.vllm-to-sglang.io,mutating=true,sideEffects=None,groups="",resources=pods,verbs=create,versions=v1,admissionReviewVersions=v1,reinvocationPolicy=IfNeeded,timeoutSeconds=5,patch=`{"namespaceSelector":{"matchExpressions":[{"key":"vllm-to-sglang.io/rewrite","operator":"In","values":["audit"]},{"key":"kubernetes.io/metadata.name","operator":"NotIn","values":["kube-system","system"]}]},"objectSelector":{"matchExpressions":[{"key":"vllm-to-sglang.io/rewrite","operator":"NotIn","values":["disabled"]}]},"matchConditions":[{"name":"not-a-mirror-pod","expression":"!has(object.metadata.annotations) || !('kubernetes.io/config.mirror' in object.metadata.annotations)"},{"name":"not-yet-rewritten","expression":"!has(object.metadata.annotations) || !('vllm-to-sglang.io/status' in object.metadata.annotations) || object.metadata.annotations['vllm-to-sglang.io/status'].contains('\"mode\":\"audit\"')"},{"name":"looks-like-vllm","expression":"object.spec.containers.exists(c, (has(c.image) && c.image.contains('vllm')) || (has(c.command) && c.command.exists(s, s.contains('vllm'))) || (has(c.args) && c.args.exists(s, s.contains('vllm'))))"}]}`
// +kubebuilder:webhook:path=/audit--v1-pod,failurePolicy=ignore,name=audit-pod.vllm-to-sglang.io,mutating=true,sideEffects=None,groups="",resources=pods,verbs=create,versions=v1,admissionReviewVersions=v1,reinvocationPolicy=IfNeeded,timeoutSeconds=5,patch=`{"namespaceSelector":{"matchExpressions":[{"key":"vllm-to-sglang.io/rewrite","operator":"In","values":["enabled"]},{"key":"kubernetes.io/metadata.name","operator":"NotIn","values":["kube-system","system"]}]},"objectSelector":{"matchExpressions":[{"key":"vllm-to-sglang.io/rewrite","operator":"In","values":["audit"]}]},"matchConditions":[{"name":"not-a-mirror-pod","expression":"!has(object.metadata.annotations) || !('kubernetes.io/config.mirror' in object.metadata.annotations)"},{"name":"not-yet-rewritten","expression":"!has(object.metadata.annotations) || !('vllm-to-sglang.io/status' in object.metadata.annotations) || object.metadata.annotations['vllm-to-sglang.io/status'].contains('\"mode\":\"audit\"')"},{"name":"looks-like-vllm","expression":"object.spec.containers.exists(c, (has(c.image) && c.image.contains('vllm')) || (has(c.command) && c.command.exists(s, s.contains('vllm'))) || (has(c.args) && c.args.exists(s, s.contains('vllm'))))"}]}`

// The webhook reads SGLangProfiles, and the labels of namespaces (a
// profile's namespaceSelector matches them; the AdmissionRequest does not
// carry them), and nothing else: no pods, no secrets.
// +kubebuilder:rbac:groups=shim.vllm-to-sglang.io,resources=sglangprofiles,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch

// SetupWithManager registers the pod handler on the manager's webhook server
// and the health checks: live once started, ready once the webhook server is
// serving and the SGLangProfile and Namespace caches have synced.
func SetupWithManager(mgr manager.Manager, o Options) error {
	m, err := NewMetrics(o.registry())
	if err != nil {
		return fmt.Errorf("registering metrics: %w", err)
	}
	// Creating the informers now (without waiting) makes the cache start
	// them with the manager, so readiness can wait for them.
	profiles, err := mgr.GetCache().GetInformer(context.Background(), &v1alpha1.SGLangProfile{}, cache.BlockUntilSynced(false))
	if err != nil {
		return fmt.Errorf("creating the SGLangProfile informer: %w", err)
	}
	namespaces, err := mgr.GetCache().GetInformer(context.Background(), &corev1.Namespace{}, cache.BlockUntilSynced(false))
	if err != nil {
		return fmt.Errorf("creating the Namespace informer: %w", err)
	}
	// Registered as a plain http.Handler: it decodes the AdmissionReview and
	// its pod in one pass (controller-runtime's admission.Webhook would
	// decode the pod twice). The server still wraps it in controller-runtime's
	// webhook request metrics.
	rw := NewPodRewriter(mgr.GetCache(), o.ProxyImage, m)
	rw.live = mgr.GetAPIReader()
	if inf, ok := profiles.(toolscache.SharedIndexInformer); ok {
		// controller-runtime's informers are client-go's: read their store
		// as it is rather than copying every profile into a list per pod.
		rw.listProfiles = storeLister(inf.GetStore())
	}
	mgr.GetWebhookServer().Register(MutatePodPath, rw)
	mgr.GetWebhookServer().Register(AuditPodPath, rw.Audit())
	mgr.GetWebhookServer().Register(ValidateProfilePath,
		admission.WithValidator[*v1alpha1.SGLangProfile](mgr.GetScheme(), ProfileValidator{}))

	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return fmt.Errorf("adding the liveness check: %w", err)
	}
	if err := mgr.AddReadyzCheck("webhook", mgr.GetWebhookServer().StartedChecker()); err != nil {
		return fmt.Errorf("adding the webhook readiness check: %w", err)
	}
	if err := mgr.AddReadyzCheck("profiles", syncedChecker(profiles, errProfilesNotSynced)); err != nil {
		return fmt.Errorf("adding the profile cache readiness check: %w", err)
	}
	if err := mgr.AddReadyzCheck("namespaces", syncedChecker(namespaces, errNamespacesNotSynced)); err != nil {
		return fmt.Errorf("adding the namespace cache readiness check: %w", err)
	}
	return nil
}

// The readiness failures before the first full list.
var (
	errProfilesNotSynced   = errors.New("the SGLangProfile cache has not synced yet")
	errNamespacesNotSynced = errors.New("the Namespace cache has not synced yet")
)

func syncedChecker(inf cache.Informer, notSynced error) healthz.Checker {
	return func(*http.Request) error {
		if !inf.HasSynced() {
			return notSynced
		}
		return nil
	}
}
