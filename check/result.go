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

// Status is the outcome of one check.
type Status string

const (
	// Passed: the cluster is right in this respect.
	Passed Status = "passed"
	// Warning: it works, but probably not as meant (a workload the webhook
	// will leave alone, no namespace opted in yet).
	Warning Status = "warning"
	// Failed: something will not work; `vllm-to-sglang check` exits 1.
	Failed Status = "failed"
	// Skipped: the check could not run because one it builds on did not
	// pass; the message says which.
	Skipped Status = "skipped"
)

// Group is a stable identifier of a group of checks.
type Group string

// The groups, in the order Run reports them.
const (
	GroupKubernetes Group = "kubernetes-api"
	GroupProfiles   Group = "profiles"
	GroupWebhook    Group = "webhook"
	GroupWorkloads  Group = "workloads"
	GroupNodes      Group = "nodes"
)

// Title is the group's heading in the text output.
func (g Group) Title() string {
	switch g {
	case GroupKubernetes:
		return "Kubernetes API"
	case GroupProfiles:
		return "SGLangProfiles"
	case GroupWebhook:
		return "Admission webhook"
	case GroupWorkloads:
		return "Namespaces and workloads"
	case GroupNodes:
		return "GPU nodes"
	}
	return string(g)
}

// ID is a stable identifier of a check; scripts read it from -o json.
type ID string

// The checks.
const (
	CheckAPIServer            ID = "api-server"
	CheckCRD                  ID = "crd"
	CheckDefaultProfile       ID = "default-profile"
	CheckProfileValid         ID = "profile-valid"
	CheckProfileImage         ID = "profile-image"
	CheckProfileRelease       ID = "profile-release"
	CheckWebhookConfiguration ID = "webhook-configuration"
	CheckWebhookCertificate   ID = "webhook-certificate"
	CheckWebhookAnswers       ID = "webhook-answers"
	CheckOptedInNamespaces    ID = "opted-in-namespaces"
	CheckRuntimeClasses       ID = "runtime-classes"
	CheckWorkload             ID = "workload"
	CheckAuditRecords         ID = "audit-records"
	CheckGPUCapacity          ID = "gpu-capacity"
	CheckPlacement            ID = "placement"
)

// Result is the outcome of one check on one subject.
type Result struct {
	Group Group `json:"group"`
	Check ID    `json:"check"`
	// Subject is what a check that runs once per object looked at: a
	// profile ("SGLangProfile default"), a workload ("Deployment ns/name").
	Subject string `json:"subject,omitempty"`
	Status  Status `json:"status"`
	// Message says what was found, in one sentence.
	Message string `json:"message"`
	// Details are more lines: admission warnings, field errors, the objects
	// concerned.
	Details []string `json:"details,omitempty"`
	// Hint says what to do, for anything but a pass.
	Hint string `json:"hint,omitempty"`
}

// Report is every result and their tally.
type Report struct {
	// Success is false when a check failed.
	Success bool     `json:"success"`
	Summary Summary  `json:"summary"`
	Checks  []Result `json:"checks"`
}

// Summary counts the results per status.
type Summary struct {
	Passed   int `json:"passed"`
	Warnings int `json:"warnings"`
	Failed   int `json:"failed"`
	Skipped  int `json:"skipped"`
}

// NewReport tallies results.
func NewReport(results []Result) Report {
	r := Report{Checks: results}
	if r.Checks == nil {
		r.Checks = []Result{}
	}
	for _, res := range results {
		switch res.Status {
		case Passed:
			r.Summary.Passed++
		case Warning:
			r.Summary.Warnings++
		case Failed:
			r.Summary.Failed++
		case Skipped:
			r.Summary.Skipped++
		}
	}
	r.Success = r.Summary.Failed == 0
	return r
}

// results collects the results of a run and answers "did check X pass?"
// for the checks that build on it.
type results struct {
	list []Result
}

func (rs *results) add(r ...Result) { rs.list = append(rs.list, r...) }

// status is the worst status of a check's results ("" when it has none).
func (rs *results) status(id ID) Status {
	worst := Status("")
	for _, r := range rs.list {
		if r.Check == id && rank(r.Status) > rank(worst) {
			worst = r.Status
		}
	}
	return worst
}

// passed reports whether every result of the check passed or warned.
func (rs *results) passed(id ID) bool {
	s := rs.status(id)
	return s == Passed || s == Warning
}

// failed reports whether the check failed on the subject.
func (rs *results) failed(id ID, subject string) bool {
	for _, r := range rs.list {
		if r.Check == id && r.Subject == subject && r.Status == Failed {
			return true
		}
	}
	return false
}

func rank(s Status) int {
	switch s {
	case Passed:
		return 1
	case Warning:
		return 2
	case Skipped:
		return 3
	case Failed:
		return 4
	}
	return 0
}
