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
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

// profileIndex keeps the profiles as resolution reads them (a profile.Set:
// each profile's defaulted spec and compiled selector) for as long as the
// informer holds the same versions of them. A request lists the informer's
// profiles without copying them and compares their UIDs and
// resourceVersions with the set's: only a change of a profile costs a deep
// copy, defaulting and compiling, and only for the profiles that changed.
// The specs it hands out are shared by concurrent requests and must only be
// read (the rewrite only reads its profile).
type profileIndex struct {
	mu  sync.Mutex // serialises rebuilds
	cur atomic.Pointer[indexedSet]
}

type indexedSet struct {
	set      *profile.Set
	versions map[string]profileVersion
}

type profileVersion struct {
	uid             types.UID
	resourceVersion string
}

// profileLister lists the stored profiles. The objects may be the cache's
// own: they are only read.
type profileLister func(ctx context.Context) ([]*v1alpha1.SGLangProfile, error)

// readerLister lists with a client.Reader (the cache's List without deep
// copies: it still copies each object's top-level struct into the list).
func readerLister(r client.Reader) profileLister {
	return func(ctx context.Context) ([]*v1alpha1.SGLangProfile, error) {
		var list v1alpha1.SGLangProfileList
		if err := r.List(ctx, &list, client.UnsafeDisableDeepCopy); err != nil {
			return nil, err
		}
		out := make([]*v1alpha1.SGLangProfile, len(list.Items))
		for i := range list.Items {
			out[i] = &list.Items[i]
		}
		return out, nil
	}
}

// storeLister lists the informer's store itself: the objects the cache
// reads from, no copy at all. It is what the server uses; the store is the
// one the cache's Get reads, so a profile Get finds is listed too.
func storeLister(store toolscache.Store) profileLister {
	return func(context.Context) ([]*v1alpha1.SGLangProfile, error) {
		objs := store.List()
		out := make([]*v1alpha1.SGLangProfile, 0, len(objs))
		for _, o := range objs {
			p, ok := o.(*v1alpha1.SGLangProfile)
			if !ok {
				return nil, fmt.Errorf("the SGLangProfile informer holds a %T", o)
			}
			out = append(out, p)
		}
		return out, nil
	}
}

// get returns the set of the profiles list returns now.
func (x *profileIndex) get(ctx context.Context, list profileLister, log logr.Logger) (*profile.Set, error) {
	items, err := list(ctx)
	if err != nil {
		return nil, err
	}
	if cur := x.cur.Load(); cur.holds(items) {
		return cur.set, nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	cur := x.cur.Load()
	if cur.holds(items) {
		return cur.set, nil
	}
	next := rebuild(cur, items, log)
	x.cur.Store(next)
	return next.set, nil
}

// holds reports whether the set was built from exactly these versions.
// Objects without a resourceVersion (not from an API server) never match.
func (s *indexedSet) holds(items []*v1alpha1.SGLangProfile) bool {
	if s == nil || len(s.versions) != len(items) {
		return false
	}
	for _, p := range items {
		v, ok := s.versions[p.Name]
		if !ok || p.ResourceVersion == "" || v.uid != p.UID || v.resourceVersion != p.ResourceVersion {
			return false
		}
	}
	return true
}

// rebuild makes the set of items, reusing the candidates of prev whose
// profile did not change.
func rebuild(prev *indexedSet, items []*v1alpha1.SGLangProfile, log logr.Logger) *indexedSet {
	next := &indexedSet{versions: make(map[string]profileVersion, len(items))}
	cands := make([]*profile.Candidate, 0, len(items))
	for _, p := range items {
		v := profileVersion{uid: p.UID, resourceVersion: p.ResourceVersion}
		next.versions[p.Name] = v
		if c := prev.candidate(p.Name, v); c != nil {
			cands = append(cands, c)
			continue
		}
		c := profile.NewCandidate(p)
		if len(c.SelectorErrs) > 0 {
			log.Info("SGLangProfile has an invalid selector: it selects no pod", "profile", p.Name,
				"resourceVersion", p.ResourceVersion, "errors", c.SelectorErrs.ToAggregate().Error())
		}
		cands = append(cands, c)
	}
	next.set = profile.NewSet(cands)
	return next
}

func (s *indexedSet) candidate(name string, v profileVersion) *profile.Candidate {
	if s == nil || v.resourceVersion == "" {
		return nil
	}
	if s.versions[name] != v {
		return nil
	}
	return s.set.Get(name)
}
