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

package fakesglang

import (
	"encoding/json"
	"errors"
	"fmt"
)

// maxTopLogprobs are the bounds SGLang's request models put on
// top_logprobs (chat) and logprobs (completions), as OpenAI's API does.
const (
	maxChatTopLogprobs       = 20
	maxCompletionTopLogprobs = 5
)

// askedLogprobs reads what the request asks: on chat, logprobs (a bool)
// and top_logprobs (alternatives per token, only with logprobs: true); on
// completions, logprobs is itself the number of alternatives.
func askedLogprobs(body completionRequest, chat bool) (want bool, top int, err error) {
	if !chat {
		if body.Logprobs == nil {
			return false, 0, nil
		}
		if json.Unmarshal(*body.Logprobs, &top) != nil || top < 0 || top > maxCompletionTopLogprobs {
			return false, 0, fmt.Errorf("logprobs must be an integer from 0 to %d", maxCompletionTopLogprobs)
		}
		return true, top, nil
	}
	if body.Logprobs != nil && json.Unmarshal(*body.Logprobs, &want) != nil {
		return false, 0, errors.New("logprobs must be a boolean")
	}
	if body.TopLogprobs != nil {
		if json.Unmarshal(*body.TopLogprobs, &top) != nil || top < 0 || top > maxChatTopLogprobs {
			return false, 0, fmt.Errorf("top_logprobs must be an integer from 0 to %d", maxChatTopLogprobs)
		}
	}
	if !want {
		return false, 0, nil
	}
	return true, top, nil
}

// Chat logprobs, OpenAI's shape as SGLang's ChoiceLogprobs writes it
// (field order of its pydantic models).
type (
	chatLogprobs struct {
		Content []tokenLogprob `json:"content"`
	}
	tokenLogprob struct {
		Token       string       `json:"token"`
		Bytes       []int        `json:"bytes"`
		Logprob     float64      `json:"logprob"`
		TopLogprobs []topLogprob `json:"top_logprobs"`
	}
	topLogprob struct {
		Token   string  `json:"token"`
		Bytes   []int   `json:"bytes"`
		Logprob float64 `json:"logprob"`
	}
	// textLogprobs is the completions shape (SGLang's LogProbs).
	textLogprobs struct {
		TextOffset    []int                `json:"text_offset"`
		TokenLogprobs []float64            `json:"token_logprobs"`
		Tokens        []string             `json:"tokens"`
		TopLogprobs   []map[string]float64 `json:"top_logprobs"`
	}
)

// tokenLogprobAt is a made-up but well-formed entry for the token at
// position pos: the sampled token is the likeliest, and each alternative
// (other words of the fake's vocabulary) is less likely than the one before.
func tokenLogprobAt(token string, pos, top int) tokenLogprob {
	lp := -0.05 * float64(pos%7+1)
	e := tokenLogprob{Token: token, Bytes: utf8Bytes(token), Logprob: lp, TopLogprobs: []topLogprob{}}
	for k := range top {
		alt, altLP := token, lp
		if k > 0 {
			alt, altLP = words[(pos+k)%len(words)], lp-1.5*float64(k)
			if alt == token {
				alt += "s"
			}
		}
		e.TopLogprobs = append(e.TopLogprobs, topLogprob{Token: alt, Bytes: utf8Bytes(alt), Logprob: altLP})
	}
	return e
}

func utf8Bytes(s string) []int {
	out := make([]int, len(s))
	for i := range len(s) {
		out[i] = int(s[i])
	}
	return out
}

// logprobsFor is the logprobs of a whole answer made of tokens, in the
// endpoint's shape, or nil when the request asked for none.
func (c completion) logprobsFor(tokens []string) any {
	if !c.logprobs {
		return nil
	}
	entries := make([]tokenLogprob, len(tokens))
	for i, tok := range tokens {
		entries[i] = tokenLogprobAt(tok, i, c.topLogprobs)
	}
	if c.chat {
		return chatLogprobs{Content: entries}
	}
	return textLogprobsOf(entries, 0)
}

// logprobsAt is the logprobs of one streamed token at position pos, which
// starts offset bytes into the generated text.
func (c completion) logprobsAt(pos, offset int, token string) any {
	e := []tokenLogprob{tokenLogprobAt(token, pos, c.topLogprobs)}
	if c.chat {
		return chatLogprobs{Content: e}
	}
	return textLogprobsOf(e, offset)
}

// textLogprobsOf writes entries in the completions shape; offset is where
// the first one starts in the generated text.
func textLogprobsOf(entries []tokenLogprob, offset int) textLogprobs {
	out := textLogprobs{TextOffset: []int{}, TokenLogprobs: []float64{}, Tokens: []string{}, TopLogprobs: []map[string]float64{}}
	for _, e := range entries {
		out.TextOffset = append(out.TextOffset, offset)
		out.TokenLogprobs = append(out.TokenLogprobs, e.Logprob)
		out.Tokens = append(out.Tokens, e.Token)
		top := map[string]float64{}
		for _, t := range e.TopLogprobs {
			top[t.Token] = t.Logprob
		}
		out.TopLogprobs = append(out.TopLogprobs, top)
		offset += len(e.Token)
	}
	return out
}

// toolCallTokens are the tokens of the fake's non-streamed tool call
// arguments, {"city": "Paris"}.
var toolCallTokens = []string{`{"`, "city", `":`, ` "`, "Paris", `"}`}

// answerTokens are the tokens a non-streamed answer is made of.
func (c completion) answerTokens() []string {
	if c.chat && c.toolName != "" {
		return toolCallTokens
	}
	out := make([]string, c.events)
	for i := range out {
		out[i] = words[i%len(words)]
	}
	return out
}
