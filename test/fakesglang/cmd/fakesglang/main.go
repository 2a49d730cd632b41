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

// Command fakesglang runs the fake SGLang server of package fakesglang. It
// takes SGLang's server argv, so it can stand in for
// "python3 -m sglang.launch_server ...":
//
//	fakesglang python3 -m sglang.launch_server --model-path M --host H --port P [...]
//
// Behaviour not expressible as SGLang flags comes from the environment:
// FAKESGLANG_HEALTH_DELAY (default 1s), FAKESGLANG_EVENT_DELAY,
// FAKESGLANG_EVENTS, FAKESGLANG_DISCARD_REQUESTS=true (keep no record;
// for load tests), FAKESGLANG_FASTAPI_VALIDATION=true (validation errors
// as FastAPI's default 422), FAKESGLANG_SERVER_INFO_ENCODING (the
// Content-Encoding of /get_server_info; gzip compresses it),
// FAKESGLANG_METRICS_MODELS (that many more models in /metrics) and
// FAKESGLANG_RELEASE (the SGLang release whose flags
// it accepts; default the oldest supported). Its --tool-call-parser and --reasoning-parser shape the
// answers as SGLang's would (see package fakesglang).
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/fakesglang"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fakesglang:", err)
		os.Exit(2)
	}
}

func run(argv []string) error {
	rel, err := release()
	if err != nil {
		return err
	}
	args, err := fakesglang.ParseArgs(argv, flagLookup(rel))
	if err != nil {
		return err
	}
	// Choices too, as SGLang's argparse checks them before anything starts.
	if err := rel.Validate(fakesglang.ServerArgs(argv)); err != nil {
		return err
	}
	opts := fakesglang.Options{
		Model:          args.Model(),
		EnableMetrics:  args.EnableMetrics,
		APIKey:         args.APIKey,
		HealthDelay:    envDuration("FAKESGLANG_HEALTH_DELAY"),
		EventDelay:     envDuration("FAKESGLANG_EVENT_DELAY"),
		ToolCallParser: args.ToolCallParser,
		// A load generator's requests would pile up in memory.
		DiscardRequests: os.Getenv("FAKESGLANG_DISCARD_REQUESTS") == "true",
		ReasoningParser: args.ReasoningParser,
		// 422 as FastAPI answers validation errors by default.
		FastAPIValidation: os.Getenv("FAKESGLANG_FASTAPI_VALIDATION") == "true",
		EnableLoRA:        args.EnableLoRA,
		LoRAs:             args.InitialLoRAs(),
		MemorySaver:       args.MemorySaver,
		// The Content-Encoding of /get_server_info (gzip compresses it).
		ServerInfoEncoding: os.Getenv("FAKESGLANG_SERVER_INFO_ENCODING"),
	}
	if n, err := strconv.Atoi(os.Getenv("FAKESGLANG_METRICS_MODELS")); err == nil {
		opts.MetricsModels = n
	}
	if n, err := strconv.Atoi(os.Getenv("FAKESGLANG_EVENTS")); err == nil {
		opts.Events = n
	}
	fake := fakesglang.New(opts)
	ln, err := net.Listen("tcp", net.JoinHostPort(args.Host, strconv.Itoa(args.Port)))
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	srv := &http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fake.Attach(srv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	// The address line lets a parent that passed --port 0 find the port.
	fmt.Fprintf(os.Stderr, "fakesglang listening on %s\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving: %w", err)
	}
	return nil
}

func envDuration(name string) time.Duration {
	d, err := time.ParseDuration(os.Getenv(name))
	if err != nil {
		return 0
	}
	return d
}
