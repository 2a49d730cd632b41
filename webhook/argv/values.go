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

package argv

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

var humanInt = regexp.MustCompile(`^(\d+(?:\.\d+)?)([kmgtKMGT]?)$`)

// parseHumanInt reads vLLM's human_readable_int: "32k" = 32000 (decimal
// suffixes k, m, g, t take decimals: "25.6k" = 25600), "1K" = 1024 (binary
// suffixes K, M, G, T take integers only). SGLang's own human ints read
// "1M" differently, so the translator always emits plain integers.
func parseHumanInt(s string) (int64, error) {
	m := humanInt.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	number, suffix := m[1], m[2]
	if mult, ok := map[string]float64{"k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}[suffix]; ok {
		f, _ := strconv.ParseFloat(number, 64)
		if f*mult > math.MaxInt64/2 {
			return 0, fmt.Errorf("%q is too large", s)
		}
		return int64(f * mult), nil
	}
	if strings.Contains(number, ".") {
		return 0, fmt.Errorf("%q: decimals need a decimal suffix (k, m, g, t)", s)
	}
	n, err := strconv.ParseInt(number, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	shift := map[string]uint{"": 0, "K": 10, "M": 20, "G": 30, "T": 40}[suffix]
	if n > math.MaxInt64>>(shift+1) {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n << shift, nil
}

func parseInt(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
