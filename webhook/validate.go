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
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

// ValidateProfilePath is where the SGLangProfile validator is served.
const ValidateProfilePath = "/validate-shim-vllm-to-sglang-io-v1alpha1-sglangprofile"

// The profile validator refuses, at kubectl apply, an SGLangProfile whose
// pods would all be denied later: an SGLang release older than every
// supported one, extra arguments or override targets the release lacks,
// values the schema cannot check. It warns when the release's flags cannot
// be checked exactly (an image pinned by digest alone, a release newer than
// the newest catalog).
//   - failurePolicy Ignore: the chart creates the default profile in the
//     same install as the webhook, before the webhook serves; and the pod
//     webhook checks the profile again when a pod uses it.
//
// +kubebuilder:webhook:path=/validate-shim-vllm-to-sglang-io-v1alpha1-sglangprofile,mutating=false,failurePolicy=ignore,sideEffects=None,groups=shim.vllm-to-sglang.io,resources=sglangprofiles,verbs=create;update,versions=v1alpha1,name=validate.sglangprofile.vllm-to-sglang.io,admissionReviewVersions=v1,timeoutSeconds=5

// ProfileValidator validates SGLangProfiles as the webhook will use them.
type ProfileValidator struct{}

var _ admission.Validator[*v1alpha1.SGLangProfile] = ProfileValidator{}

// ValidateCreate refuses an invalid profile and warns about a valid one.
func (ProfileValidator) ValidateCreate(_ context.Context, p *v1alpha1.SGLangProfile) (admission.Warnings, error) {
	return validateProfile(p)
}

// ValidateUpdate checks the new profile as ValidateCreate does.
func (ProfileValidator) ValidateUpdate(_ context.Context, _, p *v1alpha1.SGLangProfile) (admission.Warnings, error) {
	return validateProfile(p)
}

// ValidateDelete allows every deletion.
func (ProfileValidator) ValidateDelete(context.Context, *v1alpha1.SGLangProfile) (admission.Warnings, error) {
	return nil, nil
}

// validateProfile checks the profile as the pod webhook sees it: defaulted.
func validateProfile(p *v1alpha1.SGLangProfile) (admission.Warnings, error) {
	p = p.DeepCopy()
	p.Spec.Default()
	if errs := profile.Validate(p); len(errs) > 0 {
		return nil, apierrors.NewInvalid(v1alpha1.GroupVersion.WithKind(profile.Kind).GroupKind(), p.Name, errs)
	}
	return profile.Warnings(p), nil
}
