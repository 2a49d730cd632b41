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
	"sync"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// profileCache keeps each profile's defaulted spec for as long as its
// resource version stays the same: the deep copy and defaulting then run
// once per change of a profile instead of once per pod. The specs it hands
// out are shared by concurrent requests and must only be read (the rewrite
// only reads its profile).
//
// It holds one entry per profile name that existed when a pod named it, so
// it is bounded by the profiles in the cluster.
type profileCache struct {
	mu      sync.RWMutex
	entries map[string]defaultedProfile
}

type defaultedProfile struct {
	uid             types.UID
	resourceVersion string
	spec            *v1alpha1.SGLangProfileSpec
}

// get reads the named profile and returns its defaulted spec.
func (c *profileCache) get(ctx context.Context, r client.Reader, name string) (*v1alpha1.SGLangProfileSpec, error) {
	var prof v1alpha1.SGLangProfile
	// The informer's own object is only read here: its spec is copied
	// before it is defaulted.
	if err := r.Get(ctx, client.ObjectKey{Name: name}, &prof, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	if prof.ResourceVersion == "" { // not from an API server: nothing to key on
		return defaultedSpec(&prof), nil
	}
	c.mu.RLock()
	e, ok := c.entries[name]
	c.mu.RUnlock()
	if ok && e.uid == prof.UID && e.resourceVersion == prof.ResourceVersion {
		return e.spec, nil
	}
	spec := defaultedSpec(&prof)
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]defaultedProfile{}
	}
	c.entries[name] = defaultedProfile{uid: prof.UID, resourceVersion: prof.ResourceVersion, spec: spec}
	c.mu.Unlock()
	return spec, nil
}

func defaultedSpec(prof *v1alpha1.SGLangProfile) *v1alpha1.SGLangProfileSpec {
	spec := prof.Spec.DeepCopy()
	spec.Default()
	return spec
}
