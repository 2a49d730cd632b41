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
	"cmp"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

const (
	// DefaultVLLMPort is where vLLM listens without --port.
	DefaultVLLMPort int32 = 8000
	// firstUnprivilegedPort bounds the search when nothing above the vLLM
	// port is free.
	firstUnprivilegedPort int32 = 1024
	maxPort               int32 = 65535
	// proxyHealthPath is the proxy's own /health, answered from its
	// background check of SGLang (not the profile's upstream health path).
	proxyHealthPath = "/health"
)

// undeclaredSidecarPorts are ports that sidecars injected by other
// controllers listen on without declaring them in the pod at admission time:
// Istio's proxy (15000-15090) and Knative's queue-proxy (8012, 8022, 8112,
// 9090, 9091). SGLang never takes them.
var undeclaredSidecarPorts = sets.New[int32](
	15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090,
	8012, 8022, 8112, 9090, 9091,
)

// usedPorts collects every port number the pod declares or probes, in any
// container: container ports, host ports and numeric probe ports.
func usedPorts(spec *corev1.PodSpec) sets.Set[int32] {
	used := sets.New[int32]()
	add := func(c *corev1.Container) {
		for _, p := range c.Ports {
			used.Insert(p.ContainerPort)
			if p.HostPort != 0 {
				used.Insert(p.HostPort)
			}
		}
		for _, pr := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
			if n := probePortNumber(pr); n != 0 {
				used.Insert(n)
			}
		}
	}
	for i := range spec.InitContainers {
		add(&spec.InitContainers[i])
	}
	for i := range spec.Containers {
		add(&spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		add((*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
	return used
}

func probePortNumber(p *corev1.Probe) int32 {
	switch {
	case p == nil:
		return 0
	case p.HTTPGet != nil && p.HTTPGet.Port.Type == intstr.Int:
		return p.HTTPGet.Port.IntVal
	case p.TCPSocket != nil && p.TCPSocket.Port.Type == intstr.Int:
		return p.TCPSocket.Port.IntVal
	case p.GRPC != nil:
		return p.GRPC.Port
	}
	return 0
}

// pickSGLangPort returns the first port after the vLLM port that nothing in
// the pod uses, or, when none is left above it, the first free one from 1024
// up. SGLang listens on 127.0.0.1 only, so the port is not declared.
func pickSGLangPort(used sets.Set[int32], vllmPort int32) int32 {
	free := func(p int32) bool {
		return p != vllmPort && !used.Has(p) && !undeclaredSidecarPorts.Has(p)
	}
	for p := vllmPort + 1; p > 0 && p <= maxPort; p++ {
		if free(p) {
			return p
		}
	}
	for p := firstUnprivilegedPort; p < vllmPort; p++ {
		if free(p) {
			return p
		}
	}
	return 0
}

// hostNetworkPortField is the profile field that sets SGLang's port in a
// hostNetwork pod, as messages name it.
const hostNetworkPortField = "spec.proxy.hostNetworkSGLangPort"

// sglangPortFor decides where SGLang listens, or why it cannot listen
// anywhere (a skip reason and its detail). In the pod's own network it is
// the first free port after vLLM's (pickSGLangPort). In the node's network
// (hostNetwork: true) the pod's ports are the node's, where a port free in
// the pod may well be taken, so it is the profile's hostNetworkSGLangPort,
// refused only when the pod takes it itself: as vLLM's serving port, which
// the proxy takes over, or as a port the pod declares or probes.
func sglangPortFor(spec *corev1.PodSpec, proxy *v1alpha1.ProxySpec, vllmPort int32) (int32, SkipReason, string) {
	if !spec.HostNetwork {
		if port := pickSGLangPort(usedPorts(spec), vllmPort); port != 0 {
			return port, "", ""
		}
		return 0, SkipUntranslatable, "no free port is left for SGLang"
	}
	port := cmp.Or(proxy.HostNetworkSGLangPort, v1alpha1.DefaultHostNetworkSGLangPort)
	taken := ""
	switch {
	case port == vllmPort:
		taken = "is vLLM's serving port, which sglang-proxy takes over"
	case usedPorts(spec).Has(port):
		taken = "is declared or probed by the pod"
	default:
		return port, "", ""
	}
	return 0, SkipHostNetwork, fmt.Sprintf("SGLang's port on the node, %d (the profile's %s), %s: the profile must name another port",
		port, hostNetworkPortField, taken)
}

// onNodeNetwork finishes a hostNetwork pod, whose ports are the node's:
// the serving port already went to the proxy (as vLLM had it, on every
// address of the node); SGLang's port on the node's 127.0.0.1 is declared
// on the SGLang container as a host port of 127.0.0.1, so the scheduler
// puts no two pods that need it on one node, and the status records that
// the ports are the node's. It returns the report's note naming both.
func onNodeNetwork(c *corev1.Container, status *Status) string {
	c.Ports = append(c.Ports, corev1.ContainerPort{
		ContainerPort: status.SGLangPort, HostPort: status.SGLangPort, HostIP: sglangHost, Protocol: corev1.ProtocolTCP,
	})
	status.HostNetwork = true
	return fmt.Sprintf("the pod uses the node's network: %s serves vLLM's port %d on the node, SGLang listens on %s:%d of the node "+
		"(the profile's %s; declared as a host port, so no two pods that need it share a node)",
		v1alpha1.ProxyContainerName, status.ServingPort, sglangHost, status.SGLangPort, hostNetworkPortField)
}

// takeServingPort removes the vLLM container's TCP entry for the serving
// port and returns it for the proxy, which takes over the number and the
// name (Services target it by name). A container that declared no entry
// gets an unnamed one on the proxy.
func takeServingPort(c *corev1.Container, port int32) corev1.ContainerPort {
	for i, p := range c.Ports {
		if p.ContainerPort == port && (p.Protocol == "" || p.Protocol == corev1.ProtocolTCP) {
			c.Ports = append(c.Ports[:i:i], c.Ports[i+1:]...)
			if len(c.Ports) == 0 {
				c.Ports = nil
			}
			return p
		}
	}
	return corev1.ContainerPort{ContainerPort: port, Protocol: corev1.ProtocolTCP}
}

// retargetProbes keeps the vLLM container's probes and lifecycle hooks
// working once the serving port belongs to the proxy:
//   - a port named by the moved entry becomes its number, because named
//     ports resolve only within the probed container;
//   - a tcpSocket probe on the serving port becomes an httpGet of the
//     proxy's /health, because the proxy accepts connections long before
//     SGLang has loaded the model, while vLLM's port only opened once it had.
//
// It reports whether a tcpSocket probe was turned into an httpGet.
func retargetProbes(c *corev1.Container, moved corev1.ContainerPort) (tcpConverted bool) {
	for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		if p == nil {
			continue
		}
		if p.HTTPGet != nil {
			p.HTTPGet.Port = resolvePort(p.HTTPGet.Port, moved)
		}
		if p.TCPSocket != nil {
			p.TCPSocket.Port = resolvePort(p.TCPSocket.Port, moved)
			if p.TCPSocket.Port.IntVal == moved.ContainerPort {
				p.HTTPGet = &corev1.HTTPGetAction{Path: proxyHealthPath, Port: p.TCPSocket.Port, Host: p.TCPSocket.Host}
				p.TCPSocket = nil
				tcpConverted = true
			}
		}
	}
	if c.Lifecycle != nil {
		for _, h := range []*corev1.LifecycleHandler{c.Lifecycle.PostStart, c.Lifecycle.PreStop} {
			if h != nil && h.HTTPGet != nil {
				h.HTTPGet.Port = resolvePort(h.HTTPGet.Port, moved)
			}
			if h != nil && h.TCPSocket != nil {
				h.TCPSocket.Port = resolvePort(h.TCPSocket.Port, moved)
			}
		}
	}
	return tcpConverted
}

func resolvePort(p intstr.IntOrString, moved corev1.ContainerPort) intstr.IntOrString {
	if p.Type == intstr.String && moved.Name != "" && p.StrVal == moved.Name {
		return intstr.FromInt32(moved.ContainerPort)
	}
	return p
}
