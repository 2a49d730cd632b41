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

package body

import (
	"slices"
	"strings"
)

// Options selects the filters [Rewrite] applies.
type Options struct {
	// StripParams are top-level fields removed from every chat completions
	// body (the proxy's --strip-params), reported as stripped. Completions
	// bodies keep them: the reason for the default list (SGLang's tool-call
	// parsers and logprobs, see docs/request-filters.md) exists only on the
	// chat path, and /v1/completions logprobs are what evaluation harnesses
	// score with. vultr/vllm-to-sglang filtered chat completions only, too.
	StripParams []string
	// FixToolSchemas repairs malformed JSON schemas in tools[].function.parameters.
	FixToolSchemas bool
}

// Kinds of [Change].
const (
	KindStripped   = "stripped"   // field removed; SGLang has no equivalent
	KindRenamed    = "renamed"    // same value under SGLang's name
	KindTranslated = "translated" // value rewritten into SGLang's form
	KindRepaired   = "repaired"   // malformed tool schema fixed
)

// Change records one modification of a request body.
type Change struct {
	// Kind is one of the Kind* constants.
	Kind string
	// Field is the request field or schema keyword concerned. It comes from a
	// bounded set (the field table, the configured strip list, schema keywords),
	// so it is safe as a metric label.
	Field string
	// Detail says what was done and why, for logs.
	Detail string
}

// String is the change's token in the X-Vllm-To-Sglang-Modified header,
// e.g. "stripped=logprobs".
func (c Change) String() string {
	return c.Kind + "=" + headerSafe(c.Field)
}

// HeaderValue joins the tokens of changes for the X-Vllm-To-Sglang-Modified
// header, each distinct token once, in first-seen order. Empty for no changes.
func HeaderValue(changes []Change) string {
	if len(changes) == 1 { // the common case: one stripped field
		return changes[0].String()
	}
	tokens := make([]string, 0, len(changes))
	for _, c := range changes {
		if t := c.String(); !slices.Contains(tokens, t) { // few changes: a scan beats a map
			tokens = append(tokens, t)
		}
	}
	return strings.Join(tokens, ", ")
}

// headerSafe keeps a token within the characters an HTTP header list item may
// hold without quoting; anything else becomes '_'.
func headerSafe(s string) string {
	ok := func(r rune) bool {
		return r > ' ' && r < 0x7f && r != ',' && r != '"' && r != ';' && r != '\\'
	}
	if strings.IndexFunc(s, func(r rune) bool { return !ok(r) }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if ok(r) {
			return r
		}
		return '_'
	}, s)
}
