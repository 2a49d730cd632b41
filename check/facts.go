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
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// WebhookName is the name of the webhook inside the
// MutatingWebhookConfiguration, the same in the chart and in config/ (it
// comes from the marker in webhook/setup.go). The configuration's own name
// differs between them (the Helm release's full name; kustomize's prefixed
// mutating-webhook-configuration), so configurations are found by it.
const WebhookName = "rewrite.vllm-to-sglang.io"

// AuditWebhookName is the webhook that audits the pods of namespaces
// labelled vllm-to-sglang.io/rewrite=audit (webhook/setup.go's marker).
const AuditWebhookName = "audit.vllm-to-sglang.io"

// Facts is what check/inspect read from the cluster. Each part carries the
// error that kept it from being read, if any; a nil slice with a nil error
// means "there are none".
type Facts struct {
	// Now is when the facts were read; certificates are verified at it.
	Now time.Time
	// API is the API server.
	API APIServer
	// CRD is the SGLangProfile CustomResourceDefinition.
	CRD CRD
	// Profiles are every SGLangProfile, as stored (the API server has
	// applied the CRD's defaults).
	Profiles Profiles
	// Webhook is the webhook's configuration and certificate.
	Webhook Webhook
	// Namespaces are the namespaces labelled vllm-to-sglang.io/rewrite=enabled
	// or =audit (only those can match the webhooks' namespaceSelectors).
	Namespaces Namespaces
	// Sample is the server-side dry-run create of a sample vLLM pod in an
	// opted-in namespace.
	Sample DryRun
	// Workloads are the Deployments and StatefulSets of the opted-in and
	// audit namespaces whose pods run vLLM, each with its own dry run.
	Workloads Workloads
	// AuditRecords are the audit records of the pods of the audit
	// namespaces, and of the pods labelled vllm-to-sglang.io/rewrite=audit
	// in the opted-in ones.
	AuditRecords AuditRecords
	// RuntimeClasses are the names of the cluster's RuntimeClasses.
	RuntimeClasses RuntimeClasses
	// Nodes are the cluster's nodes.
	Nodes Nodes

	// profiles is Profiles as the webhook resolves pods against them, built
	// once for a Run (see withProfileSet); nil: profileSet builds it.
	profiles *profile.Set
}

// APIServer is whether the API server could be reached.
type APIServer struct {
	// Host is the server's address, as the kubeconfig names it.
	Host string
	// Version is its git version (v1.33.1).
	Version string
	Err     error
}

// CRD is what discovery and the CRD object say about SGLangProfiles.
type CRD struct {
	// Served: discovery lists sglangprofiles in shim.vllm-to-sglang.io/v1alpha1.
	Served bool
	// Installed: the CustomResourceDefinition object exists (it may exist
	// without being served yet, while it is not Established).
	Installed bool
	// NotEstablished is the reason of a CRD that is not Established.
	NotEstablished string
	Err            error
}

// Profiles are the cluster's SGLangProfiles.
type Profiles struct {
	Items []v1alpha1.SGLangProfile
	Err   error
}

// Webhook is the webhook's configuration and serving certificate.
type Webhook struct {
	// Configs are the MutatingWebhookConfigurations holding a webhook named
	// WebhookName (normally exactly one).
	Configs []admissionregistrationv1.MutatingWebhookConfiguration
	Err     error
	// Cert is the serving certificate of the first configuration's webhook.
	Cert ServingCert
}

// ServingCert is the webhook's serving certificate chain, and how it was
// obtained.
type ServingCert struct {
	// ServerName is the name the API server verifies: the URL's host, or
	// SERVICE.NAMESPACE.svc.
	ServerName string
	// Source says where Chain came from ("a TLS handshake with HOST:PORT",
	// "Secret NS/NAME").
	Source string
	// Chain is the certificate chain, leaf first.
	Chain []*x509.Certificate
	// DialErr is why the endpoint could not be dialled, when Chain came
	// from elsewhere or not at all.
	DialErr error
	// Err is why no chain could be obtained at all.
	Err error
}

// Namespaces are the opted-in namespaces.
type Namespaces struct {
	// Only is the namespace the check was limited to (--namespace), if any.
	Only  string
	Items []corev1.Namespace
	Err   error
}

// DryRun is the outcome of a server-side dry-run create of a pod.
type DryRun struct {
	// Tried is false when the dry run was not attempted (NotTried says why).
	Tried    bool
	NotTried string
	// Namespace is where the pod was created.
	Namespace string
	// Pod is the pod the API server would have stored (after every
	// mutating webhook), when it admitted it.
	Pod *corev1.Pod
	// Warnings are the admission warnings of the response.
	Warnings []string
	// Err is the API server's refusal.
	Err error
}

// Workloads are the vLLM workloads of the opted-in and audit namespaces.
type Workloads struct {
	Items []Workload
	Err   error
}

// Workload is a Deployment or StatefulSet whose pods run vLLM.
type Workload struct {
	// Kind is Deployment or StatefulSet.
	Kind      string
	Namespace string
	Name      string
	// Template is its pod template.
	Template corev1.PodTemplateSpec
	// Audit: its pods are audited, not rewritten (its namespace, or its
	// template, is labelled vllm-to-sglang.io/rewrite=audit).
	Audit bool
	// DryRun is the dry-run create of a pod made from the template.
	DryRun DryRun
}

// AuditRecords are the pods that carry an audit record, per namespace.
type AuditRecords struct {
	// Namespaces are the namespaces looked at: the audit namespaces, and
	// the opted-in ones that have pods labelled audit.
	Namespaces []string
	Items      []AuditedPod
	Err        error
}

// AuditedPod is a pod whose status annotation is an audit record.
type AuditedPod struct {
	Namespace, Name string
	// Created is the pod's creationTimestamp.
	Created time.Time
	// Record is the record; nil when it does not parse (Err says why).
	Record *rewrite.AuditRecord
	Err    error
}

// Ref names the workload as kubectl does: Kind ns/name.
func (w *Workload) Ref() string { return w.Kind + " " + w.Namespace + "/" + w.Name }

// RuntimeClasses are the names of the cluster's RuntimeClasses.
type RuntimeClasses struct {
	Names []string
	Err   error
}

// Nodes are the cluster's nodes.
type Nodes struct {
	Items []corev1.Node
	Err   error
}
