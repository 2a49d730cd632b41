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

import "testing"

func TestParseTag(t *testing.T) {
	tests := map[string]struct {
		tag  string
		want string // "" when the tag names no release
	}{
		"reads the ROCm image tag":                       {tag: "v0.5.9-rocm700-mi30x", want: "0.5.9"},
		"reads a bare release tag":                       {tag: "v0.5.9", want: "0.5.9"},
		"reads a tag without the v":                      {tag: "0.5.9-rocm630-mi30x", want: "0.5.9"},
		"reads a dated AMD dev tag":                      {tag: "v0.5.9-rocm700-mi30x-20260301", want: "0.5.9"},
		"treats a post-release as its release":           {tag: "v0.5.9.post1-rocm700-mi30x", want: "0.5.9"},
		"keeps a release candidate's suffix":             {tag: "v0.5.10rc0-rocm700-mi30x", want: "0.5.10rc0"},
		"reads two-digit numbers":                        {tag: "v0.10.12-cu129", want: "0.10.12"},
		"names no release for latest":                    {tag: "latest"},
		"names no release for a nightly":                 {tag: "nightly-dev-20260301"},
		"names no release for two numbers":               {tag: "v0.5-rocm"},
		"does not read a release glued to other letters": {tag: "v0.5.9rocm700"},
		"does not read leading zeros":                    {tag: "v0.05.9"},
		"does not read an absurdly long number":          {tag: "v0.5.99999999"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v, ok := ParseTag(tc.tag)
			if ok != (tc.want != "") || (ok && v.String() != tc.want) {
				t.Errorf("ParseTag(%q) = %v, %v; want %q", tc.tag, v, ok, tc.want)
			}
		})
	}
}

func TestParseVersionTakesOnlyARelease(t *testing.T) {
	for s, ok := range map[string]bool{"0.5.9": true, "v0.5.9": true, "1.0.0": true,
		"0.5": false, "0.5.9-rocm": false, "0.5.9rc1": false, "": false, " 0.5.9": false, "0.5.9.post1": false} {
		if _, err := ParseVersion(s); (err == nil) != ok {
			t.Errorf("ParseVersion(%q) error %v, want ok=%v", s, err, ok)
		}
	}
}

func TestVersionsOrderLikeReleases(t *testing.T) {
	ordered := []string{"0.4.10", "0.5.9", "0.5.10rc0", "0.5.10rc1", "0.5.10", "0.6.0", "1.0.0"}
	for i := range ordered {
		for j := range ordered {
			v, _ := ParseTag(ordered[i])
			w, _ := ParseTag(ordered[j])
			got := v.Compare(w)
			if (i < j && got >= 0) || (i == j && got != 0) || (i > j && got <= 0) {
				t.Errorf("%s.Compare(%s) = %d", v, w, got)
			}
		}
	}
}
