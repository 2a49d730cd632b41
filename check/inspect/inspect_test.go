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
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/check"
)

func selfSigned(t *testing.T, cn string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}, NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestParseChain(t *testing.T) {
	leaf, intermediate := selfSigned(t, "leaf"), selfSigned(t, "intermediate")
	key := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte("x")})
	tests := map[string]struct {
		data    []byte
		wantCNs []string
		wantErr string
	}{
		"a leaf and an intermediate come out leaf first": {data: append(append([]byte{}, leaf...), intermediate...), wantCNs: []string{"leaf", "intermediate"}},
		"blocks that are not certificates are skipped":   {data: append(append([]byte{}, key...), leaf...), wantCNs: []string{"leaf"}},
		"no certificate is an error":                     {data: key, wantErr: "no PEM certificate"},
		"a broken certificate is an error":               {data: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("junk")}), wantErr: "x509"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			chain, err := parseChain(tc.data)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parseChain = %v; want an error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var cns []string
			for _, c := range chain {
				cns = append(cns, c.Subject.CommonName)
			}
			if strings.Join(cns, ",") != strings.Join(tc.wantCNs, ",") {
				t.Errorf("chain %v, want %v", cns, tc.wantCNs)
			}
		})
	}
}

func TestAStatefulSetPodGetsItsClaimVolumes(t *testing.T) {
	s := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "llama", Namespace: "team-a"},
		Spec: appsv1.StatefulSetSpec{
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "llama"}},
				Spec:       corev1.PodSpec{Volumes: []corev1.Volume{{Name: "shm"}}},
			},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "models"}}},
		},
	}
	tmpl := withClaims(s)
	if len(tmpl.Spec.Volumes) != 2 || tmpl.Spec.Volumes[1].PersistentVolumeClaim == nil ||
		tmpl.Spec.Volumes[1].Name != "models" || tmpl.Spec.Volumes[1].PersistentVolumeClaim.ClaimName != "models-llama-0" {
		t.Errorf("volumes %+v; want shm and models from the claim models-llama-0", tmpl.Spec.Volumes)
	}
	if len(s.Spec.Template.Spec.Volumes) != 1 {
		t.Error("withClaims changed the StatefulSet's own template")
	}
	pod := podFor(&check.Workload{Kind: "StatefulSet", Namespace: "team-a", Name: "llama", Template: tmpl})
	if pod.GenerateName != "llama-" || pod.Name != "" || pod.Namespace != "team-a" || pod.Labels["app"] != "llama" {
		t.Errorf("pod meta %+v", pod.ObjectMeta)
	}
}
