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
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// injectCAAnnotation is cert-manager's CA injector annotation.
const injectCAAnnotation = "cert-manager.io/inject-ca-from"

func runWebhook(f *Facts, rs *results) {
	rs.add(webhookConfiguration(f))
	if !rs.passed(CheckWebhookConfiguration) {
		rs.add(skipped(GroupWebhook, CheckWebhookCertificate, "", "the webhook's certificate", "there is no webhook configuration"))
		rs.add(skipped(GroupWebhook, CheckWebhookAnswers, "", "the webhook's answer to a sample pod", "there is no webhook configuration"))
		return
	}
	rs.add(webhookCertificate(f))
	rs.add(webhookAnswers(f, rs))
}

// FindWebhook returns the configuration holding WebhookName that the
// checks look at (the first by name) and the webhook in it.
func FindWebhook(configs []admissionregistrationv1.MutatingWebhookConfiguration) (*admissionregistrationv1.MutatingWebhookConfiguration, *admissionregistrationv1.MutatingWebhook) {
	sorted := slices.Clone(configs)
	slices.SortFunc(sorted, func(a, b admissionregistrationv1.MutatingWebhookConfiguration) int {
		return strings.Compare(a.Name, b.Name)
	})
	for i := range sorted {
		for j := range sorted[i].Webhooks {
			if sorted[i].Webhooks[j].Name == WebhookName {
				return &sorted[i], &sorted[i].Webhooks[j]
			}
		}
	}
	return nil, nil
}

func webhookConfiguration(f *Facts) Result {
	r := Result{Group: GroupWebhook, Check: CheckWebhookConfiguration}
	if f.Webhook.Err != nil {
		return readFailed(GroupWebhook, CheckWebhookConfiguration, "MutatingWebhookConfigurations", f.Webhook.Err)
	}
	cfg, wh := FindWebhook(f.Webhook.Configs)
	if cfg == nil {
		r.Status = Failed
		r.Message = fmt.Sprintf("no MutatingWebhookConfiguration holds the webhook %s: no pod is rewritten", WebhookName)
		r.Hint = installHint + "; or kubectl apply -f dist/install.yaml (make build-installer)"
		return r
	}
	r.Status = Passed
	r.Message = fmt.Sprintf("MutatingWebhookConfiguration %q calls %s (failurePolicy %s)",
		cfg.Name, DescribeClientConfig(wh.ClientConfig), failurePolicy(wh))
	if len(f.Webhook.Configs) > 1 {
		r.Status = Warning
		var names []string
		for _, c := range f.Webhook.Configs {
			names = append(names, c.Name)
		}
		slices.Sort(names)
		r.Message = fmt.Sprintf("%d MutatingWebhookConfigurations hold the webhook %s: %s", len(names), WebhookName, strings.Join(names, ", "))
		r.Hint = "install the chart once per cluster: helm uninstall the extra releases (each webhook is on the path of every vLLM pod, so each outage blocks them)"
	}
	return r
}

// DescribeClientConfig says where the API server sends requests.
func DescribeClientConfig(cc admissionregistrationv1.WebhookClientConfig) string {
	if cc.URL != nil {
		return *cc.URL
	}
	if cc.Service == nil {
		return "nothing (no url, no service)"
	}
	return fmt.Sprintf("service %s/%s:%d%s", cc.Service.Namespace, cc.Service.Name, ServicePort(cc.Service), pathOf(cc.Service))
}

// ServicePort is the service port the API server dials (443 when unset).
func ServicePort(s *admissionregistrationv1.ServiceReference) int32 {
	if s.Port != nil {
		return *s.Port
	}
	return 443
}

func pathOf(s *admissionregistrationv1.ServiceReference) string {
	if s.Path != nil {
		return *s.Path
	}
	return ""
}

func failurePolicy(wh *admissionregistrationv1.MutatingWebhook) admissionregistrationv1.FailurePolicyType {
	if wh.FailurePolicy != nil {
		return *wh.FailurePolicy
	}
	return admissionregistrationv1.Fail
}

func webhookCertificate(f *Facts) Result {
	r := Result{Group: GroupWebhook, Check: CheckWebhookCertificate, Status: Failed}
	cfg, wh := FindWebhook(f.Webhook.Configs)
	cert := f.Webhook.Cert
	if len(wh.ClientConfig.CABundle) == 0 {
		r.Message = "the webhook's caBundle is empty: the API server cannot trust the webhook"
		r.Hint = caHint(cfg, wh)
		return r
	}
	if cert.Err != nil {
		r.Status = Warning
		r.Message = fmt.Sprintf("cannot get the webhook's serving certificate to verify it: %v", cert.Err)
		if cert.DialErr != nil {
			r.Details = []string{fmt.Sprintf("dialling it: %v", cert.DialErr)}
		}
		r.Hint = "the sample pod below shows whether the API server can call the webhook; to verify the certificate itself, run the check in the cluster (it dials the Service) or as a user that may get the webhook's TLS Secret"
		return r
	}
	leaf, err := VerifyServingCert(wh.ClientConfig.CABundle, cert.Chain, cert.ServerName, f.Now)
	if err != nil {
		r.Message = fmt.Sprintf("the caBundle does not verify the serving certificate of %s (from %s): %v", cert.ServerName, cert.Source, err)
		r.Hint = caHint(cfg, wh)
		return r
	}
	r.Status = Passed
	r.Message = fmt.Sprintf("the caBundle verifies the serving certificate of %s (from %s)", cert.ServerName, cert.Source)
	r.Details = []string{fmt.Sprintf("certificate %q issued by %q, valid until %s",
		leaf.Subject.String(), leaf.Issuer.String(), leaf.NotAfter.UTC().Format(time.RFC3339))}
	if cert.DialErr != nil {
		r.Details = append(r.Details, fmt.Sprintf("not dialled: %v", cert.DialErr))
	}
	return r
}

// errNoCA: the caBundle holds no PEM certificate.
var errNoCA = errors.New("the caBundle holds no PEM certificate")

// VerifyServingCert verifies a serving certificate chain (leaf first) for
// serverName against the caBundle, as the API server does before it sends
// an AdmissionReview, and returns the leaf.
func VerifyServingCert(caBundle []byte, chain []*x509.Certificate, serverName string, now time.Time) (*x509.Certificate, error) {
	if len(chain) == 0 {
		return nil, errors.New("no certificate")
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caBundle) {
		return nil, errNoCA
	}
	intermediates := x509.NewCertPool()
	for _, c := range chain[1:] {
		intermediates.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{
		DNSName:       serverName,
		Roots:         roots,
		Intermediates: intermediates,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	return chain[0], err
}

// caHint says who fills the caBundle in each installation mode.
func caHint(cfg *admissionregistrationv1.MutatingWebhookConfiguration, wh *admissionregistrationv1.MutatingWebhook) string {
	if from := cfg.Annotations[injectCAAnnotation]; from != "" {
		return fmt.Sprintf("cert-manager's CA injector fills the caBundle from Certificate %s: check that it is Ready (kubectl get certificate -n %s) and that cert-manager-cainjector runs", from, strings.SplitN(from, "/", 2)[0])
	}
	if wh.ClientConfig.URL != nil {
		return "set the caBundle to the CA that signed the webhook's serving certificate (chart value webhook.caBundle: base64 of ca.crt)"
	}
	return "with Helm-generated certificates the caBundle and the webhook's TLS Secret must come from one CA: delete the Secret and run helm upgrade, which generates both again (docs/chart.md)"
}

func webhookAnswers(f *Facts, rs *results) Result {
	const what = "the webhook's answer to a sample vLLM pod"
	switch {
	case rs.status(CheckWebhookCertificate) == Failed:
		return skipped(GroupWebhook, CheckWebhookAnswers, "", what, "the API server cannot verify the webhook's certificate (see above)")
	case len(f.Profiles.Items) == 0:
		return skipped(GroupWebhook, CheckWebhookAnswers, "", what, "the sample pod needs an SGLangProfile, and there is none")
	case rs.failed(CheckProfileValid, profileSubject(sampleProfileName(f))):
		return skipped(GroupWebhook, CheckWebhookAnswers, "", what, fmt.Sprintf("the SGLangProfile %q it would use is invalid", sampleProfileName(f)))
	}
	r := Result{Group: GroupWebhook, Check: CheckWebhookAnswers}
	s := f.Sample
	if !s.Tried {
		r.Status = Warning
		r.Message = "the webhook was not tried: " + s.NotTried
		r.Hint = fmt.Sprintf("opt a namespace in (kubectl label namespace NAME %s=%s) and run the check again", v1alpha1.LabelRewrite, v1alpha1.LabelRewriteEnabled)
		return r
	}
	if s.Err != nil {
		return sampleRefused(f, s)
	}
	if rec, audited, _ := rewrite.ReadAudit(&s.Pod.ObjectMeta); audited && rec.Decision == rewrite.DecisionRewrite {
		r.Status = Passed
		r.Message = fmt.Sprintf("the webhook audited a sample vLLM pod (server-side dry run in namespace %s, in audit mode): it would be rewritten with SGLangProfile %s", s.Namespace, rec.Profile)
		r.Details = warningLines(s.Warnings)
		return r
	}
	if !IsRewritten(s.Pod) {
		r.Status = Failed
		r.Message = fmt.Sprintf("the API server admitted a sample vLLM pod in namespace %s unchanged: the webhook was not called, or left it alone", s.Namespace)
		r.Details = warningLines(s.Warnings)
		r.Hint = "compare the webhook configuration's namespaceSelector, objectSelector and matchConditions with the namespace (kubectl get mutatingwebhookconfiguration -o yaml), and read the webhook's log"
		return r
	}
	r.Status = Passed
	r.Message = fmt.Sprintf("the webhook rewrote a sample vLLM pod (server-side dry run in namespace %s)", s.Namespace)
	if name := SampleProfile(f); name != "" {
		r.Message += fmt.Sprintf(", named SGLangProfile %s: there is no default profile", name)
	}
	r.Details = warningLines(s.Warnings)
	return r
}

// sampleProfileName is the profile the sample pod gets.
func sampleProfileName(f *Facts) string {
	if name := SampleProfile(f); name != "" {
		return name
	}
	return v1alpha1.DefaultProfileName
}

// sampleRefused explains why the sample pod was not admitted.
func sampleRefused(f *Facts, s DryRun) Result {
	r := Result{Group: GroupWebhook, Check: CheckWebhookAnswers, Status: Failed}
	switch Classify(s.Err) {
	case RefusedWebhookUnreachable:
		r.Message = "the API server cannot call the webhook"
		r.Details = []string{s.Err.Error()}
		_, wh := FindWebhook(f.Webhook.Configs)
		r.Hint = unreachableHint(wh)
	case RefusedByWebhook:
		r.Message = "the webhook denied a sample vLLM pod"
		r.Details = []string{s.Err.Error()}
		r.Hint = "the message says why; the webhook's log has the details"
	default:
		r.Message = fmt.Sprintf("the API server refused a sample vLLM pod in namespace %s", s.Namespace)
		r.Details = []string{s.Err.Error()}
		r.Hint = "the message says which admission step refused it (Pod Security, a quota, another webhook); check in another opted-in namespace with --namespace"
	}
	return r
}

func unreachableHint(wh *admissionregistrationv1.MutatingWebhook) string {
	if wh == nil || wh.ClientConfig.Service == nil {
		return "is the webhook serving at that URL, and reachable from the API server?"
	}
	svc := wh.ClientConfig.Service
	return fmt.Sprintf("are the webhook pods Ready? kubectl -n %s get pods,endpointslices; kubectl -n %s describe service %s; their log says why they are not",
		svc.Namespace, svc.Namespace, svc.Name)
}

// Refusal is what kind of refusal a dry-run create met.
type Refusal int

// The kinds of refusal Classify tells apart.
const (
	RefusedOther Refusal = iota
	// RefusedWebhookUnreachable: the API server could not call our webhook
	// (down, no endpoints, TLS failure, timeout).
	RefusedWebhookUnreachable
	// RefusedByWebhook: our webhook denied the pod.
	RefusedByWebhook
	// RefusedRuntimeClass: the RuntimeClass admission plugin refused a pod
	// naming a missing class.
	RefusedRuntimeClass
)

// Classify reads the API server's refusal of a pod. The messages are the
// API server's own (k8s.io/apiserver's webhook errors, the RuntimeClass
// plugin's "pod rejected").
func Classify(err error) Refusal {
	msg := err.Error()
	switch {
	case strings.Contains(msg, fmt.Sprintf("failed calling webhook %q", WebhookName)):
		return RefusedWebhookUnreachable
	case strings.Contains(msg, fmt.Sprintf("admission webhook %q denied the request", WebhookName)):
		return RefusedByWebhook
	case strings.Contains(msg, "pod rejected: RuntimeClass"):
		return RefusedRuntimeClass
	}
	return RefusedOther
}

// IsRewritten reports whether a pod carries the rewrite's status annotation
// and the proxy container.
func IsRewritten(pod *corev1.Pod) bool {
	if pod == nil {
		return false
	}
	if _, ok := pod.Annotations[v1alpha1.AnnotationStatus]; !ok {
		return false
	}
	for _, list := range [][]corev1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for _, c := range list {
			if c.Name == v1alpha1.ProxyContainerName {
				return true
			}
		}
	}
	return false
}

func warningLines(ws []string) []string {
	var out []string
	for _, w := range ws {
		out = append(out, "Warning: "+w)
	}
	return out
}
