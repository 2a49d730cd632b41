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

package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite/manifest"
)

// fixture is one Deployment and what `vllm-to-sglang rewrite` makes of it
// (its golden file).
type fixture struct {
	name               string
	deployment, golden *appsv1.Deployment
	// model is the model name vLLM would answer to.
	model string
	// atStart: the webhook cannot read the vLLM command in full and routes
	// it through the launcher (the status annotation's translatedAtStart).
	atStart bool
}

// loadFixture reads a fixture file's one Deployment and its golden's.
func loadFixture(t *testing.T, path string) fixture {
	t.Helper()
	deps, goldens := deployments(t, path), deployments(t, strings.TrimSuffix(path, ".yaml")+".golden.yaml")
	if len(deps) != 1 || len(goldens) != 1 {
		t.Fatalf("%s: %d Deployments, golden %d; want one each", path, len(deps), len(goldens))
	}
	return fixture{name: strings.TrimSuffix(filepath.Base(path), ".yaml"), deployment: deps[0], golden: goldens[0]}
}

// productionStackFixtures are the Deployments of test/testdata/production-stack-*.yaml.
func productionStackFixtures(t *testing.T) []fixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(suite.cp.Root, "test", "testdata", "production-stack-*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []fixture
	for _, path := range paths {
		if strings.HasSuffix(path, ".golden.yaml") {
			continue
		}
		f := loadFixture(t, path)
		f.model = servedModel(vllmContainer(t, f.deployment))
		out = append(out, f)
	}
	if len(out) == 0 {
		t.Fatal("no production-stack fixtures under test/testdata")
	}
	return out
}

// kserveFixture is test/testdata/kserve-llminferenceservice.yaml: the
// Deployment KServe's controller creates for an LLMInferenceService (the
// file's other documents, the KServe resources it is rendered from, are not
// applied: KServe is not installed here). Its container runs vLLM from a
// bash script, the command inside eval "…" and flags in variables, so the
// webhook translates it at start.
func kserveFixture(t *testing.T) fixture {
	t.Helper()
	path := filepath.Join(suite.cp.Root, "test", "testdata", "kserve-llminferenceservice.yaml")
	f := loadFixture(t, path)
	f.model, f.atStart = llmInferenceServiceModel(t, path), true
	return f
}

// llmInferenceServiceModel is the LLMInferenceService's spec.model.name,
// which KServe's template passes to vLLM as --served-model-name (with a
// second, publisher-qualified name SGLang has no room for).
func llmInferenceServiceModel(t *testing.T, path string) string {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	objs, err := manifest.Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range objs {
		if obj.GetKind() == "LLMInferenceService" {
			name, ok, err := unstructured.NestedString(obj.Object, "spec", "model", "name")
			if err != nil || !ok || name == "" {
				t.Fatalf("%s: LLMInferenceService %s has no spec.model.name (%v)", path, obj.GetName(), err)
			}
			return name
		}
	}
	t.Fatalf("%s: no LLMInferenceService", path)
	return ""
}

func deployments(t *testing.T, path string) []*appsv1.Deployment {
	t.Helper()
	deps, err := framework.Deployments(path)
	if err != nil {
		t.Fatal(err)
	}
	return deps
}

// TestProductionStackDeploymentsComeUpAsSGLangPodsThatServeTheVLLMAPI is
// the user's whole path: apply the vLLM stack's Deployment in a labelled
// namespace, get SGLang pods that answer like vLLM.
func TestProductionStackDeploymentsComeUpAsSGLangPodsThatServeTheVLLMAPI(t *testing.T) {
	t.Parallel() // with the KServe test
	for _, f := range productionStackFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			deployAndServe(t, f)
		})
	}
}

// TestKServeDeploymentComesUpTranslatedAtStartAndServesTheVLLMAPI is the
// same path for the Deployment of a KServe LLMInferenceService, whose
// script only the launcher can translate, when the container starts.
func TestKServeDeploymentComesUpTranslatedAtStartAndServesTheVLLMAPI(t *testing.T) {
	t.Parallel()
	deployAndServe(t, kserveFixture(t))
}

// deployAndServe applies the fixture's Deployment, checks its pods and runs
// the first one here.
func deployAndServe(t *testing.T, f fixture) {
	t.Helper()
	pods := apply(t, f.deployment)
	ok := t.Run("every pod the ReplicaSet creates is rewritten as vllm-to-sglang rewrite rewrites the template", func(t *testing.T) {
		for i := range pods {
			assertRewritten(t, f, &pods[i])
		}
	})
	if !ok {
		return
	}
	t.Run("the rewritten pod, run on this machine, serves the vLLM API on the pod's port", func(t *testing.T) {
		pod := startPod(t, &pods[0])
		assertServesTheVLLMAPI(t, pod, f.model)
		if isLoRAFixture(f) {
			t.Run("the production stack's LoRA controller loads an adapter through the pod's port, finds it in /v1/models and unloads it", func(t *testing.T) {
				assertLoRAControllerLoadsAnAdapter(t, pod, proxyArgsOf(&pods[0]), f.model)
			})
		}
	})
}

// apply creates the Deployment in a new labelled namespace and returns its
// pods once the ReplicaSet has created all of them.
func apply(t *testing.T, d *appsv1.Deployment) []corev1.Pod {
	t.Helper()
	c := suite.cp.Client
	ns, err := framework.GenerateNamespace(t.Context(), c, "e2e-", framework.OptedIn())
	if err != nil {
		t.Fatal(err)
	}
	d = d.DeepCopy()
	d.Namespace = ns
	// The operator's Deployment names its VLLMRuntime as owner; that CR is
	// not in this cluster (and has no uid), so the reference goes.
	d.OwnerReferences = nil
	if err := c.Create(t.Context(), d); err != nil {
		t.Fatalf("creating Deployment %s: %v", d.Name, err)
	}
	ctx, cancel := framework.WaitContext(t)
	defer cancel()
	pods, err := framework.DeploymentPods(ctx, c, d, int(ptrOr(d.Spec.Replicas, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return pods
}

func ptrOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// assertRewritten checks what a user sees in kubectl get pod -o yaml.
func assertRewritten(t *testing.T, f fixture, pod *corev1.Pod) {
	t.Helper()
	if len(pod.OwnerReferences) == 0 || pod.OwnerReferences[0].Kind != "ReplicaSet" {
		t.Errorf("pod %s was not created by a ReplicaSet (owners %v)", pod.Name, pod.OwnerReferences)
	}
	status, ok, err := rewrite.ReadStatus(&pod.ObjectMeta)
	if err != nil || !ok {
		t.Fatalf("pod %s has no readable %s annotation (%v): it was not rewritten", pod.Name, v1alpha1.AnnotationStatus, err)
	}
	if status.Profile != v1alpha1.DefaultProfileName {
		t.Errorf("rewritten with profile %q, want the chart's %q", status.Profile, v1alpha1.DefaultProfileName)
	}
	if status.TranslatedAtStart != f.atStart {
		t.Errorf("translatedAtStart is %v in the status annotation, want %v", status.TranslatedAtStart, f.atStart)
	}
	if golden, _, err := rewrite.ReadStatus(&f.golden.Spec.Template.ObjectMeta); err != nil {
		t.Errorf("the golden's status annotation: %v", err)
	} else if diff := cmp.Diff(golden, status); diff != "" {
		t.Errorf("the status annotation differs from the golden's (-golden +pod):\n%s", diff)
	}
	got, want := container(pod.Spec.Containers, status.Container), container(f.golden.Spec.Template.Spec.Containers, status.Container)
	if got == nil || want == nil {
		t.Fatalf("container %q: in the pod %v, in the golden %v", status.Container, got != nil, want != nil)
	}
	// The chart's default profile and the built-in one the goldens were
	// written with are the same (test/chart checks it); this shows the
	// chart-installed path gives the same SGLang container.
	type sglang struct {
		Image         string
		Command, Args []string
		Resources     corev1.ResourceRequirements
		VolumeMounts  []corev1.VolumeMount
	}
	if diff := cmp.Diff(sglang{want.Image, want.Command, want.Args, want.Resources, want.VolumeMounts},
		sglang{got.Image, got.Command, got.Args, got.Resources, got.VolumeMounts}); diff != "" {
		t.Errorf("the %s container differs from the golden (-golden +pod):\n%s", status.Container, diff)
	}
	proxy := container(pod.Spec.InitContainers, v1alpha1.ProxyContainerName)
	if proxy == nil || ptrOr(proxy.RestartPolicy, "") != corev1.ContainerRestartPolicyAlways {
		t.Fatalf("no native %s sidecar in pod %s", v1alpha1.ProxyContainerName, pod.Name)
	}
	if status.TranslatedAtStart {
		assertLauncherInstalled(t, f, pod, got, proxy.Image)
	}
	if pod.Spec.RuntimeClassName != nil {
		t.Errorf("runtimeClassName %q kept: an AMD node has no such runtime", *pod.Spec.RuntimeClassName)
	}
	var stored appsv1.Deployment
	key := client.ObjectKey{Namespace: pod.Namespace, Name: f.deployment.Name}
	if err := suite.cp.Client.Get(t.Context(), key, &stored); err != nil {
		t.Fatal(err)
	}
	kept, applied := container(stored.Spec.Template.Spec.Containers, status.Container), container(f.deployment.Spec.Template.Spec.Containers, status.Container)
	if kept == nil || applied == nil || kept.Image != applied.Image {
		t.Errorf("the Deployment's own template changed its container %s: only pods are rewritten", status.Container)
	}
}

// assertLauncherInstalled checks what a rewrite at start adds to the pod,
// against the golden: the launcher's emptyDir, the init container that
// copies the launcher into it (from the project's image, the proxy's), its
// read-only mount in the vLLM container and the profile in the
// environment.
func assertLauncherInstalled(t *testing.T, f fixture, pod *corev1.Pod, c *corev1.Container, projectImage string) {
	t.Helper()
	spec, golden := &pod.Spec, &f.golden.Spec.Template.Spec
	got, want := container(spec.InitContainers, rewrite.LauncherInstallName), container(golden.InitContainers, rewrite.LauncherInstallName)
	if got == nil || want == nil {
		t.Fatalf("init container %s: in the pod %v, in the golden %v", rewrite.LauncherInstallName, got != nil, want != nil)
	}
	type install struct {
		Command, Args []string
		VolumeMounts  []corev1.VolumeMount
		Resources     corev1.ResourceRequirements
		RestartPolicy *corev1.ContainerRestartPolicy // nil: it runs to completion before the containers start
	}
	if diff := cmp.Diff(install{want.Command, want.Args, want.VolumeMounts, want.Resources, want.RestartPolicy},
		install{got.Command, got.Args, got.VolumeMounts, got.Resources, got.RestartPolicy}); diff != "" {
		t.Errorf("init container %s differs from the golden (-golden +pod):\n%s", rewrite.LauncherInstallName, diff)
	}
	if got.Image != projectImage {
		t.Errorf("init container %s runs %s, want the project's image %s (the proxy's)", rewrite.LauncherInstallName, got.Image, projectImage)
	}
	gotVolume := volume(spec.Volumes, rewrite.LauncherVolumeName)
	if diff := cmp.Diff(volume(golden.Volumes, rewrite.LauncherVolumeName), gotVolume); gotVolume == nil || diff != "" {
		t.Errorf("volume %s differs from the golden (-golden +pod):\n%s", rewrite.LauncherVolumeName, diff)
	}
	gotProfile := envVar(c.Env, rewrite.EnvProfile)
	if diff := cmp.Diff(envVar(container(golden.Containers, c.Name).Env, rewrite.EnvProfile), gotProfile); gotProfile == nil || diff != "" {
		t.Errorf("container %s: $%s differs from the golden (-golden +pod):\n%s", c.Name, rewrite.EnvProfile, diff)
	}
}

func volume(list []corev1.Volume, name string) *corev1.Volume {
	i := slices.IndexFunc(list, func(v corev1.Volume) bool { return v.Name == name })
	if i < 0 {
		return nil
	}
	return &list[i]
}

func envVar(list []corev1.EnvVar, name string) *corev1.EnvVar {
	i := slices.IndexFunc(list, func(e corev1.EnvVar) bool { return e.Name == name })
	if i < 0 {
		return nil
	}
	return &list[i]
}

func container(list []corev1.Container, name string) *corev1.Container {
	i := slices.IndexFunc(list, func(c corev1.Container) bool { return c.Name == name })
	if i < 0 {
		return nil
	}
	return &list[i]
}

// vllmContainer is the Deployment's container named vllm (the production
// stack's name, which the rewrite keeps).
func vllmContainer(t *testing.T, d *appsv1.Deployment) *corev1.Container {
	t.Helper()
	c := container(d.Spec.Template.Spec.Containers, "vllm")
	if c == nil {
		t.Fatalf("Deployment %s has no container vllm", d.Name)
	}
	return c
}

// servedModel is the model name vLLM would answer to: --served-model-name,
// else the model after serve.
func servedModel(c *corev1.Container) string {
	argv := append(slices.Clone(c.Command), c.Args...)
	if i := slices.Index(argv, "--served-model-name"); i >= 0 && i+1 < len(argv) {
		return argv[i+1]
	}
	if i := slices.Index(argv, "serve"); i >= 0 && i+1 < len(argv) {
		return argv[i+1]
	}
	return ""
}
