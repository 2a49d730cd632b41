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

package metrics

import (
	"math"

	dto "github.com/prometheus/client_model/go"
)

// hist is a classic histogram with float counts: finite upper bounds in
// increasing order with their cumulative counts, plus count and sum (the
// +Inf bucket is count).
type hist struct {
	bounds []float64
	counts []float64
	count  float64
	sum    float64
}

func histFromProto(p *dto.Histogram) hist {
	h := hist{count: float64(p.GetSampleCount()), sum: p.GetSampleSum()}
	if p.SampleCountFloat != nil {
		h.count = p.GetSampleCountFloat()
	}
	for _, b := range p.GetBucket() {
		if math.IsInf(b.GetUpperBound(), +1) {
			continue
		}
		c := float64(b.GetCumulativeCount())
		if b.CumulativeCountFloat != nil {
			c = b.GetCumulativeCountFloat()
		}
		h.bounds = append(h.bounds, b.GetUpperBound())
		h.counts = append(h.counts, c)
	}
	return h
}

// add sums two histograms. Only the bounds both have are kept: a count at a
// bound only one of them has is unknown for the other, and the proxy never
// writes an estimate.
func (h hist) add(o hist) hist {
	out := hist{count: h.count + o.count, sum: h.sum + o.sum}
	i, j := 0, 0
	for i < len(h.bounds) && j < len(o.bounds) {
		switch {
		case h.bounds[i] < o.bounds[j]:
			i++
		case h.bounds[i] > o.bounds[j]:
			j++
		default:
			out.bounds = append(out.bounds, h.bounds[i])
			out.counts = append(out.counts, h.counts[i]+o.counts[j])
			i++
			j++
		}
	}
	return out
}

// scaled converts the unit of the observed values: bounds and sum change,
// counts do not.
func (h hist) scaled(f float64) hist {
	if f == 1 {
		return h
	}
	out := hist{counts: h.counts, count: h.count, sum: h.sum * f}
	out.bounds = make([]float64, len(h.bounds))
	for i, b := range h.bounds {
		out.bounds[i] = b * f
	}
	return out
}

// proto writes integer counts when every count is an integer, as SGLang's
// histograms have, and float counts otherwise.
func (h hist) proto() *dto.Histogram {
	p := &dto.Histogram{SampleSum: ptr(h.sum)}
	integral := isCount(h.count)
	for _, c := range h.counts {
		integral = integral && isCount(c)
	}
	if integral {
		p.SampleCount = ptr(uint64(h.count))
	} else {
		p.SampleCountFloat = ptr(h.count)
	}
	for i, b := range h.bounds {
		bucket := &dto.Bucket{UpperBound: ptr(b)}
		if integral {
			bucket.CumulativeCount = ptr(uint64(h.counts[i]))
		} else {
			bucket.CumulativeCountFloat = ptr(h.counts[i])
		}
		p.Bucket = append(p.Bucket, bucket)
	}
	return p
}

func isCount(v float64) bool {
	return v >= 0 && v == math.Trunc(v) && v < 1<<53
}
