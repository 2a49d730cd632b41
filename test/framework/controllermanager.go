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
// and replicaset controllers only, as cluster admin, until the returned
// stop (or Stop) is called. Nothing else runs: no scheduler, no kubelet, so
// pods are created and stay Pending.
func (c *ControlPlane) StartControllerManager() (stop func() error, err error) {
	kubeconfig, err := c.WriteKubeconfig("kube-controller-manager", "system:masters")
	if err != nil {
		return nil, err
	}
	p, err := StartProcess("kube-controller-manager", filepath.Join(AssetsDir(c.Root), "kube-controller-manager"), []string{
		"--kubeconfig=" + kubeconfig,
		"--controllers=deployment-controller,replicaset-controller",
		"--leader-elect=false",
		"--secure-port=0", // no HTTPS endpoint: nothing scrapes it
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("starting kube-controller-manager: %w", err)
	}
	c.cleanup.Add(p.Stop)
	return p.Stop, nil
}
