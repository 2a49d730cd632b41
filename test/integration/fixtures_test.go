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

package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite/manifest"
)

// templatePaths are where workload kinds keep their pod template.
var templatePaths = map[string][]string{
	"Pod":                   nil,
	"PodTemplate":           {"template"},
	"ReplicationController": {"spec", "template"},
	"Deployment":            {"spec", "template"},
	"StatefulSet":           {"spec", "template"},
	"ReplicaSet":            {"spec", "template"},
	"DaemonSet":             {"spec", "template"},
	"Job":                   {"spec", "template"},
	"CronJob":               {"spec", "jobTemplate", "spec", "template"},
}

// podTemplate is one pod template found in a manifest.
type podTemplate struct {
	ref  string // e.g. "Deployment default/web"
	meta metav1.ObjectMeta
	spec corev1.PodSpec
}

// podTemplates reads every pod template of a manifest file (in List items
// too), in document order.
func podTemplates(t testing.TB, path string) []podTemplate {
	t.Helper()
	var out []podTemplate
	for _, obj := range decodeManifest(t, path) {
		out = append(out, templatesOf(t, obj)...)
	}
	return out
}

// cliPodTemplates rewrites a manifest file as `vllm-to-sglang rewrite -f`
// does, with the built-in default profile (the suite's "default") and the
// webhook's proxy image, and returns its pod templates, in document order.
func cliPodTemplates(t testing.TB, path string) []podTemplate {
	t.Helper()
	rw := &manifest.Rewriter{Profile: profile.Default(), ProxyImage: framework.GoldenProxyImage}
	var out []podTemplate
	for _, obj := range decodeManifest(t, path) {
		for _, res := range rw.Rewrite(obj) {
			if res.Err != nil {
				t.Fatalf("%s: %s: %v", path, res.Ref, res.Err)
			}
		}
		out = append(out, templatesOf(t, obj)...)
	}
	return out
}

func decodeManifest(t testing.TB, path string) []*unstructured.Unstructured {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	objs, err := manifest.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return objs
}

func templatesOf(t testing.TB, obj *unstructured.Unstructured) []podTemplate {
	t.Helper()
	if obj.IsList() {
		var out []podTemplate
		err := obj.EachListItem(func(item runtime.Object) error {
			out = append(out, templatesOf(t, item.(*unstructured.Unstructured))...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	path, ok := templatePaths[obj.GetKind()]
	if !ok {
		return nil
	}
	ref := fmt.Sprintf("%s %s/%s", obj.GetKind(), obj.GetNamespace(), obj.GetName())
	raw := obj.Object
	if path != nil {
		tmpl, found, err := unstructured.NestedMap(obj.Object, path...)
		if err != nil || !found {
			t.Fatalf("%s has no pod template at %v: %v", ref, path, err)
		}
		raw = tmpl
	}
	var pod corev1.Pod
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &pod); err != nil {
		t.Fatalf("%s: %v", ref, err)
	}
	return []podTemplate{{ref: ref, meta: pod.ObjectMeta, spec: pod.Spec}}
}

// asPod makes a pod of a template, named name in namespace ns.
func (p podTemplate) asPod(ns, name string) *corev1.Pod {
	meta := *p.meta.DeepCopy()
	meta.Name, meta.GenerateName, meta.Namespace = name, "", ns
	return &corev1.Pod{ObjectMeta: meta, Spec: *p.spec.DeepCopy()}
}

// comparable strips what the API server sets per object (name, uid,
// timestamps, managed fields) and the status, keeping labels, annotations
// and the whole spec.
func comparable(pod *corev1.Pod) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Labels: pod.Labels, Annotations: pod.Annotations},
		Spec:       pod.Spec,
	}
}

// fixture is the path of a file under test/testdata.
func fixture(name string) string {
	return filepath.Join(suite.cp.Root, "test", "testdata", name)
}

func fixtureFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(fixture("*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, ".golden.yaml") })
	if len(files) == 0 {
		t.Fatal("no fixtures under test/testdata")
	}
	return files
}

// ensureRuntimeClass creates a RuntimeClass for the duration of the test.
// Fixtures name runtimeClassName: nvidia, and the API server's RuntimeClass
// admission plugin refuses a pod naming a missing class before any webhook
// runs (see TestRuntimeClassNamedByThePodMustExistForTheWebhookToSeeIt).
func ensureRuntimeClass(t testing.TB, name string) {
	t.Helper()
	rc := &nodev1.RuntimeClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Handler: name}
	if err := suite.cp.Client.Create(t.Context(), rc); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating RuntimeClass %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := suite.cp.Client.Delete(context.Background(), rc); err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("deleting RuntimeClass %s: %v", name, err)
		}
	})
	framework.Eventually(t, "RuntimeClass "+name, func() error {
		return suite.cp.Client.Get(t.Context(), client.ObjectKey{Name: name}, &nodev1.RuntimeClass{})
	})
}

// TestEveryFixtureIsStoredAsItsGolden creates the pod of every fixture
// under test/testdata in an opted-in namespace, and in a namespace the
// webhook ignores both the pod `vllm-to-sglang rewrite -f` writes of it
// now (manifest.Rewriter, the same patch as the webhook's: podpatch) and
// the pod of its golden (the CLI's output as committed). The real API
// server accepts all three, and after its own defaulting they are the same
// pod, exactly (apart from what the API server sets per object: name, uid,
// timestamps): the CLI's output is what the API server stores through the
// webhook. The webhook sees the pod after the API server's defaulting and
// the CLI before it, so this holds only because the rewrite gives both the
// same result (the proxy's --shutdown-grace, the pull policy:
// docs/rewrite.md). A fixture whose pod the webhook's matchConditions kept
// away from the webhook would be stored unrewritten and fail here.
// (webhook.TestCLIWritesTheWebhooksPod checks the same with fields this
// binary does not know on every list item, which the API server would not
// store.)
func TestEveryFixtureIsStoredAsItsGolden(t *testing.T) {
	startWebhook(t)
	ensureRuntimeClass(t, "nvidia")
	rewritten, plain := optedInNamespace(t), newNamespace(t, nil)
	for _, file := range fixtureFiles(t) {
		base := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(base, func(t *testing.T) {
			inputs := podTemplates(t, file)
			goldens := podTemplates(t, strings.TrimSuffix(file, ".yaml")+".golden.yaml")
			clis := cliPodTemplates(t, file)
			if len(inputs) == 0 || len(inputs) != len(goldens) || len(inputs) != len(clis) {
				t.Fatalf("%d pod templates in the fixture, %d in its golden, %d in the CLI's output", len(inputs), len(goldens), len(clis))
			}
			for i, in := range inputs {
				name := fmt.Sprintf("%s-%d", base, i)
				got := create(t, in.asPod(rewritten, name))
				cli := create(t, clis[i].asPod(plain, name+"-cli"))
				if diff := cmp.Diff(comparable(cli), comparable(got)); diff != "" {
					t.Errorf("%s: stored pod differs from the CLI's (-cli +webhook):\n%s", in.ref, diff)
				}
				want := create(t, goldens[i].asPod(plain, name))
				if diff := cmp.Diff(comparable(want), comparable(got)); diff != "" {
					t.Errorf("%s: stored pod differs from the golden's (-golden +webhook):\n%s", in.ref, diff)
				}
				if framework.IsRewritten(want) != framework.IsRewritten(got) {
					t.Errorf("%s: rewritten by the webhook = %v, in the golden = %v", in.ref, framework.IsRewritten(got), framework.IsRewritten(want))
				}
			}
		})
	}
}
