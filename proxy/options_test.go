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
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestOptionsFlags(t *testing.T) {
	tests := map[string]struct {
		args    []string
		wantErr string // substring; empty means valid
		check   func(t *testing.T, o Options)
	}{
		"the defaults are valid and match the documented ones": {
			check: func(t *testing.T, o Options) {
				if o.Listen != ":8000" || o.Upstream != "http://127.0.0.1:8001" || o.HealthFall != 3 || o.HealthRise != 2 ||
					strings.Join(o.StripParams, ",") != "logprobs,top_logprobs" || !o.FixToolSchemas || o.MetricsMode != "translate" {
					t.Errorf("defaults = %+v", o)
				}
			},
		},
		"the management endpoints are off by default, as in a vLLM started without them": {
			check: func(t *testing.T, o Options) {
				if o.LoRAAPI || o.SleepAPI || o.ResetPrefixCacheAPI {
					t.Errorf("defaults = %+v", o)
				}
			},
		},
		"--lora-api, --sleep-api and --reset-prefix-cache-api turn them on": {
			args: []string{"--lora-api", "--sleep-api=true", "--reset-prefix-cache-api"},
			check: func(t *testing.T, o Options) {
				if !o.LoRAAPI || !o.SleepAPI || !o.ResetPrefixCacheAPI {
					t.Errorf("options = %+v", o)
				}
			},
		},
		"an empty --strip-params strips nothing": {
			args:  []string{"--strip-params="},
			check: func(t *testing.T, o Options) { assertLen(t, o.StripParams, 0) },
		},
		"--allow-path repeats": {
			args:  []string{"--allow-path=/flush_cache", "--allow-path", "/start_profile"},
			check: func(t *testing.T, o Options) { assertLen(t, o.AllowPaths, 2) },
		},
		"--fix-tool-schemas=false turns repairs off": {
			args:  []string{"--fix-tool-schemas=false"},
			check: func(t *testing.T, o Options) { assertFalse(t, o.FixToolSchemas) },
		},
		"rejects an --upstream that is not an http URL": {args: []string{"--upstream=127.0.0.1:8001"}, wantErr: "--upstream"},
		"rejects an https --upstream, saying why":       {args: []string{"--upstream=https://127.0.0.1:8001"}, wantErr: "https is not supported"},
		"rejects a --listen without a port":             {args: []string{"--listen=localhost"}, wantErr: "--listen"},
		"rejects an unknown --metrics-mode":             {args: []string{"--metrics-mode=rename"}, wantErr: "--metrics-mode"},
		"rejects a --health-fall of zero":               {args: []string{"--health-fall=0"}, wantErr: "--health-fall"},
		"rejects a non-positive --health-interval":      {args: []string{"--health-interval=0s"}, wantErr: "--health-interval"},
		"rejects a relative --health-path":              {args: []string{"--health-path=health"}, wantErr: "--health-path"},
		"rejects a relative --allow-path":               {args: []string{"--allow-path=flush_cache"}, wantErr: "--allow-path"},
		"--max-body-bytes raised alone raises the body memory to hold such a body and its filtered copy": {
			args: []string{"--max-body-bytes=104857600"},
			check: func(t *testing.T, o Options) {
				if o.BodyMemory() != 200<<20 {
					t.Errorf("body memory %d, want 200 MiB", o.BodyMemory())
				}
			},
		},
		"the body memory is at least 64 MiB by default": {
			args: []string{"--max-body-bytes=1024"},
			check: func(t *testing.T, o Options) {
				if o.BodyMemory() != 64<<20 {
					t.Errorf("body memory %d, want 64 MiB", o.BodyMemory())
				}
			},
		},
		"rejects a --body-memory-bytes below --max-body-bytes": {args: []string{"--body-memory-bytes=1048576"}, wantErr: "--body-memory-bytes"},
		"rejects a non-positive --max-body-bytes":              {args: []string{"--max-body-bytes=0"}, wantErr: "--max-body-bytes"},
		"reports every invalid flag, not just the first":       {args: []string{"--health-path=x", "--max-body-bytes=-1"}, wantErr: "--max-body-bytes"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			o := NewOptions()
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			o.AddFlags(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatalf("parsing %v: %v", tc.args, err)
			}
			err := o.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want no error", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Validate() = %v, want an error naming %s", err, tc.wantErr)
			}
			if tc.check != nil {
				tc.check(t, o)
			}
		})
	}
}

func assertLen(t *testing.T, s []string, n int) {
	t.Helper()
	if len(s) != n {
		t.Errorf("got %q, want %d entries", s, n)
	}
}

func assertFalse(t *testing.T, b bool) {
	t.Helper()
	if b {
		t.Error("got true, want false")
	}
}
