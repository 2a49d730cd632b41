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

package manifest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// at is a value Decode must give: in the object at index obj, at path (map
// keys, and ints for list indices).
type at struct {
	obj  int
	path []any
	want any
}

func TestDecode(t *testing.T) {
	const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
	const cmJSON = `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}`
	const svcJSON = `{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b"}}`
	tests := map[string]struct {
		in           string
		wantKinds    []string
		wantValues   []at
		wantWarnings []string
		// kubectlRandom: kubectl keeps either value, so the objects are
		// not compared with kubectl's.
		kubectlRandom bool
	}{
		"reads several YAML documents in order": {
			in:        cm + "---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n",
			wantKinds: []string{"ConfigMap", "Service"},
		},
		"skips documents that hold only comments or nothing": {
			in:        "# header\n---\n---\n" + cm + "---\n# trailer\n",
			wantKinds: []string{"ConfigMap"},
		},
		"skips blank documents and reads comments after a separator": {
			in:        "--- # first\n" + cm + "---   \n\n  \n--- # blank above\n---\n" + strings.Replace(cm, "ConfigMap", "Secret", 1),
			wantKinds: []string{"ConfigMap", "Secret"},
		},
		"reads a JSON document": {
			in:        `{"apiVersion": "v1", "kind": "List", "items": [` + cmJSON + `]}`,
			wantKinds: []string{"List"},
		},
		"reads a JSON stream, one object per line": {
			in:        cmJSON + "\n" + svcJSON + "\n",
			wantKinds: []string{"ConfigMap", "Service"},
		},
		"reads a JSON stream written on one line": {
			in:        cmJSON + svcJSON,
			wantKinds: []string{"ConfigMap", "Service"},
		},
		"reads a JSON stream of indented objects, as kubectl get -o json writes them": {
			in:        "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"ConfigMap\"\n}\n{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Service\"\n}\n",
			wantKinds: []string{"ConfigMap", "Service"},
		},
		"reads YAML documents after a first JSON object, as kubectl does": {
			in:        cmJSON + "\n---\napiVersion: v1\nkind: Service\n",
			wantKinds: []string{"ConfigMap", "Service"},
		},
		"reads a YAML flow mapping that starts with a brace as YAML": {
			in:        "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n---\napiVersion: v1\nkind: Service\n",
			wantKinds: []string{"ConfigMap", "Service"},
		},
		"reads a List and a typed list as one object each": {
			in:        "apiVersion: v1\nkind: List\nitems: []\n---\napiVersion: apps/v1\nkind: DeploymentList\nitems: []\n",
			wantKinds: []string{"List", "DeploymentList"},
		},
		"keeps YAML anchors' values": {
			in:         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l {x: z}\n  annotations: *l\n",
			wantKinds:  []string{"ConfigMap"},
			wantValues: []at{{0, []any{"metadata", "annotations", "x"}, "z"}},
		},
		"keeps the last of duplicate labels and warns with the key, the document and the line": {
			in:           cm + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  labels:\n    model: chart\n    app: x\n    model: user\n",
			wantKinds:    []string{"ConfigMap", "Deployment"},
			wantValues:   []at{{1, []any{"metadata", "labels", "model"}, "user"}, {1, []any{"metadata", "labels", "app"}, "x"}},
			wantWarnings: []string{`document 2, line 13: duplicate key "model": the last value is used, as kubectl does`},
		},
		"keeps the last value of a key repeated in an env entry": {
			in: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    env:\n    - name: A\n      value: \"1\"\n      value: \"2\"\n",
			wantValues: []at{
				{0, []any{"spec", "containers", 0, "env", 0, "value"}, "2"},
				{0, []any{"spec", "containers", 0, "env", 0, "name"}, "A"},
			},
			wantWarnings: []string{`document 1, line 10: duplicate key "value": the last value is used, as kubectl does`},
		},
		"keeps the last args of a container given twice, whole: the lists are not merged": {
			in: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    args: [--a, '1', --b, '2']\n    args:\n    - --c\n",
			wantValues: []at{
				{0, []any{"spec", "containers", 0, "args"}, []any{"--c"}},
			},
			wantWarnings: []string{`document 1, line 8: duplicate key "args": the last value is used, as kubectl does`},
		},
		"replaces a repeated mapping whole: the mappings are not merged": {
			in:           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {x: \"1\", y: \"2\"}\n  labels: {z: \"3\"}\n",
			wantValues:   []at{{0, []any{"metadata", "labels"}, map[string]any{"z": "3"}}},
			wantWarnings: []string{`document 1, line 6: duplicate key "labels": the last value is used, as kubectl does`},
		},
		"warns at each repetition of a key given three times, and keeps the third value": {
			in:         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  k: one\n  k: two\n  k: three\n",
			wantValues: []at{{0, []any{"data", "k"}, "three"}},
			wantWarnings: []string{
				`document 1, line 6: duplicate key "k": the last value is used, as kubectl does`,
				`document 1, line 7: duplicate key "k": the last value is used, as kubectl does`,
			},
		},
		"counts lines from the top of the input, across separators and comment-only documents": {
			in: "# rendered by helm\n---\n# Source: a.yaml\n" + cm + "---\n# Source: b.yaml\n# nothing rendered\n---\n# Source: c.yaml\n" +
				"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  name: c2\n",
			wantKinds:    []string{"ConfigMap", "ConfigMap"},
			wantValues:   []at{{1, []any{"metadata", "name"}, "c2"}},
			wantWarnings: []string{`document 4, line 17: duplicate key "name": the last value is used, as kubectl does`},
		},
		"treats a quoted key as the same key": {
			in:           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    model: a\n    \"model\": b\n",
			wantValues:   []at{{0, []any{"metadata", "labels", "model"}, "b"}},
			wantWarnings: []string{`document 1, line 7: duplicate key "model": the last value is used, as kubectl does`},
		},
		"says kubectl keeps either value when the keys are equal only once converted to JSON": {
			in:            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  1: x\n  \"1\": y\n",
			wantKinds:     []string{"ConfigMap"},
			wantWarnings:  []string{`document 1, line 6: duplicate key "1", written once as !!int and once as !!str: kubectl keeps either value, in no fixed order`},
			kubectlRandom: true,
		},
		"does not take a merge key for a duplicate": {
			in:        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l {x: \"1\"}\n  annotations:\n    <<: *l\n    y: \"2\"\n",
			wantKinds: []string{"ConfigMap"},
		},
		"keeps the last value of a duplicate key in JSON and warns with its line": {
			in:           "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"a\", \"labels\": {\"model\": \"x\",\n    \"model\": \"y\"}}\n}\n",
			wantValues:   []at{{0, []any{"metadata", "labels", "model"}, "y"}},
			wantWarnings: []string{`document 1, line 5: duplicate key "model": the last value is used, as kubectl does`},
		},
		"names the object of a JSON stream that repeats a key": {
			in:           cmJSON + "\n" + `{"apiVersion": "v1", "kind": "Service", "kind": "Secret", "metadata": {"name": "b"}}` + "\n",
			wantKinds:    []string{"ConfigMap", "Secret"},
			wantWarnings: []string{`document 2, line 2: duplicate key "kind": the last value is used, as kubectl does`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			objs, warnings, err := DecodeWithWarnings(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantKinds != nil {
				var kinds []string
				for _, o := range objs {
					kinds = append(kinds, o.GetKind())
				}
				if diff := cmp.Diff(tc.wantKinds, kinds); diff != "" {
					t.Errorf("kinds (-want +got):\n%s", diff)
				}
			}
			for _, v := range tc.wantValues {
				if diff := cmp.Diff(v.want, valueAt(t, objs[v.obj].Object, v.path...)); diff != "" {
					t.Errorf("object %d at %v (-want +got):\n%s", v.obj, v.path, diff)
				}
			}
			var got []string
			for _, w := range warnings {
				got = append(got, w.String())
			}
			if diff := cmp.Diff(tc.wantWarnings, got); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			if tc.kubectlRandom {
				return
			}
			var mine []map[string]any
			for _, o := range objs {
				mine = append(mine, o.Object)
			}
			if diff := cmp.Diff(kubectlDecode(t, tc.in), mine); diff != "" {
				t.Errorf("differs from what kubectl reads (-kubectl +Decode):\n%s", diff)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := map[string]struct {
		in      string
		wantErr string // the whole error, or its start when it ends with "..."
	}{
		"refuses a document without a kind, as kubectl does": {
			in:      "apiVersion: v1\nmetadata: {name: a}\n",
			wantErr: `document 1, line 1: Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"a"}}'`,
		},
		"refuses a document without an apiVersion, in apimachinery's words": {
			in:      "# c\n---\n# about b\nkind: ConfigMap\nmetadata: {name: b}\n",
			wantErr: `document 2, line 4: Object 'apiVersion' is missing in '{"kind":"ConfigMap","metadata":{"name":"b"}}'`,
		},
		"names the document and the input's line of YAML that does not parse": {
			in:      "apiVersion: v1\nkind: ConfigMap\n---\n# c\n\napiVersion: v1\nkind: [\n",
			wantErr: "document 2, line 7: did not find expected node content",
		},
		"names the object and the line of JSON that does not parse in a JSON stream": {
			in:      "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"}\n{\"apiVersion\": \"v1\", \"kind\": \"Secret\"}\n{\"apiVersion\":\n  ,}\n",
			wantErr: "document 3, line 4: invalid character ',' looking for beginning of value",
		},
		"refuses text after a separator, as kubectl does": {
			in:      "apiVersion: v1\nkind: ConfigMap\n--- foo\n",
			wantErr: "document 2, line 3: invalid Yaml document separator: foo",
		},
		"refuses a document that is not an object": {
			in:      "- a\n- b\n",
			wantErr: "document 1, line 1: json: cannot unmarshal array into Go value of type map[string]interface {}",
		},
		"refuses a mapping key that JSON cannot hold": {
			in:      "apiVersion: v1\nkind: ConfigMap\ndata:\n  ? [a, b]\n  : c\n",
			wantErr: "document 1, line 1: ...",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			objs, err := Decode(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("Decode() = %d objects, no error", len(objs))
			}
			if prefix, ok := strings.CutSuffix(tc.wantErr, "..."); ok {
				if !strings.HasPrefix(err.Error(), prefix) {
					t.Errorf("error %q, want it to start with %q", err, prefix)
				}
			} else if err.Error() != tc.wantErr {
				t.Errorf("error\n%s\nwant\n%s", err, tc.wantErr)
			}
			var docErr *DocumentError
			if !errors.As(err, &docErr) {
				t.Errorf("error %T is not a *DocumentError", err)
			}
		})
	}
}

// kubectlDecode reads a manifest as `kubectl apply -f` does: cli-runtime's
// StreamVisitor (NewYAMLOrJSONDecoder into RawExtensions, skipping empty
// and null ones), then the unstructured JSON decoder.
func kubectlDecode(t *testing.T, in string) []map[string]any {
	t.Helper()
	d := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(in), 4096)
	var out []map[string]any
	for {
		var ext runtime.RawExtension
		err := d.Decode(&ext)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("kubectl's decoder: %v", err)
		}
		raw := bytes.TrimSpace(ext.Raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(raw); err != nil {
			t.Fatalf("kubectl's decoder: %v", err)
		}
		out = append(out, u.Object)
	}
}

// valueAt follows path (map keys and list indices) into v.
func valueAt(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch p := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("no map for key %q in %v", p, v)
			}
			v = m[p]
		case int:
			l, ok := v.([]any)
			if !ok || p >= len(l) {
				t.Fatalf("no item %d in %v", p, v)
			}
			v = l[p]
		}
	}
	return v
}
