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

package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

func runNodes(f *Facts, rs *results) {
	const what = "the GPU nodes"
	switch {
	case !rs.passed(CheckCRD):
		rs.add(skipped(GroupNodes, CheckGPUCapacity, "", what, "SGLangProfiles are not served"))
		return
	case f.Profiles.Err != nil:
		rs.add(skipped(GroupNodes, CheckGPUCapacity, "", what, "SGLangProfiles cannot be read"))
		return
	}
	inUse := profilesInUse(f)
	if len(inUse) == 0 {
		rs.add(skipped(GroupNodes, CheckGPUCapacity, "", what, "no SGLangProfile is in use to name the GPU resource"))
		return
	}
	if f.Nodes.Err != nil {
		rs.add(readFailed(GroupNodes, CheckGPUCapacity, "nodes", f.Nodes.Err))
		return
	}
	for _, name := range inUse {
		if rs.failed(CheckProfileValid, profileSubject(name)) {
			rs.add(skipped(GroupNodes, CheckGPUCapacity, profileSubject(name), fmt.Sprintf("SGLangProfile %q: the GPU nodes", name), "the profile is invalid"))
			continue
		}
		spec := defaultedProfile(f, name)
		req := largestRequest(f, name, spec)
		capacity := gpuCapacity(f, name, spec, req)
		rs.add(capacity)
		if capacity.Status != Passed {
			rs.add(skipped(GroupNodes, CheckPlacement, profileSubject(name), fmt.Sprintf("SGLangProfile %q: placement", name), "no node has the GPUs"))
			continue
		}
		rs.add(placement(f, name, spec, req))
	}
}

// profilesInUse are the existing profiles the default and the vLLM
// workloads use, sorted.
func profilesInUse(f *Facts) []string {
	var names []string
	add := func(name string) {
		if findProfile(f, name) != nil && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	add(v1alpha1.DefaultProfileName)
	for _, w := range f.Workloads.Items {
		add(w.resolve(f).Name)
	}
	slices.Sort(names)
	return names
}

// gpuRequest is the largest number of GPUs one pod of a profile asks for.
type gpuRequest struct {
	gpus int64
	// tp is the tensor-parallel size behind it, 0 when unknown.
	tp int
	// by is who asks ("" for the sample pod's single GPU).
	by string
}

func (g gpuRequest) String() string {
	if g.by == "" {
		return fmt.Sprintf("%d", g.gpus)
	}
	if g.tp > 1 {
		return fmt.Sprintf("%d, %s with tensor-parallel size %d", g.gpus, g.by, g.tp)
	}
	return fmt.Sprintf("%d, %s", g.gpus, g.by)
}

// largestRequest is the largest GPU count a rewritten pod of the profile
// would request: the GPU count of its vLLM container after the rewrite, or
// its tensor-parallel size when that is larger. At least one GPU.
func largestRequest(f *Facts, name string, spec *v1alpha1.SGLangProfileSpec) gpuRequest {
	largest := gpuRequest{gpus: 1}
	for _, w := range sortedWorkloads(f) {
		if w.resolve(f).Name != name {
			continue
		}
		if r, ok := workloadGPUs(f, &w, spec); ok && r.gpus > largest.gpus {
			largest = r
		}
	}
	return largest
}

func workloadGPUs(f *Facts, w *Workload, spec *v1alpha1.SGLangProfileSpec) (gpuRequest, bool) {
	report, rewritten, err := localRewrite(f, w)
	if err != nil || report.Outcome != rewrite.Rewritten {
		return gpuRequest{}, false
	}
	r := gpuRequest{by: w.Ref()}
	res := corev1.ResourceName(spec.GPU.ResourceName)
	for _, c := range rewritten.Spec.Containers {
		if c.Name != report.Container {
			continue
		}
		q, ok := c.Resources.Limits[res]
		if !ok {
			q = c.Resources.Requests[res]
		}
		r.gpus = q.Value()
	}
	for _, c := range w.Template.Spec.Containers {
		if c.Name != report.Container {
			continue
		}
		if inv, reason := argv.Detect(c.Command, c.Args, c.Image); reason == argv.NotSkipped {
			if res, err := argv.Translate(inv, argv.Options{Policy: profile.ArgvPolicy(&spec.Args)}); err == nil {
				r.tp = res.TensorParallelSize
			}
		}
	}
	if int64(r.tp) > r.gpus {
		r.gpus = int64(r.tp)
	}
	return r, true
}

// gpus is how many of the resource a node offers: allocatable, else
// capacity.
func gpus(n *corev1.Node, res corev1.ResourceName) int64 {
	if q, ok := n.Status.Allocatable[res]; ok {
		return q.Value()
	}
	q := n.Status.Capacity[res]
	return q.Value()
}

func gpuCapacity(f *Facts, name string, spec *v1alpha1.SGLangProfileSpec, req gpuRequest) Result {
	r := Result{Group: GroupNodes, Check: CheckGPUCapacity, Subject: profileSubject(name), Status: Failed}
	res := corev1.ResourceName(spec.GPU.ResourceName)
	var withGPU []string
	var most int64
	for i := range f.Nodes.Items {
		n := &f.Nodes.Items[i]
		if g := gpus(n, res); g > 0 {
			withGPU = append(withGPU, n.Name)
			most = max(most, g)
		}
	}
	slices.Sort(withGPU)
	switch {
	case len(withGPU) == 0:
		r.Message = fmt.Sprintf("SGLangProfile %q: no node advertises %s: rewritten pods stay Pending", name, res)
		r.Hint = fmt.Sprintf("install AMD's GPU device plugin (ROCm/k8s-device-plugin) or the AMD GPU Operator on the MI300X nodes; kubectl get nodes -o custom-columns='NAME:.metadata.name,GPUS:.status.allocatable.%s'",
			strings.ReplaceAll(string(res), ".", `\.`))
	case most < req.gpus:
		r.Message = fmt.Sprintf("SGLangProfile %q: no node has %d %s (the largest request: %s); the most one node has is %d",
			name, req.gpus, res, req, most)
		r.Hint = "those pods stay Pending: lower the tensor-parallel size, or add nodes with more GPUs"
	default:
		r.Status = Passed
		r.Message = fmt.Sprintf("SGLangProfile %q: %s %s (up to %d on one node; the largest request: %s)",
			name, plural(len(withGPU), "node"), advertise(len(withGPU), string(res)), most, req)
		if isAMD(res) {
			r.Details = hostSettings(withGPU)
		}
	}
	return r
}

// isAMD says whether a GPU resource is one of AMD's device plugin
// (amd.com/gpu, or a partition such as amd.com/cpx_nps4).
func isAMD(res corev1.ResourceName) bool {
	return strings.HasPrefix(string(res), "amd.com/")
}

// hostSettings names what SGLang's AMD guide (docs/platforms/amd_gpu.md) asks
// of an MI300X host and a pod cannot set: NUMA balancing off and iommu=pt
// pci=realloc=off on the kernel command line. A Node object shows neither,
// so the check says what to verify on which nodes instead of claiming it did.
func hostSettings(nodes []string) []string {
	return []string{
		"not checked, the API does not show them: the host settings SGLang's AMD guide asks for, NUMA balancing off and iommu=pt pci=realloc=off on the kernel command line",
		fmt.Sprintf("verify on %s: cat /proc/sys/kernel/numa_balancing prints 0; cat /proc/cmdline has iommu=pt and pci=realloc=off (README.md, Install)", listNames(nodes)),
	}
}

func advertise(n int, res string) string {
	if n == 1 {
		return "advertises " + res
	}
	return "advertise " + res
}

func placement(f *Facts, name string, spec *v1alpha1.SGLangProfileSpec, req gpuRequest) Result {
	r := Result{Group: GroupNodes, Check: CheckPlacement, Subject: profileSubject(name), Status: Passed}
	res := corev1.ResourceName(spec.GPU.ResourceName)
	pl := spec.Placement
	required := nodeaffinity.NewRequiredNodeAffinity(pl.NodeSelector, pl.Affinity)
	var fit, match, schedulable []string
	var untolerated []string
	for i := range f.Nodes.Items {
		n := &f.Nodes.Items[i]
		if gpus(n, res) < req.gpus {
			continue
		}
		fit = append(fit, n.Name)
		if ok, err := required.Match(n); err != nil || !ok {
			continue
		}
		match = append(match, n.Name)
		if why := blocked(n, pl.Tolerations); why != "" {
			untolerated = append(untolerated, n.Name+" ("+why+")")
			continue
		}
		schedulable = append(schedulable, n.Name)
	}
	slices.Sort(schedulable)
	slices.Sort(untolerated)
	desc := describePlacement(&pl)
	switch {
	case len(match) == 0:
		r.Status = Failed
		r.Message = fmt.Sprintf("SGLangProfile %q: no node with %d %s matches the profile's placement (%s)", name, req.gpus, res, desc)
		r.Details = nodeLabels(f, fit, placementKeys(&pl))
		r.Hint = fmt.Sprintf("label the MI300X nodes (AMD's node labeller sets amd.com/gpu.* labels), or change the profile's spec.placement: kubectl edit sglangprofile %s", name)
	case len(schedulable) == 0:
		r.Status = Warning
		r.Message = fmt.Sprintf("SGLangProfile %q: every node that matches is cordoned or tainted against its pods", name)
		r.Details = []string{"blocked: " + listNames(untolerated)}
		r.Hint = fmt.Sprintf("add tolerations to the profile's spec.placement.tolerations (kubectl edit sglangprofile %s), or uncordon the nodes", name)
	case desc == "":
		r.Message = fmt.Sprintf("SGLangProfile %q sets no node placement: its pods go to any node with %s (%s with room for the largest request)", name, res, plural(len(schedulable), "node"))
	default:
		r.Message = fmt.Sprintf("SGLangProfile %q: %s with room for the largest request %s the profile's placement (%s)",
			name, plural(len(schedulable), "node"), matchVerb(len(schedulable)), desc)
	}
	return r
}

func matchVerb(n int) string {
	if n == 1 {
		return "matches"
	}
	return "match"
}

// blocked says why a node takes no pod with these tolerations: cordoned,
// or a NoSchedule/NoExecute taint none of them tolerates. "" when none.
func blocked(n *corev1.Node, tolerations []corev1.Toleration) string {
	if n.Spec.Unschedulable {
		return "cordoned"
	}
	for _, taint := range n.Spec.Taints {
		if taint.Effect == corev1.TaintEffectPreferNoSchedule {
			continue
		}
		tolerated := slices.ContainsFunc(tolerations, func(t corev1.Toleration) bool {
			return t.ToleratesTaint(logr.Discard(), &taint, false)
		})
		if !tolerated {
			return taint.ToString()
		}
	}
	return ""
}

// describePlacement renders the profile's node selector and required node
// affinity; "" when it has neither.
func describePlacement(pl *v1alpha1.PlacementSpec) string {
	var parts []string
	if len(pl.NodeSelector) > 0 {
		var kv []string
		for _, k := range sortedKeys(pl.NodeSelector) {
			kv = append(kv, k+"="+pl.NodeSelector[k])
		}
		parts = append(parts, "nodeSelector "+strings.Join(kv, ","))
	}
	if terms := requiredTerms(pl); len(terms) > 0 {
		var alts []string
		for _, t := range terms {
			var exprs []string
			for _, e := range t.MatchExpressions {
				exprs = append(exprs, fmt.Sprintf("%s %s %s", e.Key, e.Operator, strings.Join(e.Values, ",")))
			}
			alts = append(alts, strings.TrimSpace(strings.Join(exprs, " and ")))
		}
		parts = append(parts, "required node affinity "+strings.Join(alts, " or "))
	}
	return strings.Join(parts, "; ")
}

func requiredTerms(pl *v1alpha1.PlacementSpec) []corev1.NodeSelectorTerm {
	if pl.Affinity == nil || pl.Affinity.NodeAffinity == nil || pl.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return nil
	}
	return pl.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
}

// placementKeys are the node label keys the placement looks at.
func placementKeys(pl *v1alpha1.PlacementSpec) []string {
	keys := sortedKeys(pl.NodeSelector)
	for _, t := range requiredTerms(pl) {
		for _, e := range t.MatchExpressions {
			if !slices.Contains(keys, e.Key) {
				keys = append(keys, e.Key)
			}
		}
	}
	return keys
}

// nodeLabels lists, for each named node, its values of the keys.
func nodeLabels(f *Facts, names, keys []string) []string {
	slices.Sort(names)
	var out []string
	for i, name := range names {
		if i == maxListed {
			out = append(out, fmt.Sprintf("and %d more", len(names)-maxListed))
			break
		}
		n := findNode(f, name)
		var kv []string
		for _, k := range keys {
			v, ok := n.Labels[k]
			if !ok {
				v = "(none)"
			}
			kv = append(kv, k+"="+v)
		}
		out = append(out, fmt.Sprintf("node %s: %s", name, strings.Join(kv, ", ")))
	}
	return out
}

func findNode(f *Facts, name string) *corev1.Node {
	for i := range f.Nodes.Items {
		if f.Nodes.Items[i].Name == name {
			return &f.Nodes.Items[i]
		}
	}
	return &corev1.Node{}
}
