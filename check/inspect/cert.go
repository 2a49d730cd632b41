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
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/check"
)

const (
	// injectCAFrom is cert-manager's CA injector annotation: NS/CERTIFICATE.
	injectCAFrom = "cert-manager.io/inject-ca-from"
	// tlsCertKey is the certificate's key in a kubernetes.io/tls Secret.
	tlsCertKey = corev1.TLSCertKey
)

var certificateGVK = schema.GroupVersionKind{Group: "cert-manager.io", Version: "v1", Kind: "Certificate"}

// servingCert fetches the webhook's serving certificate chain: by a TLS
// handshake where the API server would connect, else from its TLS Secret.
func (in *Inspector) servingCert(ctx context.Context, cfg *admissionregistrationv1.MutatingWebhookConfiguration, wh *admissionregistrationv1.MutatingWebhook) check.ServingCert {
	cc := wh.ClientConfig
	if cc.URL != nil {
		return in.urlCert(ctx, *cc.URL)
	}
	if cc.Service == nil {
		return check.ServingCert{Err: errors.New("the webhook has neither a url nor a service")}
	}
	svc := cc.Service
	c := check.ServingCert{ServerName: fmt.Sprintf("%s.%s.svc", svc.Name, svc.Namespace)}
	addr := net.JoinHostPort(c.ServerName, strconv.Itoa(int(check.ServicePort(svc))))
	chain, err := in.handshake(ctx, addr, c.ServerName)
	if err == nil {
		c.Chain, c.Source = chain, "a TLS handshake with "+addr
		return c
	}
	c.DialErr = err
	secret, err := in.tlsSecretName(ctx, cfg, svc)
	if err != nil {
		c.Err = err
		return c
	}
	c.Chain, c.Err = in.secretChain(ctx, svc.Namespace, secret)
	c.Source = fmt.Sprintf("Secret %s/%s", svc.Namespace, secret)
	return c
}

func (in *Inspector) urlCert(ctx context.Context, raw string) check.ServingCert {
	u, err := url.Parse(raw)
	if err != nil {
		return check.ServingCert{Err: fmt.Errorf("parsing the webhook url: %w", err)}
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	addr := net.JoinHostPort(u.Hostname(), port)
	c := check.ServingCert{ServerName: u.Hostname(), Source: "a TLS handshake with " + addr}
	c.Chain, c.Err = in.handshake(ctx, addr, u.Hostname())
	c.DialErr = c.Err
	return c
}

// handshake returns the certificate chain a TLS server presents for
// serverName. It does not verify it: the check verifies it against the
// webhook's caBundle, as the API server would.
func (in *Inspector) handshake(ctx context.Context, addr, serverName string) ([]*x509.Certificate, error) {
	ctx, cancel := context.WithTimeout(ctx, in.opts.DialTimeout)
	defer cancel()
	d := tls.Dialer{Config: &tls.Config{
		ServerName:         serverName,
		InsecureSkipVerify: true, //nolint:gosec // verified against the caBundle by check.VerifyServingCert
		MinVersion:         tls.VersionTLS12,
	}}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close() //nolint:errcheck // only the handshake was needed
	return conn.(*tls.Conn).ConnectionState().PeerCertificates, nil
}

// tlsSecretName finds the Secret holding the serving certificate: the one
// cert-manager's Certificate writes, else one the webhook Deployment behind
// the Service mounts.
func (in *Inspector) tlsSecretName(ctx context.Context, cfg *admissionregistrationv1.MutatingWebhookConfiguration, svc *admissionregistrationv1.ServiceReference) (string, error) {
	if from := cfg.Annotations[injectCAFrom]; from != "" {
		if name, err := in.certificateSecret(ctx, from); err == nil {
			return name, nil
		}
	}
	return in.mountedSecret(ctx, svc)
}

func (in *Inspector) certificateSecret(ctx context.Context, from string) (string, error) {
	ns, name, ok := strings.Cut(from, "/")
	if !ok {
		return "", fmt.Errorf("%s %q is not NAMESPACE/NAME", injectCAFrom, from)
	}
	cert := &unstructured.Unstructured{}
	cert.SetGroupVersionKind(certificateGVK)
	if err := in.client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, cert); err != nil {
		return "", err
	}
	secret, _, err := unstructured.NestedString(cert.Object, "spec", "secretName")
	if err != nil || secret == "" {
		return "", fmt.Errorf("certificate %s has no spec.secretName", from)
	}
	return secret, nil
}

// mountedSecret is the first Secret volume of a Deployment whose pods the
// Service selects.
func (in *Inspector) mountedSecret(ctx context.Context, ref *admissionregistrationv1.ServiceReference) (string, error) {
	var svc corev1.Service
	if err := in.client.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, &svc); err != nil {
		return "", fmt.Errorf("reading the webhook's Service: %w", err)
	}
	var deps appsv1.DeploymentList
	if err := in.client.List(ctx, &deps, client.InNamespace(ref.Namespace)); err != nil {
		return "", fmt.Errorf("finding the webhook's Deployment: %w", err)
	}
	sel := labels.SelectorFromSet(svc.Spec.Selector)
	for _, d := range deps.Items {
		if len(svc.Spec.Selector) == 0 || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			continue
		}
		for _, v := range d.Spec.Template.Spec.Volumes {
			if v.Secret != nil {
				return v.Secret.SecretName, nil
			}
		}
	}
	return "", fmt.Errorf("no Deployment behind Service %s/%s mounts a TLS Secret", ref.Namespace, ref.Name)
}

func (in *Inspector) secretChain(ctx context.Context, ns, name string) ([]*x509.Certificate, error) {
	var s corev1.Secret
	if err := in.client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &s); err != nil {
		return nil, fmt.Errorf("reading the webhook's TLS Secret: %w", err)
	}
	chain, err := parseChain(s.Data[tlsCertKey])
	if err != nil {
		return nil, fmt.Errorf("reading %s of the webhook's TLS Secret %s/%s: %w", tlsCertKey, ns, name, err)
	}
	return chain, nil
}

// parseChain reads every PEM certificate, leaf first.
func parseChain(data []byte) ([]*x509.Certificate, error) {
	var chain []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		chain = append(chain, c)
	}
	if len(chain) == 0 {
		return nil, errors.New("no PEM certificate")
	}
	return chain, nil
}
