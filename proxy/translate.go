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

package proxy

import (
	"encoding/json"
	"fmt"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/body"
)

// The per-route translators of whole successful answers, which
// adaptResponse (adapt.go) applies; routes name theirs in routes.go.

// responseTranslator rewrites a successful upstream JSON body into vLLM's shape.
type responseTranslator func(upstream []byte) ([]byte, error)

// completionResponse adds vLLM's fields (reasoning, stop_reason) to a chat
// or text completion answered as a whole.
func completionResponse(path string) responseTranslator {
	return func(upstream []byte) ([]byte, error) {
		out, _ := body.Response(path, upstream)
		return out, nil
	}
}

// detokenizeResponse turns SGLang's {"text": s} into vLLM's {"prompt": s}.
func detokenizeResponse(upstream []byte) ([]byte, error) {
	var in struct {
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(upstream, &in); err != nil {
		return nil, fmt.Errorf("decoding SGLang detokenize response: %w", err)
	}
	if in.Text == nil {
		return nil, fmt.Errorf("SGLang detokenize response has no \"text\"")
	}
	return json.Marshal(struct {
		Prompt string `json:"prompt"`
	}{*in.Text})
}
