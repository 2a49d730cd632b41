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

package framework

import (
	"fmt"
	"path/filepath"
)

// StartControllerManager runs kube-controller-manager with the deployment
// and replicaset controllers only, as cluster admin, until the process's
// Stop (or the control plane's) is called; its Output is there for failure
// reports. Nothing else runs: no scheduler, no kubelet, so pods are
// created and stay Pending.
func (c *ControlPlane) StartControllerManager() (*Process, error) {
	assets := AssetsDir(c.Root)
	if err := CheckAssets(assets, "kube-controller-manager"); err != nil {
		return nil, err
	}
	kubeconfig, err := c.WriteKubeconfig("kube-controller-manager", "system:masters")
	if err != nil {
		return nil, err
	}
	p, err := StartProcess("kube-controller-manager", filepath.Join(assets, "kube-controller-manager"), []string{
		"--kubeconfig=" + kubeconfig,
		"--controllers=deployment-controller,replicaset-controller",
		"--leader-elect=false",
		"--secure-port=0", // no HTTPS endpoint: nothing scrapes it
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("starting kube-controller-manager: %w", err)
	}
	c.cleanup.Add(p.Stop)
	return p, nil
}
