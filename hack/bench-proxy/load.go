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
	"slices"
	"sync"
	"time"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/proxy/loadgen"
)

// chatBody carries "logprobs":false so the proxy has a field to strip (its
// default list) while every path gets the same answer: a false logprobs
// asks the fake for none, stripped or not.
const chatBody = `{"model":"fake/model","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hi."}],"max_tokens":8,"temperature":0,"logprobs":false}`

// target is one server the load is sent to, with the processes whose CPU
// time a request through it costs besides the fake's and the generator's.
type target struct {
	name string
	addr string // host:port
	pid  int    // the proxy in front of the fake; 0 for direct
}

type loadResult struct {
	requests int
	elapsed  time.Duration
	p50, p99 time.Duration
	errors   int
	// cpu is the CPU time each process used during the run.
	cpu map[string]time.Duration
}

func (r loadResult) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// cpuPerRequest is a process's CPU time per request over all rounds.
func cpuPerRequest(rs []loadResult, proc string) time.Duration {
	var cpu time.Duration
	n := 0
	for _, r := range rs {
		cpu += r.cpu[proc]
		n += r.requests
	}
	if n == 0 {
		return 0
	}
	return cpu / time.Duration(n)
}

// rounds runs every target once per round, n rounds, alternating, and
// keeps the results per target.
func rounds[R any](targets []target, n int, run func(target) (R, error)) (map[string][]R, error) {
	out := map[string][]R{}
	for range n {
		for _, t := range targets {
			r, err := run(t)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", t.name, err)
			}
			out[t.name] = append(out[t.name], r)
		}
	}
	return out, nil
}

// load sends the chat request over conns keep-alive connections for d,
// each connection one request at a time, and measures the CPU time the
// processes in procs used meanwhile (name -> pid; 0 is the generator
// itself).
func load(t target, procs map[string]int, conns int, d time.Duration) (loadResult, error) {
	req := loadgen.Request("POST", "/v1/chat/completions", t.addr, "application/json", []byte(chatBody))
	clients := make([]*loadgen.Conn, conns)
	for i := range clients {
		c, err := loadgen.Dial(t.addr, req)
		if err != nil {
			return loadResult{}, err
		}
		defer c.Close()
		// One request first, so connection setup on every hop is not measured.
		if _, err := c.Do(); err != nil {
			return loadResult{}, fmt.Errorf("warm-up request: %w", err)
		}
		clients[i] = c
	}
	cpu0 := cpuTimes(procs)
	start := time.Now()
	deadline := start.Add(d)
	lat := make([][]time.Duration, conns)
	errs := make([]int, conns)
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, 1<<16)
			for {
				t0 := time.Now()
				if t0.After(deadline) {
					break
				}
				status, err := c.Do()
				if err != nil {
					errs[i]++
					return // the connection is unusable
				}
				if status != 200 {
					errs[i]++
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			lat[i] = mine
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuDelta(procs, cpu0)
	all := slices.Concat(lat...)
	slices.Sort(all)
	r := loadResult{requests: len(all), elapsed: elapsed, p50: pct(all, 0.50), p99: pct(all, 0.99), cpu: cpu}
	for _, n := range errs {
		r.errors += n
	}
	return r, nil
}

func pct(s []time.Duration, q float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s[int(float64(len(s)-1)*q)]
}

// bestOf keeps a target's best round, the one with the highest rate: the
// machine is shared, and the best run is the least disturbed one.
func bestOf[R any](rs []R, rate func(R) float64) R {
	b := rs[0]
	for _, r := range rs[1:] {
		if rate(r) > rate(b) {
			b = r
		}
	}
	return b
}

func us(d time.Duration) string { return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond)) }

func printLoad(targets []target, results map[string][]loadResult) {
	for _, t := range targets {
		for i, r := range results[t.name] {
			fmt.Printf("  round %d %-8s %8.0f req/s  p50 %7s  p99 %7s  errors %d  CPU/request: %s\n", i+1, t.name, r.rps(),
				r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.errors, cpuLine(r))
		}
	}
	fmt.Println("CPU time per request over all rounds (robust to other load on the machine):")
	for _, t := range targets {
		rs := results[t.name]
		line := fmt.Sprintf("  %-8s fake %s, load generator %s", t.name, us(cpuPerRequest(rs, "fake")), us(cpuPerRequest(rs, "generator")))
		if t.pid != 0 {
			line += fmt.Sprintf(", %s itself %s", t.name, us(cpuPerRequest(rs, t.name)))
		}
		fmt.Println(line)
	}
	direct, proxy := bestOf(results["direct"], loadResult.rps), bestOf(results["proxy"], loadResult.rps)
	fmt.Printf("best rounds: direct %.0f req/s, proxy %.0f req/s (%.2f of direct)\n", direct.rps(), proxy.rps(), proxy.rps()/direct.rps())
	fmt.Printf("proxy added latency at this concurrency: p50 %s, p99 %s (target p99 < 1ms)\n",
		(proxy.p50 - direct.p50).Round(time.Microsecond), (proxy.p99 - direct.p99).Round(time.Microsecond))
	hr, ok := results["haproxy"]
	if !ok {
		return
	}
	h := bestOf(hr, loadResult.rps)
	fmt.Printf("haproxy %.0f req/s (%.2f of direct), p99 added %s; proxy/haproxy throughput = %.2f (target >= 1.0)\n",
		h.rps(), h.rps()/direct.rps(), (h.p99 - direct.p99).Round(time.Microsecond), proxy.rps()/h.rps())
	pc, hc := cpuPerRequest(results["proxy"], "proxy"), cpuPerRequest(hr, "haproxy")
	fmt.Printf("CPU per request: proxy %s, haproxy %s; haproxy/proxy CPU = %.2f (>= 1.0 means the proxy is as cheap as haproxy)\n",
		us(pc), us(hc), float64(hc)/float64(pc))
	if or, ok := results["other"]; ok {
		o := bestOf(or, loadResult.rps)
		fmt.Printf("other %.0f req/s (%.2f of haproxy), p99 added %s, CPU per request %s\n",
			o.rps(), o.rps()/h.rps(), (o.p99 - direct.p99).Round(time.Microsecond), us(cpuPerRequest(or, "other")))
	}
}

func cpuLine(r loadResult) string {
	var parts []string
	for _, name := range []string{"proxy", "other", "haproxy", "fake", "generator"} {
		if d, ok := r.cpu[name]; ok && r.requests > 0 && (d > 0 || name == "fake" || name == "generator") {
			parts = append(parts, fmt.Sprintf("%s %s", name, us(d/time.Duration(r.requests))))
		}
	}
	return fmt.Sprint(parts)
}
