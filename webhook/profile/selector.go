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
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// Selector is a profile's spec.selector, compiled: label selectors parsed
// and model patterns turned into regular expressions once, so matching a
// pod costs no parsing.
type Selector struct {
	namespace labels.Selector // nil: any namespace
	pod       labels.Selector // nil: any pod
	models    []modelMatcher  // empty: any model
}

type modelMatcher struct {
	pattern v1alpha1.ModelPattern
	re      *regexp.Regexp
}

// CompileSelector compiles a (defaulted) spec.selector. Its errors carry
// the field paths under path; a selector with errors selects no pod.
func CompileSelector(path *field.Path, s *v1alpha1.ProfileSelector) (*Selector, field.ErrorList) {
	var errs field.ErrorList
	c := &Selector{}
	c.namespace, errs = labelSelector(path.Child("namespaceSelector"), s.NamespaceSelector, errs)
	c.pod, errs = labelSelector(path.Child("podSelector"), s.PodSelector, errs)
	for i, m := range s.Models {
		p := path.Child("models").Index(i)
		if m.Kind != v1alpha1.PatternGlob && m.Kind != v1alpha1.PatternRegex {
			errs = append(errs, field.NotSupported(p.Child("kind"), m.Kind, []v1alpha1.PatternKind{v1alpha1.PatternGlob, v1alpha1.PatternRegex}))
			continue
		}
		re, err := compileModelPattern(m)
		if err != nil {
			errs = append(errs, field.Invalid(p.Child("pattern"), m.Pattern, err.Error()))
			continue
		}
		c.models = append(c.models, modelMatcher{pattern: m, re: re})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// labelSelector validates a label selector as the API server validates
// those of its own objects, then parses it with LabelSelectorAsSelector,
// which matching uses.
func labelSelector(path *field.Path, s *metav1.LabelSelector, errs field.ErrorList) (labels.Selector, field.ErrorList) {
	if s == nil {
		return nil, errs
	}
	if verrs := metav1validation.ValidateLabelSelector(s, metav1validation.LabelSelectorValidationOptions{}, path); len(verrs) > 0 {
		return nil, append(errs, verrs...)
	}
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		return nil, append(errs, field.Invalid(path, s.String(), err.Error()))
	}
	return sel, errs
}

const maxPatternLength = 256

// compileModelPattern turns a pattern into a regular expression matching
// whole names.
func compileModelPattern(m v1alpha1.ModelPattern) (*regexp.Regexp, error) {
	if m.Pattern == "" {
		return nil, errors.New("must not be empty")
	}
	if len(m.Pattern) > maxPatternLength {
		return nil, fmt.Errorf("must be at most %d bytes", maxPatternLength)
	}
	if m.Kind == v1alpha1.PatternRegex {
		return compileRegex(m.Pattern)
	}
	expr, err := globExpr(m.Pattern)
	if err != nil {
		return nil, err
	}
	return regexp.Compile(expr)
}

// compileRegex compiles a Go regular expression anchored at both ends. Its
// error says where in the pattern the problem is, when RE2 says which part
// it is.
func compileRegex(pattern string) (*regexp.Regexp, error) {
	if _, err := syntax.Parse(pattern, syntax.Perl); err != nil {
		return nil, regexError(pattern, err)
	}
	re, err := regexp.Compile(`^(?:` + pattern + `)$`)
	if err != nil {
		return nil, regexError(pattern, err)
	}
	return re, nil
}

func regexError(pattern string, err error) error {
	var se *syntax.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("not a valid regular expression: %w", err)
	}
	switch i := strings.Index(pattern, se.Expr); {
	case se.Code == syntax.ErrMissingParen || (se.Code == syntax.ErrMissingBracket && i < 0):
		return fmt.Errorf("not a valid regular expression: %s at the end of the pattern (character %d)", se.Code, len([]rune(pattern))+1)
	case i >= 0 && se.Expr != pattern:
		return fmt.Errorf("not a valid regular expression: %s at character %d: `%s`", se.Code, len([]rune(pattern[:i]))+1, se.Expr)
	default:
		return fmt.Errorf("not a valid regular expression: %s: `%s`", se.Code, se.Expr)
	}
}

// globExpr translates a glob into a regular expression: * is any run of
// characters (/ included, unlike path.Match: model names are paths), ? one
// character, [abc], [a-z] and [!abc] one of a set, \ quotes the next
// character; case is ignored.
func globExpr(glob string) (string, error) {
	var b strings.Builder
	b.WriteString(`(?is)^`)
	rs := []rune(glob)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; r {
		case '*':
			for i+1 < len(rs) && rs[i+1] == '*' {
				i++
			}
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '\\':
			if i+1 == len(rs) {
				return "", fmt.Errorf("not a valid glob: a trailing \\ at character %d quotes nothing", i+1)
			}
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case '[':
			end, class, err := globClass(rs, i)
			if err != nil {
				return "", err
			}
			b.WriteString(class)
			i = end
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return b.String(), nil
}

// globClass translates the set starting at rs[start] ('['), returning the
// index of its closing ']'.
func globClass(rs []rune, start int) (int, string, error) {
	var b strings.Builder
	b.WriteString("[")
	i := start + 1
	if i < len(rs) && (rs[i] == '!' || rs[i] == '^') {
		b.WriteString("^")
		i++
	}
	first := i
	for ; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == ']' && i > first:
			b.WriteString("]")
			if _, err := syntax.Parse(b.String(), syntax.Perl); err != nil {
				var se *syntax.Error
				if errors.As(err, &se) {
					return 0, "", fmt.Errorf("not a valid glob: %s in the set at character %d: `%s`", se.Code, start+1, string(rs[start:i+1]))
				}
				return 0, "", err
			}
			return i, b.String(), nil
		case r == '\\' && i+1 < len(rs):
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case r == '-':
			b.WriteString("-")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return 0, "", fmt.Errorf("not a valid glob: the [ at character %d has no closing ]", start+1)
}

// Matches reports whether the selector selects the subject.
func (s *Selector) Matches(subj *Subject) bool {
	if s.namespace != nil && !s.namespace.Matches(labels.Set(subj.NamespaceLabels)) {
		return false
	}
	if s.pod != nil && !s.pod.Matches(labels.Set(subj.PodLabels)) {
		return false
	}
	if len(s.models) == 0 {
		return true
	}
	_, _, ok := s.matchingModel(subj.Models)
	return ok
}

// matchingModel returns the first name a pattern matches, and the pattern.
func (s *Selector) matchingModel(names []string) (string, v1alpha1.ModelPattern, bool) {
	for _, n := range names {
		for _, m := range s.models {
			if m.re.MatchString(n) {
				return n, m.pattern, true
			}
		}
	}
	return "", v1alpha1.ModelPattern{}, false
}

// UsesNamespaceLabels reports whether matching reads the namespace's labels.
func (s *Selector) UsesNamespaceLabels() bool { return s.namespace != nil }

// explain says what of the subject the selector matched, for people.
func (s *Selector) explain(subj *Subject) string {
	var parts []string
	if len(s.models) > 0 {
		if name, p, ok := s.matchingModel(subj.Models); ok {
			parts = append(parts, fmt.Sprintf("model %q matches %s %q", name, p.Kind, p.Pattern))
		}
	}
	if s.pod != nil {
		parts = append(parts, "pod labels match "+selectorString(s.pod))
	}
	if s.namespace != nil {
		parts = append(parts, "namespace labels match "+selectorString(s.namespace))
	}
	if len(parts) == 0 {
		return "its empty selector matches every pod"
	}
	return strings.Join(parts, ", ")
}

func selectorString(s labels.Selector) string {
	if s.Empty() {
		return "{}"
	}
	return "{" + s.String() + "}"
}
