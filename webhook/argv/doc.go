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

// Package argv translates a vLLM OpenAI-server command line into an SGLang
// one. It is pure: no I/O, no Kubernetes objects, only strings in and out.
// It imports no Kubernetes package either (TestNoKubernetesDependency), so
// a program that only needs a command line translated does not link k8s.io.
//
// Detect looks at a container's command, args and image and finds vLLM's
// server: `vllm serve MODEL ...`, `python3 -m vllm.entrypoints.openai.api_server
// --model ...`, an args-only container on a vLLM server image (ServerImage),
// or one of those lines inside `sh -c SCRIPT`, parsed with mvdan.cc/sh. It
// parses the arguments the way vLLM's FlexibleArgumentParser does
// (underscores, --flag=value, short aliases such as -tp, --no-X, dotted
// JSON keys, -O3) and returns an Invocation, or a bounded SkipReason when
// the container must be left alone (not vLLM, multi-node, a script whose
// flags hide in $VARS...).
//
// Translate turns an Invocation into `python3 -m sglang.launch_server ...`.
// Every vLLM server flag has one explicit decision in the table of
// table.go: same name, renamed, value translated, SGLang's default
// already matches, dropped (tuning only, or unsafe: the server would
// behave differently), or rejected. The profile's Policy (an
// SGLangProfile's spec.args, converted by webhook/profile.ArgvPolicy)
// overrides the table per flag, maps parser names, sets the GPU memory
// policy, appends extra flags and says whether unsafe drops reject the
// pod. Each change is reported as a Finding. Flags vLLM does not know but SGLang does pass
// through; others are dropped.
//
// Every flag Translate emits, and every value of a flag with choices,
// exists in the SGLang release the profile runs (Options.Release, a catalog
// of package sglang): what the release lacks is dropped with a finding that
// names the release, so the pod never crash-loops on an argparse error.
// docs/flag-translation.md explains the decisions.
package argv
