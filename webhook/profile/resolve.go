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
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// Subject is what profile resolution reads of a pod.
type Subject struct {
	// Annotation is the pod's vllm-to-sglang.io/profile annotation; empty
	// when it has none.
	Annotation string
	// NamespaceLabels are the labels of the pod's namespace.
	NamespaceLabels map[string]string
	// PodLabels are the pod's labels.
	PodLabels map[string]string
	// Models are the names its vLLM container serves the model under
	// (rewrite.ServedModels).
	Models []string
}

// Candidate is one profile as resolution and the rewrite use it: its
// defaulted spec (shared, read only) and its compiled selector.
type Candidate struct {
	Name     string
	Priority int32
	// Spec is the defaulted spec. It is shared: only read it.
	Spec *v1alpha1.SGLangProfileSpec
	// Selector is the compiled spec.selector; nil when the profile has
	// none or it does not compile (SelectorErrs), and then it selects no
	// pod.
	Selector     *Selector
	SelectorErrs field.ErrorList
}

// NewCandidate defaults a copy of the profile's spec and compiles its
// selector. The profile itself is only read.
func NewCandidate(p *v1alpha1.SGLangProfile) *Candidate {
	spec := p.Spec.DeepCopy()
	spec.Default()
	c := &Candidate{Name: p.Name, Priority: spec.Priority, Spec: spec}
	if spec.Selector != nil {
		c.Selector, c.SelectorErrs = CompileSelector(field.NewPath("spec", "selector"), spec.Selector)
	}
	return c
}

// Set is the profiles pods are resolved against.
type Set struct {
	byName map[string]*Candidate
	// selecting are the candidates with a valid selector, highest priority
	// first, then by name.
	selecting      []*Candidate
	namespaceLabel bool
	models         bool
}

// NewSet indexes the candidates. Two with one name: the last wins.
func NewSet(cs []*Candidate) *Set {
	s := &Set{byName: make(map[string]*Candidate, len(cs))}
	for _, c := range cs {
		s.byName[c.Name] = c
	}
	for _, c := range s.byName {
		if c.Selector == nil {
			continue
		}
		s.selecting = append(s.selecting, c)
		s.namespaceLabel = s.namespaceLabel || c.Selector.UsesNamespaceLabels()
		s.models = s.models || len(c.Selector.models) > 0
	}
	slices.SortFunc(s.selecting, func(a, b *Candidate) int {
		return cmp.Or(cmp.Compare(b.Priority, a.Priority), strings.Compare(a.Name, b.Name))
	})
	return s
}

// Get returns the named profile, or nil.
func (s *Set) Get(name string) *Candidate { return s.byName[name] }

// UsesNamespaceLabels reports whether some selector reads the namespace's
// labels: without one, Resolve needs no Subject.NamespaceLabels.
func (s *Set) UsesNamespaceLabels() bool { return s.namespaceLabel }

// UsesModels reports whether some selector reads the model names: without
// one, Resolve needs no Subject.Models.
func (s *Set) UsesModels() bool { return s.models }

// Source says how a pod's profile was chosen.
type Source string

const (
	// SourceAnnotation: the pod's vllm-to-sglang.io/profile annotation.
	SourceAnnotation Source = "annotation"
	// SourceSelector: the profile's spec.selector matches the pod.
	SourceSelector Source = "selector"
	// SourceDefault: no selector matches; the profile named "default".
	SourceDefault Source = "default"
	// SourceNone: no selector matches and there is no "default" profile:
	// the pod is left alone.
	SourceNone Source = "none"
)

// Resolution is the profile a pod gets.
type Resolution struct {
	// Name is the profile's name; empty for SourceNone.
	Name string
	// Source says how it was chosen.
	Source Source
	// Profile is the chosen profile; nil for SourceNone, and for an
	// annotation naming a profile that does not exist.
	Profile *Candidate
	// Tied are the other profiles that select the pod with the same
	// priority as Profile: Profile won by its name.
	Tied []string

	subject *Subject
}

// Resolve picks the profile of a pod: the one its annotation names (even
// one that does not exist: Profile is nil then), else the selecting profile
// with the highest priority (equal priorities: the first name), else the
// profile named "default", else none. It reads nothing but the subject and
// the set.
func (s *Set) Resolve(subj *Subject) Resolution {
	if subj.Annotation != "" {
		return Resolution{Name: subj.Annotation, Source: SourceAnnotation, Profile: s.byName[subj.Annotation], subject: subj}
	}
	for i, c := range s.selecting {
		if !c.Selector.Matches(subj) {
			continue
		}
		r := Resolution{Name: c.Name, Source: SourceSelector, Profile: c, subject: subj}
		for _, o := range s.selecting[i+1:] {
			if o.Priority != c.Priority {
				break
			}
			if o.Selector.Matches(subj) {
				r.Tied = append(r.Tied, o.Name)
			}
		}
		return r
	}
	if d := s.byName[v1alpha1.DefaultProfileName]; d != nil {
		return Resolution{Name: d.Name, Source: SourceDefault, Profile: d, subject: subj}
	}
	return Resolution{Source: SourceNone, subject: subj}
}

// Warning is the admission warning of a tie; empty when there is none.
func (r Resolution) Warning() string {
	if len(r.Tied) == 0 {
		return ""
	}
	names := append([]string{r.Name}, r.Tied...)
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(n)
	}
	list := strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
	return fmt.Sprintf("SGLangProfiles %s all select this pod with priority %d; %q applies (the first name): give one a higher spec.priority",
		list, r.Profile.Priority, r.Name)
}

// Why says in words how the profile was chosen, e.g. `selected by
// spec.selector (model "Qwen/Qwen3-8B" matches glob "qwen/*")`.
func (r Resolution) Why() string {
	switch r.Source {
	case SourceAnnotation:
		return "named by the pod's " + v1alpha1.AnnotationProfile + " annotation"
	case SourceSelector:
		s := "selected by spec.selector"
		if r.subject != nil {
			s += " (" + r.Profile.Selector.explain(r.subject) + ")"
		}
		if r.Profile.Priority != 0 {
			s += fmt.Sprintf(", priority %d", r.Profile.Priority)
		}
		return s
	case SourceDefault:
		return "no profile selects the pod: the default"
	}
	return fmt.Sprintf("no profile selects the pod and there is no SGLangProfile %q", v1alpha1.DefaultProfileName)
}
