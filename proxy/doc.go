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

// Package proxy is the sglang-proxy sidecar: it listens on the vLLM port of
// a rewritten pod and gives the SGLang server behind it vLLM's face.
//
//   - /health and /ping are answered at once from a background check of
//     SGLang (package health), never forwarded.
//   - /metrics serves SGLang's metrics under vLLM's names (package metrics)
//     plus the proxy's own.
//   - The rest of vLLM's public API is forwarded to SGLang, every route the
//     same way. POST /v1/chat/completions and /v1/completions bodies pass
//     through the filters of package body first; every change is named in
//     the X-Vllm-To-Sglang-Modified response header and counted. Paths
//     outside vLLM's API (SGLang's admin endpoints) get vLLM's 404 unless
//     --allow-path names them.
//   - vLLM's management endpoints the pod enabled (--lora-api,
//     --sleep-api, --reset-prefix-cache-api) are served with SGLang's own:
//     LoRA loading, /sleep, /wake_up and /is_sleeping on SGLang's memory
//     release (the sleep state is the proxy's), /reset_prefix_cache.
//   - SGLang's error bodies and the few response shapes that differ are
//     turned into vLLM's.
//   - Server-sent events leave as soon as they have arrived, all the events
//     of one read in one write; a stream the upstream breaks off ends with
//     an error event and [DONE], so clients see a clean end.
//   - What reaches SGLang is decided on the decoded, checked path, and that
//     path is what is sent; a path that could mean another one (dot
//     segments, encoded slashes, ...), CONNECT and TRACE are refused
//     first. What a client can make the proxy hold (connections, heads,
//     bodies, and the time they take) is bounded by what it sent, never by
//     what it declared.
//
// The pieces, one file each:
//
//   - server.go: the Server, its options (options.go) and its life: serving,
//     draining on shutdown.
//   - routes.go: routing: which path is answered here, forwarded (and to
//     which SGLang path), or refused; path.go: the one form of a path that
//     is checked, routed and sent.
//   - limits.go, conns.go: what runs before routing (guard) and the limits
//     on connections, heads and bodies.
//   - forward.go: forwarding: the one path from a client's request to
//     SGLang and back, through package upstream (the HTTP/1.1 client).
//   - adapt.go, translate.go, version.go: response adaptation: SGLang's
//     answers in vLLM's shapes.
//   - sse.go: event streams: coalesced writes, whole events only,
//     per-event adaptation, a clean end to broken streams.
//   - manage.go, sleep.go: the management endpoints, and the record of
//     SGLang's memory that gates the model's routes while it sleeps.
//   - errors.go: the errors the proxy answers itself, in vLLM's shape.
//   - ownmetrics.go: the proxy's own metrics and the request counter.
//
// The package imports no Kubernetes code: the sidecar is a plain HTTP server.
package proxy
