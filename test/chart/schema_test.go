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
	"strings"
	"testing"
)

func TestSchemaRejectsWrongValuesBeforeAnythingIsInstalled(t *testing.T) {
	tests := map[string]struct {
		sets []string
		want string // in the error
	}{
		"a webhook timeout above 10 seconds": {
			sets: []string{"webhook.timeoutSeconds=11"}, want: "/webhook/timeoutSeconds",
		},
		"a webhook timeout of 0": {
			sets: []string{"webhook.timeoutSeconds=0"}, want: "/webhook/timeoutSeconds",
		},
		"a failurePolicy spelt in lower case": {
			sets: []string{"webhook.failurePolicy=fail"}, want: "/webhook/failurePolicy",
		},
		"a misspelt key": {
			sets: []string{"certManager.enable=false"}, want: "enable",
		},
		"an unknown top-level key": {
			sets: []string{"replicaCount=3"}, want: "replicaCount",
		},
		"zero webhook replicas": {
			sets: []string{"webhook.replicas=0"}, want: "/webhook/replicas",
		},
		"an external URL without a caBundle": {
			sets: []string{"webhook.url=https://webhook.example.com/mutate--v1-pod"}, want: "/webhook/caBundle",
		},
		"a plain-HTTP external URL": {
			sets: []string{"webhook.url=http://webhook.example.com/mutate--v1-pod", "webhook.caBundle=Zm9v"}, want: "/webhook/url",
		},
		"a caBundle that is not base64": {
			sets: []string{"webhook.url=https://webhook.example.com/mutate--v1-pod", "webhook.caBundle=-----BEGIN"}, want: "/webhook/caBundle",
		},
		"an issuerRef without a name": {
			sets: []string{"certManager.issuerRef.kind=ClusterIssuer"}, want: "/certManager/issuerRef",
		},
		"a certificate duration in days": {
			sets: []string{"certManager.duration=90d"}, want: "/certManager/duration",
		},
		"generated certificates valid for zero days": {
			sets: []string{"generatedCerts.validityDays=0"}, want: "/generatedCerts/validityDays",
		},
		"an image digest that is not sha256": {
			sets: []string{"image.digest=latest"}, want: "/image/digest",
		},
		"an unknown RuntimeClass create mode": {
			sets: []string{"compatRuntimeClass.create=yes"}, want: "/compatRuntimeClass/create",
		},
		"a RuntimeClass handler that is not a DNS label": {
			sets: []string{"compatRuntimeClass.handler=Run_C"}, want: "/compatRuntimeClass/handler",
		},
		"an extra profile without an image": {
			sets: []string{"extraProfiles.mi325x.shmSize=32Gi"}, want: "/extraProfiles/mi325x",
		},
		"an extra profile name that is not a Kubernetes name": {
			sets: []string{"extraProfiles.MI325X.image=lmsysorg/sglang:v0.5.9-rocm700-mi30x"}, want: "MI325X",
		},
		"an extra match condition without an expression": {
			sets: []string{"webhook.extraMatchConditions[0].name=x"}, want: "/webhook/extraMatchConditions/0",
		},
		"an excluded namespace that is not a namespace name": {
			sets: []string{"webhook.excludedNamespaces={Team_A}"}, want: "/webhook/excludedNamespaces/0",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := renderErr(t, values(t, tc.sets...))
			if err == nil {
				t.Fatalf("values %v were accepted", tc.sets)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not mention %q:\n%v", tc.want, err)
			}
		})
	}
}

func TestSchemaAcceptsEveryDocumentedKindOfValue(t *testing.T) {
	render(t, values(t,
		"webhook.failurePolicy=Ignore", "webhook.timeoutSeconds=10",
		"webhook.excludedNamespaces={gpu-operator}",
		"certManager.issuerRef.name=corp-ca", "certManager.issuerRef.kind=ClusterIssuer",
		"certManager.duration=720h", "certManager.renewBefore=1h30m",
		"podDisruptionBudget.minAvailable=50%",
		"compatRuntimeClass.create=always", "compatRuntimeClass.handler=crun",
		"extraProfiles.mi325x.image=lmsysorg/sglang:v0.5.9-rocm700-mi30x",
		"webhook.nodeSelector.kubernetes\\.io/os=linux",
	))
}

func TestAProfileNamedDefaultMustBeSetThroughDefaultProfile(t *testing.T) {
	_, err := renderErr(t, values(t, "extraProfiles.default.image=lmsysorg/sglang:v0.5.9-rocm700-mi30x"))
	if err == nil || !strings.Contains(err.Error(), "defaultProfile.spec") {
		t.Errorf("an extra profile named default was not refused with a pointer to defaultProfile.spec: %v", err)
	}
}
