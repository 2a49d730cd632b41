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
	"net"
	"net/http"
	"strconv"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

// runningWebhook is the webhook server under test (framework.StartWebhook:
// built by the same constructor as `vllm-to-sglang webhook`) and the
// registry its metrics go to.
type runningWebhook struct {
	*framework.Webhook
	metrics prometheus.Gatherer // nil when the test chose controller-runtime's registry
}

type webhookConfig struct {
	opts       webhook.Options
	extra      map[string]http.Handler // more admission endpoints on the same server
	cfg        *rest.Config            // who the webhook runs as (the suite's admin by default)
	waitSynced bool                    // whether startWebhook waits for the profile cache
}

type webhookOption func(*webhookConfig)

// withExtraHandler serves another admission endpoint next to ours (a second
// mutating webhook in the re-invocation test).
func withExtraHandler(path string, h http.Handler) webhookOption {
	return func(c *webhookConfig) { c.extra[path] = h }
}

// withRESTConfig runs the webhook as another user.
func withRESTConfig(cfg *rest.Config) webhookOption {
	return func(c *webhookConfig) { c.cfg = cfg }
}

// withoutWaitingForSync returns as soon as the webhook server serves.
func withoutWaitingForSync() webhookOption {
	return func(c *webhookConfig) { c.waitSynced = false }
}

// withOptions changes the webhook's options.
func withOptions(f func(*webhook.Options)) webhookOption {
	return func(c *webhookConfig) { f(&c.opts) }
}

// startWebhook runs the webhook on the address config/webhook was
// installed with, waits until it serves and its profile cache has synced,
// and stops it when the test ends. Stop may be called earlier.
func startWebhook(t testing.TB, options ...webhookOption) *runningWebhook {
	t.Helper()
	install := suite.cp.Env.WebhookInstallOptions
	c := webhookConfig{
		opts:       framework.WebhookOptions(install.LocalServingHost, install.LocalServingPort, install.LocalServingCertDir),
		extra:      map[string]http.Handler{},
		cfg:        suite.cp.Config,
		waitSynced: true,
	}
	for _, o := range options {
		o(&c)
	}
	ctx, cancel := framework.WaitContext(t)
	defer cancel()
	w, err := framework.StartWebhook(ctx, c.cfg, c.opts, c.extra)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Stop(); err != nil {
			t.Error(err)
		}
	})
	if c.waitSynced {
		if err := w.WaitForCacheSync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	metrics, _ := c.opts.MetricsRegistry.(prometheus.Gatherer)
	return &runningWebhook{Webhook: w, metrics: metrics}
}

// newProfile is the built-in profile under another name, changed by edit.
func newProfile(name string, edit func(*v1alpha1.SGLangProfileSpec)) *v1alpha1.SGLangProfile {
	p := profile.Default()
	p.Name = name
	edit(&p.Spec)
	return p
}

// createProfile creates newProfile(name, edit), deletes it when the test
// ends, and waits until the webhook's cache holds it.
func (w *runningWebhook) createProfile(t testing.TB, name string, edit func(*v1alpha1.SGLangProfileSpec)) *v1alpha1.SGLangProfile {
	t.Helper()
	p := newProfile(name, edit)
	framework.CreateForTest(t, suite.cp.Client, p)
	ctx, cancel := framework.WaitContext(t)
	defer cancel()
	if err := w.WaitForProfile(ctx, name); err != nil {
		t.Fatal(err)
	}
	return p
}

// podCounts are the values of vllm_to_sglang_webhook_pods_total, one per
// series, that keep returns true for given its outcome and reason labels.
func (w *runningWebhook) podCounts(t testing.TB, keep func(outcome, reason string) bool) float64 {
	t.Helper()
	return w.counter(t, "vllm_to_sglang_webhook_pods_total", func(l map[string]string) bool { return keep(l["outcome"], l["reason"]) })
}

// counter sums the series of a counter whose labels keep returns true for.
func (w *runningWebhook) counter(t testing.TB, name string, keep func(labels map[string]string) bool) float64 {
	t.Helper()
	if w.metrics == nil {
		t.Fatal("the webhook's metrics went to controller-runtime's registry")
	}
	families, err := w.metrics.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if keep(labels) {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}

// audits is the value of vllm_to_sglang_webhook_audits_total for the labels.
func (w *runningWebhook) audits(t testing.TB, decision, reason string) float64 {
	t.Helper()
	return w.counter(t, "vllm_to_sglang_webhook_audits_total", func(l map[string]string) bool {
		return l["decision"] == decision && l["reason"] == reason
	})
}

// count is the value of vllm_to_sglang_webhook_pods_total for the labels.
func (w *runningWebhook) count(t testing.TB, outcome, reason string) float64 {
	t.Helper()
	return w.podCounts(t, func(o, r string) bool { return o == outcome && r == reason })
}

// requests is how many pod admission requests the webhook handled.
func (w *runningWebhook) requests(t testing.TB) float64 {
	t.Helper()
	return w.podCounts(t, func(string, string) bool { return true })
}

// newNamespace creates a namespace with the labels; namespaces are never
// deleted (envtest runs no namespace controller), so every test gets fresh ones.
func newNamespace(t testing.TB, labels map[string]string) string {
	t.Helper()
	ns, err := framework.GenerateNamespace(t.Context(), suite.cp.Client, "it-", labels)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// optedInNamespace is a namespace labelled vllm-to-sglang.io/rewrite=enabled,
// and with the more labels given as name, value pairs.
func optedInNamespace(t testing.TB, more ...string) string {
	t.Helper()
	labels := framework.OptedIn()
	for i := 0; i+1 < len(more); i += 2 {
		labels[more[i]] = more[i+1]
	}
	return newNamespace(t, labels)
}

// vllmPod is the pod a vLLM stack creates for a one-GPU model.
func vllmPod(ns, name string, extraArgs ...string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:    "vllm",
			Image:   "vllm/vllm-openai:v0.10.1",
			Command: []string{"vllm", "serve"},
			Args:    append([]string{"meta-llama/Llama-3.1-8B-Instruct", "--port", "8000"}, extraArgs...),
			Ports:   []corev1.ContainerPort{{Name: "http", ContainerPort: 8000}},
			Resources: corev1.ResourceRequirements{
				Limits: corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1")},
			},
		}}},
	}
}

// plainPod runs no vLLM.
func plainPod(ns, name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27"}}},
	}
}

func countContainers(pod *corev1.Pod, name string) int {
	n := 0
	for _, list := range [][]corev1.Container{pod.Spec.Containers, pod.Spec.InitContainers} {
		for _, c := range list {
			if c.Name == name {
				n++
			}
		}
	}
	return n
}

// create creates the pod and returns it as stored.
func create(t testing.TB, pod *corev1.Pod) *corev1.Pod {
	t.Helper()
	if err := suite.cp.Client.Create(t.Context(), pod); err != nil {
		t.Fatalf("creating pod %s/%s: %v", pod.Namespace, pod.Name, err)
	}
	return stored(t, pod)
}

func stored(t testing.TB, pod *corev1.Pod) *corev1.Pod {
	t.Helper()
	got := &corev1.Pod{}
	if err := suite.cp.Client.Get(t.Context(), client.ObjectKeyFromObject(pod), got); err != nil {
		t.Fatalf("reading pod %s/%s: %v", pod.Namespace, pod.Name, err)
	}
	return got
}

// clientWithWarnings returns a client whose warnings are recorded.
func clientWithWarnings(t testing.TB) (client.Client, *framework.WarningRecorder) {
	t.Helper()
	c, rec, err := framework.ClientWithWarnings(suite.cp.Config, suite.cp.Scheme)
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	port, err := framework.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}
