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

package health

// Machine is the pure health state machine: it starts down, goes up on the
// first successful check, and afterwards needs Fall consecutive failures to go
// down and Rise consecutive successes to come back up.
//
// The first success is trusted at once (instead of waiting for Rise of them)
// so a pod becomes ready as soon as SGLang finishes loading; hysteresis is for
// flapping, which cannot happen before the upstream has ever answered.
type Machine struct {
	fall, rise int
	up         bool
	everUp     bool
	streak     int // consecutive results that disagree with the current state
}

// NewMachine returns a Machine that is down. Values below 1 count as 1.
func NewMachine(fall, rise int) *Machine {
	return &Machine{fall: max(fall, 1), rise: max(rise, 1)}
}

// Up reports the current state.
func (m *Machine) Up() bool { return m.up }

// Observe records one check result and reports whether the state changed.
func (m *Machine) Observe(ok bool) (changed bool) {
	if ok == m.up {
		m.streak = 0
		return false
	}
	m.streak++
	if m.streak < m.threshold(ok) {
		return false
	}
	m.up, m.streak = ok, 0
	m.everUp = m.everUp || ok
	return true
}

// threshold is how many consecutive disagreeing results flip the state.
func (m *Machine) threshold(ok bool) int {
	switch {
	case !ok:
		return m.fall
	case !m.everUp:
		return 1
	default:
		return m.rise
	}
}
