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
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// A script whose vLLM command the webhook cannot read in full (flags in
// variables or "$@", the command inside eval "…", several servers) is not
// translated at admission: every vLLM command in it is routed through the
// launcher (vllm-to-sglang launch), which translates the command line the
// shell actually runs, when it runs. Routing inserts the launcher's words in
// front of the vLLM program word and changes nothing else in the script.

// route is a place in the script where the launcher's words go.
type route struct {
	offset int  // byte offset of the vLLM program word in the script
	server bool // vllm serve / the API server module (not vllm --version)
	port   string
}

// findRoutes finds every vLLM command of the script: direct ones, and those
// in the literal text of eval's arguments. A vLLM command the webhook cannot
// place (built from a variable, inside nested evals) is an error: the
// container is then left alone rather than half routed.
func findRoutes(src string, file *syntax.File) ([]route, error) {
	var routes []route
	var err error
	syntax.Walk(file, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 || err != nil {
			return err == nil
		}
		words := commandWords(call.Args)
		if lit := words[0].Lit(); lit == "eval" {
			var rs []route
			rs, err = evalRoutes(src, words[1:])
			routes = append(routes, rs...)
			return false
		}
		if r, ok := vllmRoute(src, words); ok {
			routes = append(routes, r)
		}
		return true
	})
	slices.SortFunc(routes, func(a, b route) int { return a.offset - b.offset })
	return slices.CompactFunc(routes, func(a, b route) bool { return a.offset == b.offset }), err
}

// transparent are commands that run their arguments as a command.
var transparent = map[string]bool{"exec": true, "command": true, "nohup": true}

// commandWords skips exec, command, nohup and env NAME=VALUE in front of
// the program word.
func commandWords(words []*syntax.Word) []*syntax.Word {
	for len(words) > 1 {
		lit := words[0].Lit()
		switch {
		case transparent[lit]:
			words = words[1:]
		case lit == "env":
			words = words[1:]
			for len(words) > 1 && strings.Contains(words[0].Lit(), "=") {
				words = words[1:]
			}
		default:
			return words
		}
	}
	return words
}

// vllmRoute recognises a vLLM command: any `vllm` command (serve,
// --version...), or python -m vllm.entrypoints.openai.api_server.
func vllmRoute(src string, words []*syntax.Word) (route, bool) {
	head := scriptTokens(src, words[:min(len(words), 4)])
	form, n, reason := classify(head)
	isVLLM := reason == NotSkipped || reason == SkipNotServer
	if !isVLLM || head[0].raw {
		return route{}, false
	}
	r := route{offset: int(words[0].Pos().Offset()), server: form != ""}
	if r.server {
		r.port = literalPort(scriptTokens(src, words[n:]))
	}
	return r, true
}

// literalPort returns a --port value written as a literal, or "".
func literalPort(toks []token) string {
	for i, t := range toks {
		if t.raw {
			continue
		}
		if v, ok := strings.CutPrefix(t.text, "--port="); ok {
			return v
		}
		if t.text == "--port" && i+1 < len(toks) && !toks[i+1].raw {
			return toks[i+1].text
		}
	}
	return ""
}

// evalRoutes reads the string eval will run, as far as it is literal
// text, parses it as the shell will, and maps the vLLM commands it finds
// back to offsets in the script.
func evalRoutes(src string, args []*syntax.Word) ([]route, error) {
	text, offsets := evalText(src, args)
	if !strings.Contains(text, "vllm") {
		return nil, nil
	}
	file, err := syntax.NewParser().Parse(strings.NewReader(text), "")
	if err != nil {
		return nil, fmt.Errorf("an eval string that runs vLLM does not parse: %w", err)
	}
	var routes []route
	var failed error
	syntax.Walk(file, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 || failed != nil {
			return failed == nil
		}
		words := commandWords(call.Args)
		if words[0].Lit() == "eval" {
			if inner, _ := evalText(text, words[1:]); strings.Contains(inner, "vllm") {
				failed = errors.New("vLLM runs inside an eval within an eval")
			}
			return false
		}
		r, ok := vllmRoute(text, words)
		if !ok {
			return true
		}
		if offsets[r.offset] < 0 {
			failed = errors.New("the vLLM command of an eval string comes from a variable")
			return false
		}
		r.offset = offsets[r.offset]
		routes = append(routes, r)
		return true
	})
	return routes, failed
}

// expansionWord stands for what a variable or command substitution puts
// into an eval string: text the webhook cannot know.
const expansionWord = "__vllm_to_sglang_expansion__"

// evalText is the string eval joins from its arguments, with expansions
// replaced by a placeholder word, and for each byte its offset in the
// script (-1 for bytes that are not the script's).
func evalText(src string, args []*syntax.Word) (string, []int) {
	var b strings.Builder
	var offsets []int
	add := func(s string, off int) {
		for i := range len(s) {
			b.WriteByte(s[i])
			if off < 0 {
				offsets = append(offsets, -1)
			} else {
				offsets = append(offsets, off+i)
			}
		}
	}
	for i, w := range args {
		if i > 0 {
			add(" ", -1)
		}
		for _, p := range w.Parts {
			switch p := p.(type) {
			case *syntax.Lit:
				unescape(src, int(p.Pos().Offset()), int(p.End().Offset()), false, add)
			case *syntax.SglQuoted:
				if !p.Dollar {
					add(p.Value, int(p.Left.Offset())+1)
				} else {
					add(expansionWord, -1)
				}
			case *syntax.DblQuoted:
				for _, q := range p.Parts {
					if lit, ok := q.(*syntax.Lit); ok {
						unescape(src, int(lit.Pos().Offset()), int(lit.End().Offset()), true, add)
					} else {
						add(expansionWord, -1)
					}
				}
			default:
				add(expansionWord, -1)
			}
		}
	}
	return b.String(), offsets
}

// unescape adds the literal text src[from:to] as the shell reads it:
// backslash-newline is removed; a backslash quotes the next byte (within
// double quotes only before $, `, ", \ and newline).
func unescape(src string, from, to int, inDouble bool, add func(string, int)) {
	for i := from; i < to; i++ {
		if src[i] != '\\' || i+1 >= to {
			add(src[i:i+1], i)
			continue
		}
		next := src[i+1]
		switch {
		case next == '\n':
			i++
		case !inDouble || strings.IndexByte("$`\"\\", next) >= 0:
			add(src[i+1:i+2], i+1)
			i++
		default:
			add(src[i:i+1], i)
		}
	}
}

// plainWord matches launcher words that need no quoting in any context the
// launcher is inserted in (unquoted, single or double quotes).
var plainWord = regexp.MustCompile(`^[A-Za-z0-9_./=:@+,-]+$`)

// Route returns the container's command and args with every vLLM command
// of its script run through the launcher: launcher's words (the launcher
// binary, its subcommand and flags, ending in "--") go in front of each
// vLLM program word; the rest of the script is kept byte for byte. It is
// for an invocation Detect found TranslateAtStart.
func (inv *Invocation) Route(launcher []string) (command, args []string, err error) {
	if inv.script == nil || len(inv.routes) == 0 {
		return nil, nil, errors.New("not a script to translate at start")
	}
	for _, w := range launcher {
		if !plainWord.MatchString(w) {
			return nil, nil, fmt.Errorf("launcher word %q needs quoting", w)
		}
	}
	prefix := strings.Join(launcher, " ") + " "
	text := inv.script.text
	for _, r := range slices.Backward(inv.routes) {
		text = text[:r.offset] + prefix + text[r.offset:]
	}
	command, args = inv.withScript(text)
	return command, args, nil
}

// LiteralPort returns the --port the script's vLLM server commands write
// as a literal (the first one), for a script translated at start.
func (inv *Invocation) LiteralPort() (int32, bool) {
	for _, r := range inv.routes {
		if n, err := strconv.ParseUint(r.port, 10, 16); err == nil && n > 0 {
			return int32(n), true
		}
	}
	return 0, false
}
