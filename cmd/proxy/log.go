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

package main

import (
	"fmt"

	"github.com/go-logr/logr"
	"github.com/go-logr/zapr"
	"github.com/spf13/pflag"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Defaults of the log flags.
const (
	defaultLogLevel  = "info"
	defaultLogFormat = "json"
)

type logOptions struct {
	level  string
	format string
}

func newLogOptions() logOptions {
	return logOptions{level: defaultLogLevel, format: defaultLogFormat}
}

func (o *logOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.level, "log-level", o.level, "Log level: debug, info or error (debug adds per-request detail).")
	fs.StringVar(&o.format, "log-format", o.format, "Log format: json or console.")
}

// build returns a logr logger backed by zap, writing to stderr.
func (o logOptions) build() (logr.Logger, error) {
	level, err := zapcore.ParseLevel(o.level)
	if err != nil {
		return logr.Discard(), fmt.Errorf("--log-level: %w", err)
	}
	var cfg zap.Config
	switch o.format {
	case "json":
		cfg = zap.NewProductionConfig()
	case "console":
		cfg = zap.NewDevelopmentConfig()
	default:
		return logr.Discard(), fmt.Errorf("--log-format must be json or console, got %q", o.format)
	}
	cfg.Level = zap.NewAtomicLevelAt(level)
	cfg.Sampling = nil
	cfg.DisableStacktrace = true
	z, err := cfg.Build()
	if err != nil {
		return logr.Discard(), fmt.Errorf("building the logger: %w", err)
	}
	return zapr.NewLogger(z), nil
}
