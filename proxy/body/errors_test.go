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
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVLLMError(t *testing.T) {
	cases := map[string]struct {
		status int
		in     string
		want   string // "" means unchanged
	}{
		"nests SGLang's flat error, as recent vLLM sends it": {
			status: 400,
			in:     `{"object":"error","message":"Tools cannot be empty if tool choice is set to required.","type":"BadRequestError","param":null,"code":400}`,
			want:   `{"error":{"message":"Tools cannot be empty if tool choice is set to required.","type":"BadRequestError","param":null,"code":400}}`,
		},
		"keeps the param SGLang names": {
			status: 400,
			in:     `{"object":"error","message":"m","type":"BadRequestError","param":"tools","code":400}`,
			want:   `{"error":{"message":"m","type":"BadRequestError","param":"tools","code":400}}`,
		},
		"spells a numeric type as the status phrase, like vLLM's HTTPException handler": {
			status: 404,
			in:     `{"object":"error","message":"The model does not exist.","type":"404","param":null,"code":404}`,
			want:   `{"error":{"message":"The model does not exist.","type":"Not Found","param":null,"code":404}}`,
		},
		"uses the HTTP status as the code": {
			status: 500,
			in:     `{"object":"error","message":"Internal server error: boom","type":"InternalServerError","param":null,"code":400}`,
			want:   `{"error":{"message":"Internal server error: boom","type":"InternalServerError","param":null,"code":500}}`,
		},
		"translates SGLang's validation error (400 Bad Request)": {
			status: 400,
			in:     `{"object":"error","message":"1 validation error: messages Field required","type":"Bad Request","param":null,"code":400}`,
			want:   `{"error":{"message":"1 validation error: messages Field required","type":"Bad Request","param":null,"code":400}}`,
		},
		"drops object from an already nested error": {
			status: 400,
			in:     `{"error":{"object":"error","message":"m","type":"Bad Request","param":null,"code":400}}`,
			want:   `{"error":{"message":"m","type":"Bad Request","param":null,"code":400}}`,
		},
		"flattens FastAPI's validation list, naming the first location as param, for the status given": {
			status: 422,
			in:     `{"detail":[{"loc":["body","messages"],"msg":"Field required","type":"missing"},{"loc":["body","n",0],"msg":"bad","type":"x"}]}`,
			want:   `{"error":{"message":"body.messages: Field required; body.n.0: bad","type":"Bad Request","param":"body.messages","code":422}}`,
		},
		"leaves pydantic's validator and union segments out of param, as vLLM does": {
			status: 400,
			in:     `{"detail":[{"loc":["body","function-wrap[__log_extra_fields__()]","stop","str"],"msg":"Input should be a valid string","type":"string_type"}]}`,
			want:   `{"error":{"message":"body.function-wrap[__log_extra_fields__()].stop.str: Input should be a valid string","type":"Bad Request","param":"body.stop","code":400}}`,
		},
		"gives no param for an empty validation list": {
			status: 400,
			in:     `{"detail":[]}`,
			want:   `{"error":{"message":"","type":"Bad Request","param":null,"code":400}}`,
		},
		"leaves vLLM's own shape alone":                              {status: 400, in: `{"error":{"message":"m","type":"BadRequestError","param":null,"code":400}}`},
		"leaves a FastAPI Not Found alone, as vLLM answers the same": {status: 404, in: `{"detail":"Not Found"}`},
		"leaves the API key error alone, as vLLM answers the same":   {status: 401, in: `{"error":"Unauthorized"}`},
		"leaves a body that is not JSON alone":                       {status: 500, in: `Internal Server Error`},
		"leaves an empty body alone":                                 {status: 503, in: ``},
		"leaves an unknown object alone":                             {status: 503, in: `{"error":"subprocess not alive","pid":7}`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			want := tc.want
			if want == "" {
				want = tc.in
			}
			if diff := cmp.Diff(want, string(VLLMError(tc.status, []byte(tc.in)))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestVLLMErrorResponse(t *testing.T) {
	cases := map[string]struct {
		status     int
		in         string
		wantStatus int
		want       string // "" means VLLMError's body for wantStatus
	}{
		"FastAPI's default 422 for a request that fails validation becomes vLLM's 400, message kept": {
			status:     422,
			in:         `{"detail":[{"type":"list_type","loc":["body","messages"],"msg":"Input should be a valid list","input":"hi"}]}`,
			wantStatus: 400,
			want:       `{"error":{"message":"body.messages: Input should be a valid list","type":"Bad Request","param":"body.messages","code":400}}`,
		},
		"SGLang's own validation answer (400 in its flat shape) stays 400": {
			status:     400,
			in:         `{"object":"error","message":"1 validation error: messages Input should be a valid list","type":"Bad Request","param":null,"code":400}`,
			wantStatus: 400,
			want:       `{"error":{"message":"1 validation error: messages Input should be a valid list","type":"Bad Request","param":null,"code":400}}`,
		},
		"a 422 in SGLang's flat shape keeps its status: it is no FastAPI validation error": {
			status:     422,
			in:         `{"object":"error","message":"logprobs is not supported","type":"BadRequestError","param":null,"code":422}`,
			wantStatus: 422,
		},
		"a 422 whose body is not FastAPI's list keeps its status": {status: 422, in: `{"detail":"Unprocessable"}`, wantStatus: 422},
		"a 422 that is not JSON keeps its status":                 {status: 422, in: `Unprocessable Entity`, wantStatus: 422},
		"FastAPI's list under another status keeps that status":   {status: 500, in: `{"detail":[{"loc":["body"],"msg":"m"}]}`, wantStatus: 500},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, got := VLLMErrorResponse(tc.status, []byte(tc.in))
			want := tc.want
			if want == "" {
				want = string(VLLMError(tc.wantStatus, []byte(tc.in)))
			}
			if status != tc.wantStatus {
				t.Errorf("status = %d, want %d", status, tc.wantStatus)
			}
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestVLLMStreamError(t *testing.T) {
	cases := map[string]struct {
		in     string
		want   string
		wantOK bool
	}{
		"translates SGLang's stream error event": {
			in:     `{"error": {"object": "error", "message": "Generation aborted.", "type": "BadRequestError", "param": null, "code": 400}}`,
			want:   `{"error":{"message":"Generation aborted.","type":"BadRequestError","param":null,"code":400}}`,
			wantOK: true,
		},
		"leaves an ordinary chunk alone": {
			in: `{"id":"1","object":"chat.completion.chunk","choices":[]}`,
		},
		"leaves [DONE] alone": {in: `[DONE]`},
		"leaves an error event already in vLLM's shape alone": {
			in: `{"error":{"message":"m","type":"t","param":null,"code":400}}`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, ok := VLLMStreamError([]byte(tc.in))
			want := tc.want
			if want == "" {
				want = tc.in
			}
			if ok != tc.wantOK || string(got) != want {
				t.Errorf("got %s, %v; want %s, %v", got, ok, want, tc.wantOK)
			}
		})
	}
}

func TestErrorJSON(t *testing.T) {
	cases := map[string]struct {
		status       int
		message, typ string
		want         string
	}{
		"builds vLLM's envelope": {
			status: http.StatusBadGateway, message: "upstream unavailable: connection refused", typ: "BadGatewayError",
			want: `{"error":{"message":"upstream unavailable: connection refused","type":"BadGatewayError","param":null,"code":502}}`,
		},
		"uses the status phrase when no type is given": {
			status: http.StatusRequestEntityTooLarge, message: "request body larger than 1048576 bytes",
			want: `{"error":{"message":"request body larger than 1048576 bytes","type":"Request Entity Too Large","param":null,"code":413}}`,
		},
		"escapes the message": {
			status: 400, message: `bad "x" <tag> & more` + "\n", typ: "BadRequestError",
			want: `{"error":{"message":"bad \"x\" <tag> & more\n","type":"BadRequestError","param":null,"code":400}}`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := string(ErrorJSON(tc.status, tc.message, tc.typ)); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	if got := string(NotFound()); got != `{"detail":"Not Found"}` {
		t.Errorf("got %s", got)
	}
}
