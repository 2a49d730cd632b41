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
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// auditRecords sums up, per namespace, what the audit records of its pods
// say: what the webhook would do with each pod, grouped by decision,
// profile and reason, the newest pod of each group named.
func auditRecords(f *Facts) []Result {
	a := f.AuditRecords
	if a.Err != nil {
		return []Result{readFailed(GroupWorkloads, CheckAuditRecords, "the pods of the audit namespaces", a.Err)}
	}
	var out []Result
	for _, ns := range a.Namespaces {
		var pods []AuditedPod
		for _, p := range a.Items {
			if p.Namespace == ns {
				pods = append(pods, p)
			}
		}
		out = append(out, auditSummary(ns, pods))
	}
	return out
}

// auditGroup is the pods whose records say the same thing.
type auditGroup struct {
	decision rewrite.Decision
	key      string // "SGLangProfile p (selector)" or the reason
	pods     []AuditedPod
}

func auditSummary(ns string, pods []AuditedPod) Result {
	r := Result{Group: GroupWorkloads, Check: CheckAuditRecords, Subject: "namespace " + ns}
	if len(pods) == 0 {
		r.Status = Warning
		r.Message = fmt.Sprintf("namespace %s: no pod carries an audit record yet: only pods created since it was labelled %s=%s are audited",
			ns, v1alpha1.LabelRewrite, v1alpha1.LabelRewriteAudit)
		r.Hint = fmt.Sprintf("kubectl -n %s rollout restart deployment,statefulset: the new pods are created unchanged, with the record", ns)
		return r
	}
	groups := map[string]*auditGroup{}
	counts := map[rewrite.Decision]int{}
	var unreadable []string
	for _, p := range pods {
		if p.Record == nil {
			unreadable = append(unreadable, fmt.Sprintf("pod %s: %v", p.Name, p.Err))
			continue
		}
		g := groupOf(p.Record)
		id := string(g.decision) + "|" + g.key
		if groups[id] == nil {
			groups[id] = g
		}
		groups[id].pods = append(groups[id].pods, p)
		counts[g.decision]++
	}
	sorted := make([]*auditGroup, 0, len(groups))
	for _, g := range groups {
		slices.SortFunc(g.pods, func(a, b AuditedPod) int {
			return cmp.Or(b.Created.Compare(a.Created), strings.Compare(a.Name, b.Name))
		})
		sorted = append(sorted, g)
	}
	slices.SortFunc(sorted, func(a, b *auditGroup) int {
		return cmp.Or(cmp.Compare(decisionOrder(a.decision), decisionOrder(b.decision)), cmp.Compare(len(b.pods), len(a.pods)), strings.Compare(a.key, b.key))
	})
	for _, g := range sorted {
		newest := g.pods[0]
		line := fmt.Sprintf("%s %s: %s, the newest %s (%s)", verb(g.decision), g.key, plural(len(g.pods), "pod"), newest.Name, newest.Created.UTC().Format(time.RFC3339))
		if g.decision != rewrite.DecisionRewrite {
			line += ": " + newest.Record.Message
		}
		r.Details = append(r.Details, line)
	}
	r.Details = append(r.Details, unreadable...)
	var parts []string
	for _, d := range rewrite.Decisions() {
		if n := counts[d]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, outcomeWord(d)))
		}
	}
	r.Message = fmt.Sprintf("namespace %s: %s audited: %s", ns, plural(len(pods), "pod"), strings.Join(parts, ", "))
	r.Status = Passed
	if counts[rewrite.DecisionDeny] > 0 || len(unreadable) > 0 {
		r.Status = Warning
		r.Hint = "the webhook would refuse these pods once the namespace is enabled: the messages say why; fix the workloads or the profiles first"
	}
	return r
}

func groupOf(rec *rewrite.AuditRecord) *auditGroup {
	g := &auditGroup{decision: rec.Decision}
	switch {
	case rec.Decision == rewrite.DecisionRewrite:
		g.key = fmt.Sprintf("with SGLangProfile %s (%s)", rec.Profile, rec.ProfileSource)
	case rec.Profile != "" && rec.Decision == rewrite.DecisionDeny:
		g.key = fmt.Sprintf("(%s, SGLangProfile %s)", rec.Reason, rec.Profile)
	default:
		g.key = "(" + rec.Reason + ")"
	}
	return g
}

func decisionOrder(d rewrite.Decision) int { return slices.Index(rewrite.Decisions(), d) }

func verb(d rewrite.Decision) string {
	switch d {
	case rewrite.DecisionRewrite:
		return "rewrite"
	case rewrite.DecisionSkip:
		return "leave alone"
	}
	return "deny"
}

func outcomeWord(d rewrite.Decision) string {
	switch d {
	case rewrite.DecisionRewrite:
		return "would be rewritten"
	case rewrite.DecisionSkip:
		return "left alone"
	}
	return "denied"
}
