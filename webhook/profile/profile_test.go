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

package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

func TestDefault(t *testing.T) {
	p := Default()

	t.Run("is named default and pins a released SGLang ROCm MI300X image", func(t *testing.T) {
		if p.Name != v1alpha1.DefaultProfileName {
			t.Errorf("name = %q, want %q", p.Name, v1alpha1.DefaultProfileName)
		}
		if !strings.HasPrefix(p.Spec.Image, "lmsysorg/sglang:v") || !strings.HasSuffix(p.Spec.Image, "-rocm700-mi30x") {
			t.Errorf("image = %q, want a pinned lmsysorg/sglang:vX.Y.Z-rocm700-mi30x tag", p.Spec.Image)
		}
	})

	t.Run("spells out every default, so defaulting it again changes nothing", func(t *testing.T) {
		again := p.DeepCopy()
		again.Spec.Default()
		if diff := cmp.Diff(p, again); diff != "" {
			t.Errorf("Default() filled fields the embedded YAML leaves empty (-yaml +defaulted):\n%s", diff)
		}
	})

	t.Run("validates", func(t *testing.T) {
		if errs := Validate(p); len(errs) > 0 {
			t.Errorf("Validate(Default()) = %v", errs)
		}
	})

	t.Run("round-trips through YAML unchanged", func(t *testing.T) {
		data, err := yaml.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(data)
		if err != nil {
			t.Fatalf("Parse(Marshal(Default())): %v\n%s", err, data)
		}
		if diff := cmp.Diff(p, back); diff != "" {
			t.Errorf("round trip changed the profile (-before +after):\n%s", diff)
		}
	})

	t.Run("adds no env the SGLang ROCm image already sets", func(t *testing.T) {
		// The "Performance environment variable" block of sgl-project/sglang
		// docker/rocm.Dockerfile (v0.5.9 and newest alike; docs/rewrite.md).
		baked := []string{"HIP_FORCE_DEV_KERNARG", "HSA_NO_SCRATCH_RECLAIM", "NCCL_MIN_NCHANNELS",
			"SGLANG_USE_AITER", "TORCHINDUCTOR_MAX_AUTOTUNE", "TORCHINDUCTOR_MAX_AUTOTUNE_POINTWISE",
			"SGLANG_MOE_PADDING", "SGLANG_SET_CPU_AFFINITY", "ROCM_QUICK_REDUCE_QUANTIZATION",
			"SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN", "SGLANG_DISABLE_CUDNN_CHECK", "SGLANG_INT4_WEIGHT",
			"SGLANG_ROCM_DISABLE_LINEARQUANT", "SGLANG_ROCM_FUSED_DECODE_MLA", "SGLANG_USE_ROCM700A"}
		for _, e := range p.Spec.Env.Add {
			for _, b := range baked {
				if e.Name == b {
					t.Errorf("env.add sets %s, which the image already sets", b)
				}
			}
		}
	})

	t.Run("adds no FSDP-training stream setting (GPU_MAX_HW_QUEUES, TORCH_NCCL_HIGH_PRIORITY)", func(t *testing.T) {
		// AMD's MI300X workload guide gives both only for multi-node FSDP training.
		for _, e := range p.Spec.Env.Add {
			if e.Name == "GPU_MAX_HW_QUEUES" || e.Name == "TORCH_NCCL_HIGH_PRIORITY" {
				t.Errorf("env.add sets %s=%s", e.Name, e.Value)
			}
		}
	})

	t.Run("adds exactly the env docs/rewrite.md marks added, and none it marks image or dropped", func(t *testing.T) {
		rows := envTable(t, "../../docs/rewrite.md")
		added := map[string]string{}
		for _, e := range p.Spec.Env.Add {
			added[e.Name] = e.Value
		}
		documented := map[string]string{}
		for _, r := range rows {
			switch {
			case strings.HasPrefix(r.decision, "**added**"):
				if len(r.names) != 1 {
					t.Errorf("an added row must name one variable: %v", r.names)
					continue
				}
				documented[r.names[0]] = r.value
			default:
				for _, n := range r.names {
					if v, ok := added[n]; ok {
						t.Errorf("env.add sets %s=%s, which docs/rewrite.md marks %s", n, v, r.decision)
					}
				}
			}
		}
		if diff := cmp.Diff(documented, added); diff != "" {
			t.Errorf("docs/rewrite.md's added rows differ from env.add (-docs +default.yaml):\n%s", diff)
		}
	})

	t.Run("hands out independent copies", func(t *testing.T) {
		a := Default()
		a.Spec.Image = "changed"
		a.Spec.Env.Add[0].Value = "changed"
		if b := Default(); b.Spec.Image == "changed" || b.Spec.Env.Add[0].Value == "changed" {
			t.Error("changing one Default() result changed the next one")
		}
	})

	t.Run("DefaultYAML is the document Default parses", func(t *testing.T) {
		back, err := Parse(DefaultYAML())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, back); diff != "" {
			t.Error(diff)
		}
	})
}

const minimal = `apiVersion: shim.vllm-to-sglang.io/v1alpha1
kind: SGLangProfile
metadata:
  name: mine
spec:
  image: example.com/sglang:v1
`

func TestParse(t *testing.T) {
	tests := map[string]struct {
		doc      string
		wantErr  string // substring; empty means success
		validate func(t *testing.T, p *v1alpha1.SGLangProfile)
	}{
		"accepts a minimal profile and fills in the CRD defaults": {
			doc: minimal,
			validate: func(t *testing.T, p *v1alpha1.SGLangProfile) {
				if p.Spec.GPU.ResourceName != v1alpha1.DefaultGPUResourceName || p.Spec.Proxy.Health.Fall != v1alpha1.DefaultHealthFall {
					t.Errorf("defaults not applied: %+v", p.Spec)
				}
			},
		},
		"accepts JSON": {
			doc: `{"apiVersion":"shim.vllm-to-sglang.io/v1alpha1","kind":"SGLangProfile","metadata":{"name":"j"},"spec":{"image":"x"}}`,
		},
		"ignores a leading comment-only document": {
			doc: "# header\n---\n" + minimal,
		},
		"refuses an unknown field": {
			doc:     minimal + "  imagee: typo\n",
			wantErr: `unknown field "spec.imagee"`,
		},
		"refuses a duplicate field": {
			doc:     minimal + "  image: again\n",
			wantErr: "already set",
		},
		"refuses another kind": {
			doc:     strings.Replace(minimal, "kind: SGLangProfile", "kind: ConfigMap", 1),
			wantErr: `kind SGLangProfile, got apiVersion "shim.vllm-to-sglang.io/v1alpha1" and kind "ConfigMap"`,
		},
		"refuses another API version": {
			doc:     strings.Replace(minimal, "v1alpha1", "v1", 1),
			wantErr: "expected apiVersion shim.vllm-to-sglang.io/v1alpha1",
		},
		"refuses two documents": {
			doc:     minimal + "---\n" + minimal,
			wantErr: "expected one SGLangProfile document, found 2",
		},
		"refuses an empty file": {
			doc:     "# nothing\n",
			wantErr: "no SGLangProfile document found",
		},
		"refuses a missing image": {
			doc:     strings.Replace(minimal, "  image: example.com/sglang:v1\n", "  shmSize: 1Gi\n", 1),
			wantErr: "spec.image: Required value",
		},
		"refuses an image with a space": {
			doc:     strings.Replace(minimal, "sglang:v1", "sglang v1", 1),
			wantErr: "spec.image: Invalid value: \"example.com/sglang v1\": image must not contain spaces",
		},
		"refuses a missing name": {
			doc:     strings.Replace(minimal, "  name: mine\n", "  labels: {}\n", 1),
			wantErr: "metadata.name: Required value",
		},
		"refuses an unknown pull policy": {
			doc:     minimal + "  imagePullPolicy: Sometimes\n",
			wantErr: "spec.imagePullPolicy: Unsupported value: \"Sometimes\"",
		},
		"refuses a GPU resource name that is not a resource name": {
			doc:     minimal + "  gpu:\n    resourceName: amd.com/gpu/x\n",
			wantErr: "spec.gpu.resourceName: Invalid value",
		},
		"refuses duplicate entries in a set": {
			doc:     minimal + "  env:\n    removePrefixes: [NVIDIA_, NVIDIA_]\n",
			wantErr: "spec.env.removePrefixes[1]: Duplicate value: \"NVIDIA_\"",
		},
		"refuses two env additions with one name": {
			doc:     minimal + "  env:\n    add:\n    - {name: A, value: \"1\"}\n    - {name: A, value: \"2\"}\n",
			wantErr: "spec.env.add[1].name: Duplicate value: \"A\"",
		},
		"refuses an env name a pod would refuse": {
			doc:     minimal + "  env:\n    add:\n    - {name: \"1=2\", value: \"1\"}\n",
			wantErr: "spec.env.add[0].name: Invalid value",
		},
		"refuses a zero shm size": {
			doc:     minimal + "  shmSize: \"0\"\n",
			wantErr: "spec.shmSize: Invalid value: \"0\": must be greater than zero",
		},
		"refuses a runtime class name longer than 253 characters": {
			doc:     minimal + "  runtimeClass:\n    name: " + strings.Repeat("a", 254) + "\n",
			wantErr: "spec.runtimeClass.name: Too long",
		},
		"refuses Fixed memory mode without memFractionStatic, with the CRD's message": {
			doc:     minimal + "  args:\n    gpuMemoryUtilization:\n      mode: Fixed\n",
			wantErr: "args.gpuMemoryUtilization.memFractionStatic is required when mode is Fixed",
		},
		"refuses a memory offset that is not a fraction": {
			doc:     minimal + "  args:\n    gpuMemoryUtilization:\n      offset: \"7%\"\n",
			wantErr: "spec.args.gpuMemoryUtilization.offset: Invalid value: \"7%\"",
		},
		"refuses an unknown unsafe-flag action": {
			doc:     minimal + "  args:\n    unsafeFlags: Ignore\n",
			wantErr: "spec.args.unsafeFlags: Unsupported value: \"Ignore\"",
		},
		"refuses Rename without sglangFlag, with the CRD's message": {
			doc:     minimal + "  args:\n    overrides:\n    - {flag: --block-size, action: Rename}\n",
			wantErr: "sglangFlag is required when action is Rename",
		},
		"refuses an override flag that is not a long flag": {
			doc:     minimal + "  args:\n    overrides:\n    - {flag: -tp, action: Drop}\n",
			wantErr: "spec.args.overrides[0].flag: Invalid value: \"-tp\"",
		},
		"refuses two overrides of one flag": {
			doc:     minimal + "  args:\n    overrides:\n    - {flag: --seed, action: Drop}\n    - {flag: --seed, action: Pass}\n",
			wantErr: "spec.args.overrides[1].flag: Duplicate value: \"--seed\"",
		},
		"refuses an unknown metrics mode": {
			doc:     minimal + "  proxy:\n    metricsMode: fake\n",
			wantErr: "spec.proxy.metricsMode: Unsupported value: \"fake\"",
		},
		"refuses a health path without a leading slash": {
			doc:     minimal + "  proxy:\n    health:\n      path: health\n",
			wantErr: "spec.proxy.health.path: Invalid value: \"health\": must start with /",
		},
		"refuses a negative health fall count": {
			doc:     minimal + "  proxy:\n    health:\n      fall: -1\n",
			wantErr: "spec.proxy.health.fall: Invalid value: -1",
		},
		"refuses a maxBodyBytes under 1024": {
			doc:     minimal + "  proxy:\n    maxBodyBytes: 10\n",
			wantErr: "spec.proxy.maxBodyBytes: Invalid value: 10",
		},
		"defaults the hostNetwork SGLang port": {
			doc: minimal,
			validate: func(t *testing.T, p *v1alpha1.SGLangProfile) {
				if got := p.Spec.Proxy.HostNetworkSGLangPort; got != v1alpha1.DefaultHostNetworkSGLangPort {
					t.Errorf("hostNetworkSGLangPort = %d, want %d", got, v1alpha1.DefaultHostNetworkSGLangPort)
				}
			},
		},
		"accepts a hostNetwork SGLang port the profile sets": {
			doc: minimal + "  proxy:\n    hostNetworkSGLangPort: 1024\n",
			validate: func(t *testing.T, p *v1alpha1.SGLangProfile) {
				if got := p.Spec.Proxy.HostNetworkSGLangPort; got != 1024 {
					t.Errorf("hostNetworkSGLangPort = %d, want 1024", got)
				}
			},
		},
		"refuses a privileged hostNetwork SGLang port": {
			doc:     minimal + "  proxy:\n    hostNetworkSGLangPort: 80\n",
			wantErr: "spec.proxy.hostNetworkSGLangPort: Invalid value: 80: must be between 1024 and 65535",
		},
		"refuses a hostNetwork SGLang port above 65535": {
			doc:     minimal + "  proxy:\n    hostNetworkSGLangPort: 65536\n",
			wantErr: "spec.proxy.hostNetworkSGLangPort: Invalid value: 65536",
		},
		"refuses an extra argument SGLang does not have": {
			doc:     minimal + "  args:\n    extra: [--enable-warp-drive]\n",
			wantErr: "SGLang 0.5.9 has no flag --enable-warp-drive",
		},
		"accepts extra arguments SGLang has": {
			doc: minimal + "  args:\n    extra: [--enable-torch-compile, --chunked-prefill-size, \"4096\"]\n",
		},
		"refuses a Rename override to a flag SGLang does not have": {
			doc:     minimal + "  args:\n    overrides:\n    - {flag: --block-size, action: Rename, sglangFlag: --no-such-flag}\n",
			wantErr: "spec.args.overrides[0].sglangFlag: Invalid value: \"--no-such-flag\": SGLang 0.5.9 has no such flag",
		},
		"refuses a Pass override of a flag SGLang does not have": {
			doc:     minimal + "  args:\n    overrides:\n    - {flag: --block-size, action: Pass}\n",
			wantErr: "spec.args.overrides[0].flag: Invalid value: \"--block-size\": action Pass needs a flag SGLang 0.5.9 has too",
		},
		"accepts a Rename override to a flag SGLang has": {
			doc: minimal + "  args:\n    overrides:\n    - {flag: --block-size, action: Rename, sglangFlag: --page-size}\n",
		},
		"accepts a selector by namespace labels, pod labels and models, and a priority": {
			doc: minimal + "  priority: 10\n  selector:\n    namespaceSelector:\n      matchLabels: {team: b}\n    podSelector:\n      matchExpressions:\n      - {key: family, operator: In, values: [deepseek]}\n    models:\n    - pattern: deepseek-ai/*\n    - {pattern: '^Qwen/Qwen3-.*$', kind: regex}\n",
			validate: func(t *testing.T, p *v1alpha1.SGLangProfile) {
				if p.Spec.Priority != 10 || len(p.Spec.Selector.Models) != 2 {
					t.Errorf("priority %d, selector %+v", p.Spec.Priority, p.Spec.Selector)
				}
			},
		},
		"defaults a model pattern's kind to glob": {
			doc: minimal + "  selector:\n    models:\n    - pattern: deepseek-ai/*\n",
			validate: func(t *testing.T, p *v1alpha1.SGLangProfile) {
				if got := p.Spec.Selector.Models[0].Kind; got != v1alpha1.PatternGlob {
					t.Errorf("kind %q, want glob", got)
				}
			},
		},
		"refuses a regex with an invalid escape, saying where": {
			doc:     minimal + "  selector:\n    models:\n    - {pattern: 'deepseek-ai/\\q.*', kind: regex}\n",
			wantErr: "spec.selector.models[0].pattern: Invalid value: \"deepseek-ai/\\\\q.*\": not a valid regular expression: invalid escape sequence at character 13: `\\q`",
		},
		"refuses a regex with an unclosed group, saying where": {
			doc:     minimal + "  selector:\n    models:\n    - {pattern: ok, kind: regex}\n    - {pattern: '(Qwen|Llama', kind: regex}\n",
			wantErr: "spec.selector.models[1].pattern: Invalid value: \"(Qwen|Llama\": not a valid regular expression: missing closing ) at the end of the pattern (character 12)",
		},
		"refuses a regex with a repetition of nothing, saying where": {
			doc:     minimal + "  selector:\n    models:\n    - {pattern: 'Qwen/**', kind: regex}\n",
			wantErr: "invalid nested repetition operator at character 6: `**`",
		},
		"refuses a glob with an unclosed set, saying where": {
			doc:     minimal + "  selector:\n    models:\n    - pattern: 'qwen/[a-z'\n",
			wantErr: "spec.selector.models[0].pattern: Invalid value: \"qwen/[a-z\": not a valid glob: the [ at character 6 has no closing ]",
		},
		"refuses a glob with a backward range": {
			doc:     minimal + "  selector:\n    models:\n    - pattern: 'qwen[z-a]'\n",
			wantErr: "not a valid glob: invalid character class range in the set at character 5: `[z-a]`",
		},
		"refuses an unknown pattern kind": {
			doc:     minimal + "  selector:\n    models:\n    - {pattern: x, kind: wildcard}\n",
			wantErr: "spec.selector.models[0].kind: Unsupported value: \"wildcard\"",
		},
		"refuses an empty pattern": {
			doc:     minimal + "  selector:\n    models:\n    - {pattern: ''}\n",
			wantErr: "spec.selector.models[0].pattern: Invalid value: \"\": must not be empty",
		},
		"refuses a label selector expression without values": {
			doc:     minimal + "  selector:\n    podSelector:\n      matchExpressions:\n      - {key: family, operator: In}\n",
			wantErr: "spec.selector.podSelector.matchExpressions[0].values: Required value",
		},
		"refuses a label selector with an unknown operator": {
			doc:     minimal + "  selector:\n    namespaceSelector:\n      matchExpressions:\n      - {key: team, operator: Like, values: [a]}\n",
			wantErr: "spec.selector.namespaceSelector.matchExpressions[0].operator: Invalid value: \"Like\"",
		},
		"refuses a label selector with a key that is not a label key": {
			doc:     minimal + "  selector:\n    namespaceSelector:\n      matchLabels: {'team name': a}\n",
			wantErr: "spec.selector.namespaceSelector.matchLabels: Invalid value: \"team name\"",
		},
		"reports every invalid field at once": {
			doc:     minimal + "  imagePullPolicy: Sometimes\n  proxy:\n    metricsMode: fake\n",
			wantErr: "[spec.imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\", spec.proxy.metricsMode",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := Parse([]byte(tc.doc))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse() error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse() = %v", err)
			}
			if tc.validate != nil {
				tc.validate(t, p)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()

	t.Run("reads a profile file", func(t *testing.T) {
		path := filepath.Join(dir, "p.yaml")
		if err := os.WriteFile(path, []byte(minimal), 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if p.Spec.Image != "example.com/sglang:v1" {
			t.Errorf("image = %q", p.Spec.Image)
		}
	})

	t.Run("names the file in a validation error", func(t *testing.T) {
		path := filepath.Join(dir, "bad.yaml")
		if err := os.WriteFile(path, []byte(minimal+"  shmSize: \"0\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "spec.shmSize") {
			t.Errorf("Load() error = %v, want the path and the field", err)
		}
	})

	t.Run("reports a missing file", func(t *testing.T) {
		_, err := Load(filepath.Join(dir, "missing.yaml"))
		if err == nil || !os.IsNotExist(unwrapAll(err)) {
			t.Errorf("Load() error = %v, want a not-exist error", err)
		}
	})
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

type envRow struct {
	names    []string // the backquoted names of the first cell
	value    string   // the second cell without backquotes
	decision string
}

// envTable reads the table under "### Environment of the default profile".
func envTable(t *testing.T, path string) []envRow {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "### Environment of the default profile\n")
	if !ok {
		t.Fatalf("%s has no section \"Environment of the default profile\"", path)
	}
	var rows []envRow
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "#") {
			break
		}
		cells := strings.Split(line, "|")
		if len(cells) < 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		r := envRow{value: strings.Trim(strings.TrimSpace(cells[2]), "`"), decision: strings.TrimSpace(cells[3])}
		for _, n := range strings.Split(cells[1], ",") {
			n = strings.TrimSpace(n)
			if name, _, _ := strings.Cut(strings.Trim(n, "`"), "="); name != "" {
				r.names = append(r.names, name)
			}
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		t.Fatalf("no rows in %s's env table", path)
	}
	return rows
}
