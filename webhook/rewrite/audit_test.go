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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

func TestAuditRecords(t *testing.T) {
	t.Run("an audit record starts with its mode and reads back as written", func(t *testing.T) {
		var meta metav1.ObjectMeta
		in := AuditRecord{Decision: DecisionRewrite, Profile: "qwen", ProfileSource: "selector", SGLangCommand: []string{"python3", "-m", "sglang.launch_server"}}
		in.Write(&meta)
		raw := meta.Annotations[v1alpha1.AnnotationStatus]
		if !strings.HasPrefix(raw, `{"mode":"audit",`) {
			t.Errorf("annotation %s, want it to start with the mode", raw)
		}
		got, ok, err := ReadAudit(&meta)
		if err != nil || !ok {
			t.Fatalf("ReadAudit = %v, %v", ok, err)
		}
		in.Mode = ModeAudit
		if diff := cmp.Diff(&in, got); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("an audit record is no Status, and a Status no audit record", func(t *testing.T) {
		audited := metav1.ObjectMeta{Annotations: map[string]string{v1alpha1.AnnotationStatus: `{"mode":"audit","decision":"skip"}`}}
		if _, ok, _ := ReadStatus(&audited); ok {
			t.Error("ReadStatus read an audit record")
		}
		rewritten := metav1.ObjectMeta{Annotations: map[string]string{v1alpha1.AnnotationStatus: `{"profile":"default","container":"vllm"}`}}
		if _, ok, _ := ReadAudit(&rewritten); ok {
			t.Error("ReadAudit read a rewrite's status")
		}
	})
	t.Run("only a JSON object whose mode is audit is an audit record", func(t *testing.T) {
		for value, want := range map[string]bool{
			`{"mode":"audit"}`:                        true,
			`{"profile":"x","mode": "audit"}`:         true,
			`{"mode":"rewrite"}`:                      false,
			`{"profile":"default"}`:                   false,
			`{"originalArgs":["\"mode\":\"audit\""]}`: false,
			`not json "mode":"audit"`:                 false,
		} {
			if got := IsAuditRecord(value); got != want {
				t.Errorf("IsAuditRecord(%s) = %v, want %v", value, got, want)
			}
		}
	})
}

func TestAPodCarryingAnAuditRecordIsRewrittenAndTheRecordReplaced(t *testing.T) {
	pod := testPod()
	pod.Annotations = map[string]string{v1alpha1.AnnotationStatus: `{"mode":"audit","decision":"rewrite","profile":"default"}`}
	report := mustRewrite(t, pod, testProfile())
	if report.Outcome != Rewritten {
		t.Fatalf("outcome %s (%s), want rewritten", report.Outcome, report.SkipReason)
	}
	status, ok, err := ReadStatus(&pod.ObjectMeta)
	if err != nil || !ok || status.Container != "vllm" {
		t.Errorf("status after the rewrite: %+v, %v, %v; want the rewrite's", status, ok, err)
	}
}
