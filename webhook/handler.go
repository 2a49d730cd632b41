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

// PodRewriter is the admission handler for pod CREATE: it picks the pod's
// SGLangProfile, runs the pure rewrite and answers with a patch, a denial or
// nothing, plus warnings. It serves AdmissionReviews over HTTP itself
// (ServeHTTP, which decodes the review and its pod in one pass) and is also
// an admission.Handler. It is not a typed Defaulter: a Defaulter cannot
// return warnings, and computes its patch by index (see podpatch.Create).
type PodRewriter struct {
	profiles   client.Reader
	proxyImage string
	metrics    *Metrics
	defaulted  profileCache
	log        logr.Logger
}

// NewPodRewriter returns the handler. profiles reads SGLangProfiles (the
// manager's cache in the server); proxyImage is used when a profile names no
// proxy image.
func NewPodRewriter(profiles client.Reader, proxyImage string, m *Metrics) *PodRewriter {
	return &PodRewriter{profiles: profiles, proxyImage: proxyImage, metrics: m, log: logf.Log.WithName("pod-rewriter")}
}

// outcome is what one request came to, for the metrics and the log line.
type outcome struct {
	kind, reason string
	flagWarnings []flagWarning
}

type flagWarning struct{ flag, action string }

func (o *outcome) set(kind, reason string) { o.kind, o.reason = kind, reason }

// Handle implements admission.Handler: it decodes the pod from the request
// and answers as ServeHTTP does.
func (p *PodRewriter) Handle(ctx context.Context, req admission.Request) admission.Response {
	pod, err := decodePod(req.Object.Raw)
	return p.admit(ctx, &req.AdmissionRequest, pod, err)
}

// admit answers one request whose pod was decoded (or failed to decode with
// podErr). It never panics: a panic in the rewrite is recovered, logged and
// counted, and the pod is refused with a 500.
func (p *PodRewriter) admit(ctx context.Context, req *admissionv1.AdmissionRequest, pod *corev1.Pod, podErr error) (resp admission.Response) {
	start := time.Now()
	o := &outcome{}
	defer func() {
		if r := recover(); r != nil {
			logf.FromContext(ctx).Error(fmt.Errorf("panic: %v", r), "Recovered from a panic while rewriting a pod", "stack", string(debug.Stack()))
			o.set(OutcomeDenied, DenyInternal)
			resp = admission.Errored(http.StatusInternalServerError,
				fmt.Errorf("vllm-to-sglang webhook: internal error while rewriting the pod (recovered from a panic: %v)", r))
		}
		p.metrics.observe(o, time.Since(start))
	}()
	return p.handle(ctx, req, pod, podErr, o)
}

func (p *PodRewriter) handle(ctx context.Context, req *admissionv1.AdmissionRequest, pod *corev1.Pod, podErr error, o *outcome) admission.Response {
	switch req.Operation {
	case admissionv1.Create:
	case admissionv1.Update, admissionv1.Delete, admissionv1.Connect:
		o.set(OutcomeSkipped, SkipNotCreate)
		return admission.Allowed("only pod CREATE is rewritten")
	default:
		return malformed(ctx, o, fmt.Errorf("vllm-to-sglang webhook: the admission request has no valid operation (%q)", req.Operation))
	}
	if podErr != nil {
		return malformed(ctx, o, fmt.Errorf("vllm-to-sglang webhook: the admission request does not hold a valid v1 Pod: %w", podErr))
	}
	resp := p.rewrite(ctx, req, pod, o)
	logf.FromContext(ctx).Info("Handled pod", "pod", podRef(pod, req), "dryRun", isDryRun(req),
		"outcome", o.kind, "reason", o.reason, "profile", profileName(pod),
		"warnings", len(resp.Warnings), "allowed", resp.Allowed)
	return resp
}

// malformed refuses a request that cannot be understood, with a 400.
func malformed(ctx context.Context, o *outcome, err error) admission.Response {
	logf.FromContext(ctx).Info("Refused a malformed admission request", "error", err.Error())
	o.set(OutcomeDenied, DenyMalformed)
	return admission.Errored(http.StatusBadRequest, err)
}

// rewrite runs the rewrite against the pod's profile, on a copy of the pod,
// and answers with the patch from the pod to the copy.
func (p *PodRewriter) rewrite(ctx context.Context, req *admissionv1.AdmissionRequest, pod *corev1.Pod, o *outcome) admission.Response {
	name := profileName(pod)
	spec, err := p.profile(ctx, name)
	if err != nil {
		return p.profileError(pod, name, err, o)
	}
	mutated := pod.DeepCopy()
	report, err := rewrite.Rewrite(&mutated.ObjectMeta, &mutated.Spec, spec, rewrite.Options{ProfileName: name, ProxyImage: p.proxyImage})
	if err != nil {
		return denyRewriteError(err, o)
	}
	warnings := report.Warnings()
	if report.Outcome != rewrite.Rewritten {
		o.set(OutcomeSkipped, string(report.SkipReason))
		return admission.Allowed(report.SkipReason.Sentence()).WithWarnings(warnings...)
	}
	patch, err := podpatch.Create(pod, mutated)
	if err != nil {
		o.set(OutcomeDenied, DenyInternal)
		return admission.Errored(http.StatusInternalServerError, fmt.Errorf("vllm-to-sglang webhook: computing the pod patch: %w", err))
	}
	o.set(OutcomeRewritten, "")
	if report.TranslatedAtStart {
		o.set(OutcomeRewritten, string(argv.TranslateAtStart))
	}
	o.flagWarnings = flagWarnings(report.Findings)
	return patched(patch).WithWarnings(warnings...)
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

// profile returns the named profile's defaulted spec, shared and read-only.
func (p *PodRewriter) profile(ctx context.Context, name string) (*v1alpha1.SGLangProfileSpec, error) {
	return p.defaulted.get(ctx, p.profiles, name)
}

// profileError answers a pod whose profile could not be read. A pod the
// rewrite leaves alone whatever the profile (no vLLM container, no GPU,
// already rewritten, opted out...) is allowed: a missing profile must not
// block unrelated pods. A vLLM pod is denied, even one its profile might
// have admitted unchanged (unsafeFlags: Warn): that depends on the profile.
func (p *PodRewriter) profileError(pod *corev1.Pod, name string, err error, o *outcome) admission.Response {
	if reason, skip := wouldSkip(pod); skip {
		o.set(OutcomeSkipped, string(reason))
		return admission.Allowed(reason.Sentence())
	}
	if apierrors.IsNotFound(err) {
		o.set(OutcomeDenied, DenyProfileNotFound)
		return admission.Denied(missingProfileMessage(pod, name))
	}
	o.set(OutcomeDenied, DenyProfileLookup)
	return admission.Errored(http.StatusInternalServerError,
		fmt.Errorf("vllm-to-sglang webhook: reading SGLangProfile %q: %w", name, err))
}

// wouldSkip asks the rewrite's own skip decision (rewrite.Skip, which only
// reads the pod) whether it leaves the pod alone whatever the profile. The
// one profile setting that decision reads, the GPU resources, is taken from
// the built-in default profile, since the pod's cannot be read.
func wouldSkip(pod *corev1.Pod) (rewrite.SkipReason, bool) {
	gpu := profile.Default().Spec.GPU
	reason, _ := rewrite.Skip(&pod.ObjectMeta, &pod.Spec, &gpu)
	return reason, reason != ""
}

func missingProfileMessage(pod *corev1.Pod, name string) string {
	if _, set := pod.Annotations[v1alpha1.AnnotationProfile]; set {
		return fmt.Sprintf("vllm-to-sglang: SGLangProfile %q (named by the pod's %s annotation) does not exist; create it or name an existing profile",
			name, v1alpha1.AnnotationProfile)
	}
	return fmt.Sprintf("vllm-to-sglang: SGLangProfile %q does not exist; create it, or name an existing profile in the pod's %s annotation, or label the pod %s=%s to opt it out",
		name, v1alpha1.AnnotationProfile, v1alpha1.LabelRewrite, v1alpha1.LabelRewriteDisabled)
}

// denyRewriteError turns a rewrite error into a denial with its reason.
func denyRewriteError(err error, o *outcome) admission.Response {
	var rejected *rewrite.RejectedError
	if errors.As(err, &rejected) {
		o.set(OutcomeDenied, DenyRejectedFlags)
		return admission.Denied("vllm-to-sglang: " + err.Error())
	}
	o.set(OutcomeDenied, DenyRewriteFailed)
	return admission.Denied("vllm-to-sglang: the pod cannot be rewritten: " + err.Error())
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

// profileName is the profile the pod asks for, or the default one.
func profileName(pod *corev1.Pod) string {
	if name := pod.Annotations[v1alpha1.AnnotationProfile]; name != "" {
		return name
	}
	return v1alpha1.DefaultProfileName
}

// podRef names the pod for logs. Pods from controllers arrive with
// generateName and no name, and metadata.namespace may be empty: the
// request's namespace is the one the pod is created in.
func podRef(pod *corev1.Pod, req *admissionv1.AdmissionRequest) klog.ObjectRef {
	ns := pod.Namespace
	if ns == "" {
		ns = req.Namespace
	}
	name := pod.Name
	if name == "" {
		name = pod.GenerateName + "<generated>"
	}
	return klog.KRef(ns, name)
}

func isDryRun(req *admissionv1.AdmissionRequest) bool { return req.DryRun != nil && *req.DryRun }
