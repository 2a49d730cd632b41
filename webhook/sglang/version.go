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
	"regexp"
	"strconv"
)

// Version is an SGLang release number. SGLang numbers releases the Python
// way (PEP 440): 0.5.9, post-releases such as 0.5.9.post1 (the same flags,
// fixes only) and pre-releases such as 0.5.10rc0, which come before 0.5.10.
type Version struct {
	Major, Minor, Patch int
	// Pre is a pre-release suffix ("rc0", "a1", "b2", "dev3"), empty for a release.
	Pre string
}

// versionPattern reads a version at the start of a string: an optional
// "v", three numbers, then an optional pre- or post-release suffix. What
// follows must start with a separator ("-rocm700-mi30x") or be nothing.
var versionPattern = regexp.MustCompile(`^v?(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})((?:a|b|rc|\.?dev)[0-9]{1,6})?(\.post[0-9]{1,6})?(?:$|[-_+])`)

// exactPattern is the form spec.sglangVersion takes: the release only.
var exactPattern = regexp.MustCompile(`^v?(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})$`)

// ParseVersion parses a release number as spec.sglangVersion spells it:
// "0.5.9" or "v0.5.9".
func ParseVersion(s string) (Version, error) {
	m := exactPattern.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("%q is not an SGLang release number such as 0.5.9", s)
	}
	return Version{Major: atoi(m[1]), Minor: atoi(m[2]), Patch: atoi(m[3])}, nil
}

// ParseTag reads the release at the start of an image tag, as SGLang's
// images are tagged: "v0.5.9-rocm700-mi30x", "v0.5.9", "0.5.9-rocm630",
// "v0.5.9.post1-cu126", "v0.5.10rc0-rocm700-mi30x". ok is false for tags
// that name no release ("latest", "dev", "nightly-20260301").
func ParseTag(tag string) (Version, bool) {
	m := versionPattern.FindStringSubmatch(tag)
	if m == nil {
		return Version{}, false
	}
	pre := m[4]
	if pre != "" && pre[0] == '.' {
		pre = pre[1:]
	}
	return Version{Major: atoi(m[1]), Minor: atoi(m[2]), Patch: atoi(m[3]), Pre: pre}, true
}

// atoi converts a number the patterns matched (at most six digits).
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// String is the release number, e.g. "0.5.9" or "0.5.10rc0".
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d%s", v.Major, v.Minor, v.Patch, v.Pre)
}

// Compare orders versions: negative when v comes before w, zero when they
// are the same release, positive after. A pre-release comes before its
// release; pre-releases of one release are ordered by their suffix.
func (v Version) Compare(w Version) int {
	for _, d := range [...]int{v.Major - w.Major, v.Minor - w.Minor, v.Patch - w.Patch} {
		if d != 0 {
			return d
		}
	}
	switch {
	case v.Pre == w.Pre:
		return 0
	case v.Pre == "":
		return 1
	case w.Pre == "":
		return -1
	case v.Pre < w.Pre:
		return -1
	}
	return 1
}
