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
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/yaml"
)

// Output formats, as kubectl names them (-o).
const (
	OutputText = "text"
	OutputJSON = "json"
	OutputYAML = "yaml"
)

// Outputs lists the formats Write knows.
var Outputs = []string{OutputText, OutputJSON, OutputYAML}

// Marks of the text output, one per status.
var marks = map[Status]string{Passed: "✓", Warning: "⚠", Failed: "✗", Skipped: "-"}

// Write renders the report in a format.
func Write(w io.Writer, r Report, format string) error {
	switch format {
	case OutputText, "":
		return writeText(w, r)
	case OutputJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case OutputYAML:
		b, err := yaml.Marshal(r)
		if err != nil {
			return fmt.Errorf("encoding the report: %w", err)
		}
		_, err = w.Write(b)
		return err
	}
	return fmt.Errorf("unsupported output format %q: use one of %s", format, strings.Join(Outputs, ", "))
}

// writeText prints one line per check under its group's heading, the
// details and hint indented below it, and a status line.
func writeText(w io.Writer, r Report) error {
	b := bufio.NewWriter(w)
	var group Group
	for _, res := range r.Checks {
		if res.Group != group {
			if group != "" {
				_ = b.WriteByte('\n') // bufio keeps the first error for Flush
			}
			group = res.Group
			title := group.Title()
			fmt.Fprintf(b, "%s\n%s\n", title, strings.Repeat("-", len(title)))
		}
		fmt.Fprintf(b, "%s %s\n", marks[res.Status], res.Message)
		for _, d := range res.Details {
			fmt.Fprintf(b, "    %s\n", d)
		}
		if res.Hint != "" && res.Status != Passed {
			fmt.Fprintf(b, "    hint: %s\n", res.Hint)
		}
	}
	fmt.Fprintf(b, "\n%s\n", statusLine(r))
	return b.Flush()
}

func statusLine(r Report) string {
	s := r.Summary
	var parts []string
	if s.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", s.Failed))
	}
	if s.Warnings > 0 {
		parts = append(parts, plural(s.Warnings, "warning"))
	}
	parts = append(parts, fmt.Sprintf("%d passed", s.Passed))
	if s.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", s.Skipped))
	}
	verdict := "ready"
	if !r.Success {
		verdict = "not ready"
	}
	return fmt.Sprintf("Status: %s (%s)", verdict, strings.Join(parts, ", "))
}
