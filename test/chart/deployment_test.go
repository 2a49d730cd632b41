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
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	psapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"
)

func webhookDeployment(t *testing.T, r *rendered) (*appsv1.Deployment, corev1.Container) {
	t.Helper()
	d := get[appsv1.Deployment](t, r, "Deployment", webhookName)
	if len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("want one container in the webhook pod, got %d", len(d.Spec.Template.Spec.Containers))
	}
	return d, d.Spec.Template.Spec.Containers[0]
}

// flagValues maps --name=value arguments to their values.
func flagValues(args []string) map[string]string {
	m := map[string]string{}
	for _, a := range args {
		name, value, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		m[name] = value
	}
	return m
}

func TestWebhookPodsMeetTheRestrictedPodSecurityStandard(t *testing.T) {
	d, _ := webhookDeployment(t, render(t, nil))
	eval, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	lv := psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}
	res := policy.AggregateCheckResults(eval.EvaluatePod(lv, &d.Spec.Template.ObjectMeta, &d.Spec.Template.Spec))
	if !res.Allowed {
		t.Errorf("the webhook pod violates the restricted Pod Security Standard: %s: %s", res.ForbiddenReason(), res.ForbiddenDetail())
	}
	c := d.Spec.Template.Spec.Containers[0]
	if sc := c.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Errorf("the root filesystem is writable (the restricted standard does not require it; the chart does)")
	}
}

func TestWebhookContainerRunsTheWebhookCommandWithTheChartsPortsCertsAndImage(t *testing.T) {
	r := render(t, nil)
	d, c := webhookDeployment(t, r)

	if !slices.Equal(c.Command, []string{"/vllm-to-sglang", "webhook"}) {
		t.Errorf("command %q, want /vllm-to-sglang webhook", c.Command)
	}
	flags := flagValues(c.Args)
	if flags["proxy-image"] != c.Image {
		t.Errorf("--proxy-image=%q, want the webhook's own image %q (one image holds both binaries)", flags["proxy-image"], c.Image)
	}
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for flag, port := range map[string]string{"webhook-port": "webhook", "metrics-bind-address": "metrics", "health-probe-bind-address": "health"} {
		if got := strings.TrimPrefix(flags[flag], ":"); got != strconv.Itoa(int(ports[port])) {
			t.Errorf("--%s=%q does not match container port %s (%d)", flag, flags[flag], port, ports[port])
		}
	}
	mounted := false
	for _, m := range c.VolumeMounts {
		mounted = mounted || (m.MountPath == flags["webhook-cert-path"] && m.Name == "tls")
	}
	if !mounted {
		t.Errorf("--webhook-cert-path=%q is not where the tls volume is mounted (%+v)", flags["webhook-cert-path"], c.VolumeMounts)
	}
	for name, p := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		want := map[string]string{"liveness": "/healthz", "readiness": "/readyz"}[name]
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != want || p.HTTPGet.Port.String() != "health" {
			t.Errorf("%s probe %+v, want GET %s on the health port", name, p, want)
		}
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("resources %+v: want CPU and memory requests and a memory limit", c.Resources)
	}

	svc := get[corev1.Service](t, r, "Service", webhookName)
	if !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
		t.Errorf("the Service selector %v does not select the webhook pods %v", svc.Spec.Selector, d.Spec.Template.Labels)
	}
	var webhookPort *corev1.ServicePort
	for i := range svc.Spec.Ports {
		if svc.Spec.Ports[i].Name == "webhook" {
			webhookPort = &svc.Spec.Ports[i]
		}
	}
	if webhookPort == nil || webhookPort.Port != 443 || webhookPort.TargetPort.String() != "webhook" {
		t.Errorf("Service webhook port %+v, want 443 -> the container's webhook port", webhookPort)
	}
	_, wh := theWebhook(t, r)
	if wh.ClientConfig.Service == nil || wh.ClientConfig.Service.Port == nil || *wh.ClientConfig.Service.Port != 443 {
		t.Errorf("the webhook configuration does not call the Service on port 443: %+v", wh.ClientConfig.Service)
	}
}

func TestWebhookImageReferenceUsesTheTagOrTheDigest(t *testing.T) {
	const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := map[string]struct {
		sets []string
		want string
	}{
		"the chart's appVersion is the default tag": {
			want: "ghcr.io/vllm-to-sglang/vllm-to-sglang:" + loadChartAppVersion(t),
		},
		"image.tag overrides the appVersion": {
			sets: []string{"image.tag=v9.9.9"},
			want: "ghcr.io/vllm-to-sglang/vllm-to-sglang:v9.9.9",
		},
		"a digest wins over the tag, for the webhook and the injected sidecar": {
			sets: []string{"image.repository=registry.example/v2s", "image.tag=v9.9.9", "image.digest=" + digest},
			want: "registry.example/v2s@" + digest,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, c := webhookDeployment(t, render(t, values(t, tc.sets...)))
			if c.Image != tc.want || flagValues(c.Args)["proxy-image"] != tc.want {
				t.Errorf("image %q, --proxy-image %q; want both %q", c.Image, flagValues(c.Args)["proxy-image"], tc.want)
			}
		})
	}
}

func loadChartAppVersion(t *testing.T) string {
	t.Helper()
	return loadChart(t).Metadata.AppVersion
}

func TestWebhookIsHighlyAvailable(t *testing.T) {
	r := render(t, nil)
	d, _ := webhookDeployment(t, r)
	podLabels := labels.Set(d.Spec.Template.Labels)

	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("replicas %v, want 2", d.Spec.Replicas)
	}
	pdb := get[policyv1.PodDisruptionBudget](t, r, "PodDisruptionBudget", webhookName)
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 {
		t.Errorf("PodDisruptionBudget minAvailable %v, want 1", pdb.Spec.MinAvailable)
	}
	assertSelects(t, "PodDisruptionBudget", pdb.Spec.Selector, podLabels)

	spread := d.Spec.Template.Spec.TopologySpreadConstraints
	var keys []string
	for _, c := range spread {
		keys = append(keys, c.TopologyKey)
		assertSelects(t, "topology spread on "+c.TopologyKey, c.LabelSelector, podLabels)
	}
	if !slices.Equal(keys, []string{"kubernetes.io/hostname", "topology.kubernetes.io/zone"}) {
		t.Errorf("topology spread keys %v, want hostname and zone", keys)
	}
	aff := d.Spec.Template.Spec.Affinity
	if aff == nil || aff.PodAntiAffinity == nil || len(aff.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution) != 1 {
		t.Fatalf("affinity %+v, want one preferred pod anti-affinity term", aff)
	}
	term := aff.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm
	assertSelects(t, "pod anti-affinity", term.LabelSelector, podLabels)
	if term.TopologyKey != "kubernetes.io/hostname" {
		t.Errorf("anti-affinity topologyKey %q, want kubernetes.io/hostname", term.TopologyKey)
	}
}

func TestWebhookSchedulingValuesReachThePod(t *testing.T) {
	r := render(t, values(t,
		"webhook.priorityClassName=system-cluster-critical",
		"webhook.replicas=3",
		"webhook.topologySpreadConstraints[0].maxSkew=2",
		"webhook.topologySpreadConstraints[0].topologyKey=example.com/rack",
		"webhook.topologySpreadConstraints[0].whenUnsatisfiable=DoNotSchedule",
		"webhook.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key=example.com/pool",
		"webhook.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator=Exists",
		"podDisruptionBudget.enabled=false",
	))
	d, _ := webhookDeployment(t, r)
	spec := d.Spec.Template.Spec
	if spec.PriorityClassName != "system-cluster-critical" || *d.Spec.Replicas != 3 {
		t.Errorf("priorityClassName %q replicas %d, want the values", spec.PriorityClassName, *d.Spec.Replicas)
	}
	if len(spec.TopologySpreadConstraints) != 1 || spec.TopologySpreadConstraints[0].TopologyKey != "example.com/rack" {
		t.Fatalf("topology spread %+v, want only the given constraint", spec.TopologySpreadConstraints)
	}
	assertSelects(t, "the given topology spread constraint", spec.TopologySpreadConstraints[0].LabelSelector, d.Spec.Template.Labels)
	if spec.Affinity.PodAntiAffinity != nil || spec.Affinity.NodeAffinity == nil {
		t.Errorf("affinity %+v, want exactly the given affinity", spec.Affinity)
	}
	if n := r.kinds()["PodDisruptionBudget"]; n != 0 {
		t.Errorf("a PodDisruptionBudget is rendered with podDisruptionBudget.enabled=false")
	}
}

func assertSelects(t *testing.T, what string, sel *metav1.LabelSelector, podLabels labels.Set) {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil || s.Empty() || !s.Matches(podLabels) {
		t.Errorf("%s: selector %v (err %v) does not select the webhook pods %v", what, sel, err, podLabels)
	}
}

// TestWebhookRBACReadsProfilesAndNamespacesAndNothingElse compares the
// chart's ClusterRole with the one controller-gen writes from the webhook's
// RBAC markers.
func TestWebhookRBACReadsProfilesAndNamespacesAndNothingElse(t *testing.T) {
	r := render(t, nil)
	role := get[rbacv1.ClusterRole](t, r, "ClusterRole", webhookName)
	generated := readYAML[rbacv1.ClusterRole](t, "../../config/rbac/role.yaml")
	if !equalJSON(t, role.Rules, generated.Rules) {
		t.Errorf("chart ClusterRole rules differ from config/rbac/role.yaml:\n%s", diffJSON(t, role.Rules, generated.Rules))
	}
	for _, rule := range role.Rules {
		for _, res := range rule.Resources {
			if res == "pods" || res == "secrets" || res == "*" {
				t.Errorf("the webhook may touch %s: %+v", res, rule)
			}
		}
	}
	binding := get[rbacv1.ClusterRoleBinding](t, r, "ClusterRoleBinding", webhookName)
	d, _ := webhookDeployment(t, r)
	want := rbacv1.Subject{Kind: "ServiceAccount", Name: d.Spec.Template.Spec.ServiceAccountName, Namespace: releaseNamespace}
	if binding.RoleRef.Name != role.Name || len(binding.Subjects) != 1 || binding.Subjects[0] != want {
		t.Errorf("binding %+v does not bind %s to the pods' ServiceAccount %+v", binding, role.Name, want)
	}
	if r.find("ServiceAccount", want.Name) == nil {
		t.Errorf("ServiceAccount %q is not rendered", want.Name)
	}
}

func TestServiceMonitorAndNetworkPolicyAreOptional(t *testing.T) {
	off := render(t, nil)
	for _, kind := range []string{"ServiceMonitor", "NetworkPolicy"} {
		if n := off.kinds()[kind]; n != 0 {
			t.Errorf("%s rendered by default", kind)
		}
	}

	r := render(t, values(t, "serviceMonitor.enabled=true", "serviceMonitor.labels.release=prom",
		"networkPolicy.enabled=true", "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.name=monitoring"))
	d, _ := webhookDeployment(t, r)
	podLabels := labels.Set(d.Spec.Template.Labels)

	sm := r.find("ServiceMonitor", webhookName)
	if sm == nil {
		t.Fatalf("no ServiceMonitor rendered")
	}
	svc := get[corev1.Service](t, r, "Service", webhookName)
	var smSpec struct {
		Selector  metav1.LabelSelector
		Endpoints []struct{ Port, Path string }
	}
	if err := yaml.Unmarshal(mustJSON(t, sm.Object["spec"]), &smSpec); err != nil {
		t.Fatal(err)
	}
	assertSelects(t, "ServiceMonitor", &smSpec.Selector, svc.Labels)
	if len(smSpec.Endpoints) != 1 || smSpec.Endpoints[0].Port != "metrics" || smSpec.Endpoints[0].Path != "/metrics" {
		t.Errorf("ServiceMonitor endpoints %+v, want the Service's metrics port", smSpec.Endpoints)
	}
	if sm.GetLabels()["release"] != "prom" {
		t.Errorf("ServiceMonitor labels %v lack the given release=prom", sm.GetLabels())
	}

	np := get[networkingv1.NetworkPolicy](t, r, "NetworkPolicy", webhookName)
	assertSelects(t, "NetworkPolicy", &np.Spec.PodSelector, podLabels)
	allowed := map[string]int{}
	for _, rule := range np.Spec.Ingress {
		for _, p := range rule.Ports {
			allowed[p.Port.String()] = len(rule.From)
		}
	}
	if len(allowed) != 3 || allowed["metrics"] != 1 {
		t.Errorf("NetworkPolicy ingress ports %v, want webhook, health and metrics (metrics from the given peers only)", allowed)
	}
	if !slices.Equal(np.Spec.PolicyTypes, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}) {
		t.Errorf("policyTypes %v, want Ingress only (the webhook must reach the API server)", np.Spec.PolicyTypes)
	}
}
