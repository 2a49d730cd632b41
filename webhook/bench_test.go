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
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// tp8Fixture is the production-stack chart's tensor-parallel-8 Devstral pod
// with tool calling: the largest command line among the fixtures.
const tp8Fixture = "production-stack-helm-tp8-devstral-tools.yaml"

// benchReview is the AdmissionReview the API server would send for the tp=8
// pod, and the webhook that answers it (HTTP decode, rewrite, patch, encode),
// reading its profile from a stand-in for the informer cache.
func benchReview(b *testing.B) (http.Handler, []byte) {
	b.Helper()
	prof := defaultProfile()
	prof.ResourceVersion, prof.UID = "1", "3f0c2f3e-0000-4000-8000-00000000000a"
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	h := NewPodRewriter(informerLike(prof), testProxyImage, m)
	body := reviewOf(b, createRequest(mustJSON(b, fixturePods(b, tp8Fixture)[0])))
	if _, resp := serve(b, h, body); resp == nil || !resp.Allowed || len(resp.Patch) == 0 {
		b.Fatalf("the tp=8 fixture is not rewritten: %+v", resp)
	}
	return h, body
}

// informerLikeReader stands in for the manager's informer cache (the fake
// client, which round-trips every object through JSON, would dominate the
// benchmark): Get and List hand out deep copies of the stored objects, or
// with client.UnsafeDisableDeepCopy the stored objects themselves (List:
// shallow copies of them, as the cache's reflection-based List makes).
type informerLikeReader struct {
	profiles   map[string]*v1alpha1.SGLangProfile
	namespaces map[string]*corev1.Namespace
}

// informerLike holds the profiles.
func informerLike(profiles ...*v1alpha1.SGLangProfile) *informerLikeReader {
	r := &informerLikeReader{profiles: map[string]*v1alpha1.SGLangProfile{}, namespaces: map[string]*corev1.Namespace{}}
	for _, p := range profiles {
		r.profiles[p.Name] = p
	}
	return r
}

// withNamespace adds a namespace with the labels.
func (r *informerLikeReader) withNamespace(name string, labels map[string]string) *informerLikeReader {
	r.namespaces[name] = &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, ResourceVersion: "1"}}
	return r
}

func (r *informerLikeReader) Get(_ context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	var get client.GetOptions
	get.ApplyOptions(opts)
	unsafe := get.UnsafeDisableDeepCopy != nil && *get.UnsafeDisableDeepCopy
	switch o := obj.(type) {
	case *v1alpha1.SGLangProfile:
		p, ok := r.profiles[key.Name]
		if !ok {
			return apierrors.NewNotFound(schema.GroupResource{Group: v1alpha1.GroupVersion.Group, Resource: "sglangprofiles"}, key.Name)
		}
		if !unsafe {
			p = p.DeepCopy()
		}
		*o = *p
	case *corev1.Namespace:
		ns, ok := r.namespaces[key.Name]
		if !ok {
			return apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, key.Name)
		}
		if !unsafe {
			ns = ns.DeepCopy()
		}
		*o = *ns
	default:
		return fmt.Errorf("no informer for %T", obj)
	}
	return nil
}

func (r *informerLikeReader) List(_ context.Context, list client.ObjectList, opts ...client.ListOption) error {
	var lo client.ListOptions
	lo.ApplyOptions(opts)
	unsafe := lo.UnsafeDisableDeepCopy != nil && *lo.UnsafeDisableDeepCopy
	l, ok := list.(*v1alpha1.SGLangProfileList)
	if !ok {
		return fmt.Errorf("no informer for %T", list)
	}
	l.Items = make([]v1alpha1.SGLangProfile, 0, len(r.profiles))
	for _, p := range r.profiles {
		if !unsafe {
			p = p.DeepCopy()
		}
		l.Items = append(l.Items, *p)
	}
	return nil
}

func admit(h http.Handler, body []byte) {
	req := httptest.NewRequest(http.MethodPost, MutatePodPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(httptest.NewRecorder(), req)
}

// BenchmarkAdmission measures one admission of the tp=8 fixture: serially,
// with b.RunParallel, at a fixed arrival rate, and in bursts of 50 requests
// arriving at once (reporting 50th and 99th percentile latency, the figure
// the API server's timeout cares about). In a burst of 50 on 2 cores the
// latency is mostly queueing: the last answer comes after about 50 × the
// serial time / 2.
func BenchmarkAdmission(b *testing.B) {
	h, body := benchReview(b)
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			admit(h, body)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				admit(h, body)
			}
		})
	})
	b.Run("open-loop-200rps", func(b *testing.B) {
		// Requests arrive at a fixed rate, as pod creations do, rather than
		// back to back: latency then shows service time, not a queue the
		// benchmark built itself. 200/s is beyond what a 2-core API server
		// admits with any webhook.
		const rate = 200
		latencies := make([]time.Duration, b.N)
		tick := time.NewTicker(time.Second / rate)
		defer tick.Stop()
		sem := make(chan struct{}, 50) // at most 50 in flight
		var wg sync.WaitGroup
		b.ResetTimer()
		for i := range b.N {
			<-tick.C
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				start := time.Now()
				admit(h, body)
				latencies[i] = time.Since(start)
			})
		}
		wg.Wait()
		b.StopTimer()
		slices.Sort(latencies)
		b.ReportMetric(float64(percentile(latencies, 0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(percentile(latencies, 0.99).Microseconds())/1000, "p99-ms")
	})
	b.Run("concurrent-50", func(b *testing.B) {
		// 50 requests arrive at once (a Deployment scaled up, a node
		// drained); each one's latency runs from the burst's start to its
		// answer, so it includes waiting for the 2 cores. Bursts, not 50
		// callers in a closed loop: with nothing to block on, the Go
		// scheduler would let one caller run many requests in its 10 ms
		// time slice while the others wait, which measures time slicing.
		const callers = 50
		rounds := max(1, b.N/callers)
		latencies := make([]time.Duration, 0, rounds*callers)
		round := make([]time.Time, callers)
		b.ResetTimer()
		for range rounds {
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range callers {
				wg.Go(func() {
					<-start
					admit(h, body)
					round[i] = time.Now()
				})
			}
			began := time.Now()
			close(start)
			wg.Wait()
			for _, done := range round {
				latencies = append(latencies, done.Sub(began))
			}
		}
		b.StopTimer()
		slices.Sort(latencies)
		b.ReportMetric(float64(percentile(latencies, 0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(percentile(latencies, 0.99).Microseconds())/1000, "p99-ms")
	})
}

// manyProfiles are n profiles whose selectors all read the namespace's
// labels, the pod's labels and two model patterns (a glob and a regex),
// over five priorities, none matching the tp=8 fixture's model but the
// last, which has the lowest priority: resolving the fixture's pod
// evaluates every selector, the worst case. And the default profile.
func manyProfiles(n int) []*v1alpha1.SGLangProfile {
	out := []*v1alpha1.SGLangProfile{defaultProfile()}
	for i := range n {
		models := []v1alpha1.ModelPattern{
			{Pattern: fmt.Sprintf("org-%d/*", i), Kind: v1alpha1.PatternGlob},
			{Pattern: fmt.Sprintf(`(?i)org-%d/model-\d+(-instruct)?`, i), Kind: v1alpha1.PatternRegex},
		}
		priority := int32(i % 5)
		if i == n-1 {
			models[0].Pattern, priority = "mistralai/*", -1
		}
		p := selectingProfile(fmt.Sprintf("profile-%02d", i), "lmsysorg/sglang:v0.5.9-rocm700-mi30x", priority, &v1alpha1.ProfileSelector{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"gpu": "mi300x"}},
			PodSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "app.kubernetes.io/name", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"web", "db"}}}},
			Models: models,
		})
		out = append(out, p)
	}
	for i, p := range out {
		p.ResourceVersion, p.UID = "1", types.UID(fmt.Sprintf("uid-%d", i))
	}
	return out
}

// BenchmarkProfileResolution measures what choosing a pod's profile costs
// with 50 selecting profiles (manyProfiles): resolving alone, the per-pod
// check that the indexed profiles are still the informer's (list them,
// compare versions), the full admission of the tp=8 fixture's review with
// only the default profile and with the 50, and the first request after a
// profile changed (one profile defaulted and compiled again).
func BenchmarkProfileResolution(b *testing.B) {
	const n = 50
	profiles := manyProfiles(n)
	reader := informerLike(profiles...).withNamespace(testNamespace, map[string]string{"gpu": "mi300x"})
	store := toolscache.NewStore(toolscache.MetaNamespaceKeyFunc)
	for _, p := range profiles {
		if err := store.Add(p); err != nil {
			b.Fatal(err)
		}
	}
	fromStore := storeLister(store)
	pod := fixturePods(b, tp8Fixture)[0]
	var x profileIndex
	set, err := x.get(b.Context(), fromStore, logr.Discard())
	if err != nil {
		b.Fatal(err)
	}
	subject := rewrite.SubjectOf(&pod.ObjectMeta, &pod.Spec, map[string]string{"gpu": "mi300x"})
	if r := set.Resolve(subject); r.Name != fmt.Sprintf("profile-%02d", n-1) {
		b.Fatalf("the fixture resolves to %q (%s), want the last profile", r.Name, r.Why())
	}
	b.Run("resolve-50", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			set.Resolve(subject)
		}
	})
	b.Run("subject", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rewrite.SubjectOf(&pod.ObjectMeta, &pod.Spec, nil)
		}
	})
	for _, l := range []struct {
		name string
		list profileLister
	}{{"store", fromStore}, {"cache-list", readerLister(reader)}} {
		b.Run("index-unchanged-50/"+l.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := x.get(b.Context(), l.list, logr.Discard()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("index-one-changed-50", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			changed := *profiles[1]
			changed.ResourceVersion = fmt.Sprintf("v%d", i)
			if err := store.Update(&changed); err != nil {
				b.Fatal(err)
			}
			if _, err := x.get(b.Context(), fromStore, logr.Discard()); err != nil {
				b.Fatal(err)
			}
		}
		if err := store.Update(profiles[1]); err != nil {
			b.Fatal(err)
		}
	})
	body := reviewOf(b, createRequest(mustJSON(b, pod)))
	for _, c := range []struct {
		name   string
		reader *informerLikeReader
	}{
		{"admission-default-only", informerLike(profiles[0])},
		{"admission-50", reader},
	} {
		b.Run(c.name, func(b *testing.B) {
			m, err := NewMetrics(prometheus.NewRegistry())
			if err != nil {
				b.Fatal(err)
			}
			h := NewPodRewriter(c.reader, testProxyImage, m)
			s := toolscache.NewStore(toolscache.MetaNamespaceKeyFunc)
			for _, p := range c.reader.profiles {
				if err := s.Add(p); err != nil {
					b.Fatal(err)
				}
			}
			h.listProfiles = storeLister(s) // as SetupWithManager does
			if _, resp := serve(b, h, body); resp == nil || !resp.Allowed || len(resp.Patch) == 0 {
				b.Fatalf("the tp=8 fixture is not rewritten: %+v", resp)
			}
			b.ReportAllocs()
			for b.Loop() {
				admit(h, body)
			}
		})
	}
}

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
