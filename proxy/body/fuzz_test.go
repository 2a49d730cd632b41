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
	"errors"
	"strings"
	"testing"
)

// FuzzRewrite checks the promises Rewrite makes for any input, against the
// reference reader of Python's json.loads (pyjson_test.go), which is how
// SGLang reads the body it gets:
//   - it never panics and never modifies its input;
//   - it refuses as unreadable (BodyField) only what Python refuses or
//     reads as something other than an object, and objects over
//     maxMembers;
//   - it changes only bodies Python reads, into bodies Python reads as an
//     object, that need no further change (the rewrite is idempotent);
//   - a body without changes is the same slice (it may be one Python
//     refuses: SGLang then refuses it too), and a rejection leaves the body
//     alone;
//   - what Python reads in the body it forwards is what the field table
//     says Python should read, given what Python reads in the body that
//     came in: agree checks it field by field.
//
// The seed corpus (every table case, read case and testdata request) runs
// with plain go test.
func FuzzRewrite(f *testing.F) {
	for _, b := range allBodies() {
		f.Add(false, b)
		f.Add(true, b)
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
		before, pyErr := pyLoads(in, maxDepth)
		object := pyErr == nil && before.kind == 'o'
		var re *RejectError
		switch {
		case err != nil:
			if !errors.As(err, &re) || changes != nil || !sameSlice(out, in) {
				t.Fatalf("a rejection must be a *RejectError, with the body untouched: %v", err)
			}
			if re.Field == BodyField && object && !strings.HasSuffix(re.Reason, errManyMembers.reason()) {
				t.Fatalf("refused a body Python reads as an object: %v\nin: %.300q", err, in)
			}
			if re.Field != BodyField && !object {
				t.Fatalf("rejected a field of a body Python does not read as an object: %v\nin: %.300q", err, in)
			}
		case len(changes) == 0:
			if !sameSlice(out, in) {
				t.Fatal("a body without changes must come back as the same slice")
			}
			// A body Python refuses (an empty one too) may pass: SGLang
			// refuses it, as vLLM would.
			if object {
				agree(t, path, &before, &before, in, in)
			}
		case !object:
			t.Fatalf("changed a body Python does not read as an object (%v)\nin: %.300q", pyErr, in)
		default:
			after, err := pyLoads(out, maxDepth)
			if err != nil || after.kind != 'o' {
				t.Fatalf("Python does not read the output as an object: %v\nin:  %.300q\nout: %.300q", err, in, out)
			}
			agree(t, path, &before, &after, in, out)
			again, more, err := Rewrite(path, out, defaults)
			if err != nil || len(more) != 0 || !sameSlice(again, out) {
				t.Fatalf("rewriting the output again changed it: %v %v\nin:  %.300s\nout: %.300s", tokens(more), err, in, out)
			}
		}
	})
}

func sameSlice(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// targets are the SGLang fields the field table writes, with the vLLM
// fields that write them.
var targets = map[string][]string{
	"rid":                  {"request_id"},
	"no_stop_trim":         {"include_stop_str_in_output"},
	"response_format":      {"guided_json", "structured_outputs"},
	"regex":                {"guided_regex", "guided_choice", "structured_outputs"},
	"ebnf":                 {"guided_grammar", "structured_outputs"},
	"chat_template_kwargs": {"documents", "spaces_between_special_tokens"},
}

// agree checks, member by member of what Python reads in the body that
// came in (before) and in the body forwarded (after), that the filter did
// what the field table says to the members Python reads, and nothing else.
func agree(t *testing.T, path string, before, after *pyValue, in, out []byte) {
	t.Helper()
	ep := endpointOf(path)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf(format+"\nin:  %.300q\nout: %.300q", append(args, in, out)...)
	}
	set := func(k string) bool {
		v, ok := before.get(k)
		rule := rulesByEndpoint[ep][k]
		return ok && rule != nil && !pyUnset(&v, rule.Unset)
	}
	for _, m := range before.members {
		k := m.key
		got, kept := after.get(k)
		rule := rulesByEndpoint[ep][k]
		switch {
		case ep == epChat && (k == "logprobs" || k == "top_logprobs"):
			if kept {
				fail("%s is in the strip list but was forwarded", k)
			}
		case rule != nil && set(k):
			switch rule.Action {
			case actStrip:
				if kept {
					fail("%s is set, and stripped by the table, but was forwarded", k)
				}
			case actRename:
				if to, _ := after.get(rule.To); kept || !to.equal(&m.val) {
					fail("%s is set, and renamed to %s by the table, but %s is %s", k, rule.To, rule.To, to.canonical())
				}
			case actReject:
				fail("%s is set, and rejected by the table, but the body was forwarded", k)
			case actTranslate:
				if k == "top_k" {
					want := m.val
					if (m.val.kind == 'i' || m.val.kind == 'f') && sameNumber([]byte(m.val.text), "0") {
						want = pyValue{kind: 'i', text: "-1"}
					}
					if !got.equal(&want) {
						fail("top_k %s was forwarded as %s", m.val.canonical(), got.canonical())
					}
				} else if kept && !got.equal(&m.val) {
					fail("%s is set and translated by the table, but was forwarded changed under its own name", k)
				}
			}
		case targets[k] != nil || k == "tools":
			// Written, merged or repaired by the filter: checked below.
		case !kept || !got.equal(&m.val):
			fail("%s needs nothing, but was forwarded as %s instead of %s", k, got.canonical(), m.val.canonical())
		}
	}
	for _, m := range after.members {
		k := m.key
		was, had := before.get(k)
		if had && was.equal(&m.val) {
			continue
		}
		if k == "tools" && had && ep == epChat || k == "top_k" && had {
			continue // repaired, translated: checked above
		}
		written := false
		for _, src := range targets[k] {
			written = written || set(src)
		}
		if !written {
			fail("%s was forwarded as %s, but no field that writes it is set", k, m.val.canonical())
		}
	}
}

// pyUnset is isUnset for a value Python has read.
func pyUnset(v *pyValue, unset []string) bool {
	if v.kind == 'n' {
		return true
	}
	for _, u := range unset {
		uv, _ := pyLoads([]byte(u), maxDepth)
		switch {
		case v.kind == 'a' && uv.kind == 'a', v.kind == 'o' && uv.kind == 'o':
			if len(v.elems) == 0 && len(v.members) == 0 {
				return true
			}
		case (v.kind == 'i' || v.kind == 'f') && (uv.kind == 'i' || uv.kind == 'f'):
			if sameNumber([]byte(v.text), u) {
				return true
			}
		case v.kind == uv.kind && v.equal(&uv):
			return true
		}
	}
	return false
}
