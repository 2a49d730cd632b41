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

// Package manifest applies the pod rewrite to Kubernetes manifests, the way
// the offline CLI needs it: it decodes YAML or JSON streams into
// unstructured objects as kubectl apply -f does (duplicate keys keep their
// last value, with a warning: see Decode), rewrites the pod template of
// every workload kind it knows (Pod, PodTemplate, Deployment, StatefulSet,
// ReplicaSet, DaemonSet, ReplicationController, Job, CronJob, and the items
// of a List) and leaves every other object as it was.
//
// Only the fields the rewrite changes are written back, with the admission
// webhook's own patch: podpatch.Create between the typed pod template before
// and after the rewrite, applied by podpatch.Apply to the document as read.
// Fields the Go types do not know (a newer Kubernetes field, a typo kubectl
// would reject later) are kept where they were, on list items too: items
// are matched by their merge key, never by index. So the CLI writes the pod
// the API server would store through the webhook.
package manifest
