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
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/podpatch"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// auditPrefix starts every admission warning of an audited pod, so kubectl
// users see that nothing was changed.
const auditPrefix = "audit: "

// auditWouldDeny heads the warning of an audited pod the webhook would deny.
const auditWouldDeny = "the pod would be denied: "

// auditedDenial is the audit mode's answer to a pod the webhook would refuse
// for reason, with err, before any verdict (a malformed request, a
// recovered panic): admitted unchanged, with the denial as a warning.
func auditedDenial(o *outcome, reason string, err error) admission.Response {
	o.audited(rewrite.DecisionDeny, reason)
	return admission.Allowed("").WithWarnings(auditPrefix + auditWouldDeny + err.Error())
}

// auditAnswer is the audit mode's response: the pod is admitted, unchanged
// but for the audit record in its status annotation, with the warnings the
// rewrite would give, prefixed. A pod that was rewritten already keeps its
// status: it gets no record.
func (v *verdict) auditAnswer(ctx context.Context, pod *corev1.Pod, o *outcome) admission.Response {
	rec := v.record()
	o.audited(rec.Decision, rec.Reason)
	warnings := v.auditWarnings(rec)
	if v.reason == string(rewrite.SkipAlreadyRewritten) {
		return admission.Allowed(auditPrefix + v.message).WithWarnings(warnings...)
	}
	annotated := *pod
	annotated.Annotations = maps.Clone(pod.Annotations)
	rec.Write(&annotated.ObjectMeta)
	patch, err := podpatch.Create(pod, &annotated)
	if err != nil {
		// Cannot happen for a change of one annotation; never block the pod.
		logf.FromContext(ctx).Error(err, "Computing the audit record's patch")
		return admission.Allowed("").WithWarnings(warnings...)
	}
	return patched(patch).WithWarnings(warnings...)
}

// record is the audit record of the verdict.
func (v *verdict) record() *rewrite.AuditRecord {
	r := v.resolution
	rec := &rewrite.AuditRecord{Reason: v.reason, Profile: r.Name, ProfileSource: string(r.Source), Warnings: v.warnings}
	if v.subject != nil {
		rec.Models = v.subject.Models
	}
	if v.report != nil {
		rec.Container = v.report.Container
	}
	switch v.kind {
	case OutcomeRewritten:
		rec.Decision = rewrite.DecisionRewrite
		rec.AuditOfRewrite(v.report, &v.mutated.Spec)
		rec.Message = fmt.Sprintf("would be rewritten with SGLangProfile %q, %s", r.Name, r.Why())
	case OutcomeSkipped:
		rec.Decision = rewrite.DecisionSkip
		rec.Message = v.message
		if v.report != nil && v.report.Detail != "" {
			rec.Message += ": " + v.report.Detail
		}
	default:
		rec.Decision = rewrite.DecisionDeny
		rec.Message = v.message
	}
	return rec
}

// auditWarnings are the admission warnings of an audited pod: what would
// happen, then the rewrite's own warnings, each prefixed.
func (v *verdict) auditWarnings(rec *rewrite.AuditRecord) []string {
	var head string
	switch rec.Decision {
	case rewrite.DecisionRewrite:
		head = fmt.Sprintf("the pod would be rewritten with SGLangProfile %q (image %s); it was admitted unchanged", rec.Profile, rec.Image)
	case rewrite.DecisionSkip:
		head = "the pod would be left alone: " + rec.Message
	default:
		head = auditWouldDeny + rec.Message
	}
	out := make([]string, 0, 1+len(v.warnings))
	out = append(out, auditPrefix+head)
	for _, w := range v.warnings {
		out = append(out, auditPrefix+w)
	}
	return out
}
