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

package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	kjson "sigs.k8s.io/json"
)

// maxReviewBytes bounds the request body, as controller-runtime's webhook
// does (the API server's own limit on an object is lower).
const maxReviewBytes = 7 << 20

// podReview is an AdmissionReview whose object is decoded straight into a
// Pod: one pass over the request instead of one for the review (copying the
// pod's bytes into a RawExtension) and another for the pod.
type podReview struct {
	metav1.TypeMeta `json:",inline"`
	Request         *podRequest `json:"request,omitempty"`
}

type podRequest struct {
	admissionv1.AdmissionRequest `json:",inline"`
	// Object shadows AdmissionRequest.Object (a shallower field wins).
	Object *admittedPod `json:"object,omitempty"`
}

// admittedPod is a Pod decoded without metadata.managedFields: the API
// server sets them before admission, they are often half of the pod's
// bytes, and the rewrite never reads them. Left out of both the pod and
// its rewritten copy, they are left alone by the patch too.
type admittedPod struct {
	corev1.Pod `json:",inline"`
	// Metadata shadows Pod.ObjectMeta.
	Metadata admittedMeta `json:"metadata"`
}

type admittedMeta struct {
	metav1.ObjectMeta `json:",inline"`
	// ManagedFields shadows ObjectMeta.ManagedFields.
	ManagedFields skipped `json:"managedFields"`
}

// skipped is a JSON value that is checked (the whole document is) but not
// decoded.
type skipped struct{}

func (*skipped) UnmarshalJSON([]byte) error { return nil }

// pod returns the decoded pod (nil for none).
func (p *admittedPod) pod() *corev1.Pod {
	if p == nil {
		return nil
	}
	p.Pod.ObjectMeta = p.Metadata.ObjectMeta
	return &p.Pod
}

// errNoPod is the decoding error of a request without an object.
var errNoPod = errors.New("the request has no object")

// decodePod decodes a pod the way the API server encodes it (JSON member
// names are case-sensitive, as in the API server's own decoder), without
// its managed fields.
func decodePod(raw []byte) (*corev1.Pod, error) {
	if len(raw) == 0 {
		return nil, errNoPod
	}
	var p admittedPod
	if err := kjson.UnmarshalCaseSensitivePreserveInts(raw, &p); err != nil {
		return nil, err
	}
	pod := p.pod()
	return pod, checkPodKind(pod)
}

func checkPodKind(pod *corev1.Pod) error {
	if pod == nil {
		return errNoPod
	}
	if pod.APIVersion != "v1" || pod.Kind != "Pod" {
		return fmt.Errorf("the object is %q of %q", pod.Kind, pod.APIVersion)
	}
	return nil
}

// buffers hold request and response bodies between requests.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer keeps an unusually large body's buffer out of the pool.
const maxPooledBuffer = 1 << 20

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuffer {
		b.Reset()
		buffers.Put(b)
	}
}

// ServeHTTP answers an AdmissionReview (admission.k8s.io/v1; v1beta1 has
// the same shape and gets its own version back). As with controller-runtime's
// webhook, every answer is HTTP 200 carrying an AdmissionReview; a request
// that cannot be read gets a response with the error's code in it.
func (p *PodRewriter) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.serve(w, r, false) }

// Audit is the handler of the audit webhooks (AuditPodPath): ServeHTTP's,
// answering every pod in audit mode.
func (p *PodRewriter) Audit() http.Handler { return auditEndpoint{p} }

type auditEndpoint struct{ p *PodRewriter }

func (a auditEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.p.serve(w, r, true) }

// serve answers one AdmissionReview; audit: in audit mode. A review that
// cannot be read gets an error without the request's UID, which the API
// server treats as a failed call (for the audit webhooks, whose
// failurePolicy is Ignore: the pod is admitted).
func (p *PodRewriter) serve(w http.ResponseWriter, r *http.Request, audit bool) {
	body := buffers.Get().(*bytes.Buffer)
	defer putBuffer(body)
	review, status, err := readReview(r, body)
	if err != nil {
		p.log.Info("Refused an unreadable admission request", "error", err.Error())
		resp := admission.Errored(status, err)
		p.writeReview(w, metav1.TypeMeta{}, &resp.AdmissionResponse)
		return
	}
	req := review.Request
	ctx := logf.IntoContext(r.Context(), p.log.WithValues("uid", req.UID))
	resp := p.admit(ctx, &req.AdmissionRequest, req.Object.pod(), review.podErr, audit)
	resp.UID = req.UID
	p.writeReview(w, review.TypeMeta, &resp.AdmissionResponse)
}

// readReview reads and decodes the request body. The error comes with the
// status code to answer it with.
func readReview(r *http.Request, body *bytes.Buffer) (*podReviewResult, int32, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, http.StatusBadRequest, errors.New("request body is empty")
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		return nil, http.StatusBadRequest, fmt.Errorf("contentType=%s, expected application/json", ct)
	}
	n, err := body.ReadFrom(io.LimitReader(r.Body, maxReviewBytes+1))
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("reading the request body: %w", err)
	}
	if n > maxReviewBytes {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("request entity is too large; limit is %d bytes", maxReviewBytes)
	}
	return decodeReview(body.Bytes())
}

// podReviewResult is a decoded review; podErr says why its pod could not be
// decoded, if it could not (the request itself could).
type podReviewResult struct {
	podReview
	podErr error
}

func decodeReview(data []byte) (*podReviewResult, int32, error) {
	var rv podReviewResult
	err := kjson.UnmarshalCaseSensitivePreserveInts(data, &rv.podReview)
	if err != nil {
		// Tell a bad pod (answered with the request's UID, as a malformed
		// pod) from a bad review: decode the review with a raw object.
		var plain admissionv1.AdmissionReview
		if kjson.UnmarshalCaseSensitivePreserveInts(data, &plain) != nil || plain.Request == nil {
			return nil, http.StatusBadRequest, fmt.Errorf("decoding the AdmissionReview: %w", err)
		}
		rv.TypeMeta = plain.TypeMeta
		rv.Request = &podRequest{AdmissionRequest: *plain.Request}
		rv.podErr = err
		return &rv, 0, nil
	}
	if rv.Request == nil {
		return nil, http.StatusBadRequest, errors.New("the AdmissionReview holds no request")
	}
	rv.podErr = checkPodKind(rv.Request.Object.pod())
	return &rv, 0, nil
}

// writeReview writes the answer, in the review's own API version.
func (p *PodRewriter) writeReview(w http.ResponseWriter, tm metav1.TypeMeta, resp *admissionv1.AdmissionResponse) {
	if resp.Result == nil {
		resp.Result = &metav1.Status{}
	}
	if resp.Result.Code == 0 {
		resp.Result.Code = http.StatusOK
	}
	if tm.APIVersion == "" || tm.Kind == "" {
		tm = metav1.TypeMeta{APIVersion: admissionv1.SchemeGroupVersion.String(), Kind: "AdmissionReview"}
	}
	out := buffers.Get().(*bytes.Buffer)
	defer putBuffer(out)
	err := json.NewEncoder(out).Encode(admissionv1.AdmissionReview{TypeMeta: tm, Response: resp})
	if err != nil { // cannot happen for these types; answer something valid
		p.log.Error(err, "Encoding the admission response")
		out.Reset()
		fmt.Fprintf(out, `{"apiVersion":%q,"kind":%q,"response":{"uid":%q,"allowed":false,"status":{"code":500,"message":"encoding the response failed"}}}`,
			tm.APIVersion, tm.Kind, resp.UID)
	}
	w.Header().Set("Content-Type", "application/json")
	if _, err := w.Write(out.Bytes()); err != nil {
		p.log.V(1).Info("Writing the admission response", "error", err.Error())
	}
}
