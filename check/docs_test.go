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

package check

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	docsPath     = "../docs/check.md"
	exampleBegin = "<!-- BEGIN check-example -->\n"
	exampleEnd   = "<!-- END check-example -->\n"
)

// TestDocsExampleIsTheBrokenGolden keeps the example in docs/check.md equal
// to what the command prints for the broken cluster; -update rewrites it.
func TestDocsExampleIsTheBrokenGolden(t *testing.T) {
	var out bytes.Buffer
	if err := Write(&out, NewReport(Run(broken(t))), OutputText); err != nil {
		t.Fatal(err)
	}
	want := exampleBegin + "```console\n$ vllm-to-sglang check\n" + out.String() + "```\n" + exampleEnd
	doc, err := os.ReadFile(filepath.Clean(docsPath))
	if err != nil {
		t.Fatal(err)
	}
	i, j := strings.Index(string(doc), exampleBegin), strings.Index(string(doc), exampleEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q ... %q block", docsPath, exampleBegin, exampleEnd)
	}
	got := string(doc[i : j+len(exampleEnd)])
	if *update {
		updated := string(doc[:i]) + want + string(doc[j+len(exampleEnd):])
		if err := os.WriteFile(docsPath, []byte(updated), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the example in %s is stale (go test ./check -update rewrites it; -want +got):\n%s", docsPath, diff)
	}
}
