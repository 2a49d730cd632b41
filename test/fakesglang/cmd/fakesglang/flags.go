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

// sglangFlag accepts every flag until webhook/argv's SGLang flag catalog is
// available; then it will report exactly the flags SGLang has.
var sglangFlag = func(name string) (takesValue, known bool) { return guessFlag(name) }

// guessFlag knows the boolean flags the rewrite emits; everything else takes a value.
func guessFlag(name string) (takesValue, known bool) {
	switch name {
	case "--enable-metrics", "--trust-remote-code", "--skip-server-warmup", "--enable-cache-report":
		return false, true
	}
	return true, true
}
