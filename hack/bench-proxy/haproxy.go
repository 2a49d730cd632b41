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
	"os"
	"os/exec"
	"path/filepath"
)

type haproxyProc struct {
	cmd  *exec.Cmd
	addr string
}

// startHAProxy runs haproxy in front of the fake, configured like the
// reverse proxy vultr/vllm-to-sglang put in front of SGLang (keep-alive, no
// checks in the request path).
func startHAProxy(dir, upstream string) (*haproxyProc, error) {
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		return nil, fmt.Errorf("haproxy is not on PATH")
	}
	addr := freeAddr()
	cfg := fmt.Sprintf(`global
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 300s
  timeout server 300s
frontend proxy
  bind %s
  default_backend sglang
backend sglang
  http-reuse always
  server s1 %s
`, addr, upstream)
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-db", "-f", path)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting haproxy: %w", err)
	}
	if err := waitOK("http://" + addr + "/health"); err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	return &haproxyProc{cmd: cmd, addr: addr}, nil
}
