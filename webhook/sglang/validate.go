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
	"fmt"
	"strings"
)

// Validate checks server arguments (what follows `python3 -m
// sglang.launch_server`) the way this release's argparse would: every
// option exists, gets the number of values it takes, and a value it
// accepts. Values written as shell or $(VAR) references are not checked
// against choices. It does not check required flags.
func (c *Catalog) Validate(args []string) error {
	for i := 0; i < len(args); i++ {
		name, inline, hasInline := strings.Cut(args[i], "=")
		if !strings.HasPrefix(name, "-") || len(name) < 2 {
			return fmt.Errorf("unrecognized argument %q", args[i])
		}
		f, ok := c.Flag(name)
		if !ok {
			return fmt.Errorf("SGLang %s: unrecognized argument %s", c.version, name)
		}
		vals, err := values(f, name, args[i+1:], inline, hasInline)
		if err != nil {
			return err
		}
		i += len(vals)
		if hasInline {
			vals = append(vals, inline)
		}
		if err := c.checkChoices(f, vals); err != nil {
			return err
		}
	}
	return nil
}

// values returns the words after an option that argparse would take as its
// values (excluding an inline "=value").
func values(f Flag, name string, next []string, inline string, hasInline bool) ([]string, error) {
	if !f.TakesValue {
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
		if LooksLikeOption(w) || (len(vals) == 1 && (f.Nargs == "" || f.Nargs == "?")) {
			break
		}
		vals = append(vals, w)
	}
	if len(vals) == 0 && (f.Nargs == "" || f.Nargs == "+") {
		return nil, fmt.Errorf("argument %s: expected a value", name)
	}
	return vals, nil
}

func (c *Catalog) checkChoices(f Flag, vals []string) error {
	for _, v := range vals {
		if !f.Accepts(v) && !strings.ContainsAny(v, "$`") {
			return fmt.Errorf("SGLang %s: argument %s: invalid choice %q", c.version, f.Name, v)
		}
	}
	return nil
}

// LooksLikeOption tells whether argparse takes a word for an option rather
// than a value: it starts with "-" and is not a negative number.
func LooksLikeOption(w string) bool {
	if len(w) < 2 || w[0] != '-' {
		return false
	}
	return !isNegativeNumber(w)
}

// isNegativeNumber matches argparse's ^-\d+$|^-\d*\.\d+$.
func isNegativeNumber(s string) bool {
	digits, dot := 0, false
	for i, r := range s[1:] {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' && !dot && i < len(s)-2:
			dot = true
			digits = 0
		default:
			return false
		}
	}
	return digits > 0
}
