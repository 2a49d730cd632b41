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

package sglang

import (
	"bytes"
	"os"
	"os/exec"
	"slices"
	"testing"
)

// TestDumpScriptWritesACatalogThisPackageReads runs hack/sglang-catalog's
// generator against a stand-in sglang package (one flag of each kind) and
// reads its output the way the embedded catalogs are read.
func TestDumpScriptWritesACatalogThisPackageReads(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed; the generator cannot run here")
	}
	cmd := exec.CommandContext(t.Context(), python, "../../hack/sglang-catalog/dump.py",
		"--source", "a stand-in package", "--commit", "v0.5.10.post1", "--date", "2026-04-01", "--note", "for a test")
	cmd.Env = append(os.Environ(), "PYTHONPATH=../../hack/sglang-catalog/testdata", "PYTHONDONTWRITEBYTECODE=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dump.py: %v\n%s", err, stderr.String())
	}
	c, err := ParseCatalog(string(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if c.Version().String() != "0.5.10" || c.Provenance().Commit != "v0.5.10.post1" || !slices.Equal(c.Provenance().Notes, []string{"for a test"}) {
		t.Errorf("release %s, provenance %+v", c.Version(), c.Provenance())
	}
	want := map[string]Flag{
		"--model":                               {Name: "--model-path", Aliases: []string{"--model"}, TakesValue: true},
		"--tp-size":                             {Name: "--tp-size", Aliases: []string{"--tensor-parallel-size"}, TakesValue: true},
		"--load-format":                         {Name: "--load-format", TakesValue: true, Choices: []string{"auto", "pt", "safetensors"}},
		"--enable-metrics":                      {Name: "--enable-metrics"},
		"--no-lora-strict-loading":              {Name: "--lora-strict-loading", Negatable: true},
		"--bucket-e2e-request-latency":          {Name: "--bucket-e2e-request-latency", TakesValue: true, Nargs: "+"},
		"--weight-loader-drop-cache-after-load": {Name: "--weight-loader-drop-cache-after-load", TakesValue: true, Nargs: "?", Choices: []string{"shard", "model"}},
		"--collect-tokens-histogram":            {Name: "--collect-tokens-histogram", Deprecated: true},
	}
	for name, w := range want {
		got, ok := c.Flag(name)
		if !ok || got.Name != w.Name || !slices.Equal(got.Aliases, w.Aliases) || got.TakesValue != w.TakesValue ||
			got.Nargs != w.Nargs || got.Negatable != w.Negatable || !slices.Equal(got.Choices, w.Choices) || got.Deprecated != w.Deprecated {
			t.Errorf("%s read as %+v (found %v), want %+v", name, got, ok, w)
		}
	}
	if n := len(c.Flags()); n != len(want) {
		t.Errorf("%d flags, want %d", n, len(want))
	}
}
