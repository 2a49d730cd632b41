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
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
	return marshalError(errorInfo{Message: message, Type: typ, Code: status})
}

// marshalError encodes vLLM's envelope without HTML escaping, as Python's
// json module writes it.
func marshalError(info errorInfo) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(errorResponse{Error: info}); err != nil { // cannot happen: strings and an int
		panic(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// NotFound is the body vLLM (FastAPI) answers for a path it does not serve:
// the proxy uses it for SGLang-only paths it refuses to expose.
func NotFound() []byte { return []byte(`{"detail":"Not Found"}`) }

// VLLMErrorResponse is the status and body vLLM would answer for an upstream
// (SGLang) error: VLLMError's body, and vLLM's status where it differs.
// FastAPI's default answer to a request that fails validation, 422 with
// {"detail":[{"loc","msg",...}]} (SGLang releases without their own
// RequestValidationError handler), becomes 400, the status of vLLM's
// validation errors, so OpenAI clients raise BadRequestError as they do with
// vLLM rather than UnprocessableEntityError. Every other status is kept.
func VLLMErrorResponse(status int, upstreamBody []byte) (int, []byte) {
	if status == http.StatusUnprocessableEntity && validationDetail(upstreamBody) != nil {
		status = http.StatusBadRequest
	}
	return status, VLLMError(status, upstreamBody)
}

// VLLMError turns an upstream (SGLang) error body into vLLM's error envelope
// {"error":{"message","type","param","code"}} for the same HTTP status:
//   - SGLang's flat {"object":"error","message","type","param","code"} is
//     nested, and a numeric type ("404", from SGLang's HTTPException
//     handler) becomes the status phrase, as vLLM's handler writes it;
//   - a nested error keeps its fields but loses "object" (newer vLLM has none);
//   - FastAPI's validation list {"detail":[{"loc","msg",...}]} becomes one
//     message, with type "Bad Request" and the first error's location as
//     param, as vLLM's RequestValidationError handler writes them.
//
// VLLMErrorResponse also gives the status vLLM would answer.
//
// Bodies vLLM would send the same way ({"detail":"Not Found"} for an unknown
// path, {"error":"Unauthorized"} for a bad API key), bodies that are not JSON
// objects and bodies it does not recognise come back unchanged.
func VLLMError(status int, upstreamBody []byte) []byte {
	var top map[string]json.RawMessage
	if json.Unmarshal(upstreamBody, &top) != nil {
		return upstreamBody
	}
	if string(top["object"]) == `"error"` {
		return nestError(status, top)
	}
	if inner := top["error"]; isObject(inner) {
		var fields map[string]json.RawMessage
		if json.Unmarshal(inner, &fields) != nil || fields["object"] == nil {
			return upstreamBody
		}
		return nestError(status, fields)
	}
	if d := top["detail"]; kindOf(d) == '[' {
		msg, param := validationMessage(d)
		return marshalError(errorInfo{Message: msg, Type: http.StatusText(http.StatusBadRequest), Param: param, Code: status})
	}
	return upstreamBody
}

// validationDetail returns the list of FastAPI's validation error body
// {"detail":[...]}, or nil.
func validationDetail(b []byte) json.RawMessage {
	var top struct {
		Detail json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(b, &top) != nil || kindOf(top.Detail) != '[' {
		return nil
	}
	return top.Detail
}

// VLLMStreamError translates the data of one server-sent event when it is
// an SGLang error event ({"error":{"object":"error",...}}); ok is false, and
// data is returned as is, for every other event. It is cheap for ordinary
// chunks: they are recognised by their first bytes.
func VLLMStreamError(data []byte) (out []byte, ok bool) {
	i := skipSpace(data, 0)
	if !bytes.HasPrefix(data[i:], []byte(`{"error"`)) {
		return data, false
	}
	out = VLLMError(0, data)
	return out, !bytes.Equal(out, data)
}

// nestError builds vLLM's envelope from the fields of an SGLang error.
func nestError(status int, f map[string]json.RawMessage) []byte {
	code := status
	if code == 0 { // a stream error event: keep the code it carries
		_ = json.Unmarshal(f["code"], &code)
	}
	info := errorInfo{Code: code, Message: rawText(f["message"]), Type: rawText(f["type"])}
	if n, err := strconv.Atoi(info.Type); err == nil && http.StatusText(n) != "" {
		info.Type = http.StatusText(n)
	}
	if info.Type == "" {
		info.Type = http.StatusText(code)
	}
	var param string
	if json.Unmarshal(f["param"], &param) == nil && kindOf(f["param"]) == '"' {
		info.Param = &param
	}
	return marshalError(info)
}

// rawText returns a JSON string's text, or the raw JSON of any other value.
func rawText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

// validationMessage flattens FastAPI's validation error list into one
// message and returns the location of the first error as vLLM's param (nil
// when there is none).
func validationMessage(detail json.RawMessage) (string, *string) {
	var items []struct {
		Loc []any  `json:"loc"`
		Msg string `json:"msg"`
	}
	if json.Unmarshal(detail, &items) != nil {
		return string(detail), nil
	}
	var param *string
	parts := make([]string, 0, len(items))
	for i, it := range items {
		loc := make([]string, len(it.Loc))
		for j, l := range it.Loc {
			loc[j] = fmt.Sprint(l)
		}
		if i == 0 && len(loc) > 0 {
			p := paramOf(loc)
			param = &p
		}
		parts = append(parts, strings.Join(loc, ".")+": "+it.Msg)
	}
	return strings.Join(parts, "; "), param
}

// paramOf joins a validation error's location with dots, as vLLM's handler
// does for param (clean_loc_for_param), leaving out the segments pydantic
// adds for its own validators and union branches, e.g.
// body.function-wrap[__log_extra_fields__()].stop.str is body.stop. A
// location made only of such segments is joined whole.
func paramOf(loc []string) string {
	kept := make([]string, 0, len(loc))
	for _, seg := range loc {
		if !pydanticSegment(seg) {
			kept = append(kept, seg)
		}
	}
	if len(kept) == 0 {
		kept = loc
	}
	return strings.Join(kept, ".")
}

// pydanticSegment reports whether a location segment names one of
// pydantic-core's schema kinds (a wrapper, or the type tried in a union)
// rather than a field or an index.
func pydanticSegment(seg string) bool {
	if strings.ContainsAny(seg, "[](){}") {
		return true
	}
	switch strings.ToLower(seg) {
	case "function-wrap", "function-after", "function-before", "function-plain",
		"json-or-python", "lax-or-strict", "chain", "default", "nullable",
		"tagged-union", "union", "call", "arguments", "is-instance", "is-subclass",
		"callable", "str", "int", "float", "bool", "bytes", "bytearray", "list",
		"tuple", "dict", "set", "frozenset", "complex", "none", "nonetype":
		return true
	}
	return false
}
