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

// Package metrics serves the proxy's GET /metrics: it scrapes SGLang's
// Prometheus exposition (one scrape in flight, cached for a short TTL) and,
// in translate mode, adds the vllm:* families that vLLM consumers read (the
// production-stack router, llm-d's scheduler, KEDA/HPA, Grafana dashboards).
//
// The translation is data: Rules is a declarative table from SGLang families
// to vLLM families, and Translate is a pure function over parsed families.
// A vLLM family appears only when its SGLang source is present: the proxy
// never reports a number it does not have. When SGLang cannot be scraped,
// /metrics answers 503 as a dead vLLM fails the scrape (Prometheus records
// up 0, the production-stack router drops the engine's stats), never 200
// with zeros or without vLLM's series. The proxy's own metrics, with
// vllm_to_sglang_proxy_upstream_up, are served on /proxy/metrics whatever
// SGLang's state.
//
// docs/metrics.md has the mapping table and the facts behind it.
package metrics
