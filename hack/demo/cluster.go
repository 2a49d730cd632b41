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

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite/manifest"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const (
	releaseName      = "vllm-to-sglang"
	releaseNamespace = "vllm-to-sglang-system"
	// waitTimeout bounds each wait on the cluster; the demo takes seconds.
	waitTimeout = 2 * time.Minute
)

// demo is one run: what it started, to stop it at the end.
type demo struct {
	opts    options
	root    string
	work    string // the demo's files: binaries, certificates, kubeconfigs
	cp      *framework.ControlPlane
	cleanup framework.Cleanup
}

// step prints a step's title, as a shell prompt would show the command.
func (d *demo) step(format string, args ...any) {
	title := fmt.Sprintf(format, args...)
	if d.opts.onStep != nil {
		d.opts.onStep(title)
	}
	fmt.Fprintf(d.opts.out, "\n==> %s\n", title)
}

// startCluster builds what is missing, starts the control plane, installs
// the chart in URL mode and runs the webhook it points at.
func (d *demo) startCluster(ctx context.Context) error {
	if err := d.buildControlPlane(ctx); err != nil {
		return err
	}
	d.step("Building vllm-to-sglang (go build ./cmd/vllm-to-sglang)")
	if err := framework.Build(ctx, d.root, d.work, "./cmd/vllm-to-sglang"); err != nil {
		return err
	}
	d.step("Starting a local control plane: kube-apiserver, etcd and kube-controller-manager " +
		"(no scheduler or kubelet: pods are created and stay Pending)")
	cp, err := framework.StartControlPlane(ctx, framework.Options{ControllerManager: true, TempDir: d.work})
	if err != nil {
		return err
	}
	d.cp = cp
	d.cleanup.Add(cp.Stop)
	ca, err := framework.NewCA("vllm-to-sglang demo CA")
	if err != nil {
		return err
	}
	opts, err := cp.LocalWebhookOptions(ca)
	if err != nil {
		return err
	}
	if err := d.installChart(ctx, framework.URLModeValues(framework.WebhookURL(opts), ca.PEM)); err != nil {
		return err
	}
	return d.startWebhook(ctx, opts)
}

// buildControlPlane runs make envtest's script when a binary is missing.
func (d *demo) buildControlPlane(ctx context.Context) error {
	assets := framework.AssetsDir(d.root)
	if framework.CheckAssets(assets, "kube-apiserver", "etcd", "kube-controller-manager") == nil {
		return nil
	}
	d.step("First run: building the local control plane (kube-apiserver, kube-controller-manager, etcd) "+
		"from source into %s. This takes several minutes on 2 cores, once", assets)
	cmd := exec.CommandContext(ctx, filepath.Join(d.root, "hack", "build-envtest.sh"), assets)
	cmd.Stdout, cmd.Stderr = d.opts.out, d.opts.out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building the control plane (hack/build-envtest.sh): %w", err)
	}
	return nil
}

// installChart is helm install in URL mode, with the Helm SDK.
func (d *demo) installChart(ctx context.Context, vals map[string]any) error {
	wh := vals["webhook"].(map[string]any)
	d.step("helm install %s %s -n %s --create-namespace --set webhook.url=%s --set webhook.caBundle=<this demo's CA>",
		releaseName, framework.ChartPath, releaseNamespace, wh["url"])
	rel, err := d.cp.InstallChart(ctx, releaseName, releaseNamespace, vals)
	if err != nil {
		return err
	}
	// Helm installs crds/ on its own; they are not in the release manifest.
	var names []string
	for _, crd := range rel.Chart.CRDObjects() {
		objs, err := manifest.Decode(bytes.NewReader(crd.File.Data))
		if err != nil {
			return err
		}
		names = append(names, kindsAndNames(objs)...)
	}
	objs, err := manifest.Decode(strings.NewReader(rel.Manifest))
	if err != nil {
		return err
	}
	names = append(names, kindsAndNames(objs)...)
	fmt.Fprintf(d.opts.out, "installed: %s\n", strings.Join(names, ", "))
	return nil
}

func kindsAndNames(objs []*unstructured.Unstructured) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.GetKind()+" "+o.GetName())
	}
	return out
}

// proxyImage is the image the chart gives its own webhook Deployment's
// --proxy-image: the project image at the chart's appVersion.
func (d *demo) proxyImage() (string, error) {
	ch, err := framework.LoadChart(d.root)
	if err != nil {
		return "", err
	}
	image, _ := ch.Values["image"].(map[string]any)
	repo, _ := image["repository"].(string)
	if repo == "" {
		return "", errors.New("the chart's values have no image.repository")
	}
	return repo + ":" + ch.Metadata.AppVersion, nil
}

// startWebhook runs `vllm-to-sglang webhook` and waits until it is ready
// (serving, and its SGLangProfile cache synced).
func (d *demo) startWebhook(ctx context.Context, opts webhook.Options) error {
	healthPort, err := framework.FreePort()
	if err != nil {
		return err
	}
	image, err := d.proxyImage()
	if err != nil {
		return err
	}
	bin := filepath.Join(d.work, "vllm-to-sglang")
	args := []string{"webhook", "--kubeconfig=" + d.cp.Kubeconfig,
		"--webhook-port=" + strconv.Itoa(opts.WebhookPort), "--webhook-cert-path=" + opts.WebhookCertPath,
		"--metrics-bind-address=0", "--health-probe-bind-address=127.0.0.1:" + strconv.Itoa(healthPort),
		"--proxy-image=" + image}
	d.step("vllm-to-sglang %s", strings.Join(args, " "))
	p, err := framework.StartProcess("vllm-to-sglang webhook", bin, args, nil)
	if err != nil {
		return err
	}
	d.cleanup.Add(p.Stop)
	readyz := fmt.Sprintf("http://127.0.0.1:%d/readyz", healthPort)
	ctx, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	return framework.Poll(ctx, "the webhook to be ready ("+readyz+")", func() error {
		if exited, err := p.Exited(); exited {
			return framework.Permanent(fmt.Errorf("the webhook exited (%v):\n%s", err, p.Output()))
		}
		return get(ctx, readyz)
	})
}

func get(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, res.Status)
	}
	return nil
}
