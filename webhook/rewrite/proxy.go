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
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/argv"
)

const (
	// ProxyCommand is the proxy binary in the project's image.
	ProxyCommand = "/proxy"
	// ProxyUID runs the proxy as the distroless nonroot user.
	ProxyUID int64 = 65532
	// sglangHost is where SGLang listens: loopback only, so its admin
	// endpoints are reachable through the proxy's allow-list alone.
	sglangHost = "127.0.0.1"
	// DefaultShutdownGrace is the proxy's --shutdown-grace, in seconds, for a
	// pod that sets no terminationGracePeriodSeconds: the grace period the
	// API server gives such a pod.
	DefaultShutdownGrace int64 = corev1.DefaultTerminationGracePeriodSeconds
)

// DefaultProxyResources are the proxy's requests and limits when the profile
// sets none: small requests, and a memory limit from the proxy's measured
// worst case at its default limits (docs/proxy.md, "Limits and hostile
// input": about 350 MiB with every connection of the costliest kind, the
// body budget full and a scrape at the exposition limit, under the Go soft
// limit of 80% of 512 MiB). No CPU limit: throttling a proxy adds latency
// to every token.
func DefaultProxyResources() corev1.ResourceRequirements {
	return *defaultProxyResources.DeepCopy()
}

// defaultProxyResources is parsed once; callers get copies.
var defaultProxyResources = corev1.ResourceRequirements{
	Requests: corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("100m"),
		corev1.ResourceMemory: resource.MustParse("64Mi"),
	},
	Limits: corev1.ResourceList{
		corev1.ResourceMemory: resource.MustParse("512Mi"),
	},
}

// proxyMaxBodyBytes is the proxy's --max-body-bytes default.
const proxyMaxBodyBytes = 32 << 20

// proxyResources are the profile's proxy resources, else the defaults with
// the memory limit raised by twice what a profile's maxBodyBytes adds to
// the proxy's default: the proxy holds up to twice --max-body-bytes of
// request bodies by default (a body and its filtered copy).
func proxyResources(p *v1alpha1.ProxySpec) corev1.ResourceRequirements {
	if p.Resources != nil {
		return *p.Resources.DeepCopy()
	}
	r := DefaultProxyResources()
	if extra := ptr.Deref(p.MaxBodyBytes, 0) - proxyMaxBodyBytes; extra > 0 {
		limit := r.Limits[corev1.ResourceMemory]
		limit.Add(*resource.NewQuantity(2*extra, resource.BinarySI))
		r.Limits[corev1.ResourceMemory] = limit
	}
	return r
}

// proxyStartupProbe holds the containers after the proxy (in a native
// sidecar's case, the SGLang container) until it listens: a TCP check, since
// its /health reports SGLang, which cannot be up before it starts.
func proxyStartupProbe(port int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:     corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(port)}},
		PeriodSeconds:    1,
		TimeoutSeconds:   1,
		FailureThreshold: 30,
	}
}

// proxyContainer builds the sglang-proxy native sidecar: an init container
// with restartPolicy Always, listening on the vLLM port (which it owns, name
// included) and forwarding to SGLang on loopback. Its security context passes
// Pod Security "restricted" whatever the pod sets.
func proxyContainer(p *v1alpha1.ProxySpec, image string, serving corev1.ContainerPort, sglangPort int32, grace *int64, strip []string, apis managementAPIs) corev1.Container {
	return corev1.Container{
		Name:                     v1alpha1.ProxyContainerName,
		Image:                    image,
		ImagePullPolicy:          p.ImagePullPolicy,
		Command:                  []string{ProxyCommand},
		Args:                     proxyArgs(p, serving.ContainerPort, sglangPort, grace, strip, apis),
		Ports:                    []corev1.ContainerPort{serving},
		Resources:                proxyResources(p),
		RestartPolicy:            ptr.To(corev1.ContainerRestartPolicyAlways),
		StartupProbe:             proxyStartupProbe(serving.ContainerPort),
		TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
		SecurityContext:          restrictedSecurityContext(),
	}
}

func restrictedSecurityContext() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr.To(false),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		Privileged:               ptr.To(false),
		ReadOnlyRootFilesystem:   ptr.To(true),
		RunAsNonRoot:             ptr.To(true),
		RunAsUser:                ptr.To(ProxyUID),
		RunAsGroup:               ptr.To(ProxyUID),
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// proxyArgs spells every setting out in the proxy's flag vocabulary, so the
// pod documents itself and does not depend on the proxy's defaults: the
// strip list too (stripParams decides it), empty when nothing is stripped.
// The shutdown grace is the pod's termination grace period, or the API
// server's default for it, so a pod rewritten before (the CLI) and after
// (the webhook) the API server's defaulting gets the same flag. The
// management endpoints are those the vLLM pod enabled (managementAPIs).
func proxyArgs(p *v1alpha1.ProxySpec, listen, sglangPort int32, grace *int64, strip []string, apis managementAPIs) []string {
	h := &p.Health
	args := []string{
		"--listen=:" + strconv.Itoa(int(listen)),
		fmt.Sprintf("--upstream=http://%s:%d", sglangHost, sglangPort),
		"--health-path=" + h.Path,
		"--health-interval=" + durationOr(h.Interval, v1alpha1.DefaultHealthInterval).String(),
		"--health-timeout=" + durationOr(h.Timeout, v1alpha1.DefaultHealthTimeout).String(),
		"--health-fall=" + strconv.Itoa(int(h.Fall)),
		"--health-rise=" + strconv.Itoa(int(h.Rise)),
		"--metrics-mode=" + string(p.MetricsMode),
		"--fix-tool-schemas=" + strconv.FormatBool(ptr.Deref(p.FixToolSchemas, v1alpha1.DefaultFixToolSchemas)),
		"--strip-params=" + strings.Join(strip, ","),
	}
	for _, path := range p.AllowPaths {
		args = append(args, "--allow-path="+path)
	}
	if p.MaxBodyBytes != nil {
		args = append(args, "--max-body-bytes="+strconv.FormatInt(*p.MaxBodyBytes, 10))
	}
	args = append(args,
		"--lora-api="+strconv.FormatBool(apis.lora),
		"--sleep-api="+strconv.FormatBool(apis.sleep),
		"--reset-prefix-cache-api="+strconv.FormatBool(apis.resetPrefixCache))
	return append(args, fmt.Sprintf("--shutdown-grace=%ds", ptr.Deref(grace, DefaultShutdownGrace)))
}

// managementAPIs are the vLLM management endpoints the proxy serves: those
// the vLLM pod mounted (vLLM mounts them only when asked, and they are
// meant for development; docs/proxy.md):
//   - lora: POST /v1/load_lora_adapter and /v1/unload_lora_adapter, which
//     VLLM_ALLOW_RUNTIME_LORA_UPDATING mounts;
//   - sleep: /sleep, /wake_up, /is_sleeping, which VLLM_SERVER_DEV_MODE
//     mounts and --enable-sleep-mode makes work (the flag SGLang's memory
//     saver comes from);
//   - resetPrefixCache: POST /reset_prefix_cache, which VLLM_SERVER_DEV_MODE
//     mounts.
type managementAPIs struct {
	lora, sleep, resetPrefixCache bool
}

// managementAPIsOf reads the vLLM container's environment and command.
// What cannot be read at admission counts as off, so the proxy never
// exposes an endpoint vLLM might not have had: a switch whose value comes
// from a Secret, ConfigMap or field (valueFrom) or refers to another
// variable, one set through envFrom (not seen), and, for a command
// translated at start, --enable-sleep-mode. The notes say which endpoint
// stays off and why.
func managementAPIsOf(c *corev1.Container, inv *argv.Invocation, atStart bool) (apis managementAPIs, notes []string) {
	lora, loraKnown := envSwitch(c.Env, argv.EnvRuntimeLoRAUpdating, argv.RuntimeLoRAUpdating)
	dev, devKnown := envSwitch(c.Env, argv.EnvServerDevMode, argv.ServerDevMode)
	apis.lora, apis.resetPrefixCache = lora, dev
	if dev {
		apis.sleep = !atStart && sleepModeOn(inv)
		if atStart {
			notes = append(notes, argv.EnvServerDevMode+" is on, but vLLM's /sleep, /wake_up and /is_sleeping are not served: "+
				"they need --enable-sleep-mode, and the command is only read when the container starts")
		}
	}
	unknown := func(name, what string) string {
		return fmt.Sprintf("%s is only known at run time, so the proxy does not serve %s (an endpoint vLLM may not have had)", name, what)
	}
	if !loraKnown {
		notes = append(notes, unknown(argv.EnvRuntimeLoRAUpdating, "/v1/load_lora_adapter and /v1/unload_lora_adapter"))
	}
	if !devKnown {
		notes = append(notes, unknown(argv.EnvServerDevMode, "/sleep, /wake_up, /is_sleeping and /reset_prefix_cache"))
	}
	return apis, notes
}

// envSwitch reads the last value the container's env gives name (the
// kubelet keeps the last) with vLLM's reading of it; known is false when
// that value is only known at run time.
func envSwitch(env []corev1.EnvVar, name string, read func(string) bool) (on, known bool) {
	on, known = false, true
	for _, e := range env {
		if e.Name != name {
			continue
		}
		if e.ValueFrom != nil || strings.Contains(e.Value, "$(") {
			on, known = false, false
			continue
		}
		on, known = read(e.Value), true
	}
	return on, known
}

// sleepModeOn reports whether vLLM's last --enable-sleep-mode is on.
func sleepModeOn(inv *argv.Invocation) bool {
	if inv == nil {
		return false
	}
	a, ok := inv.Flag("--enable-sleep-mode")
	return ok && !a.Negated
}

// mistralToolCallParser is SGLang's --tool-call-parser for Mistral models,
// the one reported to answer 422 to logprobs on chat requests with tools
// (docs/request-filters.md says what was checked of that report).
const mistralToolCallParser = "mistral"

// mistralStripParams is what the proxy strips from chat requests for a
// SGLang running mistralToolCallParser: the proxy's own default list.
func mistralStripParams() []string { return []string{"logprobs", "top_logprobs"} }

// stripNote is the report's note when the strip list comes from the parser.
var stripNote = "the proxy strips " + strings.Join(mistralStripParams(), " and ") +
	" from chat completion requests, because SGLang's " + mistralToolCallParser +
	" tool-call parser was reported to reject them with 422, so clients get no logprobs (the profile's proxy.stripParams overrides this)"

// stripParams decides the proxy's --strip-params. A list the profile sets
// wins, an empty one included. Otherwise the stated reason for stripping,
// SGLang's mistral tool-call parser rejecting logprobs, decides: with that
// parser the proxy strips logprobs and top_logprobs; with any other, or
// none, nothing, so clients keep their logprobs. derived reports the first
// case, which the report notes since clients lose something.
func stripParams(p *v1alpha1.ProxySpec, sglangArgs []string) (params []string, derived bool) {
	if p.StripParams != nil {
		return p.StripParams, false
	}
	if toolCallParser(sglangArgs) == mistralToolCallParser {
		return mistralStripParams(), true
	}
	return nil, false
}

// toolCallParser is the value of the last --tool-call-parser in SGLang's
// argv (argparse keeps the last), in either spelling; "" when there is none.
func toolCallParser(args []string) string {
	const flag = "--tool-call-parser"
	parser := ""
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, flag+"="); ok {
			parser = v
		} else if a == flag && i+1 < len(args) {
			parser = args[i+1]
		}
	}
	return parser
}

func durationOr(d *metav1.Duration, def time.Duration) time.Duration {
	if d == nil {
		return def
	}
	return d.Duration
}
