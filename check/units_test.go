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
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

func TestPinned(t *testing.T) {
	tests := map[string]struct {
		image   string
		wantHow string // "" when it must be refused
		wantErr string
	}{
		"a released tag is pinned":                          {image: "lmsysorg/sglang:v0.5.9-rocm700-mi30x", wantHow: "to a tag"},
		"a registry with a port and a tag is pinned":        {image: "registry.local:5000/sglang/rocm:v0.5.9", wantHow: "to a tag"},
		"a digest is pinned":                                {image: "lmsysorg/sglang@sha256:" + strings.Repeat("ab", 32), wantHow: "by digest sha256:abababababab…"},
		"a digest wins over the latest tag":                 {image: "lmsysorg/sglang:latest@sha256:" + strings.Repeat("cd", 32), wantHow: "by digest"},
		"latest is refused":                                 {image: "lmsysorg/sglang:latest", wantErr: `"latest"`},
		"no tag means latest and is refused":                {image: "lmsysorg/sglang", wantErr: "no tag or digest"},
		"upper case in the repository path is not an image": {image: "lmsysorg/SGLang:v1", wantErr: "not a valid image reference"},
		"a truncated digest is not an image":                {image: "lmsysorg/sglang@sha256:abc", wantErr: "not a valid image reference"},
		"a tag with a colon in it is not an image":          {image: "lmsysorg/sglang:v1:v2", wantErr: "not a valid image reference"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			how, err := Pinned(tc.image)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Pinned(%q) = %q, %v; want an error with %q", tc.image, how, err, tc.wantErr)
				}
				return
			}
			if err != nil || !strings.HasPrefix(how, tc.wantHow) {
				t.Fatalf("Pinned(%q) = %q, %v; want %q", tc.image, how, err, tc.wantHow)
			}
		})
	}
}

func TestVerifyServingCert(t *testing.T) {
	root := newCA(t, "root")
	other := newCA(t, "other")
	leaf := root.issue(t, validUntil, serviceName)
	tests := map[string]struct {
		caBundle []byte
		chain    []*x509.Certificate
		name     string
		at       time.Time
		wantErr  string
	}{
		"the CA that signed it verifies it for the service name": {caBundle: root.pem, chain: []*x509.Certificate{leaf}, name: serviceName, at: now},
		"another CA does not":                         {caBundle: other.pem, chain: []*x509.Certificate{leaf}, name: serviceName, at: now, wantErr: "unknown authority"},
		"a bundle with both CAs does (a CA rollover)": {caBundle: append(append([]byte{}, other.pem...), root.pem...), chain: []*x509.Certificate{leaf}, name: serviceName, at: now},
		"another name does not":                       {caBundle: root.pem, chain: []*x509.Certificate{leaf}, name: "other.svc", at: now, wantErr: "not other.svc"},
		"after its expiry it does not":                {caBundle: root.pem, chain: []*x509.Certificate{leaf}, name: serviceName, at: validUntil.Add(time.Second), wantErr: "expired"},
		"a bundle without PEM is an error":            {caBundle: []byte("not pem"), chain: []*x509.Certificate{leaf}, name: serviceName, at: now, wantErr: "no PEM certificate"},
		"no certificate is an error":                  {caBundle: root.pem, name: serviceName, at: now, wantErr: "no certificate"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := VerifyServingCert(tc.caBundle, tc.chain, tc.name, tc.at)
			if tc.wantErr == "" && err != nil {
				t.Fatalf("VerifyServingCert: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("VerifyServingCert = %v; want an error with %q", err, tc.wantErr)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := map[string]struct {
		msg  string
		want Refusal
	}{
		"a connection refused is an unreachable webhook":   {msgUnreachable, RefusedWebhookUnreachable},
		"a TLS failure is an unreachable webhook":          {msgBadCA, RefusedWebhookUnreachable},
		"our webhook's denial":                             {msgRejected, RefusedByWebhook},
		"the RuntimeClass plugin's refusal":                {msgNoClass, RefusedRuntimeClass},
		"Pod Security is something else":                   {msgPSA, RefusedOther},
		"another webhook's denial is something else":       {`admission webhook "policy.example.com" denied the request: no`, RefusedOther},
		"another webhook being down is something else too": {`failed calling webhook "istio.io": connection refused`, RefusedOther},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Classify(errors.New(tc.msg)); got != tc.want {
				t.Errorf("Classify = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestOptedIn(t *testing.T) {
	nss := []corev1.Namespace{namespace("team-b", true), namespace("team-a", true), namespace("plain", false),
		namespace("kube-system", true), namespace(webhookNS, true)}
	tests := map[string]struct {
		configs         []admissionregistrationv1.MutatingWebhookConfiguration
		wantIn, wantOut []string
	}{
		"the webhook's selector excludes kube-system and its own namespace": {
			configs: []admissionregistrationv1.MutatingWebhookConfiguration{webhookConfig(nil)},
			wantIn:  []string{"team-a", "team-b"}, wantOut: []string{"kube-system", webhookNS},
		},
		"without a webhook configuration the label decides": {
			wantIn: []string{"kube-system", "team-a", "team-b", webhookNS},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			in, out := OptedIn(tc.configs, nss)
			if !slices.Equal(in, tc.wantIn) || !slices.Equal(out, tc.wantOut) {
				t.Errorf("OptedIn = %v, %v; want %v, %v", in, out, tc.wantIn, tc.wantOut)
			}
		})
	}
}

func TestSamplePodIsRewrittenWithAWarning(t *testing.T) {
	f := healthy(t)
	d := admitted(t, f, SamplePod(teamNS))
	if !IsRewritten(d.Pod) || len(d.Warnings) == 0 {
		t.Errorf("the sample pod: rewritten %v, warnings %q; want rewritten with a warning", IsRewritten(d.Pod), d.Warnings)
	}
	if !RunsVLLM(&SamplePod(teamNS).Spec) {
		t.Error("RunsVLLM(sample pod) = false")
	}
}

// TestNamesMatchTheManifests keeps the names the check looks for equal to
// the generated manifests the chart and config/ install.
func TestNamesMatchTheManifests(t *testing.T) {
	var mwc admissionregistrationv1.MutatingWebhookConfiguration
	readYAML(t, filepath.Join("..", "config", "webhook", "manifests.yaml"), &mwc)
	var names []string
	for _, wh := range mwc.Webhooks {
		names = append(names, wh.Name)
	}
	for _, want := range []string{WebhookName, AuditWebhookName} {
		if !slices.Contains(names, want) {
			t.Errorf("config/webhook/manifests.yaml webhooks %v; want one named %s", names, want)
		}
	}
	var crd apiextensionsv1.CustomResourceDefinition
	readYAML(t, filepath.Join("..", "config", "crd", "bases", v1alpha1.GroupVersion.Group+"_sglangprofiles.yaml"), &crd)
	if crd.Name != CRDName {
		t.Errorf("CRD name %q, want %q", crd.Name, CRDName)
	}
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.TrimPrefix(string(data), "---\n"))
	if err := yaml.Unmarshal(data, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
