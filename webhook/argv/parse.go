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
	"regexp"
	"strings"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// token is one word of a command: a literal string, or (raw) the shell
// source of a word the shell expands at run time.
type token struct {
	text string
	raw  bool
}

func literalTokens(ss []string) []token {
	out := make([]token, len(ss))
	for i, s := range ss {
		out[i] = token{text: s}
	}
	return out
}

// kubeVarRef matches a Kubernetes $(VAR) reference, which the kubelet
// expands in command and args before the process starts.
var kubeVarRef = regexp.MustCompile(`\$\([A-Za-z_][A-Za-z0-9_]*\)`)

// isOption tells an option word from a value: "-1" and "-" are values,
// as argparse treats them when no option looks like a negative number.
func isOption(t token) bool {
	return !t.raw && sglang.LooksLikeOption(t.text)
}

// normalizeLong applies vLLM's FlexibleArgumentParser spelling rule:
// underscores become dashes between the leading "--" and the first dot.
func normalizeLong(name string) string {
	if !strings.HasPrefix(name, "--") {
		return name
	}
	head, tail, dotted := strings.Cut(name[2:], ".")
	head = "--" + strings.ReplaceAll(head, "_", "-")
	if dotted {
		return head + "." + tail
	}
	return head
}

// parseArgs parses the arguments of a vLLM server command (after the
// program words) the way vLLM's argparse-based parser would.
func parseArgs(toks []token) []Arg {
	out := make([]Arg, 0, len(toks))
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.text == "--" && !t.raw {
			for _, rest := range toks[i+1:] {
				out = append(out, positional(rest))
			}
			break
		}
		if !isOption(t) {
			out = append(out, positional(t))
			i++
			continue
		}
		a, n := parseOption(toks, i)
		out = append(out, a)
		i += n
	}
	for i := range out {
		out[i].pos = i
	}
	return out
}

func positional(t token) Arg {
	a := Arg{Written: t.text}
	a.addValue(t)
	return a
}

func (a *Arg) addValue(t token) {
	a.Values = append(a.Values, t.text)
	a.raw = append(a.raw, t.raw)
	if t.raw || strings.Contains(t.text, "$(") && kubeVarRef.MatchString(t.text) {
		a.Opaque = true
	}
}

// parseOption parses the option at toks[i] and its values; it returns the
// argument and how many tokens it used.
func parseOption(toks []token, i int) (Arg, int) {
	word := toks[i].text
	if strings.HasPrefix(word, "-O") {
		if a, n, ok := parseOptimization(toks, i); ok {
			return a, n
		}
	}
	name, inline, hasInline := strings.Cut(word, "=")
	name = normalizeLong(name)
	a := Arg{Written: word, Flag: name}
	if base, key, dotted := strings.Cut(name, "."); dotted {
		if r, _ := vllmRules.lookup(base); r != nil && r.dict {
			a.Flag, a.Key, a.Known = r.flag, key, true
			return a, 1 + takeValues(&a, toks[i+1:], oneValue, inline, hasInline)
		}
	}
	n, known := optionArity(&a, name)
	if !known && !hasInline {
		if r, v, ok := attachedShort(name); ok {
			a.Flag, a.Known = r.flag, true
			inline, hasInline, n = v, true, r.arity
		}
	}
	return a, 1 + takeValues(&a, toks[i+1:], n, inline, hasInline)
}

// optionArity resolves the flag's canonical name and arity: vLLM's table
// first, then SGLang's catalog (flags users add on purpose), else a guess.
func optionArity(a *Arg, name string) (arity, bool) {
	if r, neg := vllmRules.lookup(name); r != nil {
		a.Flag, a.Known, a.Negated = r.flag, true, neg
		if neg {
			return switchArg, true
		}
		return r.arity, true
	}
	if s, ok := sglang.AnyFlag(name); ok {
		return sglangArity(s), true
	}
	return optValue, false
}

func sglangArity(s sglang.Flag) arity {
	switch {
	case !s.TakesValue:
		return switchArg
	case s.Nargs == "?":
		return optValue
	case s.Nargs == "*" || s.Nargs == "+":
		return manyValues
	default:
		return oneValue
	}
}

// attachedShort splits argparse's single-letter form with an attached
// value, e.g. "-qfp8" is "-q fp8".
func attachedShort(name string) (*rule, string, bool) {
	if len(name) < 3 || name[1] == '-' {
		return nil, "", false
	}
	r, ok := vllmRules[name[:2]]
	if !ok || r.arity == switchArg {
		return nil, "", false
	}
	return r, name[2:], true
}

// parseOptimization handles vLLM's -O shorthands: -O3, -O=3, -Odecode and
// "-O 3" mean --optimization-level; -O.key is a dotted --compilation-config key.
func parseOptimization(toks []token, i int) (Arg, int, bool) {
	word := toks[i].text
	rest := word[2:]
	a := Arg{Written: word, Known: true, Flag: "--optimization-level"}
	switch {
	case strings.HasPrefix(rest, "."):
		key, inline, hasInline := strings.Cut(rest[1:], "=")
		a.Flag, a.Key = "--compilation-config", key
		return a, 1 + takeValues(&a, toks[i+1:], oneValue, inline, hasInline), true
	case rest == "" && i+1 < len(toks) && strings.Contains("0123", toks[i+1].text) && len(toks[i+1].text) == 1:
		a.addValue(toks[i+1])
		return a, 2, true
	case rest != "":
		a.addValue(token{text: strings.TrimPrefix(rest, "=")})
		return a, 1, true
	}
	return Arg{}, 0, false
}

// takeValues appends the option's values and returns how many following
// tokens it used.
func takeValues(a *Arg, next []token, n arity, inline string, hasInline bool) int {
	if hasInline {
		a.addValue(token{text: inline})
		if n != manyValues {
			return 0
		}
	}
	used := 0
	for used < len(next) && !isOption(next[used]) {
		if n == switchArg || (n != manyValues && len(a.Values) > 0) {
			break
		}
		a.addValue(next[used])
		used++
	}
	return used
}
