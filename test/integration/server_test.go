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

package integration

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
)

func TestHealthReadinessAndMetricsEndpoints(t *testing.T) {
	health, metrics := freeAddr(t), freeAddr(t)
	startWebhook(t, withOptions(func(o *webhook.Options) {
		o.HealthProbeBindAddress, o.MetricsBindAddress = health, metrics
		o.MetricsRegistry = nil // controller-runtime's registry, which the metrics server serves
	}))
	create(t, vllmPod(optedInNamespace(t), "llama"))

	cases := map[string]struct {
		url  string
		want []string
	}{
		"/healthz answers once the manager runs": {"http://" + health + "/healthz", []string{"ok"}},
		"/readyz checks the webhook server and the profile cache": {
			"http://" + health + "/readyz?verbose=true", []string{"[+]webhook ok", "[+]profiles ok"}},
		"/metrics counts the rewrite, its latency and controller-runtime's request count": {
			"http://" + metrics + "/metrics", []string{
				`vllm_to_sglang_webhook_pods_total{outcome="rewritten",reason=""}`,
				`vllm_to_sglang_webhook_request_duration_seconds_bucket{outcome="rewritten"`,
				`controller_runtime_webhook_requests_total{code="200",webhook="/mutate--v1-pod"}`,
			}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			framework.Eventually(t, tc.url, func() error {
				code, body, err := framework.HTTPGet(t.Context(), tc.url)
				if err != nil {
					return err
				}
				if code != http.StatusOK {
					return fmt.Errorf("status %d: %s", code, body)
				}
				for _, w := range tc.want {
					if !strings.Contains(body, w) {
						return fmt.Errorf("no %q in:\n%s", w, body)
					}
				}
				return nil
			})
		})
	}
}

// userConfig returns the REST config of a user in no group, so only RBAC
// bindings made by the test apply.
func userConfig(t testing.TB, name string) *rest.Config {
	t.Helper()
	cfg, err := suite.cp.UserConfig(name)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// bindGeneratedRole binds config/rbac/role.yaml (generated from the
// +kubebuilder:rbac markers) to the user.
func bindGeneratedRole(t testing.TB, user string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(suite.cp.Root, "config", "rbac", "role.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	role := &rbacv1.ClusterRole{}
	if err := yaml.UnmarshalStrict(data, role); err != nil {
		t.Fatal(err)
	}
	role.Name = "it-" + user
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role.Name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
	}
	framework.CreateForTest(t, suite.cp.Client, role, binding)
}

func TestGeneratedRBACIsAllTheWebhookNeeds(t *testing.T) {
	const name = "it-webhook-sa"
	user := userConfig(t, name)
	bindGeneratedRole(t, name)
	startWebhook(t, withRESTConfig(user))
	if got := create(t, vllmPod(optedInNamespace(t), "llama")); !framework.IsRewritten(got) {
		t.Error("the webhook running with the generated ClusterRole did not rewrite the pod")
	}
}

func TestReadyOnlyOnceTheProfileCacheHasSynced(t *testing.T) {
	// The webhook runs as a user who may not list SGLangProfiles yet, so its
	// cache cannot sync until the test grants the generated role.
	const name = "it-late-rbac"
	user := userConfig(t, name)
	health := freeAddr(t)
	startWebhook(t, withRESTConfig(user), withoutWaitingForSync(),
		withOptions(func(o *webhook.Options) { o.HealthProbeBindAddress = health }))
	readyz := func(wantReady bool, want ...string) func() error {
		return func() error {
			code, body, err := framework.HTTPGet(t.Context(), "http://"+health+"/readyz?verbose=true")
			if err != nil {
				return err
			}
			if (code == http.StatusOK) != wantReady {
				return fmt.Errorf("status %d:\n%s", code, body)
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					return fmt.Errorf("no %q in:\n%s", w, body)
				}
			}
			return nil
		}
	}
	framework.Eventually(t, "/readyz to fail on the unsynced cache while the server serves",
		readyz(false, "[+]webhook ok", "[-]profiles failed"))
	bindGeneratedRole(t, name)
	framework.Eventually(t, "/readyz to pass once the cache synced", readyz(true))
}

// handshake is what a TLS handshake with addr negotiated, offering protos.
// Only what the server presents is read, so its certificate is not verified.
func handshake(ctx context.Context, addr string, protos ...string) (tls.ConnectionState, error) {
	d := tls.Dialer{Config: &tls.Config{InsecureSkipVerify: true, NextProtos: protos}} //nolint:gosec // see above
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer conn.Close()
	return conn.(*tls.Conn).ConnectionState(), nil
}

// writtenCert is the certificate in dir's tls.crt.
func writtenCert(t testing.TB, dir string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "tls.crt"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("no PEM block in %s/tls.crt", dir)
	}
	return block.Bytes
}

func TestRotatedServingCertificateIsServedWithoutRestart(t *testing.T) {
	ca, err := framework.NewCA("vllm-to-sglang-webhook-it")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := ca.WriteServingCert(dir, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	first := writtenCert(t, dir)
	port, err := framework.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	startWebhook(t, withOptions(func(o *webhook.Options) {
		o.WebhookHost, o.WebhookPort, o.WebhookCertPath = "127.0.0.1", port, dir
	}))
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	served := func(what string, want []byte) {
		t.Helper()
		framework.Eventually(t, what+" to be served", func() error {
			state, err := handshake(t.Context(), addr)
			if err != nil {
				return err
			}
			if len(state.PeerCertificates) == 0 || !bytes.Equal(state.PeerCertificates[0].Raw, want) {
				return errors.New("serving another certificate")
			}
			return nil
		})
	}
	served("the first certificate", first)
	// Replaced the way a mounted Secret is updated, while the server runs.
	if err := ca.WriteServingCert(dir, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	rotated := writtenCert(t, dir)
	if bytes.Equal(rotated, first) {
		t.Fatal("the rotated certificate equals the first")
	}
	served("the rotated certificate", rotated)
}

func TestHTTP2IsOffUnlessEnabled(t *testing.T) {
	cases := map[string]struct {
		enable bool
		want   string
	}{
		"by default the server refuses HTTP/2 (Rapid Reset)": {false, "http/1.1"},
		"--enable-http2 turns it on":                         {true, "h2"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := startWebhook(t, withOptions(func(o *webhook.Options) { o.EnableHTTP2 = tc.enable }))
			defer func() { _ = w.Stop() }() // stop before the next case; startWebhook's cleanup reports an error
			install := suite.cp.Env.WebhookInstallOptions
			addr := net.JoinHostPort(install.LocalServingHost, strconv.Itoa(install.LocalServingPort))
			state, err := handshake(t.Context(), addr, "h2", "http/1.1")
			if err != nil {
				t.Fatal(err)
			}
			if got := state.NegotiatedProtocol; got != tc.want {
				t.Errorf("negotiated %q, want %q", got, tc.want)
			}
		})
	}
}
