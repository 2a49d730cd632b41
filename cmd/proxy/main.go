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

// Command proxy is the sglang-proxy sidecar: it serves vLLM's API on the
// pod's vLLM port in front of a local SGLang server. See docs/proxy.md.
//
//	proxy --listen=:8000 --upstream=http://127.0.0.1:8001 [flags]
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	opts := proxy.NewOptions()
	logOpts := newLogOptions()
	fs := pflag.NewFlagSet("proxy", pflag.ContinueOnError)
	opts.AddFlags(fs)
	logOpts.addFlags(fs)
	if err := fs.Parse(args); err != nil {
		if err == pflag.ErrHelp {
			return 0
		}
		return 2
	}
	log, err := logOpts.build()
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		return 2
	}
	setMemoryLimit(log, cgroupRoot)
	srv, err := proxy.NewServer(opts, log)
	if err != nil {
		log.Error(err, "Invalid configuration")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := srv.Run(ctx); err != nil {
		log.Error(err, "Proxy failed")
		return 1
	}
	return 0
}
