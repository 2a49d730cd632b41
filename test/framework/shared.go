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
	"context"
	"os"
	"sync"
	"testing"

	"go.uber.org/zap/zapcore"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// Shared is one control plane per test binary, started by the first test
// that needs it and stopped by TestMain:
//
//	var cluster = framework.Shared{Options: framework.Options{...}}
//	func TestMain(m *testing.M) { os.Exit(cluster.Run(m)) }
//	func TestX(t *testing.T) { cp := cluster.Get(t); ... }
type Shared struct {
	Options Options

	once sync.Once
	cp   *ControlPlane
	err  error
}

// Get returns the control plane, starting it on first use. The test fails,
// never skips, when it cannot start: the suites using it are the proof
// that things work against a real API server.
func (s *Shared) Get(t testing.TB) *ControlPlane {
	t.Helper()
	s.once.Do(func() { s.cp, s.err = StartControlPlane(context.Background(), s.Options) })
	if s.err != nil {
		t.Fatalf("starting the control plane: %v", s.err)
	}
	return s.cp
}

// Run runs the tests, then stops the control plane if one was started,
// and returns the exit code.
func (s *Shared) Run(m *testing.M) int {
	code := m.Run()
	if s.cp != nil {
		if err := s.cp.Stop(); err != nil {
			ctrl.Log.Error(err, "Stopping the control plane")
			code = max(code, 1)
		}
	}
	return code
}

// SetLogger sends controller-runtime's log (the webhook's, cert-manager's)
// to stderr at error level, or at debug level when
// VLLM_TO_SGLANG_TEST_LOG=debug. go test shows it for failed packages.
func SetLogger() {
	level := zapcore.ErrorLevel
	if os.Getenv("VLLM_TO_SGLANG_TEST_LOG") == "debug" {
		level = zapcore.DebugLevel
	}
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.Level(level)))
}
