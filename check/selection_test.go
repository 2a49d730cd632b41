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
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

const auditNS = "team-b"

// selecting is the built-in profile under another name, with a selector.
func selecting(name string, sel *v1alpha1.ProfileSelector) v1alpha1.SGLangProfile {
	p := profile.Default()
	p.Name, p.Spec.Selector = name, sel
	return *p
}

func qwenGlob() *v1alpha1.ProfileSelector {
	return &v1alpha1.ProfileSelector{Models: []v1alpha1.ModelPattern{{Pattern: "Qwen/*", Kind: v1alpha1.PatternGlob}}}
}

// auditNamespace is a namespace labelled vllm-to-sglang.io/rewrite=audit.
func auditNamespace(name string) corev1.Namespace {
	ns := namespace(name, false)
	ns.Labels[v1alpha1.LabelRewrite] = v1alpha1.LabelRewriteAudit
	return ns
}

// audited is the dry run of a pod the audit webhook admitted: unchanged,
// with the record of the rewrite the facts' profiles would make.
func audited(t testing.TB, f *Facts, pod *corev1.Pod) DryRun {
	t.Helper()
	res := Resolve(f, pod.Namespace, &corev1.PodTemplateSpec{ObjectMeta: pod.ObjectMeta, Spec: pod.Spec})
	rewritten := pod.DeepCopy()
	report, err := rewrite.Rewrite(&rewritten.ObjectMeta, &rewritten.Spec, res.Profile.Spec, rewrite.Options{ProfileName: res.Name, ProxyImage: "p"})
	if err != nil {
		t.Fatal(err)
	}
	rec := &rewrite.AuditRecord{Decision: rewrite.DecisionRewrite, Profile: res.Name, ProfileSource: string(res.Source), Warnings: report.Warnings()}
	rec.AuditOfRewrite(report, &rewritten.Spec)
	out := pod.DeepCopy()
	rec.Write(&out.ObjectMeta)
	warnings := []string{"audit: the pod would be rewritten"}
	for _, w := range report.Warnings() {
		warnings = append(warnings, "audit: "+w)
	}
	return DryRun{Tried: true, Namespace: pod.Namespace, Pod: out, Warnings: warnings}
}

func auditedPod(name string, created time.Time, rec rewrite.AuditRecord) AuditedPod {
	rec.Mode = rewrite.ModeAudit
	return AuditedPod{Namespace: auditNS, Name: name, Created: created, Record: &rec}
}

func resultOf(t *testing.T, rs []Result, id ID, subject string) Result {
	t.Helper()
	for _, r := range rs {
		if r.Check == id && r.Subject == subject {
			return r
		}
	}
	t.Fatalf("no %s result for %q\n%s", id, subject, dump(rs))
	return Result{}
}

func TestWorkloadsSayWhichProfileTheyGetAndWhy(t *testing.T) {
	cases := map[string]struct {
		change func(t *testing.T, f *Facts) string // returns the workload's subject
		want   string
	}{
		"a workload no selector matches gets the default": {
			change: func(t *testing.T, f *Facts) string { return "Deployment team-a/vllm-devstral-deployment-vllm" },
			want:   "pods would be rewritten (SGLangProfile default: no profile's selector matches; 5 warnings)",
		},
		"a workload whose model a selector matches names the profile and the pattern": {
			change: func(t *testing.T, f *Facts) string {
				f.Profiles.Items = append(f.Profiles.Items, selecting("qwen", qwenGlob()))
				f.Workloads.Items = append(f.Workloads.Items, vllmWorkload(t, f, "qwen", nil))
				return "Deployment team-a/qwen"
			},
			want: `pods would be rewritten (SGLangProfile qwen, selected by spec.selector (model "Qwen/Qwen2.5-0.5B-Instruct" matches glob "Qwen/*")`,
		},
		"a workload selected by its namespace's labels says so": {
			change: func(t *testing.T, f *Facts) string {
				f.Namespaces.Items[0].Labels["team"] = "a"
				f.Profiles.Items = append(f.Profiles.Items, selecting("team-a", &v1alpha1.ProfileSelector{
					NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "a"}}}))
				f.Workloads.Items = append(f.Workloads.Items, vllmWorkload(t, f, "any", nil))
				return "Deployment team-a/any"
			},
			want: "SGLangProfile team-a, selected by spec.selector (namespace labels match {team=a})",
		},
		"a workload naming its profile says it is named": {
			change: func(t *testing.T, f *Facts) string {
				f.Profiles.Items = append(f.Profiles.Items, selecting("mi325", nil), selecting("qwen", qwenGlob()))
				f.Workloads.Items = append(f.Workloads.Items, vllmWorkload(t, f, "named", func(p *corev1.PodTemplateSpec) {
					p.Annotations = map[string]string{v1alpha1.AnnotationProfile: "mi325"}
				}))
				return "Deployment team-a/named"
			},
			want: "SGLangProfile mi325, named by the pod template's vllm-to-sglang.io/profile annotation",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := healthy(t)
			subject := tc.change(t, f)
			r := resultOf(t, Run(f), CheckWorkload, subject)
			if r.Status != Passed || !strings.Contains(r.Message, tc.want) {
				t.Errorf("%s %q, want passed with %q", r.Status, r.Message, tc.want)
			}
		})
	}
}

func TestWithoutTheDefaultProfile(t *testing.T) {
	t.Run("profiles with selectors: the default-profile check warns, a workload none selects is left alone, with why", func(t *testing.T) {
		f := healthy(t)
		qwen := selecting("qwen", qwenGlob())
		f.Profiles.Items = []v1alpha1.SGLangProfile{qwen}
		f.Sample = admitted(t, f, SampleFor(f, teamNS))
		w := &f.Workloads.Items[0]
		w.DryRun = DryRun{Tried: true, Namespace: teamNS, Pod: templatePod(w)}
		rs := Run(f)
		if got := failures(rs); len(got) > 0 {
			t.Fatalf("failed checks %v\n%s", got, dump(rs))
		}
		d := resultOf(t, rs, CheckDefaultProfile, "")
		if d.Status != Warning || !strings.Contains(d.Message, "profiles with a selector: qwen") || !strings.Contains(d.Hint, "defaultProfile.enabled=false") {
			t.Errorf("default-profile: %s %q (hint %q)", d.Status, d.Message, d.Hint)
		}
		wr := resultOf(t, rs, CheckWorkload, w.Ref())
		if wr.Status != Warning || !strings.Contains(wr.Message, "no SGLangProfile selects the pod") || !strings.Contains(wr.Hint, "stay on vLLM") {
			t.Errorf("workload: %s %q (hint %q)", wr.Status, wr.Message, wr.Hint)
		}
		if got := SampleFor(f, teamNS).Annotations[v1alpha1.AnnotationProfile]; got != "qwen" {
			t.Errorf("the sample pod names profile %q, want qwen", got)
		}
		if a := resultOf(t, rs, CheckWebhookAnswers, ""); a.Status != Passed || !strings.Contains(a.Message, "named SGLangProfile qwen") {
			t.Errorf("webhook-answers: %s %q", a.Status, a.Message)
		}
	})
	t.Run("no profile with a selector either: the default-profile check fails", func(t *testing.T) {
		f := healthy(t)
		f.Profiles.Items[0].Name = "mi325"
		f.Sample = admitted(t, f, SampleFor(f, teamNS))
		w := &f.Workloads.Items[0]
		w.DryRun = DryRun{Tried: true, Namespace: teamNS, Pod: templatePod(w)}
		rs := Run(f)
		if got := failures(rs); len(got) != 1 || got[0].check != CheckDefaultProfile {
			t.Fatalf("failed checks %v, want the default-profile check\n%s", got, dump(rs))
		}
		if r := resultOf(t, rs, CheckDefaultProfile, ""); !strings.Contains(r.Message, "only pods that name a profile") || !strings.Contains(r.Hint, "spec.selector") {
			t.Errorf("default-profile: %q (hint %q)", r.Message, r.Hint)
		}
	})
}

func TestAuditNamespaces(t *testing.T) {
	withAudit := func(t *testing.T, f *Facts) *Workload {
		f.Namespaces.Items = append(f.Namespaces.Items, auditNamespace(auditNS))
		pod := SamplePod(auditNS)
		w := Workload{Kind: "Deployment", Namespace: auditNS, Name: "qwen", Audit: true,
			Template: corev1.PodTemplateSpec{ObjectMeta: pod.ObjectMeta, Spec: pod.Spec}}
		w.Template.GenerateName = ""
		w.DryRun = audited(t, f, templatePod(&w))
		f.Workloads.Items = append(f.Workloads.Items, w)
		f.AuditRecords.Namespaces = []string{auditNS}
		return &f.Workloads.Items[len(f.Workloads.Items)-1]
	}
	t0 := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	t.Run("the opted-in check names the audit namespaces", func(t *testing.T) {
		f := healthy(t)
		withAudit(t, f)
		r := resultOf(t, Run(f), CheckOptedInNamespaces, "")
		if r.Status != Passed || !strings.Contains(r.Message, "1 namespace in audit mode (pods admitted unchanged, with a record of what would happen): team-b") {
			t.Errorf("%s %q", r.Status, r.Message)
		}
	})
	t.Run("an audit namespace no audit webhook selects warns", func(t *testing.T) {
		f := healthy(t)
		withAudit(t, f)
		f.Webhook.Configs[0].Webhooks = f.Webhook.Configs[0].Webhooks[:1]
		r := resultOf(t, Run(f), CheckOptedInNamespaces, "")
		if r.Status != Warning || !strings.Contains(strings.Join(r.Details, "\n"), "no audit webhook selects them: team-b") || !strings.Contains(r.Hint, "audit.enabled=true") {
			t.Errorf("%s %q %q (hint %q)", r.Status, r.Message, r.Details, r.Hint)
		}
	})
	t.Run("a workload of an audit namespace says what its pods' record says", func(t *testing.T) {
		f := healthy(t)
		w := withAudit(t, f)
		r := resultOf(t, Run(f), CheckWorkload, w.Ref())
		if r.Status != Passed || !strings.Contains(r.Message, "audit: pods would be rewritten (SGLangProfile default: no profile's selector matches; image lmsysorg/sglang:") {
			t.Errorf("%s %q", r.Status, r.Message)
		}
	})
	t.Run("a workload whose record says deny warns, it does not fail", func(t *testing.T) {
		f := healthy(t)
		w := withAudit(t, f)
		rec := rewrite.AuditRecord{Decision: rewrite.DecisionDeny, Reason: "rejected-flags", Message: "vllm-to-sglang: container \"vllm\" cannot run on SGLang"}
		pod := templatePod(w)
		rec.Write(&pod.ObjectMeta)
		w.DryRun = DryRun{Tried: true, Namespace: auditNS, Pod: pod}
		rs := Run(f)
		if got := failures(rs); len(got) > 0 {
			t.Fatalf("failed checks %v\n%s", got, dump(rs))
		}
		if r := resultOf(t, rs, CheckWorkload, w.Ref()); r.Status != Warning || !strings.Contains(r.Message, "audit: pods would be denied once the namespace is enabled") {
			t.Errorf("%s %q", r.Status, r.Message)
		}
	})
	t.Run("a workload of an audit namespace admitted without a record: the audit webhook was not called", func(t *testing.T) {
		f := healthy(t)
		w := withAudit(t, f)
		w.DryRun = DryRun{Tried: true, Namespace: auditNS, Pod: templatePod(w)}
		if r := resultOf(t, Run(f), CheckWorkload, w.Ref()); r.Status != Warning || !strings.Contains(r.Message, "the audit webhook was not called") {
			t.Errorf("%s %q", r.Status, r.Message)
		}
	})
	t.Run("the records of an audit namespace's pods are summed up, newest pod of each group named", func(t *testing.T) {
		f := healthy(t)
		withAudit(t, f)
		f.AuditRecords.Items = []AuditedPod{
			auditedPod("qwen-1", t0, rewrite.AuditRecord{Decision: rewrite.DecisionRewrite, Profile: "qwen", ProfileSource: "selector"}),
			auditedPod("qwen-2", t0.Add(time.Hour), rewrite.AuditRecord{Decision: rewrite.DecisionRewrite, Profile: "qwen", ProfileSource: "selector"}),
			auditedPod("llama-1", t0, rewrite.AuditRecord{Decision: rewrite.DecisionSkip, Reason: "no-profile", ProfileSource: "none", Message: "no SGLangProfile selects the pod"}),
			auditedPod("strict-1", t0, rewrite.AuditRecord{Decision: rewrite.DecisionDeny, Reason: "rejected-flags", Profile: "strict", ProfileSource: "annotation", Message: "--enforce-eager rejected"}),
		}
		r := resultOf(t, Run(f), CheckAuditRecords, "namespace "+auditNS)
		if r.Status != Warning || r.Message != "namespace team-b: 4 pods audited: 2 would be rewritten, 1 left alone, 1 denied" {
			t.Errorf("%s %q", r.Status, r.Message)
		}
		want := []string{
			"rewrite with SGLangProfile qwen (selector): 2 pods, the newest qwen-2 (2026-06-01T11:00:00Z)",
			"leave alone (no-profile): 1 pod, the newest llama-1 (2026-06-01T10:00:00Z): no SGLangProfile selects the pod",
			"deny (rejected-flags, SGLangProfile strict): 1 pod, the newest strict-1 (2026-06-01T10:00:00Z): --enforce-eager rejected",
		}
		if strings.Join(r.Details, "\n") != strings.Join(want, "\n") {
			t.Errorf("details:\n%s\nwant:\n%s", strings.Join(r.Details, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("an audit namespace without records yet warns, saying how to get some", func(t *testing.T) {
		f := healthy(t)
		withAudit(t, f)
		r := resultOf(t, Run(f), CheckAuditRecords, "namespace "+auditNS)
		if r.Status != Warning || !strings.Contains(r.Message, "no pod carries an audit record yet") || !strings.Contains(r.Hint, "rollout restart") {
			t.Errorf("%s %q (hint %q)", r.Status, r.Message, r.Hint)
		}
	})
}
