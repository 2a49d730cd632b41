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
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"maps"
	"slices"
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
)

// serviceDNSNames are the names the API server dials for the rendering
// tests' release.
var serviceDNSNames = []string{
	webhookName + "." + releaseNamespace + ".svc",
	webhookName + "." + releaseNamespace + ".svc.cluster.local",
}

// The webhooks of the MutatingWebhookConfiguration (the markers in
// webhook/setup.go).
const (
	rewriteWebhookName  = "rewrite.vllm-to-sglang.io"
	auditWebhookName    = "audit.vllm-to-sglang.io"
	auditPodWebhookName = "audit-pod.vllm-to-sglang.io"
)

// theWebhook returns the rendered configuration and its pod rewrite
// webhook, after checking that it holds that one and the audit webhooks,
// and nothing else.
func theWebhook(t *testing.T, r *rendered) (*admissionregistrationv1.MutatingWebhookConfiguration, admissionregistrationv1.MutatingWebhook) {
	t.Helper()
	cfg := get[admissionregistrationv1.MutatingWebhookConfiguration](t, r, "MutatingWebhookConfiguration", fullName)
	names := webhookNames(cfg.Webhooks)
	if !slices.Equal(names, []string{rewriteWebhookName, auditWebhookName, auditPodWebhookName}) && !slices.Equal(names, []string{rewriteWebhookName}) {
		t.Fatalf("webhooks %v, want %s and the audit webhooks (or only %s with audit.enabled=false)", names, rewriteWebhookName, rewriteWebhookName)
	}
	return cfg, cfg.Webhooks[0]
}

func webhookNames(whs []admissionregistrationv1.MutatingWebhook) []string {
	var names []string
	for _, wh := range whs {
		names = append(names, wh.Name)
	}
	return names
}

// auditWebhooks returns the rendered audit webhooks, by name, after
// checking that they call the pod webhook's server (its Service, or
// webhook.url's host) at the audit path, with its caBundle.
func auditWebhooks(t *testing.T, r *rendered) map[string]admissionregistrationv1.MutatingWebhook {
	t.Helper()
	cfg, rw := theWebhook(t, r)
	out := map[string]admissionregistrationv1.MutatingWebhook{}
	for _, wh := range cfg.Webhooks[1:] {
		out[wh.Name] = wh
		got, want := wh.ClientConfig, rw.ClientConfig
		if string(got.CABundle) != string(want.CABundle) {
			t.Errorf("%s: caBundle differs from %s's", wh.Name, rw.Name)
		}
		checkSameServer(t, wh.Name, got, want, webhook.AuditPodPath)
	}
	return out
}

// checkSameServer checks that got, the clientConfig of the webhook name,
// calls the server of want, the pod webhook's: the same Service at path,
// or a url where want has one (webhook.url).
func checkSameServer(t *testing.T, name string, got, want admissionregistrationv1.WebhookClientConfig, path string) {
	t.Helper()
	switch {
	case want.Service != nil:
		if got.Service == nil || got.Service.Name != want.Service.Name || got.Service.Namespace != want.Service.Namespace ||
			!ptr.Equal(got.Service.Port, want.Service.Port) || !ptr.Equal(got.Service.Path, ptr.To(path)) || got.URL != nil {
			t.Errorf("%s: clientConfig %+v, want the pod webhook's Service %+v at path %s", name, got, want.Service, path)
		}
	case got.URL == nil || got.Service != nil:
		t.Errorf("%s: clientConfig %+v, want a url as the pod webhook's (%s)", name, got, *want.URL)
	}
}

// theProfileValidator returns the one webhook of the rendered
// ValidatingWebhookConfiguration (the SGLangProfile validator), after
// checking that its configuration is named and labelled as the pod
// webhook's and that both call the same server: the same Service, or
// webhook.url's host.
func theProfileValidator(t *testing.T, r *rendered) (*admissionregistrationv1.ValidatingWebhookConfiguration, admissionregistrationv1.ValidatingWebhook) {
	t.Helper()
	cfg := get[admissionregistrationv1.ValidatingWebhookConfiguration](t, r, "ValidatingWebhookConfiguration", fullName)
	if len(cfg.Webhooks) != 1 {
		t.Fatalf("want exactly one validating webhook, got %d", len(cfg.Webhooks))
	}
	wh := cfg.Webhooks[0]
	if wh.Name != chartProfileValidatorName {
		t.Errorf("validating webhook %q, want %q", wh.Name, chartProfileValidatorName)
	}
	mcfg, mwh := theWebhook(t, r)
	if !maps.Equal(cfg.Labels, mcfg.Labels) {
		t.Errorf("labels %v, want the MutatingWebhookConfiguration's %v", cfg.Labels, mcfg.Labels)
	}
	checkSameServer(t, wh.Name, wh.ClientConfig, mwh.ClientConfig, webhook.ValidateProfilePath)
	return cfg, wh
}

func TestCertManagerModeIssuesTheServingCertificateFromTheChartsOwnCA(t *testing.T) {
	r := render(t, nil)

	selfSigned := get[cmapi.Issuer](t, r, "Issuer", fullName+"-selfsigned")
	if selfSigned.Spec.SelfSigned == nil {
		t.Errorf("issuer %s is not self-signed: %+v", selfSigned.Name, selfSigned.Spec)
	}
	ca := get[cmapi.Certificate](t, r, "Certificate", fullName+"-ca")
	if !ca.Spec.IsCA || ca.Spec.IssuerRef.Name != selfSigned.Name || ca.Spec.IssuerRef.Kind != "Issuer" {
		t.Errorf("CA certificate: isCA=%v issuerRef=%+v, want a CA signed by %s", ca.Spec.IsCA, ca.Spec.IssuerRef, selfSigned.Name)
	}
	caIssuer := get[cmapi.Issuer](t, r, "Issuer", fullName+"-ca")
	if caIssuer.Spec.CA == nil || caIssuer.Spec.CA.SecretName != ca.Spec.SecretName {
		t.Errorf("CA issuer %+v does not sign with the CA certificate's Secret %q", caIssuer.Spec.CA, ca.Spec.SecretName)
	}

	serving := get[cmapi.Certificate](t, r, "Certificate", webhookName)
	if serving.Spec.IssuerRef.Name != caIssuer.Name || serving.Spec.IssuerRef.Kind != "Issuer" {
		t.Errorf("serving certificate issuerRef %+v, want the CA issuer %s", serving.Spec.IssuerRef, caIssuer.Name)
	}
	if !slices.Equal(serving.Spec.DNSNames, serviceDNSNames) {
		t.Errorf("serving certificate dnsNames %v, want %v", serving.Spec.DNSNames, serviceDNSNames)
	}
	if serving.Spec.IsCA || !slices.Contains(serving.Spec.Usages, cmapi.UsageServerAuth) {
		t.Errorf("serving certificate: isCA=%v usages=%v, want a leaf for server auth", serving.Spec.IsCA, serving.Spec.Usages)
	}
	if serving.Spec.SecretName != tlsSecretName {
		t.Errorf("serving certificate secretName %q, want %q", serving.Spec.SecretName, tlsSecretName)
	}
	assertDeploymentMountsSecret(t, r, serving.Spec.SecretName)

	cfg, wh := theWebhook(t, r)
	if got, want := cfg.Annotations[cmapi.WantInjectAnnotation], releaseNamespace+"/"+serving.Name; got != want {
		t.Errorf("annotation %s = %q, want %q", cmapi.WantInjectAnnotation, got, want)
	}
	if len(wh.ClientConfig.CABundle) != 0 {
		t.Errorf("caBundle is set (%d bytes); cert-manager's CA injector owns it", len(wh.ClientConfig.CABundle))
	}
	if svc := wh.ClientConfig.Service; svc == nil || svc.Name+"."+svc.Namespace+".svc" != serving.Spec.DNSNames[0] {
		t.Errorf("webhook service %+v is not the first DNS name of the certificate %q", svc, serving.Spec.DNSNames[0])
	}
	vcfg, vwh := theProfileValidator(t, r)
	if got := vcfg.Annotations[cmapi.WantInjectAnnotation]; got != cfg.Annotations[cmapi.WantInjectAnnotation] {
		t.Errorf("profile validator: annotation %s = %q, want the pod webhook's %q", cmapi.WantInjectAnnotation, got, cfg.Annotations[cmapi.WantInjectAnnotation])
	}
	if len(vwh.ClientConfig.CABundle) != 0 {
		t.Errorf("profile validator: caBundle is set (%d bytes); cert-manager's CA injector owns it", len(vwh.ClientConfig.CABundle))
	}
	if n := r.kinds()["Secret"]; n != 0 {
		t.Errorf("%d Secrets rendered; cert-manager writes the serving certificate", n)
	}
}

func TestCertManagerModeUsesAUserNamedIssuerInsteadOfItsOwnCA(t *testing.T) {
	r := render(t, values(t, "certManager.issuerRef.name=corp-ca", "certManager.issuerRef.kind=ClusterIssuer"))

	if n := r.kinds()["Issuer"]; n != 0 {
		t.Errorf("%d Issuers rendered, want none with a user-named issuer", n)
	}
	if n := r.kinds()["Certificate"]; n != 1 {
		t.Errorf("%d Certificates rendered, want only the serving certificate", n)
	}
	serving := get[cmapi.Certificate](t, r, "Certificate", webhookName)
	want := cmmeta.IssuerReference{Name: "corp-ca", Kind: "ClusterIssuer", Group: "cert-manager.io"}
	if serving.Spec.IssuerRef != want {
		t.Errorf("issuerRef %+v, want %+v", serving.Spec.IssuerRef, want)
	}
}

func TestWithoutCertManagerHelmGeneratesACAAndAServingCertificate(t *testing.T) {
	r := render(t, values(t, "certManager.enabled=false"))

	for _, kind := range []string{"Issuer", "Certificate"} {
		if n := r.kinds()[kind]; n != 0 {
			t.Errorf("%d %s objects rendered without cert-manager", n, kind)
		}
	}
	secret := get[corev1.Secret](t, r, "Secret", tlsSecretName)
	assertDeploymentMountsSecret(t, r, secret.Name)
	cfg, wh := theWebhook(t, r)
	if _, ok := cfg.Annotations[cmapi.WantInjectAnnotation]; ok {
		t.Errorf("inject-ca-from is set without cert-manager")
	}
	if string(wh.ClientConfig.CABundle) != string(secret.Data["ca.crt"]) {
		t.Errorf("caBundle differs from the Secret's ca.crt")
	}
	assertServes(t, secret.Data, wh.ClientConfig.CABundle, serviceDNSNames)
	vcfg, vwh := theProfileValidator(t, r)
	if _, ok := vcfg.Annotations[cmapi.WantInjectAnnotation]; ok {
		t.Errorf("profile validator: inject-ca-from is set without cert-manager")
	}
	if string(vwh.ClientConfig.CABundle) != string(secret.Data["ca.crt"]) {
		t.Errorf("profile validator: caBundle differs from the Secret's ca.crt")
	}

	d := get[appsv1.Deployment](t, r, "Deployment", webhookName)
	if d.Spec.Template.Annotations["checksum/tls"] == "" {
		t.Errorf("the pod template has no checksum/tls annotation, so new certificates would not roll the pods")
	}
}

func TestWithoutAClusterEveryRenderGeneratesANewCA(t *testing.T) {
	// helm template cannot look up the Secret of an earlier install; only a
	// real install or upgrade reuses it (TestGeneratedCertificatesSurviveUpgrades).
	// The same loaded chart twice, as an SDK user might: the CA the chart
	// memoises in .Values for one render must not leak into the next.
	chrt := loadChart(t)
	var bundles []string
	for range 2 {
		rel, err := newClientOnlyInstall(t).Run(chrt, values(t, "certManager.enabled=false"))
		if err != nil {
			t.Fatal(err)
		}
		r, err := parseRelease(rel)
		if err != nil {
			t.Fatal(err)
		}
		_, wh := theWebhook(t, r)
		_, vwh := theProfileValidator(t, r)
		if string(vwh.ClientConfig.CABundle) != string(wh.ClientConfig.CABundle) {
			t.Errorf("the profile validator's caBundle is not the pod webhook's: the CA was generated twice in one render")
		}
		auditWebhooks(t, r) // the same caBundle
		bundles = append(bundles, string(wh.ClientConfig.CABundle))
	}
	if len(bundles) == 2 && bundles[0] == bundles[1] {
		t.Errorf("two renders without a cluster produced the same CA")
	}
}

func TestURLModePointsAtTheExternalWebhookAndRunsNothingInTheCluster(t *testing.T) {
	const url = "https://vllm-to-sglang.example.com:9443/mutate--v1-pod"
	caPEM := []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	r := render(t, values(t,
		"webhook.url="+url,
		"webhook.caBundle="+b64(caPEM),
		// These only make sense next to an in-cluster webhook.
		"serviceMonitor.enabled=true", "networkPolicy.enabled=true",
	))

	for _, kind := range []string{"Deployment", "Service", "ServiceAccount", "ClusterRole", "ClusterRoleBinding",
		"PodDisruptionBudget", "Secret", "Issuer", "Certificate", "ServiceMonitor", "NetworkPolicy"} {
		if n := r.kinds()[kind]; n != 0 {
			t.Errorf("%d %s objects rendered in URL mode", n, kind)
		}
	}
	cfg, wh := theWebhook(t, r)
	if wh.ClientConfig.Service != nil || wh.ClientConfig.URL == nil || *wh.ClientConfig.URL != url {
		t.Errorf("clientConfig %+v, want only url %q", wh.ClientConfig, url)
	}
	if string(wh.ClientConfig.CABundle) != string(caPEM) {
		t.Errorf("caBundle %q, want the value given", wh.ClientConfig.CABundle)
	}
	if _, ok := cfg.Annotations[cmapi.WantInjectAnnotation]; ok {
		t.Errorf("inject-ca-from is set in URL mode")
	}
	if r.find("SGLangProfile", "default") == nil {
		t.Errorf("the default SGLangProfile is not rendered in URL mode")
	}
	vcfg, vwh := theProfileValidator(t, r)
	const validateURL = "https://vllm-to-sglang.example.com:9443" + webhook.ValidateProfilePath
	if vwh.ClientConfig.URL == nil || *vwh.ClientConfig.URL != validateURL {
		t.Errorf("profile validator clientConfig %+v, want url %q (webhook.url with the validator's path)", vwh.ClientConfig, validateURL)
	}
	if string(vwh.ClientConfig.CABundle) != string(caPEM) {
		t.Errorf("profile validator caBundle %q, want the value given", vwh.ClientConfig.CABundle)
	}
	if _, ok := vcfg.Annotations[cmapi.WantInjectAnnotation]; ok {
		t.Errorf("profile validator: inject-ca-from is set in URL mode")
	}
	const auditURL = "https://vllm-to-sglang.example.com:9443" + webhook.AuditPodPath
	for name, awh := range auditWebhooks(t, r) {
		if awh.ClientConfig.URL == nil || *awh.ClientConfig.URL != auditURL {
			t.Errorf("%s clientConfig %+v, want url %q (webhook.url with the audit path)", name, awh.ClientConfig, auditURL)
		}
	}
}

func TestURLModeProfileValidatorURL(t *testing.T) {
	ca := "webhook.caBundle=" + b64([]byte("ca"))
	t.Run("profileValidation.url is used as given", func(t *testing.T) {
		const url = "https://validator.example.com/profiles"
		r := render(t, values(t, "webhook.url=https://webhook.example.com/rewrite", ca, "profileValidation.url="+url, "audit.enabled=false"))
		if _, wh := theProfileValidator(t, r); wh.ClientConfig.URL == nil || *wh.ClientConfig.URL != url {
			t.Errorf("clientConfig %+v, want url %q", wh.ClientConfig, url)
		}
	})
	t.Run("a webhook.url it cannot be derived from fails, saying what to set", func(t *testing.T) {
		_, err := renderErr(t, values(t, "webhook.url=https://webhook.example.com/rewrite", ca, "audit.enabled=false"))
		if err == nil || !strings.Contains(err.Error(), "profileValidation.url") || !strings.Contains(err.Error(), "profileValidation.enabled=false") {
			t.Fatalf("render: %v; want an error naming profileValidation.url and profileValidation.enabled=false", err)
		}
	})
	t.Run("the schema refuses a profileValidation.url that is not https", func(t *testing.T) {
		_, err := renderErr(t, values(t, "webhook.url=https://webhook.example.com/mutate--v1-pod", ca, "profileValidation.url=http://validator.example.com/"))
		if err == nil || !strings.Contains(err.Error(), "profileValidation") {
			t.Fatalf("render: %v; want a schema error on profileValidation.url", err)
		}
	})
}

func assertDeploymentMountsSecret(t *testing.T, r *rendered, secretName string) {
	t.Helper()
	d := get[appsv1.Deployment](t, r, "Deployment", webhookName)
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.Secret != nil && v.Secret.SecretName == secretName {
			return
		}
	}
	t.Errorf("the webhook Deployment does not mount Secret %q", secretName)
}

// assertServes checks that the Secret's serving certificate and key are a
// pair, and that caBundle verifies the certificate for every DNS name as a
// TLS server certificate.
func assertServes(t *testing.T, data map[string][]byte, caBundle []byte, dnsNames []string) {
	t.Helper()
	if _, err := tls.X509KeyPair(data["tls.crt"], data["tls.key"]); err != nil {
		t.Fatalf("tls.crt and tls.key are not a pair: %v", err)
	}
	block, _ := pem.Decode(data["tls.crt"])
	if block == nil {
		t.Fatalf("tls.crt is not PEM")
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatalf("parsing tls.crt: %v", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caBundle) {
		t.Fatalf("the caBundle holds no PEM certificate")
	}
	for _, name := range dnsNames {
		_, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		if err != nil {
			t.Errorf("the caBundle does not verify the serving certificate for %s: %v", name, err)
		}
	}
}
