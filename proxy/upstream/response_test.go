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

package upstream

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadResponseHead(t *testing.T) {
	tests := map[string]struct {
		method, raw string
		wantStatus  int
		wantHeader  http.Header
		wantLength  int64
		wantChunked bool
		wantClose   bool
		wantErr     string
	}{
		"reads the status, the headers and the length": {
			raw:        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 2\r\nX-A: 1\r\nX-A: 2\r\n\r\n{}",
			wantStatus: 200, wantLength: 2,
			wantHeader: http.Header{"Content-Type": {"application/json"}, "Content-Length": {"2"}, "X-A": {"1", "2"}},
		},
		"notes a chunked body": {
			raw:        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
			wantStatus: 200, wantLength: -1, wantChunked: true, wantHeader: http.Header{"Transfer-Encoding": {"chunked"}},
		},
		"skips 1xx answers": {
			raw:        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
			wantStatus: 404, wantLength: 0, wantHeader: http.Header{"Content-Length": {"0"}},
		},
		"gives a HEAD answer no body whatever its length says": {
			method: http.MethodHead, raw: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n",
			wantStatus: 200, wantLength: 0, wantHeader: http.Header{"Content-Length": {"9"}},
		},
		"gives a 204 no body": {
			raw: "HTTP/1.1 204 No Content\r\n\r\n", wantStatus: 204, wantLength: 0, wantHeader: http.Header{},
		},
		"marks a connection the upstream closes": {
			raw:        "HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\n\r\n",
			wantStatus: 200, wantLength: -1, wantClose: true, wantHeader: http.Header{"Connection": {"keep-alive, Close"}},
		},
		"does not reuse an HTTP/1.0 connection": {
			raw: "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", wantStatus: 200, wantClose: true,
			wantHeader: http.Header{"Content-Length": {"0"}},
		},
		"refuses two different lengths": {
			raw: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", wantErr: "Content-Length",
		},
		"refuses a status line that is not HTTP": {
			raw: "SSH-2.0-OpenSSH\r\n\r\n", wantErr: "status line",
		},
		"refuses a header line without a colon": {
			raw: "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", wantErr: "header line",
		},
		"reports a connection closed before the headers end": {
			raw: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n", wantErr: "EOF",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			res, err := readResponseHead(bufio.NewReader(strings.NewReader(tc.raw)), method)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.status != tc.wantStatus || res.length != tc.wantLength || res.chunked != tc.wantChunked || res.close != tc.wantClose {
				t.Errorf("got status %d length %d chunked %v close %v, want %d %d %v %v",
					res.status, res.length, res.chunked, res.close, tc.wantStatus, tc.wantLength, tc.wantChunked, tc.wantClose)
			}
			if diff := cmp.Diff(tc.wantHeader, res.header); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChunkedReader(t *testing.T) {
	tests := map[string]struct {
		raw      string
		want     string
		wantErr  error
		wantRest string // what is left on the connection after the body
	}{
		"decodes chunks and consumes the trailer": {
			raw: "5\r\nhello\r\n1;ext=1\r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT", want: "hello world!", wantRest: "NEXT",
		},
		"accepts bare LF line ends": {
			raw: "2\nhi\n0\n\nNEXT", want: "hi", wantRest: "NEXT",
		},
		"reports a body cut off inside a chunk": {
			raw: "5\r\nhel", want: "hel", wantErr: io.ErrUnexpectedEOF,
		},
		"reports a body cut off before the last chunk": {
			raw: "2\r\nhi\r\n", want: "hi", wantErr: io.ErrUnexpectedEOF,
		},
		"refuses a size that is not hexadecimal": {
			raw: "zz\r\n", wantErr: ErrMalformed,
		},
		"refuses chunk data longer than its size": {
			raw: "2\r\nhiX\r\n0\r\n\r\n", want: "hi", wantErr: ErrMalformed,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := bufio.NewReader(strings.NewReader(tc.raw))
			cr := &chunkedReader{r: r}
			got, err := io.ReadAll(cr)
			if string(got) != tc.want {
				t.Errorf("body = %q, want %q", got, tc.want)
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr != nil {
				return
			}
			if !cr.done {
				t.Error("done = false after the last chunk")
			}
			if rest, _ := io.ReadAll(r); string(rest) != tc.wantRest {
				t.Errorf("left on the connection: %q, want %q", rest, tc.wantRest)
			}
		})
	}
}

// TestChunkedReaderReturnsWhatHasArrived feeds a chunked body through a
// pipe, one arrival (a write on the pipe, as one read from a socket brings
// it) at a time, and reads once after each: a Read must return every chunk
// that has arrived, and must return without waiting for the next arrival
// (if it waited, the test would hang, since the next write only happens
// after the Read returns).
func TestChunkedReaderReturnsWhatHasArrived(t *testing.T) {
	tests := map[string]struct {
		arrivals []string
		// wantReads are the results of the Read after each arrival.
		wantReads []string
		wantEOF   bool // the last Read returns io.EOF with its data
	}{
		"several chunks that arrived together come in one Read": {
			arrivals:  []string{"9\r\ndata: 1\n\n\r\n9\r\ndata: 2\n\n\r\n9\r\ndata: 3\n\n\r\n", "9\r\ndata: 4\n\n\r\n"},
			wantReads: []string{"data: 1\n\ndata: 2\n\ndata: 3\n\n", "data: 4\n\n"},
		},
		"a lone chunk is returned without waiting for the next": {
			arrivals:  []string{"9\r\ndata: 1\n\n\r\n", "9\r\ndata: 2\n\n\r\n"},
			wantReads: []string{"data: 1\n\n", "data: 2\n\n"},
		},
		"a chunk-size line cut in two is waited for only once nothing else is there": {
			arrivals:  []string{"9\r\ndata: 1\n\n\r\n9", "\r\ndata: 2\n\n\r\n", "9\r\ndata: 3\n\n\r\n"},
			wantReads: []string{"data: 1\n\n", "data: 2\n\n", "data: 3\n\n"},
		},
		"the CRLF after a chunk may arrive with the next one": {
			arrivals:  []string{"9\r\ndata: 1\n\n", "\r\n9\r\ndata: 2\n\n\r\n"},
			wantReads: []string{"data: 1\n\n", "data: 2\n\n"},
		},
		"the part of a chunk that has arrived is returned": {
			arrivals:  []string{"9\r\ndata:", " 1\n\n\r\n"},
			wantReads: []string{"data:", " 1\n\n"},
		},
		"the last chunk that arrived with data ends the body in the same Read": {
			arrivals:  []string{"9\r\ndata: 1\n\n\r\n0\r\n\r\n"},
			wantReads: []string{"data: 1\n\n"},
			wantEOF:   true,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			pr, pw := io.Pipe()
			defer pr.Close()
			cr := &chunkedReader{r: bufio.NewReaderSize(pr, readBufferSize)}
			buf := make([]byte, 32<<10)
			for i, a := range tc.arrivals {
				go func() { _, _ = io.WriteString(pw, a) }()
				n, err := cr.Read(buf)
				if got := string(buf[:n]); got != tc.wantReads[i] {
					t.Fatalf("read after arrival %d = %q, want %q", i+1, got, tc.wantReads[i])
				}
				last := i == len(tc.arrivals)-1
				if wantErr := error(nil); last && tc.wantEOF {
					wantErr = io.EOF
					if err != wantErr {
						t.Fatalf("read after arrival %d: error %v, want %v", i+1, err, wantErr)
					}
				} else if err != nil {
					t.Fatalf("read after arrival %d: %v", i+1, err)
				}
			}
		})
	}
}
