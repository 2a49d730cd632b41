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
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func (s *Server) routes() {
	m := s.mux
	s.handleBackground("GET /health", http.HandlerFunc(s.handleHealth))
	s.handleBackground("GET /health_generate", http.HandlerFunc(s.handleHealth))
	if s.opts.EnableMetrics {
		s.handleBackground("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	}
	m.HandleFunc("GET /v1/models", s.recorded(s.handleModels))
	m.HandleFunc("POST /v1/chat/completions", s.recorded(s.handleChat))
	m.HandleFunc("POST /v1/completions", s.recorded(s.handleCompletion))
	m.HandleFunc("POST /v1/embeddings", s.recorded(s.handleEmbeddings))
	for _, p := range []string{"/tokenize", "/v1/tokenize"} {
		m.HandleFunc("POST "+p, s.recorded(s.handleTokenize))
	}
	for _, p := range []string{"/detokenize", "/v1/detokenize"} {
		m.HandleFunc("POST "+p, s.recorded(s.handleDetokenize))
	}
	m.HandleFunc("GET /get_server_info", s.recorded(s.handleServerInfo))
	m.HandleFunc("GET /server_info", s.recorded(s.handleServerInfo))
	// Admin endpoints the proxy must not expose by default.
	for _, p := range []string{"/start_profile", "/stop_profile"} {
		m.HandleFunc(p, s.recorded(plainOK(p)))
	}
	m.HandleFunc("POST /update_weights_from_disk", s.recorded(jsonOK(map[string]any{"success": true, "message": "ok", "num_paused_requests": 0})))
	m.HandleFunc("/", s.recorded(func(w http.ResponseWriter, r *http.Request, _ *Request) {
		// FastAPI's 404 body.
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not Found"})
	}))
	s.managementRoutes()
	s.controlRoutes()
}

func (s *Server) controlRoutes() {
	m := s.mux
	m.HandleFunc("GET /_fake/requests", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Requests())
	})
	m.HandleFunc("DELETE /_fake/requests", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetRequests()
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("GET /_fake/targets", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Targets())
	})
	m.HandleFunc("GET /_fake/state", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.State())
	})
	m.HandleFunc("POST /_fake/health", s.handleSetHealth)
	m.HandleFunc("POST /_fake/health/release", func(w http.ResponseWriter, _ *http.Request) {
		s.ReleaseHealth()
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("POST /_fake/gates/{name}", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || n < 1 {
			n = 1
		}
		s.Release(r.PathValue("name"), n)
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("POST /_fake/close-idle", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusNoContent)
		s.CloseIdle()
	})
}

func (s *Server) handleSetHealth(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Status int    `json:"status"`
		Delay  string `json:"delay"`
		Hold   bool   `json:"hold"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	delay, err := time.ParseDuration(in.Delay)
	if in.Delay != "" && err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if in.Status == 0 {
		in.Status = http.StatusOK
	}
	s.SetHealth(in.Status, delay, in.Hold)
	w.WriteHeader(http.StatusNoContent)
}

// handleModels lists the model and, with --enable-lora, the loaded
// adapters with the model as their parent, as SGLang's available_models does.
func (s *Server) handleModels(w http.ResponseWriter, _ *http.Request, _ *Request) {
	now := time.Now().Unix()
	data := []any{map[string]any{
		"id": s.opts.Model, "object": "model", "created": now, "owned_by": "sglang",
		"root": s.opts.Model, "parent": nil, "max_model_len": DefaultContextLen,
	}}
	if s.opts.EnableLoRA {
		loras := s.LoRAs()
		names := make([]string, 0, len(loras))
		for n := range loras {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			data = append(data, map[string]any{
				"id": n, "object": "model", "created": now, "owned_by": "sglang",
				"root": loras[n], "parent": s.opts.Model, "max_model_len": nil,
			})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
}

// handleServerInfo answers as SGLang's /get_server_info: the server
// arguments at the top level (api_key among them), the scheduler's state
// and the version; with Options.ServerInfoEncoding, encoded.
func (s *Server) handleServerInfo(w http.ResponseWriter, _ *http.Request, _ *Request) {
	var apiKey any
	if s.opts.APIKey != "" {
		apiKey = s.opts.APIKey
	}
	info := map[string]any{
		"model_path": s.opts.Model, "served_model_name": s.opts.Model, "api_key": apiKey, "version": "0.0.0-fake",
		"internal_states": []any{map[string]any{}},
	}
	enc := s.opts.ServerInfoEncoding
	if enc == "" {
		writeJSON(w, http.StatusOK, info)
		return
	}
	b, _ := json.Marshal(info)
	if enc == "gzip" {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		_, _ = zw.Write(b)
		_ = zw.Close()
		b = z.Bytes()
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", enc)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

func (s *Server) handleEmbeddings(w http.ResponseWriter, _ *http.Request, _ *Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"object": "list", "model": s.opts.Model,
		"data":  []any{map[string]any{"object": "embedding", "index": 0, "embedding": []float64{0.1, 0.2, 0.3}}},
		"usage": map[string]int{"prompt_tokens": 1, "total_tokens": 1},
	})
}

func (s *Server) handleTokenize(w http.ResponseWriter, r *http.Request, _ *Request) {
	var in struct {
		Prompt string `json:"prompt"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	tokens := make([]int, 0, len(in.Prompt))
	for _, c := range in.Prompt {
		tokens = append(tokens, int(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": tokens, "count": len(tokens), "max_model_len": DefaultContextLen})
}

// handleDetokenize answers in SGLang's shape: {"text": ...}, where vLLM says "prompt".
func (s *Server) handleDetokenize(w http.ResponseWriter, r *http.Request, _ *Request) {
	var in struct {
		Tokens []int `json:"tokens"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return
	}
	text := make([]rune, len(in.Tokens))
	for i, t := range in.Tokens {
		text[i] = rune(t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"text": string(text)})
}

func plainOK(path string) func(http.ResponseWriter, *http.Request, *Request) {
	return func(w http.ResponseWriter, _ *http.Request, _ *Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(path + " done.\n"))
	}
}

func jsonOK(v any) func(http.ResponseWriter, *http.Request, *Request) {
	return func(w http.ResponseWriter, _ *http.Request, _ *Request) { writeJSON(w, http.StatusOK, v) }
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError writes SGLang's flat OpenAI error body
// (OpenAIServingBase.create_error_response).
func writeError(w http.ResponseWriter, status int, msg string) {
	typ := "BadRequestError"
	if status >= http.StatusInternalServerError {
		typ = "InternalServerError"
	}
	writeJSON(w, status, map[string]any{"object": "error", "message": msg, "type": typ, "param": nil, "code": status})
}
