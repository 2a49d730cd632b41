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
	"bytes"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
)

// installedWebhook reads the release's webhook configuration from the API server.
func (c *cluster) installedWebhook(t *testing.T, name string) admissionregistrationv1.MutatingWebhook {
	t.Helper()
	var cfg admissionregistrationv1.MutatingWebhookConfiguration
	c.get(t, "", name, &cfg)
	if len(cfg.Webhooks) != 3 || cfg.Webhooks[0].Name != rewriteWebhookName {
		t.Fatalf("%s has webhooks %v, want %s and the two audit webhooks", name, webhookNames(cfg.Webhooks), rewriteWebhookName)
	}
	return cfg.Webhooks[0]
}

// installedProfileValidator reads the release's ValidatingWebhookConfiguration
// (the SGLangProfile validator) from the API server.
func (c *cluster) installedProfileValidator(t *testing.T, name string) admissionregistrationv1.ValidatingWebhook {
	t.Helper()
	var cfg admissionregistrationv1.ValidatingWebhookConfiguration
	c.get(t, "", name, &cfg)
	if len(cfg.Webhooks) != 1 {
		t.Fatalf("%s has %d validating webhooks, want 1", name, len(cfg.Webhooks))
	}
	return cfg.Webhooks[0]
}

// dialedNames are the DNS names the API server may use for a webhook Service.
func dialedNames(cc admissionregistrationv1.WebhookClientConfig) []string {
	s := cc.Service
	return []string{s.Name + "." + s.Namespace + ".svc", s.Name + "." + s.Namespace + ".svc.cluster.local"}
}

func TestGeneratedCertificatesSurviveUpgrades(t *testing.T) {
	c := controlPlane(t)
	const name, ns = "gen", "gen-certs"
	full := name + "-vllm-to-sglang"
	// The default profile and the RuntimeClass are cluster-wide and belong to other tests.
	vals := func(sets ...string) map[string]any {
		return values(t, append([]string{"certManager.enabled=false", "defaultProfile.enabled=false", "compatRuntimeClass.create=never"}, sets...)...)
	}

	c.mustInstall(t, name, ns, vals())
	var secret corev1.Secret
	c.get(t, ns, full+"-webhook-tls", &secret)
	wh := c.installedWebhook(t, full)
	if !bytes.Equal(wh.ClientConfig.CABundle, secret.Data["ca.crt"]) {
		t.Fatalf("the installed caBundle is not the Secret's ca.crt")
	}
	assertServes(t, secret.Data, wh.ClientConfig.CABundle, dialedNames(wh.ClientConfig))
	validator := c.installedProfileValidator(t, full)
	if !bytes.Equal(validator.ClientConfig.CABundle, secret.Data["ca.crt"]) {
		t.Fatalf("the installed profile validator's caBundle is not the Secret's ca.crt")
	}
	assertServes(t, secret.Data, validator.ClientConfig.CABundle, dialedNames(validator.ClientConfig))
	var d appsv1.Deployment
	c.get(t, ns, full+"-webhook", &d)
	checksum := d.Spec.Template.Annotations["checksum/tls"]

	c.upgrade(t, name, ns, vals("webhook.timeoutSeconds=7"))
	var after corev1.Secret
	c.get(t, ns, full+"-webhook-tls", &after)
	for _, k := range []string{"ca.crt", "tls.crt", "tls.key"} {
		if !bytes.Equal(after.Data[k], secret.Data[k]) {
			t.Errorf("helm upgrade replaced %s", k)
		}
	}
	upgraded := c.installedWebhook(t, full)
	if !bytes.Equal(upgraded.ClientConfig.CABundle, wh.ClientConfig.CABundle) {
		t.Errorf("helm upgrade changed the caBundle")
	}
	if *upgraded.TimeoutSeconds != 7 {
		t.Errorf("timeoutSeconds %d after the upgrade, want 7: the upgrade did not apply", *upgraded.TimeoutSeconds)
	}
	upgradedValidator := c.installedProfileValidator(t, full)
	if !bytes.Equal(upgradedValidator.ClientConfig.CABundle, wh.ClientConfig.CABundle) {
		t.Errorf("helm upgrade changed the profile validator's caBundle")
	}
	if *upgradedValidator.TimeoutSeconds != 7 {
		t.Errorf("profile validator timeoutSeconds %d after the upgrade, want 7", *upgradedValidator.TimeoutSeconds)
	}
	c.get(t, ns, full+"-webhook", &d)
	if d.Spec.Template.Annotations["checksum/tls"] != checksum {
		t.Errorf("the pod template's checksum/tls changed, so an upgrade would roll the webhook pods for nothing")
	}
}

func TestURLModeInstallsOnlyTheWebhookConfigurationAndProfiles(t *testing.T) {
	c := controlPlane(t)
	const name, ns = "ext", "external-webhook"
	const url = "https://webhook.example.com:9443/mutate--v1-pod"
	caPEM := []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	c.mustInstall(t, name, ns, values(t, "webhook.url="+url, "webhook.caBundle="+b64(caPEM),
		"defaultProfile.enabled=false", "compatRuntimeClass.create=never",
		"extraProfiles.ext-test.image=lmsysorg/sglang:v0.5.9-rocm700-mi30x"))

	wh := c.installedWebhook(t, name+"-vllm-to-sglang")
	if wh.ClientConfig.URL == nil || *wh.ClientConfig.URL != url || !bytes.Equal(wh.ClientConfig.CABundle, caPEM) {
		t.Errorf("installed clientConfig %+v, want url %s and the given caBundle", wh.ClientConfig, url)
	}
	validator := c.installedProfileValidator(t, name+"-vllm-to-sglang")
	const validateURL = "https://webhook.example.com:9443" + webhook.ValidateProfilePath
	if validator.ClientConfig.URL == nil || *validator.ClientConfig.URL != validateURL || !bytes.Equal(validator.ClientConfig.CABundle, caPEM) {
		t.Errorf("installed profile validator clientConfig %+v, want url %s and the given caBundle", validator.ClientConfig, validateURL)
	}
	var deployments appsv1.DeploymentList
	if err := c.Client.List(t.Context(), &deployments, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	if len(deployments.Items) != 0 {
		t.Errorf("%d Deployments installed in URL mode", len(deployments.Items))
	}
	assertProfileInstalled(t, c, "ext-test")
}
