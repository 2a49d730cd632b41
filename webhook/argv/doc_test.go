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
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/internal/golden"
)

const docPath = "../../docs/flag-translation.md"

// TestDocTable keeps the decision table in docs/flag-translation.md equal
// to the code's; `-update` regenerates it.
func TestDocTable(t *testing.T) {
	golden.Sections(t, docPath, map[string]string{"flag-table": docTable()})
}

var docKinds = map[kind]string{
	kindSame: "same", kindRename: "renamed", kindTranslate: "translated", kindDefault: "SGLang default",
	kindTuning: "dropped (tuning)", kindDrop: "dropped (unsafe)", kindReject: "rejected",
}

func docTable() string {
	var b strings.Builder
	b.WriteString("| vLLM flag | aliases | decision | SGLang / why |\n|---|---|---|---|\n")
	for _, r := range vllmTable {
		name := "`" + r.flag + "`"
		if r.negatable {
			name += " (and `--no-`)"
		}
		if r.legacy {
			name += " (legacy)"
		}
		what := r.reason
		if r.kind == kindSame || r.kind == kindRename {
			what = "`" + r.to + "`"
		}
		if r.multiNode != nil {
			what += "; multi-node signal: Detect skips the container"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, codeList(r.aliases), docKinds[r.kind], strings.ReplaceAll(what, "|", "\\|"))
	}
	return b.String()
}

func codeList(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return "`" + strings.Join(list, "`, `") + "`"
}
