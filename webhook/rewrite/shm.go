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
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

const (
	shmMountPath = "/dev/shm"
	// ShmVolumeName is the volume the rewrite adds when the pod mounts
	// nothing at /dev/shm.
	ShmVolumeName = "sglang-shm"
)

// ensureShm gives the container exactly one memory-backed /dev/shm of at
// least size (tensor parallelism shares tensors through it; the runtime's
// default is 64Mi). An existing emptyDir at /dev/shm is reused: it becomes
// memory-backed and a smaller size limit grows; one without a limit is sized
// by the pod's memory limit already and keeps none. Any other volume there
// (a hostPath, say) is the pod's choice and stays. It returns the name of
// the volume it added, if any, and a note when it changed an existing one.
func ensureShm(spec *corev1.PodSpec, c *corev1.Container, size resource.Quantity) (added, note string) {
	i := slices.IndexFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == shmMountPath })
	if i < 0 {
		name := freeVolumeName(spec, ShmVolumeName)
		limit := size.DeepCopy()
		spec.Volumes = append(spec.Volumes, corev1.Volume{
			Name:         name,
			VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory, SizeLimit: &limit}},
		})
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: name, MountPath: shmMountPath})
		return name, ""
	}
	v := findVolume(spec, c.VolumeMounts[i].Name)
	if v == nil || v.EmptyDir == nil {
		return "", ""
	}
	return "", growShm(v, size)
}

func growShm(v *corev1.Volume, size resource.Quantity) string {
	ed := v.EmptyDir
	wasMemory := ed.Medium == corev1.StorageMediumMemory
	ed.Medium = corev1.StorageMediumMemory
	switch {
	case ed.SizeLimit == nil && wasMemory:
		return ""
	case ed.SizeLimit == nil || ed.SizeLimit.Cmp(size) < 0:
		old := "none"
		if ed.SizeLimit != nil {
			old = ed.SizeLimit.String()
		}
		limit := size.DeepCopy()
		ed.SizeLimit = &limit
		return fmt.Sprintf("volume %s at /dev/shm: size limit %s raised to %s (the profile's shmSize)", v.Name, old, limit.String())
	}
	return ""
}

func findVolume(spec *corev1.PodSpec, name string) *corev1.Volume {
	for i := range spec.Volumes {
		if spec.Volumes[i].Name == name {
			return &spec.Volumes[i]
		}
	}
	return nil
}

func freeVolumeName(spec *corev1.PodSpec, base string) string {
	name := base
	for n := 2; findVolume(spec, name) != nil; n++ {
		name = fmt.Sprintf("%s-%d", base, n)
	}
	return name
}
