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
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRewrite checks the promises Rewrite makes for any input: it never
// panics; input that is not valid JSON comes back untouched; a body with no
// change is the same slice; a changed body is valid JSON, a JSON object, and
// needs no further change (the rewrite is idempotent); a rejection leaves
// the body alone. The seed corpus (every table case and testdata request)
// runs with plain go test.
func FuzzRewrite(f *testing.F) {
	for _, cases := range []map[string]rewriteCase{generalCases, fieldCases, schemaCases} {
		for _, tc := range cases {
			f.Add(tc.path == completions, []byte(tc.in))
		}
	}
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(false, b)
			f.Add(true, b)
		}
	}
	f.Fuzz(func(t *testing.T, toCompletions bool, in []byte) {
		path := chat
		if toCompletions {
			path = completions
		}
		orig := bytes.Clone(in)
		out, changes, err := Rewrite(path, in, defaults)
		if !bytes.Equal(in, orig) {
			t.Fatal("Rewrite modified its input")
		}
		valid := json.Valid(in)
		switch {
		case err != nil:
			var re *RejectError
			if !errors.As(err, &re) || !valid || changes != nil || !sameSlice(out, in) {
				t.Fatalf("a rejection must be a *RejectError for valid JSON, with the body untouched: %v", err)
			}
		case len(changes) == 0:
			if !sameSlice(out, in) {
				t.Fatal("a body without changes must come back as the same slice")
			}
		default:
			if !valid {
				t.Fatalf("invalid JSON was changed: %q", in)
			}
			var obj map[string]json.RawMessage
			if json.Unmarshal(out, &obj) != nil {
				t.Fatalf("output is not a JSON object: %s", out)
			}
			again, more, err := Rewrite(path, out, defaults)
			if err != nil || len(more) != 0 || !sameSlice(again, out) {
				t.Fatalf("rewriting the output again changed it: %v %v\nin:  %s\nout: %s", tokens(more), err, in, out)
			}
		}
	})
}

func sameSlice(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
