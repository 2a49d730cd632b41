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

package rewrite

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// gpuKind classifies a resource name under one of the replaced prefixes.
type gpuKind int

const (
	notReplaced   gpuKind = iota // not under a replaced prefix
	wholeGPU                     // <prefix>gpu
	partialGPU                   // a MIG slice or a time-sliced share: <prefix>mig-*, <prefix>gpu.shared
	otherResource                // anything else under the prefix (HAMi gpumem, gpucores...)
)

func classify(name corev1.ResourceName, prefixes []string) gpuKind {
	for _, p := range prefixes {
		rest, ok := strings.CutPrefix(string(name), p)
		if !ok {
			continue
		}
		switch {
		case rest == "gpu":
			return wholeGPU
		case rest == "gpu.shared" || strings.HasPrefix(rest, "mig-"):
			return partialGPU
		default:
			return otherResource
		}
	}
	return notReplaced
}

// requestsGPU reports whether the container asks for a GPU, NVIDIA's or
// already the profile's.
func requestsGPU(c *corev1.Container, g *v1alpha1.GPUSpec) bool {
	for _, list := range []corev1.ResourceList{c.Resources.Limits, c.Resources.Requests} {
		for name, q := range list {
			if q.Sign() <= 0 {
				continue
			}
			if k := classify(name, g.ReplacePrefixes); k == wholeGPU || k == partialGPU || name == corev1.ResourceName(g.ResourceName) {
				return true
			}
		}
	}
	return false
}

// rewriteGPU replaces the NVIDIA GPU resources with the profile's, keeping
// the count, in both requests and limits (extended resources must match).
// A MIG slice or shared GPU becomes that many whole GPUs; other resources
// under the replaced prefixes are removed. It returns one note per
// approximation or removal.
func rewriteGPU(c *corev1.Container, g *v1alpha1.GPUSpec) []string {
	target := corev1.ResourceName(g.ResourceName)
	count, notes := gpuCount(c.Resources.Limits, g, target)
	if count.IsZero() {
		count, notes = gpuCount(c.Resources.Requests, g, target)
	}
	removed := removeReplaced(&c.Resources, g.ReplacePrefixes)
	for _, name := range removed {
		if classify(name, g.ReplacePrefixes) == otherResource {
			notes = append(notes, fmt.Sprintf("resource %s removed: %s has no equivalent", name, target))
		}
	}
	if count.IsZero() {
		return notes
	}
	setResource(&c.Resources.Limits, target, count)
	setResource(&c.Resources.Requests, target, count)
	return notes
}

// gpuCount sums the GPUs a resource list asks for; the profile's own
// resource counts when no NVIDIA one is there.
func gpuCount(list corev1.ResourceList, g *v1alpha1.GPUSpec, target corev1.ResourceName) (resource.Quantity, []string) {
	var total resource.Quantity
	var notes []string
	for _, name := range sortedNames(list) {
		q := list[name]
		switch classify(name, g.ReplacePrefixes) {
		case wholeGPU:
			total.Add(q)
		case partialGPU:
			total.Add(q)
			notes = append(notes, fmt.Sprintf("resource %s: %s (part of a GPU) became %s: %s (whole GPUs)",
				name, q.String(), target, q.String()))
		}
	}
	if total.IsZero() {
		if q, ok := list[target]; ok {
			return q.DeepCopy(), nil
		}
	}
	return total, notes
}

// removeReplaced deletes every resource under the replaced prefixes and
// returns the names it deleted, sorted.
func removeReplaced(r *corev1.ResourceRequirements, prefixes []string) []corev1.ResourceName {
	removed := map[corev1.ResourceName]bool{}
	for _, list := range []corev1.ResourceList{r.Limits, r.Requests} {
		for name := range list {
			if classify(name, prefixes) != notReplaced {
				delete(list, name)
				removed[name] = true
			}
		}
	}
	names := make([]corev1.ResourceName, 0, len(removed))
	for n := range removed {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func setResource(list *corev1.ResourceList, name corev1.ResourceName, q resource.Quantity) {
	if *list == nil {
		*list = corev1.ResourceList{}
	}
	(*list)[name] = q.DeepCopy()
}

func sortedNames(list corev1.ResourceList) []corev1.ResourceName {
	names := make([]corev1.ResourceName, 0, len(list))
	for n := range list {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
