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

import "testing"

// TestVLLMEnvSwitchesReadAsVLLMReadsThem: vllm/envs.py reads
// VLLM_ALLOW_RUNTIME_LORA_UPDATING as "1" or "true" (any case, stripped)
// and VLLM_SERVER_DEV_MODE as bool(int(value)).
func TestVLLMEnvSwitchesReadAsVLLMReadsThem(t *testing.T) {
	lora := map[string]bool{"1": true, "true": true, "True": true, " TRUE ": true, "": false, "0": false, "yes": false, "2": false, "false": false}
	for v, want := range lora {
		if got := RuntimeLoRAUpdating(v); got != want {
			t.Errorf("RuntimeLoRAUpdating(%q) = %v, want %v", v, got, want)
		}
	}
	dev := map[string]bool{"1": true, "2": true, "-1": true, " 1 ": true, "0": false, "": false, "true": false, "on": false}
	for v, want := range dev {
		if got := ServerDevMode(v); got != want {
			t.Errorf("ServerDevMode(%q) = %v, want %v", v, got, want)
		}
	}
}
