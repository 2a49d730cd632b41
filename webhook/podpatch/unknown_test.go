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

package podpatch

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gomodules.xyz/jsonpatch/v2"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// unknownField is a member this binary's k8s.io/api does not know, as a
// newer API server, another webhook or a newer manifest may put on any
// object. Each test item carries it with its own identity as the value.
const unknownField = "x-future-field"

// podList is a list of objects in a pod whose items may carry unknown
// fields.
type podList struct {
	name string
	// path is where the list is in the pod's JSON.
	path []any
	// id is the member that tells the items apart in the test: the merge
	// key, or for a list without one (tolerations) a member the test keeps
	// distinct (the patch matches such items by equality).
	id string
	// list returns the list in a pod, settable.
	list func(*corev1.Pod) reflect.Value
	// fresh is a new item, unlike the pod's.
	fresh any
	// edit changes an item without changing its identity; nil for a list
	// without a merge key, where an edited item is replaced with its
	// unknown fields (the documented loss).
	edit func(item reflect.Value)
}

// listsPod has three items in each list of podLists.
func listsPod() *corev1.Pod {
	c := corev1.Container{Name: "vllm", Image: "vllm/vllm-openai:v0.10.1"}
	var inits []corev1.Container
	for i := range 3 {
		c.Env = append(c.Env, corev1.EnvVar{Name: fmt.Sprintf("E%d", i), Value: "v"})
		c.Ports = append(c.Ports, corev1.ContainerPort{ContainerPort: int32(8000 + i), Protocol: corev1.ProtocolTCP})
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "data", MountPath: fmt.Sprintf("/m%d", i)})
		inits = append(inits, corev1.Container{Name: fmt.Sprintf("init-%d", i), Image: "busybox"})
	}
	pod := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "lists", Namespace: "team-a"},
		Spec: corev1.PodSpec{
			InitContainers: inits,
			Containers:     []corev1.Container{c, {Name: "side-1", Image: "side"}, {Name: "side-2", Image: "side"}},
		},
	}
	for i := range 3 {
		pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: fmt.Sprintf("vol-%d", i),
			VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
		pod.Spec.Tolerations = append(pod.Spec.Tolerations, corev1.Toleration{Key: fmt.Sprintf("t%d", i), Operator: corev1.TolerationOpExists})
	}
	return pod
}

var podLists = []podList{
	{name: "env", path: []any{"spec", "containers", 0, "env"}, id: "name",
		list:  func(p *corev1.Pod) reflect.Value { return reflect.ValueOf(&p.Spec.Containers[0].Env).Elem() },
		fresh: corev1.EnvVar{Name: "SGLANG_PORT", Value: "8001"},
		edit:  func(v reflect.Value) { v.Addr().Interface().(*corev1.EnvVar).Value = "edited" }},
	{name: "containers", path: []any{"spec", "containers"}, id: "name",
		list:  func(p *corev1.Pod) reflect.Value { return reflect.ValueOf(&p.Spec.Containers).Elem() },
		fresh: corev1.Container{Name: "new", Image: "new"},
		edit:  func(v reflect.Value) { v.Addr().Interface().(*corev1.Container).Image = "edited" }},
	{name: "initContainers", path: []any{"spec", "initContainers"}, id: "name",
		list:  func(p *corev1.Pod) reflect.Value { return reflect.ValueOf(&p.Spec.InitContainers).Elem() },
		fresh: corev1.Container{Name: "sglang-proxy", Image: "proxy"},
		edit:  func(v reflect.Value) { v.Addr().Interface().(*corev1.Container).Image = "edited" }},
	{name: "volumes", path: []any{"spec", "volumes"}, id: "name",
		list:  func(p *corev1.Pod) reflect.Value { return reflect.ValueOf(&p.Spec.Volumes).Elem() },
		fresh: corev1.Volume{Name: "dshm", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}},
		edit: func(v reflect.Value) {
			v.Addr().Interface().(*corev1.Volume).EmptyDir.Medium = corev1.StorageMediumMemory
		}},
	{name: "volumeMounts", path: []any{"spec", "containers", 0, "volumeMounts"}, id: "mountPath",
		list:  func(p *corev1.Pod) reflect.Value { return reflect.ValueOf(&p.Spec.Containers[0].VolumeMounts).Elem() },
		fresh: corev1.VolumeMount{Name: "dshm", MountPath: "/dev/shm"},
		edit:  func(v reflect.Value) { v.Addr().Interface().(*corev1.VolumeMount).ReadOnly = true }},
	{name: "ports", path: []any{"spec", "containers", 0, "ports"}, id: "containerPort",
		list:  func(p *corev1.Pod) reflect.Value { return reflect.ValueOf(&p.Spec.Containers[0].Ports).Elem() },
		fresh: corev1.ContainerPort{ContainerPort: 28000, Protocol: corev1.ProtocolTCP},
		edit:  func(v reflect.Value) { v.Addr().Interface().(*corev1.ContainerPort).Name = "edited" }},
	{name: "tolerations", path: []any{"spec", "tolerations"}, id: "key",
		list:  func(p *corev1.Pod) reflect.Value { return reflect.ValueOf(&p.Spec.Tolerations).Elem() },
		fresh: corev1.Toleration{Key: "amd.com/gpu", Operator: corev1.TolerationOpExists}},
}

// listChange is something the rewrite does to a list: insertions,
// removals and moves around the items that carry unknown fields.
type listChange struct {
	name   string
	change func(l podList, s reflect.Value)
	edits  bool // the change edits an item in place
}

var listChanges = []listChange{
	{name: "an item inserted first", change: func(l podList, s reflect.Value) { insertAt(s, 0, l.fresh) }},
	{name: "an item inserted in the middle", change: func(l podList, s reflect.Value) { insertAt(s, 1, l.fresh) }},
	{name: "an item appended", change: func(l podList, s reflect.Value) { insertAt(s, s.Len(), l.fresh) }},
	{name: "the first item removed", change: func(_ podList, s reflect.Value) { removeAt(s, 0) }},
	{name: "the middle item removed", change: func(_ podList, s reflect.Value) { removeAt(s, 1) }},
	{name: "the last item removed", change: func(_ podList, s reflect.Value) { removeAt(s, s.Len()-1) }},
	{name: "the first item replaced by a new one at its index", change: func(l podList, s reflect.Value) {
		removeAt(s, 0)
		insertAt(s, 0, l.fresh)
	}},
	{name: "the middle item removed and a new one appended", change: func(l podList, s reflect.Value) {
		removeAt(s, 1)
		insertAt(s, s.Len(), l.fresh)
	}},
	{name: "the items reversed", change: func(_ podList, s reflect.Value) { reverse(s) }},
	{name: "the first item moved last", change: func(_ podList, s reflect.Value) {
		first := reflect.New(s.Type().Elem()).Elem()
		first.Set(s.Index(0))
		removeAt(s, 0)
		insertAt(s, s.Len(), first.Interface())
	}},
	{name: "the middle item edited and a new one inserted first", edits: true, change: func(l podList, s reflect.Value) {
		l.edit(s.Index(1))
		insertAt(s, 0, l.fresh)
	}},
}

func insertAt(s reflect.Value, i int, item any) {
	out := reflect.MakeSlice(s.Type(), 0, s.Len()+1)
	out = reflect.AppendSlice(out, s.Slice(0, i))
	out = reflect.Append(out, reflect.ValueOf(item))
	s.Set(reflect.AppendSlice(out, s.Slice(i, s.Len())))
}

func removeAt(s reflect.Value, i int) {
	out := reflect.MakeSlice(s.Type(), 0, s.Len())
	out = reflect.AppendSlice(out, s.Slice(0, i))
	s.Set(reflect.AppendSlice(out, s.Slice(i+1, s.Len())))
}

func reverse(s reflect.Value) {
	for i, j := 0, s.Len()-1; i < j; i, j = i+1, j-1 {
		a, b := s.Index(i).Interface(), s.Index(j).Interface()
		s.Index(i).Set(reflect.ValueOf(b))
		s.Index(j).Set(reflect.ValueOf(a))
	}
}

// withUnknownFields is the pod's JSON with unknownField on every item of
// the list, its value the item's identity.
func withUnknownFields(t *testing.T, pod *corev1.Pod, l podList) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(mustJSON(t, pod), &doc); err != nil {
		t.Fatal(err)
	}
	for _, item := range listAt(t, doc, l.path) {
		m := item.(map[string]any)
		m[unknownField] = identity(m, l)
	}
	return mustJSON(t, doc)
}

func listAt(t *testing.T, doc any, path []any) []any {
	t.Helper()
	cur := doc
	for _, step := range path {
		switch s := step.(type) {
		case string:
			cur = cur.(map[string]any)[s]
		case int:
			cur = cur.([]any)[s]
		}
	}
	list, _ := cur.([]any)
	return list
}

func identity(item map[string]any, l podList) string { return fmt.Sprint(item[l.id]) }

// unknownFieldProblems lists what the patched document did wrong with the
// unknown fields of the list: an item that lost its own, or carries
// another's.
func unknownFieldProblems(t *testing.T, original, patched []byte, l podList) []string {
	t.Helper()
	var before, after map[string]any
	if err := json.Unmarshal(original, &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(patched, &after); err != nil {
		t.Fatal(err)
	}
	had := map[string]bool{}
	for _, item := range listAt(t, before, l.path) {
		had[identity(item.(map[string]any), l)] = true
	}
	var problems []string
	for _, item := range listAt(t, after, l.path) {
		m := item.(map[string]any)
		id := identity(m, l)
		got, has := m[unknownField]
		switch {
		case has && got != id:
			problems = append(problems, fmt.Sprintf("%s %s carries the unknown field of %v", l.name, id, got))
		case !has && had[id]:
			problems = append(problems, fmt.Sprintf("%s %s lost its unknown field", l.name, id))
		}
	}
	return problems
}

// TestUnknownFieldsOnListItemsStayOnTheirItems: in every list the rewrite
// edits (env, containers, initContainers, volumes, volumeMounts, ports,
// tolerations), items keep the fields this binary does not know through
// insertions, removals and moves around them, and never take a
// neighbour's; an item edited in a list with a merge key keeps its own.
// Both front ends patch with Create and Apply, so this holds for the
// webhook's pods and the CLI's manifests alike.
func TestUnknownFieldsOnListItemsStayOnTheirItems(t *testing.T) {
	for _, l := range podLists {
		for _, c := range listChanges {
			if c.edits && l.edit == nil {
				continue
			}
			t.Run(l.name+"/"+c.name, func(t *testing.T) {
				raw := withUnknownFields(t, listsPod(), l)
				original, err := decode(raw)
				if err != nil {
					t.Fatal(err)
				}
				mutated := original.DeepCopy()
				c.change(l, l.list(mutated))
				patch, err := Create(original, mutated)
				if err != nil {
					t.Fatal(err)
				}
				out, err := Apply(raw, patch)
				if err != nil {
					t.Fatalf("%v\n%s", err, patch)
				}
				got, err := decode(out)
				if err != nil {
					t.Fatal(err)
				}
				if !apiequality.Semantic.DeepEqual(mutated, got) {
					t.Errorf("patched pod differs from the wanted one (-want +got):\n%s", cmp.Diff(mutated, got))
				}
				for _, p := range unknownFieldProblems(t, raw, out, l) {
					t.Errorf("%s\npatch: %s", p, patch)
				}
			})
		}
	}
}

// TestUnknownFieldCheckCatchesIndexDiffs makes sure the check above can
// fail: a diff that pairs list items by index (gomodules.xyz/jsonpatch
// between the typed pod before and after, applied to the document, which is
// how `rewrite -f` patched manifests before it used Create) moves an unknown
// field onto the item inserted in front of it, in every list.
func TestUnknownFieldCheckCatchesIndexDiffs(t *testing.T) {
	changes := []string{"an item inserted first", "the first item replaced by a new one at its index"}
	for _, l := range podLists {
		for _, c := range listChanges {
			if !slices.Contains(changes, c.name) {
				continue
			}
			t.Run(l.name+"/"+c.name, func(t *testing.T) {
				raw := withUnknownFields(t, listsPod(), l)
				original, err := decode(raw)
				if err != nil {
					t.Fatal(err)
				}
				mutated := original.DeepCopy()
				c.change(l, l.list(mutated))
				ops, err := jsonpatch.CreatePatch(mustJSON(t, original), mustJSON(t, mutated))
				if err != nil {
					t.Fatal(err)
				}
				out, err := Apply(raw, mustJSON(t, ops))
				if err != nil {
					t.Fatal(err)
				}
				if len(unknownFieldProblems(t, raw, out, l)) == 0 {
					t.Error("the check finds nothing wrong with an index-based diff")
				}
			})
		}
	}
}
