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
	"slices"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// Options for one translation.
type Options struct {
	// Policy is what the profile says about the translation; the zero
	// Policy is the table's own behaviour.
	Policy Policy
	// Host is SGLang's --host. Empty keeps vLLM's --host, or 0.0.0.0 (vLLM's
	// default: all interfaces) when the command did not set one.
	Host string
	// Port is SGLang's --port. Zero keeps vLLM's port (default 8000).
	Port int32
	// Release is the catalog of the SGLang release the profile runs (see
	// sglang.Resolve): nothing it lacks is emitted. Nil means the oldest
	// supported release.
	Release *sglang.Catalog
	// ROCm is true when the pod runs on AMD GPUs, where SGLang's default
	// attention backend (aiter) shrinks --mem-fraction-static for long
	// contexts; the --gpu-memory-utilization translation makes up for it.
	ROCm bool
	// Env is the environment of a command translated as it starts (the
	// launcher's): a variable the translation needs (VLLM_API_KEY) is then
	// written by value, as nothing expands a reference any more.
	Env map[string]string
	// EnvNames are the names of the environment variables the container
	// sets; VLLM_API_KEY there becomes --api-key $(VLLM_API_KEY).
	EnvNames []string
	// RuntimeLoRAUpdating: the container lets clients load LoRA adapters
	// at run time (VLLM_ALLOW_RUNTIME_LORA_UPDATING, see
	// RuntimeLoRAUpdating). With Env set (a command translated as it
	// starts), Env decides.
	RuntimeLoRAUpdating bool
}

// catalog is the catalog of the release the translation is for: Release,
// or the oldest supported release when it is nil.
func (o Options) catalog() *sglang.Catalog {
	if o.Release == nil {
		return sglang.Oldest()
	}
	return o.Release
}

// sets reports whether the container sets the environment variable: in
// Env (a command translated as it starts) or among EnvNames (the pod spec).
func (o Options) sets(name string) bool {
	_, ok := o.Env[name]
	return ok || slices.Contains(o.EnvNames, name)
}
