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
	"runtime/debug"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/klog/v2"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/podpatch"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// PodRewriter is the admission handler for pod CREATE: it resolves the
// pod's SGLangProfile, runs the pure rewrite and answers with a patch, a
// denial or nothing, plus warnings. It serves AdmissionReviews over HTTP
// itself (ServeHTTP, which decodes the review and its pod in one pass) and
// is also an admission.Handler. It is not a typed Defaulter: a Defaulter
// cannot return warnings, and computes its patch by index (see
// podpatch.Create).
type PodRewriter struct {
	// cache reads SGLangProfiles and Namespaces: the manager's informer
	// cache in the server, so resolving a pod's profile calls no API.
	cache client.Reader
	// live reads a namespace the cache does not hold yet (created a moment
	// ago); nil: none.
	live client.Reader
	// listProfiles lists the SGLangProfiles: the informer's store in the
	// server, cache's List otherwise.
	listProfiles profileLister
	proxyImage   string
	metrics      *Metrics
	profiles     profileIndex
	log          logr.Logger
}

// NewPodRewriter returns the handler. cache reads SGLangProfiles and
// Namespaces (the manager's cache in the server); proxyImage is used when a
// profile names no proxy image.
func NewPodRewriter(cache client.Reader, proxyImage string, m *Metrics) *PodRewriter {
	return &PodRewriter{cache: cache, listProfiles: readerLister(cache), proxyImage: proxyImage, metrics: m, log: logf.Log.WithName("pod-rewriter")}
}

// outcome is what one request came to, for the metrics and the log line.
// An audited request's kind is OutcomeAudited, and decision and reason say
// what the webhook would have done.
type outcome struct {
	kind, reason string
	decision     rewrite.Decision
	flagWarnings []flagWarning
}

type flagWarning struct{ flag, action string }

func (o *outcome) set(kind, reason string) { o.kind, o.reason = kind, reason }

func (o *outcome) audited(d rewrite.Decision, reason string) {
	o.kind, o.decision, o.reason = OutcomeAudited, d, reason
}

// Handle implements admission.Handler: it decodes the pod from the request
// and answers as ServeHTTP does.
func (p *PodRewriter) Handle(ctx context.Context, req admission.Request) admission.Response {
	pod, err := decodePod(req.Object.Raw)
	return p.admit(ctx, &req.AdmissionRequest, pod, err, false)
}

// auditRequested reports whether the pod asks for an audit itself (the
// pod label vllm-to-sglang.io/rewrite=audit). The webhook configuration
// sends such pods to the audit webhook; one that reaches the rewrite
// webhook (a hand-written configuration) is audited all the same.
func auditRequested(pod *corev1.Pod) bool {
	return pod != nil && pod.Labels[v1alpha1.LabelRewrite] == v1alpha1.LabelRewriteAudit
}

// admit answers one request whose pod was decoded (or failed to decode with
// podErr); audit: in audit mode. It never panics: a panic in the rewrite is
// recovered, logged and counted, and the pod is refused with a 500, or in
// audit mode admitted unchanged (an audit never blocks a pod).
func (p *PodRewriter) admit(ctx context.Context, req *admissionv1.AdmissionRequest, pod *corev1.Pod, podErr error, audit bool) (resp admission.Response) {
	start := time.Now()
	o := &outcome{}
	audit = audit || auditRequested(pod)
	defer func() {
		if r := recover(); r != nil {
			logf.FromContext(ctx).Error(fmt.Errorf("panic: %v", r), "Recovered from a panic while rewriting a pod", "stack", string(debug.Stack()), "audit", audit)
			err := fmt.Errorf("vllm-to-sglang webhook: internal error while rewriting the pod (recovered from a panic: %v)", r)
			o.set(OutcomeDenied, DenyInternal)
			resp = admission.Errored(http.StatusInternalServerError, err)
			if audit {
				resp = auditedDenial(o, DenyInternal, err)
			}
		}
		p.metrics.observe(o, time.Since(start))
	}()
	return p.handle(ctx, req, pod, podErr, o, audit)
}

func (p *PodRewriter) handle(ctx context.Context, req *admissionv1.AdmissionRequest, pod *corev1.Pod, podErr error, o *outcome, audit bool) admission.Response {
	switch req.Operation {
	case admissionv1.Create:
	case admissionv1.Update, admissionv1.Delete, admissionv1.Connect:
		o.set(OutcomeSkipped, SkipNotCreate)
		return admission.Allowed("only pod CREATE is rewritten")
	default:
		return malformed(ctx, o, fmt.Errorf("vllm-to-sglang webhook: the admission request has no valid operation (%q)", req.Operation), audit)
	}
	if podErr != nil {
		return malformed(ctx, o, fmt.Errorf("vllm-to-sglang webhook: the admission request does not hold a valid v1 Pod: %w", podErr), audit)
	}
	v := p.decide(ctx, req, pod, audit)
	var resp admission.Response
	if audit {
		resp = v.auditAnswer(ctx, pod, o)
	} else {
		resp = v.answer(pod, o)
	}
	p.logHandled(ctx, req, pod, v, o, resp)
	return resp
}

func (p *PodRewriter) logHandled(ctx context.Context, req *admissionv1.AdmissionRequest, pod *corev1.Pod, v *verdict, o *outcome, resp admission.Response) {
	kv := []any{"pod", podRef(pod, req), "dryRun", isDryRun(req), "outcome", o.kind, "reason", o.reason,
		"profile", v.resolution.Name, "profileSource", v.resolution.Source,
		"warnings", len(resp.Warnings), "allowed", resp.Allowed}
	if o.kind == OutcomeAudited {
		kv = append(kv, "decision", o.decision)
	}
	if v.subject != nil && len(v.subject.Models) > 0 {
		kv = append(kv, "models", v.subject.Models)
	}
	logf.FromContext(ctx).Info("Handled pod", kv...)
}

// malformed refuses a request that cannot be understood, with a 400; in
// audit mode it admits the pod unchanged, with the error as a warning.
func malformed(ctx context.Context, o *outcome, err error, audit bool) admission.Response {
	logf.FromContext(ctx).Info("Refused a malformed admission request", "error", err.Error(), "audit", audit)
	o.set(OutcomeDenied, DenyMalformed)
	if audit {
		return auditedDenial(o, DenyMalformed, err)
	}
	return admission.Errored(http.StatusBadRequest, err)
}

// verdict is what the webhook decides for one pod before it answers.
type verdict struct {
	subject    *profile.Subject
	resolution profile.Resolution
	// kind and reason are the outcome (OutcomeRewritten, OutcomeSkipped,
	// OutcomeDenied) and its reason.
	kind, reason string
	// message is the skip's sentence or the denial's message.
	message string
	// err is a server error (answered with 500), for a denial.
	err error
	// report is the rewrite's, when it ran; mutated is the rewritten copy
	// of the pod (rewritten only).
	report  *rewrite.Report
	mutated *corev1.Pod
	// warnings are the admission warnings.
	warnings []string
}

func (v *verdict) skip(reason rewrite.SkipReason) *verdict {
	v.kind, v.reason, v.message = OutcomeSkipped, string(reason), reason.Sentence()
	return v
}

func (v *verdict) deny(reason, message string) *verdict {
	v.kind, v.reason, v.message = OutcomeDenied, reason, message
	return v
}

func (v *verdict) fail(reason string, err error) *verdict {
	v.kind, v.reason, v.message, v.err = OutcomeDenied, reason, err.Error(), err
	return v
}

// decide resolves the pod's profile and runs the rewrite on a copy of the
// pod. It changes nothing and answers nothing. audit: the model names are
// read for the audit record even when no selector needs them.
func (p *PodRewriter) decide(ctx context.Context, req *admissionv1.AdmissionRequest, pod *corev1.Pod, audit bool) *verdict {
	v := &verdict{}
	set, err := p.profiles.get(ctx, p.listProfiles, p.log)
	if err != nil {
		return v.lookupFailed(pod, DenyProfileLookup, fmt.Errorf("vllm-to-sglang webhook: reading the SGLangProfiles: %w", err))
	}
	v.subject, err = p.subject(ctx, req, pod, set, audit)
	if err != nil {
		return v.lookupFailed(pod, DenyNamespaceLookup, fmt.Errorf("vllm-to-sglang webhook: reading the labels of namespace %q: %w", namespaceOf(pod, req), err))
	}
	v.resolution = set.Resolve(v.subject)
	prof := v.resolution.Profile
	if prof == nil {
		return v.noProfile(pod)
	}
	mutated := pod.DeepCopy()
	report, err := rewrite.Rewrite(&mutated.ObjectMeta, &mutated.Spec, prof.Spec, rewrite.Options{ProfileName: prof.Name, ProxyImage: p.proxyImage})
	if err != nil {
		return v.rewriteError(err)
	}
	v.report, v.warnings = report, report.Warnings()
	if report.Outcome == rewrite.Rewritten || report.SkipReason.Warns() {
		if w := v.resolution.Warning(); w != "" {
			v.warnings = append([]string{w}, v.warnings...)
		}
	}
	if report.Outcome != rewrite.Rewritten {
		return v.skip(report.SkipReason)
	}
	v.kind, v.mutated = OutcomeRewritten, mutated
	if report.TranslatedAtStart {
		v.reason = string(argv.TranslateAtStart)
	}
	return v
}

// subject is what resolution reads of the pod: the namespace's labels and
// the model names only when some selector reads them and the pod names no
// profile.
func (p *PodRewriter) subject(ctx context.Context, req *admissionv1.AdmissionRequest, pod *corev1.Pod, set *profile.Set, audit bool) (*profile.Subject, error) {
	s := &profile.Subject{Annotation: pod.Annotations[v1alpha1.AnnotationProfile], PodLabels: pod.Labels}
	if audit {
		s.Models, _ = rewrite.ServedModels(&pod.Spec)
	}
	if s.Annotation != "" {
		return s, nil
	}
	if set.UsesModels() && !audit {
		s.Models, _ = rewrite.ServedModels(&pod.Spec)
	}
	if set.UsesNamespaceLabels() {
		labels, err := p.namespaceLabels(ctx, namespaceOf(pod, req))
		if err != nil {
			return s, err
		}
		s.NamespaceLabels = labels
	}
	return s, nil
}

// namespaceLabels reads the labels of a namespace from the cache, or from
// the API server when the cache does not hold it yet. A namespace neither
// holds has no labels (the API server admits no pod into a namespace that
// does not exist).
func (p *PodRewriter) namespaceLabels(ctx context.Context, name string) (map[string]string, error) {
	var ns corev1.Namespace
	key := client.ObjectKey{Name: name}
	err := p.cache.Get(ctx, key, &ns, client.UnsafeDisableDeepCopy)
	if apierrors.IsNotFound(err) && p.live != nil {
		err = p.live.Get(ctx, key, &ns)
	}
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return ns.Labels, err
}

// lookupFailed answers a pod whose profile could not be resolved because
// the profiles or the namespace could not be read. A pod the rewrite
// leaves alone whatever the profile (no vLLM container, no GPU, already
// rewritten, opted out...) is allowed: a cache that cannot be read must not
// block unrelated pods.
func (v *verdict) lookupFailed(pod *corev1.Pod, reason string, err error) *verdict {
	if skip, _ := rewrite.SkipWithoutProfile(&pod.ObjectMeta, &pod.Spec); skip != "" {
		return v.skip(skip)
	}
	return v.fail(reason, err)
}

// noProfile decides for a pod without a profile (rewrite.Unresolved):
// allowed when the rewrite would leave it alone whatever the profile;
// denied when its annotation names a profile that does not exist, even if
// that profile might have admitted it unchanged (unsafeFlags: Warn): that
// depends on the profile; left alone (SkipNoProfile) when nothing selects
// it and there is no default profile.
func (v *verdict) noProfile(pod *corev1.Pod) *verdict {
	report := rewrite.Unresolved(&pod.ObjectMeta, &pod.Spec, v.resolution)
	if report == nil {
		return v.deny(DenyProfileNotFound, missingProfileMessage(v.resolution.Name))
	}
	return v.skip(report.SkipReason)
}

func missingProfileMessage(name string) string {
	return fmt.Sprintf("vllm-to-sglang: SGLangProfile %q (named by the pod's %s annotation) does not exist; create it or name an existing profile",
		name, v1alpha1.AnnotationProfile)
}

// rewriteError turns a rewrite error into a denial with its reason.
func (v *verdict) rewriteError(err error) *verdict {
	var rejected *rewrite.RejectedError
	if errors.As(err, &rejected) {
		return v.deny(DenyRejectedFlags, "vllm-to-sglang: "+err.Error())
	}
	return v.deny(DenyRewriteFailed, "vllm-to-sglang: the pod cannot be rewritten: "+err.Error())
}

// answer is the enabled mode's response: the patch from the pod to its
// rewritten copy, the pod unchanged, or the denial.
func (v *verdict) answer(pod *corev1.Pod, o *outcome) admission.Response {
	o.set(v.kind, v.reason)
	switch v.kind {
	case OutcomeSkipped:
		return admission.Allowed(v.message).WithWarnings(v.warnings...)
	case OutcomeDenied:
		if v.err != nil {
			return admission.Errored(http.StatusInternalServerError, v.err)
		}
		return admission.Denied(v.message)
	}
	patch, err := podpatch.Create(pod, v.mutated)
	if err != nil {
		o.set(OutcomeDenied, DenyInternal)
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("vllm-to-sglang webhook: computing the pod patch: %w", err))
	}
	o.flagWarnings = flagWarnings(v.report.Findings)
	return patched(patch).WithWarnings(v.warnings...)
}

// patched allows the pod with a JSON patch (none when it is empty).
func patched(patch []byte) admission.Response {
	resp := admission.Allowed("")
	if len(patch) > 0 {
		pt := admissionv1.PatchTypeJSONPatch
		resp.Patch, resp.PatchType = patch, &pt
	}
	return resp
}

// flagWarnings lists the findings that are reported as warnings
// (argv.Finding.Warns), for the flag_warnings_total metric.
func flagWarnings(findings []argv.Finding) []flagWarning {
	var out []flagWarning
	for _, f := range findings {
		if f.Warns() {
			out = append(out, flagWarning{flag: f.Flag, action: string(f.Action)})
		}
	}
	return out
}

// namespaceOf is the namespace the pod is created in: metadata.namespace
// may be empty, the request's namespace is the one.
func namespaceOf(pod *corev1.Pod, req *admissionv1.AdmissionRequest) string {
	if pod.Namespace != "" {
		return pod.Namespace
	}
	return req.Namespace
}

// podRef names the pod for logs. Pods from controllers arrive with
// generateName and no name, and metadata.namespace may be empty: the
// request's namespace is the one the pod is created in.
func podRef(pod *corev1.Pod, req *admissionv1.AdmissionRequest) klog.ObjectRef {
	ns := namespaceOf(pod, req)
	name := pod.Name
	if name == "" {
		name = pod.GenerateName + "<generated>"
	}
	return klog.KRef(ns, name)
}

func isDryRun(req *admissionv1.AdmissionRequest) bool { return req.DryRun != nil && *req.DryRun }
