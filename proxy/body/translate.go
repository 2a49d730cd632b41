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
	"regexp"
	"strconv"
	"strings"
)

// Translations of the field table (fields.go).

func (r *rewriter) translate(rule *fieldRule, i int) {
	switch rule.Xlate {
	case xlateTopK:
		translateTopK(r, rule, i)
	case xlateIntoTemplateKwargs:
		translateIntoTemplateKwargs(r, rule, i)
	case xlateGuidedJSON:
		translateGuidedJSON(r, rule, i)
	case xlateGuidedRegex:
		translateGuidedRegex(r, rule, i)
	case xlateGuidedChoice:
		translateGuidedChoice(r, rule, i)
	case xlateGuidedGrammar:
		translateGuidedGrammar(r, rule, i)
	case xlateStructuredOutputs:
		translateStructuredOutputs(r, rule, i)
	default:
		panic("body: no translation for " + rule.Field)
	}
}

// translateTopK maps vLLM's "no limit" spelling 0 to SGLang's -1; SGLang's
// SamplingParams.verify refuses top_k 0.
func translateTopK(r *rewriter, rule *fieldRule, i int) {
	if !sameNumber(r.ms[i].value(r.b), "0") {
		return
	}
	r.edit(i).val = []byte("-1")
	r.changes = append(r.changes, Change{Kind: KindTranslated, Field: rule.Field, Detail: "0 sent as -1: " + rule.Reason})
}

// translateIntoTemplateKwargs queues member i to move into
// chat_template_kwargs under its own name; finishKwargs does the move once
// every member has been seen.
func translateIntoTemplateKwargs(r *rewriter, rule *fieldRule, i int) {
	r.kwargs = append(r.kwargs, kwargMove{index: i, key: rule.Field, rule: rule})
}

func (r *rewriter) finishKwargs() {
	if len(r.kwargs) == 0 {
		return
	}
	j := r.find("chat_template_kwargs")
	var existing []member
	if j >= 0 {
		switch v := r.ms[j].value(r.b); {
		case isObject(v):
			if existing = r.object(j); existing == nil {
				return
			}
		case !isNull(v):
			return // SGLang refuses a malformed chat_template_kwargs itself
		}
	}
	var add objectEdit
	host := -1
	for _, k := range r.kwargs {
		if hasMember(r.b, existing, k.key) {
			r.drop(k.index, Change{Kind: KindStripped, Field: k.rule.Field,
				Detail: "chat_template_kwargs already sets " + k.key + "; that value is used"})
			continue
		}
		add.add = append(add.add, [2][]byte{appendString(nil, k.key), r.ms[k.index].value(r.b)})
		r.changes = append(r.changes, Change{Kind: KindTranslated, Field: k.rule.Field,
			Detail: "moved into chat_template_kwargs." + k.key + ": " + k.rule.Reason})
		if j < 0 && host < 0 {
			host = k.index // becomes chat_template_kwargs itself
			continue
		}
		r.edit(k.index).drop = true
	}
	if add.add == nil {
		return
	}
	switch {
	case j >= 0 && existing != nil:
		m := &r.ms[j]
		r.edit(j).val = renderObject(nil, r.b, m.valStart, m.valEnd, existing, &add)
	case j >= 0: // null
		r.edit(j).val = renderObject(nil, []byte("{}"), 0, 2, nil, &add)
	default:
		e := r.edit(host)
		e.key = []byte(`"chat_template_kwargs"`)
		e.val = renderObject(nil, []byte("{}"), 0, 2, nil, &add)
	}
}

func hasMember(b []byte, ms []member, name string) bool {
	for i := range ms {
		if ms[i].is(b, name) {
			return true
		}
	}
	return false
}

// produce makes member i carry the SGLang constraint field target.
func (r *rewriter) produce(i int, target string, val []byte, kind, source, reason string) {
	r.replace(i, target, val, Change{Kind: kind, Field: source, Detail: "sent as " + target + ": " + reason})
	r.produced = append(r.produced, produced{index: i, target: target, source: source})
}

func translateGuidedJSON(r *rewriter, rule *fieldRule, i int) {
	val, bad := jsonSchemaFormat(r.ms[i].value(r.b), "guided_json")
	if bad != "" {
		r.refuse(rule.Field, bad)
		return
	}
	r.produce(i, "response_format", val, KindTranslated, rule.Field, rule.Reason)
}

func translateGuidedRegex(r *rewriter, rule *fieldRule, i int) {
	v := r.ms[i].value(r.b)
	if kindOf(v) != '"' {
		r.refuse(rule.Field, "must be a string")
		return
	}
	r.produce(i, "regex", v, KindRenamed, rule.Field, rule.Reason)
}

func translateGuidedChoice(r *rewriter, rule *fieldRule, i int) {
	val, bad := choiceRegex(r.ms[i].value(r.b))
	if bad != "" {
		r.refuse(rule.Field, bad)
		return
	}
	r.produce(i, "regex", val, KindTranslated, rule.Field, rule.Reason)
}

func translateGuidedGrammar(r *rewriter, rule *fieldRule, i int) {
	v := r.ms[i].value(r.b)
	if bad := ebnfGrammar(v); bad != "" {
		r.refuse(rule.Field, bad)
		return
	}
	r.produce(i, "ebnf", v, KindRenamed, rule.Field, rule.Reason)
}

// structuredOutputOptions are the members of vLLM's StructuredOutputsParams
// that tune a constraint rather than set one; SGLang has no per-request
// equivalent for any of them.
var structuredOutputConstraints = map[string]bool{
	"json": true, "regex": true, "choice": true, "grammar": true, "json_object": true, "structural_tag": true,
}

// translateStructuredOutputs handles vLLM's structured_outputs object, which
// holds exactly one constraint plus options.
func translateStructuredOutputs(r *rewriter, rule *fieldRule, i int) {
	v := r.ms[i].value(r.b)
	if !isObject(v) {
		r.refuse(rule.Field, "must be an object")
		return
	}
	ms := r.object(i)
	// Of constraints of the same name the last counts. Options are only
	// named in the change's detail, and any copy set makes one (SGLang
	// ignores structured_outputs either way).
	var named []int
	for j := range ms {
		if structuredOutputConstraints[string(ms[j].key(r.b))] {
			named = append(named, j)
		}
	}
	shadowed := shadowedAmong(r.b, ms, named)
	var cons []*member
	var options []string
	for j, k := 0, 0; j < len(ms); j++ {
		m := &ms[j]
		key, mv := string(m.key(r.b)), m.value(r.b)
		if structuredOutputConstraints[key] {
			if k++; shadowed != nil && shadowed[k-1] {
				continue
			}
		}
		switch {
		case key == "json_object":
			if kindOf(mv) == 't' {
				cons = append(cons, m)
			}
		case structuredOutputConstraints[key]:
			if !isNull(mv) {
				cons = append(cons, m)
			}
		case !isUnset(mv, []string{"false"}):
			options = append(options, key)
		}
	}
	dropped := ""
	if len(options) > 0 {
		dropped = "; options without an SGLang equivalent dropped: " + strings.Join(options, ", ")
	}
	switch len(cons) {
	case 0:
		if len(options) > 0 {
			r.drop(i, Change{Kind: KindStripped, Field: rule.Field, Detail: "no constraint set" + dropped})
		}
		return
	case 1:
	default:
		names := make([]string, len(cons))
		for j, c := range cons {
			names[j] = string(c.key(r.b))
		}
		r.refuse(rule.Field, "sets more than one constraint ("+strings.Join(names, ", ")+"); only one may be set")
		return
	}
	c := cons[0]
	kind := string(c.key(r.b))
	target, val, bad := structuredOutput(kind, c.value(r.b))
	if bad != "" {
		r.refuse(rule.Field+"."+kind, bad)
		return
	}
	r.produce(i, target, val, KindTranslated, rule.Field, rule.Reason+" ("+kind+" as "+target+")"+dropped)
}

// structuredOutput translates one structured_outputs constraint.
func structuredOutput(kind string, v []byte) (target string, val []byte, bad string) {
	switch kind {
	case "json":
		val, bad = jsonSchemaFormat(v, "structured_outputs.json")
		return "response_format", val, bad
	case "regex":
		if kindOf(v) != '"' {
			return "", nil, "must be a string"
		}
		return "regex", v, ""
	case "choice":
		val, bad = choiceRegex(v)
		return "regex", val, bad
	case "grammar":
		return "ebnf", v, ebnfGrammar(v)
	case "json_object":
		return "response_format", []byte(`{"type":"json_object"}`), ""
	default: // structural_tag
		val, bad = structuralTag(v)
		return "response_format", val, bad
	}
}

// jsonSchemaFormat builds an SGLang response_format of type json_schema
// from a vLLM JSON schema given as an object or as a string holding one.
// The schema's bytes are embedded as sent.
func jsonSchemaFormat(v []byte, name string) (val []byte, bad string) {
	schema, ok := objectOrEncodedObject(v)
	if !ok {
		return nil, "must be a JSON schema: an object, or a string holding one"
	}
	val = append(val, `{"type":"json_schema","json_schema":{"name":`...)
	val = appendString(val, name)
	val = append(val, `,"schema":`...)
	val = append(val, schema...)
	return append(val, "}}"...), ""
}

// objectOrEncodedObject returns v when it is an object, or the text of v
// when v is a string holding a JSON object.
func objectOrEncodedObject(v []byte) ([]byte, bool) {
	switch kindOf(v) {
	case '{':
		return v, true
	case '"':
		d, _ := decodeJSONString(v)
		s := []byte(d)
		s = s[skipSpace(s, 0):]
		if isObject(s) && validate(s, nil) == nil {
			return bytes.TrimRight(s, " \t\n\r"), true
		}
	}
	return nil, false
}

// choiceRegex turns a list of choices into a regex matching exactly one of
// them: (c1|c2|...), each choice escaped.
func choiceRegex(v []byte) (val []byte, bad string) {
	const notList = "must be a non-empty list of strings"
	if kindOf(v) != '[' {
		return nil, notList
	}
	els, _, ok := scanArray(v, 0, nil)
	if !ok || len(els) == 0 {
		return nil, notList
	}
	choices := make([]string, len(els))
	for i, el := range els {
		c, ok := decodeJSONString(v[el.start:el.end])
		if !ok {
			return nil, notList
		}
		choices[i] = regexp.QuoteMeta(c)
	}
	return appendString(nil, "("+strings.Join(choices, "|")+")"), ""
}

// ebnfGrammar accepts grammars written in EBNF/GBNF (rules "name ::= ...").
// vLLM also takes Lark grammars and converts them; SGLang cannot.
func ebnfGrammar(v []byte) (bad string) {
	if kindOf(v) != '"' {
		return "must be a string"
	}
	if d, _ := decodeJSONString(v); !strings.Contains(d, "::=") {
		return "is not an EBNF grammar (no \"::=\" rule); SGLang takes EBNF (GBNF) grammars only, not Lark"
	}
	return ""
}

// structuralTag takes vLLM's structural tag (a JSON string, or an object)
// and returns it as SGLang's response_format of type structural_tag.
func structuralTag(v []byte) (val []byte, bad string) {
	obj, ok := objectOrEncodedObject(v)
	if !ok {
		return nil, "must be a structural tag object, or a string holding one"
	}
	ms, _, ok := scanObject(obj, 0, nil)
	if tooManyMembers(ms, ok) {
		return nil, "has more than " + strconv.Itoa(maxMembers) + " members"
	}
	if j := lastNamed(obj, ms, "type"); j >= 0 && string(ms[j].value(obj)) == `"structural_tag"` {
		return obj, ""
	}
	return nil, "must have \"type\": \"structural_tag\""
}

// constraintFields are SGLang's output constraint fields; SGLang applies one.
var constraintFields = []string{"response_format", "regex", "ebnf", "json_schema"}

// checkConstraints refuses a body whose translated vLLM constraint meets
// another constraint: vLLM refuses more than one as well, and SGLang would
// otherwise apply one of them and ignore the rest.
func (r *rewriter) checkConstraints() {
	if len(r.produced) == 0 {
		return
	}
	var names []string
	for _, p := range r.produced {
		names = append(names, p.source)
	}
	for j := range r.ms {
		m := &r.ms[j]
		if !r.counts(j) || !r.untouched(j) || isNull(m.value(r.b)) {
			continue
		}
		for _, f := range constraintFields {
			if m.is(r.b, f) && !(f == "response_format" && r.isTextFormat(j)) {
				names = append(names, f)
			}
		}
	}
	if len(names) > 1 {
		r.refuse(names[0], "cannot be combined with "+strings.Join(names[1:], ", ")+": only one output constraint may be set")
	}
}

// isTextFormat reports whether response_format member i asks for plain
// text.
func (r *rewriter) isTextFormat(i int) bool {
	if !isObject(r.ms[i].value(r.b)) {
		return false
	}
	ms := r.object(i)
	j := lastNamed(r.b, ms, "type")
	return j >= 0 && string(ms[j].value(r.b)) == `"text"`
}

// object returns the members of member i's value, an object; nil, with the
// body refused, when it has more than maxMembers.
func (r *rewriter) object(i int) []member {
	ms, _, ok := scanObject(r.b, r.ms[i].valStart, nil)
	if tooManyMembers(ms, ok) {
		if r.reject == nil || r.reject.Field != BodyField {
			r.reject = unreadableBody(errManyMembers)
		}
		return nil
	}
	return ms
}

// lastNamed returns the index of the last member named name (the one
// Python keeps), or -1.
func lastNamed(b []byte, ms []member, name string) int {
	for j := len(ms) - 1; j >= 0; j-- {
		if ms[j].is(b, name) {
			return j
		}
	}
	return -1
}

// sameNumber reports whether v is a JSON number equal to u.
func sameNumber(v []byte, u string) bool {
	if kindOf(v) != '0' {
		return false
	}
	a, err1 := strconv.ParseFloat(string(v), 64)
	b, err2 := strconv.ParseFloat(u, 64)
	return err1 == nil && err2 == nil && a == b
}
