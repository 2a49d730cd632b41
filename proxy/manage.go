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
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/body"
	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/upstream"
)

// vLLM's management endpoints, served with SGLang's own when the pod
// enabled them in vLLM (--lora-api, --sleep-api, --reset-prefix-cache-api;
// docs/proxy.md says what each answers and where that comes from).
const (
	routeLoadLoRA         = "/v1/load_lora_adapter"
	routeUnloadLoRA       = "/v1/unload_lora_adapter"
	routeSleep            = "/sleep"
	routeWakeUp           = "/wake_up"
	routeIsSleeping       = "/is_sleeping"
	routeResetPrefixCache = "/reset_prefix_cache"
)

// SGLang's paths (python/sglang/srt/entrypoints/http_server.py).
const (
	sglangLoadLoRA   = "/load_lora_adapter"
	sglangUnloadLoRA = "/unload_lora_adapter"
	sglangRelease    = "/release_memory_occupation"
	sglangResume     = "/resume_memory_occupation"
	sglangAbort      = "/abort_request"
	sglangFlushCache = "/flush_cache"
	// sglangModelInfo answers from SGLang's arguments, without running the
	// model: the health check while its memory is released.
	sglangModelInfo = "/get_model_info"
)

// managementRoutes adds the enabled management endpoints to mux; the others
// fall through to vLLM's 404, as in a vLLM that did not mount them.
func (s *Server) managementRoutes(t *routeTable) {
	add := func(pattern, method string, h http.HandlerFunc) {
		t.Handle(pattern, s.instrument(pattern, allowOnly(h, method)))
	}
	if s.opts.LoRAAPI {
		add(routeLoadLoRA, http.MethodPost, s.loadLoRA)
		add(routeUnloadLoRA, http.MethodPost, s.unloadLoRA)
	}
	if s.opts.SleepAPI {
		add(routeSleep, http.MethodPost, s.sleep)
		add(routeWakeUp, http.MethodPost, s.wakeUp)
		add(routeIsSleeping, http.MethodGet, s.isSleeping)
	}
	if s.opts.ResetPrefixCacheAPI {
		add(routeResetPrefixCache, http.MethodPost, s.resetPrefixCache)
	}
}

// allowOnly answers any method but these as FastAPI does: 405
// {"detail":"Method Not Allowed"} with an Allow header.
func allowOnly(h http.Handler, methods ...string) http.Handler {
	allow := strings.Join(methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !slices.Contains(methods, r.Method) {
			w.Header().Set("Allow", allow)
			methodNotAllowed(w)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// methodNotAllowed is FastAPI's 405.
func methodNotAllowed(w http.ResponseWriter) {
	writeJSON(w, http.StatusMethodNotAllowed, []byte(`{"detail":"Method Not Allowed"}`))
}

// vLLM's error types for the LoRA endpoints (OpenAIServingModels).
const (
	errTypeInvalidUserInput = "InvalidUserInput"
	errTypeNotFound         = "NotFoundError"
	errTypeInternal         = "InternalServerError"
)

// loRARequest is vLLM's LoadLoRAAdapterRequest / UnloadLoRAAdapterRequest
// as far as the proxy reads it.
type loRARequest struct {
	name, path  string
	loadInplace bool
}

// parseLoRARequest reads a LoRA request body as vLLM's pydantic model
// would; a body that fails is answered in vLLM's validation shape (400) and
// ok is false.
func parseLoRARequest(w http.ResponseWriter, raw []byte, wantPath bool) (req loRARequest, ok bool) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		writeValidation(w, "json_invalid", []string{"body"}, "JSON decode error")
		return req, false
	}
	str := func(name string, into *string) bool {
		v, present := fields[name]
		if !present {
			writeValidation(w, "missing", []string{"body", name}, "Field required")
			return false
		}
		if json.Unmarshal(v, into) != nil {
			writeValidation(w, "string_type", []string{"body", name}, "Input should be a valid string")
			return false
		}
		return true
	}
	if !str("lora_name", &req.name) || (wantPath && !str("lora_path", &req.path)) {
		return req, false
	}
	if v, present := fields["load_inplace"]; present && string(v) != "null" {
		if json.Unmarshal(v, &req.loadInplace) != nil {
			writeValidation(w, "bool_type", []string{"body", "load_inplace"}, "Input should be a valid boolean")
			return req, false
		}
	}
	return req, true
}

// writeValidation answers as vLLM answers a body its request model
// refuses (a RequestValidationError: 400, type "Bad Request").
func writeValidation(w http.ResponseWriter, typ string, loc []string, msg string) {
	detail, _ := json.Marshal(map[string]any{"detail": []any{map[string]any{"type": typ, "loc": loc, "msg": msg}}})
	status, b := body.VLLMErrorResponse(http.StatusUnprocessableEntity, detail)
	writeJSON(w, status, b)
}

// loRAResult is SGLang's LoadLoRAAdapterReqOutput / UnloadLoRAAdapterReqOutput.
type loRAResult struct {
	Success      bool    `json:"success"`
	ErrorMessage *string `json:"error_message"`
}

// loadLoRA serves POST /v1/load_lora_adapter with SGLang's
// /load_lora_adapter and answers as vLLM does: 200 and the text
// "Success: LoRA adapter 'NAME' added successfully.", or vLLM's error.
func (s *Server) loadLoRA(w http.ResponseWriter, r *http.Request) {
	held, ok := s.readBody(w, r)
	if !ok {
		return
	}
	req, ok := parseLoRARequest(w, held.bytes(), true)
	held.release()
	if !ok {
		return
	}
	switch {
	case req.name == "" || req.path == "":
		writeError(w, http.StatusBadRequest, errTypeInvalidUserInput, "Both 'lora_name' and 'lora_path' must be provided.")
		return
	case req.loadInplace:
		writeError(w, http.StatusBadRequest, errTypeBadRequest,
			"load_inplace: SGLang cannot replace a loaded adapter in place; unload it first (POST /v1/unload_lora_adapter)")
		return
	}
	sent, _ := json.Marshal(map[string]string{"lora_name": req.name, "lora_path": req.path})
	ans, err := s.call(r, sglangLoadLoRA, sent)
	if err != nil {
		s.proxyError(w, r, err)
		return
	}
	result, failed := ans.loRAResult()
	if !failed {
		writeText(w, http.StatusOK, fmt.Sprintf("Success: LoRA adapter '%s' added successfully.", req.name))
		return
	}
	if result == nil {
		s.relayError(w, r, ans, sent)
		return
	}
	msg := deref(result.ErrorMessage)
	s.log.Info("SGLang did not load a LoRA adapter", "name", req.name, "path", req.path, "error", msg)
	switch {
	case strings.Contains(msg, "already"):
		// SGLang: "LoRA with name X already exists" (lora_registry.py).
		writeError(w, http.StatusBadRequest, errTypeInvalidUserInput, fmt.Sprintf(
			"The lora adapter '%s' has already been loaded. If you want to load the adapter in place, set 'load_inplace' to True.", req.name))
	case notFound(msg):
		writeError(w, http.StatusNotFound, errTypeNotFound, msg)
	default:
		writeError(w, http.StatusInternalServerError, errTypeInternal, msg)
	}
}

// unloadLoRA serves POST /v1/unload_lora_adapter with SGLang's
// /unload_lora_adapter: 200 and "Success: LoRA adapter 'NAME' removed
// successfully.", 404 for an adapter that is not loaded.
func (s *Server) unloadLoRA(w http.ResponseWriter, r *http.Request) {
	held, ok := s.readBody(w, r)
	if !ok {
		return
	}
	req, ok := parseLoRARequest(w, held.bytes(), false)
	held.release()
	if !ok {
		return
	}
	if req.name == "" {
		writeError(w, http.StatusBadRequest, errTypeInvalidUserInput, "'lora_name' needs to be provided to unload a LoRA adapter.")
		return
	}
	sent, _ := json.Marshal(map[string]string{"lora_name": req.name})
	ans, err := s.call(r, sglangUnloadLoRA, sent)
	if err != nil {
		s.proxyError(w, r, err)
		return
	}
	result, failed := ans.loRAResult()
	if !failed {
		writeText(w, http.StatusOK, fmt.Sprintf("Success: LoRA adapter '%s' removed successfully.", req.name))
		return
	}
	if result == nil {
		s.relayError(w, r, ans, sent)
		return
	}
	msg := deref(result.ErrorMessage)
	s.log.Info("SGLang did not unload a LoRA adapter", "name", req.name, "error", msg)
	if notFound(msg) {
		// SGLang: "LoRA with name X does not exist. Loaded LoRAs: ..." (lora_registry.py).
		writeError(w, http.StatusNotFound, errTypeNotFound, fmt.Sprintf("The lora adapter '%s' cannot be found.", req.name))
		return
	}
	writeError(w, http.StatusInternalServerError, errTypeInternal,
		fmt.Sprintf("Failed to remove lora adapter '%s' from the engine: %s", req.name, msg))
}

// notFound tells SGLang's messages for an adapter, or a path, that is not there.
func notFound(msg string) bool {
	m := strings.ToLower(msg)
	for _, s := range []string{"does not exist", "not found", "no such file", "not loaded"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// loRAResult reads SGLang's answer to a LoRA request: failed unless it is
// 200; result is the body when it is SGLang's result object (nil for any
// other answer, e.g. a validation error).
func (a answer) loRAResult() (result *loRAResult, failed bool) {
	var res loRAResult
	var probe map[string]json.RawMessage
	if json.Unmarshal(a.body, &probe) == nil && probe["success"] != nil && json.Unmarshal(a.body, &res) == nil {
		result = &res
	}
	if a.status == http.StatusOK {
		return result, result != nil && !result.Success
	}
	return result, true
}

// Sleep levels: vLLM's level 1 offloads the weights to CPU memory and
// discards the KV cache, so the same model wakes up; level 2 discards the
// weights too, for a caller that loads others (docs/features/sleep_mode.md).
// SGLang's memory saver, with --enable-weights-cpu-backup (which the
// translation of --enable-sleep-mode adds), does level 1.
const sleepLevelOffload = 1

// sleep serves POST /sleep?level=N[&mode=abort|wait]: vLLM's level 1 as
// SGLang's memory release. In-flight model requests are aborted (mode abort,
// vLLM's default) or waited for (wait), new ones get 503, and SGLang's
// health check stops running the model until /wake_up. 200 with an empty
// body, as vLLM answers.
func (s *Server) sleep(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Has("tags") {
		writeError(w, http.StatusBadRequest, errTypeBadRequest,
			"tags: sleeping single memory tags is not translated to SGLang; POST /sleep?level=1 releases the weights and the KV cache")
		return
	}
	level, err := strconv.Atoi(strings.TrimSpace(q.Get("level")))
	if !q.Has("level") {
		level, err = sleepLevelOffload, nil
	}
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, errTypeBadRequest, fmt.Sprintf("level: %q is not a sleep level", q.Get("level")))
		return
	case level == 2:
		writeError(w, http.StatusBadRequest, errTypeBadRequest,
			"level 2 cannot be served by SGLang: vLLM's level 2 discards the weights for the caller to load new ones, "+
				"while SGLang's memory release keeps them in CPU memory (--enable-weights-cpu-backup) and SGLang has no /collective_rpc "+
				"to reload them; POST /sleep?level=1 frees the same GPU memory")
		return
	case level != sleepLevelOffload:
		writeError(w, http.StatusBadRequest, errTypeBadRequest,
			fmt.Sprintf("level %d cannot be served by SGLang: only level 1 (weights to CPU memory, KV cache discarded) is translated", level))
		return
	}
	mode := q.Get("mode")
	if mode != "" && mode != "abort" && mode != "wait" {
		writeError(w, http.StatusBadRequest, errTypeBadRequest, fmt.Sprintf("mode: %q is not translated to SGLang; abort or wait", mode))
		return
	}
	st := s.sleepState
	st.ops.Lock()
	defer st.ops.Unlock()
	if st.isAsleep() {
		emptyOK(w) // vLLM: "Executor is already sleeping."
		return
	}
	s.health.Hold(s.lightHealthURL)
	idle, running := st.fallAsleep()
	if running > 0 && mode != "wait" {
		s.log.Info("Aborting the requests in flight before SGLang releases its memory", "running", running)
		if ans, err := s.call(r, sglangAbort, []byte(`{"abort_all":true}`)); err != nil || ans.status != http.StatusOK {
			s.log.Info("SGLang did not abort the requests in flight; waiting for them", "error", errString(err), "status", ans.status)
		}
	}
	select {
	case <-idle:
	case <-r.Context().Done():
		s.awake()
		return
	}
	ans, err := s.callMemory(r, sglangRelease, []byte(`{}`))
	if err != nil || ans.status != http.StatusOK {
		s.awake()
		s.managementFailed(w, r, "releasing SGLang's memory", ans, err)
		return
	}
	st.slept(sglangTags...)
	s.log.Info("SGLang released its GPU memory (vLLM sleep level 1)")
	emptyOK(w)
}

// awake undoes a /sleep that did not happen.
func (s *Server) awake() {
	s.sleepState.wake()
	s.health.Release()
}

// wakeUp serves POST /wake_up[?tags=weights&tags=kv_cache] with SGLang's
// memory resume: 200 with an empty body. The tags wake part of the memory,
// as in vLLM; /is_sleeping stays true until all of it is back.
func (s *Server) wakeUp(w http.ResponseWriter, r *http.Request) {
	st := s.sleepState
	st.ops.Lock()
	defer st.ops.Unlock()
	if !st.isAsleep() {
		emptyOK(w) // vLLM: "Executor is not sleeping."
		return
	}
	tags := st.toResume(r.URL.Query()["tags"])
	if len(tags) == 0 {
		emptyOK(w)
		return
	}
	// SGLang resumes all of its tags when given none, and raises for a tag
	// that is not released: so the tags are named unless all are resumed.
	sent := []byte(`{}`)
	if len(tags) < len(sglangTags) {
		sent, _ = json.Marshal(map[string][]string{"tags": tags})
	}
	ans, err := s.callMemory(r, sglangResume, sent)
	if err != nil || ans.status != http.StatusOK {
		s.managementFailed(w, r, "resuming SGLang's memory", ans, err)
		return
	}
	if st.resumed(tags...) {
		s.health.Release()
		s.log.Info("SGLang resumed its GPU memory (vLLM wake_up)")
	} else {
		s.log.Info("SGLang resumed part of its GPU memory", "tags", tags)
	}
	emptyOK(w)
}

// isSleeping serves GET /is_sleeping from the proxy's own state, as the
// production-stack router reads it: {"is_sleeping": bool}.
func (s *Server) isSleeping(w http.ResponseWriter, _ *http.Request) {
	b, _ := json.Marshal(map[string]bool{"is_sleeping": s.sleepState.isAsleep()})
	writeJSON(w, http.StatusOK, b)
}

// sglangGone is the health checker's report that SGLang went down: a
// restarted SGLang holds its memory again, so an engine the proxy thought
// asleep is awake.
func (s *Server) sglangGone() {
	if s.sleepState == nil || !s.sleepState.isAsleep() {
		return
	}
	s.log.Info("SGLang went down while its memory was released; a restarted SGLang is awake")
	s.awake()
}

// resetPrefixCache serves POST /reset_prefix_cache with SGLang's
// /flush_cache: 200 with an empty body, as vLLM answers. vLLM does not
// report whether the cache was reset; nor does the proxy, when SGLang
// declines because requests are running (its 400), which is logged.
func (s *Server) resetPrefixCache(w http.ResponseWriter, r *http.Request) {
	if s.sleepState != nil && s.sleepState.isAsleep() {
		// SGLang flushed the cache when it released its memory.
		emptyOK(w)
		return
	}
	ans, err := s.call(r, sglangFlushCache, nil)
	switch {
	case err != nil:
		s.proxyError(w, r, err)
	case ans.status == http.StatusOK:
		emptyOK(w)
	case ans.status == http.StatusBadRequest:
		s.log.Info("SGLang did not flush its cache: requests are running", "answer", truncate(ans.body, dumpResponseBytes))
		emptyOK(w)
	default:
		s.relayError(w, r, ans, nil)
	}
}

// managementFailed answers a management call SGLang failed or could not
// take: unreachable as any forwarded request, else vLLM's 500 with SGLang's
// message (vLLM answers an engine that raises with 500).
func (s *Server) managementFailed(w http.ResponseWriter, r *http.Request, what string, ans answer, err error) {
	if err != nil {
		s.proxyError(w, r, err)
		return
	}
	msg := errorText(ans.body)
	s.log.Info("SGLang failed a management call", "what", what, "status", ans.status, "answer", truncate(ans.body, dumpResponseBytes))
	writeError(w, http.StatusInternalServerError, errTypeInternal, what+" failed: "+msg)
}

// errorText is the message of an SGLang error body, or the body itself.
func errorText(b []byte) string {
	var e struct {
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &e) == nil {
		if e.Error != nil && e.Error.Message != "" {
			return e.Error.Message
		}
		if e.Message != "" {
			return e.Message
		}
	}
	return strings.TrimSpace(truncate(b, dumpResponseBytes))
}

// answer is SGLang's whole answer to a management call.
type answer struct {
	status int
	body   []byte
}

// call POSTs body to SGLang's path with the client's headers (its
// Authorization for SGLang's --api-key) and reads the whole answer. The
// call ends when the client leaves.
func (s *Server) call(r *http.Request, path string, sent []byte) (answer, error) {
	return s.callCtx(r.Context(), r, path, sent)
}

// memoryCallTimeout bounds a memory release or resume, which the client
// leaving does not cancel: SGLang would carry it out anyway, and the
// proxy's record of SGLang's memory must follow.
const memoryCallTimeout = 10 * time.Minute

// callMemory is call for a memory release or resume.
func (s *Server) callMemory(r *http.Request, path string, sent []byte) (answer, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), memoryCallTimeout)
	defer cancel()
	return s.callCtx(ctx, r, path, sent)
}

func (s *Server) callCtx(ctx context.Context, r *http.Request, path string, sent []byte) (answer, error) {
	h := r.Header.Clone()
	h.Del("Content-Type")
	if sent != nil {
		h.Set("Content-Type", "application/json")
	}
	res, err := s.client.Do(ctx, &upstream.Request{Method: http.MethodPost, Target: s.sglangTarget(path), Header: h, Body: sent})
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	b, complete, err := readUpTo(res.Body, maxErrorBody, res.ContentLength)
	switch {
	case err != nil:
		return answer{}, fmt.Errorf("reading SGLang's answer to %s: %w", path, err)
	case !complete:
		return answer{}, fmt.Errorf("SGLang's answer to %s is over %d bytes", path, maxErrorBody)
	}
	return answer{status: res.StatusCode, body: b}, nil
}

// relayError answers an SGLang error the management handlers do not
// recognise (a validation error, 401, ...) as every forwarded error is
// answered: in vLLM's envelope, FastAPI's 422 as vLLM's 400.
func (s *Server) relayError(w http.ResponseWriter, r *http.Request, ans answer, sent []byte) {
	s.logUpstreamError(r.URL.Path, ans.status, sent, ans.body)
	if ans.status < http.StatusBadRequest {
		writeError(w, http.StatusBadGateway, "", "unexpected answer from SGLang: "+strconv.Itoa(ans.status))
		return
	}
	status, b := body.VLLMErrorResponse(ans.status, ans.body)
	writeJSON(w, status, b)
}

// emptyOK is vLLM's Response(status_code=200): no body, no content type.
func emptyOK(w http.ResponseWriter) {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// writeText is vLLM's Response(content=text): no content type.
func writeText(w http.ResponseWriter, status int, text string) {
	w.Header()["Content-Type"] = nil // no sniffed text/plain either
	w.Header().Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text))
}

func writeJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// refuseAsleep answers a request that needs the model while the engine
// sleeps: 503, as vLLM's sleep-mode documentation says of its protected
// endpoints.
func refuseAsleep(w http.ResponseWriter) {
	writeError(w, http.StatusServiceUnavailable, "", "the model is sleeping (vLLM sleep mode): POST /wake_up wakes it")
}
