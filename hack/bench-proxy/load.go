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
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

const chatBody = `{"model":"fake/model","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hi."}],"max_tokens":8,"temperature":0,"logprobs":true}`

type loadResult struct {
	rps      float64
	p50, p99 time.Duration
	errors   int
}

// loadRounds runs every target once per round, alternating, and merges
// the rounds per target.
func loadRounds(targets []target, conns int, d time.Duration, rounds int) map[string][]loadResult {
	out := map[string][]loadResult{}
	for range rounds {
		for _, t := range targets {
			out[t.name] = append(out[t.name], load(t.url, conns, d))
		}
	}
	return out
}

// load sends chat requests over conns keep-alive connections for d.
func load(url string, conns int, d time.Duration) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for time.Now().Before(deadline) {
				start := time.Now()
				res, err := client.Post(url+"/v1/chat/completions", "application/json", strings.NewReader(chatBody))
				if err != nil {
					bad++
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					bad++
					continue
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	return loadResult{rps: float64(len(lat)) / d.Seconds(), p50: pct(lat, 0.50), p99: pct(lat, 0.99), errors: errs}
}

func pct(s []time.Duration, q float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s[int(float64(len(s)-1)*q)]
}

// best keeps each target's best round: the machine is shared, and the best
// run is the least disturbed one.
func best(rs []loadResult) loadResult {
	b := rs[0]
	for _, r := range rs[1:] {
		if r.rps > b.rps {
			b = r
		}
	}
	return b
}

func printLoad(targets []target, results map[string][]loadResult) {
	for _, t := range targets {
		for i, r := range results[t.name] {
			fmt.Printf("  round %d %-8s %8.0f req/s  p50 %7s  p99 %7s  errors %d\n", i+1, t.name, r.rps,
				r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.errors)
		}
	}
	direct, proxy := best(results["direct"]), best(results["proxy"])
	fmt.Printf("best rounds: direct %.0f req/s, proxy %.0f req/s (%.2f of direct)\n", direct.rps, proxy.rps, proxy.rps/direct.rps)
	fmt.Printf("proxy added latency at %s: p50 %s, p99 %s (target p99 < 1ms)\n", "this concurrency",
		(proxy.p50 - direct.p50).Round(time.Microsecond), (proxy.p99 - direct.p99).Round(time.Microsecond))
	if hr, ok := results["haproxy"]; ok {
		h := best(hr)
		fmt.Printf("haproxy %.0f req/s (%.2f of direct); proxy/haproxy throughput = %.2f (target >= 1.0); haproxy p99 added %s\n",
			h.rps, h.rps/direct.rps, proxy.rps/h.rps, (h.p99 - direct.p99).Round(time.Microsecond))
	}
}
