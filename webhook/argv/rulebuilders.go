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
	"net"
	"slices"
)

// Building blocks of the table's rules (table.go): emission helpers for the
// translation functions (flagtranslations.go), builders of common
// translation steps (withValue, onlyValue, switchXlate, ...), and builders
// of the multi-node signals a row can carry (always, valueIs, intAbove, ...).

// em builds an emission from literal values.
func em(flag string, vals ...string) emission {
	return emission{flag: flag, vals: literalTokens(vals)}
}

// emitAll emits and returns the words, for a finding's Emitted.
func (t *translation) emitAll(es ...emission) []string {
	var words []string
	for _, e := range es {
		t.emitTokens(e.flag, e.vals)
		words = append(words, flatten(e)...)
	}
	return words
}

func (t *translation) translatedTo(a Arg, reason string, es ...emission) {
	t.translated(a, reason, t.emitAll(es...)...)
}

func (t *translation) approximatedTo(a Arg, reason string, es ...emission) {
	t.approximated(a, reason, t.emitAll(es...)...)
}

// runtimeValue drops a flag whose value needs translating but is only
// known at run time; it reports whether it did.
func (t *translation) runtimeValue(a Arg) bool {
	if a.Opaque {
		t.dropped(a, true, "its value is only known at run time and needs translating")
	}
	return a.Opaque
}

// withValue is a translation step that needs the value: it handles values
// only known at run time first.
func withValue(fn func(t *translation, a Arg, v string)) xlateFunc {
	return func(t *translation, a Arg) {
		if !t.runtimeValue(a) {
			fn(t, a, a.Value())
		}
	}
}

// onlyValue accepts vLLM's default value and drops any other (unsafe).
func onlyValue(def, reason string) xlateFunc {
	return withValue(func(t *translation, a Arg, v string) {
		if v == def {
			t.translated(a, "vLLM's default; "+whyNoEffect)
			return
		}
		t.dropped(a, true, reason)
	})
}

// onlyValueOrReject accepts vLLM's default value and rejects any other.
func onlyValueOrReject(def, reason string) xlateFunc {
	return func(t *translation, a Arg) {
		if !a.Opaque && a.Value() == def {
			t.translated(a, "vLLM's default; "+whyNoEffect)
			return
		}
		t.rejected(a, reason)
	}
}

// switchXlate translates a boolean flag: on and off (--no-X) separately.
func switchXlate(on, off xlateFunc) xlateFunc {
	return func(t *translation, a Arg) {
		if a.Negated {
			off(t, a)
			return
		}
		on(t, a)
	}
}

// isDefault reports the flag as SGLang's default behaviour.
func isDefault(reason string) xlateFunc {
	return func(t *translation, a Arg) { t.translated(a, reason) }
}

// emitsAs translates a switch into fixed SGLang flags.
func emitsAs(action Action, reason string, es ...emission) xlateFunc {
	return func(t *translation, a Arg) {
		t.note(a, action, false, reason, t.emitAll(es...)...)
	}
}

// recordArg keeps a flag for finish, where it combines with others.
func recordArg(field func(*state) **Arg) xlateFunc {
	return func(t *translation, a Arg) { *field(&t.st) = &a }
}

// Multi-node signals.

func always(sig string) multiNodeFunc {
	return func(a Arg, _ *Invocation) string {
		if a.Negated {
			return ""
		}
		return sig + " is set"
	}
}

func valueIs(v, sig string) multiNodeFunc {
	return func(a Arg, _ *Invocation) string {
		if a.Value() == v {
			return sig + " is set"
		}
		return ""
	}
}

func intAbove(flag string, n int64) multiNodeFunc {
	return func(a Arg, _ *Invocation) string {
		if v, ok := parseInt(a.Value()); ok && v <= n {
			return ""
		}
		return fmt.Sprintf("%s is %s", flag, a.Value())
	}
}

// masterAddr: a torch.distributed master on another host means several nodes.
func masterAddr(a Arg, _ *Invocation) string {
	v := a.Value()
	if v == "" || v == "localhost" {
		return ""
	}
	if ip := net.ParseIP(v); ip != nil && ip.IsLoopback() {
		return ""
	}
	return "--master-addr points at another host (" + v + ")"
}

// dpLocal: fewer local data-parallel ranks than the group means other nodes run the rest.
func dpLocal(a Arg, inv *Invocation) string {
	dp := int64(1)
	if d, ok := inv.Flag("--data-parallel-size"); ok {
		dp, _ = parseInt(d.Value())
	}
	if local, ok := parseInt(a.Value()); ok && local >= dp {
		return ""
	}
	return "--data-parallel-size-local is smaller than --data-parallel-size"
}

func contains(list []string, v string) bool { return slices.Contains(list, v) }
