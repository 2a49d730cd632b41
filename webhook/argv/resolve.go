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
	"encoding/json"
	"strings"
)

// resolve applies vLLM's rules for repeated flags before translation: the
// last use of a flag wins (argparse), except for append flags; dotted keys
// of a JSON flag merge into one object that replaces any JSON value given
// whole (vLLM appends the merged object after every other argument).
func (t *translation) resolve(args []Arg) []Arg {
	out := make([]Arg, 0, len(args))
	for i, a := range args {
		if !a.Known || vllmRules[a.Flag].repeat {
			out = append(out, a)
			continue
		}
		if laterUse(args[i+1:], a.Flag) {
			if a.Key == "" {
				t.translated(a, "given again later; vLLM uses the last value")
			}
			continue
		}
		if uses := dottedUses(args, a.Flag); len(uses) > 0 {
			a = mergeDotted(uses)
		}
		out = append(out, a)
	}
	return out
}

// laterUse reports whether flag is used again; commands are short, so a
// scan is cheaper than a map.
func laterUse(rest []Arg, flag string) bool {
	for _, b := range rest {
		if b.Known && b.Flag == flag {
			return true
		}
	}
	return false
}

func dottedUses(args []Arg, flag string) []Arg {
	var uses []Arg
	for _, a := range args {
		if a.Known && a.Key != "" && a.Flag == flag {
			uses = append(uses, a)
		}
	}
	return uses
}

// mergeDotted builds the JSON object of --flag.a.b value uses.
func mergeDotted(uses []Arg) Arg {
	obj := map[string]any{}
	merged := Arg{Flag: uses[0].Flag, Known: true, Written: uses[0].Written}
	for _, u := range uses {
		merged.Opaque = merged.Opaque || u.Opaque
		setDotted(obj, u.Key, dottedValue(u))
	}
	b, _ := json.Marshal(obj) // only strings, numbers, bools, maps and slices
	merged.Values = []string{string(b)}
	return merged
}

// dottedValue parses a dotted key's value as vLLM does: JSON if it
// parses, else a string; a key ending in "+" takes a comma-separated list.
func dottedValue(a Arg) any {
	v := a.Value()
	if strings.HasSuffix(a.Key, "+") {
		parts := strings.Split(v, ",")
		list := make([]any, len(parts))
		for i, p := range parts {
			list[i] = p
		}
		return list
	}
	var parsed any
	if err := json.Unmarshal([]byte(v), &parsed); err == nil {
		return parsed
	}
	return v
}

// setDotted sets obj[a][b][c] = v for key "a.b.c", merging nested objects
// and appending lists like vLLM's recursive_dict_update.
func setDotted(obj map[string]any, key string, v any) {
	keys := strings.Split(strings.TrimSuffix(key, "+"), ".")
	for _, k := range keys[:len(keys)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[k] = next
		}
		obj = next
	}
	k := keys[len(keys)-1]
	if old, ok := obj[k].([]any); ok {
		if add, ok := v.([]any); ok {
			obj[k] = append(old, add...)
			return
		}
	}
	obj[k] = v
}
