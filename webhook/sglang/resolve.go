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
	"fmt"

	"github.com/distribution/reference"
)

// Source says where the release of a profile came from.
type Source string

const (
	// SourceField: the profile's spec.sglangVersion.
	SourceField Source = "spec.sglangVersion"
	// SourceImageTag: the release at the start of the image's tag.
	SourceImageTag Source = "image tag"
	// SourceFallback: neither says; the oldest supported release is used.
	SourceFallback Source = "fallback"
)

// Release is the SGLang release a profile runs and the catalog its
// translation is checked against.
type Release struct {
	// Version is the release the profile names (field or image tag); for a
	// fallback, the oldest supported release.
	Version Version `json:"version"`
	// Source says where Version came from.
	Source Source `json:"source"`
	// Catalog is the catalog used: Version's own, else the newest older one.
	Catalog *Catalog `json:"-"`
	// Warning says what the user should know when the catalog is not the
	// named release's own (a fallback, a release this project has no
	// catalog for) or when the field and the image tag disagree.
	Warning string `json:"warning,omitempty"`
}

// String describes the release for humans: "0.5.9 (image tag)", and the
// catalog used when it is another release's.
func (r Release) String() string {
	s := fmt.Sprintf("%s (%s)", r.Version, r.Source)
	if r.Catalog != nil && r.Catalog.version != r.Version {
		s += fmt.Sprintf(", checked against %s's flags", r.Catalog.version)
	}
	return s
}

// UnsupportedError is returned for a release older than every supported one.
type UnsupportedError struct {
	Version Version
	Source  Source
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("SGLang %s (%s) is older than every supported release; supported releases: %s",
		e.Version, e.Source, Supported())
}

// Resolve picks the release for a profile: spec.sglangVersion when set (a
// malformed one is an error), else the release in the image's tag, else
// the oldest supported release, never a newer one than the image may run.
// A release older than every supported one is an error listing them.
func Resolve(field, image string) (Release, error) {
	tagged, tagOK := imageRelease(image)
	if field != "" {
		v, err := ParseVersion(field)
		if err != nil {
			return Release{}, err
		}
		r, err := forVersion(v, SourceField)
		if err == nil && tagOK && tagged.Compare(v) != 0 {
			r.Warning = joinText(r.Warning, fmt.Sprintf(
				"spec.sglangVersion %s differs from the release in the image tag (%s); %s is used", v, tagged, v))
		}
		return r, err
	}
	if tagOK {
		return forVersion(tagged, SourceImageTag)
	}
	oldest := Oldest()
	return Release{Version: oldest.version, Source: SourceFallback, Catalog: oldest, Warning: fmt.Sprintf(
		"cannot tell which SGLang release image %q runs (its reference has no release tag); using the oldest supported release, %s, so flags newer releases added are dropped: set spec.sglangVersion",
		image, oldest.version)}, nil
}

// forVersion returns the catalog for a named release, with a warning when
// it is not the release's own.
func forVersion(v Version, src Source) (Release, error) {
	c, ok := For(v)
	if !ok {
		return Release{}, &UnsupportedError{Version: v, Source: src}
	}
	r := Release{Version: v, Source: src, Catalog: c}
	switch {
	case c.version == v:
	case c == Newest():
		r.Warning = fmt.Sprintf("SGLang %s is newer than the newest release this webhook knows (%s); its flags are checked against %s's, so flags added since are dropped",
			v, c.version, c.version)
	default:
		r.Warning = fmt.Sprintf("this webhook has no catalog for SGLang %s; its flags are checked against %s's, the newest release before it, so flags added since are dropped",
			v, c.version)
	}
	return r, nil
}

// imageRelease reads the release from an image reference's tag. A
// digest-only reference, a tag that names no release, or a reference that
// does not parse give ok false.
func imageRelease(image string) (Version, bool) {
	ref, err := reference.ParseAnyReference(image)
	if err != nil {
		return Version{}, false
	}
	tagged, ok := ref.(reference.Tagged)
	if !ok {
		return Version{}, false
	}
	return ParseTag(tagged.Tag())
}
