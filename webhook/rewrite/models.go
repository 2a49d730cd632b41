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
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
	"github.com/vllm-to-sglang/vllm-to-sglang/webhook/profile"
)

// SubjectOf is what profile resolution reads of a pod (or pod template):
// its profile annotation, its labels and the names its vLLM container
// serves the model under. namespaceLabels are its namespace's.
func SubjectOf(meta *metav1.ObjectMeta, spec *corev1.PodSpec, namespaceLabels map[string]string) *profile.Subject {
	models, _ := ServedModels(spec)
	return &profile.Subject{
		Annotation:      meta.Annotations[v1alpha1.AnnotationProfile],
		NamespaceLabels: namespaceLabels,
		PodLabels:       meta.Labels,
		Models:          models,
	}
}

// ServedModels are the names the pod's one vLLM container serves its model
// under (argv's Invocation.ModelNames: the model argument or --model, and
// every --served-model-name), with Kubernetes $(VAR) references expanded
// from the container's env as the kubelet expands them. A name that needs
// a value only known at run time (an env var from a Secret, a ConfigMap, a
// field) is left out, and complete is false then, as it is when argv could
// not read every name (a script translated at start). No vLLM container,
// or several: none.
func ServedModels(spec *corev1.PodSpec) (names []string, complete bool) {
	index, inv, reason, _ := findVLLM(spec)
	if reason != "" || inv.Invocation == nil {
		return nil, false
	}
	raw, complete := inv.ModelNames()
	if len(raw) == 0 {
		return nil, complete
	}
	env := knownEnv(&spec.Containers[index])
	for _, n := range raw {
		v, ok := expandVars(n, env)
		if !ok {
			complete = false
			continue
		}
		names = append(names, v)
	}
	return names, complete
}

// envValues are a container's variables as far as they are known before
// it runs: a variable whose value is only known then (valueFrom, or one
// that refers to such a variable) maps to nil; with envFrom, any variable
// not in env may exist with an unknown value.
type envValues struct {
	vals    map[string]*string
	envFrom bool
}

// knownEnv resolves the container's env in order, as the kubelet does.
func knownEnv(c *corev1.Container) envValues {
	e := envValues{vals: make(map[string]*string, len(c.Env)), envFrom: len(c.EnvFrom) > 0}
	for _, v := range c.Env {
		if v.ValueFrom != nil {
			e.vals[v.Name] = nil
			continue
		}
		if x, ok := expandVars(v.Value, e); ok {
			e.vals[v.Name] = &x
		} else {
			e.vals[v.Name] = nil
		}
	}
	return e
}

// expandVars expands $(VAR) references as the kubelet does: $$ is a $,
// $(NAME) of a defined variable its value, any other text as written. It
// reports false when a reference needs a value only known at run time.
func expandVars(s string, env envValues) (string, bool) {
	if !strings.Contains(s, "$") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch next := s[i+1]; {
		case next == '$':
			b.WriteByte('$')
			i++
		case next == '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString(s[i:])
				return b.String(), true
			}
			name := s[i+2 : i+2+end]
			v, defined := env.vals[name]
			switch {
			case defined && v == nil, !defined && env.envFrom:
				return "", false
			case defined:
				b.WriteString(*v)
			default:
				b.WriteString(s[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), true
}
