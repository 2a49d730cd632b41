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
	"encoding/json"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/vllm-to-sglang/vllm-to-sglang/api/v1alpha1"
)

// The launcher: a container whose vLLM command is only known when it runs
// (argv.TranslateAtStart) runs it through `vllm-to-sglang launch`, which
// translates the command line the shell built and execs SGLang. These are
// the names the rewrite and the launcher agree on.
const (
	// LauncherDir is where the launcher binary is in the SGLang container:
	// an emptyDir the install init container copies it into, so it works
	// with any SGLang image and without knowing the image's PATH.
	LauncherDir = "/opt/vllm-to-sglang"
	// LauncherPath is the launcher binary.
	LauncherPath = LauncherDir + "/vllm-to-sglang"
	// LauncherVolumeName is the emptyDir holding the launcher.
	LauncherVolumeName = "vllm-to-sglang-launcher"
	// LauncherInstallName is the init container that copies the launcher.
	LauncherInstallName = "vllm-to-sglang-launcher"
	// LauncherCommand is the binary of the project's image that installs
	// and runs as the launcher.
	LauncherCommand = "/vllm-to-sglang"
	// EnvProfile carries the pod's SGLangProfile (a JSON document, as
	// profile.Parse reads it) to the launcher, which needs no API access.
	EnvProfile = "VLLM_TO_SGLANG_PROFILE"
)

// LauncherWords are the words routed in front of each vLLM command of a
// script: the launcher, and SGLang's address behind the proxy.
func LauncherWords(host string, port int32) []string {
	return []string{LauncherPath, "launch", "--host", host, "--port", strconv.Itoa(int(port)), "--"}
}

// atStartNote is the warning of a container translated at start.
func atStartNote(container, why string) string {
	return fmt.Sprintf("the vLLM command is only known when the container starts (%s): vllm-to-sglang launch translates it then, "+
		"with this profile; its warnings are in the container's log (kubectl logs POD -c %s) and a summary in its termination message",
		why, container)
}

// launcherInUse reports whether the pod already uses the launcher's volume
// name or folder.
func launcherInUse(spec *corev1.PodSpec, c *corev1.Container) bool {
	for _, v := range spec.Volumes {
		if v.Name == LauncherVolumeName {
			return true
		}
	}
	for _, m := range c.VolumeMounts {
		if m.MountPath == LauncherDir {
			return true
		}
	}
	return false
}

// launcherResources: the install container only copies a file.
var launcherResources = corev1.ResourceRequirements{
	Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("16Mi")},
	Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("64Mi")},
}

// addLauncher gives the vLLM container the launcher: an emptyDir filled by
// an init container from the project's image, mounted read-only at
// LauncherDir, and the profile in EnvProfile.
func addLauncher(spec *corev1.PodSpec, c *corev1.Container, prof *v1alpha1.SGLangProfileSpec, profileName, image string, status *Status) {
	spec.Volumes = append(spec.Volumes, corev1.Volume{Name: LauncherVolumeName,
		VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: LauncherVolumeName, MountPath: LauncherDir, ReadOnly: true})
	c.Env = setEnv(c.Env, EnvProfile, profileDocument(prof, profileName))
	spec.InitContainers = append(spec.InitContainers, corev1.Container{
		Name:                     LauncherInstallName,
		Image:                    image,
		ImagePullPolicy:          prof.Proxy.ImagePullPolicy,
		Command:                  []string{LauncherCommand, "launch", "--install", LauncherDir},
		VolumeMounts:             []corev1.VolumeMount{{Name: LauncherVolumeName, MountPath: LauncherDir}},
		Resources:                *launcherResources.DeepCopy(),
		TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
		SecurityContext:          restrictedSecurityContext(),
	})
	status.InjectedContainers = append(status.InjectedContainers, LauncherInstallName)
	status.InjectedVolumes = append(status.InjectedVolumes, LauncherVolumeName)
}

// profileDocument is the profile as the launcher reads it (profile.Parse).
func profileDocument(prof *v1alpha1.SGLangProfileSpec, name string) string {
	doc := v1alpha1.SGLangProfile{Spec: *prof}
	doc.APIVersion, doc.Kind, doc.Name = v1alpha1.GroupVersion.String(), "SGLangProfile", name
	data, _ := json.Marshal(doc) // a struct of plain fields: cannot fail
	return string(data)
}

// setEnv sets a variable, replacing one of the same name.
func setEnv(env []corev1.EnvVar, name, value string) []corev1.EnvVar {
	for i := range env {
		if env[i].Name == name {
			env[i] = corev1.EnvVar{Name: name, Value: value}
			return env
		}
	}
	return append(env, corev1.EnvVar{Name: name, Value: value})
}
