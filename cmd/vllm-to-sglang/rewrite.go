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
	"errors"
	"fmt"
	"io"
	"maps"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite/manifest"
)

// rewriteOptions are the flags of `vllm-to-sglang rewrite`.
type rewriteOptions struct {
	files           []string
	profiles        []string
	namespaceLabels map[string]string
	output          string
	proxyImage      string
}

func newRewriteCommand() *cobra.Command {
	o := &rewriteOptions{output: "yaml", proxyImage: defaultProxyImage()}
	cmd := &cobra.Command{
		Use:   "rewrite -f FILENAME",
		Short: "Rewrite the vLLM pods in manifests into SGLang pods, offline",
		Long: `Rewrite the vLLM pods in Kubernetes manifests into SGLang pods, as the
admission webhook would, without a cluster.

Reads manifests as kubectl apply -f does: YAML documents separated by
"---", a JSON object or a stream of them, Lists (kind: List, or typed ones
like DeploymentList, whose items are rewritten and stay in their List);
empty and comment-only documents are skipped; a key given twice keeps its
last value, as kubectl does, with a warning. Rewrites the pod template of
every Pod, PodTemplate, Deployment, StatefulSet, ReplicaSet, DaemonSet,
ReplicationController, Job and CronJob; other documents are printed
unchanged, in their order. Warnings go to stderr. YAML comments are not
kept.

Profiles: without --profile, the built-in default (MI300X) rewrites every
pod template. With one --profile whose profile has no spec.selector, that
profile does. Otherwise (several profiles, files of several documents,
directories, or a profile with a selector) each template gets the profile the
webhook would give its pods: the one its vllm-to-sglang.io/profile annotation
names (one not given is an error, as the webhook denies such pods), else the
profile of highest priority whose spec.selector matches (equal priorities: the
first name, with a warning), else the profile named "default" if given, else
none: the template is left alone. Namespace labels are not in manifests: a
namespace selector sees the labels --namespace-labels gives, plus the ones
every namespace the webhook rewrites has (kubernetes.io/metadata.name, from
the object's metadata.namespace, and vllm-to-sglang.io/rewrite=enabled), as
kubectl evaluates a selector against the labels it is given. Templates
labelled vllm-to-sglang.io/rewrite=audit are left alone (the webhook only
audits their pods).

Exit status: 0 on success, 1 when the profile rejects a pod or a template
names a profile not given (nothing is printed then), 2 on bad input or usage.`,
		Example: `  # Rewrite a rendered Helm chart with the built-in MI300X profile
  helm template vllm vllm/vllm-stack -f values.yaml | vllm-to-sglang rewrite -f -

  # With your own profile, as JSON
  vllm-to-sglang rewrite -f deployment.yaml --profile my-profile.yaml -o json

  # With the cluster's profiles (a directory of them), as the webhook would
  # choose them, in a namespace labelled team=b
  vllm-to-sglang rewrite -f models.yaml --profile profiles/ --namespace-labels team=b`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&o.files, "filename", "f", nil, `File with the manifests to rewrite; "-" reads stdin. Repeatable.`)
	fs.StringArrayVar(&o.profiles, "profile", nil, "SGLangProfile file (YAML or JSON, one or more documents) or directory of them; repeatable. The built-in default (MI300X) when none.")
	fs.StringToStringVar(&o.namespaceLabels, "namespace-labels", nil, "Labels of the manifests' namespace, for the profiles' namespace selectors (k=v,k2=v2).")
	fs.StringVarP(&o.output, "output", "o", o.output, "Output format: yaml or json.")
	fs.StringVar(&o.proxyImage, "proxy-image", o.proxyImage, "Image of the sglang-proxy sidecar, used when the profile names none.")
	return cmd
}

func (o *rewriteOptions) validate() error {
	if len(o.files) == 0 {
		return badInput(errors.New("must specify -f FILENAME (\"-\" for stdin)"))
	}
	if o.output != "yaml" && o.output != "json" {
		return badInput(fmt.Errorf("unsupported output format %q: use yaml or json", o.output))
	}
	return nil
}

func (o *rewriteOptions) run(stdin io.Reader, stdout, stderr io.Writer) error {
	if err := o.validate(); err != nil {
		return err
	}
	rw, err := o.rewriter()
	if err != nil {
		return badInput(err)
	}
	if rw.Profiles != nil && rw.Profiles.UsesNamespaceLabels() && len(o.namespaceLabels) == 0 {
		fmt.Fprintf(stderr, "Warning: a profile selects namespaces by label, and the manifests' namespace is taken to have only %s and %s=%s: give its other labels with --namespace-labels\n",
			namespaceNameLabel, v1alpha1.LabelRewrite, v1alpha1.LabelRewriteEnabled)
	}
	objs, err := readManifests(o.files, stdin, stderr)
	if err != nil {
		return badInput(err)
	}
	name := ""
	if rw.Profile != nil {
		name = rw.Profile.Name
	}
	var failures []failure
	for _, obj := range objs {
		for _, res := range rw.Rewrite(obj) {
			failures = append(failures, report(stderr, name, res)...)
		}
	}
	if len(failures) > 0 {
		return failed(stderr, failures)
	}
	if o.output == "json" {
		return manifest.EncodeJSON(stdout, objs)
	}
	return manifest.EncodeYAML(stdout, objs)
}

// rewriter reads the profiles: one that applies to every template (none
// given: the built-in default; one given without a selector), or several,
// resolved per template.
func (o *rewriteOptions) rewriter() (*manifest.Rewriter, error) {
	rw := &manifest.Rewriter{ProxyImage: o.proxyImage}
	if len(o.profiles) == 0 {
		rw.Profile = profile.Default()
		return rw, nil
	}
	profiles, err := profile.LoadAll(o.profiles)
	if err != nil {
		return nil, err
	}
	if len(profiles) == 1 && profiles[0].Spec.Selector == nil {
		rw.Profile = profiles[0]
		return rw, nil
	}
	cands := make([]*profile.Candidate, len(profiles))
	for i, p := range profiles {
		cands[i] = profile.NewCandidate(p)
	}
	rw.Profiles = profile.NewSet(cands)
	rw.NamespaceLabels = o.namespaceLabelsOf
	return rw, nil
}

// namespaceLabelsOf are the labels a namespace is taken to have: those
// --namespace-labels gives, and those of every namespace the webhook
// rewrites pods in (its name, the opt-in label), unless the flag sets them.
func (o *rewriteOptions) namespaceLabelsOf(namespace string) map[string]string {
	labels := map[string]string{v1alpha1.LabelRewrite: v1alpha1.LabelRewriteEnabled}
	if namespace != "" {
		labels[namespaceNameLabel] = namespace
	}
	maps.Copy(labels, o.namespaceLabels)
	return labels
}

// namespaceNameLabel is the label the API server sets on every namespace
// to its name.
const namespaceNameLabel = "kubernetes.io/metadata.name"

func loadProfile(path string) (*v1alpha1.SGLangProfile, error) {
	if path == "" {
		return profile.Default(), nil
	}
	return profile.Load(path)
}

// readManifests decodes every file in order; "-" is stdin. It prints the
// decoder's warnings (duplicate keys) on stderr, kubectl style, naming the
// file.
func readManifests(files []string, stdin io.Reader, stderr io.Writer) ([]*unstructured.Unstructured, error) {
	var all []*unstructured.Unstructured
	for _, name := range files {
		objs, err := readManifest(name, stdin, stderr)
		if err != nil {
			return nil, err
		}
		all = append(all, objs...)
	}
	return all, nil
}

func readManifest(name string, stdin io.Reader, stderr io.Writer) ([]*unstructured.Unstructured, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close() //nolint:errcheck // read-only
		r = f
	} else {
		name = "stdin"
	}
	objs, warnings, err := manifest.DecodeWithWarnings(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for _, w := range warnings {
		fmt.Fprintf(stderr, "Warning: %s: %s\n", name, w)
	}
	return objs, nil
}

// failure is a pod template that could not be rewritten.
type failure struct {
	ref      string
	err      error
	rejected bool
}

// report prints what happened to one pod template and returns its failure.
func report(stderr io.Writer, profileName string, res manifest.Result) []failure {
	if res.Err != nil {
		var rejected *rewrite.RejectedError
		var missing *manifest.ProfileNotFoundError
		return []failure{{ref: res.Ref, err: res.Err, rejected: errors.As(res.Err, &rejected) || errors.As(res.Err, &missing)}}
	}
	for _, line := range res.Messages(profileName) {
		fmt.Fprintln(stderr, line)
	}
	return nil
}

// failed prints every failure and picks the exit code: 1 when the profile
// rejected pods, 2 when a template could not be read.
func failed(stderr io.Writer, failures []failure) error {
	code := exitFailure
	for _, f := range failures {
		fmt.Fprintf(stderr, "error: %s: %v\n", f.ref, f.err)
		if !f.rejected {
			code = exitBadInput
		}
	}
	noun := "pod template"
	if len(failures) > 1 {
		noun += "s"
	}
	fmt.Fprintf(stderr, "error: %d %s not rewritten; nothing was printed\n", len(failures), noun)
	return &exitError{code: code}
}
