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
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/internal/golden"
)

// broken is a cluster with three problems at once: a floating image tag,
// no nvidia RuntimeClass, and no AMD GPU node; plus a workload left alone.
func broken(t testing.TB) *Facts {
	f := healthy(t)
	f.Profiles.Items[0].Spec.Image = "lmsysorg/sglang:latest"
	f.RuntimeClasses.Names = nil
	f.Workloads.Items[0].DryRun = refused(teamNS, msgNoClass)
	f.Workloads.Items = append(f.Workloads.Items, vllmWorkload(t, f, "cpu-only", func(p *corev1.PodTemplateSpec) {
		p.Spec.Containers[0].Resources = corev1.ResourceRequirements{}
	}))
	f.Nodes.Items = []corev1.Node{cpuNode("cpu-a")}
	return f
}

func TestOutputGoldens(t *testing.T) {
	cases := map[string]func(testing.TB) *Facts{"healthy": healthy, "broken": broken}
	for name, facts := range cases {
		report := NewReport(Run(facts(t)))
		for _, format := range Outputs {
			t.Run(name+"/"+format, func(t *testing.T) {
				var b bytes.Buffer
				if err := Write(&b, report, format); err != nil {
					t.Fatal(err)
				}
				golden.File(t, filepath.Join("testdata", name+"."+format+".golden"), b.Bytes())
			})
		}
	}
}

// TestJSONFieldNames pins the JSON form's field names: scripts read them.
func TestJSONFieldNames(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, NewReport(Run(broken(t))), OutputJSON); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(doc); !cmp.Equal(got, []string{"checks", "success", "summary"}) {
		t.Errorf("top-level fields %v", got)
	}
	if got := sortedKeys(doc["summary"].(map[string]any)); !cmp.Equal(got, []string{"failed", "passed", "skipped", "warnings"}) {
		t.Errorf("summary fields %v", got)
	}
	fields := map[string]bool{}
	for _, c := range doc["checks"].([]any) {
		for k := range c.(map[string]any) {
			fields[k] = true
		}
	}
	if got := sortedKeys(fields); !cmp.Equal(got, []string{"check", "details", "group", "hint", "message", "status", "subject"}) {
		t.Errorf("check fields %v", got)
	}
	if doc["success"] != false {
		t.Errorf("success = %v for a broken cluster", doc["success"])
	}
}

func TestYAMLIsTheJSONForm(t *testing.T) {
	report := NewReport(Run(broken(t)))
	var j, y bytes.Buffer
	if err := Write(&j, report, OutputJSON); err != nil {
		t.Fatal(err)
	}
	if err := Write(&y, report, OutputYAML); err != nil {
		t.Fatal(err)
	}
	fromYAML, err := yaml.YAMLToJSON(y.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(j.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(fromYAML, &b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("YAML and JSON differ:\n%s", diff)
	}
}

func TestWriteRefusesUnknownFormats(t *testing.T) {
	err := Write(&bytes.Buffer{}, NewReport(nil), "wide")
	if err == nil || !strings.Contains(err.Error(), "text, json, yaml") {
		t.Errorf("Write(wide) = %v; want an error listing the formats", err)
	}
}

func TestTextMarksHintsButNotForPasses(t *testing.T) {
	report := NewReport([]Result{
		{Group: GroupProfiles, Check: CheckCRD, Status: Passed, Message: "fine", Hint: "never shown"},
		{Group: GroupProfiles, Check: CheckDefaultProfile, Status: Failed, Message: "broken", Hint: "fix it", Details: []string{"why"}},
		{Group: GroupNodes, Check: CheckGPUCapacity, Status: Skipped, Message: "not checked"},
	})
	var b bytes.Buffer
	if err := Write(&b, report, OutputText); err != nil {
		t.Fatal(err)
	}
	want := "SGLangProfiles\n--------------\n✓ fine\n✗ broken\n    why\n    hint: fix it\n\n" +
		"GPU nodes\n---------\n- not checked\n\nStatus: not ready (1 failed, 1 passed, 1 skipped)\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("text output (-want +got):\n%s", diff)
	}
}
