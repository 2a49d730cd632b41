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

package proxy

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/metrics"
)

// Defaults of the proxy's flags, named once.
const (
	DefaultListen         = ":8000"
	DefaultUpstream       = "http://127.0.0.1:8001"
	DefaultHealthPath     = "/health"
	DefaultHealthInterval = 5 * time.Second
	DefaultHealthTimeout  = 3 * time.Second
	DefaultHealthFall     = 3
	DefaultHealthRise     = 2
	DefaultMetricsMode    = MetricsModeTranslate
	DefaultMetricsCache   = time.Second
	DefaultFixToolSchemas = true
	// DefaultMaxBodyBytes bounds request bodies; multimodal requests carry
	// base64 images, so it is generous.
	DefaultMaxBodyBytes  = 32 << 20
	DefaultShutdownGrace = 30 * time.Second
)

// Defaults of the limits on what clients can make the proxy hold
// (docs/proxy.md, "Limits and hostile input", has the measured figures
// they were chosen from).
const (
	// DefaultBodyMemoryBytes bounds the request-body bytes held at once,
	// across requests, unless --max-body-bytes asks for more (BodyMemory).
	DefaultBodyMemoryBytes = 64 << 20
	// DefaultBodyTimeout is the time a request body has before
	// DefaultBodyMinRate applies; DefaultBodyMinRate is the average rate
	// (bytes/s) a body must keep after that.
	DefaultBodyTimeout = 10 * time.Second
	DefaultBodyMinRate = 64 << 10
	// DefaultHeaderTimeout is the time a request head (request line and
	// header fields) has to arrive.
	DefaultHeaderTimeout = 10 * time.Second
	// DefaultMaxHeaderBytes bounds a request head (nginx's default buffers
	// take 32 KiB; Go's default is 1 MiB).
	DefaultMaxHeaderBytes = 32 << 10
	// DefaultMaxHeaderFields bounds the header fields of a request (as
	// Apache's LimitRequestFields and Envoy's max_headers_count).
	DefaultMaxHeaderFields = 100
	// DefaultMaxConnections bounds the client connections open at once.
	// At about 100 KiB for a connection of the costliest kind (the largest
	// head allowed and a body arriving), 2,048 of them, the body budget
	// and a scrape at the exposition limit stay within 80% of the
	// sidecar's default 512 MiB (the Go soft limit).
	DefaultMaxConnections = 2048
)

// minHeaderBytes is the smallest --max-header-bytes: a request head with
// a few ordinary headers.
const minHeaderBytes = 1 << 10

// Metrics modes (--metrics-mode), as package metrics names them.
const (
	MetricsModeTranslate   = metrics.ModeTranslate
	MetricsModePassthrough = metrics.ModePassthrough
)

// DefaultStripParams are the request fields SGLang's Mistral tool-call
// parser was reported to reject with 422 (by vultr/vllm-to-sglang, whose
// strip_params filter removed them; docs/request-filters.md says what was checked).
func DefaultStripParams() []string { return []string{"logprobs", "top_logprobs"} }

// Options are the proxy's settings, one field per flag.
type Options struct {
	Listen         string
	Upstream       string
	HealthPath     string
	HealthInterval time.Duration
	HealthTimeout  time.Duration
	HealthFall     int
	HealthRise     int
	MetricsMode    string
	MetricsCache   time.Duration
	StripParams    []string
	FixToolSchemas bool
	AllowPaths     []string
	MaxBodyBytes   int64
	ShutdownGrace  time.Duration
	// Limits on what clients can make the proxy hold (limits.go, conns.go).
	// BodyMemoryBytes 0 is BodyMemory's default.
	BodyMemoryBytes int64
	BodyTimeout     time.Duration
	BodyMinRate     int64
	HeaderTimeout   time.Duration
	MaxHeaderBytes  int
	MaxHeaderFields int
	MaxConnections  int
	// The management endpoints vLLM mounts only when the pod enables them
	// (docs/proxy.md): off, they get vLLM's 404 like any unknown path.
	LoRAAPI             bool
	SleepAPI            bool
	ResetPrefixCacheAPI bool
}

// NewOptions returns the defaults.
func NewOptions() Options {
	return Options{
		Listen: DefaultListen, Upstream: DefaultUpstream, HealthPath: DefaultHealthPath,
		HealthInterval: DefaultHealthInterval, HealthTimeout: DefaultHealthTimeout,
		HealthFall: DefaultHealthFall, HealthRise: DefaultHealthRise,
		MetricsMode: DefaultMetricsMode, MetricsCache: DefaultMetricsCache,
		StripParams: DefaultStripParams(), FixToolSchemas: DefaultFixToolSchemas,
		MaxBodyBytes: DefaultMaxBodyBytes, ShutdownGrace: DefaultShutdownGrace,
		BodyTimeout: DefaultBodyTimeout, BodyMinRate: DefaultBodyMinRate,
		HeaderTimeout: DefaultHeaderTimeout, MaxHeaderBytes: DefaultMaxHeaderBytes,
		MaxHeaderFields: DefaultMaxHeaderFields, MaxConnections: DefaultMaxConnections,
	}
}

// AddFlags binds the options to fs; the current values are the defaults.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Listen, "listen", o.Listen, "Address to serve the vLLM API on (host:port).")
	fs.StringVar(&o.Upstream, "upstream", o.Upstream, "Base URL of the SGLang server (http only: it runs in the same pod).")
	fs.StringVar(&o.HealthPath, "health-path", o.HealthPath, "Upstream path checked in the background.")
	fs.DurationVar(&o.HealthInterval, "health-interval", o.HealthInterval, "Time between upstream health checks.")
	fs.DurationVar(&o.HealthTimeout, "health-timeout", o.HealthTimeout, "Timeout of one upstream health check.")
	fs.IntVar(&o.HealthFall, "health-fall", o.HealthFall, "Consecutive failed checks that make /health answer 503.")
	fs.IntVar(&o.HealthRise, "health-rise", o.HealthRise, "Consecutive good checks that make /health answer 200 again.")
	fs.StringVar(&o.MetricsMode, "metrics-mode", o.MetricsMode, "translate: serve SGLang's metrics under vLLM's names; passthrough: serve them as SGLang writes them.")
	fs.DurationVar(&o.MetricsCache, "metrics-cache", o.MetricsCache, "How long one upstream /metrics scrape is reused.")
	fs.StringSliceVar(&o.StripParams, "strip-params", o.StripParams, "Top-level request fields removed from chat and completions bodies (comma-separated; empty strips nothing).")
	fs.BoolVar(&o.FixToolSchemas, "fix-tool-schemas", o.FixToolSchemas, "Repair malformed tool JSON schemas that SGLang rejects.")
	fs.StringArrayVar(&o.AllowPaths, "allow-path", o.AllowPaths, "Extra upstream path to forward (repeatable); a trailing / forwards the whole subtree.")
	fs.Int64Var(&o.MaxBodyBytes, "max-body-bytes", o.MaxBodyBytes, "Largest request body accepted; larger ones get 413.")
	fs.DurationVar(&o.ShutdownGrace, "shutdown-grace", o.ShutdownGrace, "Time in-flight requests get to finish after SIGTERM.")
	fs.Int64Var(&o.BodyMemoryBytes, "body-memory-bytes", o.BodyMemoryBytes, "Request-body bytes held in memory at once, across requests; a body that would need more gets 503. At least --max-body-bytes (default: 64 MiB or twice --max-body-bytes, whichever is larger).")
	fs.DurationVar(&o.BodyTimeout, "body-timeout", o.BodyTimeout, "Time a request body has before --body-min-rate applies; a body that falls behind gets 408.")
	fs.Int64Var(&o.BodyMinRate, "body-min-rate", o.BodyMinRate, "Average rate (bytes/s) a request body must keep after --body-timeout (0: the whole body within --body-timeout).")
	fs.DurationVar(&o.HeaderTimeout, "header-timeout", o.HeaderTimeout, "Time a request head has to arrive; a connection that falls behind is closed.")
	fs.IntVar(&o.MaxHeaderBytes, "max-header-bytes", o.MaxHeaderBytes, "Largest request head (request line and header fields); larger ones get 431.")
	fs.IntVar(&o.MaxHeaderFields, "max-header-fields", o.MaxHeaderFields, "Most header fields in a request; more get 431.")
	fs.IntVar(&o.MaxConnections, "max-connections", o.MaxConnections, "Client connections open at once; beyond, an idle one is closed or the new one gets 503.")
	fs.BoolVar(&o.LoRAAPI, "lora-api", o.LoRAAPI, "Serve vLLM's POST /v1/load_lora_adapter and /v1/unload_lora_adapter (vLLM: VLLM_ALLOW_RUNTIME_LORA_UPDATING) with SGLang's LoRA endpoints.")
	fs.BoolVar(&o.SleepAPI, "sleep-api", o.SleepAPI, "Serve vLLM's /sleep, /wake_up and /is_sleeping (vLLM: VLLM_SERVER_DEV_MODE and --enable-sleep-mode) with SGLang's memory release; SGLang needs --enable-memory-saver.")
	fs.BoolVar(&o.ResetPrefixCacheAPI, "reset-prefix-cache-api", o.ResetPrefixCacheAPI, "Serve vLLM's POST /reset_prefix_cache (vLLM: VLLM_SERVER_DEV_MODE) with SGLang's /flush_cache.")
}

// BodyMemory is --body-memory-bytes, or by default enough for the largest
// body and its filtered copy, and at least DefaultBodyMemoryBytes: a
// --max-body-bytes raised alone must not make bodies of that size 503.
func (o Options) BodyMemory() int64 {
	if o.BodyMemoryBytes != 0 {
		return o.BodyMemoryBytes
	}
	return max(DefaultBodyMemoryBytes, 2*o.MaxBodyBytes)
}

// Validate reports every invalid option; each message names its flag.
func (o Options) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if _, _, err := net.SplitHostPort(o.Listen); err != nil {
		bad("--listen %q must be host:port: %w", o.Listen, err)
	}
	if _, err := parseUpstream(o.Upstream); err != nil {
		bad("--upstream: %w", err)
	}
	if !strings.HasPrefix(o.HealthPath, "/") {
		bad("--health-path %q must start with /", o.HealthPath)
	}
	for flag, d := range map[string]time.Duration{"--health-interval": o.HealthInterval, "--health-timeout": o.HealthTimeout} {
		if d <= 0 {
			bad("%s must be positive, got %s", flag, d)
		}
	}
	if o.MetricsCache < 0 || o.ShutdownGrace < 0 {
		bad("--metrics-cache and --shutdown-grace must not be negative")
	}
	if o.HealthFall < 1 || o.HealthRise < 1 {
		bad("--health-fall and --health-rise must be at least 1, got %d and %d", o.HealthFall, o.HealthRise)
	}
	if o.MetricsMode != MetricsModeTranslate && o.MetricsMode != MetricsModePassthrough {
		bad("--metrics-mode must be %s or %s, got %q", MetricsModeTranslate, MetricsModePassthrough, o.MetricsMode)
	}
	for _, p := range o.AllowPaths {
		// Compared with the decoded request path, so written decoded.
		if _, err := cleanPath(p); err != nil || strings.IndexByte(p, '%') >= 0 {
			bad("--allow-path %q must be a normalised path starting with / (no dot or empty segments, backslashes, control characters or percent escapes)", p)
		}
	}
	for _, p := range o.StripParams {
		if strings.TrimSpace(p) == "" {
			bad("--strip-params has an empty name")
		}
	}
	if o.MaxBodyBytes <= 0 {
		bad("--max-body-bytes must be positive, got %d", o.MaxBodyBytes)
	}
	if o.BodyMemoryBytes != 0 && o.BodyMemoryBytes < o.MaxBodyBytes {
		bad("--body-memory-bytes (%d) must be at least --max-body-bytes (%d)", o.BodyMemoryBytes, o.MaxBodyBytes)
	}
	for flag, d := range map[string]time.Duration{"--body-timeout": o.BodyTimeout, "--header-timeout": o.HeaderTimeout} {
		if d <= 0 {
			bad("%s must be positive, got %s", flag, d)
		}
	}
	if o.BodyMinRate < 0 {
		bad("--body-min-rate must not be negative, got %d", o.BodyMinRate)
	}
	if o.MaxHeaderBytes < minHeaderBytes {
		bad("--max-header-bytes must be at least %d, got %d", minHeaderBytes, o.MaxHeaderBytes)
	}
	if o.MaxHeaderFields < 1 || o.MaxConnections < 1 {
		bad("--max-header-fields and --max-connections must be at least 1, got %d and %d", o.MaxHeaderFields, o.MaxConnections)
	}
	return errors.Join(errs...)
}

func parseUpstream(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("parsing %q: %w", raw, err)
	}
	if u.Scheme == "https" {
		return nil, fmt.Errorf("%q: https is not supported: SGLang runs in the same pod, reach it with http://", raw)
	}
	if u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("%q must be an http URL with a host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q must not have a query or fragment", raw)
	}
	return u, nil
}
