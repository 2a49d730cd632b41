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

package sglang

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Flag describes one SGLang server flag the way argparse sees it.
type Flag struct {
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
	// Choices lists the accepted values; nil means any value.
	Choices []string
	// Deprecated flags still parse, but SGLang ignores them or warns.
	Deprecated bool
}

// Accepts reports whether v is an accepted value (always true without choices).
func (f Flag) Accepts(v string) bool {
	return f.Choices == nil || slices.Contains(f.Choices, v)
}

// Provenance says where a catalog's facts come from.
type Provenance struct {
	// Source names the upstream files read (repository, path).
	Source string
	// Commit is the commit or tag they were read at.
	Commit string
	// Date is the date of that source; Retrieved the day it was read.
	Date, Retrieved string
	// Notes are caveats: what could not be verified, choices left open.
	Notes []string
}

// Catalog holds the server flags of one SGLang release.
type Catalog struct {
	version    Version
	provenance Provenance
	byName     map[string]*Flag
	flags      []*Flag
}

// Version is the release the catalog describes.
func (c *Catalog) Version() Version { return c.version }

// Provenance says where the catalog comes from.
func (c *Catalog) Provenance() Provenance { return c.provenance }

// Flag looks a flag up by its canonical name or an alias ("--model" finds
// "--model-path"). A "--no-X" spelling is found only when X is negatable.
func (c *Catalog) Flag(name string) (Flag, bool) {
	if f, ok := c.byName[name]; ok {
		return *f, true
	}
	if base, ok := strings.CutPrefix(name, "--no-"); ok {
		if f, ok := c.byName["--"+base]; ok && f.Negatable {
			return *f, true
		}
	}
	return Flag{}, false
}

// Has reports whether the release has the flag under that spelling.
func (c *Catalog) Has(name string) bool {
	_, ok := c.Flag(name)
	return ok
}

// Flags returns every flag, in the order of SGLang's --help.
func (c *Catalog) Flags() []Flag {
	out := make([]Flag, 0, len(c.flags))
	for _, f := range c.flags {
		out = append(out, *f)
	}
	return out
}

// The catalog file: "# key: value" provenance lines, a header row, then one
// tab-separated row per flag.
const catalogHeader = "flag\taliases\tkind\tnargs\tchoices\tstatus"

// Kinds of flag in the catalog's kind column.
const (
	kindValue     = "value"     // takes values
	kindSwitch    = "switch"    // store_true and the like: no value
	kindNegatable = "negatable" // BooleanOptionalAction: --X and --no-X
)

// ParseCatalog reads one catalog file (data/<release>.tsv, as
// hack/sglang-catalog/dump.py writes it). It is strict: a malformed row, an
// unknown kind, a flag listed twice or missing provenance is an error,
// never a guess.
func ParseCatalog(data string) (*Catalog, error) {
	c := &Catalog{byName: map[string]*Flag{}}
	lines := strings.Split(strings.TrimRight(data, "\n"), "\n")
	header := false
	for i, line := range lines {
		var err error
		switch {
		case strings.HasPrefix(line, "#"):
			if header {
				err = errors.New("provenance lines must come before the header")
			} else {
				err = c.provenanceLine(strings.TrimSpace(strings.TrimPrefix(line, "#")))
			}
		case !header:
			if line != catalogHeader {
				err = fmt.Errorf("header is %q, want %q", line, catalogHeader)
			}
			header = true
		default:
			err = c.row(line)
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	return c, c.complete()
}

func (c *Catalog) provenanceLine(line string) error {
	key, value, ok := strings.Cut(line, ":")
	if !ok {
		return nil // free text
	}
	value = strings.TrimSpace(value)
	p := &c.provenance
	switch strings.TrimSpace(key) {
	case "release":
		v, err := ParseVersion(value)
		if err != nil {
			return fmt.Errorf("release: %w", err)
		}
		c.version = v
	case "source":
		p.Source = joinText(p.Source, value)
	case "commit":
		p.Commit = joinText(p.Commit, value)
	case "date":
		p.Date = value
	case "retrieved":
		p.Retrieved = value
	case "note":
		p.Notes = append(p.Notes, value)
	}
	return nil
}

// joinText appends b to a, "; " between them when a is not empty.
func joinText(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// complete checks that the provenance every catalog must carry is there.
func (c *Catalog) complete() error {
	p := c.provenance
	var missing []string
	for key, v := range map[string]string{"source": p.Source, "commit": p.Commit, "date": p.Date, "retrieved": p.Retrieved} {
		if v == "" {
			missing = append(missing, key)
		}
	}
	switch {
	case c.version == Version{}:
		return errors.New("no \"# release:\" line")
	case len(missing) > 0:
		slices.Sort(missing)
		return fmt.Errorf("release %s: provenance lacks %s", c.version, strings.Join(missing, ", "))
	case len(c.flags) == 0:
		return fmt.Errorf("release %s: no flags", c.version)
	}
	return nil
}

func (c *Catalog) row(line string) error {
	cols := strings.Split(line, "\t")
	if len(cols) != 6 {
		return fmt.Errorf("row %q has %d columns, want 6", line, len(cols))
	}
	f := &Flag{Name: cols[0], Nargs: cols[3], Deprecated: cols[5] == "deprecated"}
	if !strings.HasPrefix(f.Name, "--") {
		return fmt.Errorf("flag %q does not start with --", f.Name)
	}
	if cols[1] != "" {
		f.Aliases = strings.Split(cols[1], ",")
	}
	switch cols[2] {
	case kindValue:
		f.TakesValue = true
	case kindSwitch:
	case kindNegatable:
		f.Negatable = true
	default:
		return fmt.Errorf("flag %s: kind %q is not value, switch or negatable", f.Name, cols[2])
	}
	switch {
	case !slices.Contains([]string{"", "?", "*", "+"}, f.Nargs):
		return fmt.Errorf("flag %s: nargs %q is not empty, ?, * or +", f.Name, f.Nargs)
	case f.Nargs != "" && !f.TakesValue:
		return fmt.Errorf("flag %s: a %s takes no nargs", f.Name, cols[2])
	case cols[5] != "" && !f.Deprecated:
		return fmt.Errorf("flag %s: status %q is not empty or deprecated", f.Name, cols[5])
	}
	if cols[4] != "" {
		if !f.TakesValue {
			return fmt.Errorf("flag %s: a %s has no choices", f.Name, cols[2])
		}
		f.Choices = strings.Split(cols[4], ",")
	}
	return c.add(f)
}

func (c *Catalog) add(f *Flag) error {
	for _, n := range append([]string{f.Name}, f.Aliases...) {
		if !strings.HasPrefix(n, "-") {
			return fmt.Errorf("flag %s: spelling %q does not start with -", f.Name, n)
		}
		if _, dup := c.byName[n]; dup {
			return fmt.Errorf("flag %s listed twice", n)
		}
		c.byName[n] = f
	}
	c.flags = append(c.flags, f)
	return nil
}
