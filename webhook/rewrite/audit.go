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

package rewrite

import (
	"encoding/json"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// ModeAudit is the "mode" of an audit record in the status annotation.
const ModeAudit = "audit"

// Decision is what the webhook would have done with an audited pod.
type Decision string

const (
	// DecisionRewrite: the pod would have been rewritten.
	DecisionRewrite Decision = "rewrite"
	// DecisionSkip: the pod would have been left alone.
	DecisionSkip Decision = "skip"
	// DecisionDeny: the pod would have been refused.
	DecisionDeny Decision = "deny"
)

// Decisions lists every decision, e.g. to pre-create metric series.
func Decisions() []Decision { return []Decision{DecisionRewrite, DecisionSkip, DecisionDeny} }

// AuditRecord is the status annotation of a pod the webhook audited (a
// namespace or a pod labelled vllm-to-sglang.io/rewrite=audit): the pod
// was admitted unchanged but for this record of what a rewrite would have
// done. Its "mode" is always "audit" and comes first, which is how readers
// (the rewrite's idempotency check, the webhook's matchConditions) tell it
// from the Status of a pod that was rewritten: an audited pod is not
// rewritten, so a later real rewrite of it (a pod created again from it,
// once the namespace is enabled) replaces the record.
type AuditRecord struct {
	// Mode is ModeAudit.
	Mode string `json:"mode"`
	// Decision is what the webhook would have done.
	Decision Decision `json:"decision"`
	// Reason is the skip or denial reason (the metrics' reason label);
	// for a rewrite, "translate-at-start" when the launcher would translate
	// the command as the container starts.
	Reason string `json:"reason,omitempty"`
	// Message says why, in words.
	Message string `json:"message,omitempty"`
	// Profile is the SGLangProfile that would apply (or that the pod names
	// and does not exist), and ProfileSource how it was chosen
	// (annotation, selector, default, none).
	Profile       string `json:"profile,omitempty"`
	ProfileSource string `json:"profileSource,omitempty"`
	// Models are the names the vLLM container serves its model under, as
	// resolution read them.
	Models []string `json:"models,omitempty"`
	// Container is the vLLM container.
	Container string `json:"container,omitempty"`
	// Image is the SGLang image it would run.
	Image string `json:"image,omitempty"`
	// SGLangCommand is the command line it would run: the container's
	// command and args after the rewrite (for a command translated at
	// start, the script routed through the launcher).
	SGLangCommand []string `json:"sglangCommand,omitempty"`
	// TranslatedAtStart: the launcher would translate the command when the
	// container starts.
	TranslatedAtStart bool `json:"translatedAtStart,omitempty"`
	// SGLangVersion is the SGLang release the command is translated for.
	SGLangVersion string `json:"sglangVersion,omitempty"`
	// Dropped and Changed are the vLLM flags that would be dropped, and
	// translated into other SGLang flags or values.
	Dropped []string `json:"dropped,omitempty"`
	Changed []string `json:"changed,omitempty"`
	// Warnings are the admission warnings the rewrite would give.
	Warnings []string `json:"warnings,omitempty"`
}

// AuditOfRewrite fills the record's rewrite details from the report of a
// rewrite run on a copy of the pod, and from the copy's spec.
func (a *AuditRecord) AuditOfRewrite(report *Report, rewritten *corev1.PodSpec) {
	a.Container, a.TranslatedAtStart = report.Container, report.TranslatedAtStart
	if report.Release.Catalog != nil {
		a.SGLangVersion = report.Release.Version.String()
	}
	var s Status
	s.flagLists(report.Findings)
	a.Dropped, a.Changed = s.Dropped, s.Changed
	i := slices.IndexFunc(rewritten.Containers, func(c corev1.Container) bool { return c.Name == report.Container })
	if i < 0 {
		return
	}
	c := &rewritten.Containers[i]
	a.Image = c.Image
	a.SGLangCommand = append(append([]string(nil), c.Command...), c.Args...)
}

// Write sets the record as the pod's status annotation.
func (a *AuditRecord) Write(meta *metav1.ObjectMeta) {
	a.Mode = ModeAudit
	// Marshalling strings, lists of strings and a bool cannot fail.
	data, _ := json.Marshal(a)
	setAnnotation(meta, v1alpha1.AnnotationStatus, string(data))
}

// ReadAudit returns the pod's audit record; ok is false when its status
// annotation is missing or is not an audit record.
func ReadAudit(meta *metav1.ObjectMeta) (a *AuditRecord, ok bool, err error) {
	raw, present := meta.Annotations[v1alpha1.AnnotationStatus]
	if !present || !IsAuditRecord(raw) {
		return nil, false, nil
	}
	a = &AuditRecord{}
	if err := json.Unmarshal([]byte(raw), a); err != nil {
		return nil, true, fmt.Errorf("annotation %s: %w", v1alpha1.AnnotationStatus, err)
	}
	return a, true, nil
}

// IsAuditRecord reports whether a status annotation's value is an audit
// record: a JSON object whose "mode" is "audit".
func IsAuditRecord(value string) bool {
	var m struct {
		Mode string `json:"mode"`
	}
	return json.Unmarshal([]byte(value), &m) == nil && m.Mode == ModeAudit
}

// rewrittenBefore reports whether the pod carries the status annotation
// of a rewrite (an audit record does not count).
func rewrittenBefore(meta *metav1.ObjectMeta) bool {
	raw, ok := meta.Annotations[v1alpha1.AnnotationStatus]
	return ok && !IsAuditRecord(raw)
}
