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
	"strings"
	"testing"
)

// tool wraps a parameters member (raw JSON text, "" for none) in a chat body
// with one tool.
func tool(params string) string {
	fn := `{"name":"f"`
	if params != "" {
		fn += `,"parameters":` + params
	}
	return `{"model":"m","tools":[{"type":"function","function":` + fn + `}}]}`
}

func TestFixToolSchemas(t *testing.T) {
	runRewriteCases(t, schemaCases)
}

var schemaCases = map[string]rewriteCase{
	// Cases of vultr/vllm-to-sglang's test_fix_schema.py.
	"replaces an array-valued properties with an empty object": {
		path: chat, in: tool(`{"type":"object","properties":[]}`),
		out:     tool(`{"type":"object","properties":{}}`),
		changes: []string{"repaired=properties"},
	},
	"replaces parameters that are an array with an empty object schema": {
		path: chat, in: tool(`[]`), out: tool(`{"type":"object","properties":{}}`),
		changes: []string{"repaired=parameters"},
	},
	"repairs properties nested in items": {
		path: chat, in: tool(`{"type":"object","properties":{"list":{"type":"array","items":{"properties":[]}}}}`),
		out:     tool(`{"type":"object","properties":{"list":{"type":"array","items":{"properties":{}}}}}`),
		changes: []string{"repaired=properties"},
	},
	"drops a required that is not a list": {
		path: chat, in: tool(`{"type":"object","properties":{},"required":"name"}`),
		out:     tool(`{"type":"object","properties":{}}`),
		changes: []string{"repaired=required"},
	},
	"passes a body without tools through": {path: chat, in: `{"model":"m"}`},
	"refuses a body that is not JSON":     {path: chat, in: `not json`, reject: BodyField},

	// The rest of its rules.
	"replaces parameters that are null": {
		path: chat, in: tool(`null`), out: tool(`{"type":"object","properties":{}}`),
		changes: []string{"repaired=parameters"},
	},
	"replaces parameters that are a string": {
		path: chat, in: tool(`"{}"`), out: tool(`{"type":"object","properties":{}}`),
		changes: []string{"repaired=parameters"},
	},
	"adds parameters when the function has none": {
		path: chat, in: tool(``), out: tool(`{"type":"object","properties":{}}`),
		changes: []string{"repaired=parameters"},
	},
	"replaces a null properties": {
		path: chat, in: tool(`{"properties":null}`), out: tool(`{"properties":{}}`),
		changes: []string{"repaired=properties"},
	},
	"drops a null required": {
		path: chat, in: tool(`{"properties":{"a":{"type":"string"}},"required":null}`),
		out:     tool(`{"properties":{"a":{"type":"string"}}}`),
		changes: []string{"repaired=required"},
	},
	"keeps a required that is a list": {
		path: chat, in: tool(`{"properties":{"a":{}},"required":["a"]}`),
	},
	"recurses into anyOf, allOf and oneOf members": {
		path: chat, in: tool(`{"anyOf":[{"properties":[]},"x"],"allOf":[{"required":1}],"oneOf":[{"properties":{"p":{"properties":[]}}}]}`),
		out:     tool(`{"anyOf":[{"properties":{}},"x"],"allOf":[{}],"oneOf":[{"properties":{"p":{"properties":{}}}}]}`),
		changes: []string{"repaired=properties", "repaired=required", "repaired=properties"},
	},
	"recurses into an object additionalProperties": {
		path: chat, in: tool(`{"additionalProperties":{"properties":[]}}`),
		out:     tool(`{"additionalProperties":{"properties":{}}}`),
		changes: []string{"repaired=properties"},
	},
	"does not walk list-form items": {
		path: chat, in: tool(`{"items":[{"properties":[]}]}`),
	},
	"does not touch $defs, definitions or not": {
		path: chat, in: tool(`{"$defs":{"x":{"properties":[]}},"definitions":{"y":{"required":"a"}},"not":{"properties":[]}}`),
	},
	"does not walk a property schema that is not an object": {
		path: chat, in: tool(`{"properties":{"a":true,"b":[{"properties":[]}]}}`),
	},
	"skips a tool that is not an object and a function that is not an object": {
		path: chat, in: `{"tools":["x",{"type":"function","function":"f"}]}`,
	},
	"repairs every tool, keeping the others' bytes": {
		path:    chat,
		in:      `{"tools": [{"function": {"name": "a", "parameters": {"properties": []}}}, {"function": {"name": "b"}}]}`,
		out:     `{"tools": [{"function": {"name": "a", "parameters": {"properties": {}}}}, {"function": {"name": "b", "parameters": {"type":"object","properties":{}}}}]}`,
		changes: []string{"repaired=properties", "repaired=parameters"},
	},
	"leaves schemas alone when FixToolSchemas is off": {
		path: chat, opts: &Options{}, in: tool(`{"properties":[]}`),
	},
	"leaves completions bodies alone, which have no tools": {
		path: completions, in: tool(`{"properties":[]}`),
	},
	"leaves a tools member that is not a list alone": {
		path: chat, in: `{"tools":{"function":{"parameters":[]}}}`,
	},
	"strips params and repairs schemas in one pass, strips first": {
		path: chat, in: `{"logprobs":true,"tools":[{"function":{"name":"f","parameters":{"properties":[]}}}]}`,
		out:     `{"tools":[{"function":{"name":"f","parameters":{"properties":{}}}}]}`,
		changes: []string{"stripped=logprobs", "repaired=properties"},
	},
}

func TestFixToolSchemasDetails(t *testing.T) {
	in := tool(`{"properties":{"odd key, \"q\"":{"items":{"properties":[]}}}}`)
	_, changes, err := Rewrite(chat, []byte(in), defaults)
	if err != nil || len(changes) != 1 {
		t.Fatalf("want one change, got %v, %v", changes, err)
	}
	want := `tools[0].function.parameters.properties.odd key, "q".items.properties: was an array, replaced by {}`
	if changes[0].Detail != want {
		t.Errorf("detail:\n got %s\nwant %s", changes[0].Detail, want)
	}
	if got := HeaderValue(changes); strings.ContainsAny(got, `,"`) {
		t.Errorf("header value %q holds a client-chosen key", got)
	}
}

func TestFixToolSchemasDepthLimit(t *testing.T) {
	deep := strings.Repeat(`{"items":`, maxSchemaDepth+1) + `{"properties":[]}` + strings.Repeat(`}`, maxSchemaDepth+1)
	in := tool(deep)
	out, changes, err := Rewrite(chat, []byte(in), defaults)
	if err != nil || len(changes) != 0 || string(out) != in {
		t.Fatalf("a schema deeper than the limit must be left for SGLang to refuse; got %v %v", changes, err)
	}
}
