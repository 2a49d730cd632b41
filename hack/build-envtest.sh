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

# A release build stamps its version into the binary; a plain go build
# reports v0.0.0-master, which Helm's kubeVersion check (and kubectl
# version) would see. Stamp the pinned version the way the release does.
k8s_version="$(grep -oE 'k8s\.io/kubernetes v[0-9]+\.[0-9]+\.[0-9]+' "$root/hack/k8s-bins/go.mod" | cut -d' ' -f2)"
if [ -z "$k8s_version" ]; then
  echo "build-envtest.sh: no k8s.io/kubernetes version in hack/k8s-bins/go.mod" >&2
  exit 1
fi
k8s_minor="$(echo "$k8s_version" | cut -d. -f2)"
k8s_ldflags="-X k8s.io/component-base/version.gitVersion=$k8s_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$k8s_minor -X k8s.io/component-base/version.gitTreeState=clean"

build() { # name module-dir package ldflags
  local name="$1" dir="$2" pkg="$3" ldflags="${4:-}"
  # The stamp records how the binary was built, so a change here rebuilds it.
  local stamp="$out/.$name.build" want="$pkg $ldflags"
  if [ -x "$out/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return
  fi
  echo "Building $name for envtest (once; a few minutes on 2 cores)..." >&2
  (cd "$root/$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out/$name.tmp" "$pkg")
  mv "$out/$name.tmp" "$out/$name"
  echo "$want" >"$stamp"
}

build etcd hack/etcd-bin go.etcd.io/etcd/server/v3
build kube-apiserver hack/k8s-bins k8s.io/kubernetes/cmd/kube-apiserver "$k8s_ldflags"
build kube-controller-manager hack/k8s-bins k8s.io/kubernetes/cmd/kube-controller-manager "$k8s_ldflags"
