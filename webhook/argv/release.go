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
	"fmt"
	"slices"
	"strings"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// The translation is checked against the catalog of the SGLang release the
// profile runs: a flag or value that release lacks is never emitted. The
// table's decisions name flags of SGLang's newest releases; emitTokens
// refuses what the release lacks, and attempt turns that into one finding
// for the vLLM flags that asked for it: dropped (unsafe), naming the release.

// flag looks a flag up in the release's catalog.
func (t *translation) flag(name string) (sglang.Flag, bool) {
	return t.cat.Flag(name)
}

// accepts reports whether the release has the flag and takes the value.
func (t *translation) accepts(flag, value string) bool {
	return accepts(t.cat, flag, value)
}

// accepts reports whether catalog c has the flag and takes the value.
func accepts(c *sglang.Catalog, flag, value string) bool {
	f, ok := c.Flag(flag)
	return ok && f.Accepts(value)
}

// unavailable says why the release cannot take an emission, or "".
func (t *translation) unavailable(flag string, vals []token) string {
	f, ok := t.cat.Flag(flag)
	if !ok {
		return fmt.Sprintf("SGLang %s has no %s%s", t.cat.Version(), flag, t.flagHistory(flag))
	}
	if !f.TakesValue {
		return ""
	}
	for _, v := range vals {
		if v.raw || kubeVarRef.MatchString(v.text) || f.Accepts(v.text) {
			continue
		}
		return fmt.Sprintf("SGLang %s's %s does not accept %q%s", t.cat.Version(), f.Name, v.text, t.valueHistory(flag, v.text))
	}
	return ""
}

// flagHistory says when another supported release has the flag.
func (t *translation) flagHistory(flag string) string {
	return history(t.cat, func(c *sglang.Catalog) bool { return c.Has(flag) })
}

// valueHistory says when another supported release takes the value.
func (t *translation) valueHistory(flag, value string) string {
	return history(t.cat, func(c *sglang.Catalog) bool { return accepts(c, flag, value) })
}

// history says when another supported release has what this one lacks.
func history(cur *sglang.Catalog, has func(*sglang.Catalog) bool) string {
	var later, earlier []string
	for _, c := range sglang.Releases() {
		if !has(c) {
			continue
		}
		if c.Version().Compare(cur.Version()) > 0 {
			later = append(later, c.Version().String())
		} else {
			earlier = append(earlier, c.Version().String())
		}
	}
	switch {
	case len(later) > 0:
		return "; it came in a later release (" + strings.Join(later, ", ") + ")"
	case len(earlier) > 0:
		return "; it was removed after " + earlier[len(earlier)-1]
	}
	return ""
}

// attempt runs one decision about args. When the release lacks something
// it would emit, the decision is undone: its emissions and findings go,
// and each argument is reported dropped (unsafe) with what the release lacks.
func (t *translation) attempt(fn func(), args ...Arg) {
	t.attemptAs(true, fn, args...)
}

// attemptAs is attempt for a decision that only changes speed when it
// cannot be carried out (unsafe false).
func (t *translation) attemptAs(unsafe bool, fn func(), args ...Arg) {
	outer := t.pending
	t.pending = &pending{findings: len(t.findings)}
	fn()
	p := t.pending
	t.pending = outer
	if len(p.lacks) == 0 {
		return
	}
	t.out = slices.DeleteFunc(t.out, func(e emission) bool { return slices.Contains(p.emitted, e.flag) })
	t.findings = t.findings[:p.findings]
	reason := strings.Join(slices.Compact(p.lacks), "; ")
	for _, a := range args {
		t.dropped(a, unsafe, reason)
	}
}

// pending is what one attempt emitted and what the release refused.
type pending struct {
	findings int      // len(t.findings) when the attempt started
	emitted  []string // SGLang flags emitted
	lacks    []string // why emissions were refused
}
