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
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/proxy"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// rewriteCase changes the test pod and profile, rewrites, and checks.
type rewriteCase struct {
	name    string
	pod     func(*corev1.Pod)
	profile func(*v1alpha1.SGLangProfileSpec)
	check   func(t *testing.T, pod *corev1.Pod, r *Report)
}

func (tc rewriteCase) run(t *testing.T) {
	pod, prof := testPod(), testProfile()
	if tc.pod != nil {
		tc.pod(pod)
	}
	if tc.profile != nil {
		tc.profile(prof)
	}
	r := mustRewrite(t, pod, prof)
	tc.check(t, pod, r)
}

func runCases(t *testing.T, cases []rewriteCase) {
	for _, tc := range cases {
		t.Run(tc.name, tc.run)
	}
}

func TestRewriteContainer(t *testing.T) {
	runCases(t, []rewriteCase{{
		name: "keeps the vLLM container's name and switches it to the profile's image",
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if c := vllmOf(pod); c.Name != "vllm" || c.Image != "example.com/sglang:v0.5.9-rocm" {
				t.Errorf("container %q image %q", c.Name, c.Image)
			}
		},
	}, {
		name:    "sets the profile's pull policy when it names one",
		pod:     func(p *corev1.Pod) { vllmOf(p).ImagePullPolicy = corev1.PullAlways },
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.ImagePullPolicy = corev1.PullIfNotPresent },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if got := vllmOf(pod).ImagePullPolicy; got != corev1.PullIfNotPresent {
				t.Errorf("pull policy = %s", got)
			}
		},
	}, {
		name: "keeps a pull policy the pod chose when the profile names none",
		pod:  func(p *corev1.Pod) { vllmOf(p).ImagePullPolicy = corev1.PullAlways },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if got := vllmOf(pod).ImagePullPolicy; got != corev1.PullAlways {
				t.Errorf("pull policy = %s", got)
			}
		},
	}, {
		name: "clears the pull policy the API server derived from a :latest vLLM image, so it is derived again from the SGLang image",
		pod: func(p *corev1.Pod) {
			vllmOf(p).Image = "vllm/vllm-openai:latest"
			vllmOf(p).ImagePullPolicy = corev1.PullAlways
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if got := vllmOf(pod).ImagePullPolicy; got != "" {
				t.Errorf("pull policy = %q, want it cleared", got)
			}
		},
	}, {
		name: "clears the pull policy the API server derived from a pinned vLLM image",
		pod:  func(p *corev1.Pod) { vllmOf(p).ImagePullPolicy = corev1.PullIfNotPresent },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if got := vllmOf(pod).ImagePullPolicy; got != "" {
				t.Errorf("pull policy = %q, want it cleared", got)
			}
		},
	}, {
		name: "keeps Never, which no image implies",
		pod:  func(p *corev1.Pod) { vllmOf(p).ImagePullPolicy = corev1.PullNever },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if got := vllmOf(pod).ImagePullPolicy; got != corev1.PullNever {
				t.Errorf("pull policy = %s", got)
			}
		},
	}, {
		name: "runs SGLang on 127.0.0.1 one port above vLLM's",
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			args := vllmOf(pod).Args
			if argAfter(args, "--host") != "127.0.0.1" || argAfter(args, "--port") != "8001" {
				t.Errorf("SGLang args %v, want --host 127.0.0.1 --port 8001", args)
			}
			if r.ServingPort != 8000 || r.SGLangPort != 8001 {
				t.Errorf("report ports %d -> %d", r.ServingPort, r.SGLangPort)
			}
		},
	}, {
		name: "picks a port no container declares, skipping taken ones",
		pod: func(p *corev1.Pod) {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "side", Image: "side",
				Ports: []corev1.ContainerPort{{ContainerPort: 8001}, {ContainerPort: 8002}}})
		},
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			if r.SGLangPort != 8003 || argAfter(vllmOf(pod).Args, "--port") != "8003" {
				t.Errorf("SGLang port %d, want 8003", r.SGLangPort)
			}
		},
	}, {
		name: "treats a port another container only probes as taken",
		pod: func(p *corev1.Pod) {
			p.Spec.InitContainers = append(p.Spec.InitContainers, corev1.Container{Name: "side", Image: "side",
				RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways), ReadinessProbe: httpProbe(intstr.FromInt32(8001))})
		},
		check: func(t *testing.T, _ *corev1.Pod, r *Report) {
			if r.SGLangPort != 8002 {
				t.Errorf("SGLang port %d, want 8002", r.SGLangPort)
			}
		},
	}, {
		name: "serves the port vLLM's --port names when another sidecar owns 8000 (llm-d)",
		pod: func(p *corev1.Pod) {
			c := vllmOf(p)
			c.Command = []string{"vllm", "serve"}
			c.Args = []string{"org/model", "--port", "8200"}
			c.Ports = []corev1.ContainerPort{{ContainerPort: 8200, Protocol: corev1.ProtocolTCP}}
			c.ReadinessProbe = nil
			p.Spec.InitContainers = []corev1.Container{{Name: "routing-proxy", Image: "llm-d/routing-sidecar",
				Args: []string{"--port=8000", "--vllm-port=8200"}, Ports: []corev1.ContainerPort{{ContainerPort: 8000}},
				RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways)}}
		},
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			if r.ServingPort != 8200 || r.SGLangPort != 8201 {
				t.Errorf("ports %d -> %d, want 8200 -> 8201", r.ServingPort, r.SGLangPort)
			}
			proxy := proxyOf(t, pod)
			if proxy.Ports[0].ContainerPort != 8200 || !slices.Contains(proxy.Args, "--listen=:8200") {
				t.Errorf("proxy ports %v args %v", proxy.Ports, proxy.Args)
			}
			if pod.Spec.InitContainers[0].Name != "routing-proxy" || len(pod.Spec.InitContainers[0].Ports) != 1 {
				t.Error("the routing sidecar changed")
			}
		},
	}, {
		name: "moves the serving port and its name to the proxy, keeping the other ports",
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			want := []corev1.ContainerPort{{Name: "zmq-port", ContainerPort: 55555}}
			if diff := cmp.Diff(want, vllmOf(pod).Ports); diff != "" {
				t.Errorf("vLLM ports (-want +got):\n%s", diff)
			}
			want = []corev1.ContainerPort{{Name: "container-port", ContainerPort: 8000}}
			if diff := cmp.Diff(want, proxyOf(t, pod).Ports); diff != "" {
				t.Errorf("proxy ports (-want +got):\n%s", diff)
			}
		},
	}, {
		name: "declares the serving port on the proxy when vLLM declared none",
		pod:  func(p *corev1.Pod) { vllmOf(p).Ports = nil },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			want := []corev1.ContainerPort{{ContainerPort: 8000, Protocol: corev1.ProtocolTCP}}
			if diff := cmp.Diff(want, proxyOf(t, pod).Ports); diff != "" {
				t.Errorf("proxy ports (-want +got):\n%s", diff)
			}
		},
	}, {
		name: "leaves every other container untouched",
		pod: func(p *corev1.Pod) {
			p.Spec.Containers = append(p.Spec.Containers, sidecar())
			p.Spec.InitContainers = append(p.Spec.InitContainers, corev1.Container{Name: "init", Image: "busybox"})
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if diff := cmp.Diff(sidecar(), pod.Spec.Containers[1]); diff != "" {
				t.Errorf("sidecar changed:\n%s", diff)
			}
			if diff := cmp.Diff(corev1.Container{Name: "init", Image: "busybox"}, pod.Spec.InitContainers[0]); diff != "" {
				t.Errorf("init container changed:\n%s", diff)
			}
		},
	}})
}

func sidecar() corev1.Container {
	return corev1.Container{Name: "sidecar", Image: "lmcache/lmstack-sidecar",
		Env:       []corev1.EnvVar{{Name: "NVIDIA_VISIBLE_DEVICES", Value: "all"}},
		Ports:     []corev1.ContainerPort{{ContainerPort: 30090}},
		Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{"nvidia.com/gpu": qty("1")}}}
}

func TestRewriteProxy(t *testing.T) {
	runCases(t, []rewriteCase{{
		name: "injects the proxy as a native sidecar running /proxy from the options' image",
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			p := proxyOf(t, pod)
			if p.RestartPolicy == nil || *p.RestartPolicy != corev1.ContainerRestartPolicyAlways {
				t.Error("proxy is not a native sidecar (restartPolicy Always)")
			}
			if p.Image != testProxyImage || !slices.Equal(p.Command, []string{"/proxy"}) {
				t.Errorf("image %q command %v", p.Image, p.Command)
			}
		},
	}, {
		name: "uses the profile's proxy image and pull policy when it names them",
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Proxy.Image = "mine/proxy:1"
			s.Proxy.ImagePullPolicy = corev1.PullNever
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if p := proxyOf(t, pod); p.Image != "mine/proxy:1" || p.ImagePullPolicy != corev1.PullNever {
				t.Errorf("image %q pull %q", p.Image, p.ImagePullPolicy)
			}
		},
	}, {
		name: "spells out the profile's proxy settings in the proxy's flags",
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			want := []string{"--listen=:8000", "--upstream=http://127.0.0.1:8001", "--health-path=/health",
				"--health-interval=5s", "--health-timeout=3s", "--health-fall=3", "--health-rise=2",
				"--metrics-mode=translate", "--fix-tool-schemas=true", "--strip-params=",
				"--lora-api=false", "--sleep-api=false", "--reset-prefix-cache-api=false", "--shutdown-grace=30s"}
			if diff := cmp.Diff(want, proxyOf(t, pod).Args); diff != "" {
				t.Errorf("proxy args (-want +got):\n%s", diff)
			}
		},
	}, {
		name: "passes the profile's strip params, allowed paths, body cap and the pod's grace period when set",
		pod:  func(p *corev1.Pod) { p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](90) },
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Proxy.StripParams = []string{"logprobs", "guided_json"}
			s.Proxy.AllowPaths = []string{"/flush_cache", "/get_server_info"}
			s.Proxy.MaxBodyBytes = ptr.To[int64](1 << 20)
			s.Proxy.FixToolSchemas = ptr.To(false)
			s.Proxy.MetricsMode = v1alpha1.MetricsPassthrough
			s.Proxy.Health = v1alpha1.HealthSpec{Path: "/health_generate", Interval: &metav1.Duration{Duration: 90 * time.Second},
				Timeout: &metav1.Duration{Duration: 500 * time.Millisecond}, Fall: 5, Rise: 1}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			want := []string{"--listen=:8000", "--upstream=http://127.0.0.1:8001", "--health-path=/health_generate",
				"--health-interval=1m30s", "--health-timeout=500ms", "--health-fall=5", "--health-rise=1",
				"--metrics-mode=passthrough", "--fix-tool-schemas=false", "--strip-params=logprobs,guided_json",
				"--allow-path=/flush_cache", "--allow-path=/get_server_info", "--max-body-bytes=1048576",
				"--lora-api=false", "--sleep-api=false", "--reset-prefix-cache-api=false", "--shutdown-grace=90s"}
			if diff := cmp.Diff(want, proxyOf(t, pod).Args); diff != "" {
				t.Errorf("proxy args (-want +got):\n%s", diff)
			}
		},
	}, {
		name: "gives the proxy small default resources with a memory limit",
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if diff := cmp.Diff(DefaultProxyResources(), proxyOf(t, pod).Resources); diff != "" {
				t.Error(diff)
			}
		},
	}, {
		name: "raises the proxy's memory limit by twice what a larger body cap adds, since the proxy holds a body and its filtered copy",
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Proxy.MaxBodyBytes = ptr.To[int64](proxy.DefaultMaxBodyBytes + 100<<20)
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			got := proxyOf(t, pod).Resources.Limits[corev1.ResourceMemory]
			if want := qty("712Mi"); got.Cmp(want) != 0 {
				t.Errorf("memory limit %s, want %s", got.String(), want.String())
			}
		},
	}, {
		name: "keeps the default memory limit for a smaller body cap",
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Proxy.MaxBodyBytes = ptr.To[int64](1 << 20)
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if diff := cmp.Diff(DefaultProxyResources(), proxyOf(t, pod).Resources); diff != "" {
				t.Error(diff)
			}
		},
	}, {
		name: "gives the proxy the profile's resources when it sets them",
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Proxy.Resources = &corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: qty("1Gi")}}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			want := corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: qty("1Gi")}}
			if diff := cmp.Diff(want, proxyOf(t, pod).Resources); diff != "" {
				t.Error(diff)
			}
		},
	}, {
		name: "holds SGLang back until the proxy listens, with a TCP startup probe",
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			p := proxyOf(t, pod).StartupProbe
			if p == nil || p.TCPSocket == nil || p.TCPSocket.Port.IntVal != 8000 {
				t.Errorf("startup probe %+v", p)
			}
		},
	}, {
		name: "appends the proxy after the pod's own init containers",
		pod: func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{{Name: "storage-initializer", Image: "kserve/storage-initializer"}}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			names := []string{pod.Spec.InitContainers[0].Name, pod.Spec.InitContainers[1].Name}
			if !slices.Equal(names, []string{"storage-initializer", "sglang-proxy"}) {
				t.Errorf("init containers %v", names)
			}
		},
	}})
}

// TestRewriteManagementAPIs: the proxy serves vLLM's management endpoints
// where the vLLM pod mounted them (its env and, for sleep, its command),
// and never where that cannot be read at admission.
func TestRewriteManagementAPIs(t *testing.T) {
	env := func(vars ...corev1.EnvVar) func(*corev1.Pod) {
		return func(p *corev1.Pod) { vllmOf(p).Env = append(vllmOf(p).Env, vars...) }
	}
	v := func(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }
	sleepFlag := func(p *corev1.Pod) { vllmOf(p).Command = append(vllmOf(p).Command, "--enable-sleep-mode") }
	atStart := func(p *corev1.Pod) {
		c := vllmOf(p)
		c.Command = []string{"/bin/bash", "-c", `eval "exec vllm serve /mnt/models --port 8000 --enable-sleep-mode ${VLLM_ADDITIONAL_ARGS} $@"`, "--"}
	}
	both := func(fs ...func(*corev1.Pod)) func(*corev1.Pod) {
		return func(p *corev1.Pod) {
			for _, f := range fs {
				f(p)
			}
		}
	}
	tests := []struct {
		name     string
		pod      func(*corev1.Pod)
		want     []string // the three flags
		wantNote string   // substring of a note; empty: no note about them
	}{
		{"serves none without vLLM's switches", nil,
			[]string{"--lora-api=false", "--sleep-api=false", "--reset-prefix-cache-api=false"}, ""},
		{"serves the LoRA endpoints where VLLM_ALLOW_RUNTIME_LORA_UPDATING is on (read as vLLM reads it)",
			env(v("VLLM_ALLOW_RUNTIME_LORA_UPDATING", "True")),
			[]string{"--lora-api=true", "--sleep-api=false", "--reset-prefix-cache-api=false"}, ""},
		{"does not serve them where it is off, the last value counting",
			env(v("VLLM_ALLOW_RUNTIME_LORA_UPDATING", "1"), v("VLLM_ALLOW_RUNTIME_LORA_UPDATING", "0")),
			[]string{"--lora-api=false", "--sleep-api=false", "--reset-prefix-cache-api=false"}, ""},
		{"serves /reset_prefix_cache where VLLM_SERVER_DEV_MODE is on, and no sleep without --enable-sleep-mode",
			env(v("VLLM_SERVER_DEV_MODE", "1")),
			[]string{"--lora-api=false", "--sleep-api=false", "--reset-prefix-cache-api=true"}, ""},
		{"serves the sleep endpoints where dev mode is on and vLLM runs with --enable-sleep-mode",
			both(env(v("VLLM_SERVER_DEV_MODE", "1")), sleepFlag),
			[]string{"--lora-api=false", "--sleep-api=true", "--reset-prefix-cache-api=true"}, ""},
		{"does not serve them with --enable-sleep-mode alone: vLLM mounts them in dev mode only", sleepFlag,
			[]string{"--lora-api=false", "--sleep-api=false", "--reset-prefix-cache-api=false"}, ""},
		{"reads VLLM_SERVER_DEV_MODE as vLLM's int(): true is not on", both(env(v("VLLM_SERVER_DEV_MODE", "true")), sleepFlag),
			[]string{"--lora-api=false", "--sleep-api=false", "--reset-prefix-cache-api=false"}, ""},
		{"serves nothing from a switch only known at run time, and says so",
			env(corev1.EnvVar{Name: "VLLM_ALLOW_RUNTIME_LORA_UPDATING", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{Key: "lora"}}}),
			[]string{"--lora-api=false", "--sleep-api=false", "--reset-prefix-cache-api=false"},
			"VLLM_ALLOW_RUNTIME_LORA_UPDATING is only known at run time, so the proxy does not serve /v1/load_lora_adapter"},
		{"serves no sleep endpoints for a command translated at start, saying why, but serves what the env decides",
			both(env(v("VLLM_SERVER_DEV_MODE", "1"), v("VLLM_ALLOW_RUNTIME_LORA_UPDATING", "true")), atStart),
			[]string{"--lora-api=true", "--sleep-api=false", "--reset-prefix-cache-api=true"},
			"they need --enable-sleep-mode, and the command is only read when the container starts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pod := testPod()
			if tc.pod != nil {
				tc.pod(pod)
			}
			r := mustRewrite(t, pod, testProfile())
			args := proxyOf(t, pod).Args
			var got []string
			for _, a := range args {
				for _, f := range []string{"--lora-api=", "--sleep-api=", "--reset-prefix-cache-api="} {
					if strings.HasPrefix(a, f) {
						got = append(got, a)
					}
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("management flags (-want +got):\n%s", diff)
			}
			var notes []string
			for _, n := range r.Notes {
				if strings.Contains(n, "VLLM_SERVER_DEV_MODE") || strings.Contains(n, "VLLM_ALLOW_RUNTIME_LORA_UPDATING") {
					notes = append(notes, n)
				}
			}
			switch {
			case tc.wantNote == "" && len(notes) > 0:
				t.Errorf("notes %q, want none about the management endpoints", notes)
			case tc.wantNote != "" && !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, tc.wantNote) }):
				t.Errorf("notes %q, want one saying %q", r.Notes, tc.wantNote)
			}
		})
	}
}

// TestRewriteLoRALimitsForRuntimeLoading: a pod that loads adapters at run
// time gets vLLM's LoRA limits in SGLang's command even with initial
// adapters, which alone would size SGLang's LoRA pool.
func TestRewriteLoRALimitsForRuntimeLoading(t *testing.T) {
	for _, runtime := range []bool{false, true} {
		pod := testPod()
		c := vllmOf(pod)
		c.Command = append(c.Command, "--enable-lora", "--lora-modules", "sql=/l/sql")
		if runtime {
			c.Env = append(c.Env, corev1.EnvVar{Name: "VLLM_ALLOW_RUNTIME_LORA_UPDATING", Value: "true"})
		}
		mustRewrite(t, pod, testProfile())
		if got := argAfter(vllmOf(pod).Args, "--max-lora-rank"); (got == "16") != runtime {
			t.Errorf("runtime loading %v: --max-lora-rank %q in %q", runtime, got, vllmOf(pod).Args)
		}
	}
}

func TestRewriteProbes(t *testing.T) {
	runCases(t, []rewriteCase{{
		name: "keeps probes on the serving port pointing at it (the proxy answers them)",
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if diff := cmp.Diff(httpProbe(intstr.FromInt32(8000)), vllmOf(pod).ReadinessProbe); diff != "" {
				t.Error(diff)
			}
		},
	}, {
		name: "turns a probe or hook that names the moved port into its number",
		pod: func(p *corev1.Pod) {
			c := vllmOf(p)
			c.ReadinessProbe = httpProbe(intstr.FromString("container-port"))
			c.LivenessProbe = httpProbe(intstr.FromString("zmq-port"))
			c.Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/drain", Port: intstr.FromString("container-port")}}}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			c := vllmOf(pod)
			if diff := cmp.Diff(httpProbe(intstr.FromInt32(8000)), c.ReadinessProbe); diff != "" {
				t.Errorf("readiness:\n%s", diff)
			}
			if diff := cmp.Diff(httpProbe(intstr.FromString("zmq-port")), c.LivenessProbe); diff != "" {
				t.Errorf("a probe on a port that stayed changed:\n%s", diff)
			}
			if got := c.Lifecycle.PreStop.HTTPGet.Port; got != intstr.FromInt32(8000) {
				t.Errorf("preStop port %v", got)
			}
		},
	}, {
		name: "turns a tcpSocket probe on the serving port into an httpGet of the proxy's /health",
		pod:  func(p *corev1.Pod) { vllmOf(p).LivenessProbe = tcpProbe(intstr.FromString("container-port")) },
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			if diff := cmp.Diff(httpProbe(intstr.FromInt32(8000)), vllmOf(pod).LivenessProbe); diff != "" {
				t.Error(diff)
			}
			if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "tcpSocket") }) {
				t.Errorf("notes %v do not mention the tcpSocket probe", r.Notes)
			}
		},
	}, {
		name: "leaves a tcpSocket probe on another port alone",
		pod:  func(p *corev1.Pod) { vllmOf(p).LivenessProbe = tcpProbe(intstr.FromInt32(55555)) },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if diff := cmp.Diff(tcpProbe(intstr.FromInt32(55555)), vllmOf(pod).LivenessProbe); diff != "" {
				t.Error(diff)
			}
		},
	}})
}

func TestRewriteResources(t *testing.T) {
	runCases(t, []rewriteCase{{
		name: "replaces nvidia.com/gpu with the profile's GPU resource, same count in requests and limits",
		pod: func(p *corev1.Pod) {
			vllmOf(p).Resources.Requests["nvidia.com/gpu"] = qty("8")
			vllmOf(p).Resources.Limits["nvidia.com/gpu"] = qty("8")
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			want := corev1.ResourceRequirements{
				Requests: corev1.ResourceList{"amd.com/gpu": qty("8"), corev1.ResourceMemory: qty("16Gi")},
				Limits:   corev1.ResourceList{"amd.com/gpu": qty("8")},
			}
			if diff := cmp.Diff(want, vllmOf(pod).Resources); diff != "" {
				t.Error(diff)
			}
		},
	}, {
		name: "sets requests too when the pod only sets limits",
		pod:  func(p *corev1.Pod) { vllmOf(p).Resources.Requests = nil },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if q := vllmOf(pod).Resources.Requests["amd.com/gpu"]; q.Value() != 1 {
				t.Errorf("requests %v", vllmOf(pod).Resources.Requests)
			}
		},
	}, {
		name:    "uses the profile's GPU resource name",
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.GPU.ResourceName = "amd.com/cpx_nps4" },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if q := vllmOf(pod).Resources.Limits["amd.com/cpx_nps4"]; q.Value() != 1 {
				t.Errorf("limits %v", vllmOf(pod).Resources.Limits)
			}
		},
	}, {
		name: "turns a MIG slice into as many whole GPUs and says so",
		pod: func(p *corev1.Pod) {
			vllmOf(p).Resources = corev1.ResourceRequirements{Limits: corev1.ResourceList{"nvidia.com/mig-3g.40gb": qty("2")}}
		},
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			want := corev1.ResourceRequirements{Limits: corev1.ResourceList{"amd.com/gpu": qty("2")}, Requests: corev1.ResourceList{"amd.com/gpu": qty("2")}}
			if diff := cmp.Diff(want, vllmOf(pod).Resources); diff != "" {
				t.Error(diff)
			}
			if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "nvidia.com/mig-3g.40gb: 2 (part of a GPU) became amd.com/gpu: 2 (whole GPUs)") {
				t.Errorf("notes %v", r.Notes)
			}
		},
	}, {
		name: "removes other NVIDIA resources and says so",
		pod:  func(p *corev1.Pod) { vllmOf(p).Resources.Limits["nvidia.com/gpumem"] = qty("20000") },
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			if _, ok := vllmOf(pod).Resources.Limits["nvidia.com/gpumem"]; ok {
				t.Error("nvidia.com/gpumem kept")
			}
			if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "resource nvidia.com/gpumem removed") {
				t.Errorf("notes %v", r.Notes)
			}
		},
	}, {
		name: "rewrites a vLLM pod already on the profile's GPU resource",
		pod: func(p *corev1.Pod) {
			vllmOf(p).Resources = corev1.ResourceRequirements{Limits: corev1.ResourceList{"amd.com/gpu": qty("4")}}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if q := vllmOf(pod).Resources.Requests["amd.com/gpu"]; q.Value() != 4 {
				t.Errorf("resources %v", vllmOf(pod).Resources)
			}
		},
	}})
}

func TestRewriteEnv(t *testing.T) {
	runCases(t, []rewriteCase{{
		name: "removes NVIDIA env by name and by prefix",
		pod: func(p *corev1.Pod) {
			vllmOf(p).Env = append(vllmOf(p).Env, corev1.EnvVar{Name: "UCX_TLS", Value: "cuda_ipc,tcp"})
		},
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.Env.RemoveNames = []string{"UCX_TLS"} },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			for _, n := range []string{"NVIDIA_VISIBLE_DEVICES", "CUDA_VISIBLE_DEVICES", "UCX_TLS"} {
				if _, ok := envValue(vllmOf(pod), n); ok {
					t.Errorf("%s kept", n)
				}
			}
			if v, _ := envValue(vllmOf(pod), "HF_HOME"); v != "/data" {
				t.Error("HF_HOME lost")
			}
		},
	}, {
		name: "copies mapped VLLM_* variables to their SGLang names right after them and keeps the originals",
		pod: func(p *corev1.Pod) {
			vllmOf(p).Env = []corev1.EnvVar{{Name: "VLLM_HOST_IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
				{Name: "VLLM_ROCM_USE_AITER", Value: "1"}, {Name: "VLLM_USE_V1", Value: "1"}}
		},
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.Env.Add = nil },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			ref := &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}
			want := []corev1.EnvVar{{Name: "VLLM_HOST_IP", ValueFrom: ref}, {Name: "SGLANG_HOST_IP", ValueFrom: ref},
				{Name: "VLLM_ROCM_USE_AITER", Value: "1"}, {Name: "SGLANG_USE_AITER", Value: "1"}, {Name: "VLLM_USE_V1", Value: "1"}}
			if diff := cmp.Diff(want, vllmOf(pod).Env); diff != "" {
				t.Error(diff)
			}
		},
	}, {
		name: "lets the pod's own SGLang variable win over a translated one",
		pod: func(p *corev1.Pod) {
			vllmOf(p).Env = []corev1.EnvVar{{Name: "SGLANG_USE_AITER", Value: "0"}, {Name: "VLLM_ROCM_USE_AITER", Value: "1"}}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			n := 0
			for _, e := range vllmOf(pod).Env {
				if e.Name == "SGLANG_USE_AITER" {
					n++
				}
			}
			if v, _ := envValue(vllmOf(pod), "SGLANG_USE_AITER"); v != "0" || n != 1 {
				t.Errorf("SGLANG_USE_AITER = %q (%d entries)", v, n)
			}
		},
	}, {
		name: "adds the profile's env when the pod does not set it, and keeps the pod's value when it does",
		pod: func(p *corev1.Pod) {
			vllmOf(p).Env = append(vllmOf(p).Env, corev1.EnvVar{Name: "GPU_MAX_HW_QUEUES", Value: "5"})
		},
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Env.Add = []corev1.EnvVar{{Name: "GPU_MAX_HW_QUEUES", Value: "2"}, {Name: "TORCH_NCCL_HIGH_PRIORITY", Value: "1"}}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if v, _ := envValue(vllmOf(pod), "GPU_MAX_HW_QUEUES"); v != "5" {
				t.Errorf("GPU_MAX_HW_QUEUES = %q, want the pod's 5", v)
			}
			if v, _ := envValue(vllmOf(pod), "TORCH_NCCL_HIGH_PRIORITY"); v != "1" {
				t.Errorf("TORCH_NCCL_HIGH_PRIORITY = %q", v)
			}
		},
	}})
}

func nvidiaAffinity() *corev1.Affinity {
	return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{
			{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "nvidia.com/gpu.product", Operator: corev1.NodeSelectorOpIn, Values: []string{"H100"}}}},
			{MatchExpressions: []corev1.NodeSelectorRequirement{zone("a")}},
		}},
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{{Weight: 1, Preference: corev1.NodeSelectorTerm{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "nvidia.com/gpu.memory", Operator: corev1.NodeSelectorOpGt, Values: []string{"40000"}}}}}},
	}}
}

func zone(z string) corev1.NodeSelectorRequirement {
	return corev1.NodeSelectorRequirement{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{z}}
}

var amdTerm = corev1.NodeSelectorRequirement{Key: "amd.com/gpu.device-id", Operator: corev1.NodeSelectorOpIn, Values: []string{"74a1"}}

func TestRewritePlacement(t *testing.T) {
	runCases(t, []rewriteCase{{
		name:    "drops runtimeClassName nvidia and sets the profile's runtime class",
		pod:     func(p *corev1.Pod) { p.Spec.RuntimeClassName = ptr.To("nvidia") },
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.RuntimeClass.Name = "rocm" },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if got := ptr.Deref(pod.Spec.RuntimeClassName, ""); got != "rocm" {
				t.Errorf("runtimeClassName %q", got)
			}
		},
	}, {
		name: "drops runtimeClassName nvidia and leaves none when the profile names none",
		pod:  func(p *corev1.Pod) { p.Spec.RuntimeClassName = ptr.To("nvidia") },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if pod.Spec.RuntimeClassName != nil {
				t.Errorf("runtimeClassName %q", *pod.Spec.RuntimeClassName)
			}
		},
	}, {
		name:    "keeps a runtime class the profile does not remove",
		pod:     func(p *corev1.Pod) { p.Spec.RuntimeClassName = ptr.To("kata") },
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.RuntimeClass.Name = "rocm" },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if got := ptr.Deref(pod.Spec.RuntimeClassName, ""); got != "kata" {
				t.Errorf("runtimeClassName %q", got)
			}
		},
	}, {
		name: "removes NVIDIA node selectors and tolerations and adds the profile's, without duplicates",
		pod: func(p *corev1.Pod) {
			p.Spec.NodeSelector = map[string]string{"nvidia.com/gpu.present": "true", "pool": "gpu"}
			p.Spec.Tolerations = []corev1.Toleration{{Key: "nvidia.com/gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
				{Key: "dedicated", Value: "ml", Effect: corev1.TaintEffectNoSchedule}}
		},
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Placement.NodeSelector = map[string]string{"amd.com/gpu.device-id": "74a1"}
			s.Placement.Tolerations = []corev1.Toleration{{Key: "amd.com/gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
				{Key: "dedicated", Value: "ml", Effect: corev1.TaintEffectNoSchedule}}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if diff := cmp.Diff(map[string]string{"pool": "gpu", "amd.com/gpu.device-id": "74a1"}, pod.Spec.NodeSelector); diff != "" {
				t.Errorf("node selector:\n%s", diff)
			}
			want := []corev1.Toleration{{Key: "dedicated", Value: "ml", Effect: corev1.TaintEffectNoSchedule},
				{Key: "amd.com/gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}}
			if diff := cmp.Diff(want, pod.Spec.Tolerations); diff != "" {
				t.Errorf("tolerations:\n%s", diff)
			}
		},
	}, {
		name: "lets the profile win over the pod on the same node-selector key",
		pod:  func(p *corev1.Pod) { p.Spec.NodeSelector = map[string]string{"amd.com/gpu.device-id": "74a5"} },
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Placement.NodeSelector = map[string]string{"amd.com/gpu.device-id": "74a1"}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if got := pod.Spec.NodeSelector["amd.com/gpu.device-id"]; got != "74a1" {
				t.Errorf("device-id %q", got)
			}
		},
	}, {
		name: "drops a required node-affinity term that only held NVIDIA expressions, which frees the pod from that constraint",
		pod:  func(p *corev1.Pod) { p.Spec.Affinity = nvidiaAffinity() },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if pod.Spec.Affinity != nil {
				t.Errorf("affinity %+v, want none: (H100) OR (zone a) without H100 is any node", pod.Spec.Affinity)
			}
		},
	}, {
		name: "keeps a required term's other expressions when only some were NVIDIA's, and the pod's pod affinity",
		pod: func(p *corev1.Pod) {
			p.Spec.Affinity = &corev1.Affinity{
				NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
					NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{
						{Key: "nvidia.com/gpu.product", Operator: corev1.NodeSelectorOpExists}, zone("a")}}}}},
				PodAntiAffinity: &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{TopologyKey: "kubernetes.io/hostname"}}},
			}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			want := &corev1.Affinity{
				NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
					NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{zone("a")}}}}},
				PodAntiAffinity: &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{TopologyKey: "kubernetes.io/hostname"}}},
			}
			if diff := cmp.Diff(want, pod.Spec.Affinity); diff != "" {
				t.Error(diff)
			}
		},
	}, {
		name: "ANDs the profile's required node affinity into each of the pod's terms and appends its preferred terms",
		pod: func(p *corev1.Pod) {
			p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{
					{MatchExpressions: []corev1.NodeSelectorRequirement{zone("a")}},
					{MatchExpressions: []corev1.NodeSelectorRequirement{zone("b")}}}}}}
		},
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Placement.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution:  &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{amdTerm}}}},
				PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{{Weight: 10, Preference: corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{amdTerm}}}},
			}}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			want := &corev1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{
					{MatchExpressions: []corev1.NodeSelectorRequirement{zone("a"), amdTerm}},
					{MatchExpressions: []corev1.NodeSelectorRequirement{zone("b"), amdTerm}}}},
				PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{{Weight: 10, Preference: corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{amdTerm}}}},
			}
			if diff := cmp.Diff(want, pod.Spec.Affinity.NodeAffinity); diff != "" {
				t.Error(diff)
			}
		},
	}, {
		name: "gives a pod without node affinity the profile's",
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Placement.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{amdTerm}}}}}}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			want := &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{amdTerm}}}}
			if diff := cmp.Diff(want, pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution); diff != "" {
				t.Error(diff)
			}
		},
	}})
}

func TestRewriteShm(t *testing.T) {
	runCases(t, []rewriteCase{{
		name: "adds a memory-backed /dev/shm of the profile's size when the pod has none",
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			want := corev1.Volume{Name: ShmVolumeName, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory, SizeLimit: ptr.To(qty("16Gi"))}}}
			if diff := cmp.Diff([]corev1.Volume{want}, pod.Spec.Volumes); diff != "" {
				t.Error(diff)
			}
			if diff := cmp.Diff([]corev1.VolumeMount{{Name: ShmVolumeName, MountPath: "/dev/shm"}}, vllmOf(pod).VolumeMounts); diff != "" {
				t.Error(diff)
			}
			if s := statusOf(t, pod); !slices.Equal(s.InjectedVolumes, []string{ShmVolumeName}) {
				t.Errorf("status injectedVolumes %v", s.InjectedVolumes)
			}
		},
	}, {
		name: "names the added /dev/shm volume so it does not collide with the pod's",
		pod: func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: ShmVolumeName, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if len(pod.Spec.Volumes) != 2 || pod.Spec.Volumes[1].Name != ShmVolumeName+"-2" || vllmOf(pod).VolumeMounts[0].Name != ShmVolumeName+"-2" {
				t.Errorf("volumes %v mounts %v", pod.Spec.Volumes, vllmOf(pod).VolumeMounts)
			}
		},
	}, {
		name: "reuses the pod's /dev/shm and grows its size limit to the profile's",
		pod:  func(p *corev1.Pod) { withShm(p, corev1.StorageMediumMemory, ptr.To(qty("2Gi"))) },
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			assertShm(t, pod, corev1.StorageMediumMemory, ptr.To(qty("16Gi")))
			if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "size limit 2Gi raised to 16Gi") {
				t.Errorf("notes %v", r.Notes)
			}
		},
	}, {
		name: "keeps a larger /dev/shm as it is",
		pod:  func(p *corev1.Pod) { withShm(p, corev1.StorageMediumMemory, ptr.To(qty("32Gi"))) },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			assertShm(t, pod, corev1.StorageMediumMemory, ptr.To(qty("32Gi")))
		},
	}, {
		name: "keeps a memory /dev/shm without a limit unlimited (the pod's memory limit sizes it)",
		pod:  func(p *corev1.Pod) { withShm(p, corev1.StorageMediumMemory, nil) },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			assertShm(t, pod, corev1.StorageMediumMemory, nil)
		},
	}, {
		name: "makes a disk-backed /dev/shm memory-backed, with the profile's size",
		pod:  func(p *corev1.Pod) { withShm(p, corev1.StorageMediumDefault, nil) },
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			assertShm(t, pod, corev1.StorageMediumMemory, ptr.To(qty("16Gi")))
		},
	}, {
		name: "leaves a hostPath /dev/shm as the pod's choice, without adding another",
		pod: func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "dshm", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/dev/shm"}}}}
			vllmOf(p).VolumeMounts = []corev1.VolumeMount{{Name: "dshm", MountPath: "/dev/shm"}}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if len(pod.Spec.Volumes) != 1 || pod.Spec.Volumes[0].HostPath == nil || len(vllmOf(pod).VolumeMounts) != 1 {
				t.Errorf("volumes %v mounts %v", pod.Spec.Volumes, vllmOf(pod).VolumeMounts)
			}
		},
	}})
}

func withShm(p *corev1.Pod, medium corev1.StorageMedium, limit *resource.Quantity) {
	p.Spec.Volumes = []corev1.Volume{{Name: "dshm", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: medium, SizeLimit: limit}}}}
	vllmOf(p).VolumeMounts = []corev1.VolumeMount{{Name: "dshm", MountPath: "/dev/shm"}}
}

func assertShm(t *testing.T, pod *corev1.Pod, medium corev1.StorageMedium, limit *resource.Quantity) {
	t.Helper()
	want := []corev1.Volume{{Name: "dshm", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: medium, SizeLimit: limit}}}}
	if diff := cmp.Diff(want, pod.Spec.Volumes); diff != "" {
		t.Errorf("volumes (exactly one /dev/shm):\n%s", diff)
	}
	if diff := cmp.Diff([]corev1.VolumeMount{{Name: "dshm", MountPath: "/dev/shm"}}, vllmOf(pod).VolumeMounts); diff != "" {
		t.Errorf("mounts:\n%s", diff)
	}
}

func TestRewriteMetadata(t *testing.T) {
	runCases(t, []rewriteCase{{
		name: "keeps labels and points kubectl's default container at the vLLM container",
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if diff := cmp.Diff(map[string]string{"model": "llama3"}, pod.Labels); diff != "" {
				t.Error(diff)
			}
			if got := pod.Annotations["kubectl.kubernetes.io/default-container"]; got != "vllm" {
				t.Errorf("default-container %q", got)
			}
		},
	}, {
		name: "keeps a default-container annotation the pod already has",
		pod: func(p *corev1.Pod) {
			p.Annotations = map[string]string{"kubectl.kubernetes.io/default-container": "other"}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if got := pod.Annotations["kubectl.kubernetes.io/default-container"]; got != "other" {
				t.Errorf("default-container %q", got)
			}
		},
	}, {
		name: "records what it did in the status annotation",
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			s := statusOf(t, pod)
			orig := testPod().Spec.Containers[0]
			want := Status{Profile: "test", Container: "vllm", OriginalImage: orig.Image, OriginalCommand: orig.Command,
				InjectedContainers: []string{"sglang-proxy"}, InjectedVolumes: []string{ShmVolumeName}, ServingPort: 8000, SGLangPort: 8001,
				SGLangVersion: "0.5.9", SGLangVersionSource: "image tag"}
			if diff := cmp.Diff(want, s, cmpIgnoreFlagLists); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
			if !slices.Contains(s.Changed, "--max-model-len") {
				t.Errorf("changed %v lacks --max-model-len", s.Changed)
			}
		},
	}, {
		name: "lists dropped flags in the status annotation",
		pod:  func(p *corev1.Pod) { vllmOf(p).Command = append(vllmOf(p).Command, "--disable-log-stats") },
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			s := statusOf(t, pod)
			var dropped []string
			for _, f := range r.Findings {
				if f.Action == argv.Dropped {
					dropped = append(dropped, f.Flag)
				}
			}
			if len(dropped) == 0 || !slices.Equal(s.Dropped, dropped) {
				t.Errorf("status dropped %v, report dropped %v", s.Dropped, dropped)
			}
		},
	}})
}

var cmpIgnoreFlagLists = cmp.FilterPath(func(p cmp.Path) bool {
	s := p.String()
	return s == "Dropped" || s == "Changed"
}, cmp.Ignore())

func TestRewriteIsIdempotent(t *testing.T) {
	pod, prof := testPod(), testProfile()
	mustRewrite(t, pod, prof)
	once := pod.DeepCopy()
	r, err := run(t, pod, prof)
	if err != nil || r.Outcome != Skipped || r.SkipReason != SkipAlreadyRewritten {
		t.Fatalf("second Rewrite() = %+v, %v; want skipped already-rewritten", r, err)
	}
	if diff := cmp.Diff(once, pod); diff != "" {
		t.Errorf("second rewrite changed the pod:\n%s", diff)
	}
	if s, ok, err := ReadStatus(&pod.ObjectMeta); !ok || err != nil || s.Container != "vllm" {
		t.Errorf("ReadStatus() = %+v, %v, %v", s, ok, err)
	}
}

func TestRewriteSkips(t *testing.T) {
	cases := map[string]struct {
		pod        func(*corev1.Pod)
		wantReason SkipReason
		wantDetail string
	}{
		"leaves a pod with no vLLM container alone": {
			pod:        func(p *corev1.Pod) { vllmOf(p).Command = []string{"python3", "-m", "http.server"} },
			wantReason: SkipNoVLLMContainer,
		},
		"leaves a CPU-only vLLM pod alone": {
			pod:        func(p *corev1.Pod) { vllmOf(p).Resources = corev1.ResourceRequirements{} },
			wantReason: SkipNoGPU,
		},
		"leaves a pod whose GPU another container requests alone": {
			pod: func(p *corev1.Pod) {
				p.Spec.Containers = append(p.Spec.Containers, sidecar())
				vllmOf(p).Resources = corev1.ResourceRequirements{}
			},
			wantReason: SkipNoGPU,
		},
		"leaves a pod with two vLLM containers alone": {
			pod: func(p *corev1.Pod) {
				second := *vllmOf(p).DeepCopy()
				second.Name = "vllm-2"
				p.Spec.Containers = append(p.Spec.Containers, second)
			},
			wantReason: SkipMultipleVLLMContainers,
			wantDetail: `containers "vllm", "vllm-2"`,
		},
		"leaves a LeaderWorkerSet pod alone": {
			pod: func(p *corev1.Pod) {
				p.Labels["leaderworkerset.sigs.k8s.io/name"] = "ds"
				p.Annotations = map[string]string{"leaderworkerset.sigs.k8s.io/size": "2"}
			},
			wantReason: SkipMultiNode,
			wantDetail: "LeaderWorkerSet",
		},
		"leaves a KubeRay pod alone": {
			pod:        func(p *corev1.Pod) { p.Labels["ray.io/node-type"] = "worker" },
			wantReason: SkipMultiNode,
			wantDetail: "Ray",
		},
		"leaves a container that joins a Ray cluster alone": {
			pod: func(p *corev1.Pod) {
				vllmOf(p).Env = append(vllmOf(p).Env, corev1.EnvVar{Name: "RAY_ADDRESS", Value: "ray-head:6379"})
			},
			wantReason: SkipMultiNode,
			wantDetail: "RAY_ADDRESS",
		},
		"leaves a headless vLLM node alone": {
			pod:        func(p *corev1.Pod) { vllmOf(p).Command = append(vllmOf(p).Command, "--headless") },
			wantReason: SkipMultiNode,
		},
		"leaves a pod that opted out alone": {
			pod:        func(p *corev1.Pod) { p.Labels[v1alpha1.LabelRewrite] = v1alpha1.LabelRewriteDisabled },
			wantReason: SkipOptedOut,
		},
		"leaves a mirror pod alone": {
			pod:        func(p *corev1.Pod) { p.Annotations = map[string]string{"kubernetes.io/config.mirror": "abc"} },
			wantReason: SkipMirrorPod,
		},
		"leaves a host-network pod alone that serves vLLM on the profile's SGLang port for the node (profile says Warn)": {
			pod: func(p *corev1.Pod) {
				p.Spec.HostNetwork = true
				vllmOf(p).Command[6] = "28000"
			},
			wantReason: SkipHostNetwork,
			wantDetail: "is vLLM's serving port",
		},
		"leaves a pod that already has an sglang-proxy container but no status alone": {
			pod: func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "sglang-proxy", Image: "mine"}}
			},
			wantReason: SkipProxyNameTaken,
		},
		"leaves a pod whose vLLM port is only known at run time alone (profile says Warn)": {
			pod:        func(p *corev1.Pod) { vllmOf(p).Command[6] = "$(PORT)" },
			wantReason: SkipUntranslatable,
			wantDetail: "--port is only known at run time",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			pod := testPod()
			tc.pod(pod)
			before := pod.DeepCopy()
			r, err := run(t, pod, testProfile())
			if err != nil {
				t.Fatalf("Rewrite() error = %v", err)
			}
			if r.Outcome != Skipped || r.SkipReason != tc.wantReason {
				t.Fatalf("Rewrite() = %s/%s (%s), want skipped/%s", r.Outcome, r.SkipReason, r.Detail, tc.wantReason)
			}
			if !strings.Contains(r.Detail, tc.wantDetail) {
				t.Errorf("detail %q does not contain %q", r.Detail, tc.wantDetail)
			}
			if diff := cmp.Diff(before, pod); diff != "" {
				t.Errorf("a skipped pod changed:\n%s", diff)
			}
			// Skip is Rewrite's first step: it agrees on every reason the
			// profile's policy does not decide, and leaves the rest to
			// Rewrite.
			reason, detail := Skip(&pod.ObjectMeta, &pod.Spec, &testProfile().GPU)
			wantReason, wantDetail := r.SkipReason, r.Detail
			if r.SkipReason == SkipUntranslatable || r.SkipReason == SkipHostNetwork {
				wantReason, wantDetail = "", ""
			}
			if reason != wantReason || detail != wantDetail {
				t.Errorf("Skip() = %q (%s), want %q (%s)", reason, detail, wantReason, wantDetail)
			}
			if diff := cmp.Diff(before, pod); diff != "" {
				t.Errorf("Skip changed the pod:\n%s", diff)
			}
		})
	}

	t.Run("Skip leaves a pod the profile decides on to Rewrite", func(t *testing.T) {
		pod := testPod()
		if reason, detail := Skip(&pod.ObjectMeta, &pod.Spec, &testProfile().GPU); reason != "" {
			t.Errorf("Skip() = %q (%s) for a pod Rewrite rewrites", reason, detail)
		}
	})

	t.Run("rewrites a LeaderWorkerSet group of one pod", func(t *testing.T) {
		pod := testPod()
		pod.Labels["leaderworkerset.sigs.k8s.io/name"] = "single"
		pod.Annotations = map[string]string{"leaderworkerset.sigs.k8s.io/size": "1"}
		mustRewrite(t, pod, testProfile())
	})

	t.Run("every skip reason has a sentence", func(t *testing.T) {
		for _, r := range SkipReasons() {
			if r.Sentence() == string(r) || r.Sentence() == "" {
				t.Errorf("%s has no sentence", r)
			}
		}
	})
}

func TestRewriteRejects(t *testing.T) {
	t.Run("refuses a flag the profile rejects and leaves the pod unchanged", func(t *testing.T) {
		pod, prof := testPod(), testProfile()
		prof.Args.Overrides = []v1alpha1.FlagOverride{{Flag: "--max-model-len", Action: v1alpha1.FlagReject}}
		before := pod.DeepCopy()
		_, err := run(t, pod, prof)
		var rejected *RejectedError
		if !errors.As(err, &rejected) {
			t.Fatalf("Rewrite() error = %v, want a *RejectedError", err)
		}
		if rejected.Container != "vllm" || len(rejected.Findings) != 1 || rejected.Findings[0].Flag != "--max-model-len" {
			t.Errorf("rejection %+v", rejected)
		}
		if !strings.Contains(err.Error(), `container "vllm"`) || !strings.Contains(err.Error(), "--max-model-len=4096 rejected") {
			t.Errorf("message %q", err)
		}
		if diff := cmp.Diff(before, pod); diff != "" {
			t.Errorf("a rejected pod changed:\n%s", diff)
		}
	})

	t.Run("refuses a command it cannot translate when the profile says Reject", func(t *testing.T) {
		pod, prof := testPod(), testProfile()
		vllmOf(pod).Command[6] = "$(PORT)"
		prof.Args.UnsafeFlags = v1alpha1.UnsafeFlagReject
		_, err := run(t, pod, prof)
		var rejected *RejectedError
		if !errors.As(err, &rejected) || !strings.Contains(err.Error(), "--port is only known at run time") {
			t.Fatalf("Rewrite() error = %v, want a rejection naming the port", err)
		}
	})

	t.Run("defaults a profile that was not defaulted, on a copy", func(t *testing.T) {
		pod := testPod()
		prof := &v1alpha1.SGLangProfileSpec{Image: "example.com/sglang:v0.5.9-rocm"}
		r, err := run(t, pod, prof)
		if err != nil || r.Outcome != Rewritten {
			t.Fatalf("Rewrite() = %+v, %v", r, err)
		}
		if prof.ShmSize != nil || prof.GPU.ResourceName != "" {
			t.Error("the caller's profile was changed")
		}
		if q := vllmOf(pod).Resources.Limits["amd.com/gpu"]; q.Value() != 1 {
			t.Errorf("limits %v: the default GPU resource was not used", vllmOf(pod).Resources.Limits)
		}
	})

	t.Run("fails without a proxy image, leaving the pod unchanged", func(t *testing.T) {
		pod := testPod()
		_, err := Rewrite(&pod.ObjectMeta, &pod.Spec, testProfile(), Options{})
		if !errors.Is(err, ErrNoProxyImage) {
			t.Errorf("Rewrite() error = %v, want ErrNoProxyImage", err)
		}
		if diff := cmp.Diff(testPod(), pod); diff != "" {
			t.Errorf("the pod changed (-before +after):\n%s", diff)
		}
	})

	t.Run("skips a pod it would leave alone even without a proxy image", func(t *testing.T) {
		pod := testPod()
		vllmOf(pod).Resources = corev1.ResourceRequirements{}
		r, err := Rewrite(&pod.ObjectMeta, &pod.Spec, testProfile(), Options{})
		if err != nil || r.Outcome != Skipped || r.SkipReason != SkipNoGPU {
			t.Errorf("Rewrite() = %+v, %v, want skipped for no-gpu", r, err)
		}
	})
}

func TestRewriteTranslatesForTheProfilesRelease(t *testing.T) {
	newest := sglang.Newest().Version().String()
	runCases(t, []rewriteCase{{
		name: "drops a flag the image's release lacks, naming the release",
		pod:  func(p *corev1.Pod) { vllmOf(p).Command = append(vllmOf(p).Command, "-dcp", "2") },
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			if slices.Contains(vllmOf(pod).Args, "--dcp-size") {
				t.Errorf("SGLang 0.5.9 has no --dcp-size, yet it was emitted: %q", vllmOf(pod).Args)
			}
			if !slices.ContainsFunc(r.Warnings(), func(w string) bool {
				return strings.Contains(w, "--decode-context-parallel-size=2 dropped: SGLang 0.5.9 has no --dcp-size; it came in a later release")
			}) {
				t.Errorf("warnings %q do not name the release", r.Warnings())
			}
		},
	}, {
		name:    "emits the flag on a release that has it, named by spec.sglangVersion",
		pod:     func(p *corev1.Pod) { vllmOf(p).Command = append(vllmOf(p).Command, "-dcp", "2") },
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.SGLangVersion = newest },
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			if i := slices.Index(vllmOf(pod).Args, "--dcp-size"); i < 0 || i+1 == len(vllmOf(pod).Args) || vllmOf(pod).Args[i+1] != "2" {
				t.Errorf("args %q lack --dcp-size 2", vllmOf(pod).Args)
			}
			s := statusOf(t, pod)
			if s.SGLangVersion != newest || s.SGLangVersionSource != "spec.sglangVersion" || s.SGLangCatalog != "" {
				t.Errorf("status records release %q from %q (catalog %q)", s.SGLangVersion, s.SGLangVersionSource, s.SGLangCatalog)
			}
		},
	}, {
		name:    "warns on every pod when the profile's image is pinned by digest alone, and uses the oldest release",
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.Image = "example.com/sglang@sha256:" + strings.Repeat("0", 64) },
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			s := statusOf(t, pod)
			oldest := sglang.Oldest().Version().String()
			if s.SGLangVersion != oldest || s.SGLangVersionSource != "fallback" {
				t.Errorf("status records release %q from %q", s.SGLangVersion, s.SGLangVersionSource)
			}
			if !slices.ContainsFunc(r.Warnings(), func(w string) bool { return strings.Contains(w, "using the oldest supported release") }) {
				t.Errorf("warnings %q do not say the release was not known", r.Warnings())
			}
		},
	}, {
		name:    "records the catalog used for a release newer than every catalog",
		profile: func(s *v1alpha1.SGLangProfileSpec) { s.SGLangVersion = "99.0.0" },
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			s := statusOf(t, pod)
			if s.SGLangVersion != "99.0.0" || s.SGLangCatalog != newest {
				t.Errorf("status records release %q checked against %q", s.SGLangVersion, s.SGLangCatalog)
			}
		},
	}})

	t.Run("refuses a pod whose profile runs a release older than every supported one", func(t *testing.T) {
		pod, prof := testPod(), testProfile()
		prof.Image = "lmsysorg/sglang:v0.4.6.post1-rocm630"
		_, err := run(t, pod, prof)
		if err == nil || !strings.Contains(err.Error(), "supported releases: "+sglang.Supported()) {
			t.Fatalf("Rewrite() error = %v, want one listing the supported releases", err)
		}
		if diff := cmp.Diff(testPod(), pod); diff != "" {
			t.Errorf("the pod changed (-before +after):\n%s", diff)
		}
	})
}

func TestRewriteTranslatesAtStartWhatItCannotRead(t *testing.T) {
	atStart := func(p *corev1.Pod) {
		c := vllmOf(p)
		c.Command = []string{"/bin/bash", "-c", `eval "exec vllm serve /mnt/models --port 8000 ${VLLM_ADDITIONAL_ARGS} $@"`, "--"}
	}
	runCases(t, []rewriteCase{{
		name: "routes the script's vLLM command through the launcher and keeps the rest",
		pod:  atStart,
		check: func(t *testing.T, pod *corev1.Pod, r *Report) {
			c := vllmOf(pod)
			want := `eval "exec ` + LauncherPath + ` launch --host 127.0.0.1 --port 8001 -- vllm serve /mnt/models --port 8000 ${VLLM_ADDITIONAL_ARGS} $@"`
			if len(c.Command) != 4 || c.Command[2] != want || c.Args != nil {
				t.Errorf("command %q, want the script %q", c.Command, want)
			}
			if c.Image != testProfile().Image {
				t.Errorf("image %q", c.Image)
			}
			if !slices.ContainsFunc(r.Warnings(), func(w string) bool { return strings.Contains(w, "vllm-to-sglang launch translates it then") }) {
				t.Errorf("warnings %q do not say the command is translated at start", r.Warnings())
			}
			if s := statusOf(t, pod); !s.TranslatedAtStart || !slices.Contains(s.InjectedContainers, LauncherInstallName) ||
				!slices.Contains(s.InjectedVolumes, LauncherVolumeName) || s.ServingPort != 8000 || s.SGLangPort != 8001 {
				t.Errorf("status %+v", s)
			}
		},
	}, {
		name: "installs the launcher from the project's image into an emptyDir the container mounts read-only",
		pod:  atStart,
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			i := slices.IndexFunc(pod.Spec.InitContainers, func(c corev1.Container) bool { return c.Name == LauncherInstallName })
			if i < 0 || i > slices.IndexFunc(pod.Spec.InitContainers, func(c corev1.Container) bool { return c.Name == v1alpha1.ProxyContainerName }) {
				t.Fatalf("init containers %v: the launcher install must come first", pod.Spec.InitContainers)
			}
			install := pod.Spec.InitContainers[i]
			if install.Image != testProxyImage || !slices.Equal(install.Command, []string{LauncherCommand, "launch", "--install", LauncherDir}) ||
				install.RestartPolicy != nil {
				t.Errorf("install container %+v", install)
			}
			if !slices.ContainsFunc(vllmOf(pod).VolumeMounts, func(m corev1.VolumeMount) bool {
				return m.Name == LauncherVolumeName && m.MountPath == LauncherDir && m.ReadOnly
			}) {
				t.Errorf("mounts %+v", vllmOf(pod).VolumeMounts)
			}
			if !slices.ContainsFunc(pod.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == LauncherVolumeName && v.EmptyDir != nil }) {
				t.Errorf("volumes %+v", pod.Spec.Volumes)
			}
		},
	}, {
		name: "gives the launcher the profile in the environment, as a document it reads back",
		pod:  atStart,
		profile: func(s *v1alpha1.SGLangProfileSpec) {
			s.Args.Extra = []string{"--enable-torch-compile"}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			i := slices.IndexFunc(vllmOf(pod).Env, func(e corev1.EnvVar) bool { return e.Name == EnvProfile })
			if i < 0 {
				t.Fatalf("env %+v lacks %s", vllmOf(pod).Env, EnvProfile)
			}
			var p v1alpha1.SGLangProfile
			if err := json.Unmarshal([]byte(vllmOf(pod).Env[i].Value), &p); err != nil {
				t.Fatal(err)
			}
			if p.Name != "test" || p.Kind != "SGLangProfile" || !slices.Equal(p.Spec.Args.Extra, []string{"--enable-torch-compile"}) {
				t.Errorf("profile %+v", p)
			}
		},
	}, {
		name: "takes the serving port the container declares when the script writes none",
		pod: func(p *corev1.Pod) {
			vllmOf(p).Command = []string{"sh", "-c", "exec vllm serve m $ARGS"}
			vllmOf(p).Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: 9000}}
		},
		check: func(t *testing.T, pod *corev1.Pod, _ *Report) {
			if s := statusOf(t, pod); s.ServingPort != 9000 {
				t.Errorf("serving port %d, want the declared 9000", s.ServingPort)
			}
			if !strings.Contains(vllmOf(pod).Command[2], "launch --host 127.0.0.1 --port 9001 --") {
				t.Errorf("command %q", vllmOf(pod).Command)
			}
		},
	}})

	t.Run("leaves the pod alone when the launcher's volume name is taken", func(t *testing.T) {
		pod, prof := testPod(), testProfile()
		atStart(pod)
		pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: LauncherVolumeName})
		r, err := run(t, pod, prof)
		if err != nil || r.Outcome != Skipped || r.SkipReason != SkipUntranslatable || !strings.Contains(r.Detail, LauncherVolumeName) {
			t.Fatalf("Rewrite() = %+v, %v", r, err)
		}
	})
}

func TestImpliedPullPolicy(t *testing.T) {
	cases := map[string]struct {
		image string
		want  corev1.PullPolicy
	}{
		"a :latest image is pulled always":                             {"vllm/vllm-openai:latest", corev1.PullAlways},
		"an image without tag or digest is pulled always":              {"vllm/vllm-openai", corev1.PullAlways},
		"an image on a registry with a port and no tag":                {"registry.local:5000/vllm", corev1.PullAlways},
		"a pinned tag is pulled if not present":                        {"vllm/vllm-openai:v0.10.1", corev1.PullIfNotPresent},
		"a registry with a port and a pinned tag":                      {"registry.local:5000/vllm:v1", corev1.PullIfNotPresent},
		"a digest without tag is pulled if not present":                {"vllm/vllm-openai@sha256:" + strings.Repeat("a", 64), corev1.PullIfNotPresent},
		"a :latest tag with a digest is still pulled always":           {"vllm/vllm-openai:latest@sha256:" + strings.Repeat("a", 64), corev1.PullAlways},
		"a name that does not parse is treated as pinned, as k8s does": {"Not A Valid/Image", corev1.PullIfNotPresent},
		"an empty image is treated as pinned, as k8s does":             {"", corev1.PullIfNotPresent},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := impliedPullPolicy(tc.image); got != tc.want {
				t.Errorf("impliedPullPolicy(%q) = %s, want %s", tc.image, got, tc.want)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	t.Run("lists every dropped and approximated flag and every note, one line each", func(t *testing.T) {
		r := &Report{Outcome: Rewritten, Container: "vllm",
			Findings: []argv.Finding{
				{Flag: "--enable-auto-tool-choice", Action: argv.Translated, Reason: "SGLang always enables tool calling"},
				{Flag: "--config-format", Value: "mistral", Action: argv.Dropped, Reason: "SGLang reads the model's config"},
				{Flag: "--gpu-memory-utilization", Value: "0.9", Action: argv.Approximated, Emitted: []string{"--mem-fraction-static", "0.83"}, Reason: "different meaning"},
			},
			Notes: []string{"resource nvidia.com/gpumem removed: amd.com/gpu has no equivalent"}}
		want := []string{
			`container "vllm": --config-format=mistral dropped: SGLang reads the model's config`,
			`container "vllm": --gpu-memory-utilization=0.9 approximated as --mem-fraction-static 0.83: different meaning`,
			`container "vllm": resource nvidia.com/gpumem removed: amd.com/gpu has no equivalent`,
		}
		if diff := cmp.Diff(want, r.Warnings()); diff != "" {
			t.Error(diff)
		}
	})

	t.Run("says why a pod it could not translate was left alone", func(t *testing.T) {
		r := &Report{Outcome: Skipped, SkipReason: SkipUntranslatable, Container: "vllm", Detail: "vLLM's --port is only known at run time"}
		w := r.Warnings()
		if len(w) != 1 || !strings.Contains(w[0], `container "vllm" not rewritten`) || !strings.Contains(w[0], "--port") {
			t.Errorf("warnings %v", w)
		}
	})

	t.Run("has nothing to say about other skips", func(t *testing.T) {
		if w := (&Report{Outcome: Skipped, SkipReason: SkipNoGPU}).Warnings(); w != nil {
			t.Errorf("warnings %v", w)
		}
	})
}
