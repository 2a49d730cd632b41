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
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/rewrite"
)

// argsPod is a vLLM pod whose container has n pairs of arguments the
// rewrite translates (--max-num-seqs) or drops (--disable-log-requests).
func argsPod(tb testing.TB, n int) *unstructured.Unstructured {
	tb.Helper()
	var b strings.Builder
	b.WriteString(vllmPodYAML)
	b.WriteString("    args:\n")
	for i := range n {
		if i%2 == 0 {
			fmt.Fprintf(&b, "    - --max-num-seqs=%d\n", 8+i%7)
		} else {
			b.WriteString("    - --disable-log-requests\n")
		}
	}
	objs, err := Decode(strings.NewReader(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return objs[0]
}

// envPod is a vLLM pod whose container has n environment variables, every
// other one removed by the default profile (CUDA_*), the rest kept.
func envPod(tb testing.TB, n int) *unstructured.Unstructured {
	tb.Helper()
	var b strings.Builder
	b.WriteString(vllmPodYAML)
	b.WriteString("    env:\n")
	for i := range n {
		prefix := "KEEP_"
		if i%2 == 0 {
			prefix = "CUDA_"
		}
		fmt.Fprintf(&b, "    - {name: %s%d, value: v}\n", prefix, i)
	}
	objs, err := Decode(strings.NewReader(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return objs[0]
}

// BenchmarkRewriteArgs measures the offline rewrite of one pod template
// whose container has N and 8N arguments: decoding aside, the whole of
// `vllm-to-sglang rewrite -f` for it (the argument translation, the
// patch between the typed pods, applying it to the document). Linear work
// shows as a ratio of about 8 between the two.
func BenchmarkRewriteArgs(b *testing.B) {
	benchmarkRewriteScaling(b, "args", argsPod)
}

// BenchmarkRewriteEnv is BenchmarkRewriteArgs for a container with N and 8N
// environment variables, half of which the rewrite removes: a list of
// objects, patched item by item.
func BenchmarkRewriteEnv(b *testing.B) {
	benchmarkRewriteScaling(b, "env", envPod)
}

func benchmarkRewriteScaling(b *testing.B, what string, pod func(testing.TB, int) *unstructured.Unstructured) {
	for _, n := range []int{1000, 8000} {
		b.Run(fmt.Sprintf("%s=%d", what, n), func(b *testing.B) {
			pod := pod(b, n)
			r := testRewriter()
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				obj := pod.DeepCopy()
				b.StartTimer()
				res := r.Rewrite(obj)
				if len(res) != 1 || res[0].Err != nil || res[0].Report.Outcome != rewrite.Rewritten {
					b.Fatalf("Rewrite() = %+v", res)
				}
			}
		})
	}
}
