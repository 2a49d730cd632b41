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

package checktest

import (
	"bytes"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"

	"github.com/vllm-to-sglang/vllm-to-sglang/check"
	"github.com/vllm-to-sglang/vllm-to-sglang/check/inspect"
	"github.com/vllm-to-sglang/vllm-to-sglang/internal/golden"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite/manifest"
)

// checkerGroup is the group the RBAC in docs/check.md binds.
const checkerGroup = "vllm-to-sglang-checkers"

var (
	checkerOnce sync.Once
	checkerCfg  *rest.Config
	checkerErr  error
)

// checker is a user in checkerGroup, holding exactly the RBAC that
// docs/check.md lists (applied from the document itself).
func checker(t *testing.T) *rest.Config {
	t.Helper()
	checkerOnce.Do(func() { checkerCfg, checkerErr = applyDocumentedRBAC(t) })
	if checkerErr != nil {
		t.Fatal(checkerErr)
	}
	return checkerCfg
}

func applyDocumentedRBAC(t *testing.T) (*rest.Config, error) {
	for _, obj := range documentedRBAC(t) {
		if err := suite.cp.Client.Create(t.Context(), obj); err != nil {
			return nil, err
		}
	}
	return suite.cp.UserConfig("checker", checkerGroup)
}

// documentedRBAC reads the RBAC block of docs/check.md.
func documentedRBAC(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	block, err := golden.Section(filepath.Join(suite.cp.Root, "docs", "check.md"), "check-rbac")
	if err != nil {
		t.Fatal(err)
	}
	block = strings.TrimSpace(block)
	block = strings.TrimPrefix(block, "```yaml")
	block = strings.TrimSuffix(block, "```")
	objs, err := manifest.Decode(bytes.NewReader([]byte(block)))
	if err != nil {
		t.Fatalf("the RBAC block of docs/check.md: %v", err)
	}
	return objs
}

func TestTheDocumentedRBACIsEnough(t *testing.T) {
	assertHealthy(t, runCheck(t, checker(t), inspect.Options{}))
}

func TestWithoutTheRBACTheHintPointsToIt(t *testing.T) {
	cfg, err := suite.cp.UserConfig("nobody")
	if err != nil {
		t.Fatal(err)
	}
	rs := runCheck(t, cfg, inspect.Options{})
	f := failures(rs)
	if len(f) == 0 {
		t.Fatalf("a user without permissions passes:\n%s", dump(rs))
	}
	for _, r := range rs {
		if r.Status == check.Failed && !strings.Contains(r.Hint, "docs/check.md") {
			t.Errorf("%s: %s; hint %q does not point to the RBAC", r.Check, r.Message, r.Hint)
		}
	}
}
