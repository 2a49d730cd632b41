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
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// envPods returns a pod whose container has n environment variables and
// the same pod with every other one removed, as the rewrite removes CUDA_*
// and NVIDIA_* variables.
func envPods(n int) (original, mutated *corev1.Pod) {
	original = &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "vllm"}}}}
	for i := range n {
		original.Spec.Containers[0].Env = append(original.Spec.Containers[0].Env, corev1.EnvVar{Name: fmt.Sprintf("V%d", i), Value: "v"})
	}
	mutated = original.DeepCopy()
	mutated.Spec.Containers[0].Env = slices.DeleteFunc(mutated.Spec.Containers[0].Env, func(e corev1.EnvVar) bool {
		i, _ := strconv.Atoi(strings.TrimPrefix(e.Name, "V"))
		return i%2 == 0
	})
	return original, mutated
}

// BenchmarkCreateLongList measures the patch of a pod whose container
// loses half of its N and 8N environment variables. Linear work shows as a
// ratio of about 8 between the two. (Applying such a patch is not linear:
// json-patch copies the list for every item it removes, in the API server
// too.)
func BenchmarkCreateLongList(b *testing.B) {
	for _, n := range []int{1000, 8000} {
		original, mutated := envPods(n)
		b.Run(fmt.Sprintf("env=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Create(original, mutated); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestMatchItemsAgreesWithPairs: matching by buckets pairs the items
// exactly as comparing every pair does, duplicates included.
func TestMatchItemsAgreesWithPairs(t *testing.T) {
	env := func(names ...string) []corev1.EnvVar {
		var out []corev1.EnvVar
		for _, n := range names {
			name, value, _ := strings.Cut(n, "=")
			out = append(out, corev1.EnvVar{Name: name, Value: value})
		}
		return out
	}
	tol := func(keys ...string) []corev1.Toleration {
		var out []corev1.Toleration
		for _, k := range keys {
			out = append(out, corev1.Toleration{Key: k, Operator: corev1.TolerationOpExists})
		}
		return out
	}
	cases := map[string]struct {
		old, new any
		key      int
	}{
		"keyed, items removed":            {env("a", "b", "c", "d"), env("a", "c"), 0},
		"keyed, items inserted":           {env("a", "b"), env("x", "a", "y", "b", "z"), 0},
		"keyed, duplicates pair in order": {env("a=1", "b", "a=2", "a=3"), env("a=9", "a=8", "b"), 0},
		"keyed, reordered":                {env("a", "b", "c"), env("c", "a", "b"), 0},
		"keyless, equal items pair":       {tol("a", "b", "a"), tol("a", "a", "c"), noKey},
		"keyless, changed items do not":   {tol("a", "b"), []corev1.Toleration{{Key: "a", Operator: corev1.TolerationOpEqual}, {Key: "b", Operator: corev1.TolerationOpExists}}, noKey},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			old, new := reflect.ValueOf(tc.old), reflect.ValueOf(tc.new)
			key := tc.key
			if key == 0 {
				key = jsonFieldIndex(old.Type().Elem(), "name")
			}
			got := matchItems(old, new, key)
			want := matchItemsPairwise(old, new, key, make([]int, new.Len()))
			if !slices.Equal(got, want) {
				t.Errorf("matchItems = %v, pair by pair %v", got, want)
			}
		})
	}
}
