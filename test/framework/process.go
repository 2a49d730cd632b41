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

package framework

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stopGrace is how long a process gets after SIGTERM before SIGKILL.
const stopGrace = 30 * time.Second

// Process is a started binary. Its standard output and error are kept, line
// by line, for readiness checks and failure reports.
type Process struct {
	name string
	cmd  *exec.Cmd

	mu      sync.Mutex
	lines   []string
	newLine chan struct{} // closed and replaced on every line
	eof     bool

	done    chan struct{} // closed when the process has exited
	waitErr error

	stopOnce sync.Once
	stopErr  error
}

// StartProcess runs bin with args; env is added to this process's
// environment.
func StartProcess(name, bin string, args, env []string) (*Process, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p := &Process{name: name, cmd: exec.Command(bin, args...), newLine: make(chan struct{}), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = w, w
	err = p.cmd.Start()
	w.Close() // the child holds its own copy
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	go p.read(r)
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *Process) read(r *os.File) {
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		p.mu.Lock()
		p.lines = append(p.lines, sc.Text())
		close(p.newLine)
		p.newLine = make(chan struct{})
		p.mu.Unlock()
	}
	p.mu.Lock()
	p.eof = true
	close(p.newLine)
	p.mu.Unlock()
}

// Name is the name the process was started with.
func (p *Process) Name() string { return p.name }

// Pid is the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed once the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Output is everything the process wrote so far.
func (p *Process) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

// WaitForLine returns what match returns for the first line it accepts,
// looking at the lines written so far and then at new ones. It fails when
// the process ends its output first, or ctx is done.
func (p *Process) WaitForLine(ctx context.Context, match func(line string) (string, bool)) (string, error) {
	for next := 0; ; {
		p.mu.Lock()
		lines, changed, eof := p.lines[next:], p.newLine, p.eof
		p.mu.Unlock()
		for _, line := range lines {
			if v, ok := match(line); ok {
				return v, nil
			}
		}
		next += len(lines)
		if eof {
			<-p.done
			return "", fmt.Errorf("%s exited (%v) before writing the line waited for; its output:\n%s", p.name, p.waitErr, p.Output())
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for %s: %w; its output:\n%s", p.name, ctx.Err(), p.Output())
		}
	}
}

// StopAtCleanup stops the process when the test ends, failing the test if
// it had failed on its own, and logs its output when the test failed.
func (p *Process) StopAtCleanup(t testing.TB) {
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", p.name, p.Output())
		}
	})
}

// Signal sends sig to the process.
func (p *Process) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Exited reports whether the process has ended, and how.
func (p *Process) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.waitErr
	default:
		return false, nil
	}
}

// Stop sends SIGTERM, waits for the exit (SIGKILL after a grace period),
// and returns an error if the process had already failed on its own or
// did not stop on SIGTERM. Calling it again returns the same result.
func (p *Process) Stop() error {
	p.stopOnce.Do(func() { p.stopErr = p.stop() })
	return p.stopErr
}

func (p *Process) stop() error {
	select {
	case <-p.done:
		if p.waitErr != nil {
			return fmt.Errorf("%s had exited: %w; its output:\n%s", p.name, p.waitErr, p.Output())
		}
		return nil
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stopping %s: %w", p.name, err)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(stopGrace):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s did not stop within %s of SIGTERM and was killed", p.name, stopGrace)
	}
}
