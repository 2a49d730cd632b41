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

package rewrite

import (
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// Status is the JSON record in the vllm-to-sglang.io/status annotation of
// a rewritten pod: enough to tell what was there before and what was done
// (Istio's sidecar.istio.io/status plays the same part). Flag lists hold
// flag names only; values stay in originalArgs.
type Status struct {
	// Profile is the SGLangProfile the pod was rewritten with.
	Profile string `json:"profile"`
	// Container is the vLLM container, which kept its name.
	Container string `json:"container"`
	// OriginalImage, OriginalCommand and OriginalArgs are the vLLM container's.
	OriginalImage   string   `json:"originalImage"`
	OriginalCommand []string `json:"originalCommand,omitempty"`
	OriginalArgs    []string `json:"originalArgs,omitempty"`
	// Dropped are the vLLM flags SGLang got nothing for.
	Dropped []string `json:"dropped,omitempty"`
	// Changed are the vLLM flags that became other SGLang flags or values
	// (approximated ones included).
	Changed []string `json:"changed,omitempty"`
	// InjectedContainers are the containers the rewrite added.
	InjectedContainers []string `json:"injectedContainers"`
	// InjectedVolumes are the volumes the rewrite added.
	InjectedVolumes []string `json:"injectedVolumes,omitempty"`
	// ServingPort is the port vLLM served on, now the proxy's.
	ServingPort int32 `json:"servingPort"`
	// SGLangPort is where SGLang listens, on 127.0.0.1.
	SGLangPort int32 `json:"sglangPort"`
	// TranslatedAtStart: the vLLM command is only known when it runs; the
	// launcher translates it then (its warnings are in the container's log).
	TranslatedAtStart bool `json:"translatedAtStart,omitempty"`
	// HostNetwork says the pod uses the node's network: ServingPort is the
	// node's, and SGLangPort is on the node's 127.0.0.1.
	HostNetwork bool `json:"hostNetwork,omitempty"`
	// SGLangVersion is the SGLang release the profile runs, and
	// SGLangVersionSource where that came from: spec.sglangVersion, the
	// image tag, or a fallback to the oldest supported release.
	SGLangVersion       string `json:"sglangVersion,omitempty"`
	SGLangVersionSource string `json:"sglangVersionSource,omitempty"`
	// SGLangCatalog is the release whose flags the command was checked
	// against, when it is not SGLangVersion (a release this webhook has no
	// catalog for).
	SGLangCatalog string `json:"sglangCatalog,omitempty"`
}

func (s *Status) release(r sglang.Release) {
	if r.Catalog == nil {
		return
	}
	s.SGLangVersion, s.SGLangVersionSource = r.Version.String(), string(r.Source)
	if r.Catalog.Version() != r.Version {
		s.SGLangCatalog = r.Catalog.Version().String()
	}
}

// ReadStatus returns the pod's status record, if it was rewritten (an
// audit record is not a Status: see ReadAudit).
func ReadStatus(meta *metav1.ObjectMeta) (*Status, bool, error) {
	raw, ok := meta.Annotations[v1alpha1.AnnotationStatus]
	if !ok || IsAuditRecord(raw) {
		return nil, false, nil
	}
	var s Status
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return nil, true, fmt.Errorf("annotation %s: %w", v1alpha1.AnnotationStatus, err)
	}
	return &s, true, nil
}

func (s *Status) write(meta *metav1.ObjectMeta) {
	// Marshalling a struct of strings and ints cannot fail.
	data, _ := json.Marshal(s)
	setAnnotation(meta, v1alpha1.AnnotationStatus, string(data))
}

// flagLists sorts the findings into the status record's lists.
func (s *Status) flagLists(findings []argv.Finding) {
	for _, f := range findings {
		switch f.Action {
		case argv.Dropped:
			s.Dropped = append(s.Dropped, f.Flag)
		case argv.Approximated, argv.Translated:
			s.Changed = append(s.Changed, f.Flag)
		}
	}
}

func setAnnotation(meta *metav1.ObjectMeta, key, value string) {
	if meta.Annotations == nil {
		meta.Annotations = map[string]string{}
	}
	meta.Annotations[key] = value
}
