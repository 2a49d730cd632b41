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

package proxy_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vllm-to-sglang/vllm-to-sglang/test/fakesglang"
)

// Paths of the binaries built for the suite.
var proxyBin, fakeBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "proxy-it-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	proxyBin, fakeBin = filepath.Join(dir, "proxy"), filepath.Join(dir, "fakesglang")
	for bin, pkg := range map[string]string{proxyBin: "../../cmd/proxy", fakeBin: "../fakesglang/cmd/fakesglang"} {
		out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "go build %s: %v\n%s", pkg, err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// process is a started binary whose stderr is kept for failure reports.
type process struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr strings.Builder
	exited chan error
}

// start runs bin and returns once a stderr line satisfies ready, which
// returns the address the process serves on.
func start(t *testing.T, env []string, ready func(line string) (string, bool), bin string, args ...string) (*process, string) {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), exited: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), env...)
	pipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	addrs := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if addr, ok := ready(sc.Text()); ok {
				addrs <- addr
			}
		}
		p.exited <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("%s stderr:\n%s", filepath.Base(bin), p.output())
		}
	})
	select {
	case addr := <-addrs:
		return p, "http://" + addr
	case err := <-p.exited:
		t.Fatalf("%s exited before serving: %v\n%s", bin, err, p.output())
	}
	return nil, ""
}

func (p *process) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

func (p *process) pid() int { return p.cmd.Process.Pid }

// fake is a running fake SGLang binary.
type fake struct {
	*process
	url string
}

// startFake starts the fake with SGLang's own argv; env sets FAKESGLANG_*.
func startFake(t *testing.T, env ...string) *fake {
	t.Helper()
	return startFakeWith(t, nil, env...)
}

// startFakeWith starts the fake with SGLang's mistral tool-call parser (the
// one the proxy's default --strip-params is for) and extra SGLang flags.
func startFakeWith(t *testing.T, flags []string, env ...string) *fake {
	t.Helper()
	return startFakeFlags(t, append([]string{"--tool-call-parser", "mistral"}, flags...), env...)
}

// startFakeFlags starts the fake with only these SGLang flags after the
// model, address and --enable-metrics.
func startFakeFlags(t *testing.T, flags []string, env ...string) *fake {
	t.Helper()
	return startFakeOn(t, "0", flags, env...)
}

// startFakeOn is startFakeFlags on a port of the caller's ("0": any free
// port), e.g. to start SGLang again where it was.
func startFakeOn(t *testing.T, port string, flags []string, env ...string) *fake {
	t.Helper()
	args := append([]string{"python3", "-m", "sglang.launch_server", "--model-path", "fake/model",
		"--host", "127.0.0.1", "--port", port, "--enable-metrics"}, flags...)
	p, url := start(t, env, func(line string) (string, bool) {
		return strings.CutPrefix(line, "fakesglang listening on ")
	}, fakeBin, args...)
	return &fake{process: p, url: url}
}

// proxyProc is a running proxy binary.
type proxyProc struct {
	*process
	url string
}

// startProxy starts the proxy in front of upstream with extra flags.
func startProxy(t *testing.T, upstream string, flags ...string) *proxyProc {
	t.Helper()
	args := append([]string{"--listen=127.0.0.1:0", "--upstream=" + upstream, "--health-interval=20ms"}, flags...)
	p, url := start(t, nil, func(line string) (string, bool) {
		var entry struct {
			Msg    string `json:"msg"`
			Listen string `json:"listen"`
		}
		if json.Unmarshal([]byte(line), &entry) != nil || entry.Msg != "Serving the vLLM API" {
			return "", false
		}
		return entry.Listen, true
	}, proxyBin, args...)
	return &proxyProc{process: p, url: url}
}

// waitHealth polls the proxy's /health until it answers want.
func (p *proxyProc) waitHealth(t *testing.T, want int) {
	t.Helper()
	eventually(t, fmt.Sprintf("proxy /health answers %d", want), func() bool {
		return get(t, p.url+"/health").StatusCode == want
	})
}

// stop ends the process with SIGTERM and waits until it has exited.
func (p *process) stop(t *testing.T) {
	t.Helper()
	p.signal(t, syscall.SIGTERM)
	if err := <-p.exited; err != nil {
		t.Logf("the proxy exited after SIGTERM: %v", err)
	}
}

// signal sends sig to the process.
func (p *process) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
}

// eventually polls cond until it holds. Only the test binary's -timeout
// bounds it: it gives up shortly before that deadline, to say what it was
// waiting for, and never on a clock of its own.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline, bounded := t.Deadline()
	for !cond() {
		if bounded && time.Until(deadline) < deadlineMargin {
			t.Fatalf("gave up at the test deadline waiting until %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// deadlineMargin is left before the -timeout deadline for the failure
// report and the cleanups.
const deadlineMargin = 10 * time.Second

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2000}}

func get(t *testing.T, url string) *http.Response {
	t.Helper()
	res, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// The fake's controls; a failure to reach them fails the test.

func (f *fake) ctl() fakesglang.Control { return fakesglang.Control{URL: f.url, Client: client} }

func (f *fake) state(t *testing.T) fakesglang.State {
	s, err := f.ctl().State(t.Context())
	mustControl(t, err)
	return s
}

func (f *fake) requests(t *testing.T) []fakesglang.Request {
	r, err := f.ctl().Requests(t.Context())
	mustControl(t, err)
	return r
}

func (f *fake) release(t *testing.T, gate string, n int) {
	mustControl(t, f.ctl().Release(t.Context(), gate, n))
}

// setHealth makes the fake's /health answer status, holding each check
// until releaseHealth when hold is set.
func (f *fake) setHealth(t *testing.T, status int, hold bool) {
	mustControl(t, f.ctl().SetHealth(t.Context(), status, 0, hold))
}

func (f *fake) releaseHealth(t *testing.T) {
	mustControl(t, f.ctl().ReleaseHealth(t.Context()))
}

func mustControl(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("controlling the fake SGLang: %v", err)
	}
}

// streamBody is the chat request stream sends.
const streamBody = `{"model":"fake/model","messages":[{"role":"user","content":"hi"}],"stream":true,"logprobs":true}`

// stream opens a streamed chat completion through url with the X-Fake-*
// headers given and returns a reader of its events.
func stream(t *testing.T, ctx context.Context, url string, header map[string]string) (*events, *http.Response) {
	t.Helper()
	return streamWith(t, ctx, url, streamBody, header)
}

// streamWith is stream with a request body of the caller's.
func streamWith(t *testing.T, ctx context.Context, url, body string, header map[string]string) (*events, *http.Response) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/chat/completions", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST stream: %v", err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("stream status %s: %s", res.Status, b)
	}
	return &events{r: bufio.NewReader(res.Body)}, res
}

// events reads server-sent events one at a time.
type events struct{ r *bufio.Reader }

// next returns the data of the next event; io.EOF at a clean end.
func (e *events) next() (string, error) {
	var data string
	for {
		line, err := e.r.ReadString('\n')
		if err != nil {
			if err == io.EOF && line == "" && data == "" {
				return "", io.EOF
			}
			return data, fmt.Errorf("reading event (got %q): %w", data+line, err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return data, nil
		}
		data += strings.TrimPrefix(line, "data: ")
	}
}

// rest reads events up to the end and returns them.
func (e *events) rest() ([]string, error) {
	var out []string
	for {
		ev, err := e.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, ev)
	}
}
