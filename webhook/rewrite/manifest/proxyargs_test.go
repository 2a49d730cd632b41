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

package manifest

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/pflag"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/proxy"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// everyProxySetting is the default profile with every proxy setting the
// rewrite turns into a proxy flag set to something other than its default.
func everyProxySetting() *v1alpha1.SGLangProfile {
	p := profile.Default()
	p.Name = "every-proxy-setting"
	px := &p.Spec.Proxy
	px.Health = v1alpha1.HealthSpec{Path: "/healthz", Interval: &metav1.Duration{Duration: 7 * time.Second},
		Timeout: &metav1.Duration{Duration: 2 * time.Second}, Fall: 4, Rise: 5}
	px.MetricsMode = v1alpha1.MetricsPassthrough
	px.StripParams = []string{"logprobs", "seed"}
	px.FixToolSchemas = ptr.To(false)
	px.AllowPaths = []string{"/v1/load_lora_adapter", "/admin/"}
	px.MaxBodyBytes = ptr.To[int64](1 << 20)
	return p
}

// TestProxyArgsParseWithTheProxysFlags is the contract between the rewrite
// and the proxy: for every fixture under test/testdata, with the default
// profile and with one that sets every proxy setting, the sglang-proxy
// container's arguments parse with the proxy's own flag set
// (proxy.Options.AddFlags, what cmd/proxy parses), pass its validation and
// mean what the rewrite meant: vLLM's serving port, SGLang's port, the
// profile's settings, the pod's grace period. A flag renamed on either side
// fails here, not in a pod that crash-loops.
func TestProxyArgsParseWithTheProxysFlags(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join(testdata, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	inputs = slices.DeleteFunc(inputs, isGolden)
	checked := 0
	defer func() {
		if checked == 0 {
			t.Error("no fixture has a rewritten pod template")
		}
	}()
	for _, prof := range []*v1alpha1.SGLangProfile{profile.Default(), everyProxySetting()} {
		for _, in := range inputs {
			t.Run(prof.Name+"/"+filepath.Base(in), func(t *testing.T) {
				f, err := os.Open(in)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close() //nolint:errcheck // read-only
				objs, err := Decode(f)
				if err != nil {
					t.Fatal(err)
				}
				rw := &Rewriter{Profile: prof, ProxyImage: goldenProxyImage}
				for _, obj := range objs {
					for _, res := range rw.Rewrite(obj) {
						if res.Err != nil {
							t.Fatalf("%s: %v", res.Ref, res.Err)
						}
					}
					for _, item := range flatten(obj.Object) {
						if tmpl, ok := rewrittenTemplate(t, item); ok {
							checkProxyArgs(t, item["kind"], tmpl, &prof.Spec.Proxy)
							checked++
						}
					}
				}
			})
		}
	}
}

// rewrittenTemplate is the pod template of a rewritten workload.
func rewrittenTemplate(t *testing.T, item map[string]any) (*corev1.PodTemplateSpec, bool) {
	t.Helper()
	kind, _ := item["kind"].(string)
	path, ok := templatePaths[groupOf(item)+"/"+kind]
	if !ok {
		return nil, false
	}
	tmpl, err := templateOf(item, path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := yaml.Marshal(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	var pt corev1.PodTemplateSpec
	if err := yaml.Unmarshal(data, &pt); err != nil {
		t.Fatal(err)
	}
	_, ok = pt.Annotations[v1alpha1.AnnotationStatus]
	return &pt, ok
}

func checkProxyArgs(t *testing.T, kind any, pt *corev1.PodTemplateSpec, px *v1alpha1.ProxySpec) {
	t.Helper()
	var status rewrite.Status
	if err := json.Unmarshal([]byte(pt.Annotations[v1alpha1.AnnotationStatus]), &status); err != nil {
		t.Fatalf("%s: the status annotation: %v", kind, err)
	}
	i := slices.IndexFunc(pt.Spec.InitContainers, func(c corev1.Container) bool { return c.Name == v1alpha1.ProxyContainerName })
	if i < 0 {
		t.Fatalf("%s: no %s init container", kind, v1alpha1.ProxyContainerName)
	}
	c := pt.Spec.InitContainers[i]
	if diff := cmp.Diff([]string{rewrite.ProxyCommand}, c.Command); diff != "" {
		t.Errorf("%s: proxy command (-want +got):\n%s", kind, diff)
	}

	got := proxy.NewOptions()
	fs := pflag.NewFlagSet("proxy", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	got.AddFlags(fs)
	if err := fs.Parse(c.Args); err != nil {
		t.Fatalf("%s: the proxy refuses the arguments the rewrite wrote: %v\nargs: %q", kind, err, c.Args)
	}
	if fs.NArg() > 0 {
		t.Errorf("%s: the proxy would ignore the positional arguments %q", kind, fs.Args())
	}
	if err := got.Validate(); err != nil {
		t.Errorf("%s: the proxy refuses the options the rewrite wrote: %v", kind, err)
	}

	grace := rewrite.DefaultShutdownGrace
	if pt.Spec.TerminationGracePeriodSeconds != nil {
		grace = *pt.Spec.TerminationGracePeriodSeconds
	}
	want := proxy.NewOptions()
	want.Listen = fmt.Sprintf(":%d", status.ServingPort)
	want.Upstream = fmt.Sprintf("http://127.0.0.1:%d", status.SGLangPort)
	want.HealthPath = px.Health.Path
	want.HealthInterval, want.HealthTimeout = px.Health.Interval.Duration, px.Health.Timeout.Duration
	want.HealthFall, want.HealthRise = int(px.Health.Fall), int(px.Health.Rise)
	want.MetricsMode = string(px.MetricsMode)
	want.FixToolSchemas = *px.FixToolSchemas
	want.AllowPaths = px.AllowPaths
	if px.MaxBodyBytes != nil {
		want.MaxBodyBytes = *px.MaxBodyBytes
	}
	want.ShutdownGrace = time.Duration(grace) * time.Second
	// The strip list depends on the translated command when the profile
	// sets none (the mistral tool-call parser's); it is checked in the
	// rewrite's own tests. Here: set explicitly, always.
	if !fs.Changed("strip-params") {
		t.Errorf("%s: the rewrite leaves --strip-params to the proxy's default", kind)
	}
	if px.StripParams != nil {
		want.StripParams = px.StripParams
	} else {
		want.StripParams = got.StripParams
	}
	// The management endpoints follow the vLLM pod (its env and command),
	// checked in the rewrite's own tests. Here: spelled out, always.
	for _, flag := range []string{"lora-api", "sleep-api", "reset-prefix-cache-api"} {
		if !fs.Changed(flag) {
			t.Errorf("%s: the rewrite leaves --%s to the proxy's default", kind, flag)
		}
	}
	want.LoRAAPI, want.SleepAPI, want.ResetPrefixCacheAPI = got.LoRAAPI, got.SleepAPI, got.ResetPrefixCacheAPI
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s: the proxy reads the rewrite's arguments as (-meant +read):\n%s\nargs: %q", kind, diff, c.Args)
	}
}
