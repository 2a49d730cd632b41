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

package argv

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
)

// The SGLang flag catalog is data, not code: data/sglang-flags.tsv is a copy
// of the reference table of `python -m sglang.launch_server` flags, and
// data/sglang-choices.tsv spells out the choice lists it names symbolically.
var (
	//go:embed data/sglang-flags.tsv
	sglangFlagsTSV string
	//go:embed data/sglang-choices.tsv
	sglangChoicesTSV string
)

// FlagSpec describes one SGLang server flag the way argparse sees it.
type FlagSpec struct {
	// Name is the canonical long form, e.g. "--tp-size".
	Name string
	// Aliases are other spellings argparse accepts, e.g. "--tensor-parallel-size".
	Aliases []string
	// TakesValue is false for switches (store_true, BooleanOptionalAction).
	TakesValue bool
	// Nargs is "" for exactly one value, or argparse's "?", "*" or "+".
	Nargs string
	// Negatable is true for BooleanOptionalAction switches, which also accept --no-<name>.
	Negatable bool
	// Choices lists the accepted values; nil means any value (or unknown).
	Choices []string
	// Deprecated flags still parse but SGLang warns.
	Deprecated bool
}

// Accepts reports whether v is an accepted value (always true without choices).
func (s FlagSpec) Accepts(v string) bool {
	return s.Choices == nil || slices.Contains(s.Choices, v)
}

// catalog is the parsed SGLang flag table, keyed by every spelling.
type catalog struct {
	byName map[string]*FlagSpec
	specs  []*FlagSpec
}

var sglang = mustLoadCatalog(sglangFlagsTSV, sglangChoicesTSV)

// SGLangFlag looks a flag up in the embedded SGLang catalog by its canonical
// name or an alias ("--model" finds "--model-path"). A "--no-X" spelling is
// found only when X is negatable.
func SGLangFlag(name string) (FlagSpec, bool) {
	if s, ok := sglang.byName[name]; ok {
		return *s, true
	}
	if base, ok := strings.CutPrefix(name, "--no-"); ok {
		if s, ok := sglang.byName["--"+base]; ok && s.Negatable {
			return *s, true
		}
	}
	return FlagSpec{}, false
}

// SGLangFlags returns every flag of the catalog, in table order.
func SGLangFlags() []FlagSpec {
	out := make([]FlagSpec, 0, len(sglang.specs))
	for _, s := range sglang.specs {
		out = append(out, *s)
	}
	return out
}

func mustLoadCatalog(flags, choices string) *catalog {
	c, err := loadCatalog(flags, choices)
	if err != nil {
		panic(fmt.Sprintf("embedded SGLang catalog: %v", err))
	}
	return c
}

func loadCatalog(flags, choices string) (*catalog, error) {
	sets, err := parseChoiceSets(choices)
	if err != nil {
		return nil, err
	}
	c := &catalog{byName: map[string]*FlagSpec{}}
	for i, line := range strings.Split(strings.TrimSpace(flags), "\n") {
		if i == 0 {
			continue // header
		}
		spec, err := parseFlagRow(line, sets)
		if err != nil {
			return nil, fmt.Errorf("sglang-flags.tsv line %d: %w", i+1, err)
		}
		if err := c.add(spec); err != nil {
			return nil, fmt.Errorf("sglang-flags.tsv line %d: %w", i+1, err)
		}
	}
	return c, nil
}

func (c *catalog) add(s *FlagSpec) error {
	for _, n := range append([]string{s.Name}, s.Aliases...) {
		if _, dup := c.byName[n]; dup {
			return fmt.Errorf("flag %s listed twice", n)
		}
		c.byName[n] = s
	}
	c.specs = append(c.specs, s)
	return nil
}

func parseChoiceSets(tsv string) (map[string][]string, error) {
	sets := map[string][]string{}
	for _, line := range strings.Split(tsv, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, values, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("sglang-choices.tsv: line %q has no tab", line)
		}
		sets[name] = strings.Split(values, ",")
	}
	return sets, nil
}

// parseFlagRow reads one row: flag, aliases, type_action, default, help, namespace.
func parseFlagRow(line string, sets map[string][]string) (*FlagSpec, error) {
	cols := strings.Split(line, "\t")
	if len(cols) < 3 || !strings.HasPrefix(cols[0], "--") {
		return nil, fmt.Errorf("malformed row %q", line)
	}
	typ := cols[2]
	s := &FlagSpec{Name: cols[0], TakesValue: true}
	if cols[1] != "" {
		s.Aliases = strings.Split(cols[1], ",")
	}
	if strings.HasPrefix(typ, "bool") {
		s.TakesValue = false
		s.Negatable = strings.Contains(typ, "BooleanOptionalAction")
	}
	s.Deprecated = strings.Contains(typ, "deprecated")
	s.Nargs = attr(typ, "nargs")
	s.Choices = expandChoices(attr(typ, "choices"), sets)
	return s, nil
}

// attr extracts "key=value" from a "type; key=value; ..." description.
func attr(typ, key string) string {
	for _, part := range strings.Split(typ, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), key+"="); ok {
			return v
		}
	}
	return ""
}

// expandChoices turns "a,b,c", "auto+NAMED_SET" or "x,y(+z)" into a value
// list; a named set we do not know makes the whole list unknown (nil).
func expandChoices(spec string, sets map[string][]string) []string {
	if spec == "" {
		return nil
	}
	spec = strings.NewReplacer("(", "", ")", "").Replace(spec)
	var out []string
	for _, item := range strings.Split(spec, ",") {
		for _, v := range strings.Split(item, "+") {
			if !isSymbolic(v) {
				out = append(out, v)
				continue
			}
			set, ok := sets[v]
			if !ok {
				return nil
			}
			out = append(out, set...)
		}
	}
	return out
}

// isSymbolic tells a Python constant name (QUANTIZATION_CHOICES, RealKvHashMode)
// from a literal choice value.
func isSymbolic(v string) bool {
	if v == "" {
		return false
	}
	if strings.ToUpper(v) == v && strings.Contains(v, "_") {
		return true // QUANTIZATION_CHOICES (but not the literal values BFS, PROB)
	}
	return v[0] >= 'A' && v[0] <= 'Z' && strings.ContainsAny(v[1:], "abcdefghijklmnopqrstuvwxyz")
}

// ValidateSGLangArgs checks server arguments (what follows `python3 -m
// sglang.launch_server`) the way SGLang's argparse would: every option
// exists, gets the number of values it takes, and a value it accepts.
// Values written as shell or $(VAR) references are not checked against
// choices. It does not check required flags.
func ValidateSGLangArgs(args []string) error {
	for i := 0; i < len(args); i++ {
		name, inline, hasInline := strings.Cut(args[i], "=")
		if !strings.HasPrefix(name, "-") || len(name) < 2 {
			return fmt.Errorf("unrecognized argument %q", args[i])
		}
		spec, ok := SGLangFlag(name)
		if !ok {
			return fmt.Errorf("unrecognized argument %s", name)
		}
		vals, err := sglangValues(spec, name, args[i+1:], inline, hasInline)
		if err != nil {
			return err
		}
		i += len(vals)
		if hasInline {
			vals = append(vals, inline)
		}
		if err := checkChoices(spec, vals); err != nil {
			return err
		}
	}
	return nil
}

// sglangValues returns the words after an option that argparse would
// take as its values (excluding an inline "=value").
func sglangValues(spec FlagSpec, name string, next []string, inline string, hasInline bool) ([]string, error) {
	if !spec.TakesValue {
		if hasInline {
			return nil, fmt.Errorf("argument %s: ignored explicit argument %q", name, inline)
		}
		return nil, nil
	}
	if hasInline {
		return nil, nil
	}
	var vals []string
	for _, w := range next {
		if isOption(token{text: w}) || (len(vals) == 1 && (spec.Nargs == "" || spec.Nargs == "?")) {
			break
		}
		vals = append(vals, w)
	}
	if len(vals) == 0 && (spec.Nargs == "" || spec.Nargs == "+") {
		return nil, fmt.Errorf("argument %s: expected a value", name)
	}
	return vals, nil
}

func checkChoices(spec FlagSpec, vals []string) error {
	for _, v := range vals {
		if !spec.Accepts(v) && !strings.ContainsAny(v, "$`") {
			return fmt.Errorf("argument %s: invalid choice %q", spec.Name, v)
		}
	}
	return nil
}
