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

import (
	"fmt"
	"testing"
)

func TestMachine(t *testing.T) {
	// results is a sequence of check results ('+' success, '-' failure);
	// want is the state after each result ('U' up, 'D' down).
	tests := map[string]struct {
		fall, rise int
		results    string
		want       string
	}{
		"stays down while the upstream has never answered": {
			fall: 3, rise: 2, results: "----", want: "DDDD",
		},
		"goes up on the very first success": {
			fall: 3, rise: 2, results: "+", want: "U",
		},
		"goes up on the first success even after failures": {
			fall: 3, rise: 2, results: "--+", want: "DDU",
		},
		"goes down only after fall consecutive failures": {
			fall: 3, rise: 2, results: "+---", want: "UUUD",
		},
		"a success between failures resets the fall count": {
			fall: 3, rise: 2, results: "+--+--", want: "UUUUUU",
		},
		"comes back up only after rise consecutive successes": {
			fall: 1, rise: 2, results: "+-++", want: "UDDU",
		},
		"a failure between successes resets the rise count": {
			fall: 1, rise: 3, results: "+-++-+++", want: "UDDDDDDU",
		},
		"thresholds below one behave as one": {
			fall: 0, rise: -1, results: "+-+-", want: "UDUD",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := NewMachine(tc.fall, tc.rise)
			if m.Up() {
				t.Fatal("a new machine is up, want down")
			}
			got := ""
			for _, r := range tc.results {
				m.Observe(r == '+')
				got += map[bool]string{true: "U", false: "D"}[m.Up()]
			}
			if got != tc.want {
				t.Errorf("states after %q = %q, want %q", tc.results, got, tc.want)
			}
		})
	}
}

func TestMachineObserveReportsChanges(t *testing.T) {
	m := NewMachine(2, 2)
	var changes []string
	for i, ok := range []bool{false, true, true, false, false, true, true} {
		if m.Observe(ok) {
			changes = append(changes, fmt.Sprintf("%d:%v", i, m.Up()))
		}
	}
	want := "[1:true 4:false 6:true]"
	if got := fmt.Sprint(changes); got != want {
		t.Errorf("changes = %s, want %s", got, want)
	}
}
