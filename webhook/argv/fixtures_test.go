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
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// fixtureContainer is one container of a pod template in
// testdata/fixtures: real manifests as the vLLM stacks render them (each
// file's header names the chart, operator or docs page it comes from).
type fixtureContainer struct {
	file, kind, name, image string
	command, args           []string
}

func (c fixtureContainer) id() string { return strings.TrimSuffix(c.file, ".yaml") + "/" + c.name }

// kindID also names the kind of object the container is in, for files
// where one container name appears in several objects.
func (c fixtureContainer) kindID() string {
	return strings.TrimSuffix(c.file, ".yaml") + "/" + c.kind + "/" + c.name
}

var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

func loadFixtureContainers(t testing.TB) []fixtureContainer {
	t.Helper()
	files, err := filepath.Glob("testdata/fixtures/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var out []fixtureContainer
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range docSeparator.Split(string(raw), -1) {
			var obj map[string]any
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			walkContainers(obj, func(c map[string]any) {
				out = append(out, fixtureContainer{
					file: filepath.Base(f), kind: str(obj["kind"]), name: str(c["name"]), image: str(c["image"]),
					command: strs(c["command"]), args: strs(c["args"]),
				})
			})
		}
	}
	return out
}

// walkContainers finds every containers/initContainers list in an object.
func walkContainers(v any, fn func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if list, ok := x.([]any); ok && (k == "containers" || k == "initContainers") {
				for _, c := range list {
					if m, ok := c.(map[string]any); ok {
						fn(m)
					}
				}
				continue
			}
			walkContainers(x, fn)
		}
	case []any:
		for _, x := range v {
			walkContainers(x, fn)
		}
	}
}

func str(v any) string { s, _ := v.(string); return s }

func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, str(x))
	}
	return out
}

// fixtureArgvs is the argv of every fixture container, for seed corpora.
func fixtureArgvs(t testing.TB) [][]string {
	var out [][]string
	for _, c := range loadFixtureContainers(t) {
		argv := slices.Concat(c.command, c.args)
		if len(argv) > 0 {
			out = append(out, argv)
		}
	}
	return out
}
