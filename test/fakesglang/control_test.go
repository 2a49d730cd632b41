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
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestControl(t *testing.T) {
	srv := httptest.NewServer(New(Options{HealthDelay: -1}).Handler())
	t.Cleanup(srv.Close)
	ctl := Control{URL: srv.URL}

	t.Run("SetHealth changes what /health answers", func(t *testing.T) {
		if err := ctl.SetHealth(t.Context(), http.StatusServiceUnavailable, 0, false); err != nil {
			t.Fatal(err)
		}
		res, err := http.Get(srv.URL + "/health")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/health = %d, want 503", res.StatusCode)
		}
	})
	t.Run("Requests returns what the fake received", func(t *testing.T) {
		res, err := http.Post(srv.URL+"/v1/chat/completions", "application/json", strings.NewReader(`{"messages":[]}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		reqs, err := ctl.Requests(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n := len(reqs); n == 0 || reqs[n-1].Path != "/v1/chat/completions" || reqs[n-1].Body != `{"messages":[]}` {
			t.Errorf("requests %+v, want the chat completion last", reqs)
		}
	})
	t.Run("State reports no open streams when none is open", func(t *testing.T) {
		st, err := ctl.State(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if st.ActiveStreams != 0 {
			t.Errorf("state %+v", st)
		}
	})
	t.Run("a control the fake refuses is an error naming the endpoint and status", func(t *testing.T) {
		err := Control{URL: srv.URL + "/nowhere"}.ReleaseHealth(t.Context())
		if err == nil || !strings.Contains(err.Error(), "/_fake/health/release") || !strings.Contains(err.Error(), "404") {
			t.Errorf("error %v, want one naming the endpoint and 404", err)
		}
	})
}

func TestBackgroundChecksAreNotRecordedAsClientRequests(t *testing.T) {
	s := New(Options{HealthDelay: -1, EnableMetrics: true})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	for _, path := range []string{"/health", "/health_generate", "/metrics", "/get_model_info", "/health?x=1", "//health", "/v1/models"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, res.StatusCode)
		}
	}
	// "//health" is redirected to /health, which is a background check.
	if got, want := s.Targets(), []string{"GET /health?x=1", "GET //health", "GET /v1/models"}; !slices.Equal(got, want) {
		t.Errorf("targets %q, want only the requests that are not exactly a background check: %q", got, want)
	}
	if reqs := s.Requests(); len(reqs) != 1 || reqs[0].Path != "/v1/models" {
		t.Errorf("requests %+v, want only GET /v1/models", reqs)
	}
}
