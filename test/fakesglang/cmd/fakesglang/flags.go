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
	"github.com/vllm-to-sglang/vllm-to-sglang/test/fakesglang"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
)

// sglangFlag looks flags up in webhook/argv's catalog of SGLang's server
// flags, so the fake rejects what SGLang's argparse would reject.
func sglangFlag(name string) (fakesglang.FlagInfo, bool) {
	spec, ok := argv.SGLangFlag(name)
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
