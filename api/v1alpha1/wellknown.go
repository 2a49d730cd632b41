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

package v1alpha1

// Names other components and users rely on: the labels and annotations
// that manifests, the chart's webhook selectors and already rewritten pods
// carry, the default profile's name and the proxy's container name. A
// rewritten pod is recognised by them, so changing one makes old pods look
// new: they are part of the API, do not change them.
const (
	// LabelRewrite on a namespace opts it in (value LabelRewriteEnabled) or
	// into audit mode (LabelRewriteAudit); on a pod, value
	// LabelRewriteDisabled opts the pod out and LabelRewriteAudit audits it
	// in an enabled namespace. It is a label so the webhook's
	// namespaceSelector/objectSelector can skip pods before a call.
	LabelRewrite = "vllm-to-sglang.io/rewrite"
	// LabelRewriteEnabled opts a namespace in.
	LabelRewriteEnabled = "enabled"
	// LabelRewriteDisabled opts a pod out.
	LabelRewriteDisabled = "disabled"
	// LabelRewriteAudit, on a namespace or a pod, asks for an audit: the
	// pod is admitted unchanged but for the status annotation, which records
	// what the rewrite would have done (mode "audit").
	LabelRewriteAudit = "audit"

	// AnnotationProfile on a pod names the SGLangProfile to use.
	AnnotationProfile = "vllm-to-sglang.io/profile"
	// AnnotationStatus is the JSON record of what the rewrite did. Its
	// presence makes the rewrite idempotent, unless it is an audit record
	// (its "mode" is "audit"), which only says what the rewrite would do.
	AnnotationStatus = "vllm-to-sglang.io/status"

	// DefaultProfileName is the profile used when a pod names none.
	DefaultProfileName = "default"

	// ProxyContainerName is the injected sidecar's container name.
	ProxyContainerName = "sglang-proxy"
)
