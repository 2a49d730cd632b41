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

package profile

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// Kind is the kind a profile document must declare.
const Kind = "SGLangProfile"

//go:embed default.yaml
var defaultYAML []byte

// parsedDefault parses the embedded profile once; Default hands out copies.
var parsedDefault = sync.OnceValues(func() (*v1alpha1.SGLangProfile, error) {
	return Parse(defaultYAML)
})

// DefaultYAML returns the embedded default profile document as shipped
// (comments included), e.g. for the Helm chart or `docs`.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Default returns the built-in default profile (AMD MI300X), defaulted and
// validated. Each call returns a fresh copy the caller may change.
func Default() *v1alpha1.SGLangProfile {
	p, err := parsedDefault()
	if err != nil {
		// The embedded file is tested; reaching this is a build defect.
		panic(fmt.Sprintf("built-in default profile is invalid: %v", err))
	}
	return p.DeepCopy()
}

// Load reads one SGLangProfile from a YAML or JSON file; see Parse.
func Load(path string) (*v1alpha1.SGLangProfile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading profile: %w", err)
	}
	p, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	return p, nil
}

// Parse decodes exactly one SGLangProfile document (YAML or JSON) strictly,
// applies the defaults and validates it.
func Parse(data []byte) (*v1alpha1.SGLangProfile, error) {
	doc, err := singleDocument(data)
	if err != nil {
		return nil, err
	}
	var p v1alpha1.SGLangProfile
	if err := decodeStrict(doc, &p); err != nil {
		return nil, fmt.Errorf("decoding: %w", err)
	}
	if err := checkTypeMeta(&p); err != nil {
		return nil, err
	}
	p.Spec.Default()
	if errs := Validate(&p); len(errs) > 0 {
		return nil, fmt.Errorf("invalid SGLangProfile %q: %w", p.Name, errs.ToAggregate())
	}
	return &p, nil
}

// ParseAll decodes every SGLangProfile document of a YAML stream ("---"
// between them) or JSON, each as Parse does. A stream without one is an
// error.
func ParseAll(data []byte) ([]*v1alpha1.SGLangProfile, error) {
	docs, err := documents(data)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, errors.New("no SGLangProfile document found")
	}
	out := make([]*v1alpha1.SGLangProfile, 0, len(docs))
	for i, doc := range docs {
		p, err := Parse(doc)
		if err != nil {
			if len(docs) > 1 {
				err = fmt.Errorf("document %d: %w", i+1, err)
			}
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// LoadAll reads the profiles of files and directories: every document of
// a file (ParseAll), and the .yaml, .yml and .json files directly in a
// directory, by name. Two profiles with one name are an error.
func LoadAll(paths []string) ([]*v1alpha1.SGLangProfile, error) {
	var files []string
	for _, path := range paths {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("reading profiles: %w", err)
		}
		if !fi.IsDir() {
			files = append(files, path)
			continue
		}
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("reading profiles: %w", err)
		}
		n := len(files)
		for _, e := range entries {
			if ext := filepath.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
		if len(files) == n {
			return nil, fmt.Errorf("reading profiles: directory %s holds no .yaml, .yml or .json file", path)
		}
	}
	var out []*v1alpha1.SGLangProfile
	from := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading profile: %w", err)
		}
		ps, err := ParseAll(data)
		if err != nil {
			return nil, fmt.Errorf("profile %s: %w", f, err)
		}
		for _, p := range ps {
			if other, dup := from[p.Name]; dup {
				return nil, fmt.Errorf("profile %s: SGLangProfile %q is also in %s", f, p.Name, other)
			}
			from[p.Name] = f
			out = append(out, p)
		}
	}
	return out, nil
}

// singleDocument returns the only non-empty document of a YAML stream.
func singleDocument(data []byte) ([]byte, error) {
	docs, err := documents(data)
	if err != nil {
		return nil, err
	}
	switch len(docs) {
	case 0:
		return nil, errors.New("no SGLangProfile document found")
	case 1:
		return docs[0], nil
	default:
		return nil, fmt.Errorf("expected one SGLangProfile document, found %d", len(docs))
	}
}

// documents returns the non-empty documents of a YAML stream.
func documents(data []byte) ([][]byte, error) {
	r := utilyaml.NewYAMLReader(bufioReader(data))
	var docs [][]byte
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading YAML: %w", err)
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		docs = append(docs, doc)
	}
}

func checkTypeMeta(p *v1alpha1.SGLangProfile) error {
	want := v1alpha1.GroupVersion.String()
	if p.APIVersion != want || p.Kind != Kind {
		return fmt.Errorf("expected apiVersion %s and kind %s, got apiVersion %q and kind %q",
			want, Kind, p.APIVersion, p.Kind)
	}
	return nil
}

// decodeStrict decodes YAML or JSON into v, refusing duplicate and unknown
// fields with their paths (e.g. unknown field "spec.imagee").
func decodeStrict(doc []byte, v any) error {
	js, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return err
	}
	strict, err := sigsjson.UnmarshalStrict(js, v)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}

func bufioReader(data []byte) *bufio.Reader {
	return bufio.NewReader(bytes.NewReader(data))
}

// stripComments drops full-line YAML comments, so a document holding only
// comments (a file header before "---") counts as empty.
func stripComments(doc []byte) []byte {
	var out bytes.Buffer
	for line := range bytes.Lines(doc) {
		if bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			continue
		}
		out.Write(line)
	}
	return out.Bytes()
}

// Release resolves the SGLang release a profile runs: spec.sglangVersion,
// else the image tag's release, else the oldest supported one (see
// sglang.Resolve).
func Release(s *v1alpha1.SGLangProfileSpec) (sglang.Release, error) {
	return sglang.Resolve(s.SGLangVersion, s.Image)
}

// Warnings are what a valid profile's author should know: the release its
// flags are checked against when it is not the one the profile runs, or
// could not be told; a selector that selects every pod.
func Warnings(p *v1alpha1.SGLangProfile) []string {
	var out []string
	if r, err := Release(&p.Spec); err == nil && r.Warning != "" {
		out = append(out, "spec.sglangVersion: "+r.Warning)
	}
	if s := p.Spec.Selector; s != nil && s.NamespaceSelector == nil && s.PodSelector == nil && len(s.Models) == 0 {
		out = append(out, "spec.selector is empty: it selects every vLLM pod of the opted-in namespaces that names no profile (unless a profile of higher priority selects it)")
	}
	return out
}
