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
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

const (
	// MaxScrapeBytes and MaxScrapeLines bound the upstream exposition: a
	// larger one fails the scrape (503 on EnginePath), before it is parsed
	// whole. They bound the memory and time a scrape takes: an exposition at
	// both limits parses into about 60 MiB and takes about a second to parse
	// and translate on one loaded core (docs/metrics.md). SGLang's real
	// expositions are far below them: about 200 KB and 1,200 lines with two
	// data-parallel ranks and priority scheduling.
	MaxScrapeBytes = 8 << 20
	MaxScrapeLines = 100_000
	// scrapeAccept asks for the classic text format, the one TextParser reads.
	scrapeAccept = "text/plain;version=0.0.4;q=1,*/*;q=0.1"
	// errorBodyBytes is how much of a non-200 upstream body goes into the log.
	errorBodyBytes = 256
)

// scrape fetches and parses the upstream exposition. The context carries the
// scrape timeout.
func scrape(ctx context.Context, client *http.Client, target *url.URL) ([]*dto.MetricFamily, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("building request for %s: %w", target.Redacted(), err)
	}
	req.Header.Set("Accept", scrapeAccept)
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scraping %s: %w", target.Redacted(), err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, statusError(target, resp)
	}
	return parse(resp.Body)
}

// statusError describes a non-200 answer. SGLang only mounts /metrics with
// --enable-metrics, so a 404 gets that hint.
func statusError(target *url.URL, resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyBytes))
	msg := fmt.Sprintf("scraping %s: upstream answered %s: %q", target.Redacted(), resp.Status, strings.TrimSpace(string(body)))
	if resp.StatusCode == http.StatusNotFound {
		msg += " (SGLang serves /metrics only with --enable-metrics)"
	}
	return errors.New(msg)
}

// parse reads a text exposition into families sorted by name. A parse error
// fails the whole scrape, as it does for Prometheus, and so does an
// exposition over MaxScrapeBytes or MaxScrapeLines: reading stops there.
func parse(r io.Reader) ([]*dto.MetricFamily, error) {
	counted := &limitedReader{r: r}
	p := expfmt.NewTextParser(model.LegacyValidation)
	byName, err := p.TextToMetricFamilies(counted)
	if counted.over {
		return nil, fmt.Errorf("parsing upstream exposition: %w", errTooLarge)
	}
	if err != nil {
		return nil, fmt.Errorf("parsing upstream exposition: %w", err)
	}
	fams := make([]*dto.MetricFamily, 0, len(byName))
	for _, f := range byName {
		fams = append(fams, f)
	}
	SortFamilies(fams)
	return fams, nil
}

// errTooLarge is the failure of an exposition over the limits.
var errTooLarge = fmt.Errorf("larger than %d bytes or %d lines", MaxScrapeBytes, MaxScrapeLines)

// limitedReader fails once more than MaxScrapeBytes or MaxScrapeLines have
// been read.
type limitedReader struct {
	r            io.Reader
	bytes, lines int
	over         bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.over {
		return 0, errTooLarge
	}
	n, err := l.r.Read(p)
	l.bytes += n
	l.lines += bytes.Count(p[:n], []byte{'\n'})
	if l.bytes > MaxScrapeBytes || l.lines > MaxScrapeLines {
		l.over = true
		return 0, errTooLarge
	}
	return n, err
}
