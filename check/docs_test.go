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
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/internal/golden"
)

const docsPath = "../docs/check.md"

// TestDocsExampleIsTheBrokenGolden keeps the example in docs/check.md equal
// to what the command prints for the broken cluster; -update rewrites it.
func TestDocsExampleIsTheBrokenGolden(t *testing.T) {
	var out bytes.Buffer
	if err := Write(&out, NewReport(Run(broken(t))), OutputText); err != nil {
		t.Fatal(err)
	}
	golden.Sections(t, docsPath, map[string]string{
		"check-example": "```console\n$ vllm-to-sglang check\n" + out.String() + "```\n",
	})
}
