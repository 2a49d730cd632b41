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

package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

const vllmPodYAML = `apiVersion: v1
kind: Pod
metadata:
  name: llama
spec:
  containers:
  - name: vllm
    image: vllm/vllm-openai:v0.10.1
    command: [vllm, serve, org/model]
    resources:
      limits:
        nvidia.com/gpu: 1
`

func decodeString(t *testing.T, s string) []*unstructured.Unstructured {
	t.Helper()
	objs, err := Decode(strings.NewReader(s))
	if err != nil {
		t.Fatalf("Decode() = %v", err)
	}
	return objs
}

func testRewriter() *Rewriter {
	return &Rewriter{Profile: profile.Default(), ProxyImage: "example.com/proxy:test"}
}

func TestRewriteKinds(t *testing.T) {
	podSpec := func(indent string) string {
		lines := strings.Split(strings.TrimSpace(vllmPodYAML[strings.Index(vllmPodYAML, "spec:"):]), "\n")
		for i := range lines {
			lines[i] = indent + lines[i]
		}
		return strings.Join(lines, "\n") + "\n"
	}
	tests := map[string]struct {
		in      string
		path    []string // to the pod template
		wantRef string
	}{
		"rewrites a Pod": {in: vllmPodYAML, path: nil, wantRef: "Pod llama"},
		"rewrites a Deployment's template": {
			in:   "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ns}\nspec:\n  template:\n" + podSpec("    "),
			path: []string{"spec", "template"}, wantRef: "Deployment ns/d",
		},
		"rewrites a template without metadata": {
			in:   "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n  template:\n" + podSpec("    "),
			path: []string{"spec", "template"}, wantRef: "DaemonSet d",
		},
		"rewrites a Job's template": {
			in:   "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n" + podSpec("    "),
			path: []string{"spec", "template"}, wantRef: "Job j",
		},
		"rewrites a CronJob's job template": {
			in:   "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n" + podSpec("        "),
			path: []string{"spec", "jobTemplate", "spec", "template"}, wantRef: "CronJob c",
		},
		"rewrites a PodTemplate": {
			in:   "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: p}\ntemplate:\n" + podSpec("  "),
			path: []string{"template"}, wantRef: "PodTemplate p",
		},
		"rewrites a ReplicationController": {
			in:   "apiVersion: v1\nkind: ReplicationController\nmetadata: {generateName: rc-}\nspec:\n  template:\n" + podSpec("    "),
			path: []string{"spec", "template"}, wantRef: "ReplicationController rc-*",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			obj := decodeString(t, tc.in)[0]
			results := testRewriter().Rewrite(obj)
			if len(results) != 1 || results[0].Err != nil || results[0].Report.Outcome != rewrite.Rewritten {
				t.Fatalf("results %+v", results)
			}
			if results[0].Ref != tc.wantRef {
				t.Errorf("ref %q, want %q", results[0].Ref, tc.wantRef)
			}
			tmpl, err := templateOf(obj.Object, tc.path)
			if err != nil {
				t.Fatal(err)
			}
			ann, _, _ := unstructured.NestedStringMap(tmpl, "metadata", "annotations")
			if _, ok := ann[v1alpha1.AnnotationStatus]; !ok {
				t.Errorf("no status annotation on the template: %v", tmpl)
			}
		})
	}

	t.Run("leaves other kinds exactly as they were", func(t *testing.T) {
		in := "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: x}\nspec:\n  template:\n" + podSpec("    ")
		obj := decodeString(t, in)[0]
		before := obj.DeepCopy()
		if results := testRewriter().Rewrite(obj); len(results) != 0 {
			t.Errorf("results %v", results)
		}
		if diff := cmp.Diff(before.Object, obj.Object); diff != "" {
			t.Error(diff)
		}
	})

	t.Run("rewrites the items of a List", func(t *testing.T) {
		in := "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n- " +
			strings.ReplaceAll(strings.TrimSpace(vllmPodYAML), "\n", "\n  ") + "\n"
		obj := decodeString(t, in)[0]
		results := testRewriter().Rewrite(obj)
		if len(results) != 1 || results[0].Ref != "Pod llama" || results[0].Report.Outcome != rewrite.Rewritten {
			t.Fatalf("results %+v", results)
		}
		items, _, _ := unstructured.NestedSlice(obj.Object, "items")
		inits, _, _ := unstructured.NestedSlice(items[1].(map[string]any), "spec", "initContainers")
		if len(inits) != 1 {
			t.Errorf("the List's pod has %d init containers, want the proxy", len(inits))
		}
	})

	t.Run("reports a template that is not a pod template", func(t *testing.T) {
		obj := decodeString(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template: 3\n")[0]
		results := testRewriter().Rewrite(obj)
		if len(results) != 1 || results[0].Err == nil || !strings.Contains(results[0].Err.Error(), "no pod template at .spec.template") {
			t.Errorf("results %+v", results)
		}
	})

	t.Run("reports a template whose fields have the wrong type", func(t *testing.T) {
		obj := decodeString(t, strings.Replace(vllmPodYAML, "name: vllm", "name: [vllm]", 1))[0]
		results := testRewriter().Rewrite(obj)
		if len(results) != 1 || results[0].Err == nil || !strings.Contains(results[0].Err.Error(), "reading the pod template") {
			t.Errorf("results %+v", results)
		}
	})

	t.Run("passes a rejection on", func(t *testing.T) {
		rw := testRewriter()
		rw.Profile.Spec.Args.Overrides = []v1alpha1.FlagOverride{{Flag: "--max-model-len", Action: v1alpha1.FlagReject}}
		obj := decodeString(t, strings.Replace(vllmPodYAML, "org/model]", "org/model, --max-model-len, 4k]", 1))[0]
		results := rw.Rewrite(obj)
		var rejected *rewrite.RejectedError
		if len(results) != 1 || !errors.As(results[0].Err, &rejected) {
			t.Errorf("results %+v", results)
		}
	})
}

func TestRewriteLists(t *testing.T) {
	indent := func(s, prefix string) string {
		return strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n"+prefix)
	}
	pod := indent(vllmPodYAML, "  ")                                            // a Pod item, kind and all
	bare := indent(vllmPodYAML[strings.Index(vllmPodYAML, "metadata:"):], "  ") // a PodList item: no kind, no apiVersion
	deployment := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    " + indent(vllmPodYAML[strings.Index(vllmPodYAML, "spec:"):], "    ")
	podJSON, err := yaml.YAMLToJSON([]byte(vllmPodYAML))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		in       string
		wantKind string
		wantRefs []string
		// itemsWithoutKind: the items had no kind and must still have none.
		itemsWithoutKind bool
	}{
		"rewrites the items of a kind: List, which stays a List": {
			in:       "apiVersion: v1\nkind: List\nmetadata: {}\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n- " + pod + "\n",
			wantKind: "List", wantRefs: []string{"Pod llama"},
		},
		"rewrites the items of a JSON List": {
			in:       `{"apiVersion": "v1", "kind": "List", "items": [` + string(podJSON) + `]}`,
			wantKind: "List", wantRefs: []string{"Pod llama"},
		},
		"rewrites the items of a typed list whose items carry their kind (DeploymentList)": {
			in:       "apiVersion: apps/v1\nkind: DeploymentList\nmetadata: {resourceVersion: \"1\"}\nitems:\n- " + indent(deployment, "  ") + "\n",
			wantKind: "DeploymentList", wantRefs: []string{"Deployment d"},
		},
		"rewrites the items of a typed list that have no kind, taking it from the list as kubectl does, without writing it": {
			in:       "apiVersion: v1\nkind: PodList\nmetadata: {resourceVersion: \"1\"}\nitems:\n- " + bare + "\n",
			wantKind: "PodList", wantRefs: []string{"Pod llama"}, itemsWithoutKind: true,
		},
		"leaves the kindless items of a kind: List alone, as they name no kind": {
			in:       "apiVersion: v1\nkind: List\nitems:\n- " + bare + "\n",
			wantKind: "List", itemsWithoutKind: true,
		},
		"rewrites the items of a List inside a List": {
			in:       "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - " + indent(vllmPodYAML, "    ") + "\n",
			wantKind: "List", wantRefs: []string{"Pod llama"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			objs := decodeString(t, tc.in)
			if len(objs) != 1 {
				t.Fatalf("%d objects", len(objs))
			}
			var refs []string
			for _, res := range testRewriter().Rewrite(objs[0]) {
				if res.Err != nil || res.Report.Outcome != rewrite.Rewritten {
					t.Fatalf("%s: %+v", res.Ref, res)
				}
				refs = append(refs, res.Ref)
			}
			if diff := cmp.Diff(tc.wantRefs, refs); diff != "" {
				t.Errorf("rewritten (-want +got):\n%s", diff)
			}
			var out bytes.Buffer
			if err := EncodeYAML(&out, objs); err != nil {
				t.Fatal(err)
			}
			back := decodeString(t, out.String())
			if len(back) != 1 || back[0].GetKind() != tc.wantKind {
				t.Fatalf("printed %d objects, the first a %s, want one %s:\n%s", len(back), back[0].GetKind(), tc.wantKind, out.String())
			}
			rewritten := 0
			for _, item := range flatten(back[0].Object)[1:] {
				if _, ok := item["items"]; ok {
					continue
				}
				if _, hasKind := item["kind"]; hasKind == tc.itemsWithoutKind {
					t.Errorf("item %v has a kind: %v, want %v", item["metadata"], hasKind, !tc.itemsWithoutKind)
				}
				for _, path := range [][]string{{"metadata", "annotations"}, {"spec", "template", "metadata", "annotations"}} {
					if _, ok, _ := unstructured.NestedString(item, append(path, v1alpha1.AnnotationStatus)...); ok {
						rewritten++
					}
				}
			}
			if rewritten != len(tc.wantRefs) {
				t.Errorf("%d rewritten pod templates in the output, want %d:\n%s", rewritten, len(tc.wantRefs), out.String())
			}
		})
	}
}

func TestRewriteKeepsUnknownFields(t *testing.T) {
	in := strings.Replace(vllmPodYAML, "  containers:\n", "  x-future-pod-field: keep\n  containers:\n", 1)
	in = strings.Replace(in, "    image: vllm", "    x-future-container-field: {a: 1}\n    image: vllm", 1)
	in = strings.Replace(in, "metadata:\n", "metadata:\n  x-future-meta: m\n", 1)
	obj := decodeString(t, in)[0]
	results := testRewriter().Rewrite(obj)
	if len(results) != 1 || results[0].Err != nil || results[0].Report.Outcome != rewrite.Rewritten {
		t.Fatalf("results %+v", results)
	}
	checks := map[string][]string{
		"keep": {"spec", "x-future-pod-field"},
		"m":    {"metadata", "x-future-meta"},
	}
	for want, path := range checks {
		if got, _, _ := unstructured.NestedString(obj.Object, path...); got != want {
			t.Errorf(".%s = %q, want %q", strings.Join(path, "."), got, want)
		}
	}
	containers, _, _ := unstructured.NestedSlice(obj.Object, "spec", "containers")
	c := containers[0].(map[string]any)
	if diff := cmp.Diff(map[string]any{"a": int64(1)}, c["x-future-container-field"]); diff != "" {
		t.Errorf("container's unknown field:\n%s", diff)
	}
	if c["image"] != profile.Default().Spec.Image {
		t.Errorf("image %v: the rewrite was not written back", c["image"])
	}
}

// podWithUnknownListItems has a field this binary's k8s.io/api does not
// know on an item of every list the rewrite edits, each valued with the
// item's identity, around the items the rewrite removes, inserts and
// edits: VLLM_PORT gets SGLANG_PORT inserted after it, NVIDIA_VISIBLE_DEVICES
// and the NVIDIA toleration go, the serving port moves to the proxy, an
// init container and a /dev/shm volume and mount are added, the vLLM
// container is edited.
const podWithUnknownListItems = `apiVersion: v1
kind: Pod
metadata:
  name: llama
spec:
  initContainers:
  - {name: fetch, image: busybox, x-future-field: fetch}
  containers:
  - name: vllm
    image: vllm/vllm-openai:v0.10.1
    command: [vllm, serve, org/model]
    x-future-field: vllm
    env:
    - {name: NVIDIA_VISIBLE_DEVICES, value: all, x-future-field: NVIDIA_VISIBLE_DEVICES}
    - {name: VLLM_PORT, value: "5000", x-future-field: VLLM_PORT}
    - {name: OTHER, value: o, x-future-field: OTHER}
    ports:
    - {name: http, containerPort: 8000, x-future-field: "8000"}
    - {name: zmq, containerPort: 55555, x-future-field: "55555"}
    volumeMounts:
    - {name: models, mountPath: /models, x-future-field: /models}
    resources:
      limits:
        nvidia.com/gpu: 1
  - {name: sidecar, image: busybox, x-future-field: sidecar}
  volumes:
  - {name: models, emptyDir: {}, x-future-field: models}
  tolerations:
  - {key: nvidia.com/gpu, operator: Exists, x-future-field: nvidia.com/gpu}
  - {key: team, operator: Exists, x-future-field: team}
`

// TestRewriteKeepsUnknownFieldsOnListItems is the list-item case of
// TestRewriteKeepsUnknownFields: every unknown field stays on its own item,
// whatever was removed, inserted or moved around it, and no item the
// rewrite adds (SGLANG_PORT after VLLM_PORT, the proxy, the /dev/shm volume
// and mount) gets one.
func TestRewriteKeepsUnknownFieldsOnListItems(t *testing.T) {
	obj := decodeString(t, podWithUnknownListItems)[0]
	results := testRewriter().Rewrite(obj)
	if len(results) != 1 || results[0].Err != nil || results[0].Report.Outcome != rewrite.Rewritten {
		t.Fatalf("results %+v", results)
	}
	spec := obj.Object["spec"].(map[string]any)
	containers := spec["containers"].([]any)
	vllm := containers[0].(map[string]any)
	lists := map[string]struct {
		items []any
		key   string
		want  []string // the items that keep their field, in order
	}{
		"initContainers": {spec["initContainers"].([]any), "name", []string{"fetch"}},
		"containers":     {containers, "name", []string{"vllm", "sidecar"}},
		"env":            {vllm["env"].([]any), "name", []string{"VLLM_PORT", "OTHER"}},
		"ports":          {vllm["ports"].([]any), "containerPort", []string{"55555"}},
		"volumeMounts":   {vllm["volumeMounts"].([]any), "mountPath", []string{"/models"}},
		"volumes":        {spec["volumes"].([]any), "name", []string{"models"}},
		"tolerations":    {spec["tolerations"].([]any), "key", []string{"team"}},
	}
	for name, l := range lists {
		var kept []string
		for _, item := range l.items {
			m := item.(map[string]any)
			id := fmt.Sprint(m[l.key])
			got, has := m["x-future-field"]
			if !has {
				continue
			}
			if got != id {
				t.Errorf("%s: %s carries the unknown field of %v", name, id, got)
				continue
			}
			kept = append(kept, id)
		}
		if diff := cmp.Diff(l.want, kept); diff != "" {
			t.Errorf("%s: the items that keep their unknown field (-want +got):\n%s\nitems: %v", name, diff, l.items)
		}
	}
	env := vllm["env"].([]any)
	if len(env) < 2 || env[1].(map[string]any)["name"] != "SGLANG_PORT" {
		t.Errorf("env %v: want SGLANG_PORT inserted after VLLM_PORT", env)
	}
}

func TestEncode(t *testing.T) {
	objs := decodeString(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n")

	t.Run("writes YAML documents separated by ---", func(t *testing.T) {
		var buf bytes.Buffer
		if err := EncodeYAML(&buf, objs); err != nil {
			t.Fatal(err)
		}
		want := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n"
		if diff := cmp.Diff(want, buf.String()); diff != "" {
			t.Error(diff)
		}
	})

	t.Run("writes several objects as a JSON List", func(t *testing.T) {
		var buf bytes.Buffer
		if err := EncodeJSON(&buf, objs); err != nil {
			t.Fatal(err)
		}
		var list struct {
			Kind  string           `json:"kind"`
			Items []map[string]any `json:"items"`
		}
		if err := json.Unmarshal(buf.Bytes(), &list); err != nil {
			t.Fatal(err)
		}
		if list.Kind != "List" || len(list.Items) != 2 || list.Items[1]["kind"] != "Service" {
			t.Errorf("list %+v", list)
		}
	})

	t.Run("writes one object as itself in JSON", func(t *testing.T) {
		var buf bytes.Buffer
		if err := EncodeJSON(&buf, objs[:1]); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(buf.String(), "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"ConfigMap\"") {
			t.Errorf("output %s", buf.String())
		}
	})

	t.Run("round-trips: JSON output decodes to the same objects", func(t *testing.T) {
		var buf bytes.Buffer
		if err := EncodeJSON(&buf, objs[:1]); err != nil {
			t.Fatal(err)
		}
		back := decodeString(t, buf.String())
		if diff := cmp.Diff(objs[0].Object, back[0].Object); diff != "" {
			t.Error(diff)
		}
	})
}

func TestMessages(t *testing.T) {
	t.Run("flags a template that asks for another profile", func(t *testing.T) {
		obj := decodeString(t, strings.Replace(vllmPodYAML, "  name: llama\n", "  name: llama\n  annotations: {vllm-to-sglang.io/profile: mi355x}\n", 1))[0]
		res := testRewriter().Rewrite(obj)[0]
		msgs := res.Messages("default")
		if len(msgs) == 0 || !strings.Contains(msgs[0], `Warning: Pod llama: the pod asks for profile "mi355x" but was rewritten with "default"`) {
			t.Errorf("messages %v", msgs)
		}
	})

	t.Run("says why a template was left alone", func(t *testing.T) {
		obj := decodeString(t, strings.Replace(vllmPodYAML, "nvidia.com/gpu: 1", "cpu: 1", 1))[0]
		msgs := testRewriter().Rewrite(obj)[0].Messages("default")
		if diff := cmp.Diff([]string{"Pod llama: not rewritten: the vLLM container requests no GPU"}, msgs); diff != "" {
			t.Error(diff)
		}
	})
}
