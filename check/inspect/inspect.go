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

package inspect

import (
	"context"
	"fmt"
	"slices"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/check"
)

// DefaultDialTimeout bounds the TLS handshake with the webhook.
const DefaultDialTimeout = 5 * time.Second

// Options are the settings of one inspection.
type Options struct {
	// Namespace limits the namespaces looked at to one; empty means every
	// opted-in namespace.
	Namespace string
	// DialTimeout bounds the TLS handshake with the webhook.
	DialTimeout time.Duration
	// Now is the clock certificates are verified at.
	Now func() time.Time
}

// Inspector reads one cluster.
type Inspector struct {
	host   string
	cs     kubernetes.Interface
	client client.Client
	opts   Options
}

// New returns an Inspector for the cluster cfg points at.
func New(cfg *rest.Config, opts Options) (*Inspector, error) {
	if opts.DialTimeout == 0 {
		opts.DialTimeout = DefaultDialTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, apiextensionsv1.AddToScheme, v1alpha1.AddToScheme} {
		if err := add(scheme); err != nil {
			return nil, fmt.Errorf("building the scheme: %w", err)
		}
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating the Kubernetes client: %w", err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("creating the Kubernetes client: %w", err)
	}
	return &Inspector{host: cfg.Host, cs: cs, client: c, opts: opts}, nil
}

// Facts reads everything the checks look at. Errors are recorded in the
// facts they kept from being read; only a context error ends it early.
func (in *Inspector) Facts(ctx context.Context) *check.Facts {
	f := &check.Facts{Now: in.opts.Now(), API: in.apiServer()}
	if f.API.Err != nil {
		return f
	}
	f.CRD = in.crd(ctx)
	if f.CRD.Served {
		f.Profiles = in.profiles(ctx)
	}
	f.Webhook = in.webhook(ctx)
	f.Namespaces = in.namespaces(ctx)
	optedIn, _ := check.OptedIn(f.Webhook.Configs, f.Namespaces.Items)
	audited, _ := check.Audited(f.Webhook.Configs, f.Namespaces.Items)
	f.Sample = in.sample(ctx, f, optedIn, audited)
	f.Workloads = in.workloads(ctx, f, optedIn, audited)
	f.AuditRecords = in.auditRecords(ctx, optedIn, audited)
	f.RuntimeClasses = in.runtimeClasses(ctx)
	f.Nodes = in.nodes(ctx)
	return f
}

func (in *Inspector) apiServer() check.APIServer {
	a := check.APIServer{Host: in.host}
	v, err := in.cs.Discovery().ServerVersion()
	if err != nil {
		a.Err = err
		return a
	}
	a.Version = v.GitVersion
	return a
}

func (in *Inspector) crd(ctx context.Context) check.CRD {
	var c check.CRD
	list, err := in.cs.Discovery().ServerResourcesForGroupVersion(v1alpha1.GroupVersion.String())
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		c.Err = err
		return c
	default:
		c.Served = slices.ContainsFunc(list.APIResources, func(r metav1.APIResource) bool { return r.Name == "sglangprofiles" })
	}
	var obj apiextensionsv1.CustomResourceDefinition
	if err := in.client.Get(ctx, client.ObjectKey{Name: check.CRDName}, &obj); err == nil {
		c.Installed = true
		c.NotEstablished = notEstablished(&obj)
	}
	return c
}

// notEstablished is the reason a CRD is not Established, "" when it is.
func notEstablished(crd *apiextensionsv1.CustomResourceDefinition) string {
	for _, cond := range crd.Status.Conditions {
		if cond.Type == apiextensionsv1.Established {
			if cond.Status == apiextensionsv1.ConditionTrue {
				return ""
			}
			return cond.Reason + ": " + cond.Message
		}
	}
	return "it has no Established condition yet"
}

func (in *Inspector) profiles(ctx context.Context) check.Profiles {
	var list v1alpha1.SGLangProfileList
	if err := in.client.List(ctx, &list); err != nil {
		return check.Profiles{Err: err}
	}
	return check.Profiles{Items: list.Items}
}

func (in *Inspector) webhook(ctx context.Context) check.Webhook {
	var list admissionregistrationv1.MutatingWebhookConfigurationList
	if err := in.client.List(ctx, &list); err != nil {
		return check.Webhook{Err: err}
	}
	var w check.Webhook
	for _, cfg := range list.Items {
		if slices.ContainsFunc(cfg.Webhooks, func(wh admissionregistrationv1.MutatingWebhook) bool { return wh.Name == check.WebhookName }) {
			w.Configs = append(w.Configs, cfg)
		}
	}
	if cfg, wh := check.FindWebhook(w.Configs); cfg != nil {
		w.Cert = in.servingCert(ctx, cfg, wh)
	}
	return w
}

func (in *Inspector) namespaces(ctx context.Context) check.Namespaces {
	n := check.Namespaces{Only: in.opts.Namespace}
	if n.Only != "" {
		var ns corev1.Namespace
		if err := in.client.Get(ctx, client.ObjectKey{Name: n.Only}, &ns); err != nil {
			n.Err = err
			return n
		}
		n.Items = []corev1.Namespace{ns}
		return n
	}
	req, err := labels.NewRequirement(v1alpha1.LabelRewrite, selection.In, []string{v1alpha1.LabelRewriteEnabled, v1alpha1.LabelRewriteAudit})
	if err != nil {
		n.Err = err
		return n
	}
	var list corev1.NamespaceList
	if err := in.client.List(ctx, &list, client.MatchingLabelsSelector{Selector: labels.NewSelector().Add(*req)}); err != nil {
		n.Err = err
		return n
	}
	n.Items = list.Items
	return n
}

// sample dry-runs the sample pod in the first opted-in namespace, else the
// first audit namespace.
func (in *Inspector) sample(ctx context.Context, f *check.Facts, optedIn, audited []string) check.DryRun {
	ns := check.SampleNamespace(optedIn, audited)
	switch {
	case f.Namespaces.Err != nil:
		return check.DryRun{NotTried: "the namespaces cannot be read"}
	case ns == "" && f.Namespaces.Only != "":
		return check.DryRun{NotTried: fmt.Sprintf("namespace %s is not opted in", f.Namespaces.Only)}
	case ns == "":
		return check.DryRun{NotTried: "no namespace is opted in"}
	}
	return in.dryRun(ctx, check.SampleFor(f, ns))
}

func (in *Inspector) runtimeClasses(ctx context.Context) check.RuntimeClasses {
	var list nodev1.RuntimeClassList
	if err := in.client.List(ctx, &list); err != nil {
		return check.RuntimeClasses{Err: err}
	}
	var r check.RuntimeClasses
	for _, rc := range list.Items {
		r.Names = append(r.Names, rc.Name)
	}
	return r
}

func (in *Inspector) nodes(ctx context.Context) check.Nodes {
	var list corev1.NodeList
	if err := in.client.List(ctx, &list); err != nil {
		return check.Nodes{Err: err}
	}
	return check.Nodes{Items: list.Items}
}
