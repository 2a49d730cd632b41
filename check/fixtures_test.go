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

package check

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// now is when the fixtures' facts were read.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const (
	webhookNS   = "vllm-to-sglang-system"
	webhookSvc  = "vllm-to-sglang-webhook"
	serviceName = webhookSvc + "." + webhookNS + ".svc"
	teamNS      = "team-a"
)

// testCA is a CA for the fixtures' serving certificates.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newCA(t testing.TB, cn string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue signs a serving certificate for the names, valid until notAfter.
func (ca *testCA) issue(t testing.TB, notAfter time.Time, names ...string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: names[0]},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     notAfter,
		DNSNames:     names,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// validUntil is the fixtures' serving certificate's expiry.
var validUntil = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

// healthy returns the facts of a cluster where everything is right: the
// chart installed with cert-manager (the check runs out of cluster, so it
// verified the certificate from the Secret), one opted-in namespace with
// the production stack's tp=8 Deployment, two MI300X nodes.
func healthy(t testing.TB) *Facts {
	t.Helper()
	ca := newCA(t, "vllm-to-sglang-ca")
	f := &Facts{
		Now:      now,
		API:      APIServer{Host: "https://10.0.0.1:6443", Version: "v1.33.1"},
		CRD:      CRD{Served: true, Installed: true},
		Profiles: Profiles{Items: []v1alpha1.SGLangProfile{*profile.Default()}},
		Webhook: Webhook{
			Configs: []admissionregistrationv1.MutatingWebhookConfiguration{webhookConfig(ca.pem)},
			Cert: ServingCert{
				ServerName: serviceName,
				Source:     "Secret " + webhookNS + "/vllm-to-sglang-webhook-tls",
				Chain:      []*x509.Certificate{ca.issue(t, validUntil, serviceName, serviceName+".cluster.local")},
				DialErr:    errors.New("dial tcp: lookup " + serviceName + ": no such host"),
			},
		},
		Namespaces:     Namespaces{Items: []corev1.Namespace{namespace(teamNS, true)}},
		RuntimeClasses: RuntimeClasses{Names: []string{"nvidia"}},
		Nodes:          Nodes{Items: []corev1.Node{gpuNode("mi300x-a", 8), gpuNode("mi300x-b", 8), cpuNode("cpu-a")}},
	}
	f.Sample = admitted(t, f, SamplePod(teamNS))
	f.Workloads.Items = []Workload{productionStack(t, f)}
	return f
}

// webhookConfig is the chart's configuration (cert-manager mode).
func webhookConfig(caBundle []byte) admissionregistrationv1.MutatingWebhookConfiguration {
	return admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{
			Name:        "vllm-to-sglang",
			Annotations: map[string]string{injectCAAnnotation: webhookNS + "/" + webhookSvc},
		},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name: WebhookName,
			ClientConfig: admissionregistrationv1.WebhookClientConfig{
				Service: &admissionregistrationv1.ServiceReference{
					Namespace: webhookNS, Name: webhookSvc, Path: ptr.To("/mutate--v1-pod"), Port: ptr.To[int32](443),
				},
				CABundle: caBundle,
			},
			FailurePolicy: ptr.To(admissionregistrationv1.Fail),
			NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: v1alpha1.LabelRewrite, Operator: metav1.LabelSelectorOpIn, Values: []string{v1alpha1.LabelRewriteEnabled}},
				{Key: corev1.LabelMetadataName, Operator: metav1.LabelSelectorOpNotIn, Values: []string{"kube-system", webhookNS}},
			}},
		}, {
			Name: AuditWebhookName,
			ClientConfig: admissionregistrationv1.WebhookClientConfig{
				Service: &admissionregistrationv1.ServiceReference{
					Namespace: webhookNS, Name: webhookSvc, Path: ptr.To("/audit--v1-pod"), Port: ptr.To[int32](443),
				},
				CABundle: caBundle,
			},
			FailurePolicy: ptr.To(admissionregistrationv1.Ignore),
			NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: v1alpha1.LabelRewrite, Operator: metav1.LabelSelectorOpIn, Values: []string{v1alpha1.LabelRewriteAudit}},
				{Key: corev1.LabelMetadataName, Operator: metav1.LabelSelectorOpNotIn, Values: []string{"kube-system", webhookNS}},
			}},
		}},
	}
}

func namespace(name string, optedIn bool) corev1.Namespace {
	ns := corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{corev1.LabelMetadataName: name}}}
	if optedIn {
		ns.Labels[v1alpha1.LabelRewrite] = v1alpha1.LabelRewriteEnabled
	}
	return ns
}

func gpuNode(name string, gpus int64) corev1.Node {
	n := cpuNode(name)
	q := *resource.NewQuantity(gpus, resource.DecimalSI)
	n.Status.Capacity["amd.com/gpu"] = q
	n.Status.Allocatable["amd.com/gpu"] = q
	return n
}

func cpuNode(name string) corev1.Node {
	return corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{corev1.LabelHostname: name}},
		Status: corev1.NodeStatus{
			Capacity:    corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("64")},
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("63")},
		},
	}
}

// admitted is the dry run of a pod the webhook (here: the rewrite with
// the facts' profile) rewrote or left alone.
func admitted(t testing.TB, f *Facts, pod *corev1.Pod) DryRun {
	t.Helper()
	out := pod.DeepCopy()
	res := Resolve(f, pod.Namespace, &corev1.PodTemplateSpec{ObjectMeta: out.ObjectMeta, Spec: out.Spec})
	if res.Profile == nil {
		t.Fatalf("%s resolves to no profile (%s)", pod.GenerateName, res.Why())
	}
	report, err := rewrite.Rewrite(&out.ObjectMeta, &out.Spec, res.Profile.Spec, rewrite.Options{ProfileName: res.Name, ProxyImage: "ghcr.io/vllm-to-sglang/vllm-to-sglang:v0.1.0"})
	if err != nil {
		t.Fatalf("rewriting %s: %v", pod.GenerateName, err)
	}
	return DryRun{Tried: true, Namespace: pod.Namespace, Pod: out, Warnings: report.Warnings()}
}

// refused is the dry run of a pod the API server refused.
func refused(namespace, msg string) DryRun {
	return DryRun{Tried: true, Namespace: namespace, Err: errors.New(msg)}
}

// productionStack is the vLLM production stack's tp=8 Deployment (with
// its default runtimeClassName: nvidia) in the opted-in namespace.
func productionStack(t testing.TB, f *Facts) Workload {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "test", "testdata", "production-stack-helm-tp8-devstral-tools.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var d appsv1.Deployment
	if err := yaml.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	w := Workload{Kind: "Deployment", Namespace: teamNS, Name: d.Name, Template: d.Spec.Template}
	w.DryRun = admitted(t, f, templatePod(&w))
	return w
}

// templatePod is the pod check/inspect makes from a workload's template.
func templatePod(w *Workload) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: *w.Template.ObjectMeta.DeepCopy(), Spec: *w.Template.Spec.DeepCopy()}
}

// vllmWorkload is a one-GPU vLLM Deployment; change mutates its template.
func vllmWorkload(t testing.TB, f *Facts, name string, change func(*corev1.PodTemplateSpec)) Workload {
	t.Helper()
	pod := SamplePod(teamNS)
	w := Workload{Kind: "Deployment", Namespace: teamNS, Name: name,
		Template: corev1.PodTemplateSpec{ObjectMeta: pod.ObjectMeta, Spec: pod.Spec}}
	w.Template.GenerateName = ""
	if change != nil {
		change(&w.Template)
	}
	w.DryRun = admitted(t, f, templatePod(&w))
	return w
}
