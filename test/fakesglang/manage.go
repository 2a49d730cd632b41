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
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// SGLang's management endpoints, as its http_server.py answers them
// (sgl-project/sglang @0025436e; LoRA messages from lora_registry.py and
// tokenizer_control_mixin.py): LoRA loading, memory release and resume,
// aborting requests, flushing the cache, and /get_model_info. Calls that
// would kill SGLang (its scheduler asserts or raises) are answered 500 and
// recorded in State.Crash, so a test can insist that none happens.

// SGLang's memory tags (sglang/srt/constants.py GPU_MEMORY_TYPE_*).
var memoryTags = []string{"kv_cache", "weights", "cuda_graph"}

func (s *Server) managementRoutes() {
	m := s.mux
	m.HandleFunc("POST /load_lora_adapter", s.recorded(s.handleLoadLoRA))
	m.HandleFunc("POST /unload_lora_adapter", s.recorded(s.handleUnloadLoRA))
	for _, method := range []string{"GET", "POST"} {
		m.HandleFunc(method+" /release_memory_occupation", s.recorded(s.handleRelease))
		m.HandleFunc(method+" /resume_memory_occupation", s.recorded(s.handleResume))
		m.HandleFunc(method+" /flush_cache", s.recorded(s.handleFlushCache))
	}
	m.HandleFunc("POST /abort_request", s.recorded(s.handleAbort))
	// The proxy checks it in the background, like /health.
	s.handleBackground("GET /get_model_info", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.modelInfoChecks.Add(1)
		s.handleModelInfo(w, r, nil)
	}))
}

// loraReq is SGLang's LoadLoRAAdapterReqInput / UnloadLoRAAdapterReqInput.
type loraReq struct {
	Name *string `json:"lora_name"`
	Path *string `json:"lora_path"`
}

// readLoRAReq validates a LoRA body as SGLang's dataclass does: lora_name
// (and lora_path to load) are required strings.
func (s *Server) readLoRAReq(w http.ResponseWriter, r *http.Request, wantPath bool) (loraReq, bool) {
	raw, _ := io.ReadAll(r.Body)
	var req loraReq
	if err := json.Unmarshal(raw, &req); err != nil {
		s.writeValidationError(w, validationError{Type: "json_invalid", Loc: []string{"body"}, Msg: "JSON decode error", Input: json.RawMessage(`{}`)})
		return req, false
	}
	for name, v := range map[string]*string{"lora_name": req.Name, "lora_path": req.Path} {
		if v == nil && (name == "lora_name" || wantPath) {
			s.writeValidationError(w, validationError{Type: "missing", Loc: []string{"body", name}, Msg: "Field required", Input: raw})
			return req, false
		}
	}
	return req, true
}

// loraResult writes SGLang's LoRAUpdateOutput: 200 on success, else 400.
func (s *Server) loraResult(w http.ResponseWriter, errMsg string) {
	if errMsg != "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"success": false, "error_message": errMsg, "loaded_adapters": nil})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "error_message": nil, "loaded_adapters": s.LoRAs()})
}

const loraDisabled = "LoRA is not enabled. Please set `--enable-lora` to enable LoRA."

func (s *Server) handleLoadLoRA(w http.ResponseWriter, r *http.Request, _ *Request) {
	req, ok := s.readLoRAReq(w, r, true)
	if !ok {
		return
	}
	name, path := *req.Name, *req.Path
	if !s.opts.EnableLoRA {
		s.loraResult(w, loraDisabled)
		return
	}
	s.mu.Lock()
	_, exists := s.loras[name]
	names := s.loraNamesLocked()
	s.mu.Unlock()
	if exists {
		s.loraResult(w, fmt.Sprintf("LoRA with name %s already exists. Loaded LoRAs: %s", name, names))
		return
	}
	// A local adapter is a folder with adapter_config.json (PEFT's layout);
	// anything else is taken for a Hugging Face repository. The wording is
	// the fake's own.
	if filepath.IsAbs(path) {
		if _, err := os.Stat(filepath.Join(path, "adapter_config.json")); err != nil {
			s.loraResult(w, fmt.Sprintf("Failed to load LoRA adapter %s: adapter_config.json not found in %s", name, path))
			return
		}
	}
	s.mu.Lock()
	s.loras[name] = path
	s.mu.Unlock()
	s.loraResult(w, "")
}

func (s *Server) handleUnloadLoRA(w http.ResponseWriter, r *http.Request, _ *Request) {
	req, ok := s.readLoRAReq(w, r, false)
	if !ok {
		return
	}
	if !s.opts.EnableLoRA {
		s.loraResult(w, loraDisabled)
		return
	}
	s.mu.Lock()
	_, exists := s.loras[*req.Name]
	names := s.loraNamesLocked()
	delete(s.loras, *req.Name)
	s.mu.Unlock()
	if !exists {
		s.loraResult(w, fmt.Sprintf("LoRA with name %s does not exist. Loaded LoRAs: %s", *req.Name, names))
		return
	}
	s.loraResult(w, "")
}

// loraNamesLocked renders the loaded names as SGLang's message does, a
// Python dict_keys.
func (s *Server) loraNamesLocked() string {
	names := make([]string, 0, len(s.loras))
	for n := range s.loras {
		names = append(names, "'"+n+"'")
	}
	sort.Strings(names)
	return "dict_keys([" + strings.Join(names, ", ") + "])"
}

// LoRAs returns the loaded adapters, name to path.
func (s *Server) LoRAs() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]string, len(s.loras))
	for n, p := range s.loras {
		out[n] = p
	}
	return out
}

// memoryReq is SGLang's Release/ResumeMemoryOccupationReqInput.
type memoryReq struct {
	Tags []string `json:"tags"`
}

func readMemoryReq(r *http.Request) []string {
	var req memoryReq
	raw, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(raw, &req)
	if len(req.Tags) == 0 {
		return memoryTags // tags None or empty: all of them
	}
	return req.Tags
}

// handleRelease is /release_memory_occupation. SGLang's scheduler asserts
// that no request is running ("release_memory_occupation should be called
// only when no ongoing request."); the fake also refuses a tag released
// twice. It answers the endpoint's None: 200 null.
func (s *Server) handleRelease(w http.ResponseWriter, r *http.Request, _ *Request) {
	tags := readMemoryReq(r)
	if n := s.running.Load(); n > 0 {
		s.crashed(fmt.Sprintf("release_memory_occupation should be called only when no ongoing request (%d running)", n))
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]any{"message": "scheduler died"}})
		return
	}
	s.mu.Lock()
	var twice []string
	for _, t := range tags {
		if s.released[t] {
			twice = append(twice, t)
		}
		s.released[t] = true
	}
	s.mu.Unlock()
	if len(twice) > 0 {
		s.crashed(fmt.Sprintf("release_memory_occupation of the released tags %v", twice))
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]any{"message": "scheduler died"}})
		return
	}
	writeJSON(w, http.StatusOK, nil)
}

// handleResume is /resume_memory_occupation. SGLang's scheduler removes
// each tag from its released set and raises KeyError for one that is not
// released.
func (s *Server) handleResume(w http.ResponseWriter, r *http.Request, _ *Request) {
	tags := readMemoryReq(r)
	s.mu.Lock()
	var missing []string
	for _, t := range tags {
		if !s.released[t] {
			missing = append(missing, t)
		}
		delete(s.released, t)
	}
	s.mu.Unlock()
	if len(missing) > 0 {
		s.crashed(fmt.Sprintf("resume_memory_occupation of the tags %v, which are not released (KeyError)", missing))
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]any{"message": "scheduler died"}})
		return
	}
	writeJSON(w, http.StatusOK, nil)
}

// handleAbort is /abort_request with {"abort_all": true}: every stream in
// flight ends with finish_reason "abort".
func (s *Server) handleAbort(w http.ResponseWriter, r *http.Request, _ *Request) {
	var req struct {
		AbortAll bool `json:"abort_all"`
	}
	raw, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(raw, &req)
	if req.AbortAll {
		s.mu.Lock()
		close(s.aborted)
		s.aborted = make(chan struct{})
		s.mu.Unlock()
	}
	w.WriteHeader(http.StatusOK)
}

// abortSignal is closed by the next /abort_request with abort_all.
func (s *Server) abortSignal() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.aborted
}

// flushText is SGLang's /flush_cache answer, 200 or, when requests are
// running or waiting, 400 (the cache is then not flushed).
const flushText = "Cache flushed.\nPlease check backend logs for more details. (When there are running or waiting requests, the operation will not be performed.)\n"

func (s *Server) handleFlushCache(w http.ResponseWriter, _ *http.Request, _ *Request) {
	status := http.StatusOK
	if s.running.Load() > 0 {
		status = http.StatusBadRequest
	}
	w.Header()["Content-Type"] = nil // Response(content=...) has no media type
	w.WriteHeader(status)
	_, _ = w.Write([]byte(flushText))
}

func (s *Server) handleModelInfo(w http.ResponseWriter, _ *http.Request, _ *Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"model_path": s.opts.Model, "tokenizer_path": s.opts.Model, "is_generation": true,
		"preferred_sampling_params": nil, "weight_version": "default",
	})
}

// releasedTags are the memory tags released now, sorted.
func (s *Server) releasedTags() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for t := range s.released {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// crashed records the first call that would have killed SGLang.
func (s *Server) crashed(why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.crash == "" {
		s.crash = why
	}
}
