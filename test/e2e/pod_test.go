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

package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// localPod is a rewritten pod's two serving containers running as
// processes on this machine.
type localPod struct {
	fake, proxy *framework.Process
	// toolCallParser is SGLang's --tool-call-parser in the rewritten argv.
	toolCallParser string
	// fakeURL is SGLang's address, url the pod's port (the proxy's).
	fakeURL, url string
}

// sglangLauncher is what the fake SGLang binary stands in for; the rest of
// the vllm container's argv reaches it unchanged.
var sglangLauncher = []string{"python3", "-m", "sglang.launch_server"}

// proxyCommand is the image's proxy binary; the test runs the one built
// from ./cmd/proxy.
var proxyCommand = []string{"/proxy"}

// startPod runs the pod's vllm container (as the fake SGLang) and its
// sglang-proxy container (as the real proxy) with their own argv and env;
// only the ports differ (the port rule below). A vllm container runs SGLang
// either directly (its command is SGLang's launcher: startSGLang) or through
// `vllm-to-sglang launch` from its own script, when the webhook translated
// it at start (startLaunchedSGLang).
func startPod(t *testing.T, pod *corev1.Pod) *localPod {
	t.Helper()
	status, _, err := rewrite.ReadStatus(&pod.ObjectMeta)
	if err != nil {
		t.Fatal(err)
	}
	if status.SGLangVersion == "" {
		t.Fatalf("the status annotation names no SGLang release: %+v", status)
	}
	vllm := container(pod.Spec.Containers, status.Container)
	proxy := container(pod.Spec.InitContainers, v1alpha1.ProxyContainerName)
	if vllm == nil || proxy == nil {
		t.Fatalf("pod %s: container %q found %v, %s found %v", pod.Name, status.Container, vllm != nil, v1alpha1.ProxyContainerName, proxy != nil)
	}
	if !slices.Equal(proxy.Command, proxyCommand) {
		t.Fatalf("the proxy's command is %q; this test runs %q", proxy.Command, proxyCommand)
	}

	env := containerEnv(t, pod, vllm)
	argv := expandAll(append(slices.Clone(vllm.Command), vllm.Args...), env)
	// The fake refuses what the pod's SGLang release would refuse.
	env = append(env, "FAKESGLANG_RELEASE="+status.SGLangVersion)
	run := startSGLang
	if status.TranslatedAtStart {
		run = startLaunchedSGLang
	}
	fake, sglangArgv := run(t, vllm, argv, env, status.SGLangPort)
	addr, err := fake.WaitForLine(t.Context(), func(line string) (string, bool) {
		return strings.CutPrefix(line, "fakesglang listening on ")
	})
	if err != nil {
		t.Fatalf("SGLang (the fake, which parses argv as SGLang does) did not start with the rewritten command line: %v", err)
	}
	lp := &localPod{fake: fake, fakeURL: "http://" + addr, toolCallParser: toolCallParser(sglangArgv())}

	_, fakePort, _ := net.SplitHostPort(addr)
	env = containerEnv(t, pod, proxy)
	args, changed := localProxyArgv(expandAll(proxy.Args, env), status.ServingPort, status.SGLangPort, fakePort)
	if len(changed) != 2 {
		t.Fatalf("the proxy's args name the serving port %d and SGLang's port %d in %d places, want --listen and --upstream: %q",
			status.ServingPort, status.SGLangPort, len(changed), proxy.Args)
	}
	lp.proxy = start(t, suite.proxyBin, args, env)
	listen, err := lp.proxy.WaitForLine(t.Context(), proxyListenAddr)
	if err != nil {
		t.Fatalf("the proxy did not start with the sglang-proxy container's args: %v", err)
	}
	_, port, _ := net.SplitHostPort(listen)
	lp.url = "http://127.0.0.1:" + port
	return lp
}

// startSGLang runs a vllm container whose command is SGLang's launcher:
// the fake SGLang with the container's argv (command and args, expanded as
// the kubelet does). The returned function gives SGLang's argv once the
// fake has started.
func startSGLang(t *testing.T, c *corev1.Container, argv, env []string, sglangPort int32) (*framework.Process, func() []string) {
	t.Helper()
	if !slices.Equal(c.Command, sglangLauncher) {
		t.Fatalf("the vllm container's command is %q; this test runs %q", c.Command, sglangLauncher)
	}
	return start(t, suite.fakeBin, sglangPortRule(t, argv, sglangPort), env), func() []string { return argv }
}

// sglangPortRule applies the port rule to SGLang's argv, and fails the test
// unless it names SGLang's port as --port exactly once.
func sglangPortRule(t *testing.T, argv []string, sglangPort int32) []string {
	t.Helper()
	out, changed := localSGLangArgv(argv, sglangPort)
	if len(changed) != 1 {
		t.Fatalf("SGLang's argv names SGLang's port %d %d times as --port, want once: %q", sglangPort, len(changed), argv)
	}
	return out
}

// start runs a container's process until the test ends, and shows its
// output if the test failed.
func start(t *testing.T, bin string, argv, env []string) *framework.Process {
	t.Helper()
	p, err := framework.StartProcess(bin, bin, argv, env)
	if err != nil {
		t.Fatal(err)
	}
	p.StopAtCleanup(t)
	return p
}

// proxyListenAddr reads the proxy's "Serving the vLLM API" log line.
func proxyListenAddr(line string) (string, bool) {
	var entry struct {
		Msg    string `json:"msg"`
		Listen string `json:"listen"`
	}
	if json.Unmarshal([]byte(line), &entry) != nil || entry.Msg != "Serving the vLLM API" {
		return "", false
	}
	return entry.Listen, true
}

// The port rule. A pod has a network namespace of its own, so its ports
// are free in it; on this machine other processes may hold them. So:
//
//   - every listening port of the pod becomes 0 (the kernel picks a free
//     one and the process reports it): SGLang's --port S (SGLang's port, in
//     the vllm container's argv or, translated at start, in the argv the
//     launcher execs) and the proxy's --listen=HOST:P (the pod's serving
//     port);
//   - the proxy's --upstream=...:S gets the port the fake SGLang reported.
//
// Nothing else changes: hosts, flags, values and their order stay as the
// pod has them. Both functions return the indexes they changed, so the test
// can insist that the rule applied exactly where expected.

// localSGLangArgv applies the port rule to SGLang's argv.
func localSGLangArgv(argv []string, sglangPort int32) (out []string, changed []int) {
	out = slices.Clone(argv)
	s := strconv.Itoa(int(sglangPort))
	for i := 1; i < len(out); i++ {
		if out[i-1] == "--port" && out[i] == s {
			out[i] = "0"
			changed = append(changed, i)
		}
	}
	return out, changed
}

// localProxyArgv applies the port rule to the sglang-proxy container's args.
func localProxyArgv(args []string, servingPort, sglangPort int32, fakePort string) (out []string, changed []int) {
	out = slices.Clone(args)
	replace := map[string][2]string{
		"--listen=":   {":" + strconv.Itoa(int(servingPort)), ":0"},
		"--upstream=": {":" + strconv.Itoa(int(sglangPort)), ":" + fakePort},
	}
	for i, arg := range out {
		for prefix, r := range replace {
			if strings.HasPrefix(arg, prefix) && strings.HasSuffix(arg, r[0]) {
				out[i] = strings.TrimSuffix(arg, r[0]) + r[1]
				changed = append(changed, i)
			}
		}
	}
	return out, changed
}

// containerEnv is the environment the kubelet would give the container, as
// far as this machine can: literal values (with $(VAR) references to
// earlier variables expanded), and the pod's IP, node IP, name and
// namespace from the downward API. Values from Secrets, ConfigMaps and
// resource fields are left out (logged): nothing here holds them, and the
// servers under test do not read them.
func containerEnv(t *testing.T, pod *corev1.Pod, c *corev1.Container) []string {
	t.Helper()
	vars := map[string]string{}
	var env []string
	for _, e := range c.Env {
		value, ok := e.Value, true
		switch {
		case e.ValueFrom == nil:
			value = expand(value, vars)
		case e.ValueFrom.FieldRef != nil:
			value, ok = downwardField(pod, e.ValueFrom.FieldRef.FieldPath)
		default:
			ok = false
		}
		if !ok {
			t.Logf("container %s: env %s left out (%s)", c.Name, e.Name, describeSource(e.ValueFrom))
			continue
		}
		vars[e.Name] = value
		env = append(env, e.Name+"="+value)
	}
	if len(c.EnvFrom) > 0 {
		t.Logf("container %s: envFrom left out", c.Name)
	}
	return env
}

func downwardField(pod *corev1.Pod, path string) (string, bool) {
	switch path {
	case "status.podIP", "status.hostIP":
		return "127.0.0.1", true
	case "metadata.name":
		return pod.Name, true
	case "metadata.namespace":
		return pod.Namespace, true
	}
	return "", false
}

func describeSource(s *corev1.EnvVarSource) string {
	b, _ := json.Marshal(s)
	return fmt.Sprintf("valueFrom %s", b)
}

func expandAll(argv []string, env []string) []string {
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = expand(a, vars)
	}
	return out
}

// expand is the kubelet's $(VAR) expansion of command, args and env
// values: a defined variable is replaced, $$ is a literal $, and anything
// else (an undefined variable, a lone $) stays as written.
func expand(s string, vars map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch next := s[i+1]; {
		case next == '$':
			b.WriteByte('$')
			i++
		case next == '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteByte(s[i])
				continue
			}
			name := s[i+2 : i+2+end]
			if v, ok := vars[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString("$(" + name + ")")
			}
			i += 2 + end
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
