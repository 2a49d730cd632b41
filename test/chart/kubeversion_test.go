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

	"helm.sh/helm/v3/pkg/chartutil"
)

// TestChartRefusesKubernetesVersionsWithoutWhatItNeeds: Helm checks the
// chart's kubeVersion against the cluster's before it installs anything.
// The installs on the envtest API server in this package prove a
// supported version passes against a real server's /version.
func TestChartRefusesKubernetesVersionsWithoutWhatItNeeds(t *testing.T) {
	tests := map[string]struct {
		version string
		refused bool
	}{
		"1.29 lacks GA webhook matchConditions and is refused": {version: "v1.29.4", refused: true},
		"1.30 is accepted":                        {version: "v1.30.0"},
		"a vendor build of 1.30 is accepted":      {version: "v1.30.2-eks-1234abc"},
		"a release candidate of 1.31 is accepted": {version: "v1.31.0-rc.1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			kv, err := chartutil.ParseKubeVersion(tc.version)
			if err != nil {
				t.Fatal(err)
			}
			inst := newClientOnlyInstall(t)
			inst.KubeVersion = kv
			_, err = inst.Run(loadChart(t), values(t))
			switch {
			case tc.refused && (err == nil || !strings.Contains(err.Error(), "chart requires kubeVersion")):
				t.Errorf("installing on %s: error %v, want Helm's kubeVersion refusal", tc.version, err)
			case !tc.refused && err != nil:
				t.Errorf("installing on %s: %v", tc.version, err)
			}
		})
	}
}
