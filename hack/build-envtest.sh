#!/usr/bin/env bash
# Builds the envtest control plane (kube-apiserver, kube-controller-manager,
# etcd) from the Go module proxy into $1, once. setup-envtest downloads these
# from a bucket this project's CI machines cannot reach; the Go module proxy
# they can. Versions are pinned in hack/k8s-bins/go.mod and hack/etcd-bin/go.mod.
set -euo pipefail

out="${1:?usage: build-envtest.sh OUTPUT_DIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

build() { # name module-dir package
  local name="$1" dir="$2" pkg="$3"
  if [ -x "$out/$name" ]; then
    return
  fi
  echo "Building $name for envtest (once; a few minutes on 2 cores)..." >&2
  (cd "$root/$dir" && CGO_ENABLED=0 go build -trimpath -o "$out/$name.tmp" "$pkg")
  mv "$out/$name.tmp" "$out/$name"
}

build etcd hack/etcd-bin go.etcd.io/etcd/server/v3
build kube-apiserver hack/k8s-bins k8s.io/kubernetes/cmd/kube-apiserver
build kube-controller-manager hack/k8s-bins k8s.io/kubernetes/cmd/kube-controller-manager
