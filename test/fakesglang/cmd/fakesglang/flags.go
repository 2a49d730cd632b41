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

package main

import (
	"fmt"
	"os"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/fakesglang"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// release is the SGLang release the fake plays: FAKESGLANG_RELEASE (e.g.
// 0.5.9, what the pod's status annotation says it runs), else the oldest
// supported release. The fake refuses what that release's argparse would.
func release() (*sglang.Catalog, error) {
	name := os.Getenv("FAKESGLANG_RELEASE")
	if name == "" {
		return sglang.Oldest(), nil
	}
	v, err := sglang.ParseVersion(name)
	if err != nil {
		return nil, fmt.Errorf("FAKESGLANG_RELEASE: %w", err)
	}
	c, ok := sglang.For(v) // the catalog the webhook translated for
	if !ok {
		return nil, fmt.Errorf("FAKESGLANG_RELEASE: SGLang %s is older than every supported release (%s)", v, sglang.Supported())
	}
	return c, nil
}

// flagLookup looks flags up in the release's catalog of SGLang's server
// flags, so the fake rejects what SGLang's argparse would reject.
func flagLookup(c *sglang.Catalog) func(string) (fakesglang.FlagInfo, bool) {
	return func(name string) (fakesglang.FlagInfo, bool) {
		spec, ok := c.Flag(name)
		if !ok {
			return fakesglang.FlagInfo{}, false
		}
		takes := spec.TakesValue
		if spec.Negatable && name != spec.Name {
			takes = false // --no-X
		}
		return fakesglang.FlagInfo{
			Name: spec.Name, TakesValue: takes,
			OptionalValue: spec.Nargs == "?", Multi: spec.Nargs == "*" || spec.Nargs == "+",
		}, true
	}
}
