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
	"slices"
	"testing"
)

// mustTranslate detects and translates an exec-form command and checks the
// package invariant: SGLang's argparse would accept what comes out.
func mustTranslate(t testing.TB, argv []string, opts Options) *Result {
	t.Helper()
	inv, reason := Detect(argv, nil, "")
	if inv == nil {
		t.Fatalf("Detect(%q) = nil, %s", argv, reason)
	}
	res, err := Translate(inv, opts)
	if err != nil {
		t.Fatalf("Translate(%q): %v", argv, err)
	}
	if err := opts.catalog().Validate(res.SGLangArgs); err != nil {
		t.Fatalf("SGLang would refuse %q: %v", res.SGLangArgs, err)
	}
	return res
}

func withUnsafe(reject bool) Options {
	return Options{Policy: Policy{RejectUnsafe: reject}}
}

// findingFor returns the first finding about a vLLM flag.
func findingFor(res *Result, flag string) (Finding, bool) {
	i := slices.IndexFunc(res.Findings, func(f Finding) bool { return f.Flag == flag })
	if i < 0 {
		return Finding{}, false
	}
	return res.Findings[i], true
}

func hasFlag(args []string, flag string) bool {
	return slices.ContainsFunc(args, func(a string) bool {
		return a == flag || len(a) > len(flag) && a[:len(flag)+1] == flag+"="
	})
}
