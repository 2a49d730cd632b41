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

package check

import (
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

// The API server's messages, as kube-apiserver words them.
const (
	msgUnreachable = `Internal error occurred: failed calling webhook "rewrite.vllm-to-sglang.io": failed to call webhook: Post "https://vllm-to-sglang-webhook.vllm-to-sglang-system.svc:443/mutate--v1-pod?timeout=5s": dial tcp 10.96.0.20:443: connect: connection refused`
	msgBadCA       = `Internal error occurred: failed calling webhook "rewrite.vllm-to-sglang.io": failed to call webhook: Post "https://vllm-to-sglang-webhook.vllm-to-sglang-system.svc:443/mutate--v1-pod?timeout=5s": tls: failed to verify certificate: x509: certificate signed by unknown authority`
	msgNoProfile   = `admission webhook "rewrite.vllm-to-sglang.io" denied the request: vllm-to-sglang: SGLangProfile "default" does not exist; create it`
	msgRejected    = `admission webhook "rewrite.vllm-to-sglang.io" denied the request: vllm-to-sglang: container "vllm": rejected --enforce-eager: the profile rejects it`
	msgNoClass     = `pods "vllm-devstral-deployment-vllm-check-" is forbidden: pod rejected: RuntimeClass "nvidia" not found`
	msgPSA         = `pods "x" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true`
)

// failing is a failed result, keyed by check and subject.
type failing struct {
	check   ID
	subject string
}

func failures(rs []Result) []failing {
	var out []failing
	for _, r := range rs {
		if r.Status == Failed {
			out = append(out, failing{r.Check, r.Subject})
		}
	}
	return out
}

func TestHealthyClusterPassesEveryCheck(t *testing.T) {
	rs := Run(healthy(t))
	for _, r := range rs {
		if r.Status != Passed {
			t.Errorf("%s %s: %s %q (hint %q)", r.Check, r.Subject, r.Status, r.Message, r.Hint)
		}
	}
	var ids []ID
	for _, r := range rs {
		ids = append(ids, r.Check)
	}
	want := []ID{CheckAPIServer, CheckCRD, CheckDefaultProfile, CheckProfileValid, CheckProfileImage, CheckProfileRelease,
		CheckWebhookConfiguration, CheckWebhookCertificate, CheckWebhookAnswers,
		CheckOptedInNamespaces, CheckRuntimeClasses, CheckWorkload, CheckGPUCapacity, CheckPlacement}
	if !slices.Equal(ids, want) {
		t.Errorf("checks run:\n%v\nwant\n%v", ids, want)
	}
	if !NewReport(rs).Success {
		t.Error("the report of a healthy cluster is not a success")
	}
}

// TestEachBrokenSetUpFailsExactlyItsCheck breaks one thing at a time and
// expects exactly the check about it to fail, with a hint that says what
// to do; checks that build on it are skipped, not failed.
func TestEachBrokenSetUpFailsExactlyItsCheck(t *testing.T) {
	otherCA := newCA(t, "someone-else")
	tests := map[string]struct {
		breakIt     func(t *testing.T, f *Facts)
		wantFail    []failing
		wantHint    string // in the failing result's hint
		wantMessage string // in the failing result's message
		wantSkipped []ID   // checks that must be skipped
		wantWarning []ID   // checks that must warn
	}{
		"without the API server nothing else is checked": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.API.Err = errors.New("dial tcp 10.0.0.1:6443: connect: connection refused")
			},
			wantFail: []failing{{CheckAPIServer, ""}}, wantHint: "--kubeconfig",
		},
		"a missing CRD fails the CRD check; profile, webhook-answer, workload and node checks are skipped": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.CRD = CRD{}
				f.Profiles = Profiles{}
				f.Sample = refused(teamNS, `Internal error occurred: admission webhook "rewrite.vllm-to-sglang.io" denied the request: reading SGLangProfile "default": no matches for kind`)
			},
			wantFail:    []failing{{CheckCRD, ""}},
			wantHint:    "kubectl apply -f charts/vllm-to-sglang/crds/",
			wantMessage: "not installed",
			wantSkipped: []ID{CheckDefaultProfile, CheckWebhookAnswers, CheckWorkload, CheckGPUCapacity},
		},
		"a CRD that is not established yet fails the CRD check with its reason": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.CRD = CRD{Installed: true, NotEstablished: "NotAccepted: spec.versions[0].schema is invalid"}
				f.Profiles = Profiles{}
			},
			wantFail: []failing{{CheckCRD, ""}}, wantMessage: "NotAccepted", wantHint: "kubectl get crd",
		},
		"no default profile fails the default-profile check; the sample pod and the nodes are not checked": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Profiles.Items = nil
				f.Sample = refused(teamNS, msgNoProfile)
				f.Workloads.Items[0].DryRun = refused(teamNS, msgNoProfile)
			},
			wantFail:    []failing{{CheckDefaultProfile, ""}},
			wantHint:    "defaultProfile.enabled=true",
			wantSkipped: []ID{CheckWebhookAnswers, CheckWorkload, CheckGPUCapacity},
		},
		"an invalid profile fails its validity check and names the field": {
			breakIt: func(_ *testing.T, f *Facts) {
				p := profile.Default()
				p.Name = "strict"
				p.Spec.Args.Extra = []string{"--no-such-sglang-flag"}
				f.Profiles.Items = append(f.Profiles.Items, *p)
			},
			wantFail: []failing{{CheckProfileValid, "SGLangProfile strict"}}, wantHint: "kubectl edit sglangprofile strict",
		},
		"an invalid default profile fails its validity check; the sample pod is not checked": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Profiles.Items[0].Spec.GPU.ResourceName = "amd gpu"
				f.Sample = refused(teamNS, `admission webhook "rewrite.vllm-to-sglang.io" denied the request: vllm-to-sglang: the pod cannot be rewritten`)
			},
			wantFail:    []failing{{CheckProfileValid, "SGLangProfile default"}},
			wantHint:    "kubectl edit sglangprofile default",
			wantSkipped: []ID{CheckWebhookAnswers, CheckWorkload},
		},
		"a latest image fails the image check": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Profiles.Items[0].Spec.Image = "lmsysorg/sglang:latest"
			},
			wantFail: []failing{{CheckProfileImage, "SGLangProfile default"}}, wantHint: "pin a released tag", wantMessage: "not pinned",
			wantWarning: []ID{CheckProfileRelease},
		},
		"an image of a release older than every supported one fails the validity and release checks": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Profiles.Items[0].Spec.Image = "lmsysorg/sglang:v0.4.6.post1-rocm630"
				f.Sample = refused(teamNS, `admission webhook "rewrite.vllm-to-sglang.io" denied the request: vllm-to-sglang: the pod cannot be rewritten`)
			},
			wantFail:    []failing{{CheckProfileValid, "SGLangProfile default"}, {CheckProfileRelease, "SGLangProfile default"}},
			wantHint:    "kubectl edit sglangprofile default",
			wantSkipped: []ID{CheckWebhookAnswers, CheckWorkload},
		},
		"an image without a tag fails the image check": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Profiles.Items[0].Spec.Image = "lmsysorg/sglang"
			},
			wantFail: []failing{{CheckProfileImage, "SGLangProfile default"}}, wantHint: "digest",
		},
		"a latest proxy image fails the image check too": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Profiles.Items[0].Spec.Proxy.Image = "ghcr.io/vllm-to-sglang/vllm-to-sglang:latest"
			},
			wantFail: []failing{{CheckProfileImage, "SGLangProfile default"}}, wantHint: "pin",
		},
		"no webhook configuration fails that check; certificate, answer and workloads are skipped": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Webhook.Configs = nil
				f.Sample = DryRun{Tried: true, Namespace: teamNS, Pod: SamplePod(teamNS)}
			},
			wantFail:    []failing{{CheckWebhookConfiguration, ""}},
			wantHint:    "helm install",
			wantSkipped: []ID{CheckWebhookCertificate, CheckWebhookAnswers, CheckWorkload},
		},
		"a caBundle from another CA fails the certificate check; the answer is not checked": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Webhook.Configs[0].Webhooks[0].ClientConfig.CABundle = otherCA.pem
				f.Sample = refused(teamNS, msgBadCA)
				f.Workloads.Items[0].DryRun = refused(teamNS, msgBadCA)
			},
			wantFail:    []failing{{CheckWebhookCertificate, ""}},
			wantHint:    "Certificate vllm-to-sglang-system/vllm-to-sglang-webhook",
			wantMessage: "certificate signed by unknown authority",
			wantSkipped: []ID{CheckWebhookAnswers, CheckWorkload},
		},
		"an empty caBundle fails the certificate check": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Webhook.Configs[0].Webhooks[0].ClientConfig.CABundle = nil
				f.Sample = refused(teamNS, msgBadCA)
			},
			wantFail: []failing{{CheckWebhookCertificate, ""}}, wantMessage: "empty", wantHint: "cert-manager",
		},
		"a certificate for another name fails the certificate check": {
			breakIt: func(t *testing.T, f *Facts) {
				ca := newCA(t, "ca")
				f.Webhook.Configs[0].Webhooks[0].ClientConfig.CABundle = ca.pem
				f.Webhook.Cert.Chain = []*x509.Certificate{ca.issue(t, validUntil, "other.example.com")}
			},
			wantFail: []failing{{CheckWebhookCertificate, ""}}, wantMessage: "not " + serviceName,
		},
		"an expired certificate fails the certificate check": {
			breakIt: func(t *testing.T, f *Facts) {
				f.Now = validUntil.Add(time.Hour)
			},
			wantFail: []failing{{CheckWebhookCertificate, ""}}, wantMessage: "expired",
		},
		"a webhook that is down fails the answer check and says where to look": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Webhook.Cert = ServingCert{ServerName: "127.0.0.1", DialErr: errors.New("connection refused"), Err: errors.New("dial tcp 127.0.0.1:9443: connection refused")}
				f.Sample = refused(teamNS, msgUnreachable)
			},
			wantFail:    []failing{{CheckWebhookAnswers, ""}},
			wantHint:    "kubectl -n vllm-to-sglang-system get pods,endpointslices",
			wantWarning: []ID{CheckWebhookCertificate},
			wantSkipped: []ID{CheckWorkload},
		},
		"a webhook that denies the sample pod fails the answer check": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Sample = refused(teamNS, msgRejected)
			},
			wantFail: []failing{{CheckWebhookAnswers, ""}}, wantMessage: "denied",
		},
		"a sample pod admitted unchanged fails the answer check": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Sample = DryRun{Tried: true, Namespace: teamNS, Pod: SamplePod(teamNS)}
			},
			wantFail: []failing{{CheckWebhookAnswers, ""}}, wantHint: "matchConditions",
		},
		"a sample pod refused by Pod Security fails the answer check with the API server's message": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Sample = refused(teamNS, msgPSA)
			},
			wantFail: []failing{{CheckWebhookAnswers, ""}}, wantHint: "--namespace",
		},
		"a missing RuntimeClass fails the RuntimeClass check; the workload naming it is skipped": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.RuntimeClasses.Names = nil
				f.Workloads.Items[0].DryRun = refused(teamNS, msgNoClass)
			},
			wantFail:    []failing{{CheckRuntimeClasses, ""}},
			wantHint:    "compatRuntimeClass.create=auto",
			wantMessage: `RuntimeClass "nvidia" does not exist`,
			wantSkipped: []ID{CheckWorkload},
		},
		"a profile's runtime class that does not exist fails the RuntimeClass check": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Profiles.Items[0].Spec.RuntimeClass.Name = "rocm"
			},
			wantFail: []failing{{CheckRuntimeClasses, ""}}, wantMessage: `"rocm"`,
		},
		"no node with AMD GPUs fails the capacity check; placement is skipped": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Nodes.Items = []corev1.Node{cpuNode("cpu-a"), cpuNode("cpu-b")}
			},
			wantFail:    []failing{{CheckGPUCapacity, "SGLangProfile default"}},
			wantHint:    "device plugin",
			wantMessage: "no node advertises amd.com/gpu",
			wantSkipped: []ID{CheckPlacement},
		},
		"nodes too small for the largest tensor-parallel size fail the capacity check": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Nodes.Items = []corev1.Node{gpuNode("mi300x-a", 4), gpuNode("mi300x-b", 4)}
			},
			wantFail:    []failing{{CheckGPUCapacity, "SGLangProfile default"}},
			wantMessage: "no node has 8 amd.com/gpu (the largest request: 8, Deployment team-a/vllm-devstral-deployment-vllm with tensor-parallel size 8)",
			wantHint:    "tensor-parallel size",
		},
		"GPU nodes without the profile's node labels fail the placement check": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Profiles.Items[0].Spec.Placement.NodeSelector = map[string]string{"amd.com/gpu.device-id": "74a1"}
			},
			wantFail:    []failing{{CheckPlacement, "SGLangProfile default"}},
			wantMessage: "nodeSelector amd.com/gpu.device-id=74a1",
			wantHint:    "label the MI300X nodes",
		},
		"a workload the profile rejects fails its workload check": {
			breakIt: func(t *testing.T, f *Facts) {
				w := vllmWorkload(t, f, "eager", nil)
				w.DryRun = refused(teamNS, msgRejected)
				f.Workloads.Items = append(f.Workloads.Items, w)
			},
			wantFail: []failing{{CheckWorkload, "Deployment team-a/eager"}}, wantHint: "args.overrides",
		},
		"a workload naming a profile that does not exist fails its workload check": {
			breakIt: func(t *testing.T, f *Facts) {
				w := vllmWorkload(t, f, "typo", nil)
				w.Template.Annotations = map[string]string{v1alpha1.AnnotationProfile: "strcit"}
				w.DryRun = refused(teamNS, `admission webhook "rewrite.vllm-to-sglang.io" denied the request: vllm-to-sglang: SGLangProfile "strcit" does not exist`)
				f.Workloads.Items = append(f.Workloads.Items, w)
			},
			wantFail: []failing{{CheckWorkload, "Deployment team-a/typo"}}, wantMessage: `"strcit" does not exist`,
		},
		"forbidden to list nodes fails the capacity check with the RBAC hint": {
			breakIt: func(_ *testing.T, f *Facts) {
				f.Nodes = Nodes{Err: apierrors.NewForbidden(schema.GroupResource{Resource: "nodes"}, "", errors.New("no RBAC"))}
			},
			wantFail: []failing{{CheckGPUCapacity, ""}}, wantHint: "docs/check.md",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := healthy(t)
			tc.breakIt(t, f)
			rs := Run(f)
			if got := failures(rs); !slices.Equal(got, tc.wantFail) {
				t.Fatalf("failed checks %v, want %v\n%s", got, tc.wantFail, dump(rs))
			}
			for _, r := range rs {
				if r.Status != Failed {
					continue
				}
				if !strings.Contains(r.Hint, tc.wantHint) {
					t.Errorf("hint %q lacks %q", r.Hint, tc.wantHint)
				}
				if !strings.Contains(r.Message, tc.wantMessage) {
					t.Errorf("message %q lacks %q", r.Message, tc.wantMessage)
				}
			}
			for _, id := range tc.wantSkipped {
				if s := statusOf(rs, id); s != Skipped {
					t.Errorf("%s: %s, want skipped\n%s", id, s, dump(rs))
				}
			}
			for _, id := range tc.wantWarning {
				if s := statusOf(rs, id); s != Warning {
					t.Errorf("%s: %s, want a warning\n%s", id, s, dump(rs))
				}
			}
		})
	}
}

// TestWarnings covers set-ups that work but probably not as meant: they
// warn and fail nothing.
func TestWarnings(t *testing.T) {
	tests := map[string]struct {
		change      func(t *testing.T, f *Facts)
		wantWarning ID
		wantText    string // in the warning's message or details
		wantHint    string
	}{
		"no opted-in namespace: the webhook is not tried, and the hint says how to opt in": {
			change: func(_ *testing.T, f *Facts) {
				f.Namespaces.Items = nil
				f.Workloads.Items = nil
				f.Sample = DryRun{NotTried: "no namespace is opted in"}
			},
			wantWarning: CheckWebhookAnswers, wantText: "not tried", wantHint: "kubectl label namespace",
		},
		"a labelled kube-system is reported as excluded": {
			change: func(_ *testing.T, f *Facts) {
				f.Namespaces.Items = append(f.Namespaces.Items, namespace("kube-system", true))
			},
			wantWarning: CheckOptedInNamespaces, wantText: "kube-system", wantHint: "own namespace",
		},
		"--namespace names a namespace that is not opted in": {
			change: func(_ *testing.T, f *Facts) {
				f.Namespaces = Namespaces{Only: "team-b"}
				f.Workloads.Items = nil
				f.Sample = DryRun{NotTried: "namespace team-b is not opted in"}
			},
			wantWarning: CheckOptedInNamespaces, wantText: "team-b is not opted in", wantHint: "kubectl label namespace team-b",
		},
		"two webhook configurations are reported": {
			change: func(_ *testing.T, f *Facts) {
				second := f.Webhook.Configs[0]
				second.Name = "vllm-to-sglang-2"
				f.Webhook.Configs = append(f.Webhook.Configs, second)
			},
			wantWarning: CheckWebhookConfiguration, wantText: "vllm-to-sglang, vllm-to-sglang-2", wantHint: "once per cluster",
		},
		"a vLLM workload without a GPU is left alone, with the rewrite's reason": {
			change: func(t *testing.T, f *Facts) {
				f.Workloads.Items = append(f.Workloads.Items, vllmWorkload(t, f, "cpu-only", func(p *corev1.PodTemplateSpec) {
					p.Spec.Containers[0].Resources = corev1.ResourceRequirements{}
				}))
			},
			wantWarning: CheckWorkload, wantText: "left alone", wantHint: "request nvidia.com/gpu",
		},
		"an opted-out workload is left alone, and the hint names the label": {
			change: func(t *testing.T, f *Facts) {
				w := vllmWorkload(t, f, "opted-out", func(p *corev1.PodTemplateSpec) {
					p.Labels[v1alpha1.LabelRewrite] = v1alpha1.LabelRewriteDisabled
				})
				f.Workloads.Items = append(f.Workloads.Items, w)
			},
			wantWarning: CheckWorkload, wantText: "left alone", wantHint: "vllm-to-sglang.io/rewrite=disabled",
		},
		"a workload the webhook was not called for is told apart from one it skipped": {
			change: func(t *testing.T, f *Facts) {
				w := vllmWorkload(t, f, "unseen", nil)
				w.DryRun = DryRun{Tried: true, Namespace: teamNS, Pod: templatePod(&w)}
				f.Workloads.Items = append(f.Workloads.Items, w)
			},
			wantWarning: CheckWorkload, wantText: "not called", wantHint: "objectSelector",
		},
		"GPU nodes all tainted against the profile's pods": {
			change: func(_ *testing.T, f *Facts) {
				for i := range f.Nodes.Items {
					f.Nodes.Items[i].Spec.Taints = []corev1.Taint{{Key: "amd.com/gpu", Value: "present", Effect: corev1.TaintEffectNoSchedule}}
				}
			},
			wantWarning: CheckPlacement, wantText: "amd.com/gpu=present:NoSchedule", wantHint: "tolerations",
		},
		"an image pinned by digest alone warns that its commands are checked against the oldest release": {
			change: func(_ *testing.T, f *Facts) {
				f.Profiles.Items[0].Spec.Image = "lmsysorg/sglang@sha256:" + strings.Repeat("ab", 32)
			},
			wantWarning: CheckProfileRelease, wantText: "using the oldest supported release", wantHint: "set spec.sglangVersion",
		},
		"a release newer than every catalog warns that flags added since are dropped": {
			change: func(_ *testing.T, f *Facts) {
				f.Profiles.Items[0].Spec.SGLangVersion = "99.0.0"
			},
			wantWarning: CheckProfileRelease, wantText: "flags added since are dropped", wantHint: "supported:",
		},
		"a certificate that cannot be fetched is a warning, not a failure": {
			change: func(_ *testing.T, f *Facts) {
				f.Webhook.Cert = ServingCert{ServerName: serviceName, DialErr: errors.New("no such host"),
					Err: errors.New(`secrets "vllm-to-sglang-webhook-tls" is forbidden`)}
			},
			wantWarning: CheckWebhookCertificate, wantText: "cannot get", wantHint: "in the cluster",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := healthy(t)
			tc.change(t, f)
			rs := Run(f)
			if got := failures(rs); len(got) > 0 {
				t.Fatalf("failed checks %v, want none\n%s", got, dump(rs))
			}
			var found bool
			for _, r := range rs {
				if r.Check != tc.wantWarning || r.Status != Warning {
					continue
				}
				found = true
				if text := r.Message + "\n" + strings.Join(r.Details, "\n"); !strings.Contains(text, tc.wantText) {
					t.Errorf("warning %q lacks %q", text, tc.wantText)
				}
				if !strings.Contains(r.Hint, tc.wantHint) {
					t.Errorf("hint %q lacks %q", r.Hint, tc.wantHint)
				}
			}
			if !found {
				t.Errorf("no warning from %s\n%s", tc.wantWarning, dump(rs))
			}
		})
	}
}

func statusOf(rs []Result, id ID) Status {
	worst := Status("")
	for _, r := range rs {
		if r.Check == id && rank(r.Status) > rank(worst) {
			worst = r.Status
		}
	}
	return worst
}

func dump(rs []Result) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "  %-8s %-22s %s\n", r.Status, r.Check, r.Message)
	}
	return b.String()
}

// TestHostSettingsAreNamedNotClaimed: the host settings SGLang's AMD guide
// asks for cannot be seen through the API, so the capacity check names them
// and the nodes to verify, and never turns them into a pass or a failure.
func TestHostSettingsAreNamedNotClaimed(t *testing.T) {
	withResource := func(res string) func(f *Facts) {
		return func(f *Facts) {
			f.Profiles.Items[0].Spec.GPU.ResourceName = res
			for i := range f.Nodes.Items {
				n := &f.Nodes.Items[i]
				if q, ok := n.Status.Allocatable["amd.com/gpu"]; ok {
					delete(n.Status.Allocatable, "amd.com/gpu")
					delete(n.Status.Capacity, "amd.com/gpu")
					n.Status.Allocatable[corev1.ResourceName(res)] = q
					n.Status.Capacity[corev1.ResourceName(res)] = q
				}
			}
		}
	}
	tests := map[string]struct {
		change   func(f *Facts)
		wantText []string // in the passing capacity line's details; none when nil
	}{
		"AMD GPU nodes: the passing capacity line says NUMA balancing, iommu=pt and pci=realloc=off are not checked, and on which nodes to verify them": {
			change: func(*Facts) {},
			wantText: []string{"not checked", "NUMA balancing off", "iommu=pt pci=realloc=off",
				"verify on mi300x-a, mi300x-b:", "/proc/sys/kernel/numa_balancing", "/proc/cmdline", "README.md, Install"},
		},
		"a partitioned AMD resource (amd.com/cpx_nps4) gets the same details": {
			change:   withResource("amd.com/cpx_nps4"),
			wantText: []string{"not checked", "verify on mi300x-a, mi300x-b:"},
		},
		"a GPU resource that is not AMD's gets no AMD host-settings details": {
			change: withResource("example.com/gpu"),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := healthy(t)
			tc.change(f)
			rs := Run(f)
			var capacity *Result
			for i := range rs {
				if rs[i].Check == CheckGPUCapacity {
					capacity = &rs[i]
				}
			}
			if capacity == nil || capacity.Status != Passed || capacity.Hint != "" {
				t.Fatalf("want a passing capacity check without a hint\n%s", dump(rs))
			}
			details := strings.Join(capacity.Details, "\n")
			if tc.wantText == nil && details != "" {
				t.Errorf("details %q, want none", details)
			}
			for _, want := range tc.wantText {
				if !strings.Contains(details, want) {
					t.Errorf("details lack %q:\n%s", want, details)
				}
			}
			for _, r := range rs {
				if r.Status != Passed {
					t.Errorf("%s: %s, want every check to pass", r.Check, r.Status)
				}
			}
		})
	}
}
