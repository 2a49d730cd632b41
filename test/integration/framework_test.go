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
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
)

const (
	// waitTimeout bounds every wait on a condition; pollInterval is how
	// often the condition is checked. Nothing here asserts on timing.
	waitTimeout  = 60 * time.Second
	pollInterval = 50 * time.Millisecond
	// goldenProxyImage is the proxy image the goldens under test/testdata
	// were written with; the webhook under test uses the same.
	goldenProxyImage = "ghcr.io/vllm-to-sglang/vllm-to-sglang:latest"
)

// eventually polls cond until it returns nil, failing the test with the
// last error once waitTimeout has passed.
func eventually(t testing.TB, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %v", what, err)
		}
		time.Sleep(pollInterval)
	}
}

// runningWebhook is the webhook server under test, built by the same
// constructor as `vllm-to-sglang webhook`.
type runningWebhook struct {
	mgr     manager.Manager
	metrics *prometheus.Registry
	stop    func()
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
// and stops it when the test ends. The returned stop may be called earlier.
func startWebhook(t testing.TB, options ...webhookOption) *runningWebhook {
	t.Helper()
	install := suite.env.WebhookInstallOptions
	reg := prometheus.NewRegistry()
	c := webhookConfig{extra: map[string]http.Handler{}, cfg: suite.cfg, waitSynced: true}
	c.opts = webhook.NewOptions()
	c.opts.WebhookHost = install.LocalServingHost
	c.opts.WebhookPort = install.LocalServingPort
	c.opts.WebhookCertPath = install.LocalServingCertDir
	c.opts.MetricsBindAddress = "0"
	c.opts.HealthProbeBindAddress = "0"
	c.opts.ProxyImage = goldenProxyImage
	c.opts.ShutdownTimeout = 10 * time.Second
	c.opts.MetricsRegistry = reg
	for _, o := range options {
		o(&c)
	}
	mgr, err := webhook.NewManager(c.cfg, c.opts)
	if err != nil {
		t.Fatalf("creating the webhook manager: %v", err)
	}
	for path, h := range c.extra {
		mgr.GetWebhookServer().Register(path, h)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("webhook manager stopped with an error: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	eventually(t, "the webhook server to serve", func() error {
		select {
		case err := <-done:
			return fmt.Errorf("the manager exited: %w", err)
		default:
		}
		return mgr.GetWebhookServer().StartedChecker()(nil)
	})
	if c.waitSynced {
		syncCtx, cancelSync := context.WithTimeout(ctx, waitTimeout)
		defer cancelSync()
		if !mgr.GetCache().WaitForCacheSync(syncCtx) {
			t.Fatal("the SGLangProfile cache did not sync")
		}
	}
	return &runningWebhook{mgr: mgr, metrics: reg, stop: stop}
}

// waitForProfile waits until the webhook's cache holds the profile.
func (w *runningWebhook) waitForProfile(t testing.TB, name string) {
	t.Helper()
	eventually(t, "profile "+name+" in the webhook's cache", func() error {
		return w.mgr.GetCache().Get(t.Context(), client.ObjectKey{Name: name}, &v1alpha1.SGLangProfile{})
	})
}

// count is the value of vllm_to_sglang_webhook_pods_total for the labels.
func (w *runningWebhook) count(t testing.TB, outcome, reason string) float64 {
	t.Helper()
	families, err := w.metrics.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "vllm_to_sglang_webhook_pods_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["outcome"] == outcome && labels["reason"] == reason {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// requests is how many pod admission requests the webhook handled.
func (w *runningWebhook) requests(t testing.TB) float64 {
	t.Helper()
	families, err := w.metrics.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, f := range families {
		if f.GetName() == "vllm_to_sglang_webhook_pods_total" {
			for _, m := range f.GetMetric() {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}

// newNamespace creates a namespace with the labels; namespaces are never
// deleted (envtest runs no namespace controller), so every test gets fresh ones.
func newNamespace(t testing.TB, labels map[string]string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "it-", Labels: labels}}
	if err := suite.client.Create(t.Context(), ns); err != nil {
		t.Fatalf("creating a namespace: %v", err)
	}
	return ns.Name
}

// optedInNamespace is a namespace labelled vllm-to-sglang.io/rewrite=enabled.
func optedInNamespace(t testing.TB, more ...string) string {
	t.Helper()
	labels := map[string]string{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteEnabled}
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

// isRewritten reports whether a stored pod was rewritten: it carries the
// status annotation and the proxy container.
func isRewritten(pod *corev1.Pod) bool {
	_, annotated := pod.Annotations[v1alpha1.AnnotationStatus]
	return annotated && findContainer(pod, v1alpha1.ProxyContainerName) != nil
}

func findContainer(pod *corev1.Pod, name string) *corev1.Container {
	for _, list := range [][]corev1.Container{pod.Spec.Containers, pod.Spec.InitContainers} {
		for i := range list {
			if list[i].Name == name {
				return &list[i]
			}
		}
	}
	return nil
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
	if err := suite.client.Create(t.Context(), pod); err != nil {
		t.Fatalf("creating pod %s/%s: %v", pod.Namespace, pod.Name, err)
	}
	return stored(t, pod)
}

func stored(t testing.TB, pod *corev1.Pod) *corev1.Pod {
	t.Helper()
	got := &corev1.Pod{}
	if err := suite.client.Get(t.Context(), client.ObjectKeyFromObject(pod), got); err != nil {
		t.Fatalf("reading pod %s/%s: %v", pod.Namespace, pod.Name, err)
	}
	return got
}

// createProfile creates a profile and deletes it when the test ends.
func createProfile(t testing.TB, p *v1alpha1.SGLangProfile) {
	t.Helper()
	if err := suite.client.Create(t.Context(), p); err != nil {
		t.Fatalf("creating SGLangProfile %s: %v", p.Name, err)
	}
	t.Cleanup(func() {
		if err := suite.client.Delete(context.Background(), p); err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("deleting SGLangProfile %s: %v", p.Name, err)
		}
	})
}

// warningRecorder collects the warnings the API server sends, as kubectl
// prints them.
type warningRecorder struct {
	mu       sync.Mutex
	warnings []string
}

func (r *warningRecorder) HandleWarningHeader(code int, _ string, text string) {
	if code != 299 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.warnings = append(r.warnings, text)
}

func (r *warningRecorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.warnings...)
}

// clientWithWarnings returns a client whose warnings are recorded.
func clientWithWarnings(t testing.TB) (client.Client, *warningRecorder) {
	t.Helper()
	rec := &warningRecorder{}
	cfg := rest.CopyConfig(suite.cfg)
	cfg.WarningHandler = rec
	c, err := client.New(cfg, client.Options{Scheme: suite.client.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// httpGet returns the status and body of a GET.
func httpGet(ctx context.Context, url string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, resp.Body); err != nil {
		return 0, "", err
	}
	return resp.StatusCode, b.String(), nil
}
