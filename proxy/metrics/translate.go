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
	"context"
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"
)

// Translate returns what translate mode serves: every family of in unchanged
// (so SGLang's own names keep working, for example for llm-d's engine-type
// "sglang"), plus the vLLM families that rules derive from in. A derived
// family replaces an upstream family of the same name. The result is sorted
// by name and shares the unchanged families with in; in is not modified.
//
// Its time is linear in the number of series in, however many models they
// belong to.
func Translate(in []*dto.MetricFamily, rules []Rule) []*dto.MetricFamily {
	out, _ := translate(context.Background(), in, rules)
	return out
}

// translate is Translate that gives up with ctx's error once ctx is done.
func translate(ctx context.Context, in []*dto.MetricFamily, rules []Rule) ([]*dto.MetricFamily, error) {
	derived, err := derive(ctx, in, rules)
	if err != nil {
		return nil, err
	}
	replaced := make(map[string]bool, len(derived))
	for _, f := range derived {
		replaced[f.GetName()] = true
	}
	out := make([]*dto.MetricFamily, 0, len(in)+len(derived))
	for _, f := range in {
		if !replaced[f.GetName()] {
			out = append(out, f)
		}
	}
	out = append(out, derived...)
	SortFamilies(out)
	return out, nil
}

// Derive returns only the vLLM families that rules derive from in, in rule
// order. A rule whose sources are absent yields no family at all.
func Derive(in []*dto.MetricFamily, rules []Rule) []*dto.MetricFamily {
	out, _ := derive(context.Background(), in, rules)
	return out
}

// checkEvery is how many models a rule derives between two looks at the
// context.
const checkEvery = 1024

func derive(ctx context.Context, in []*dto.MetricFamily, rules []Rule) ([]*dto.MetricFamily, error) {
	idx := newIndex(in)
	var out []*dto.MetricFamily
	for _, r := range rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f, err := deriveRule(ctx, idx, r)
		if err != nil {
			return nil, err
		}
		if f != nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// SortFamilies orders families by name, as Prometheus registries do.
func SortFamilies(fams []*dto.MetricFamily) {
	slices.SortFunc(fams, func(a, b *dto.MetricFamily) int {
		return strings.Compare(a.GetName(), b.GetName())
	})
}

func deriveRule(ctx context.Context, idx index, r Rule) (*dto.MetricFamily, error) {
	var metrics []*dto.Metric
	if r.Kind == Info {
		if m := deriveInfo(idx, r); m != nil {
			metrics = append(metrics, m)
		}
	} else if len(r.From) > 0 {
		if first := idx.family(r.From[0].Family); first != nil {
			for i, model := range first.models {
				if i%checkEvery == checkEvery-1 {
					if err := ctx.Err(); err != nil {
						return nil, err
					}
				}
				if m := deriveModel(idx, r, model); m != nil {
					metrics = append(metrics, m)
				}
			}
		}
	}
	if len(metrics) == 0 {
		return nil, nil
	}
	return &dto.MetricFamily{Name: ptr(r.Name), Help: ptr(r.Help), Type: r.outputType().Enum(), Metric: metrics}, nil
}

// deriveModel builds the one series of rule r for one served model, or nil.
func deriveModel(idx index, r Rule, model string) *dto.Metric {
	m := &dto.Metric{Label: vllmLabels(model)}
	switch r.Kind {
	case Histogram:
		h, ok := resolveHistogram(idx, r.From[0], model)
		if !ok {
			return nil
		}
		m.Histogram = h.scaled(r.scale()).proto()
	case Ratio:
		num, okNum := sumSources(idx, r.From, model, r.Combine, true)
		den, okDen := sumSources(idx, r.Per, model, r.Combine, true)
		if !okNum || !okDen || den == 0 {
			return nil
		}
		m.Gauge = &dto.Gauge{Value: ptr(num / den)}
	default:
		v, ok := sumSources(idx, r.From, model, r.Combine, r.Kind == Counter)
		if !ok {
			return nil
		}
		v *= r.scale()
		if r.Kind == Counter {
			m.Counter = &dto.Counter{Value: ptr(v)}
		} else {
			m.Gauge = &dto.Gauge{Value: ptr(v)}
		}
	}
	return m
}

// sumSources adds the values of srcs for one model. It reports false when
// the first source has no data for the model: the rule is then absent rather
// than made up from the remaining sources.
func sumSources(idx index, srcs []Source, model string, c Combine, counter bool) (float64, bool) {
	total := 0.0
	for i, s := range srcs {
		v, ok := resolveScalar(idx, s, model, c, counter)
		if !ok && i == 0 {
			return 0, false
		}
		total += v
	}
	return total, true
}

// deriveInfo builds the single info series of an Info rule, or nil when any
// of its labels has no source. Info families describe the engine, not a
// model, so they carry only engine and the rule's labels (as vLLM's do).
func deriveInfo(idx index, r Rule) *dto.Metric {
	var labels []*dto.LabelPair
	var from *dto.Metric
	if len(r.From) > 0 {
		from = firstSeries(idx.family(r.From[0].Family))
	}
	for _, l := range r.Labels {
		v, ok := infoValue(idx, from, l)
		if !ok {
			return nil
		}
		labels = append(labels, labelPair(l.Name, v))
	}
	labels = append(labels, labelPair(labelEngine, engineIndex))
	sortLabels(labels)
	return &dto.Metric{Label: labels, Gauge: &dto.Gauge{Value: ptr(1.0)}}
}

func infoValue(idx index, from *dto.Metric, l InfoLabel) (string, bool) {
	if from != nil {
		return labelValue(from, l.FromLabel)
	}
	g := firstSeries(idx.family(l.FromGauge))
	if g == nil {
		return "", false
	}
	v, ok := scalar(g)
	if !ok {
		return "", false
	}
	return formatFloat(v), true
}

// vllmLabels are the labels of every per-model vLLM series, sorted.
func vllmLabels(model string) []*dto.LabelPair {
	labels := []*dto.LabelPair{labelPair(labelEngine, engineIndex)}
	if model != "" {
		labels = append(labels, labelPair(labelModel, model))
	}
	return labels
}

func (r Rule) scale() float64 {
	if r.Scale == 0 {
		return 1
	}
	return r.Scale
}
