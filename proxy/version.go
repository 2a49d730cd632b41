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

package proxy

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/vllm-to-sglang/vllm-to-sglang/proxy/upstream"
)

// vLLM's GET /version, {"version": v}, answered from SGLang's
// /get_server_info, whose answer also carries SGLang's server arguments
// (--api-key among them) and scheduler state. Nothing of that answer but
// the version ever reaches the client: it is always read whole and
// decoded, never passed on. An answer the proxy cannot read (too large,
// compressed other than with gzip, not JSON, without a version, an
// error) is a 502 without SGLang's body.

// sglangServerInfo is SGLang's path of its version and arguments.
const sglangServerInfo = "/get_server_info"

// maxServerInfo bounds the server info read (decompressed).
const maxServerInfo = 4 << 20

// serveVersion serves GET and HEAD /version. SGLang is always asked with
// GET and for an uncompressed answer; a HEAD gets the GET's headers.
func (s *Server) serveVersion(w http.ResponseWriter, r *http.Request) {
	h := r.Header.Clone()
	h.Del("Accept-Encoding") // the client's; SGLang is asked for identity
	h.Del("Content-Type")
	res, err := s.client.Do(r.Context(), &upstream.Request{Method: http.MethodGet, Target: s.sglangTarget(sglangServerInfo), Header: h})
	if err != nil {
		s.proxyError(w, r, err)
		return
	}
	defer res.Body.Close()
	version, err := readVersion(res)
	if err != nil {
		if r.Context().Err() != nil {
			s.proxyError(w, r, r.Context().Err())
			return
		}
		s.metrics.upstreamErrors.WithLabelValues("broken").Inc()
		s.log.Info("SGLang's server info could not be read", "path", r.URL.Path, "status", res.StatusCode, "error", err.Error())
		writeError(w, http.StatusBadGateway, "", "SGLang's version could not be read: "+err.Error())
		return
	}
	b, _ := json.Marshal(struct {
		Version string `json:"version"`
	}{version})
	writeJSON(w, http.StatusOK, b)
}

// readVersion reads the version out of SGLang's answer to /get_server_info.
func readVersion(res *http.Response) (string, error) {
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("SGLang answered %s with status %d", sglangServerInfo, res.StatusCode)
	}
	var body io.Reader = res.Body
	switch enc := strings.ToLower(strings.TrimSpace(res.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(io.LimitReader(res.Body, maxServerInfo+1))
		if err != nil {
			return "", fmt.Errorf("decompressing %s: %w", sglangServerInfo, err)
		}
		defer zr.Close()
		body = zr
	default:
		return "", fmt.Errorf("%s came with Content-Encoding %q, which the proxy does not read", sglangServerInfo, enc)
	}
	raw, complete, err := readUpTo(body, maxServerInfo, -1)
	switch {
	case err != nil:
		return "", fmt.Errorf("reading %s: %w", sglangServerInfo, err)
	case !complete:
		return "", fmt.Errorf("%s is over %s bytes", sglangServerInfo, strconv.Itoa(maxServerInfo))
	}
	var in struct {
		Version *string `json:"version"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return "", errors.New(sglangServerInfo + " is not JSON")
	}
	if in.Version == nil {
		return "", errors.New(sglangServerInfo + ` has no "version"`)
	}
	return *in.Version, nil
}
