#!/usr/bin/env bash
# Regenerates every generated file (make manifests generate) and fails if that
# changed anything: CRDs, RBAC, webhook manifests, deepcopy code and the
# chart's copy of the CRD must always be committed as the generators write them,
# and go.mod/go.sum as go mod tidy writes them.
set -euo pipefail
make="${1:-make}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

generated() {
  find config api charts -type f \( -name 'zz_generated*.go' -o -path 'config/crd/bases/*' \
    -o -path 'config/rbac/role.yaml' -o -path 'config/webhook/manifests.yaml' -o -path 'charts/*/crds/*' \
    -o -path 'config/samples/shim_v1alpha1_sglangprofile.yaml' \) \
    2>/dev/null | LC_ALL=C sort | xargs -r sha256sum
}

before="$(generated)"
$make --no-print-directory manifests generate >/dev/null
after="$(generated)"
if [ "$before" != "$after" ]; then
  echo "Generated files were stale and have been regenerated; review and commit them:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi
# go.mod and go.sum are generated too: by go mod tidy.
if ! go mod tidy -diff >&2; then
  echo "go.mod/go.sum are not tidy: run go mod tidy and commit the result." >&2
  exit 1
fi
echo "Generated files are up to date."
