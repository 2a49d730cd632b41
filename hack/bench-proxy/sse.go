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
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/proxy/loadgen"
)

// sseEvents is the number of content events per stream in the throughput
// load; with the role, finish and [DONE] events a stream has 3 more.
const sseEvents = 100

type sseResult struct {
	events  int
	elapsed time.Duration
	errors  int
	cpu     map[string]time.Duration
}

func (r sseResult) eps() float64 { return float64(r.events) / r.elapsed.Seconds() }

// sseLoad streams chat completions of sseEvents events, answered by the
// fake without pauses, over conns keep-alive connections for d, and counts
// the events the clients receive. The fake writes and flushes every event
// on its own, so whatever sits between it and the client gets them as
// fast as it can take them.
func sseLoad(t target, procs map[string]int, conns int, d time.Duration) (sseResult, error) {
	req := streamRequest(t.addr)
	clients := make([]*loadgen.Conn, conns)
	for i := range clients {
		c, err := loadgen.Dial(t.addr, req)
		if err != nil {
			return sseResult{}, err
		}
		defer c.Close()
		if _, _, err := c.Events(); err != nil {
			return sseResult{}, fmt.Errorf("warm-up stream: %w", err)
		}
		clients[i] = c
	}
	cpu0 := cpuTimes(procs)
	start := time.Now()
	deadline := start.Add(d)
	counts, errs := make([]int, conns), make([]int, conns)
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				status, n, err := c.Events()
				counts[i] += n
				if err != nil {
					errs[i]++
					return
				}
				if status != http.StatusOK || n != sseEvents+3 {
					errs[i]++
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := sseResult{elapsed: elapsed, cpu: cpuDelta(procs, cpu0)}
	for i := range counts {
		r.events += counts[i]
		r.errors += errs[i]
	}
	return r, nil
}

func streamRequest(addr string) []byte {
	b := loadgen.Request(http.MethodPost, "/v1/chat/completions", addr, "application/json", []byte(streamBody))
	// The header goes before the blank line that ends the head.
	head := len(b) - len(streamBody) - 2
	extra := "X-Fake-Events: " + strconv.Itoa(sseEvents) + "\r\n"
	return append(b[:head:head], append([]byte(extra), b[head:]...)...)
}

func printSSE(targets []target, results map[string][]sseResult) {
	for _, t := range targets {
		for i, r := range results[t.name] {
			cpu := ""
			if t.pid != 0 && r.events > 0 {
				cpu = fmt.Sprintf("  %s CPU/event %s", t.name, us(r.cpu[t.name]/time.Duration(r.events)))
			}
			fmt.Printf("  round %d %-8s %9.0f events/s  errors %d  fake CPU/event %s%s\n", i+1, t.name, r.eps(), r.errors,
				us(r.cpu["fake"]/time.Duration(max(r.events, 1))), cpu)
		}
	}
	direct := bestOf(results["direct"], sseResult.eps)
	for _, t := range targets[1:] {
		b := bestOf(results[t.name], sseResult.eps)
		target := ""
		if t.name == "proxy" {
			target = " (target >= 0.90)"
		}
		fmt.Printf("best rounds: %s %.0f events/s = %.2f of direct%s\n", t.name, b.eps(), b.eps()/direct.eps(), target)
	}
}
