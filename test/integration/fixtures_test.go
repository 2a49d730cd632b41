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
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	objs, err := manifest.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []podTemplate
	for _, obj := range objs {
		out = append(out, templatesOf(t, obj)...)
	}
	return out
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

func fixtureFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(suite.root, "test", "testdata", "*.yaml"))
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
	if err := suite.client.Create(t.Context(), rc); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating RuntimeClass %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := suite.client.Delete(context.Background(), rc); err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("deleting RuntimeClass %s: %v", name, err)
		}
	})
	eventually(t, "RuntimeClass "+name, func() error {
		return suite.client.Get(t.Context(), client.ObjectKey{Name: name}, &nodev1.RuntimeClass{})
	})
}

// TestEveryFixtureIsStoredAsItsGolden creates the pod of every fixture
// under test/testdata in an opted-in namespace, and the pod of its golden
// (the rewrite engine's output, as `vllm-to-sglang rewrite` prints it) in a
// namespace the webhook ignores. The real API server accepts both, and
// after its own defaulting they are the same pod. A fixture whose pod the
// webhook's matchConditions kept away from the webhook would be stored
// unrewritten and fail here.
func TestEveryFixtureIsStoredAsItsGolden(t *testing.T) {
	startWebhook(t)
	ensureRuntimeClass(t, "nvidia")
	rewritten, plain := optedInNamespace(t), newNamespace(t, nil)
	for _, file := range fixtureFiles(t) {
		base := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(base, func(t *testing.T) {
			inputs := podTemplates(t, file)
			goldens := podTemplates(t, strings.TrimSuffix(file, ".yaml")+".golden.yaml")
			if len(inputs) == 0 || len(inputs) != len(goldens) {
				t.Fatalf("%d pod templates in the fixture, %d in its golden", len(inputs), len(goldens))
			}
			for i, in := range inputs {
				name := fmt.Sprintf("%s-%d", base, i)
				got := create(t, in.asPod(rewritten, name))
				want := create(t, goldens[i].asPod(plain, name))
				for _, leak := range undoDefaultLeaks(t, in, got) {
					t.Logf("%s: API-server default of the vLLM pod shows through the rewrite: %s", in.ref, leak)
				}
				if diff := cmp.Diff(comparable(want), comparable(got)); diff != "" {
					t.Errorf("%s: stored pod differs from the golden's (-golden +webhook):\n%s", in.ref, diff)
				}
				if isRewritten(want) != isRewritten(got) {
					t.Errorf("%s: rewritten by the webhook = %v, in the golden = %v", in.ref, isRewritten(got), isRewritten(want))
				}
			}
		})
	}
}

// undoDefaultLeaks reverts, in the webhook's pod, the two known places where
// the API server's defaulting of the *vLLM* pod, which the webhook always
// sees and `vllm-to-sglang rewrite` (the goldens) never does, shows through
// the rewrite. Both are harmless, and each is reverted only in exactly the
// harmless form, so any other difference still fails the comparison:
//   - terminationGracePeriodSeconds defaults to 30, so the proxy gets
//     --shutdown-grace=30s, which is also the proxy's own default;
//   - a vLLM image tagged :latest (or untagged) gets imagePullPolicy Always,
//     which the rewrite keeps for the SGLang image (the golden's pod, whose
//     pinned image is defaulted afresh, gets IfNotPresent).
//
// It returns what it reverted.
func undoDefaultLeaks(t *testing.T, in podTemplate, got *corev1.Pod) []string {
	t.Helper()
	var leaks []string
	if in.spec.TerminationGracePeriodSeconds == nil {
		if proxy := findContainer(got, "sglang-proxy"); proxy != nil {
			const leaked = "--shutdown-grace=30s"
			if i := slices.Index(proxy.Args, leaked); i >= 0 {
				proxy.Args = slices.Delete(proxy.Args, i, i+1)
				leaks = append(leaks, "proxy "+leaked)
			}
		}
	}
	for _, orig := range in.spec.Containers {
		c := findContainer(got, orig.Name)
		if c == nil || orig.ImagePullPolicy != "" || c.Image == orig.Image || c.ImagePullPolicy != corev1.PullAlways {
			continue
		}
		if tag := imageTag(orig.Image); tag == "" || tag == "latest" {
			c.ImagePullPolicy = corev1.PullIfNotPresent
			leaks = append(leaks, fmt.Sprintf("container %s imagePullPolicy Always (from %s)", c.Name, orig.Image))
		}
	}
	return leaks
}

// imageTag is the tag of an image reference ("" when it has none or a digest).
func imageTag(image string) string {
	if strings.Contains(image, "@") {
		return "digest"
	}
	slash := strings.LastIndex(image, "/")
	if colon := strings.LastIndex(image, ":"); colon > slash {
		return image[colon+1:]
	}
	return ""
}
