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

package checktest

import (
	"context"
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/check"
	"github.com/vllm-to-sglang/vllm-to-sglang/check/inspect"
	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
)

// The objects of a webhook installed behind a Service, as the chart's
// in-cluster mode (with cert-manager) and config/default install it.
const (
	svcName          = "vllm-to-sglang-webhook"
	mountedSecret    = "vllm-to-sglang-webhook-tls"
	certManagerCert  = "vllm-to-sglang-webhook"
	certManagerOut   = "vllm-to-sglang-webhook-cm-tls"
	serviceModeName  = "aaa-service-mode" // sorts first: the check looks at it
	serviceDNSName   = svcName + "." + releaseNamespace + ".svc"
	serviceModeLabel = "vllm-to-sglang.io/check-test"
)

// TestTheCertificateOfAWebhookBehindAServiceIsReadFromItsSecret runs the
// check out of cluster, where SERVICE.NAMESPACE.svc does not resolve, as
// the user holding the documented RBAC. The webhook configuration under
// test matches no namespace (it is never called) and sorts before the
// chart's, so the certificate check looks at it.
func TestTheCertificateOfAWebhookBehindAServiceIsReadFromItsSecret(t *testing.T) {
	ca, err := framework.NewCA("service-mode CA")
	if err != nil {
		t.Fatal(err)
	}
	other, err := framework.NewCA("another CA")
	if err != nil {
		t.Fatal(err)
	}
	createServiceModeWebhook(t, ca)
	tests := map[string]struct {
		caBundle    []byte
		certManager bool // the configuration carries cert-manager's inject-ca-from
		wantStatus  check.Status
		wantSource  string
	}{
		"the Secret the webhook Deployment behind the Service mounts verifies": {
			caBundle: ca.PEM, wantStatus: check.Passed, wantSource: "Secret " + releaseNamespace + "/" + mountedSecret,
		},
		"with cert-manager's inject-ca-from, the Secret its Certificate names is read": {
			caBundle: ca.PEM, certManager: true, wantStatus: check.Passed, wantSource: "Secret " + releaseNamespace + "/" + certManagerOut,
		},
		"a caBundle of another CA fails": {
			caBundle: other.PEM, wantStatus: check.Failed, wantSource: "Secret " + releaseNamespace + "/" + mountedSecret,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			setServiceModeConfig(t, tc.caBundle, tc.certManager)
			rs := runCheck(t, checker(t), inspect.Options{})
			var got *check.Result
			for i := range rs {
				if rs[i].Check == check.CheckWebhookCertificate {
					got = &rs[i]
				}
			}
			if got == nil {
				t.Fatalf("no certificate check:\n%s", dump(rs))
			}
			if got.Status != tc.wantStatus || !strings.Contains(got.Message, "(from "+tc.wantSource+")") ||
				!strings.Contains(got.Message, serviceDNSName) {
				t.Errorf("%s: %s\n%s", got.Status, got.Message, dump(rs))
			}
			if tc.wantStatus == check.Passed && !strings.Contains(strings.Join(got.Details, "\n"), "not dialled") {
				t.Errorf("details %q do not say the Service was not dialled", got.Details)
			}
		})
	}
}

// createServiceModeWebhook creates the Secrets, Service, Deployment and
// Certificate of a webhook behind a Service, and a configuration calling
// it; all are deleted when the test ends.
func createServiceModeWebhook(t *testing.T, ca *framework.CA) {
	t.Helper()
	tlsData, err := ca.Issue(serviceDNSName, serviceDNSName+".cluster.local")
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"app.kubernetes.io/name": "service-mode-webhook"}
	objs := []client.Object{
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: mountedSecret, Namespace: releaseNamespace}, Type: corev1.SecretTypeTLS, Data: tlsData},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: certManagerOut, Namespace: releaseNamespace}, Type: corev1.SecretTypeTLS, Data: tlsData},
		&corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: svcName, Namespace: releaseNamespace},
			Spec:       corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Port: 443}}},
		},
		&appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "service-mode-webhook", Namespace: releaseNamespace},
			Spec: appsv1.DeploymentSpec{
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{
						Containers: []corev1.Container{{Name: "webhook", Image: "ghcr.io/vllm-to-sglang/vllm-to-sglang:v0.1.0"}},
						Volumes: []corev1.Volume{{Name: "cert", VolumeSource: corev1.VolumeSource{
							Secret: &corev1.SecretVolumeSource{SecretName: mountedSecret},
						}}},
					},
				},
			},
		},
		&cmapi.Certificate{
			ObjectMeta: metav1.ObjectMeta{Name: certManagerCert, Namespace: releaseNamespace},
			Spec: cmapi.CertificateSpec{
				SecretName: certManagerOut, DNSNames: []string{serviceDNSName},
				IssuerRef: cmmeta.IssuerReference{Name: "vllm-to-sglang-ca", Kind: "Issuer"},
			},
		},
		serviceModeConfig(nil, false),
	}
	for _, obj := range objs {
		if err := suite.cp.Client.Create(t.Context(), obj); err != nil {
			t.Fatalf("creating %T %s: %v", obj, obj.GetName(), err)
		}
		t.Cleanup(func() {
			if err := suite.cp.Client.Delete(context.WithoutCancel(t.Context()), obj); client.IgnoreNotFound(err) != nil {
				t.Errorf("deleting %T %s: %v", obj, obj.GetName(), err)
			}
		})
	}
}

// serviceModeConfig calls the Service, for no namespace at all.
func serviceModeConfig(caBundle []byte, certManager bool) *admissionregistrationv1.MutatingWebhookConfiguration {
	cfg := &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: serviceModeName},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name: check.WebhookName,
			ClientConfig: admissionregistrationv1.WebhookClientConfig{
				Service:  &admissionregistrationv1.ServiceReference{Namespace: releaseNamespace, Name: svcName, Path: ptr.To("/mutate--v1-pod")},
				CABundle: caBundle,
			},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
			}},
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{serviceModeLabel: "never"}},
			FailurePolicy:           ptr.To(admissionregistrationv1.Ignore),
			SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
			AdmissionReviewVersions: []string{"v1"},
		}},
	}
	if certManager {
		cfg.Annotations = map[string]string{"cert-manager.io/inject-ca-from": releaseNamespace + "/" + certManagerCert}
	}
	return cfg
}

func setServiceModeConfig(t *testing.T, caBundle []byte, certManager bool) {
	t.Helper()
	var cfg admissionregistrationv1.MutatingWebhookConfiguration
	if err := suite.cp.Client.Get(t.Context(), client.ObjectKey{Name: serviceModeName}, &cfg); err != nil {
		t.Fatal(err)
	}
	want := serviceModeConfig(caBundle, certManager)
	cfg.Annotations = want.Annotations
	cfg.Webhooks[0].ClientConfig.CABundle = caBundle
	if err := suite.cp.Client.Update(t.Context(), &cfg); err != nil {
		t.Fatal(err)
	}
}
