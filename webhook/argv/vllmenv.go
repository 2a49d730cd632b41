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

package argv

import (
	"strconv"
	"strings"
)

// The vLLM environment variables that mount management endpoints, and how
// vLLM reads them (vllm/envs.py).
const (
	// EnvRuntimeLoRAUpdating mounts POST /v1/load_lora_adapter and
	// /v1/unload_lora_adapter (vllm/entrypoints/serve/lora/api_router.py).
	EnvRuntimeLoRAUpdating = "VLLM_ALLOW_RUNTIME_LORA_UPDATING"
	// EnvServerDevMode mounts the development endpoints, among them /sleep,
	// /wake_up, /is_sleeping and /reset_prefix_cache
	// (register_vllm_dev_api_routers in vllm/entrypoints/serve/__init__.py).
	EnvServerDevMode = "VLLM_SERVER_DEV_MODE"
)

// RuntimeLoRAUpdating reads VLLM_ALLOW_RUNTIME_LORA_UPDATING as vLLM does:
// "1" or "true" in any case, around spaces, is on.
func RuntimeLoRAUpdating(value string) bool {
	v := strings.ToLower(strings.TrimSpace(value))
	return v == "1" || v == "true"
}

// ServerDevMode reads VLLM_SERVER_DEV_MODE as vLLM does, bool(int(value)):
// a non-zero integer is on. A value int() refuses makes vLLM fail at start;
// here it is off.
func ServerDevMode(value string) bool {
	n, err := strconv.Atoi(strings.TrimSpace(value))
	return err == nil && n != 0
}
