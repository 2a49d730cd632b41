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

package framework

import (
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// WarningRecorder keeps the warnings the API server sends (admission
// webhooks' warnings among them), which kubectl prints as "Warning: ...".
type WarningRecorder struct {
	mu       sync.Mutex
	warnings []string
}

// HandleWarningHeader implements rest.WarningHandler.
func (r *WarningRecorder) HandleWarningHeader(code int, _ string, text string) {
	if code != 299 { // the only code Kubernetes warnings use
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.warnings = append(r.warnings, text)
}

// Warnings returns the warnings received so far.
func (r *WarningRecorder) Warnings() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.warnings...)
}

// ClientWithWarnings returns a client whose warnings are recorded.
func ClientWithWarnings(cfg *rest.Config, scheme *runtime.Scheme) (client.Client, *WarningRecorder, error) {
	rec := &WarningRecorder{}
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandler = rec
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, nil, fmt.Errorf("creating a client: %w", err)
	}
	return c, rec, nil
}
