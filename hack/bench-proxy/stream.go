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
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/fakesglang"
)

const streamBody = `{"model":"fake/model","messages":[{"role":"user","content":"hi"}],"stream":true}`

// streamDelay compares, per event, the time from the fake writing it to
// the client reading it, direct and through the proxy. Streams alternate
// between the two so both see the same machine load.
func streamDelay(direct, proxy string) error {
	var d, p []time.Duration
	for range 20 {
		var err error
		if d, err = eventLatencies(direct, d); err != nil {
			return err
		}
		if p, err = eventLatencies(proxy, p); err != nil {
			return err
		}
	}
	slices.Sort(d)
	slices.Sort(p)
	fmt.Printf("streamed events (%d each, fake stamps send time): direct p50 %s p99 %s; proxy p50 %s p99 %s\n",
		len(d), pct(d, .5), pct(d, .99), pct(p, .5), pct(p, .99))
	fmt.Printf("proxy added event delay: p50 %s, p99 %s (target < 1ms)\n", pct(p, .5)-pct(d, .5), pct(p, .99)-pct(d, .99))
	return nil
}

// eventLatencies reads one stream of 20 events and appends each event's
// delay to out.
func eventLatencies(url string, out []time.Duration) ([]time.Duration, error) {
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/chat/completions", strings.NewReader(streamBody))
	req.Header.Set("X-Fake-Timestamps", "1")
	req.Header.Set("X-Fake-Events", "20")
	req.Header.Set("X-Fake-Event-Delay", "2ms")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("stream: %w", err)
	}
	defer res.Body.Close()
	r := bufio.NewReader(res.Body)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return out, nil
		}
		now := time.Now().UnixNano()
		var ev struct {
			Sent int64 `json:"x_sent_ns"`
		}
		if data, ok := strings.CutPrefix(line, "data: {"); ok && json.Unmarshal([]byte("{"+data), &ev) == nil && ev.Sent > 0 {
			out = append(out, time.Duration(now-ev.Sent))
		}
	}
}

// rssWithStreams holds n streams open through the proxy (gated in the
// fake), reads the proxy's RSS, then lets them finish.
func rssWithStreams(pid int, proxy, fake string, n int) (float64, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: n}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, proxy+"/v1/chat/completions", strings.NewReader(streamBody))
			req.Header.Set("X-Fake-Gate", "rss")
			res, err := client.Do(req)
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}()
	}
	ctx, ctl := context.Background(), fakesglang.Control{URL: fake}
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, _ := ctl.State(ctx)
		if st.ActiveStreams >= int64(n) {
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("only %d of %d streams opened", st.ActiveStreams, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	rss := rssMiB(pid)
	_ = ctl.Release(ctx, "rss", n*10)
	wg.Wait()
	return rss, nil
}
