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

package argv

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// script is a shell script that starts vLLM's server, and where.
type script struct {
	text       string
	lang       syntax.LangVariant
	argvIndex  int  // index of the script in command+args
	start, end uint // byte range of the server command's words
}

var shells = map[string]syntax.LangVariant{
	"sh": syntax.LangPOSIX, "dash": syntax.LangPOSIX, "ash": syntax.LangPOSIX,
	"bash": syntax.LangBash, "ksh": syntax.LangMirBSDKorn, "zsh": syntax.LangBash,
}

// findShellScript recognises `sh|bash [options] -c SCRIPT [name args...]`.
func findShellScript(argv []string) (*script, bool) {
	lang, ok := shells[path.Base(argv[0])]
	if !ok {
		return nil, false
	}
	hasC := false
	i := 1
	for ; i < len(argv) && len(argv[i]) > 1 && (argv[i][0] == '-' || argv[i][0] == '+'); i++ {
		if argv[i][0] == '-' && argv[i][1] != '-' && strings.Contains(argv[i], "c") {
			hasC = true
		}
	}
	if !hasC || i >= len(argv) {
		return nil, false
	}
	return &script{text: argv[i], lang: lang, argvIndex: i}, true
}

// maxScript bounds the scripts the webhook parses.
const maxScript = 256 << 10

// detectShell finds the one vLLM server command of a script.
func detectShell(s *script, command, args []string) (*Invocation, SkipReason) {
	if len(s.text) > maxScript {
		return &Invocation{Shell: true, Detail: "the script is longer than 256 KiB"}, SkipShellUnsafe
	}
	file, err := syntax.NewParser(syntax.Variant(s.lang)).Parse(strings.NewReader(s.text), "")
	if err != nil {
		return &Invocation{Shell: true, Detail: "the script does not parse: " + err.Error()}, SkipShellUnsafe
	}
	servers, ray := findServerCalls(file)
	routes, routeErr := findRoutes(s.text, file)
	atStart := func(why string, parsed *Invocation) (*Invocation, SkipReason) {
		inv := &Invocation{Form: FormServe, Shell: true, script: s, routes: routes, Detail: why,
			command: command, args: args, atStart: parsed}
		return inv, TranslateAtStart
	}
	// A server among the routes that no static call accounts for runs in an eval string.
	inEval := slices.ContainsFunc(routes, func(r route) bool {
		return r.server && !slices.ContainsFunc(servers, func(c serverCall) bool { return routeAt(r, c) })
	})
	switch {
	case routeErr != nil:
		return &Invocation{Shell: true, Detail: routeErr.Error()}, SkipShellUnsafe
	case ray && (len(servers) > 0 || inEval):
		return &Invocation{Shell: true, Detail: "the script starts a Ray node (ray start)"}, SkipMultiNode
	case inEval:
		return atStart("vLLM's command runs from an eval string", nil)
	case len(servers) == 0:
		return nil, SkipNotVLLM
	case len(servers) > 1:
		return atStart(fmt.Sprintf("%d vLLM server commands", len(servers)), nil)
	}
	call := servers[0]
	inv := &Invocation{Form: call.form, Shell: true, script: s}
	s.start, s.end = call.words[0].Pos().Offset(), call.words[len(call.words)-1].End().Offset()
	inv, reason := detectArgs(inv, scriptTokens(s.text, call.words[call.prog:]), command, args)
	if reason == NotSkipped {
		if why := hiddenArgs(inv); why != "" {
			return atStart(why, inv)
		}
	}
	return inv, reason
}

// routeAt reports whether a route is the place of a server call.
func routeAt(r route, c serverCall) bool { return r.offset == int(c.words[0].Pos().Offset()) }

// serverCall is a vLLM server command found in a script.
type serverCall struct {
	form  Form
	words []*syntax.Word // from the program word to the last argument
	prog  int            // how many of words are program words
}

// findServerCalls walks every simple command of the script.
func findServerCalls(file *syntax.File) (servers []serverCall, ray bool) {
	syntax.Walk(file, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		words := commandWords(call.Args)
		head := scriptTokens("", words[:min(len(words), 4)])
		if len(head) > 1 && head[0].text == "ray" && head[1].text == "start" {
			ray = true
		}
		if form, n, reason := classify(head); reason == NotSkipped {
			servers = append(servers, serverCall{form: form, words: words, prog: n})
		}
		return true
	})
	return servers, ray
}

// scriptTokens turns shell words into tokens: the literal value of words
// without expansions, else the word's source text (raw).
func scriptTokens(src string, words []*syntax.Word) []token {
	out := make([]token, len(words))
	for i, w := range words {
		if v, ok := literalWord(w); ok {
			out[i] = token{text: v}
			continue
		}
		out[i] = token{text: wordSource(src, w), raw: true}
	}
	return out
}

// literalWord evaluates a word made of plain text and quotes only.
func literalWord(w *syntax.Word) (string, bool) {
	for i, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			if strings.ContainsAny(p.Value, "*?[{") || (i == 0 && strings.HasPrefix(p.Value, "~")) {
				return "", false // globs, braces and tildes expand ({1..99999999} without bound)
			}
		case *syntax.SglQuoted:
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				if _, ok := q.(*syntax.Lit); !ok {
					return "", false
				}
			}
		default:
			return "", false
		}
	}
	// Fields, not Literal: it removes the backslashes of unquoted escapes.
	fields, err := expand.Fields(&expand.Config{}, w)
	if err != nil || len(fields) != 1 {
		return "", false // brace expansion made several words
	}
	return fields[0], true
}

func wordSource(src string, w *syntax.Word) string {
	if src == "" {
		return ""
	}
	return src[w.Pos().Offset():w.End().Offset()]
}

// hiddenArgs finds arguments the shell supplies at run time in a place
// where a flag could be (their flags cannot be translated), and values
// the script's shell cannot quote (they could not be written back).
func hiddenArgs(inv *Invocation) string {
	for _, a := range inv.Args {
		if a.Flag == "" && a.Opaque && !inv.modelArg(a) {
			return fmt.Sprintf("vLLM arguments come from %s at run time", a.Value())
		}
		for i, v := range a.Values {
			if _, err := syntax.Quote(v, inv.script.lang); err != nil && !a.raw[i] {
				return fmt.Sprintf("the value %q cannot be quoted for this shell", v)
			}
		}
	}
	return ""
}

// rewrite replaces the vLLM command in the script by SGLang's; the rest
// of the script is kept byte for byte.
func (s *script) rewrite(es []emission) (string, error) {
	words := append([]string(nil), sglangProgram...)
	for _, e := range es {
		head := flatten(e)
		q, err := syntax.Quote(head[0], s.lang)
		if err != nil {
			return "", fmt.Errorf("quoting %s for the shell: %w", head[0], err)
		}
		words = append(words, q)
		for i, v := range e.vals[len(e.vals)-(len(head)-1):] {
			w, err := s.word(v)
			if err != nil {
				return "", fmt.Errorf("quoting %s value %d for the shell: %w", e.flag, i, err)
			}
			words = append(words, w)
		}
	}
	return s.text[:s.start] + strings.Join(words, " ") + s.text[s.end:], nil
}

func (s *script) word(v token) (string, error) {
	if v.raw {
		return v.text, nil
	}
	return syntax.Quote(v.text, s.lang)
}

// withScript returns the container's command and args with the script replaced.
func (inv *Invocation) withScript(text string) (command, args []string) {
	command = append([]string(nil), inv.command...)
	args = append([]string(nil), inv.args...)
	if i := inv.script.argvIndex; i < len(command) {
		command[i] = text
	} else {
		args[i-len(command)] = text
	}
	return command, args
}
