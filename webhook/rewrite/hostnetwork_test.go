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
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// onTheNode puts the test pod in the node's network, as the API server
// stores it: with hostNetwork, every declared port gets its number as host
// port.
func onTheNode(p *corev1.Pod) {
	p.Spec.HostNetwork = true
	for i := range p.Spec.Containers {
		for j := range p.Spec.Containers[i].Ports {
			port := &p.Spec.Containers[i].Ports[j]
			port.HostPort = port.ContainerPort
		}
	}
}

func TestRewriteHostNetwork(t *testing.T) {
	const sglangPort = v1alpha1.DefaultHostNetworkSGLangPort
	runCases(t, []rewriteCase{{
		name: "rewrites a pod in the node's network",
		pod:  onTheNode,
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			if r.Outcome != Rewritten || vllmOf(pod).Image != "example.com/sglang:v0.5.9-rocm" {
				t.Errorf("outcome %s, image %q", r.Outcome, vllmOf(pod).Image)
			}
		},
	}, {
		name: "serves vLLM's port on the node from the proxy, with its name and host port",
		pod:  onTheNode,
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			proxy := proxyOf(t, pod)
			want := []corev1.ContainerPort{{Name: "container-port", ContainerPort: 8000, HostPort: 8000}}
			if diff := cmp.Diff(want, proxy.Ports); diff != "" {
				t.Errorf("proxy ports (-want +got):\n%s", diff)
			}
			if !slices.Contains(proxy.Args, "--listen=:8000") || r.ServingPort != 8000 {
				t.Errorf("proxy args %q, serving port %d", proxy.Args, r.ServingPort)
			}
		},
	}, {
		name: "runs SGLang on the node's 127.0.0.1 at the profile's port, not at the pod's next free port",
		pod:  onTheNode,
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			args := vllmOf(pod).Args
			if argAfter(args, "--host") != "127.0.0.1" || argAfter(args, "--port") != "28000" || r.SGLangPort != sglangPort {
				t.Errorf("SGLang args %q, report port %d; want --host 127.0.0.1 --port 28000", args, r.SGLangPort)
			}
			if !slices.Contains(proxyOf(t, pod).Args, "--upstream=http://127.0.0.1:28000") {
				t.Errorf("proxy args %q", proxyOf(t, pod).Args)
			}
		},
	}, {
		name:    "runs SGLang on the port the profile sets",
		pod:     onTheNode,
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.Proxy.HostNetworkSGLangPort = 9999 },
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			if argAfter(vllmOf(pod).Args, "--port") != "9999" || r.SGLangPort != 9999 {
				t.Errorf("SGLang args %q, report port %d; want 9999", vllmOf(pod).Args, r.SGLangPort)
			}
		},
	}, {
		name: "takes the default port for a profile that leaves the field empty",
		pod:  onTheNode,
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Proxy.HostNetworkSGLangPort = 0
		},
		check: func(t *testing.T, _ *corev1.Pod, r *Report) {
			if r.SGLangPort != sglangPort {
				t.Errorf("SGLang port %d, want %d", r.SGLangPort, sglangPort)
			}
		},
	}, {
		name: "declares SGLang's port as a host port of 127.0.0.1, keeping the container's other ports",
		pod:  onTheNode,
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			want := []corev1.ContainerPort{
				{Name: "zmq-port", ContainerPort: 55555, HostPort: 55555},
				{ContainerPort: sglangPort, HostPort: sglangPort, HostIP: "127.0.0.1", Protocol: corev1.ProtocolTCP},
			}
			if diff := cmp.Diff(want, vllmOf(pod).Ports); diff != "" {
				t.Errorf("SGLang container ports (-want +got):\n%s", diff)
			}
		},
	}, {
		name: "warns that both ports are the node's, naming them and the profile's field",
		pod:  onTheNode,
		check: func(t *testing.T, _ *corev1.Pod, r *Report) {
			want := `container "vllm": the pod uses the node's network: sglang-proxy serves vLLM's port 8000 on the node, ` +
				`SGLang listens on 127.0.0.1:28000 of the node (the profile's spec.proxy.hostNetworkSGLangPort; ` +
				`declared as a host port, so no two pods that need it share a node)`
			if !slices.Contains(r.Warnings(), want) {
				t.Errorf("warnings %q\nlack %q", r.Warnings(), want)
			}
		},
	}, {
		name: "records the node's ports in the status annotation",
		pod:  onTheNode,
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if s := statusOf(t, pod); !s.HostNetwork || s.ServingPort != 8000 || s.SGLangPort != sglangPort {
				t.Errorf("status hostNetwork %v, ports %d -> %d", s.HostNetwork, s.ServingPort, s.SGLangPort)
			}
		},
	}, {
		name: "leaves probes on the serving port, which the proxy answers on the node",
		pod:  onTheNode,
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if diff := cmp.Diff(httpProbe(intstr.FromInt32(8000)), vllmOf(pod).ReadinessProbe); diff != "" {
				t.Errorf("readiness probe (-want +got):\n%s", diff)
			}
		},
	}, {
		name: "serves a --port other than 8000 on the node",
		pod: func(p *corev1.Pod) {
			vllmOf(p).Command[6] = "8200"
			vllmOf(p).Ports[0].ContainerPort = 8200
			vllmOf(p).ReadinessProbe = nil
			onTheNode(p)
		},
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			if r.ServingPort != 8200 || r.SGLangPort != sglangPort || !slices.Contains(proxyOf(t, pod).Args, "--listen=:8200") {
				t.Errorf("ports %d -> %d, proxy args %q", r.ServingPort, r.SGLangPort, proxyOf(t, pod).Args)
			}
		},
	}, {
		name:    "ignores the hostNetwork port in the pod's own network",
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.Proxy.HostNetworkSGLangPort = 9999 },
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			if r.SGLangPort != 8001 || statusOf(t, pod).HostNetwork {
				t.Errorf("SGLang port %d, status hostNetwork %v; want 8001, false", r.SGLangPort, statusOf(t, pod).HostNetwork)
			}
			if slices.ContainsFunc(vllmOf(pod).Ports, func(p corev1.ContainerPort) bool { return p.HostPort != 0 }) {
				t.Errorf("host ports declared outside the node's network: %v", vllmOf(pod).Ports)
			}
			if slices.ContainsFunc(r.Warnings(), func(w string) bool { return strings.Contains(w, "node's network") }) {
				t.Errorf("warnings %q", r.Warnings())
			}
		},
	}})
}

func TestRewriteHostNetworkPortTaken(t *testing.T) {
	// Each pod takes the profile's SGLang port on the node itself.
	cases := map[string]struct {
		pod        func(*corev1.Pod)
		wantDetail string
	}{
		"as vLLM's serving port": {
			pod: func(p *corev1.Pod) {
				vllmOf(p).Command[6] = "28000"
				vllmOf(p).Ports[0].ContainerPort = 28000
				vllmOf(p).ReadinessProbe = nil
			},
			wantDetail: "SGLang's port on the node, 28000 (the profile's spec.proxy.hostNetworkSGLangPort), is vLLM's serving port, which sglang-proxy takes over: the profile must name another port",
		},
		"as a port another container declares": {
			pod: func(p *corev1.Pod) {
				p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "side", Image: "side",
					Ports: []corev1.ContainerPort{{ContainerPort: 28000}}})
			},
			wantDetail: "SGLang's port on the node, 28000 (the profile's spec.proxy.hostNetworkSGLangPort), is declared or probed by the pod: the profile must name another port",
		},
		"as a port the vLLM container probes": {
			pod:        func(p *corev1.Pod) { vllmOf(p).LivenessProbe = tcpProbe(intstr.FromInt32(28000)) },
			wantDetail: "is declared or probed by the pod",
		},
	}
	for name, tc := range cases {
		pod := func() *corev1.Pod {
			p := testPod()
			tc.pod(p)
			onTheNode(p)
			return p
		}
		t.Run("leaves the pod alone, with a warning, when the profile says Warn: "+name, func(t *testing.T) {
			p := pod()
			before := p.DeepCopy()
			r, err := run(t, p, testProfile())
			if err != nil {
				t.Fatalf("Rewrite() error = %v", err)
			}
			if r.Outcome != Skipped || r.SkipReason != SkipHostNetwork || !strings.Contains(r.Detail, tc.wantDetail) {
				t.Fatalf("Rewrite() = %s/%s (%s), want skipped/%s with %q", r.Outcome, r.SkipReason, r.Detail, SkipHostNetwork, tc.wantDetail)
			}
			if diff := cmp.Diff(before, p); diff != "" {
				t.Errorf("a skipped pod changed:\n%s", diff)
			}
			w := r.Warnings()
			if len(w) != 1 || !strings.HasPrefix(w[0], `container "vllm" not rewritten: the pod uses the node's network`) || !strings.Contains(w[0], tc.wantDetail) {
				t.Errorf("warnings %q", w)
			}
		})
		t.Run("denies the pod when the profile says Reject: "+name, func(t *testing.T) {
			p, prof := pod(), testProfile()
			prof.Args.UnsafeFlags = v1alpha1.UnsafeFlagReject
			before := p.DeepCopy()
			_, err := run(t, p, prof)
			var rejected *RejectedError
			if !errors.As(err, &rejected) || !strings.Contains(err.Error(), tc.wantDetail) {
				t.Fatalf("Rewrite() error = %v, want a rejection with %q", err, tc.wantDetail)
			}
			if diff := cmp.Diff(before, p); diff != "" {
				t.Errorf("a rejected pod changed:\n%s", diff)
			}
		})
	}

	t.Run("rewrites the pod once the profile names a port it does not use", func(t *testing.T) {
		p, prof := testPod(), testProfile()
		cases["as a port another container declares"].pod(p)
		onTheNode(p)
		prof.Proxy.HostNetworkSGLangPort = 28001
		if r := mustRewrite(t, p, prof); r.SGLangPort != 28001 {
			t.Errorf("SGLang port %d, want 28001", r.SGLangPort)
		}
	})
}
