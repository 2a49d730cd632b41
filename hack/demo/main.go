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

// Command demo is make demo: the main job on a machine with no cluster.
// It starts a local control plane (kube-apiserver, etcd and
// kube-controller-manager, built from source by make envtest the first
// time), installs the chart in URL mode pointing at `vllm-to-sglang
// webhook` running on this machine, labels a namespace, applies a vLLM
// production-stack Deployment, and prints the pod without and with the
// rewrite as a diff, with the warnings the webhook gave. Everything it
// started is stopped and its files are removed when it ends, on Ctrl-C too.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/framework"
)

// defaultFixture is the production stack's Helm chart rendered for Devstral
// with tensor parallelism 8 and tool calling.
const defaultFixture = "test/testdata/production-stack-helm-tp8-devstral-tools.yaml"

// options are the demo's settings; tests set the hooks.
type options struct {
	// fixture is a manifest whose first Deployment is applied.
	fixture string
	out     io.Writer
	// onStep, if set, is told each step's title before it runs.
	onStep func(title string)
	// onWorkDir, if set, is told the folder that holds the demo's files.
	onWorkDir func(dir string)
}

func main() {
	fixture := flag.String("f", defaultFixture, "manifest whose first Deployment is applied (relative to the repository root)")
	flag.Parse()
	framework.SetLogger()
	// SIGPIPE too: when the reader of the output goes away (| head), the
	// demo still stops what it started instead of dying on the next write.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGPIPE)
	err := run(ctx, options{fixture: *fixture, out: os.Stdout})
	interrupted := ctx.Err() != nil
	stop()
	switch {
	case err != nil && interrupted:
		fmt.Fprintln(os.Stderr, "demo: interrupted; what it started is stopped and its files are removed")
		os.Exit(130)
	case err != nil:
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run is the demo. It returns once everything it started is stopped.
func run(ctx context.Context, o options) (err error) {
	root, err := framework.RepoRoot()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "vllm-to-sglang-demo-")
	if err != nil {
		return err
	}
	if o.onWorkDir != nil {
		o.onWorkDir(work)
	}
	d := &demo{opts: o, root: root, work: work}
	defer func() {
		d.step("Cleaning up: stopping the webhook, kube-controller-manager, kube-apiserver and etcd; removing %s", work)
		err = errors.Join(err, d.cleanup.Run(), os.RemoveAll(work))
	}()
	if err := d.startCluster(ctx); err != nil {
		return err
	}
	return d.showRewrite(ctx, filepath.Join(root, o.fixture))
}
