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

package rewrite

import (
	// The reference parser needs these digest algorithms registered, as
	// Kubernetes' own image-name parser does.
	_ "crypto/sha256"
	_ "crypto/sha512"

	"github.com/distribution/reference"
	corev1 "k8s.io/api/core/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// pullPolicy is the vLLM container's pull policy once it runs the profile's
// image instead of oldImage.
//
// The API server defaults an empty imagePullPolicy from the image (Always
// for :latest or no tag, IfNotPresent otherwise) before mutating webhooks
// see the pod, so the webhook cannot tell a policy the user wrote from one
// derived from the vLLM image, and keeping it would pin the SGLang image to
// the vLLM image's default. So: the profile's policy if it sets one; else a
// policy equal to the one the old image implies is cleared, and the API
// server defaults it again from the new image after the webhook (it
// re-runs defaulting on every patched object); any other policy the pod
// set is kept. The CLI applies the same rule, so a manifest rewritten
// offline and a pod rewritten in the cluster end up with the same policy.
func pullPolicy(current corev1.PullPolicy, oldImage string, profile *v1alpha1.SGLangProfileSpec) corev1.PullPolicy {
	switch {
	case profile.ImagePullPolicy != "":
		return profile.ImagePullPolicy
	case current == impliedPullPolicy(oldImage):
		return ""
	}
	return current
}

// impliedPullPolicy is the pull policy the API server gives a container of
// this image that sets none (SetDefaults_Container in
// k8s.io/kubernetes/pkg/apis/core/v1): Always when the tag is latest, or
// when there is neither tag nor digest; IfNotPresent otherwise, including
// for an image name that does not parse.
func impliedPullPolicy(image string) corev1.PullPolicy {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return corev1.PullIfNotPresent
	}
	tagged, hasTag := named.(reference.Tagged)
	_, hasDigest := named.(reference.Digested)
	if (hasTag && tagged.Tag() == "latest") || (!hasTag && !hasDigest) {
		return corev1.PullAlways
	}
	return corev1.PullIfNotPresent
}
