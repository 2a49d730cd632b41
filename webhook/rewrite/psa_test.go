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
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// restrictedViolations checks one container against Pod Security
// "restricted" (kubernetes/pod-security-admission policy/check_*.go) as if
// the pod-level security context said nothing in its favour: the container
// must pass on its own settings.
func restrictedViolations(c *corev1.Container) []string {
	var v []string
	sc := c.SecurityContext
	if sc == nil {
		return []string{"no securityContext"}
	}
	if sc.Privileged != nil && *sc.Privileged {
		v = append(v, "privileged")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		v = append(v, "allowPrivilegeEscalation != false")
	}
	if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
		v = append(v, "capabilities.drop lacks ALL")
	}
	if sc.Capabilities != nil {
		for _, c := range sc.Capabilities.Add {
			if c != "NET_BIND_SERVICE" {
				v = append(v, "capability added: "+string(c))
			}
		}
	}
	if sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		v = append(v, "runAsNonRoot != true")
	}
	if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
		v = append(v, "runAsUser = 0")
	}
	if sc.SeccompProfile == nil || (sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault && sc.SeccompProfile.Type != corev1.SeccompProfileTypeLocalhost) {
		v = append(v, "seccompProfile not RuntimeDefault or Localhost")
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		v = append(v, "readOnlyRootFilesystem != true (not a PSA rule; the project's)")
	}
	for _, p := range c.Ports {
		if p.HostPort != 0 {
			v = append(v, "hostPort")
		}
	}
	return v
}

func TestProxyPassesPodSecurityRestricted(t *testing.T) {
	pod, prof := testPod(), testProfile()
	// A pod-level context that would fail restricted: the proxy must not
	// rely on the pod's settings.
	pod.Spec.SecurityContext = &corev1.PodSecurityContext{
		RunAsUser: ptr.To[int64](0), RunAsNonRoot: ptr.To(false),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined},
	}
	mustRewrite(t, pod, prof)
	if v := restrictedViolations(proxyOf(t, pod)); len(v) > 0 {
		t.Errorf("sglang-proxy violates Pod Security restricted: %v", v)
	}

	t.Run("the check itself catches a root container", func(t *testing.T) {
		c := proxyOf(t, pod).DeepCopy()
		c.SecurityContext.RunAsUser = ptr.To[int64](0)
		c.SecurityContext.Capabilities.Add = []corev1.Capability{"SYS_PTRACE"}
		if v := restrictedViolations(c); len(v) != 2 {
			t.Errorf("violations %v, want runAsUser and the capability", v)
		}
	})
}
