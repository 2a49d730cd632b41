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

// Success responses differ from vLLM's in two fields clients read:
//   - reasoning text is message.reasoning_content (delta.reasoning_content in
//     a stream) in SGLang; newest vLLM calls it reasoning (older vLLM, and
//     DeepSeek's API, reasoning_content). Both are sent.
//   - vLLM says why a choice stopped in stop_reason: the stop string, the
//     stop token id, or null for end-of-sequence and length. SGLang has
//     matched_stop, which also holds the EOS token id for a natural end, so
//     only a matched stop string can be carried over; any other finish is
//     reported as null, the value vLLM gives the common EOS case.
// SGLang's extra fields (matched_stop, sglext, metadata, ...) stay: OpenAI
// clients ignore fields they do not know.

// Response translates a 200 body of /v1/chat/completions or /v1/completions,
// or the data of one event of such a stream, to vLLM's field names. It
// returns data itself and false when nothing changes, which is the case for
// almost every stream event; it allocates only for the events it changes.
// data is expected to come from SGLang and is not validated.
func Response(path string, data []byte) (out []byte, changed bool) {
	ep := endpointOf(path)
	start := skipSpace(data, 0)
	if ep == 0 || start >= len(data) || data[start] != '{' {
		return data, false
	}
	var buf [16]member
	ms, _, ok := scanObject(data, start, buf[:0])
	if !ok {
		return data, false
	}
	for i := range ms {
		m := &ms[i]
		if !m.is(data, "choices") || kindOf(m.value(data)) != '[' {
			continue
		}
		v := translateChoices(data, m.valStart, m.valEnd, ep)
		if v == nil {
			return data, false
		}
		out = make([]byte, 0, len(data)+len(v)-(m.valEnd-m.valStart))
		out = append(out, data[:m.valStart]...)
		out = append(out, v...)
		return append(out, data[m.valEnd:]...), true
	}
	return data, false
}

func translateChoices(b []byte, s, e int, ep endpoint) []byte {
	var ebuf [8]span
	els, _, ok := scanArray(b, s, ebuf[:0])
	if !ok {
		return nil
	}
	var reps []rep
	for _, el := range els {
		if b[el.start] != '{' {
			continue
		}
		if v := translateChoice(b, el.start, el.end, ep); v != nil {
			reps = append(reps, rep{el.start, el.end, v})
		}
	}
	if reps == nil {
		return nil
	}
	return splice(make([]byte, 0, e-s+grown(reps)), b, s, e, reps)
}

// grown is how much longer reps make the text they replace, at most.
func grown(reps []rep) int {
	n := 0
	for _, r := range reps {
		n += len(r.val)
	}
	return n
}

func translateChoice(b []byte, s, e int, ep endpoint) []byte {
	var mbuf [16]member
	ms, _, ok := scanObject(b, s, mbuf[:0])
	if !ok {
		return nil
	}
	var ed objectEdit
	var finished, hasStopReason bool
	var matched []byte
	for i := range ms {
		m := &ms[i]
		v := m.value(b)
		switch {
		case ep == epChat && (m.is(b, "message") || m.is(b, "delta")) && isObject(v):
			if nv := addReasoning(b, m.valStart, m.valEnd); nv != nil {
				ed.at(len(ms), i).val = nv
			}
		case m.is(b, "finish_reason"):
			finished = !isNull(v)
		case m.is(b, "stop_reason"):
			hasStopReason = true
		case m.is(b, "matched_stop"):
			matched = v
		}
	}
	if finished && !hasStopReason {
		reason := []byte("null")
		if kindOf(matched) == '"' {
			reason = matched
		}
		ed.add = append(ed.add, [2][]byte{[]byte(`"stop_reason"`), reason})
	}
	if ed.empty() {
		return nil
	}
	extra := 32
	for _, me := range ed.edits {
		extra += len(me.val)
	}
	return renderObject(make([]byte, 0, e-s+extra), b, s, e, ms, &ed)
}

// addReasoning copies a string reasoning_content into reasoning.
func addReasoning(b []byte, s, e int) []byte {
	var mbuf [16]member
	ms, _, ok := scanObject(b, s, mbuf[:0])
	if !ok {
		return nil
	}
	var text []byte
	for i := range ms {
		switch m := &ms[i]; {
		case m.is(b, "reasoning"):
			return nil
		case m.is(b, "reasoning_content") && kindOf(m.value(b)) == '"':
			text = m.value(b)
		}
	}
	if text == nil {
		return nil
	}
	ed := objectEdit{add: [][2][]byte{{[]byte(`"reasoning"`), text}}}
	return renderObject(make([]byte, 0, e-s+len(text)+16), b, s, e, ms, &ed)
}
