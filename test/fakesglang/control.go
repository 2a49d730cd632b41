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
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// State is what GET /_fake/state answers.
type State struct {
	HealthInFlight int64 `json:"healthInFlight"`
	HealthHeld     int64 `json:"healthHeld"`
	HealthChecks   int64 `json:"healthChecks"`
	ActiveStreams  int64 `json:"activeStreams"`
	// Running is the generations in progress.
	Running int64 `json:"running"`
	// LoRAs are the loaded adapters, name to path.
	LoRAs map[string]string `json:"loras"`
	// Released are the memory tags released now; MemorySaver is
	// --enable-memory-saver (without it a release frees nothing).
	Released    []string `json:"released"`
	MemorySaver bool     `json:"memorySaver"`
	// HealthWhileReleased counts /health checks that came while memory
	// was released.
	HealthWhileReleased int64 `json:"healthWhileReleased"`
	// ModelInfoChecks counts GET /get_model_info.
	ModelInfoChecks int64 `json:"modelInfoChecks"`
	// Crash is the first call that would have killed SGLang, if any.
	Crash string `json:"crash,omitempty"`
}

// State reports the health checks in flight and held, the open streams,
// the LoRA adapters, the released memory and any call that would have
// killed SGLang.
func (s *Server) State() State {
	st := State{
		HealthInFlight: s.healthInFlight.Load(), HealthHeld: s.healthHeld.Load(),
		HealthChecks: s.healthChecks.Load(), ActiveStreams: s.activeStreams.Load(),
		Running: s.running.Load(), LoRAs: s.LoRAs(), Released: s.releasedTags(), MemorySaver: s.opts.MemorySaver,
		HealthWhileReleased: s.healthWhileReleased.Load(), ModelInfoChecks: s.modelInfoChecks.Load(),
	}
	s.mu.Lock()
	st.Crash = s.crash
	s.mu.Unlock()
	return st
}

// Control drives a fake that runs as a separate process (cmd/fakesglang)
// through its /_fake/ endpoints.
type Control struct {
	// URL is the fake's base URL, e.g. http://127.0.0.1:30000.
	URL string
	// Client sends the requests; nil means http.DefaultClient.
	Client *http.Client
}

// SetHealth makes /health answer status after delay; hold keeps each
// check open until ReleaseHealth.
func (c Control) SetHealth(ctx context.Context, status int, delay time.Duration, hold bool) error {
	body, err := json.Marshal(map[string]any{"status": status, "delay": delay.String(), "hold": hold})
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodPost, "/_fake/health", string(body), nil)
}

// ReleaseHealth lets the held health checks answer.
func (c Control) ReleaseHealth(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/_fake/health/release", "", nil)
}

// Release lets n requests waiting at the named gate go on.
func (c Control) Release(ctx context.Context, gate string, n int) error {
	return c.do(ctx, http.MethodPost, fmt.Sprintf("/_fake/gates/%s?n=%d", gate, n), "", nil)
}

// CloseIdle closes the fake's idle keep-alive connections.
func (c Control) CloseIdle(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/_fake/close-idle", "", nil)
}

// State returns the fake's state.
func (c Control) State(ctx context.Context) (State, error) {
	var s State
	err := c.do(ctx, http.MethodGet, "/_fake/state", "", &s)
	return s, err
}

// Requests returns the requests the fake received so far.
func (c Control) Requests(ctx context.Context) ([]Request, error) {
	var r []Request
	err := c.do(ctx, http.MethodGet, "/_fake/requests", "", &r)
	return r, err
}

// Targets returns the method and request-target of every request the fake
// received so far (Server.Targets).
func (c Control) Targets(ctx context.Context) ([]string, error) {
	var t []string
	err := c.do(ctx, http.MethodGet, "/_fake/targets", "", &t)
	return t, err
}

func (c Control) do(ctx context.Context, method, path, body string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.URL+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	client := c.Client
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close() //nolint:errcheck // read fully below
	if res.StatusCode >= 300 {
		msg, _ := io.ReadAll(res.Body)
		return fmt.Errorf("%s %s: %s: %s", method, path, res.Status, msg)
	}
	if out == nil {
		_, err = io.Copy(io.Discard, res.Body)
		return err
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("decoding %s %s: %w", method, path, err)
	}
	return nil
}
