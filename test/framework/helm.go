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
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/strvals"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/utils/ptr"
)

// ChartPath is the chart's folder, relative to the repository root.
const ChartPath = "charts/vllm-to-sglang"

// helmTimeout bounds one Helm action (no --wait: nothing runs pods here).
const helmTimeout = 2 * time.Minute

// LoadChart loads the repository's chart.
func LoadChart(root string) (*chart.Chart, error) {
	c, err := loader.Load(filepath.Join(root, ChartPath))
	if err != nil {
		return nil, fmt.Errorf("loading the chart: %w", err)
	}
	return c, nil
}

// Values builds chart values from --set style assignments.
func Values(sets ...string) (map[string]any, error) {
	v := map[string]any{}
	for _, s := range sets {
		if err := strvals.ParseInto(s, v); err != nil {
			return nil, fmt.Errorf("parsing %q: %w", s, err)
		}
	}
	return v, nil
}

// URLModeValues are the values of an install whose webhook runs outside the
// cluster at url, with a serving certificate caPEM verifies.
func URLModeValues(url string, caPEM []byte) map[string]any {
	return map[string]any{"webhook": map[string]any{
		"url":      url,
		"caBundle": base64.StdEncoding.EncodeToString(caPEM),
	}}
}

// Helm runs Helm actions against a cluster as the helm CLI does: a
// kubeconfig, release records in Secrets.
type Helm struct {
	Kubeconfig string
	// CacheDir holds Helm's discovery cache. Use a fresh one when CRDs
	// came or went since the last action.
	CacheDir string
	// Log receives Helm's debug log.
	Log func(format string, v ...any)
}

// Helm returns a Helm for this control plane with a fresh discovery cache.
func (c *ControlPlane) Helm(log func(format string, v ...any)) (Helm, error) {
	dir, err := c.TempDir("helm-cache-")
	if err != nil {
		return Helm{}, err
	}
	return Helm{Kubeconfig: c.Kubeconfig, CacheDir: dir, Log: log}, nil
}

// InstallChart is helm install --create-namespace of the repository's chart.
func (c *ControlPlane) InstallChart(ctx context.Context, name, namespace string, vals map[string]any) (*release.Release, error) {
	ch, err := LoadChart(c.Root)
	if err != nil {
		return nil, err
	}
	h, err := c.Helm(nil)
	if err != nil {
		return nil, err
	}
	rel, err := h.Install(ctx, ch, name, namespace, vals)
	if err != nil {
		return nil, fmt.Errorf("helm install %s: %w", name, err)
	}
	return rel, nil
}

// Configuration is the action configuration for namespace.
func (h Helm) Configuration(namespace string) (*action.Configuration, error) {
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig = ptr.To(h.Kubeconfig)
	flags.Namespace = ptr.To(namespace)
	flags.CacheDir = ptr.To(h.CacheDir)
	log := h.Log
	if log == nil {
		log = func(string, ...any) {}
	}
	cfg := new(action.Configuration)
	if err := cfg.Init(flags, namespace, "secret", log); err != nil {
		return nil, fmt.Errorf("initialising Helm: %w", err)
	}
	return cfg, nil
}

// Install is helm install --create-namespace.
func (h Helm) Install(ctx context.Context, ch *chart.Chart, name, namespace string, vals map[string]any) (*release.Release, error) {
	cfg, err := h.Configuration(namespace)
	if err != nil {
		return nil, err
	}
	inst := action.NewInstall(cfg)
	inst.ReleaseName = name
	inst.Namespace = namespace
	inst.CreateNamespace = true
	inst.Timeout = helmTimeout
	return inst.RunWithContext(ctx, ch, vals)
}

// Upgrade is helm upgrade.
func (h Helm) Upgrade(ctx context.Context, ch *chart.Chart, name, namespace string, vals map[string]any) (*release.Release, error) {
	cfg, err := h.Configuration(namespace)
	if err != nil {
		return nil, err
	}
	up := action.NewUpgrade(cfg)
	up.Namespace = namespace
	up.Timeout = helmTimeout
	return up.RunWithContext(ctx, name, ch, vals)
}

// Uninstall is helm uninstall.
func (h Helm) Uninstall(name, namespace string) error {
	cfg, err := h.Configuration(namespace)
	if err != nil {
		return err
	}
	un := action.NewUninstall(cfg)
	un.Timeout = helmTimeout
	if _, err := un.Run(name); err != nil {
		return fmt.Errorf("helm uninstall %s: %w", name, err)
	}
	return nil
}
