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
	"strconv"
	"strings"
)

// Args is what the fake takes from an SGLang server command line.
type Args struct {
	ModelPath       string
	ServedModelName string
	Host            string
	Port            int
	EnableMetrics   bool
	APIKey          string
	ToolCallParser  string
	ReasoningParser string
	// LoRA: --enable-lora, --lora-paths (the initial adapters, name=path
	// or a path), --max-lora-rank and --lora-target-modules.
	EnableLoRA        bool
	LoRAPaths         []string
	MaxLoRARank       string
	LoRATargetModules []string
	// MemorySaver is --enable-memory-saver. Its companion
	// --enable-weights-cpu-backup is accepted and changes nothing: the
	// fake releases no real memory.
	MemorySaver bool
}

// FlagInfo describes one SGLang flag for ParseArgs.
type FlagInfo struct {
	// Name is the canonical spelling ("--model" is an alias of "--model-path").
	Name string
	// TakesValue is false for switches.
	TakesValue bool
	// OptionalValue is argparse's nargs="?"; Multi is nargs "*" or "+".
	OptionalValue, Multi bool
}

// FlagLookup finds an SGLang flag by any of its spellings.
type FlagLookup func(name string) (FlagInfo, bool)

// SGLang's own defaults for the flags the fake uses.
const (
	DefaultHost = "127.0.0.1"
	DefaultPort = 30000
)

// ParseArgs reads an SGLang server argv, with or without its launcher
// ("python3 -m sglang.launch_server", "sglang serve", a leading "--").
// With a lookup it rejects flags SGLang does not have, as SGLang's argparse
// does; without one it accepts any flag and guesses values (a following
// token that is not a flag).
func ParseArgs(argv []string, lookup FlagLookup) (Args, error) {
	a := Args{Host: DefaultHost, Port: DefaultPort}
	argv = ServerArgs(argv)
	var unknown []string
	for i := 0; i < len(argv); i++ {
		tok := argv[i]
		if !strings.HasPrefix(tok, "-") {
			return a, fmt.Errorf("unrecognized arguments: %s", tok)
		}
		name, value, hasValue := strings.Cut(tok, "=")
		info, known := guessFlag(argv, i)
		if lookup != nil {
			info, known = lookup(name)
		}
		if !known {
			unknown = append(unknown, tok)
			info, _ = guessFlag(argv, i)
		}
		var values []string
		if hasValue {
			values = []string{value}
		}
		if info.TakesValue && !hasValue {
			next := i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "-")
			if !next && !info.OptionalValue && !info.Multi {
				return a, fmt.Errorf("argument %s: expected one argument", name)
			}
			for next {
				i++
				value = argv[i]
				values = append(values, value)
				next = info.Multi && i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "-")
			}
		}
		if err := a.set(info.Name, value, values); err != nil {
			return a, err
		}
	}
	if len(unknown) > 0 {
		return a, fmt.Errorf("unrecognized arguments: %s", strings.Join(unknown, " "))
	}
	if a.ModelPath == "" {
		return a, fmt.Errorf("the following arguments are required: --model-path")
	}
	return a, a.check()
}

// loraInitError is SGLang's own message (server_args.py check_lora_server_args).
const loraInitError = "When no initial --lora-paths is provided, you need to specify both --max-lora-rank and --lora-target-modules for LoRA initialization."

// check is what SGLang's ServerArgs asserts before it starts, as far as
// the fake plays it.
func (a Args) check() error {
	// server_args.py check_lora_server_args.
	if a.EnableLoRA && len(a.LoRAPaths) == 0 && (a.MaxLoRARank == "" || len(a.LoRATargetModules) == 0) {
		return errors.New(loraInitError) //nolint:staticcheck // SGLang's own message, verbatim
	}
	return nil
}

// ServerArgs drops the interpreter and module in front of the flags.
func ServerArgs(argv []string) []string {
	for i, tok := range argv {
		switch {
		case tok == "sglang.launch_server" || tok == "serve":
			return argv[i+1:]
		case tok == "--":
			return argv[i+1:]
		case strings.HasPrefix(tok, "--"):
			return argv[i:]
		}
	}
	return argv
}

// guessFlag is the lookup-free rule: a flag takes the next token as its
// value unless that token is itself a flag.
func guessFlag(argv []string, i int) (FlagInfo, bool) {
	name, _, hasValue := strings.Cut(argv[i], "=")
	takes := hasValue || (i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "-"))
	return FlagInfo{Name: name, TakesValue: takes}, true
}

func (a *Args) set(name, value string, values []string) error {
	switch name {
	case "--model-path", "--model":
		a.ModelPath = value
	case "--served-model-name":
		a.ServedModelName = value
	case "--host":
		a.Host = value
	case "--port":
		p, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("argument --port: invalid int value: %q", value)
		}
		a.Port = p
	case "--enable-metrics":
		a.EnableMetrics = true
	case "--api-key":
		a.APIKey = value
	case "--tool-call-parser":
		a.ToolCallParser = value
	case "--reasoning-parser":
		a.ReasoningParser = value
	case "--enable-lora":
		a.EnableLoRA = true
	case "--lora-paths":
		a.LoRAPaths = append(a.LoRAPaths, values...)
	case "--max-lora-rank":
		a.MaxLoRARank = value
	case "--lora-target-modules":
		a.LoRATargetModules = values
	case "--enable-memory-saver":
		a.MemorySaver = true
	}
	return nil
}

// InitialLoRAs are the adapters of --lora-paths by name: "name=path", a
// JSON object {"lora_name","lora_path"}, or a path named after itself.
func (a Args) InitialLoRAs() map[string]string {
	out := map[string]string{}
	for _, p := range a.LoRAPaths {
		var ref struct {
			Name string `json:"lora_name"`
			Path string `json:"lora_path"`
		}
		if json.Unmarshal([]byte(p), &ref) == nil && ref.Name != "" {
			out[ref.Name] = ref.Path
			continue
		}
		if name, path, ok := strings.Cut(p, "="); ok {
			out[name] = path
			continue
		}
		out[p] = p
	}
	return out
}

// Model is the name the server reports: --served-model-name, else --model-path.
func (a Args) Model() string {
	if a.ServedModelName != "" {
		return a.ServedModelName
	}
	return a.ModelPath
}
