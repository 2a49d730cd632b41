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

package charttest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vllm-to-sglang/vllm-to-sglang/internal/golden"
)

// A values.yaml key is documented by a comment line starting with "# --"
// right above it (helm-docs' convention). A documented mapping is one row
// (e.g. resources); an undocumented mapping is a group whose keys are rows.
const docPrefix = "# --"

type valueDoc struct{ key, def, desc string }

// valueDocs lists the documented keys of values.yaml in file order, and the
// keys that are neither documented nor a group of documented keys.
func valueDocs(t *testing.T) (docs []valueDoc, undocumented []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parsing values.yaml: %v", err)
	}
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := strings.TrimPrefix(prefix+"."+k.Value, ".")
			switch desc, ok := docComment(k.HeadComment); {
			case ok:
				docs = append(docs, valueDoc{key: key, def: defaultOf(t, v), desc: desc})
			case v.Kind == yaml.MappingNode && len(v.Content) > 0:
				walk(v, key)
			default:
				undocumented = append(undocumented, key)
			}
		}
	}
	walk(doc.Content[0], "")
	return docs, undocumented
}

// docComment returns the text from the "# --" line to the end of a head comment.
func docComment(head string) (string, bool) {
	lines := strings.Split(head, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, docPrefix) {
			continue
		}
		parts := []string{strings.TrimSpace(strings.TrimPrefix(l, docPrefix))}
		for _, more := range lines[i+1:] {
			parts = append(parts, strings.TrimSpace(strings.TrimPrefix(more, "#")))
		}
		return strings.Join(parts, " "), true
	}
	return "", false
}

// defaultOf shows a value as JSON, or points at values.yaml when it is long.
func defaultOf(t *testing.T, v *yaml.Node) string {
	t.Helper()
	var x any
	if err := v.Decode(&x); err != nil {
		t.Fatal(err)
	}
	if x == nil {
		x = map[string]any{}
	}
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 60 {
		return "see values.yaml"
	}
	return "`" + string(b) + "`"
}

func valuesTable(docs []valueDoc) string {
	var b strings.Builder
	b.WriteString("| Key | Default | Description |\n| --- | --- | --- |\n")
	esc := strings.NewReplacer("|", "\\|").Replace
	for _, d := range docs {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", d.key, esc(d.def), esc(d.desc))
	}
	return b.String()
}

func TestREADMEListsEveryValue(t *testing.T) {
	docs, undocumented := valueDocs(t)
	if len(undocumented) > 0 {
		t.Errorf("values.yaml keys without a %q comment: %v", docPrefix, undocumented)
	}
	if len(docs) < 40 {
		t.Fatalf("only %d documented values found; is the %q convention still used?", len(docs), docPrefix)
	}
	golden.Sections(t, filepath.Join(chartDir, "README.md"), map[string]string{"values-table": valuesTable(docs)})
}

// TestSchemaDeclaresEveryValue: values.schema.json rejects unknown keys, so
// a key missing from it would make the chart's own default fail.
func TestSchemaDeclaresEveryValue(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(chartDir, "values.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	docs, _ := valueDocs(t)
	for _, d := range docs {
		node := schema
		for _, part := range strings.Split(d.key, ".") {
			props, _ := node["properties"].(map[string]any)
			next, ok := props[part].(map[string]any)
			if !ok {
				t.Errorf("values.schema.json does not declare %s", d.key)
				break
			}
			node = next
		}
		if _, ok := node["description"]; !ok && node["type"] == "object" && node["properties"] == nil {
			t.Errorf("values.schema.json: free-form object %s has no description", d.key)
		}
	}
}
