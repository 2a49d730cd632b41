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

package profile

import (
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// selecting is a profile with a selector and a priority.
func selecting(name string, priority int32, sel *v1alpha1.ProfileSelector) *v1alpha1.SGLangProfile {
	p := Default()
	p.Name, p.Spec.Selector, p.Spec.Priority = name, sel, priority
	return p
}

func models(kind v1alpha1.PatternKind, patterns ...string) *v1alpha1.ProfileSelector {
	s := &v1alpha1.ProfileSelector{}
	for _, p := range patterns {
		s.Models = append(s.Models, v1alpha1.ModelPattern{Pattern: p, Kind: kind})
	}
	return s
}

func podLabels(kv ...string) *v1alpha1.ProfileSelector {
	return &v1alpha1.ProfileSelector{PodSelector: &metav1.LabelSelector{MatchLabels: pairs(kv)}}
}

func namespaceLabels(kv ...string) *v1alpha1.ProfileSelector {
	return &v1alpha1.ProfileSelector{NamespaceSelector: &metav1.LabelSelector{MatchLabels: pairs(kv)}}
}

func pairs(kv []string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func setOf(ps ...*v1alpha1.SGLangProfile) *Set {
	cs := make([]*Candidate, len(ps))
	for i, p := range ps {
		cs[i] = NewCandidate(p)
	}
	return NewSet(cs)
}

func named(name string) *v1alpha1.SGLangProfile {
	p := Default()
	p.Name = name
	return p
}

func TestResolve(t *testing.T) {
	deepseek := selecting("deepseek", 0, models(v1alpha1.PatternGlob, "deepseek-ai/*"))
	qwen := selecting("qwen", 0, models(v1alpha1.PatternRegex, `Qwen/Qwen3-.*`))
	llama := Subject{Models: []string{"meta-llama/Llama-3.1-8B-Instruct"}}
	cases := map[string]struct {
		set        *Set
		subject    Subject
		want       string
		source     Source
		missing    bool     // the annotation names a profile that does not exist
		tied       []string // profiles that lost a tie by name
		warningHas string
	}{
		"the annotation wins over every selector": {
			set:     setOf(named("default"), deepseek, named("mi325")),
			subject: Subject{Annotation: "mi325", Models: []string{"deepseek-ai/DeepSeek-V3"}},
			want:    "mi325", source: SourceAnnotation,
		},
		"an annotation naming no profile is that name, with no profile (the webhook denies it)": {
			set:     setOf(named("default"), deepseek),
			subject: Subject{Annotation: "nope", Models: []string{"deepseek-ai/DeepSeek-V3"}},
			want:    "nope", source: SourceAnnotation, missing: true,
		},
		"a glob matches the model": {
			set:     setOf(named("default"), deepseek, qwen),
			subject: Subject{Models: []string{"deepseek-ai/DeepSeek-V3"}},
			want:    "deepseek", source: SourceSelector, warningHas: "",
		},
		"a glob ignores case and its * crosses /": {
			set:     setOf(named("default"), selecting("ds", 0, models(v1alpha1.PatternGlob, "*deepseek*"))),
			subject: Subject{Models: []string{"deepseek-ai/DeepSeek-V3"}},
			want:    "ds", source: SourceSelector,
		},
		"a glob's ? and sets match one character": {
			set:     setOf(named("default"), selecting("q", 0, models(v1alpha1.PatternGlob, "qwen/qwen?-[0-9]b"))),
			subject: Subject{Models: []string{"Qwen/Qwen3-8B"}},
			want:    "q", source: SourceSelector,
		},
		"a regex matches the whole name, not a part of it": {
			set:     setOf(named("default"), selecting("part", 0, models(v1alpha1.PatternRegex, "Qwen3"))),
			subject: Subject{Models: []string{"Qwen/Qwen3-8B"}},
			want:    "default", source: SourceDefault,
		},
		"a regex is case-sensitive unless it says (?i)": {
			set:     setOf(named("default"), selecting("q", 0, models(v1alpha1.PatternRegex, "qwen/.*")), selecting("qi", 0, models(v1alpha1.PatternRegex, "(?i)qwen/.*"))),
			subject: Subject{Models: []string{"Qwen/Qwen3-8B"}},
			want:    "qi", source: SourceSelector,
		},
		"any of the names matches: a served model name": {
			set:     setOf(named("default"), qwen),
			subject: Subject{Models: []string{"/mnt/models", "Qwen/Qwen3-32B"}},
			want:    "qwen", source: SourceSelector,
		},
		"a model that matches no pattern gets the default": {
			set:     setOf(named("default"), deepseek, qwen),
			subject: llama,
			want:    "default", source: SourceDefault,
		},
		"a model that matches no pattern without a default gets none": {
			set:     setOf(deepseek, qwen),
			subject: llama,
			want:    "", source: SourceNone,
		},
		"a pod whose model is not known matches no model pattern": {
			set:     setOf(named("default"), deepseek),
			subject: Subject{},
			want:    "default", source: SourceDefault,
		},
		"pod labels select": {
			set:     setOf(named("default"), selecting("canary", 0, podLabels("sglang", "canary"))),
			subject: Subject{PodLabels: map[string]string{"sglang": "canary", "app": "x"}},
			want:    "canary", source: SourceSelector,
		},
		"namespace labels select": {
			set:     setOf(named("default"), selecting("team-b", 0, namespaceLabels("team", "b"))),
			subject: Subject{NamespaceLabels: map[string]string{"team": "b"}},
			want:    "team-b", source: SourceSelector,
		},
		"every part of a selector must match": {
			set: setOf(named("default"), selecting("both", 0, &v1alpha1.ProfileSelector{
				PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "gold"}},
				Models:      []v1alpha1.ModelPattern{{Pattern: "deepseek-ai/*", Kind: v1alpha1.PatternGlob}},
			})),
			subject: Subject{Models: []string{"deepseek-ai/DeepSeek-V3"}, PodLabels: map[string]string{"tier": "silver"}},
			want:    "default", source: SourceDefault,
		},
		"match expressions select as in Kubernetes": {
			set: setOf(named("default"), selecting("not-llama", 0, &v1alpha1.ProfileSelector{PodSelector: &metav1.LabelSelector{
				MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "family", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"llama"}}},
			}})),
			subject: Subject{PodLabels: map[string]string{"family": "qwen"}},
			want:    "not-llama", source: SourceSelector,
		},
		"an empty selector selects every pod": {
			set:     setOf(named("default"), selecting("all", 0, &v1alpha1.ProfileSelector{})),
			subject: llama,
			want:    "all", source: SourceSelector,
		},
		"a profile without a selector is never selected": {
			set:     setOf(named("default"), named("mi325")),
			subject: llama,
			want:    "default", source: SourceDefault,
		},
		"the default profile's own selector competes like any other": {
			set:     setOf(selecting("default", 5, models(v1alpha1.PatternGlob, "meta-llama/*")), selecting("any", 1, &v1alpha1.ProfileSelector{})),
			subject: llama,
			want:    "default", source: SourceSelector,
		},
		"the highest priority wins": {
			set: setOf(named("default"),
				selecting("new-image", 10, models(v1alpha1.PatternGlob, "deepseek-ai/DeepSeek-V3.2*")),
				selecting("deepseek", 0, models(v1alpha1.PatternGlob, "deepseek-ai/*"))),
			subject: Subject{Models: []string{"deepseek-ai/DeepSeek-V3.2-Exp"}},
			want:    "new-image", source: SourceSelector,
		},
		"a negative priority loses to zero": {
			set:     setOf(selecting("low", -1, &v1alpha1.ProfileSelector{}), selecting("zero", 0, &v1alpha1.ProfileSelector{})),
			subject: llama,
			want:    "zero", source: SourceSelector,
		},
		"a tie goes to the first name, with a warning naming both": {
			set:     setOf(selecting("b-qwen", 3, models(v1alpha1.PatternGlob, "qwen/*")), selecting("a-qwen", 3, models(v1alpha1.PatternGlob, "*qwen3*"))),
			subject: Subject{Models: []string{"Qwen/Qwen3-8B"}},
			want:    "a-qwen", source: SourceSelector, tied: []string{"b-qwen"},
			warningHas: `SGLangProfiles "a-qwen" and "b-qwen" all select this pod with priority 3; "a-qwen" applies`,
		},
		"profiles of a lower priority that also match are no tie": {
			set:     setOf(selecting("high", 2, &v1alpha1.ProfileSelector{}), selecting("low", 1, &v1alpha1.ProfileSelector{})),
			subject: llama,
			want:    "high", source: SourceSelector,
		},
		"a selector that does not compile selects no pod": {
			set:     setOf(named("default"), selecting("broken", 9, models(v1alpha1.PatternRegex, "(deepseek"))),
			subject: Subject{Models: []string{"(deepseek"}},
			want:    "default", source: SourceDefault,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := tc.set.Resolve(&tc.subject)
			if r.Name != tc.want || r.Source != tc.source {
				t.Fatalf("Resolve = %q by %s, want %q by %s (%s)", r.Name, r.Source, tc.want, tc.source, r.Why())
			}
			if missing := r.Profile == nil && r.Source != SourceNone; missing != tc.missing {
				t.Errorf("profile missing = %v, want %v", missing, tc.missing)
			}
			if r.Profile != nil && r.Profile.Name != r.Name {
				t.Errorf("profile %q, name %q", r.Profile.Name, r.Name)
			}
			if !slices.Equal(r.Tied, tc.tied) {
				t.Errorf("tied %q, want %q", r.Tied, tc.tied)
			}
			if w := r.Warning(); (tc.warningHas == "") != (w == "") || !strings.Contains(w, tc.warningHas) {
				t.Errorf("warning %q, want one containing %q", w, tc.warningHas)
			}
		})
	}
}

func TestResolutionSaysWhy(t *testing.T) {
	set := setOf(named("default"), named("mi325"),
		selecting("qwen", 4, &v1alpha1.ProfileSelector{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "b"}},
			Models:            []v1alpha1.ModelPattern{{Pattern: "qwen/*", Kind: v1alpha1.PatternGlob}},
		}))
	cases := map[string]struct {
		subject Subject
		want    string
	}{
		"the annotation": {Subject{Annotation: "mi325"}, "named by the pod's vllm-to-sglang.io/profile annotation"},
		"the selector, naming the model, the pattern and the labels": {
			Subject{Models: []string{"Qwen/Qwen3-8B"}, NamespaceLabels: map[string]string{"team": "b"}},
			`selected by spec.selector (model "Qwen/Qwen3-8B" matches glob "qwen/*", namespace labels match {team=b}), priority 4`,
		},
		"the default": {Subject{Models: []string{"x"}}, "no profile selects the pod: the default"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := set.Resolve(&tc.subject).Why(); got != tc.want {
				t.Errorf("Why() = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("none", func(t *testing.T) {
		got := setOf(named("mi325")).Resolve(&Subject{}).Why()
		if want := `no profile selects the pod and there is no SGLangProfile "default"`; got != want {
			t.Errorf("Why() = %q, want %q", got, want)
		}
	})
}

func TestSetUsesNamespaceLabelsOnlyWhenASelectorReadsThem(t *testing.T) {
	if setOf(named("default"), selecting("p", 0, podLabels("a", "b"))).UsesNamespaceLabels() {
		t.Error("a set without namespace selectors says it reads namespace labels")
	}
	if !setOf(named("default"), selecting("n", 0, namespaceLabels("a", "b"))).UsesNamespaceLabels() {
		t.Error("a set with a namespace selector says it does not read namespace labels")
	}
}
