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

package argv

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/sglang"
)

// vllmRow is one row of testdata/vllm-flags.tsv: every flag of vLLM's
// OpenAI server at VLLMVersion, as its argument parser defines them (the
// file's header says how it was made).
type vllmRow struct {
	names   []string // one row may name two flags: "--worker-use-ray / --engine-use-ray"
	aliases []string
	typ     string
	legacy  bool
}

func readVLLMRows(t *testing.T) []vllmRow {
	t.Helper()
	raw, err := os.ReadFile("testdata/vllm-flags.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var rows []vllmRow
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n")[1:] {
		cols := strings.Split(line, "\t")
		if strings.HasPrefix(cols[0], "model_tag") {
			continue // the positional model: see TestPositionalModel
		}
		r := vllmRow{names: strings.Split(cols[0], " / "), typ: cols[2], legacy: cols[5] == "legacy"}
		if cols[1] != "" {
			r.aliases = strings.Split(cols[1], ",")
		}
		rows = append(rows, r)
	}
	return rows
}

func TestEveryVLLMFlagHasExactlyOneDecision(t *testing.T) {
	listed := map[string]bool{}
	for _, row := range readVLLMRows(t) {
		for _, name := range row.names {
			listed[name] = true
			r, ok := vllmRules[name]
			if !ok || r.flag != name {
				t.Errorf("%s: no table row", name)
				continue
			}
			checkRowMatchesReference(t, r, row)
		}
	}
	for _, r := range vllmTable {
		if !listed[r.flag] {
			t.Errorf("table row %s is not a vLLM server flag of testdata/vllm-flags.tsv", r.flag)
		}
	}
}

// checkRowMatchesReference compares a table row with the reference's
// aliases, legacy mark and argument shape.
func checkRowMatchesReference(t *testing.T, r *rule, row vllmRow) {
	t.Helper()
	aliases := slices.DeleteFunc(slices.Clone(r.aliases), func(a string) bool {
		return a == "-O" && r.flag == "--optimization-level" // "-O shorthand" in the type column
	})
	if !slices.Equal(aliases, row.aliases) {
		t.Errorf("%s: aliases %v, reference %v", r.flag, aliases, row.aliases)
	}
	if r.legacy != row.legacy {
		t.Errorf("%s: legacy=%v, reference group says %v", r.flag, r.legacy, row.legacy)
	}
	isBool := strings.HasPrefix(row.typ, "bool") || strings.HasPrefix(row.typ, "store_true")
	if isBool != (r.arity == switchArg) {
		t.Errorf("%s: arity %d, reference type %q", r.flag, r.arity, row.typ)
	}
	if strings.Contains(row.typ, "BooleanOptionalAction") != r.negatable {
		t.Errorf("%s: negatable=%v, reference type %q", r.flag, r.negatable, row.typ)
	}
	// Legacy list flags took nargs=+ although the reference does not say so.
	many := strings.Contains(row.typ, "nargs=+") || row.legacy && strings.HasPrefix(row.typ, "list")
	if many != (r.arity == manyValues) {
		t.Errorf("%s: arity %d, reference type %q", r.flag, r.arity, row.typ)
	}
	if strings.Contains(row.typ, "dotted") && !r.dict {
		t.Errorf("%s: reference type %q takes dotted keys", r.flag, row.typ)
	}
	if strings.Contains(row.typ, "action=append") != r.repeat {
		t.Errorf("%s: repeat=%v, reference type %q", r.flag, r.repeat, row.typ)
	}
}

func TestEverySGLangFlagOfTheTableExists(t *testing.T) {
	for _, r := range vllmTable {
		if r.kind != kindSame && r.kind != kindRename {
			continue
		}
		spec, ok := sglang.AnyFlag(r.to)
		if !ok || spec.Name != r.to {
			t.Errorf("%s: no supported SGLang release has a flag %s (canonical name)", r.flag, r.to)
			continue
		}
		if spec.TakesValue != (r.arity != switchArg) {
			t.Errorf("%s → %s: one takes a value, the other does not", r.flag, r.to)
		}
	}
}

func TestEveryRowSaysWhy(t *testing.T) {
	for _, r := range vllmTable {
		needsReason := r.kind != kindSame && r.kind != kindRename
		if needsReason != (r.reason != "") {
			t.Errorf("%s (%s): reason %q", r.flag, r.kind, r.reason)
		}
		if r.kind == kindTranslate && r.xlate == nil {
			t.Errorf("%s: translate row without a function", r.flag)
		}
	}
}

// sampleValues are values that exercise a row's translation; other rows
// get "7", which every remaining value flag accepts.
var sampleValues = map[string][]string{
	"--lora-modules": {"a=/lora/a"}, "--chat-template": {"/t/chat.jinja"},
	"--chat-template-content-format": {"openai"}, "--response-role": {"user"},
	"--tool-call-parser": {"llama3_json"}, "--host": {"10.1.2.3"}, "--port": {"8080"},
	"--uvicorn-log-level": {"warning"}, "--disable-access-log-for-endpoints": {"/health,/metrics"},
	"--allowed-origins": {`["https://a.example"]`}, "--allowed-methods": {`["GET"]`},
	"--allowed-headers": {`["X-A"]`}, "--api-key": {"k1", "k2"}, "--model": {"other/model"},
	"--runner": {"pooling"}, "--convert": {"embed"}, "--tokenizer-mode": {"slow"}, "--dtype": {"bfloat16"},
	"--max-model-len": {"32k"}, "--quantization": {"awq"}, "--logprobs-mode": {"processed_logits"},
	"--served-model-name": {"a", "b"}, "--config-format": {"mistral"}, "--hf-token": {"hf_x"},
	"--hf-overrides": {`{"rope_theta":1000000}`}, "--generation-config": {"vllm"}, "--model-impl": {"vllm"},
	"--load-format": {"safetensors"}, "--safetensors-load-strategy": {"prefetch"}, "--mamba-backend": {"triton"},
	"--reasoning-parser": {"deepseek_r1"}, "--distributed-executor-backend": {"mp"}, "--dcp-comm-backend": {"a2a"},
	"--all2all-backend": {"deepep_low_latency"}, "--eplb-config": {`{"num_redundant_experts":2}`},
	"--gpu-memory-utilization": {"0.9"}, "--kv-cache-dtype": {"fp8"}, "--mamba-cache-dtype": {"float32"},
	"--mamba-ssm-cache-dtype": {"float32"}, "--cpu-offload-gb": {"2"}, "--limit-mm-per-prompt": {`{"image":2}`},
	"--mm-processor-cache-gb": {"1"}, "--mm-encoder-tp-mode": {"data"}, "--otlp-traces-endpoint": {"http://otel:4317"},
	"--scheduling-policy": {"priority"}, "--speculative-config": {`{"method":"eagle3","model":"d","num_speculative_tokens":3}`},
	"--kv-transfer-config":        {`{"kv_connector":"NixlConnector","kv_role":"kv_producer"}`},
	"--structured-outputs-config": {`{"backend":"guidance"}`}, "--task": {"embed"},
	"--guided-decoding-backend": {"outlines"}, "--num-scheduler-steps": {"8"}, "--device": {"cpu"},
	"--rope-scaling": {`{"rope_type":"yarn","factor":4}`}, "--rope-theta": {"1000000"},
	"--speculative-model": {"d"}, "--ngram-prompt-lookup-max": {"4"}, "--gdn-prefill-backend": {"triton"},
	"--lora-target-modules": {"q_proj"}, "--allowed-media-domains": {"example.com"}, "--numa-bind-nodes": {"0"},
	"--tool-server": {"demo"}, "--default-chat-template-kwargs": {`{"enable_thinking":false}`},
	"--download-dir": {"/models"}, "--revision": {"main"}, "--tokenizer": {"t/tok"}, "--root-path": {"/api"},
	"--fingerprint-mode": {"hash"}, "--worker-cls": {"my.Worker"}, "--worker-extension-cls": {"my.Ext"},
	"--data-parallel-backend": {"mp"}, "--nnodes": {"1"}, "--node-rank": {"0"}, "--data-parallel-size-local": {"1"},
	"--spec-decoding-acceptance-method": {"typical_acceptance_sampler"}, "--prefill-context-parallel-size": {"2"},
	"--seed": {"7"}, "--stream-interval": {"4"}, "--master-addr": {"127.0.0.1"},
	"--device-ids": {"0,1"}, "--max-num-queued-reqs": {"64"}, "--kda-prefill-backend": {"triton"},
	"--spec-method": {"mtp"}, "--per-request-spec-decode-metrics": {"summary"},
	"--speculative-model-quantization": {"awq"}, "--safetensors-prefetch-num-threads": {"16"},
}

// TestMultiPortExternalLBIsAMultiServerSignal: -dpm starts one API server per
// local data-parallel rank on consecutive ports; the container is left alone,
// like the other external load-balancing modes.
func TestMultiPortExternalLBIsAMultiServerSignal(t *testing.T) {
	for _, flag := range []string{"--data-parallel-multi-port-external-lb", "-dpm"} {
		inv, reason := Detect([]string{"vllm", "serve", "m", "-dp", "8", "-dpl", "8", flag}, nil, "")
		if reason != SkipMultiNode || !strings.Contains(inv.Detail, "--data-parallel-multi-port-external-lb") {
			t.Errorf("%s: reason %v, detail %q; want %v", flag, reason, inv.Detail, SkipMultiNode)
		}
	}
}

// TestEveryRowBehavesAsItsDecisionSays runs each row through Translate
// (switches on and off, values from sampleValues) and checks the kind's
// promise, in Warn and in Reject profiles.
func TestEveryRowBehavesAsItsDecisionSays(t *testing.T) {
	for _, release := range sglang.Releases() {
		for _, r := range vllmTable {
			for _, use := range rowUses(r) {
				t.Run(release.Version().String()+"/"+strings.Join(use, " "), func(t *testing.T) {
					for _, reject := range []bool{false, true} {
						opts := withUnsafe(reject)
						opts.Release = release
						res := mustTranslate(t, append([]string{"vllm", "serve", "org/model"}, use...), opts)
						checkKindPromise(t, &r, use, res, opts)
					}
				})
			}
		}
	}
}

func rowUses(r rule) [][]string {
	if r.arity == switchArg {
		uses := [][]string{{r.flag}}
		if r.negatable {
			uses = append(uses, []string{"--no-" + strings.TrimPrefix(r.flag, "--")})
		}
		return uses
	}
	vals, ok := sampleValues[r.flag]
	if !ok {
		vals = []string{"7"}
	}
	return [][]string{append([]string{r.flag}, vals...)}
}

func checkKindPromise(t *testing.T, r *rule, use []string, res *Result, opts Options) {
	t.Helper()
	f, found := findingFor(res, r.flag)
	negated := strings.HasPrefix(use[0], "--no-")
	unsafeDrop := map[bool]Action{false: Dropped, true: Rejected}[opts.Policy.RejectUnsafe]
	if (r.kind == kindSame || r.kind == kindRename) && !negated && !opts.Release.Has(r.to) {
		// The release lacks the flag: dropped as unsafe, naming the release.
		wantFinding(t, f, found, unsafeDrop)
		if want := "SGLang " + opts.Release.Version().String() + " has no " + r.to; !strings.Contains(f.Reason, want) {
			t.Errorf("reason %q does not say %q", f.Reason, want)
		}
		return
	}
	switch r.kind {
	case kindSame:
		if found {
			t.Errorf("same-name flag has a finding: %+v", f)
		}
		if !negated && !hasFlag(res.SGLangArgs, r.to) {
			t.Errorf("%s not emitted: %v", r.to, res.SGLangArgs)
		}
	case kindRename:
		if negated {
			break
		}
		if !found || f.Action != Translated || !hasFlag(res.SGLangArgs, r.to) {
			t.Errorf("rename to %s: finding %+v, args %v", r.to, f, res.SGLangArgs)
		}
	case kindDefault:
		wantFinding(t, f, found, Translated)
	case kindTuning:
		wantFinding(t, f, found, Dropped)
	case kindDrop:
		wantFinding(t, f, found, unsafeDrop)
	case kindReject:
		wantFinding(t, f, found, Rejected)
	case kindTranslate:
		if !found && !hasFlagBeyondBaseline(t, res, opts.Release) {
			t.Errorf("translation left no trace: no finding, no emitted flag: %v", res.SGLangArgs)
		}
	}
}

func wantFinding(t *testing.T, f Finding, found bool, action Action) {
	t.Helper()
	if !found || f.Action != action {
		t.Errorf("finding %+v (found=%v), want action %s", f, found, action)
	}
	if found && f.Reason == "" {
		t.Errorf("finding without a reason: %+v", f)
	}
}

// hasFlagBeyondBaseline reports whether res emits something a bare
// `vllm serve org/model` does not, on the same release.
func hasFlagBeyondBaseline(t *testing.T, res *Result, release *sglang.Catalog) bool {
	baseline := mustTranslate(t, []string{"vllm", "serve", "org/model"}, Options{Release: release}).SGLangArgs
	return !slices.Equal(baseline, res.SGLangArgs)
}
