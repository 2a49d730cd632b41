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

package check

import (
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// maxListed bounds the names listed in one message.
const maxListed = 8

func runWorkloads(f *Facts, rs *results) {
	rs.add(optedInNamespaces(f))
	if f.Workloads.Err != nil {
		rs.add(readFailed(GroupWorkloads, CheckWorkload, "Deployments and StatefulSets", f.Workloads.Err))
	} else {
		rs.add(runtimeClasses(f))
		missing := missingRuntimeClasses(f)
		for _, w := range sortedWorkloads(f) {
			rs.add(workload(f, rs, &w, missing))
		}
	}
	rs.add(auditRecords(f)...)
}

// OptedIn splits namespaces labelled vllm-to-sglang.io/rewrite=enabled
// into those the webhook's namespaceSelector matches and those it
// excludes (kube-system, the webhook's own namespace). Without a webhook
// configuration the label alone decides.
func OptedIn(configs []admissionregistrationv1.MutatingWebhookConfiguration, namespaces []corev1.Namespace) (in, excluded []string) {
	sel := labels.SelectorFromSet(labels.Set{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteEnabled})
	if _, wh := FindWebhook(configs); wh != nil && wh.NamespaceSelector != nil {
		if s, err := metav1.LabelSelectorAsSelector(wh.NamespaceSelector); err == nil {
			sel = s
		}
	}
	return splitLabelled(namespaces, v1alpha1.LabelRewriteEnabled, sel)
}

// Audited splits namespaces labelled vllm-to-sglang.io/rewrite=audit into
// those the audit webhook's namespaceSelector matches and those it does
// not (kube-system, the webhook's own namespace; all of them with a
// webhook configuration that has no audit webhook, from before audit
// mode). Without a webhook configuration the label alone decides.
func Audited(configs []admissionregistrationv1.MutatingWebhookConfiguration, namespaces []corev1.Namespace) (in, notAudited []string) {
	sel := labels.SelectorFromSet(labels.Set{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteAudit})
	if cfg, _ := FindWebhook(configs); cfg != nil {
		sel = labels.Nothing()
		for _, wh := range cfg.Webhooks {
			if wh.Name != AuditWebhookName || wh.NamespaceSelector == nil {
				continue
			}
			if s, err := metav1.LabelSelectorAsSelector(wh.NamespaceSelector); err == nil {
				sel = s
			}
		}
	}
	return splitLabelled(namespaces, v1alpha1.LabelRewriteAudit, sel)
}

// splitLabelled splits the namespaces labelled vllm-to-sglang.io/rewrite=
// value into those sel matches and the others, each sorted by name.
func splitLabelled(namespaces []corev1.Namespace, value string, sel labels.Selector) (matched, unmatched []string) {
	for _, ns := range namespaces {
		if ns.Labels[v1alpha1.LabelRewrite] != value {
			continue
		}
		if sel.Matches(labels.Set(ns.Labels)) {
			matched = append(matched, ns.Name)
		} else {
			unmatched = append(unmatched, ns.Name)
		}
	}
	slices.Sort(matched)
	slices.Sort(unmatched)
	return matched, unmatched
}

func optedInNamespaces(f *Facts) Result {
	r := Result{Group: GroupWorkloads, Check: CheckOptedInNamespaces}
	if f.Namespaces.Err != nil {
		return readFailed(GroupWorkloads, CheckOptedInNamespaces, "namespaces", f.Namespaces.Err)
	}
	in, excluded := OptedIn(f.Webhook.Configs, f.Namespaces.Items)
	audited, notAudited := Audited(f.Webhook.Configs, f.Namespaces.Items)
	optInHint := fmt.Sprintf("kubectl label namespace NAME %s=%s", v1alpha1.LabelRewrite, v1alpha1.LabelRewriteEnabled)
	inAudit := ""
	if len(audited) > 0 {
		inAudit = fmt.Sprintf("; %s in audit mode (pods admitted unchanged, with a record of what would happen): %s", plural(len(audited), "namespace"), listNames(audited))
	}
	switch {
	case len(in) == 0 && len(audited) == 0 && f.Namespaces.Only != "":
		r.Status = Warning
		r.Message = fmt.Sprintf("namespace %s is not opted in: its pods are not rewritten", f.Namespaces.Only)
		r.Hint = strings.Replace(optInHint, "NAME", f.Namespaces.Only, 1)
	case len(in) == 0:
		r.Status = Warning
		r.Message = "no namespace is opted in: no pod is rewritten yet" + inAudit
		r.Hint = optInHint
	default:
		r.Status = Passed
		r.Message = fmt.Sprintf("%s opted in: %s", plural(len(in), "namespace"), listNames(in)) + inAudit
	}
	if len(excluded) > 0 {
		r.Status = Warning
		r.Details = []string{fmt.Sprintf("labelled, but the webhook never rewrites pods there: %s", listNames(excluded))}
		r.Hint = "the webhook configuration excludes kube-system and the webhook's own namespace, so it can never block its own pods or the system's; run vLLM workloads elsewhere"
	}
	if len(notAudited) > 0 {
		r.Status = Warning
		r.Details = append(r.Details, fmt.Sprintf("labelled %s=%s, but no audit webhook selects them: %s", v1alpha1.LabelRewrite, v1alpha1.LabelRewriteAudit, listNames(notAudited)))
		r.Hint = fmt.Sprintf("the webhook configuration has no %s webhook (upgrade the chart, audit.enabled=true), or it excludes the namespace (kube-system, the webhook's own)", AuditWebhookName)
	}
	return r
}

// RunsVLLM reports whether a pod template has a container running vLLM's
// server (rewritable or not: multi-node servers count).
func RunsVLLM(spec *corev1.PodSpec) bool {
	for _, c := range spec.Containers {
		if _, reason := argv.Detect(c.Command, c.Args, c.Image); reason.RunsVLLM() {
			return true
		}
	}
	return false
}

// runtimeClassUsers maps each RuntimeClass name the vLLM workloads, and the
// profiles they use, name to who names it.
func runtimeClassUsers(f *Facts) map[string][]string {
	users := map[string][]string{}
	for _, w := range sortedWorkloads(f) {
		if name := w.Template.Spec.RuntimeClassName; name != nil && *name != "" {
			users[*name] = append(users[*name], w.Ref())
		}
	}
	for _, name := range profilesInUse(f) {
		if spec := defaultedProfile(f, name); spec != nil && spec.RuntimeClass.Name != "" {
			users[spec.RuntimeClass.Name] = append(users[spec.RuntimeClass.Name],
				fmt.Sprintf("SGLangProfile %s (runtimeClass.name, set on rewritten pods)", name))
		}
	}
	return users
}

// missingRuntimeClasses are the named classes the cluster lacks.
func missingRuntimeClasses(f *Facts) map[string]bool {
	missing := map[string]bool{}
	if f.RuntimeClasses.Err != nil {
		return missing
	}
	for name := range runtimeClassUsers(f) {
		if !slices.Contains(f.RuntimeClasses.Names, name) {
			missing[name] = true
		}
	}
	return missing
}

func runtimeClasses(f *Facts) Result {
	r := Result{Group: GroupWorkloads, Check: CheckRuntimeClasses, Status: Passed}
	users := runtimeClassUsers(f)
	if len(users) == 0 {
		r.Message = "no vLLM workload or profile in use names a RuntimeClass"
		return r
	}
	if f.RuntimeClasses.Err != nil {
		return readFailed(GroupWorkloads, CheckRuntimeClasses, "RuntimeClasses", f.RuntimeClasses.Err)
	}
	names := sortedKeys(users)
	missing := missingRuntimeClasses(f)
	if len(missing) == 0 {
		r.Message = fmt.Sprintf("every RuntimeClass the vLLM workloads name exists: %s", strings.Join(names, ", "))
		return r
	}
	r.Status = Failed
	var gone []string
	for _, name := range names {
		if missing[name] {
			gone = append(gone, fmt.Sprintf("%q", name))
			r.Details = append(r.Details, fmt.Sprintf("RuntimeClass %q is named by %s", name, listNames(users[name])))
		}
	}
	r.Message = fmt.Sprintf("RuntimeClass %s does not exist: the API server refuses pods naming it before any webhook runs", strings.Join(gone, ", "))
	r.Hint = "let the chart create the compatibility class (compatRuntimeClass.create=auto, the default; docs/chart.md, The nvidia RuntimeClass), or create one with handler runc; the rewrite then removes it from the pods (profile runtimeClass.remove)"
	return r
}

func workload(f *Facts, rs *results, w *Workload, missing map[string]bool) Result {
	subject := w.Ref()
	if class := w.Template.Spec.RuntimeClassName; class != nil && missing[*class] {
		return skipped(GroupWorkloads, CheckWorkload, subject, subject, fmt.Sprintf("its RuntimeClass %q does not exist (see above)", *class))
	}
	if !rs.passed(CheckWebhookAnswers) {
		return skipped(GroupWorkloads, CheckWorkload, subject, subject, "the webhook did not answer a sample pod (see above)")
	}
	res := w.resolve(f)
	if res.Source == profile.SourceAnnotation && res.Profile == nil && !w.Audit {
		return Result{Group: GroupWorkloads, Check: CheckWorkload, Subject: subject, Status: Failed,
			Message: fmt.Sprintf("%s: pods would be denied: SGLangProfile %q does not exist", subject, res.Name),
			Hint:    fmt.Sprintf("create the profile, or fix the %s annotation of the pod template", v1alpha1.AnnotationProfile)}
	}
	d := w.DryRun
	if !d.Tried {
		return skipped(GroupWorkloads, CheckWorkload, subject, subject, d.NotTried)
	}
	if d.Err != nil {
		return workloadRefused(subject, d)
	}
	if w.Audit {
		return auditedWorkload(subject, d, res)
	}
	if IsRewritten(d.Pod) {
		r := Result{Group: GroupWorkloads, Check: CheckWorkload, Subject: subject, Status: Passed,
			Message: fmt.Sprintf("%s: pods would be rewritten (%s; %s)", subject, chosen(res), plural(len(d.Warnings), "warning")),
			Details: warningLines(d.Warnings)}
		return r
	}
	return workloadLeftAlone(f, subject, w)
}

// auditedWorkload reads the audit record the webhook wrote on the dry run's
// pod: what it would do with the workload's pods.
func auditedWorkload(subject string, d DryRun, res profile.Resolution) Result {
	r := Result{Group: GroupWorkloads, Check: CheckWorkload, Subject: subject, Details: warningLines(d.Warnings)}
	rec, ok, err := rewrite.ReadAudit(&d.Pod.ObjectMeta)
	switch {
	case err != nil:
		r.Status = Warning
		r.Message = fmt.Sprintf("%s: audit: the record of its pods cannot be read: %v", subject, err)
		r.Hint = "the webhook and this check disagree: compare their versions (vllm-to-sglang version)"
		return r
	case !ok:
		r.Status = Warning
		r.Message = fmt.Sprintf("%s: audit: its pods would be admitted without a record: the audit webhook was not called", subject)
		r.Hint = fmt.Sprintf("the audit webhooks (%s, audit-pod.vllm-to-sglang.io) ignore failures, so an outage admits pods without a record: check the webhook pods and their log, and the configuration's selectors", AuditWebhookName)
		return r
	}
	switch rec.Decision {
	case rewrite.DecisionRewrite:
		r.Status = Passed
		how := chosen(res)
		if res.Name != rec.Profile {
			how = fmt.Sprintf("SGLangProfile %s (%s)", rec.Profile, rec.ProfileSource)
		}
		r.Message = fmt.Sprintf("%s: audit: pods would be rewritten (%s; image %s; %s)", subject, how, rec.Image, plural(len(rec.Warnings), "warning"))
	case rewrite.DecisionSkip:
		r.Status = Warning
		r.Message = fmt.Sprintf("%s: audit: pods would be left alone: %s", subject, rec.Message)
		r.Hint = skipHint(rewrite.SkipReason(rec.Reason))
	default:
		r.Status = Warning
		r.Message = fmt.Sprintf("%s: audit: pods would be denied once the namespace is enabled: %s", subject, rec.Message)
		r.Hint = "the message says what the profile refuses: change the workload's vLLM flags, or the profile's args.overrides or args.unsafeFlags, before labelling the namespace enabled"
	}
	return r
}

func workloadRefused(subject string, d DryRun) Result {
	r := Result{Group: GroupWorkloads, Check: CheckWorkload, Subject: subject, Status: Failed, Details: []string{d.Err.Error()}}
	switch Classify(d.Err) {
	case RefusedByWebhook:
		r.Message = subject + ": pods would be denied by the webhook"
		r.Hint = "the message names what the profile rejects: change the workload's vLLM flags, or the profile's args.overrides or args.unsafeFlags"
	case RefusedWebhookUnreachable:
		r.Message = subject + ": the API server cannot call the webhook for its pods"
		r.Hint = "see the webhook checks above"
	default:
		r.Message = subject + ": the API server refuses its pods"
		r.Hint = "the message says which admission step refused them"
	}
	return r
}

// workloadLeftAlone explains a pod the webhook admitted unchanged, by
// running the rewrite on the template with the profile it would use.
func workloadLeftAlone(f *Facts, subject string, w *Workload) Result {
	r := Result{Group: GroupWorkloads, Check: CheckWorkload, Subject: subject, Status: Warning, Details: warningLines(w.DryRun.Warnings)}
	report, _, err := localRewrite(f, w)
	switch {
	case err != nil:
		r.Message = fmt.Sprintf("%s: pods would be left alone, though the rewrite refuses them here: %v", subject, err)
		r.Hint = "the webhook and this check disagree: compare their versions (vllm-to-sglang version)"
	case report.Outcome == rewrite.Rewritten:
		r.Message = fmt.Sprintf("%s: pods would be left alone: the webhook was not called for them", subject)
		r.Hint = "the webhook configuration's objectSelector or matchConditions keep these pods away (kubectl get mutatingwebhookconfiguration -o yaml)"
	default:
		r.Message = fmt.Sprintf("%s: pods would be left alone: %s", subject, report.SkipReason.Sentence())
		if report.Detail != "" {
			r.Details = append([]string{report.Detail}, r.Details...)
		}
		r.Hint = skipHint(report.SkipReason)
	}
	return r
}

// skipHint says what to do about a skipped workload.
func skipHint(reason rewrite.SkipReason) string {
	switch reason {
	case rewrite.SkipOptedOut:
		return fmt.Sprintf("remove the label %s=%s from the pod template to have its pods rewritten", v1alpha1.LabelRewrite, v1alpha1.LabelRewriteDisabled)
	case rewrite.SkipNoGPU:
		return "a vLLM server without a GPU is left alone; request nvidia.com/gpu (or the profile's GPU resource) in the vLLM container"
	case rewrite.SkipAlreadyRewritten:
		return "the template already carries the status annotation (rewritten offline?): nothing to do"
	case rewrite.SkipUntranslatable:
		return "the warning says what cannot be translated safely; vllm-to-sglang translate -- COMMAND shows it offline"
	case rewrite.SkipHostNetwork:
		return "set the profile's spec.proxy.hostNetworkSGLangPort to a port the pod does not serve on, declare or probe"
	case rewrite.SkipNoProfile:
		return "right for a model meant to stay on vLLM; otherwise give it a profile: one whose spec.selector matches its model, pod labels or namespace labels, the default profile (chart value defaultProfile.enabled=true), or the pod template's vllm-to-sglang.io/profile annotation"
	}
	return "docs/rewrite.md (Which pods are rewritten) lists when pods are left alone"
}

// localRewrite runs the rewrite on a copy of the workload's template with
// the profile the webhook would resolve, as the webhook would: a template
// without a profile is left alone (its own skip reason, else no-profile),
// one naming a missing profile is an error.
func localRewrite(f *Facts, w *Workload) (*rewrite.Report, *corev1.PodTemplateSpec, error) {
	res := w.resolve(f)
	c := w.Template.DeepCopy()
	if res.Profile == nil {
		report := rewrite.Unresolved(&c.ObjectMeta, &c.Spec, res)
		if report == nil {
			return nil, nil, fmt.Errorf("SGLangProfile %q does not exist", res.Name)
		}
		return report, c, nil
	}
	report, err := rewrite.Rewrite(&c.ObjectMeta, &c.Spec, res.Profile.Spec, rewrite.Options{ProfileName: res.Name, ProxyImage: placeholderProxyImage})
	return report, c, err
}

// placeholderProxyImage stands in for the webhook's --proxy-image in local
// rewrites, whose pods are only inspected.
const placeholderProxyImage = "check.invalid/sglang-proxy"

func sortedWorkloads(f *Facts) []Workload {
	ws := slices.Clone(f.Workloads.Items)
	slices.SortFunc(ws, func(a, b Workload) int { return strings.Compare(a.Ref(), b.Ref()) })
	return ws
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func listNames(names []string) string {
	if len(names) <= maxListed {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:maxListed], ", "), len(names)-maxListed)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
