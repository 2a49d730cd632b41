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
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	oldest, newest := Oldest().Version(), Newest().Version()
	later := Version{Major: newest.Major, Minor: newest.Minor + 1}
	preNewest := newest
	preNewest.Pre = "rc0"
	tests := map[string]struct {
		field, image string
		version      Version
		source       Source
		catalog      Version
		warning      string // a part of the warning; "" for none
		err          string // a part of the error
	}{
		"takes the release from the image tag": {
			image: "lmsysorg/sglang:v" + oldest.String() + "-rocm700-mi30x", version: oldest, source: SourceImageTag, catalog: oldest},
		"takes the release from a tag that is only the release": {
			image: "docker.io/lmsysorg/sglang:v" + newest.String(), version: newest, source: SourceImageTag, catalog: newest},
		"reads the tag of a reference that also has a digest": {
			image:   "lmsysorg/sglang:v" + newest.String() + "-rocm700-mi30x@sha256:" + strings.Repeat("ab", 32),
			version: newest, source: SourceImageTag, catalog: newest},
		"reads the tag behind a registry with a port": {
			image: "registry.local:5000/mirror/sglang:" + oldest.String() + "-rocm630", version: oldest, source: SourceImageTag, catalog: oldest},
		"prefers spec.sglangVersion to the tag, and says they differ": {
			field: oldest.String(), image: "lmsysorg/sglang:v" + later.String(), version: oldest, source: SourceField, catalog: oldest,
			warning: "differs from the release in the image tag"},
		"takes spec.sglangVersion when the tag names no release": {
			field: "v" + newest.String(), image: "lmsysorg/sglang:latest", version: newest, source: SourceField, catalog: newest},
		"uses the oldest release for a digest-only image, and warns": {
			image: "lmsysorg/sglang@sha256:" + strings.Repeat("ab", 32), version: oldest, source: SourceFallback, catalog: oldest,
			warning: "using the oldest supported release, " + oldest.String()},
		"uses the oldest release for a tag that names no release, and warns": {
			image: "lmsysorg/sglang:latest", version: oldest, source: SourceFallback, catalog: oldest, warning: "set spec.sglangVersion"},
		"uses the oldest release for a reference that does not parse, and warns": {
			image: "Not An Image", version: oldest, source: SourceFallback, catalog: oldest, warning: "cannot tell"},
		"checks a release newer than every catalog against the newest, and warns": {
			field: later.String(), version: later, source: SourceField, catalog: newest,
			warning: "newer than the newest release this webhook knows (" + newest.String() + ")"},
		"checks a pre-release against the release before it": {
			image: "lmsysorg/sglang:v" + preNewest.String() + "-rocm700-mi30x", version: preNewest, source: SourceImageTag,
			catalog: releaseBefore(newest), warning: "no catalog for SGLang " + preNewest.String()},
		"refuses a release older than every catalog, listing the supported ones": {
			image: "lmsysorg/sglang:v0.4.6.post1-rocm630", err: "older than every supported release; supported releases: " + Supported()},
		"refuses a malformed spec.sglangVersion": {
			field: "0.5", err: "not an SGLang release number"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := Resolve(tc.field, tc.image)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Version != tc.version || r.Source != tc.source || r.Catalog.Version() != tc.catalog {
				t.Errorf("got %s from %s with catalog %s; want %s from %s with catalog %s",
					r.Version, r.Source, r.Catalog.Version(), tc.version, tc.source, tc.catalog)
			}
			if (tc.warning == "") != (r.Warning == "") || !strings.Contains(r.Warning, tc.warning) {
				t.Errorf("warning %q, want one containing %q", r.Warning, tc.warning)
			}
		})
	}
}

// releaseBefore is the supported release before v (v itself when it is the oldest).
func releaseBefore(v Version) Version {
	prev := Oldest().Version()
	for _, c := range Releases() {
		if c.Version().Compare(v) < 0 {
			prev = c.Version()
		}
	}
	return prev
}

func TestAnUnsupportedReleaseIsATypedError(t *testing.T) {
	_, err := Resolve("0.1.0", "")
	var unsupported *UnsupportedError
	if !errors.As(err, &unsupported) || unsupported.Source != SourceField {
		t.Fatalf("error %v (%T), want an UnsupportedError from the field", err, err)
	}
}

func TestReleaseSaysWhichCatalogChecksIt(t *testing.T) {
	r, err := Resolve("99.0.0", "")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("99.0.0 (spec.sglangVersion), checked against %s's flags", Newest().Version())
	if r.String() != want {
		t.Errorf("String() = %q, want %q", r.String(), want)
	}
}
