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

package body

// Paths whose bodies [Rewrite] filters.
const (
	ChatCompletionsPath = "/v1/chat/completions"
	CompletionsPath     = "/v1/completions"
)

// Rewrite filters a request body bound for path. It returns raw itself and no
// changes when nothing needs changing, when path is not filtered, or when raw
// is not a JSON object (SGLang answers those itself). A non-nil error is a
// *RejectError: the request asks for something SGLang cannot honour and
// dropping it would silently change the result; answer it with
// ErrorJSON(http.StatusBadRequest, err.Error(), "BadRequestError").
func Rewrite(path string, raw []byte, o Options) (out []byte, changes []Change, err error) {
	return raw, nil, nil
}
