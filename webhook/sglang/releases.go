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
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// The catalogs, one file per supported release, named <release>.tsv.
//
//go:embed data/*.tsv
var dataFS embed.FS

// catalogs are the supported releases, oldest first.
var catalogs = mustLoad(dataFS)

func mustLoad(fsys fs.FS) []*Catalog {
	cs, err := load(fsys)
	if err != nil {
		panic(fmt.Sprintf("embedded SGLang catalogs: %v", err)) // a build defect: the files are tested
	}
	return cs
}

func load(fsys fs.FS) ([]*Catalog, error) {
	names, err := fs.Glob(fsys, "data/*.tsv")
	if err != nil {
		return nil, err
	}
	var out []*Catalog
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		c, err := ParseCatalog(string(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if want := c.version.String() + ".tsv"; path.Base(name) != want {
			return nil, fmt.Errorf("%s holds release %s; name it %s", name, c.version, want)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no catalog in data/")
	}
	slices.SortFunc(out, func(a, b *Catalog) int { return a.version.Compare(b.version) })
	return out, nil
}

// Releases returns the catalogs of the supported releases, oldest first.
func Releases() []*Catalog { return slices.Clone(catalogs) }

// Oldest is the oldest supported release: what a profile gets when the
// release its image runs cannot be told.
func Oldest() *Catalog { return catalogs[0] }

// Newest is the newest supported release.
func Newest() *Catalog { return catalogs[len(catalogs)-1] }

// Supported lists the supported releases, e.g. "0.5.9, 0.5.12".
func Supported() string {
	names := make([]string, len(catalogs))
	for i, c := range catalogs {
		names[i] = c.version.String()
	}
	return strings.Join(names, ", ")
}

// For returns the catalog for release v: its own, else the newest release
// before it (flags come and go, so a later catalog could name flags v
// lacks). ok is false when v is older than every supported release.
func For(v Version) (c *Catalog, ok bool) {
	for _, c := range slices.Backward(catalogs) {
		if c.version.Compare(v) <= 0 {
			return c, true
		}
	}
	return nil, false
}

// AnyFlag looks a flag up in the newest release that has it. It is for
// reading a command line whose release is not known yet: how many values
// a flag takes does not change between releases.
func AnyFlag(name string) (Flag, bool) {
	for _, c := range slices.Backward(catalogs) {
		if f, ok := c.Flag(name); ok {
			return f, true
		}
	}
	return Flag{}, false
}
