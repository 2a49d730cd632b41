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

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/fakesglang"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
)

// The production stack's LoRA controller (vllm-project/production-stack
// operator/internal/controller/loraadapter_controller.go @e7d6dcfe) loads
// an adapter on each ready pod of the LoraAdapter's base model:
//
//   - it has the pod's lmstack sidecar download the adapter (POST
//     /model/download on port 30090, answered with the folder, under the
//     sidecar's LORA_DOWNLOAD_BASE_DIR),
//   - POSTs {"lora_name","lora_path"} as application/json to the pod's
//     /v1/load_lora_adapter (the port named container-port, else 8000),
//     treating 200 as loaded,
//   - and reads /v1/models, where an entry with the adapter's name and a
//     parent is the adapter registered on that pod (root: its folder);
//   - to take an adapter off a pod it POSTs {"lora_name"} to
//     /v1/unload_lora_adapter.
//
// The fixture's adapter is test/testdata/production-stack-helm-lora-sidecar.yaml's
// loraAdapters[0]: adapterName llama-3.1-nemoguard-8b-topic-control.
const fixtureAdapter = "llama-3.1-nemoguard-8b-topic-control"

// isLoRAFixture tells the fixture whose vLLM loads adapters at run time.
func isLoRAFixture(f fixture) bool {
	c := container(f.deployment.Spec.Template.Spec.Containers, "vllm")
	return c != nil && slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool {
		return e.Name == "VLLM_ALLOW_RUNTIME_LORA_UPDATING" && strings.EqualFold(e.Value, "true")
	})
}

// assertLoRAControllerLoadsAnAdapter plays the controller's calls against
// the pod's port, the adapter in a folder as the sidecar leaves it.
func assertLoRAControllerLoadsAnAdapter(t *testing.T, pod *localPod, proxyArgs []string, model string) {
	if !slices.Contains(proxyArgs, "--lora-api=true") {
		t.Fatalf("the sglang-proxy container's args %q do not serve the LoRA endpoints, which the vLLM pod mounts (VLLM_ALLOW_RUNTIME_LORA_UPDATING=True)", proxyArgs)
	}
	folder := filepath.Join(t.TempDir(), "lora-adapters", fixtureAdapter)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "adapter_config.json"), []byte(`{"peft_type":"LORA","r":16,"target_modules":["q_proj","v_proj"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	load, _ := json.Marshal(map[string]string{"lora_name": fixtureAdapter, "lora_path": folder})
	code, body := postJSON(t, pod.url+"/v1/load_lora_adapter", load)
	if want := fmt.Sprintf("Success: LoRA adapter '%s' added successfully.", fixtureAdapter); code != http.StatusOK || body != want {
		t.Fatalf("load: %d %q, want 200 %q", code, body, want)
	}
	root, ok := registered(t, pod.url, model)
	if !ok || root != folder {
		t.Errorf("/v1/models lists the adapter %v with root %q, want it under the model %q with root %q", ok, root, model, folder)
	}
	// Loaded again: vLLM's InvalidUserInput saying so (the controller
	// reads "has already been loaded").
	code, body = postJSON(t, pod.url+"/v1/load_lora_adapter", load)
	if code != http.StatusBadRequest || !strings.Contains(body, `has already been loaded`) || !strings.Contains(body, `"type":"InvalidUserInput"`) {
		t.Errorf("second load: %d %s, want vLLM's 400 InvalidUserInput", code, body)
	}
	code, body = postJSON(t, pod.url+"/v1/unload_lora_adapter", []byte(`{"lora_name":"`+fixtureAdapter+`"}`))
	if code != http.StatusOK || !strings.Contains(body, "removed successfully") {
		t.Errorf("unload: %d %q", code, body)
	}
	if _, ok := registered(t, pod.url, model); ok {
		t.Errorf("/v1/models still lists the adapter after the unload")
	}
	st, err := fakesglang.Control{URL: pod.fakeURL}.State(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.Crash != "" {
		t.Errorf("SGLang would have died: %s", st.Crash)
	}
}

// registered reads /v1/models as the controller does: the adapter's entry
// (its name, a parent) and its root.
func registered(t *testing.T, url, model string) (root string, ok bool) {
	t.Helper()
	code, body, err := framework.HTTPGet(t.Context(), url+"/v1/models")
	if err != nil || code != http.StatusOK {
		t.Fatalf("/v1/models: %d %v", code, err)
	}
	var list struct {
		Data []struct {
			ID     string  `json:"id"`
			Root   string  `json:"root"`
			Parent *string `json:"parent"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("/v1/models: %v: %s", err, body)
	}
	for _, m := range list.Data {
		if m.ID == fixtureAdapter && m.Parent != nil {
			if *m.Parent != model {
				t.Errorf("the adapter's parent is %q, want the model %q", *m.Parent, model)
			}
			return m.Root, true
		}
	}
	return "", false
}

// postJSON POSTs body as the controller does (Content-Type
// application/json) and returns the status and body.
func postJSON(t *testing.T, url string, body []byte) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), framework.HangGuard)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// proxyArgsOf is the pod's sglang-proxy args.
func proxyArgsOf(pod *corev1.Pod) []string {
	c := container(pod.Spec.InitContainers, v1alpha1.ProxyContainerName)
	if c == nil {
		return nil
	}
	return c.Args
}

// TestFixturesIncludeAPodThatLoadsLoRAAtRunTime keeps the LoRA subtest
// from silently running nowhere.
func TestFixturesIncludeAPodThatLoadsLoRAAtRunTime(t *testing.T) {
	if !slices.ContainsFunc(productionStackFixtures(t), isLoRAFixture) {
		t.Error("no production-stack fixture sets VLLM_ALLOW_RUNTIME_LORA_UPDATING=true")
	}
}
