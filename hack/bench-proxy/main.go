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

// Command bench-proxy measures the proxy against the fake SGLang server and
// prints figures (it has no pass/fail): requests/s and latency of small
// non-streamed chat requests sent directly to the fake, through the proxy,
// and through haproxy when it is installed, in alternating rounds; events/s
// of streamed chat completions the same three ways; the delay the proxy
// adds to streamed events; and the proxy's RSS idle and with 1,000 open
// streams. Run it with "make bench-proxy".
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	conns := flag.Int("connections", 16, "concurrent keep-alive connections")
	duration := flag.Duration("duration", 3*time.Second, "length of one load run")
	rounds := flag.Int("rounds", 3, "alternating rounds per target")
	streams := flag.Int("streams", 1000, "open streams for the RSS figure")
	proxyBin := flag.String("proxy-bin", "", "measure this proxy binary instead of building ./cmd/proxy (e.g. an older build)")
	otherBin := flag.String("other-bin", "", "also measure this proxy binary, as target \"other\", in the same alternating rounds")
	flag.Parse()
	if err := run(*conns, *duration, *rounds, *streams, *proxyBin, *otherBin); err != nil {
		fmt.Fprintln(os.Stderr, "bench-proxy:", err)
		os.Exit(1)
	}
}

func run(conns int, duration time.Duration, nRounds, streams int, proxyBin, otherBin string) error {
	dir, err := os.MkdirTemp("", "bench-proxy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bins, err := build(dir)
	if err != nil {
		return err
	}
	if proxyBin != "" {
		bins["proxy"] = proxyBin
	}
	fakeAddr, proxyAddr := freeAddr(), freeAddr()
	fake, err := spawn(bins["fake"], []string{"FAKESGLANG_HEALTH_DELAY=1ms",
		"FAKESGLANG_EVENTS=1", "FAKESGLANG_DISCARD_REQUESTS=true"},
		"python3", "-m", "sglang.launch_server", "--model-path", "fake/model", "--host", "127.0.0.1",
		"--port", port(fakeAddr), "--enable-metrics")
	if err != nil {
		return err
	}
	defer stop(fake)
	proxy, err := startProxy(bins["proxy"], proxyAddr, fakeAddr)
	if err != nil {
		return err
	}
	defer stop(proxy)
	targets := []target{{"direct", fakeAddr, 0}, {"proxy", proxyAddr, proxy.Process.Pid}}
	procs := map[string]int{"generator": 0, "fake": fake.Process.Pid, "proxy": proxy.Process.Pid}
	if otherBin != "" {
		otherAddr := freeAddr()
		other, err := startProxy(otherBin, otherAddr, fakeAddr)
		if err != nil {
			return err
		}
		defer stop(other)
		targets = append(targets, target{"other", otherAddr, other.Process.Pid})
		procs["other"] = other.Process.Pid
	}
	if hp, err := startHAProxy(dir, fakeAddr); err == nil {
		defer stop(hp.cmd)
		targets = append(targets, target{"haproxy", hp.addr, hp.cmd.Process.Pid})
		procs["haproxy"] = hp.cmd.Process.Pid
	} else {
		fmt.Printf("haproxy: not measured (%v)\n", err)
	}

	idleRSS := rssMiB(proxy.Process.Pid)
	fmt.Printf("machine: %d CPUs, load average %s at the start\n", runtime.NumCPU(), loadAverage())
	fmt.Printf("load: %d keep-alive connections, %s per run, %d alternating rounds, small chat request (logprobs stripped by the proxy)\n",
		conns, duration, nRounds)
	results, err := rounds(targets, nRounds, func(t target) (loadResult, error) { return load(t, procs, conns, duration) })
	if err != nil {
		return err
	}
	printLoad(targets, results)

	fmt.Println()
	fmt.Printf("event streams: %d keep-alive connections, %s per run, %d alternating rounds, chat streams of %d events answered without pauses\n",
		conns, duration, nRounds, sseEvents+3)
	sse, err := rounds(targets, nRounds, func(t target) (sseResult, error) { return sseLoad(t, procs, conns, duration) })
	if err != nil {
		return err
	}
	printSSE(targets, sse)

	fmt.Println()
	if err := streamDelay("http://"+fakeAddr, "http://"+proxyAddr); err != nil {
		return err
	}
	fmt.Println()
	busyRSS, err := rssWithStreams(proxy.Process.Pid, "http://"+proxyAddr, "http://"+fakeAddr, streams)
	if err != nil {
		return err
	}
	fmt.Printf("proxy RSS: idle %.1f MiB (target < 30), with %d open streams %.1f MiB (target < 100)\n", idleRSS, streams, busyRSS)
	fmt.Printf("machine: load average %s at the end\n", loadAverage())
	return nil
}

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// build compiles the proxy and the fake into dir.
func build(dir string) (map[string]string, error) {
	bins := map[string]string{"proxy": filepath.Join(dir, "proxy"), "fake": filepath.Join(dir, "fakesglang")}
	for name, pkg := range map[string]string{"proxy": "./cmd/proxy", "fake": "./test/fakesglang/cmd/fakesglang"} {
		if out, err := exec.Command("go", "build", "-o", bins[name], pkg).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
		}
	}
	return bins, nil
}

func spawn(bin string, env []string, args ...string) (*exec.Cmd, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	if strings.HasSuffix(bin, "fakesglang") {
		cmd.Stderr = nil
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	return cmd, nil
}

// startProxy runs a proxy binary on listen in front of the fake at
// upstream and waits until it answers /health.
func startProxy(bin, listen, upstream string) (*exec.Cmd, error) {
	cmd, err := spawn(bin, nil, "--listen="+listen, "--upstream=http://"+upstream, "--log-level=error", "--health-interval=1s")
	if err != nil {
		return nil, err
	}
	if err := waitOK("http://" + listen + "/health"); err != nil {
		stop(cmd)
		return nil, err
	}
	return cmd, nil
}

func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

func waitOK(url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("%s never answered 200", url)
}

// rssMiB reads VmRSS of a process.
func rssMiB(pid int) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			var kb float64
			_, _ = fmt.Sscanf(strings.TrimSpace(v), "%f kB", &kb)
			return kb / 1024
		}
	}
	return -1
}
