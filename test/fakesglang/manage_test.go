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
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// step is one call and what the fake must answer.
type step struct {
	method, path, body string
	wantCode           int
	wantBody           string // substring
}

func runSteps(t *testing.T, url string, steps []step) {
	t.Helper()
	for _, st := range steps {
		req, err := http.NewRequest(st.method, url+st.path, strings.NewReader(st.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != st.wantCode || !strings.Contains(string(b), st.wantBody) {
			t.Errorf("%s %s %s: %d %s; want %d with %q", st.method, st.path, st.body, res.StatusCode, b, st.wantCode, st.wantBody)
		}
	}
}

// adapterDir is a PEFT adapter folder.
func adapterDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "adapter_config.json"), []byte(`{"r":8}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestManagementEndpointsAnswerAsSGLang(t *testing.T) {
	dir := adapterDir(t)
	tests := map[string]struct {
		opts      Options
		steps     []step
		wantCrash string // substring of State.Crash; empty: none
	}{
		"with --enable-lora, loads an adapter, lists it under the model in /v1/models and unloads it": {
			opts: Options{EnableLoRA: true},
			steps: []step{
				{"POST", "/load_lora_adapter", `{"lora_name":"a","lora_path":"` + dir + `"}`, 200, `"success":true`},
				{"GET", "/v1/models", "", 200, `"id":"a","max_model_len":null,"object":"model","owned_by":"sglang","parent":"fake/model","root":"` + dir},
				{"POST", "/load_lora_adapter", `{"lora_name":"a","lora_path":"` + dir + `"}`, 400, `"error_message":"LoRA with name a already exists. Loaded LoRAs: dict_keys(['a'])"`},
				{"POST", "/unload_lora_adapter", `{"lora_name":"a"}`, 200, `"success":true`},
				{"POST", "/unload_lora_adapter", `{"lora_name":"a"}`, 400, `"error_message":"LoRA with name a does not exist. Loaded LoRAs: dict_keys([])"`},
			},
		},
		"refuses a local adapter folder without adapter_config.json": {
			opts:  Options{EnableLoRA: true},
			steps: []step{{"POST", "/load_lora_adapter", `{"lora_name":"a","lora_path":"/nowhere"}`, 400, `not found`}},
		},
		"without --enable-lora, answers LoRA calls with SGLang's message": {
			steps: []step{
				{"POST", "/load_lora_adapter", `{"lora_name":"a","lora_path":"x"}`, 400, "LoRA is not enabled. Please set `--enable-lora` to enable LoRA."},
				{"GET", "/v1/models", "", 200, `"parent":null`},
			},
		},
		"refuses a LoRA body without lora_path as its validation does": {
			opts:  Options{EnableLoRA: true},
			steps: []step{{"POST", "/load_lora_adapter", `{"lora_name":"a"}`, 400, `lora_path`}},
		},
		"releases and resumes its memory, 200 null, failing /health meanwhile": {
			opts: Options{MemorySaver: true, HealthDelay: -1},
			steps: []step{
				{"POST", "/release_memory_occupation", `{}`, 200, "null"},
				{"GET", "/health", "", 503, ""},
				{"POST", "/resume_memory_occupation", `{"tags":["weights"]}`, 200, "null"},
				{"POST", "/resume_memory_occupation", `{"tags":["kv_cache","cuda_graph"]}`, 200, "null"},
				{"GET", "/health", "", 200, ""},
			},
		},
		"dies resuming memory that is not released (KeyError)": {
			steps:     []step{{"POST", "/resume_memory_occupation", `{}`, 500, ""}},
			wantCrash: "not released",
		},
		"dies generating while its memory is released": {
			steps: []step{
				{"POST", "/release_memory_occupation", ``, 200, "null"},
				{"POST", "/v1/chat/completions", `{"messages":[]}`, 500, ""},
			},
			wantCrash: "a generation while",
		},
		"flushes its cache with SGLang's text": {
			steps: []step{{"POST", "/flush_cache", "", 200, "Cache flushed."}},
		},
		"serves /get_model_info without a generation": {
			steps: []step{{"GET", "/get_model_info", "", 200, `"is_generation":true`}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := New(tc.opts)
			srv := httptest.NewServer(f.Handler())
			t.Cleanup(srv.Close)
			runSteps(t, srv.URL, tc.steps)
			crash := f.State().Crash
			switch {
			case tc.wantCrash == "" && crash != "":
				t.Errorf("the fake recorded a crash: %s", crash)
			case tc.wantCrash != "" && !strings.Contains(crash, tc.wantCrash):
				t.Errorf("crash %q, want one about %q", crash, tc.wantCrash)
			}
		})
	}
}

// TestReleaseWithRequestsRunningKillsSGLang: SGLang's scheduler asserts
// that no request runs when its memory is released, and /flush_cache
// declines then; /abort_request ends the streams.
func TestReleaseWithRequestsRunningKillsSGLang(t *testing.T) {
	f := New(Options{HealthDelay: -1})
	srv := httptest.NewServer(f.Handler())
	t.Cleanup(srv.Close)
	req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/v1/chat/completions", strings.NewReader(`{"messages":[],"stream":true}`))
	req.Header.Set("X-Fake-Gate", "g")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	runSteps(t, srv.URL, []step{
		{"POST", "/flush_cache", "", 400, "Cache flushed."},
		{"POST", "/abort_request", `{"abort_all":true}`, 200, ""},
	})
	b, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(b), `"finish_reason":"abort"`) || !strings.HasSuffix(string(b), "data: [DONE]\n\n") {
		t.Errorf("aborted stream: %s", b)
	}
	for f.State().Running > 0 {
		time.Sleep(time.Millisecond)
	}
	runSteps(t, srv.URL, []step{{"POST", "/release_memory_occupation", "", 200, "null"}})
	if c := f.State().Crash; c != "" {
		t.Errorf("crash %q after the stream was aborted", c)
	}

	f2 := New(Options{HealthDelay: -1})
	srv2 := httptest.NewServer(f2.Handler())
	t.Cleanup(srv2.Close)
	req2, _ := http.NewRequestWithContext(t.Context(), "POST", srv2.URL+"/v1/chat/completions", strings.NewReader(`{"messages":[],"stream":true}`))
	req2.Header.Set("X-Fake-Gate", "g")
	res2, err := http.DefaultClient.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	runSteps(t, srv2.URL, []step{{"POST", "/release_memory_occupation", "", 500, ""}})
	if c := f2.State().Crash; !strings.Contains(c, "no ongoing request") {
		t.Errorf("crash %q, want SGLang's assertion", c)
	}
}
