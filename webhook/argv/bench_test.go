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

import "testing"

// BenchmarkTranslate measures Detect and Translate on the tp=8
// production-stack command (fixture production-stack-helm-tp8-devstral-tools).
func BenchmarkTranslate(b *testing.B) {
	var command []string
	for _, c := range loadFixtureContainers(b) {
		if c.id() == "production-stack-helm-tp8-devstral-tools/vllm" {
			command = c.command
		}
	}
	if command == nil {
		b.Fatal("fixture not found")
	}
	opts := Options{Host: "127.0.0.1", Port: 8001, EnvNames: []string{"HF_TOKEN"}}
	b.ReportAllocs()
	for b.Loop() {
		inv, reason := Detect(command, nil, "vllm/vllm-openai:v0.10.1")
		if reason != NotSkipped {
			b.Fatal(reason)
		}
		if _, err := Translate(inv, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// Translate runs concurrently in the webhook; `go test -race` checks the
// package shares no mutable state between calls.
func TestTranslateIsSafeForConcurrentUse(t *testing.T) {
	argvs := fixtureArgvs(t)
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for _, argv := range argvs {
				if inv, reason := Detect(argv, nil, ""); reason == NotSkipped {
					if _, err := Translate(inv, Options{Port: 8001}); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}
