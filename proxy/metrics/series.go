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
	"slices"
	"strconv"
	"strings"

	dto "github.com/prometheus/client_model/go"
)

// upstreamFamily is an upstream family with its series grouped by
// model_name (a series without the label counts as model ""). The grouping
// is built once per scrape, for the families the rules read, so that a rule
// costs time in proportion to the series it reads, however many models
// there are.
type upstreamFamily struct {
	f       *dto.MetricFamily
	models  []string                 // distinct model_name values, sorted
	byModel map[string][]*dto.Metric // series by model_name, in exposition order; nil until grouped
}

// index holds the upstream families by name.
type index map[string]*upstreamFamily

func newIndex(in []*dto.MetricFamily) index {
	idx := make(index, len(in))
	for _, f := range in {
		idx[f.GetName()] = &upstreamFamily{f: f}
	}
	return idx
}

// family returns the family named name, grouped by model; nil when absent.
func (idx index) family(name string) *upstreamFamily {
	fam := idx[name]
	if fam == nil || fam.byModel != nil { // absent, or grouped already
		return fam
	}
	fam.byModel = make(map[string][]*dto.Metric)
	for _, m := range fam.f.GetMetric() {
		v, _ := labelValue(m, labelModel)
		if _, ok := fam.byModel[v]; !ok {
			fam.models = append(fam.models, v)
		}
		fam.byModel[v] = append(fam.byModel[v], m)
	}
	slices.Sort(fam.models)
	return fam
}

// has reports whether the family has a series of model.
func (fam *upstreamFamily) has(model string) bool {
	if fam == nil {
		return false
	}
	_, ok := fam.byModel[model]
	return ok
}

// resolveScalar returns the combined value of source s for one model.
func resolveScalar(idx index, s Source, model string, c Combine, counter bool) (float64, bool) {
	f := idx.family(s.Family)
	var vals []float64
	for _, m := range selectSeries(f, s, model) {
		if v, ok := scalar(m); ok {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		// A present counter family without the matching child has counted
		// nothing yet; any other missing series is unknown, not zero.
		return 0, counter && f.has(model)
	}
	return combine(vals, c), true
}

func combine(vals []float64, c Combine) float64 {
	total := 0.0
	for _, v := range vals {
		total += v
	}
	if c == Mean {
		return total / float64(len(vals))
	}
	return total
}

// resolveHistogram returns the sum of the histograms of source s for one
// model. Histograms always combine by Sum.
func resolveHistogram(idx index, s Source, model string) (hist, bool) {
	var sum hist
	found := false
	for _, m := range selectSeries(idx.family(s.Family), s, model) {
		if m.GetHistogram() == nil {
			continue
		}
		h := histFromProto(m.GetHistogram())
		if found {
			sum = sum.add(h)
		} else {
			sum, found = h, true
		}
	}
	return sum, found
}

// selectSeries returns, for one model, one series per disjoint part of the
// requests: priority totals only, the source's label matches only, and one
// replica (the lowest tensor/pipeline/expert rank) per part.
func selectSeries(f *upstreamFamily, s Source, model string) []*dto.Metric {
	if f == nil {
		return nil
	}
	var series []*dto.Metric
	for _, m := range f.byModel[model] {
		if matches(m, s.Match) {
			series = append(series, m)
		}
	}
	return representatives(priorityTotals(series))
}

func matches(m *dto.Metric, match map[string]string) bool {
	for k, want := range match {
		if v, ok := labelValue(m, k); !ok || v != want {
			return false
		}
	}
	return true
}

// priorityTotals keeps only the totals when SGLang's priority scheduling
// splits a gauge: the total is the series with priority="", and every
// per-priority series repeats a part of it.
func priorityTotals(series []*dto.Metric) []*dto.Metric {
	hasTotal := slices.ContainsFunc(series, func(m *dto.Metric) bool {
		v, ok := labelValue(m, labelPriority)
		return ok && v == ""
	})
	if !hasTotal {
		return series
	}
	return slices.DeleteFunc(slices.Clone(series), func(m *dto.Metric) bool {
		v, _ := labelValue(m, labelPriority)
		return v != ""
	})
}

// representatives groups series by the labels that split requests and keeps
// the lowest replica of each group, in the order of the group keys.
func representatives(series []*dto.Metric) []*dto.Metric {
	best := map[string]*dto.Metric{}
	for _, m := range series {
		k := partitionKey(m)
		if cur, ok := best[k]; !ok || compareReplicas(m, cur) < 0 {
			best[k] = m
		}
	}
	keys := make([]string, 0, len(best))
	for k := range best {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]*dto.Metric, 0, len(keys))
	for _, k := range keys {
		out = append(out, best[k])
	}
	return out
}

// partitionKey joins the labels that are neither the model, the priority
// nor a replica rank, sorted by name.
func partitionKey(m *dto.Metric) string {
	var parts []string
	for _, l := range m.GetLabel() {
		n := l.GetName()
		if n == labelModel || n == labelPriority || slices.Contains(replicaLabels, n) {
			continue
		}
		parts = append(parts, n+"\xff"+l.GetValue())
	}
	slices.Sort(parts)
	return strings.Join(parts, "\xfe")
}

// compareReplicas orders series by their replica ranks, numerically when
// both are numbers; a missing rank sorts first.
func compareReplicas(a, b *dto.Metric) int {
	for _, n := range replicaLabels {
		va, _ := labelValue(a, n)
		vb, _ := labelValue(b, n)
		if c := compareRank(va, vb); c != 0 {
			return c
		}
	}
	return 0
}

func compareRank(a, b string) int {
	ia, errA := strconv.Atoi(a)
	ib, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return ia - ib
	}
	return strings.Compare(a, b)
}

// firstSeries is the representative of the first model's first part: the
// values of rank 0, for families that describe the engine rather than load.
func firstSeries(f *upstreamFamily) *dto.Metric {
	if f == nil || len(f.models) == 0 {
		return nil
	}
	series := selectSeries(f, Source{}, f.models[0])
	if len(series) == 0 {
		return nil
	}
	return series[0]
}

// scalar is the value of a gauge, counter or untyped series.
func scalar(m *dto.Metric) (float64, bool) {
	switch {
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue(), true
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue(), true
	case m.GetUntyped() != nil:
		return m.GetUntyped().GetValue(), true
	}
	return 0, false
}

func labelValue(m *dto.Metric, name string) (string, bool) {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue(), true
		}
	}
	return "", false
}

func labelPair(name, value string) *dto.LabelPair {
	return &dto.LabelPair{Name: ptr(name), Value: ptr(value)}
}

func sortLabels(labels []*dto.LabelPair) {
	slices.SortFunc(labels, func(a, b *dto.LabelPair) int {
		return strings.Compare(a.GetName(), b.GetName())
	})
}

// formatFloat writes integers without a fraction ("16", not "16.0"), as
// vLLM writes its cache_config_info label values.
func formatFloat(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func ptr[T any](v T) *T { return &v }
