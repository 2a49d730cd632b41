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

package webhook

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite/manifest"
)

// cliTemplatePaths are where the workload kinds of the fixtures keep their
// pod template (a Pod is its own).
var cliTemplatePaths = map[string][]string{
	"Pod":         nil,
	"PodTemplate": {"template"},
	"Deployment":  {"spec", "template"}, "StatefulSet": {"spec", "template"}, "ReplicaSet": {"spec", "template"},
	"DaemonSet": {"spec", "template"}, "ReplicationController": {"spec", "template"}, "Job": {"spec", "template"},
	"CronJob": {"spec", "jobTemplate", "spec", "template"},
}

// futureField is a member this binary's k8s.io/api does not know. The test
// puts it on every list item of every pod template, valued with the item's
// identity (itemID).
const futureField = "x-future-field"

// TestCLIWritesTheWebhooksPod: for every fixture under test/testdata, with
// a field this binary does not know on every item of every list of every
// pod template, `vllm-to-sglang rewrite -f` (manifest.Rewriter) writes
// exactly the pod the webhook's patch makes of the same template, as the
// API server applies it: the same known fields and the same unknown ones,
// each still on its own item. (The integration suite checks the other half:
// the API server stores the CLI's output and the webhook's pod alike after
// its defaulting, in TestEveryFixtureIsStoredAsItsGolden.)
func TestCLIWritesTheWebhooksPod(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "test", "testdata", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, ".golden.yaml") })
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	h, _ := newTestRewriter(t, defaultProfile())
	cli := &manifest.Rewriter{Profile: defaultProfile(), ProxyImage: testProxyImage}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			templates := 0
			for _, obj := range decodeFile(t, file) {
				var before []map[string]any
				for _, in := range podTemplatesOf(obj) {
					markListItems(in.template, "")
					before = append(before, deepCopyJSON(t, in.template))
				}
				for _, res := range cli.Rewrite(obj) {
					if res.Err != nil {
						t.Fatalf("%s: %v", res.Ref, res.Err)
					}
				}
				for i, out := range podTemplatesOf(obj) {
					templates++
					// The webhook's pod: the template as read, as a pod.
					raw := mustJSON(t, asPodDoc(before[i]))
					resp := h.Handle(t.Context(), createRequest(raw))
					if !resp.Allowed {
						t.Fatalf("%s: the webhook refused the pod: %+v", out.ref, resp.Result)
					}
					webhookPod := jsonValue(t, applied(t, raw, resp))
					cliPod := jsonValue(t, mustJSON(t, asPodDoc(out.template)))
					if diff := cmp.Diff(webhookPod, cliPod); diff != "" {
						t.Errorf("%s: the CLI's pod template differs from the webhook's pod (-webhook +cli):\n%s", out.ref, diff)
					}
					for _, p := range futureFieldProblems(before[i], out.template) {
						t.Errorf("%s: %s", out.ref, p)
					}
				}
			}
			if templates == 0 {
				t.Skip("no pod template")
			}
		})
	}
}

func decodeFile(t *testing.T, file string) []*unstructured.Unstructured {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	objs, err := manifest.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return objs
}

// cliTemplate is one pod template of a manifest: the map the CLI rewrites.
type cliTemplate struct {
	ref      string
	template map[string]any
}

// podTemplatesOf finds the pod templates of an object, and of a List's items.
func podTemplatesOf(obj *unstructured.Unstructured) []*cliTemplate {
	if items, ok := obj.Object["items"].([]any); ok {
		var out []*cliTemplate
		for _, item := range items {
			if m, ok := item.(map[string]any); ok {
				out = append(out, podTemplatesOf(&unstructured.Unstructured{Object: m})...)
			}
		}
		return out
	}
	path, ok := cliTemplatePaths[obj.GetKind()]
	if !ok {
		return nil
	}
	cur := obj.Object
	for _, k := range path {
		if cur, ok = cur[k].(map[string]any); !ok {
			return nil
		}
	}
	return []*cliTemplate{{ref: obj.GetKind() + " " + obj.GetName(), template: cur}}
}

// asPodDoc is a template's metadata and spec as a v1 Pod document.
func asPodDoc(template map[string]any) map[string]any {
	doc := map[string]any{"apiVersion": "v1", "kind": "Pod"}
	for _, k := range []string{"metadata", "spec"} {
		if v, ok := template[k]; ok {
			doc[k] = v
		}
	}
	return doc
}

func jsonValue(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func deepCopyJSON(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	return jsonValue(t, mustJSON(t, m)).(map[string]any)
}

// mergeKeys are the members that identify the items of the pod's lists
// that have a strategic-merge key (k8s.io/api's patchMergeKey); items of
// other lists are identified by their content.
var mergeKeys = map[string]string{
	"containers": "name", "initContainers": "name", "ephemeralContainers": "name", "env": "name",
	"volumes": "name", "imagePullSecrets": "name", "resourceClaims": "name",
	"ports": "containerPort", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
	"hostAliases": "ip", "topologySpreadConstraints": "topologyKey",
}

// itemID identifies a list item in the pod template without indexes, so
// it survives moves: the list's path with the merge key of each item on
// the way, or the item's content (without unknown fields) where its list
// has no merge key.
func itemID(path, list string, item map[string]any) string {
	if key, ok := mergeKeys[list]; ok {
		if v, ok := item[key]; ok {
			return fmt.Sprintf("%s[%v]", path, v)
		}
	}
	content, _ := json.Marshal(withoutFutureFields(item))
	return fmt.Sprintf("%s[%s]", path, content)
}

func withoutFutureFields(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			if k != futureField {
				out[k] = withoutFutureFields(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = withoutFutureFields(e)
		}
		return out
	}
	return v
}

// markListItems puts futureField on every object that is a list item
// under v, valued with its itemID. path is v's path.
func markListItems(v any, path string) {
	walkListItems(v, path, func(id string, item map[string]any) { item[futureField] = id })
}

// walkListItems calls fn, deepest items first, on every object that is a
// list item under v, with its itemID.
func walkListItems(v any, path string, fn func(id string, item map[string]any)) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, child := range m {
		if k == futureField {
			continue
		}
		childPath := path + "." + k
		list, ok := child.([]any)
		if !ok {
			walkListItems(child, childPath, fn)
			continue
		}
		for _, e := range list {
			item, ok := e.(map[string]any)
			if !ok {
				continue
			}
			id := itemID(childPath, k, item)
			walkListItems(item, id, fn)
			fn(id, item)
		}
	}
}

// futureFieldProblems lists the items of the rewritten template that carry
// another item's unknown field, and those that were in the template before
// and lost theirs (but for items of a list without a merge key that the
// rewrite changed: they are replaced whole, which the patch documents).
func futureFieldProblems(before, after map[string]any) []string {
	had := map[string]bool{}
	walkListItems(before, "", func(id string, _ map[string]any) { had[id] = true })
	var problems []string
	walkListItems(after, "", func(id string, item map[string]any) {
		got, has := item[futureField]
		switch {
		case has && got != id:
			problems = append(problems, fmt.Sprintf("%s carries the unknown field of %v", id, got))
		case !has && had[id]:
			problems = append(problems, fmt.Sprintf("%s lost its unknown field", id))
		}
	})
	return problems
}
