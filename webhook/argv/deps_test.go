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
	"os/exec"
	"strings"
	"testing"
)

// TestNoKubernetesDependency keeps the translator free of Kubernetes: it
// works on strings (and the SGLang flag catalog), so the fake SGLang, the
// launcher and anything else that only wants a command line translated do
// not link k8s.io. The profile's policy reaches it as argv.Policy
// (webhook/profile.ArgvPolicy converts the API type).
func TestNoKubernetesDependency(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the dependencies with")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for dep := range strings.FieldsSeq(string(out)) {
		if strings.HasPrefix(dep, "k8s.io/") || strings.HasPrefix(dep, "sigs.k8s.io/") ||
			strings.HasSuffix(dep, "/vllm-to-sglang/api/v1alpha1") {
			t.Errorf("webhook/argv depends on %s", dep)
		}
	}
}
