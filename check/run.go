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

package check

import (
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Run runs every check on the facts and returns the results in report
// order. Without an API server there is nothing else to check.
func Run(f *Facts) []Result {
	api := apiServer(f)
	if api.Status != Passed {
		return []Result{api}
	}
	f = withProfileSet(f)
	rs := &results{}
	rs.add(api)
	runProfiles(f, rs)
	runWebhook(f, rs)
	runWorkloads(f, rs)
	runNodes(f, rs)
	return rs.list
}

func apiServer(f *Facts) Result {
	r := Result{Group: GroupKubernetes, Check: CheckAPIServer}
	if f.API.Err != nil {
		r.Status = Failed
		r.Message = fmt.Sprintf("cannot reach the API server %s: %v", f.API.Host, f.API.Err)
		r.Hint = "check --kubeconfig, --context or KUBECONFIG (kubectl version should work with the same settings)"
		return r
	}
	r.Status = Passed
	r.Message = fmt.Sprintf("connected to %s (Kubernetes %s)", f.API.Host, f.API.Version)
	return r
}

// rbacHint is the hint for a read the check's user is not allowed to do.
const rbacHint = "the user running the check needs the read access listed in docs/check.md (RBAC)"

// readFailed is the result of a check whose facts could not be read.
func readFailed(g Group, id ID, what string, err error) Result {
	r := Result{Group: g, Check: id, Status: Failed, Message: fmt.Sprintf("cannot read %s: %v", what, err)}
	if apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) {
		r.Hint = rbacHint
	} else {
		r.Hint = "run the check again; if it persists, the API server's log may say why"
	}
	return r
}

// skipped is the result of a check whose premise did not hold: "WHAT not
// checked: BECAUSE".
func skipped(g Group, id ID, subject, what, because string) Result {
	return Result{Group: g, Check: id, Subject: subject, Status: Skipped, Message: what + " not checked: " + because}
}
