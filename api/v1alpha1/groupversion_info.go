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

// Package v1alpha1 contains the SGLangProfile API: everything the pod rewrite
// needs to know about the SGLang deployment target (image, GPU resource, env,
// placement, argument policy, proxy settings), as cluster-scoped data.
// +kubebuilder:object:generate=true
// +groupName=shim.vllm-to-sglang.io
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is group version used to register these objects.
	GroupVersion = schema.GroupVersion{Group: "shim.vllm-to-sglang.io", Version: "v1alpha1"}

	// SchemeBuilder adds this group-version's types to a scheme. It is
	// apimachinery's, as in k8s.io/api: controller-runtime's scheme.Builder
	// is deprecated for API packages, which should not import it.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the types in this group-version to the given scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func addKnownTypes(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &SGLangProfile{}, &SGLangProfileList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
