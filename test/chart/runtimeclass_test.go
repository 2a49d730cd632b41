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

package charttest

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const keepPolicy = "helm.sh/resource-policy"

func TestCompatRuntimeClassWithoutACluster(t *testing.T) {
	tests := map[string]struct {
		sets        []string
		wantName    string // "" when no class is rendered
		wantHandler string
		wantNotes   string
	}{
		"auto renders no class when the chart cannot see the cluster, and the notes say how to force it": {
			wantNotes: "compatRuntimeClass.create=always",
		},
		"always renders the class, kept by Helm, with the default runc handler": {
			sets:     []string{"compatRuntimeClass.create=always"},
			wantName: "nvidia", wantHandler: "runc", wantNotes: "this release manages",
		},
		"always with another name and handler": {
			sets:     []string{"compatRuntimeClass.create=always", "compatRuntimeClass.name=nvidia-legacy", "compatRuntimeClass.handler=crun"},
			wantName: "nvidia-legacy", wantHandler: "crun",
		},
		"never renders no class": {
			sets:      []string{"compatRuntimeClass.create=never"},
			wantNotes: "not created (compatRuntimeClass.create=never)",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := render(t, values(t, tc.sets...))
			if tc.wantName == "" {
				if n := r.kinds()["RuntimeClass"]; n != 0 {
					t.Errorf("%d RuntimeClasses rendered", n)
				}
			} else {
				rc := get[nodev1.RuntimeClass](t, r, "RuntimeClass", tc.wantName)
				if rc.Handler != tc.wantHandler || rc.Annotations[keepPolicy] != "keep" {
					t.Errorf("handler %q, %s %q; want %q and keep", rc.Handler, keepPolicy, rc.Annotations[keepPolicy], tc.wantHandler)
				}
			}
			if !strings.Contains(r.notes, tc.wantNotes) {
				t.Errorf("NOTES lack %q:\n%s", tc.wantNotes, r.notes)
			}
		})
	}
}

// TestCompatRuntimeClassOnARealAPIServer walks the class's life with real
// Helm installs, upgrades and uninstalls against kube-apiserver, whose
// RuntimeClass admission plugin is what makes the class necessary. The steps
// build on each other; the test owns the cluster's RuntimeClass "nvidia".
func TestCompatRuntimeClassOnARealAPIServer(t *testing.T) {
	c := controlPlane(t)
	const apps = "rc-apps"
	c.createNamespace(t, apps)
	vals := func(sets ...string) map[string]any {
		// The default profile belongs to another test; Helm-generated
		// certificates keep this test independent of cert-manager.
		return values(t, append([]string{"certManager.enabled=false", "defaultProfile.enabled=false"}, sets...)...)
	}
	// t.Context() is already cancelled when cleanups run.
	t.Cleanup(func() { c.deleteRuntimeClass(context.WithoutCancel(t.Context()), t) })
	c.deleteRuntimeClass(t.Context(), t)

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"without the class the API server refuses a pod naming it, before any webhook could run", func(t *testing.T) {
			err := c.dryRunPodWithRuntimeClass(t, apps)
			if err == nil || !strings.Contains(err.Error(), `RuntimeClass "nvidia" not found`) {
				t.Fatalf("pod create: %v; want the RuntimeClass admission plugin's refusal", err)
			}
		}},
		{"install creates the class with the runc handler and the keep policy", func(t *testing.T) {
			r := c.mustInstall(t, "rc-a", "rc-a", vals())
			rc := c.runtimeClass(t)
			if rc.Handler != "runc" || rc.Annotations[keepPolicy] != "keep" || rc.Annotations["meta.helm.sh/release-name"] != "rc-a" {
				t.Errorf("class handler %q annotations %v; want runc, keep, owned by rc-a", rc.Handler, rc.Annotations)
			}
			if !strings.Contains(r.notes, "this release manages") {
				t.Errorf("NOTES do not say the release manages the class:\n%s", r.notes)
			}
		}},
		{"with the class the pod is admitted", func(t *testing.T) {
			if err := c.dryRunPodWithRuntimeClass(t, apps); err != nil {
				t.Fatalf("pod create with the compat class: %v", err)
			}
		}},
		{"an upgrade keeps managing the class it created", func(t *testing.T) {
			r := c.upgrade(t, "rc-a", "rc-a", vals("webhook.timeoutSeconds=4"))
			if r.find("RuntimeClass", "nvidia") == nil {
				t.Errorf("the upgraded release no longer renders the class it owns")
			}
			c.runtimeClass(t)
		}},
		{"an upgrade that stops rendering the class leaves it, and a later one takes it back", func(t *testing.T) {
			r := c.upgrade(t, "rc-a", "rc-a", vals("compatRuntimeClass.create=never"))
			if r.find("RuntimeClass", "nvidia") != nil {
				t.Fatalf("create=never still renders the class")
			}
			c.runtimeClass(t)
			r = c.upgrade(t, "rc-a", "rc-a", vals())
			if r.find("RuntimeClass", "nvidia") == nil {
				t.Errorf("the release does not take its class back")
			}
		}},
		{"a second release leaves the first release's class alone", func(t *testing.T) {
			r := c.mustInstall(t, "rc-b", "rc-b", vals())
			if r.find("RuntimeClass", "nvidia") != nil {
				t.Errorf("rc-b renders a class owned by rc-a")
			}
			if !strings.Contains(r.notes, "the cluster already has one") {
				t.Errorf("NOTES do not say the class exists:\n%s", r.notes)
			}
			if owner := c.runtimeClass(t).Annotations["meta.helm.sh/release-name"]; owner != "rc-a" {
				t.Errorf("class owner %q, want rc-a", owner)
			}
		}},
		{"uninstall leaves the class (pods may still name it)", func(t *testing.T) {
			c.uninstall(t, "rc-a", "rc-a")
			c.runtimeClass(t)
		}},
		{"installing the release again adopts the class it left", func(t *testing.T) {
			r := c.mustInstall(t, "rc-a", "rc-a", vals())
			if r.find("RuntimeClass", "nvidia") == nil {
				t.Errorf("the reinstalled release does not manage its old class")
			}
			c.uninstall(t, "rc-a", "rc-a")
			c.uninstall(t, "rc-b", "rc-b")
			c.deleteRuntimeClass(t.Context(), t)
		}},
		{"a class the cluster already had is never touched, not even by uninstall", func(t *testing.T) {
			gpuOperator := &nodev1.RuntimeClass{ObjectMeta: metav1.ObjectMeta{Name: "nvidia"}, Handler: "nvidia"}
			if err := c.Client.Create(t.Context(), gpuOperator); err != nil {
				t.Fatal(err)
			}
			r := c.mustInstall(t, "rc-c", "rc-c", vals())
			if r.find("RuntimeClass", "nvidia") != nil {
				t.Errorf("the release renders a class it does not own")
			}
			c.uninstall(t, "rc-c", "rc-c")
			rc := c.runtimeClass(t)
			if rc.Handler != "nvidia" || len(rc.Annotations) != 0 || len(rc.Labels) != 0 {
				t.Errorf("the cluster's class changed: handler %q annotations %v labels %v", rc.Handler, rc.Annotations, rc.Labels)
			}
		}},
		{"create=always refuses to take over a class it does not own", func(t *testing.T) {
			_, err := c.install(t, "rc-d", "rc-d", vals("compatRuntimeClass.create=always"))
			if err == nil || !strings.Contains(err.Error(), "cannot be imported") {
				t.Fatalf("install with create=always over a foreign class: %v; want Helm's ownership refusal", err)
			}
			if rc := c.runtimeClass(t); rc.Handler != "nvidia" {
				t.Errorf("the cluster's class handler became %q", rc.Handler)
			}
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			return // later steps assume this one's outcome
		}
	}
}

func (c *cluster) runtimeClass(t *testing.T) *nodev1.RuntimeClass {
	t.Helper()
	var rc nodev1.RuntimeClass
	c.get(t, "", "nvidia", &rc)
	return &rc
}

func (c *cluster) deleteRuntimeClass(ctx context.Context, t *testing.T) {
	t.Helper()
	rc := &nodev1.RuntimeClass{ObjectMeta: metav1.ObjectMeta{Name: "nvidia"}}
	if err := c.Client.Delete(ctx, rc); err != nil && !apierrors.IsNotFound(err) {
		t.Fatalf("deleting RuntimeClass nvidia: %v", err)
	}
}

// dryRunPodWithRuntimeClass asks the API server to admit a pod as a vLLM
// stack renders it (runtimeClassName: nvidia), without storing it. The
// namespace is not opted in, so no webhook is involved.
func (c *cluster) dryRunPodWithRuntimeClass(t *testing.T, namespace string) error {
	t.Helper()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "engine-", Namespace: namespace},
		Spec: corev1.PodSpec{
			RuntimeClassName: ptr.To("nvidia"),
			Containers:       []corev1.Container{{Name: "vllm", Image: "vllm/vllm-openai:v0.11.0", Args: []string{"--model", "m"}}},
		},
	}
	return c.Client.Create(t.Context(), pod, client.DryRunAll)
}
