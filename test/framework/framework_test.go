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

package framework

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

func TestIssuedCertificatesServeTheirHostsUnderTheCA(t *testing.T) {
	ca, err := NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	data, err := ca.Issue("webhook.example.svc", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tls.X509KeyPair(data["tls.crt"], data["tls.key"]); err != nil {
		t.Fatalf("tls.crt and tls.key are not a pair: %v", err)
	}
	block, _ := pem.Decode(data["tls.crt"])
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(data["ca.crt"])
	for _, host := range []string{"webhook.example.svc", "127.0.0.1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots}); err != nil {
			t.Errorf("the CA does not verify the certificate for %s: %v", host, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "other.example.svc", Roots: roots}); err == nil {
		t.Errorf("the certificate verifies for a host it was not issued for")
	}
	other, err := NewCA("another CA")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "127.0.0.1", Roots: pool(other.PEM)}); err == nil {
		t.Errorf("another CA verifies the certificate")
	}
}

func pool(pemData []byte) *x509.CertPool {
	p := x509.NewCertPool()
	p.AppendCertsFromPEM(pemData)
	return p
}

func TestURLModeValuesCarryTheURLAndTheCAAsBase64(t *testing.T) {
	v := URLModeValues("https://127.0.0.1:9443/mutate--v1-pod", []byte("PEM"))
	wh := v["webhook"].(map[string]any)
	if wh["url"] != "https://127.0.0.1:9443/mutate--v1-pod" || wh["caBundle"] != "UEVN" {
		t.Errorf("values %v", v)
	}
}

func TestWaitForLineFindsALineWrittenBeforeOrAfterTheCall(t *testing.T) {
	p, err := StartProcess("sh", "/bin/sh", []string{"-c", "echo first; read _; echo second"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop() })
	got, err := p.WaitForLine(t.Context(), func(line string) (string, bool) { return line, line == "first" })
	if err != nil || got != "first" {
		t.Fatalf("WaitForLine = %q, %v", got, err)
	}
}

func TestWaitForLineFailsWithTheOutputWhenTheProcessExits(t *testing.T) {
	p, err := StartProcess("sh", "/bin/sh", []string{"-c", "echo bad flag; exit 2"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.WaitForLine(t.Context(), func(string) (string, bool) { return "", false })
	if err == nil || !strings.Contains(err.Error(), "bad flag") || !strings.Contains(err.Error(), "exit status 2") {
		t.Fatalf("WaitForLine error %v, want the exit status and the output", err)
	}
	if err := p.Stop(); err == nil {
		t.Errorf("Stop of a process that had failed returned nil")
	}
}

func TestStopEndsARunningProcess(t *testing.T) {
	p, err := StartProcess("sleep", "sleep", []string{"600"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	if exited, _ := p.Exited(); !exited {
		t.Errorf("the process still runs after Stop")
	}
}

func TestPollReturnsTheLastErrorWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	err := Poll(ctx, "a condition", func() error {
		calls++
		if calls == 3 {
			cancel()
		}
		return errors.New("not yet")
	})
	if err == nil || !strings.Contains(err.Error(), "not yet") || !strings.Contains(err.Error(), "a condition") {
		t.Fatalf("Poll = %v", err)
	}
}

func TestMissingControlPlaneBinariesNameMakeEnvtest(t *testing.T) {
	err := CheckAssets(t.TempDir(), "kube-apiserver", "etcd")
	if err == nil || !strings.Contains(err.Error(), "make envtest") || !strings.Contains(err.Error(), "kube-apiserver, etcd") {
		t.Fatalf("checkAssets = %v", err)
	}
}

func TestPollStopsAtAPermanentError(t *testing.T) {
	calls := 0
	err := Poll(t.Context(), "a server", func() error {
		calls++
		return Permanent(errors.New("the server exited"))
	})
	if calls != 1 || err == nil || !strings.Contains(err.Error(), "the server exited") {
		t.Fatalf("Poll = %v after %d calls, want the permanent error after one", err, calls)
	}
}

func TestCleanupStopsLastStartedFirstAndOnlyOnce(t *testing.T) {
	var c Cleanup
	var order []string
	for _, name := range []string{"control plane", "webhook"} {
		c.Add(func() error { order = append(order, name); return errors.New(name + " failed") })
	}
	err := c.Run()
	if strings.Join(order, ",") != "webhook,control plane" {
		t.Errorf("stopped in order %v, want the webhook first", order)
	}
	if err == nil || !strings.Contains(err.Error(), "webhook failed") || !strings.Contains(err.Error(), "control plane failed") {
		t.Errorf("Run = %v, want both errors", err)
	}
	if err := c.Run(); err != nil || len(order) != 2 {
		t.Errorf("a second Run stopped again (%v, %v)", order, err)
	}
}

func TestWriteServingCertLeavesAKeyPairAndNoTemporaryFiles(t *testing.T) {
	ca, err := NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for range 2 { // the second write replaces the first, as a rotation does
		if err := ca.WriteServingCert(dir, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tls.LoadX509KeyPair(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")); err != nil {
		t.Errorf("tls.crt and tls.key are not a pair: %v", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"ca.crt", "tls.crt", "tls.key"}; !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}
}

func TestIsRewrittenNeedsTheStatusAnnotationAndTheProxy(t *testing.T) {
	status := map[string]string{v1alpha1.AnnotationStatus: "{}"}
	proxy := []corev1.Container{{Name: v1alpha1.ProxyContainerName}}
	cases := map[string]struct {
		pod  corev1.Pod
		want bool
	}{
		"the annotation and the proxy as a native sidecar": {
			corev1.Pod{ObjectMeta: metav1.ObjectMeta{Annotations: status}, Spec: corev1.PodSpec{InitContainers: proxy}}, true},
		"the annotation and the proxy as a container": {
			corev1.Pod{ObjectMeta: metav1.ObjectMeta{Annotations: status}, Spec: corev1.PodSpec{Containers: proxy}}, true},
		"the proxy without the annotation": {corev1.Pod{Spec: corev1.PodSpec{InitContainers: proxy}}, false},
		"the annotation without the proxy": {
			corev1.Pod{ObjectMeta: metav1.ObjectMeta{Annotations: status}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "vllm"}}}}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := IsRewritten(&tc.pod); got != tc.want {
				t.Errorf("IsRewritten = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFindContainerReturnsTheNamedContainerToEdit(t *testing.T) {
	pod := &corev1.Pod{Spec: corev1.PodSpec{
		Containers:     []corev1.Container{{Name: "vllm"}},
		InitContainers: []corev1.Container{{Name: "init"}},
	}}
	if c := FindContainer(pod, "init"); c == nil || c != &pod.Spec.InitContainers[0] {
		t.Errorf("FindContainer(init) = %v, want the pod's init container", c)
	}
	if c := FindContainer(pod, "vllm"); c == nil || c != &pod.Spec.Containers[0] {
		t.Errorf("FindContainer(vllm) = %v, want the pod's container", c)
	}
	if c := FindContainer(pod, "other"); c != nil {
		t.Errorf("FindContainer(other) = %v, want nil", c)
	}
}

func TestLauncherCommandRoutesEveryLauncherPath(t *testing.T) {
	command := []string{"/bin/bash", "-c", rewrite.LauncherPath + " launch -- vllm --version && " + rewrite.LauncherPath + " launch -- vllm serve m"}
	got, err := LauncherCommand(command, "/tmp/it's here")
	want := []string{"/bin/bash", "-c", "/tmp/it's here launch -- vllm --version && /tmp/it's here launch -- vllm serve m"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("LauncherCommand = %q, %v; want %q", got, err, want)
	}
	if command[2] == want[2] {
		t.Error("LauncherCommand changed its argument")
	}
	if got, err := LauncherCommand([]string{"vllm", "serve", "m"}, "/tmp/launcher"); err == nil {
		t.Errorf("LauncherCommand of a command without the launcher = %q, want an error", got)
	}
}

func TestPythonStubRecordsItsArgumentsThenRunsTheRest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "it's a dir")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := StubbedArgv(dir); err == nil {
		t.Errorf("StubbedArgv before python3 ran = %q, want an error", got)
	}
	if err := WritePythonStub(dir, "echo then \"$#\"\nexit 3\n"); err != nil {
		t.Fatal(err)
	}
	argv := []string{"-m", "sglang.launch_server", "--model-path", "a b", "--served-model-name", "it's"}
	out, err := exec.CommandContext(t.Context(), filepath.Join(dir, "python3"), argv...).Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 || string(out) != "then 6\n" {
		t.Errorf("python3 printed %q and ended with %v; want the rest run: \"then 6\", exit 3", out, err)
	}
	if got, err := StubbedArgv(dir); err != nil || !slices.Equal(got, argv) {
		t.Errorf("StubbedArgv = %q, %v; want %q", got, err, argv)
	}
}
