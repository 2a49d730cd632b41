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
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/cert-manager/cert-manager/pkg/controller/cainjector"
	cmutil "github.com/cert-manager/cert-manager/pkg/util"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
)

// TestChartInstallsWithCertManagerAndItsCAInjectorFillsTheCABundle is the
// chart's default path, for real: cert-manager's CRDs in the API server, the
// chart installed by the Helm SDK, and cert-manager's own CA injector
// (pkg/controller/cainjector) running in-process. cert-manager's issuing
// controllers do not run, so the test writes the Certificate's Secret the
// way they would, with a CA it controls.
func TestChartInstallsWithCertManagerAndItsCAInjectorFillsTheCABundle(t *testing.T) {
	c := controlPlane(t)
	const name, ns = "vllm-to-sglang", "vllm-to-sglang-system"
	// Full defaults, except the RuntimeClass, which TestCompatRuntimeClassOnARealAPIServer owns.
	vals := values(t, "compatRuntimeClass.create=never")

	if !c.ServesCertManager() {
		t.Run("without cert-manager installed the install fails and says why", func(t *testing.T) {
			_, err := c.install(t, name, ns, vals)
			if err == nil || !strings.Contains(err.Error(), "certManager.enabled=false") {
				t.Fatalf("install without cert-manager: %v; want an error pointing at certManager.enabled=false", err)
			}
		})
	}

	if err := c.InstallCertManagerCRDs(t.Context()); err != nil {
		t.Fatal(err)
	}

	t.Run("the rendered Issuers and Certificates pass strict server-side validation", func(t *testing.T) {
		c.createNamespace(t, ns)
		for _, o := range renderFor(t, name, ns, vals).objs {
			if o.GetAPIVersion() != cmapi.SchemeGroupVersion.String() {
				continue
			}
			err := c.Client.Create(t.Context(), o.DeepCopy(), client.DryRunAll, client.FieldValidation(metav1.FieldValidationStrict))
			if err != nil {
				t.Errorf("%s %s: %v", o.GetKind(), o.GetName(), err)
			}
		}
	})

	r := c.mustInstall(t, name, ns, vals)
	whName := name // the release name contains the chart name, so it is the full name
	var cert cmapi.Certificate
	c.get(t, ns, whName+"-webhook", &cert)
	var cfg admissionregistrationv1.MutatingWebhookConfiguration
	c.get(t, "", whName, &cfg)
	if got, want := cfg.Annotations[cmapi.WantInjectAnnotation], ns+"/"+cert.Name; got != want {
		t.Fatalf("installed %s annotation %q, want %q", cmapi.WantInjectAnnotation, got, want)
	}
	var vcfg admissionregistrationv1.ValidatingWebhookConfiguration
	c.get(t, "", whName, &vcfg)
	if got, want := vcfg.Annotations[cmapi.WantInjectAnnotation], ns+"/"+cert.Name; got != want {
		t.Fatalf("installed profile validator's %s annotation %q, want %q", cmapi.WantInjectAnnotation, got, want)
	}
	for _, kind := range []string{"Issuer", "Certificate"} {
		if r.kinds()[kind] == 0 {
			t.Errorf("the release installed no %s", kind)
		}
	}
	assertProfileInstalled(t, c, v1alpha1.DefaultProfileName)

	stopInjector := c.runCAInjector(t)
	ca := newCA(t, "first CA")
	c.writeCertificateSecret(t, &cert, ca)
	wh := c.waitForCABundle(t, whName, func(bundle []byte) bool { return bytes.Equal(bundle, ca.PEM) })
	assertServes(t, issue(t, ca, cert.Spec.DNSNames), wh.ClientConfig.CABundle, dialedNames(wh.ClientConfig))

	t.Run("a renewed CA is added to the caBundle next to the old one", func(t *testing.T) {
		// cert-manager 1.21 merges (CAInjectorMerging, GA): webhook pods
		// still serving a certificate from the old CA stay trusted until
		// they reload the new one, and expired CAs drop out.
		renewed := newCA(t, "renewed CA")
		c.writeCertificateSecret(t, &cert, renewed)
		wh = c.waitForCABundle(t, whName, func(bundle []byte) bool { return bytes.Contains(bundle, renewed.PEM) })
		for _, signer := range []*framework.CA{ca, renewed} {
			assertServes(t, issue(t, signer, cert.Spec.DNSNames), wh.ClientConfig.CABundle, dialedNames(wh.ClientConfig))
		}
	})
	stopInjector()

	t.Run("helm upgrade keeps the injected caBundle", func(t *testing.T) {
		c.upgrade(t, name, ns, values(t, "compatRuntimeClass.create=never", "webhook.timeoutSeconds=3"))
		upgraded := c.installedWebhook(t, whName)
		if !bytes.Equal(upgraded.ClientConfig.CABundle, wh.ClientConfig.CABundle) {
			t.Errorf("the upgrade dropped or changed the injected caBundle")
		}
		validator := c.installedProfileValidator(t, whName)
		if !bytes.Equal(validator.ClientConfig.CABundle, wh.ClientConfig.CABundle) {
			t.Errorf("the upgrade dropped or changed the profile validator's injected caBundle")
		}
		if *validator.TimeoutSeconds != 3 {
			t.Errorf("profile validator timeoutSeconds %d after the upgrade, want 3", *validator.TimeoutSeconds)
		}
		wh := upgraded
		if *wh.TimeoutSeconds != 3 {
			t.Errorf("timeoutSeconds %d after the upgrade, want 3", *wh.TimeoutSeconds)
		}
	})

	t.Run("the webhook's ServiceAccount can read SGLangProfiles and nothing else", func(t *testing.T) {
		sa := "system:serviceaccount:" + ns + ":" + whName + "-webhook"
		checks := []struct {
			attrs authorizationv1.ResourceAttributes
			want  bool
		}{
			{authorizationv1.ResourceAttributes{Group: v1alpha1.GroupVersion.Group, Resource: "sglangprofiles", Verb: "list"}, true},
			{authorizationv1.ResourceAttributes{Group: v1alpha1.GroupVersion.Group, Resource: "sglangprofiles", Verb: "watch"}, true},
			{authorizationv1.ResourceAttributes{Group: v1alpha1.GroupVersion.Group, Resource: "sglangprofiles", Verb: "update"}, false},
			{authorizationv1.ResourceAttributes{Resource: "pods", Verb: "get", Namespace: "default"}, false},
			{authorizationv1.ResourceAttributes{Resource: "secrets", Verb: "get", Namespace: ns}, false},
			{authorizationv1.ResourceAttributes{Group: "admissionregistration.k8s.io", Resource: "mutatingwebhookconfigurations", Verb: "update"}, false},
		}
		for _, check := range checks {
			sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{User: sa, ResourceAttributes: &check.attrs}}
			if err := c.Client.Create(t.Context(), sar); err != nil {
				t.Fatal(err)
			}
			if sar.Status.Allowed != check.want {
				t.Errorf("%s %s %s: allowed=%v, want %v", check.attrs.Verb, check.attrs.Resource, check.attrs.Namespace, sar.Status.Allowed, check.want)
			}
		}
	})
}

// renderFor renders like renderErr, for another release name and namespace.
func renderFor(t *testing.T, name, namespace string, vals map[string]any) *rendered {
	t.Helper()
	inst := newClientOnlyInstall(t)
	inst.ReleaseName = name
	inst.Namespace = namespace
	rel, err := inst.Run(loadChart(t), vals)
	if err != nil {
		t.Fatalf("rendering: %v", err)
	}
	return mustParse(t, rel)
}

// runCAInjector runs cert-manager's CA injector for webhook configurations,
// set up as its cainjector binary does (Certificates as a CA source, Secrets
// read directly, not cached). The returned func stops it and waits.
func (c *cluster) runCAInjector(t *testing.T) (stop func()) {
	t.Helper()
	// The user agent names the injector's server-side-apply field manager.
	cfg := cmutil.RestConfigWithUserAgent(c.Config, "cainjector")
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 c.Scheme,
		Logger:                 ctrl.Log.WithName("cainjector"),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Client:                 client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}}}},
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		t.Fatalf("creating the CA injector's manager: %v", err)
	}
	opts := cainjector.SetupOptions{
		EnableCertificatesDataSource: true,
		EnabledReconcilersFor: map[string]bool{
			cainjector.MutatingWebhookConfigurationName:   true,
			cainjector.ValidatingWebhookConfigurationName: true,
		},
	}
	if err := cainjector.RegisterAllInjectors(t.Context(), mgr, opts); err != nil {
		t.Fatalf("registering cert-manager's injectors: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := mgr.Start(ctx); err != nil {
			t.Errorf("CA injector: %v", err)
		}
	})
	stop = func() { cancel(); wg.Wait() }
	t.Cleanup(stop)
	return stop
}

// writeCertificateSecret writes the Certificate's Secret as cert-manager's
// issuing controller would: a serving certificate for its DNS names, the
// issuing CA as ca.crt, and the certificate-name annotation the injector
// checks before trusting the Secret.
func (c *cluster) writeCertificateSecret(t *testing.T, cert *cmapi.Certificate, ca *framework.CA) {
	t.Helper()
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: cert.Spec.SecretName, Namespace: cert.Namespace}}
	_, err := ctrl.CreateOrUpdate(t.Context(), c.Client, secret, func() error {
		secret.Type = corev1.SecretTypeTLS
		secret.Annotations = map[string]string{cmapi.CertificateNameKey: cert.Name}
		secret.Data = issue(t, ca, cert.Spec.DNSNames)
		return nil
	})
	if err != nil {
		t.Fatalf("writing Secret %s: %v", cert.Spec.SecretName, err)
	}
}

// waitForCABundle polls the release's webhook configurations, the pod
// webhooks' and the profile validator's, until their caBundles are as
// wanted (the audit webhooks' equal to the rewrite webhook's), and returns
// the pod rewrite webhook.
func (c *cluster) waitForCABundle(t *testing.T, name string, ok func(bundle []byte) bool) admissionregistrationv1.MutatingWebhook {
	t.Helper()
	var last, lastValidator []byte
	var wh admissionregistrationv1.MutatingWebhook
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		var cfg admissionregistrationv1.MutatingWebhookConfiguration
		if err := c.Client.Get(ctx, client.ObjectKey{Name: name}, &cfg); err != nil {
			return false, err
		}
		var vcfg admissionregistrationv1.ValidatingWebhookConfiguration
		if err := c.Client.Get(ctx, client.ObjectKey{Name: name}, &vcfg); err != nil {
			return false, err
		}
		wh = cfg.Webhooks[0]
		last, lastValidator = wh.ClientConfig.CABundle, vcfg.Webhooks[0].ClientConfig.CABundle
		for _, audit := range cfg.Webhooks[1:] { // the audit webhooks get the same bundle
			if !bytes.Equal(audit.ClientConfig.CABundle, last) {
				return false, nil
			}
		}
		return ok(last) && ok(lastValidator), nil
	})
	if err != nil {
		t.Fatalf("the CA injector did not set the caBundles (last %d bytes in the pod webhook, %d in the profile validator): %v", len(last), len(lastValidator), err)
	}
	return wh
}

func assertProfileInstalled(t *testing.T, c *cluster, name string) {
	t.Helper()
	var p v1alpha1.SGLangProfile
	c.get(t, "", name, &p)
	if p.Spec.Image == "" {
		t.Errorf("SGLangProfile %s has no image", name)
	}
}

// newCA makes a CA the test controls.
func newCA(t *testing.T, cn string) *framework.CA {
	t.Helper()
	ca, err := framework.NewCA(cn)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// issue returns Secret data with a serving certificate for dnsNames.
func issue(t *testing.T, ca *framework.CA, dnsNames []string) map[string][]byte {
	t.Helper()
	data, err := ca.Issue(dnsNames...)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
