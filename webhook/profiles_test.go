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
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

// undefaultedProfile is a profile as an API server without the CRD's
// defaults could hand it out: only the image set.
func undefaultedProfile(rv string) *v1alpha1.SGLangProfile {
	p := &v1alpha1.SGLangProfile{Spec: v1alpha1.SGLangProfileSpec{Image: "lmsysorg/sglang:" + rv}}
	p.Name, p.UID, p.ResourceVersion = "default", "uid-1", rv
	return p
}

func TestProfileIndex(t *testing.T) {
	get := func(t *testing.T, x *profileIndex, r client.Reader, name string) *profile.Candidate {
		t.Helper()
		set, err := x.get(t.Context(), readerLister(r), logr.Discard())
		if err != nil {
			t.Fatal(err)
		}
		return set.Get(name)
	}
	t.Run("hands out the defaulted spec and leaves the informer's object alone", func(t *testing.T) {
		stored := undefaultedProfile("1")
		before := stored.DeepCopy()
		var x profileIndex
		c := get(t, &x, informerLike(stored), "default")
		want := before.Spec.DeepCopy()
		want.Default()
		if c == nil || !equality.Semantic.DeepEqual(want, c.Spec) {
			t.Errorf("spec is not the defaulted one: %+v", c)
		}
		if !equality.Semantic.DeepEqual(before, stored) {
			t.Error("the informer's object was changed")
		}
	})
	t.Run("defaults and compiles a profile once per resource version", func(t *testing.T) {
		r := informerLike(undefaultedProfile("1"))
		var x profileIndex
		first := get(t, &x, r, "default")
		if second := get(t, &x, r, "default"); first != second {
			t.Error("the same resource version was defaulted twice")
		}
	})
	t.Run("uses a changed profile at once", func(t *testing.T) {
		r := informerLike(undefaultedProfile("1"))
		var x profileIndex
		get(t, &x, r, "default")
		r.profiles["default"] = undefaultedProfile("2")
		if c := get(t, &x, r, "default"); c.Spec.Image != "lmsysorg/sglang:2" {
			t.Errorf("after the change: image %q", c.Spec.Image)
		}
	})
	t.Run("uses a profile recreated under the same name", func(t *testing.T) {
		r := informerLike(undefaultedProfile("1"))
		var x profileIndex
		get(t, &x, r, "default")
		recreated := undefaultedProfile("1")
		recreated.UID, recreated.Spec.Image = "uid-2", "lmsysorg/sglang:recreated"
		r.profiles["default"] = recreated
		if c := get(t, &x, r, "default"); c.Spec.Image != "lmsysorg/sglang:recreated" {
			t.Errorf("image %q, want the recreated profile's", c.Spec.Image)
		}
	})
	t.Run("keeps the other profiles when one changes", func(t *testing.T) {
		other := undefaultedProfile("5")
		other.Name, other.UID = "other", "uid-other"
		r := informerLike(undefaultedProfile("1"), other)
		var x profileIndex
		before := get(t, &x, r, "other")
		r.profiles["default"] = undefaultedProfile("2")
		if get(t, &x, r, "other") != before {
			t.Error("an unchanged profile was defaulted again")
		}
	})
	t.Run("sees new and deleted profiles", func(t *testing.T) {
		r := informerLike(undefaultedProfile("1"))
		var x profileIndex
		get(t, &x, r, "default")
		added := undefaultedProfile("3")
		added.Name, added.UID = "added", "uid-added"
		r.profiles["added"] = added
		if get(t, &x, r, "added") == nil {
			t.Error("a new profile is not in the set")
		}
		delete(r.profiles, "default")
		if get(t, &x, r, "default") != nil {
			t.Error("a deleted profile is still in the set")
		}
	})
	t.Run("passes a read error through", func(t *testing.T) {
		var x profileIndex
		if _, err := x.get(t.Context(), readerLister(errReader{}), logr.Discard()); err == nil {
			t.Error("no error for a cache that cannot be read")
		}
	})
}

// fullProfile sets every list, map and pointer of the profile that the
// rewrite copies into pods.
func fullProfile() *v1alpha1.SGLangProfile {
	p := defaultProfile()
	p.ResourceVersion, p.UID = "7", "uid-full"
	s := &p.Spec
	s.ImagePullPolicy = corev1.PullIfNotPresent
	s.Env.Add = append(s.Env.Add, corev1.EnvVar{Name: "FROM_PROFILE", Value: "1"},
		corev1.EnvVar{Name: "FROM_FIELD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}})
	s.Placement.NodeSelector = map[string]string{"amd.com/gpu.device-id": "74a1"}
	s.Placement.Tolerations = []corev1.Toleration{{Key: "amd.com/gpu", Operator: corev1.TolerationOpExists, TolerationSeconds: ptr.To[int64](60)}}
	s.Placement.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "amd.com/gpu.family", Operator: corev1.NodeSelectorOpIn, Values: []string{"AI"}}}}}},
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{{Weight: 1, Preference: corev1.NodeSelectorTerm{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a"}}}}}},
	}}
	s.Args.Extra = append(make([]string, 0, 8), "--enable-torch-compile")
	s.Proxy.Resources = &corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("128Mi")}}
	s.Proxy.StripParams = append(make([]string, 0, 8), "logprobs")
	s.Proxy.AllowPaths = append(make([]string, 0, 8), "/flush_cache")
	return p
}

// TestConcurrentRewritesLeaveTheSharedProfileAlone rewrites every fixture's
// pods at once with one cached profile: the profile must come out as it
// went in (run with -race to also see a read racing a write).
func TestConcurrentRewritesLeaveTheSharedProfileAlone(t *testing.T) {
	prof := fullProfile()
	want := prof.Spec.DeepCopy()
	want.Default()
	h, _ := newTestRewriter(t)
	h.cache = informerLike(prof)
	h.listProfiles = readerLister(h.cache)
	files, err := filepath.Glob(filepath.Join("..", "test", "testdata", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var raws [][]byte
	for _, f := range files {
		if !strings.HasSuffix(f, ".golden.yaml") && hasDeployment(t, f) {
			for _, pod := range fixturePods(t, filepath.Base(f)) {
				raws = append(raws, mustJSON(t, pod))
			}
		}
	}
	raws = append(raws, mustJSON(t, richPod()))
	var wg sync.WaitGroup
	for range 4 {
		for _, raw := range raws {
			wg.Go(func() {
				if resp := h.Handle(t.Context(), createRequest(raw)); !resp.Allowed {
					t.Errorf("refused: %+v", resp.Result)
				}
			})
		}
	}
	wg.Wait()
	set, err := h.profiles.get(t.Context(), h.listProfiles, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Get("default").Spec; !equality.Semantic.DeepEqual(want, got) {
		t.Errorf("the shared profile was changed by a rewrite (-before +after):\n%s", cmp.Diff(want, got))
	}
}
