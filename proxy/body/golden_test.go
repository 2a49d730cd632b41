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
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/internal/golden"
)

// TestGolden runs realistic requests (testdata/NAME.json; NAME starting with
// "completions-" goes to /v1/completions, anything else to chat) through
// Rewrite with the proxy's defaults. NAME.golden.json holds the body SGLang
// receives, or the 400 body the client gets for a rejected request;
// NAME.changes.golden the response header and the change details.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden.json") {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			path := chat
			if strings.HasPrefix(name, "completions-") {
				path = completions
			}
			out, changes, err := Rewrite(path, raw, defaults)
			var report strings.Builder
			if err != nil {
				out = ErrorJSON(http.StatusBadRequest, err.Error(), "BadRequestError")
				report.WriteString("rejected: " + err.Error() + "\n")
			}
			if !json.Valid(out) {
				t.Errorf("output is not valid JSON:\n%s", out)
			}
			report.WriteString("X-Vllm-To-Sglang-Modified: " + HeaderValue(changes) + "\n")
			for _, c := range changes {
				report.WriteString(c.Kind + " " + c.Field + ": " + c.Detail + "\n")
			}
			golden.File(t, "testdata/"+name+".golden.json", out)
			golden.File(t, "testdata/"+name+".changes.golden", []byte(report.String()))
		})
	}
	goldens, _ := filepath.Glob("testdata/*golden*")
	for _, g := range goldens {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(g), ".golden.json"), ".changes.golden")
		if !seen[name] {
			t.Errorf("%s has no input testdata/%s.json; delete it", g, name)
		}
	}
}
