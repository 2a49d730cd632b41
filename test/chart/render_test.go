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
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/release"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
)

const (
	chartDir = "../../charts/vllm-to-sglang"
	// Names used by rendering tests; the chart's full name is then
	// "vts-vllm-to-sglang".
	releaseName      = "vts"
	releaseNamespace = "vllm-to-sglang-system"
	fullName         = "vts-vllm-to-sglang"
	webhookName      = fullName + "-webhook"
	tlsSecretName    = fullName + "-webhook-tls"
)

// kubeVersion is what rendering tests claim to render for (.Capabilities):
// the version of the envtest control plane, not Helm's built-in v1.20.
var kubeVersion = &chartutil.KubeVersion{Version: "v1.37.2", Major: "1", Minor: "37"}

func loadChart(t *testing.T) *chart.Chart {
	t.Helper()
	root, err := framework.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	c, err := framework.LoadChart(root)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// values builds chart values from --set style assignments.
func values(t *testing.T, sets ...string) map[string]any {
	t.Helper()
	v, err := framework.Values(sets...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// rendered is a release's manifest split into objects, plus its NOTES.
type rendered struct {
	objs  []*unstructured.Unstructured
	notes string
}

// renderErr renders the chart as `helm template` does: no cluster, so
// `lookup` finds nothing.
func renderErr(t *testing.T, vals map[string]any) (*rendered, error) {
	t.Helper()
	inst := newClientOnlyInstall(t)
	rel, err := inst.Run(loadChart(t), vals)
	if err != nil {
		return nil, err
	}
	return parseRelease(rel)
}

// newClientOnlyInstall is `helm template` for the tests' release.
func newClientOnlyInstall(t *testing.T) *action.Install {
	inst := action.NewInstall(&action.Configuration{Log: t.Logf})
	inst.DryRun = true
	inst.ClientOnly = true
	inst.ReleaseName = releaseName
	inst.Namespace = releaseNamespace
	inst.KubeVersion = kubeVersion
	return inst
}

func render(t *testing.T, vals map[string]any) *rendered {
	t.Helper()
	r, err := renderErr(t, vals)
	if err != nil {
		t.Fatalf("rendering: %v", err)
	}
	return r
}

// mustParse is parseRelease for a release that must parse.
func mustParse(t *testing.T, rel *release.Release) *rendered {
	t.Helper()
	r, err := parseRelease(rel)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func parseRelease(rel *release.Release) (*rendered, error) {
	objs, err := parseManifest(rel.Manifest)
	if err != nil {
		return nil, err
	}
	return &rendered{objs: objs, notes: rel.Info.Notes}, nil
}

// parseManifest splits a multi-document manifest. Decoding is strict: a
// duplicate key in a rendered mapping is an error here (kubectl would keep the
// last value silently), so the chart never renders one.
func parseManifest(manifest string) ([]*unstructured.Unstructured, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(manifest)))
	var objs []*unstructured.Unstructured
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the manifest: %w", err)
		}
		var m map[string]any
		if err := yaml.UnmarshalStrict(doc, &m); err != nil {
			return nil, fmt.Errorf("decoding %q: %w", firstLines(doc), err)
		}
		if len(m) > 0 {
			objs = append(objs, &unstructured.Unstructured{Object: m})
		}
	}
}

func firstLines(doc []byte) string {
	lines := bytes.SplitN(bytes.TrimSpace(doc), []byte("\n"), 4)
	return string(bytes.Join(lines[:min(3, len(lines))], []byte(" | ")))
}

// find returns the object of that kind and name, or nil.
func (r *rendered) find(kind, name string) *unstructured.Unstructured {
	for _, o := range r.objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	return nil
}

// kinds counts the rendered objects per kind.
func (r *rendered) kinds() map[string]int {
	n := map[string]int{}
	for _, o := range r.objs {
		n[o.GetKind()]++
	}
	return n
}

// get decodes the named object into a typed one, strictly: a field the Go
// type does not know is an error, so a misspelt template field fails here.
func get[T any](t *testing.T, r *rendered, kind, name string) *T {
	t.Helper()
	o := r.find(kind, name)
	if o == nil {
		t.Fatalf("no %s %q rendered; rendered kinds: %v", kind, name, r.kinds())
	}
	return decode[T](t, o)
}

func decode[T any](t *testing.T, o *unstructured.Unstructured) *T {
	t.Helper()
	data, err := json.Marshal(o.Object)
	if err != nil {
		t.Fatalf("encoding %s %q: %v", o.GetKind(), o.GetName(), err)
	}
	out := new(T)
	if err := yaml.UnmarshalStrict(data, out); err != nil {
		t.Fatalf("decoding %s %q strictly: %v", o.GetKind(), o.GetName(), err)
	}
	return out
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// readYAML decodes a repository file strictly.
func readYAML[T any](t *testing.T, path string) *T {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	out := new(T)
	if err := yaml.UnmarshalStrict(data, out); err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	return data
}

// generic turns a value into its JSON data model, so values of API types
// compare the way the API server sees them.
func generic(t *testing.T, v any) any {
	t.Helper()
	var out any
	if err := json.Unmarshal(mustJSON(t, v), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	return cmp.Equal(generic(t, a), generic(t, b))
}

// diffJSON is cmp's diff of the JSON forms (-got +want).
func diffJSON(t *testing.T, got, want any) string {
	t.Helper()
	return cmp.Diff(generic(t, got), generic(t, want))
}
