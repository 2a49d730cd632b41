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

// Package golden compares what a test produced with files checked into the
// repository: whole golden files, and generated sections of documents
// between `<!-- BEGIN name -->` and `<!-- END name -->` lines. Run the tests
// with -update to rewrite them from the current output, then review the diff;
// never edit a golden file to make a test pass.
//
// Import it from tests only: it registers the -update flag.
package golden

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
)

var update = flag.Bool("update", false, "rewrite golden files and generated doc sections from the current output")

// Updating reports whether this test run rewrites golden files (-update).
func Updating() bool { return *update }

// File compares got with the file at path; with -update it writes got there.
func File(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s is stale (run the test with -update to rewrite it, then review the diff):\n%s",
			path, Diff(string(want), string(got)))
	}
}

// Sections compares the generated sections of the document at path, by
// name, with their wanted bodies; with -update it rewrites them in place.
// A body is the text between the BEGIN line and the END marker.
func Sections(t testing.TB, path string, bodies map[string]string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	want := doc
	for name, body := range bodies {
		if want, err = replaceSection(want, name, body); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	if want == doc {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s has stale generated sections (run the test with -update to rewrite them, then review the diff):\n%s",
		path, Diff(doc, want))
}

// Section returns the body of the named section of the document at path.
func Section(path, name string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	_, body, _, err := cutSection(string(raw), name)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return body, nil
}

func replaceSection(doc, name, body string) (string, error) {
	before, _, after, err := cutSection(doc, name)
	if err != nil {
		return "", err
	}
	return before + body + after, nil
}

// cutSection splits doc around the named section's body: before ends with
// the BEGIN line (which may carry a note after the name), after starts with
// the END marker.
func cutSection(doc, name string) (before, body, after string, err error) {
	begin, end := "<!-- BEGIN "+name, "<!-- END "+name+" -->"
	i := 0
	for {
		k := strings.Index(doc[i:], begin)
		if k < 0 {
			return "", "", "", fmt.Errorf("no %q line", begin+" -->")
		}
		i += k + len(begin)
		if i < len(doc) && (doc[i] == ' ' || doc[i] == ':') {
			break
		}
	}
	nl := strings.IndexByte(doc[i:], '\n')
	if nl < 0 {
		return "", "", "", fmt.Errorf("the %q line does not end", begin)
	}
	i += nl + 1
	j := strings.Index(doc[i:], end)
	if j < 0 {
		return "", "", "", fmt.Errorf("no %q after %q", end, begin)
	}
	return doc[:i], doc[i : i+j], doc[i+j:], nil
}

// Diff is a unified diff from what is checked in to what the test
// generated, for failure messages.
func Diff(checkedIn, generated string) string {
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(checkedIn), B: difflib.SplitLines(generated),
		FromFile: "checked in", ToFile: "generated", Context: 3,
	})
	if err != nil {
		return err.Error()
	}
	return d
}
