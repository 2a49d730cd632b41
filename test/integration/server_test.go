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
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

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
			eventually(t, tc.url, func() error {
				code, body, err := httpGet(t.Context(), tc.url)
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
func userConfig(t testing.TB, name string) *envtest.AuthenticatedUser {
	t.Helper()
	user, err := suite.env.AddUser(envtest.User{Name: name}, suite.cfg)
	if err != nil {
		t.Fatal(err)
	}
	return user
}

// bindGeneratedRole binds config/rbac/role.yaml (generated from the
// +kubebuilder:rbac markers) to the user.
func bindGeneratedRole(t testing.TB, user string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(suite.root, "config", "rbac", "role.yaml"))
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
	if err := suite.client.Create(t.Context(), role); err != nil {
		t.Fatal(err)
	}
	if err := suite.client.Create(t.Context(), binding); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = suite.client.Delete(context.Background(), binding)
		_ = suite.client.Delete(context.Background(), role)
	})
}

func TestGeneratedRBACIsAllTheWebhookNeeds(t *testing.T) {
	const name = "it-webhook-sa"
	user := userConfig(t, name)
	bindGeneratedRole(t, name)
	startWebhook(t, withRESTConfig(user.Config()))
	if got := create(t, vllmPod(optedInNamespace(t), "llama")); !isRewritten(got) {
		t.Error("the webhook running with the generated ClusterRole did not rewrite the pod")
	}
}

func TestReadyOnlyOnceTheProfileCacheHasSynced(t *testing.T) {
	// The webhook runs as a user who may not list SGLangProfiles yet, so its
	// cache cannot sync until the test grants the generated role.
	const name = "it-late-rbac"
	user := userConfig(t, name)
	health := freeAddr(t)
	startWebhook(t, withRESTConfig(user.Config()), withoutWaitingForSync(),
		withOptions(func(o *webhook.Options) { o.HealthProbeBindAddress = health }))
	readyz := func(wantReady bool, want ...string) func() error {
		return func() error {
			code, body, err := httpGet(t.Context(), "http://"+health+"/readyz?verbose=true")
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
	eventually(t, "/readyz to fail on the unsynced cache while the server serves",
		readyz(false, "[+]webhook ok", "[-]profiles failed"))
	bindGeneratedRole(t, name)
	eventually(t, "/readyz to pass once the cache synced", readyz(true))
}

// writeServingCert writes a self-signed certificate for 127.0.0.1 with the
// given serial into dir as tls.crt/tls.key, replacing files atomically the
// way a mounted Secret is updated.
func writeServingCert(t testing.TB, dir string, serial int64) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "vllm-to-sglang-webhook-it"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	for name, block := range map[string]*pem.Block{
		"tls.key": {Type: "EC PRIVATE KEY", Bytes: keyDER},
		"tls.crt": {Type: "CERTIFICATE", Bytes: der},
	} {
		tmp := filepath.Join(dir, "."+name+".tmp")
		if err := os.WriteFile(tmp, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

// servedSerial is the serial of the certificate the server presents.
func servedSerial(ctx context.Context, addr string) (int64, error) {
	d := tls.Dialer{Config: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // the test only reads the served certificate
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return 0, errors.New("no certificate")
	}
	return certs[0].SerialNumber.Int64(), nil
}

func TestRotatedServingCertificateIsServedWithoutRestart(t *testing.T) {
	dir := t.TempDir()
	writeServingCert(t, dir, 1)
	addr := freeAddr(t)
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	portNumber, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	startWebhook(t, withOptions(func(o *webhook.Options) {
		o.WebhookHost, o.WebhookPort, o.WebhookCertPath = host, portNumber, dir
	}))
	for _, serial := range []int64{1, 2} {
		if serial > 1 {
			writeServingCert(t, dir, serial)
		}
		eventually(t, fmt.Sprintf("certificate %d to be served", serial), func() error {
			got, err := servedSerial(t.Context(), addr)
			if err != nil {
				return err
			}
			if got != serial {
				return fmt.Errorf("serving certificate %d", got)
			}
			return nil
		})
	}
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
			defer w.stop()
			install := suite.env.WebhookInstallOptions
			addr := net.JoinHostPort(install.LocalServingHost, strconv.Itoa(install.LocalServingPort))
			d := tls.Dialer{Config: &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2", "http/1.1"}}} //nolint:gosec // only the negotiated protocol is read
			conn, err := d.DialContext(t.Context(), "tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if got := conn.(*tls.Conn).ConnectionState().NegotiatedProtocol; got != tc.want {
				t.Errorf("negotiated %q, want %q", got, tc.want)
			}
		})
	}
}
