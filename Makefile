# vllm-to-sglang: kubebuilder v4 layout. `make help` lists the targets.

# Tool versions (pinned; installed into ./bin by the targets below).
CONTROLLER_TOOLS_VERSION ?= v0.23.0
HELM_VERSION ?= v3.22.0
GOLANGCI_LINT_VERSION ?= v2.15.0
# The envtest control plane is built from source (setup-envtest cannot
# download it here); versions are pinned in hack/k8s-bins/go.mod and
# hack/etcd-bin/go.mod.
ENVTEST_K8S_VERSION ?= 1.37.2

SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

LOCALBIN ?= $(shell pwd)/bin
ENVTEST_ASSETS ?= $(LOCALBIN)/k8s
CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen
HELM ?= $(LOCALBIN)/helm
GOLANGCI_LINT ?= $(LOCALBIN)/golangci-lint

# Release version stamped into the binaries, and the image they ship in.
VERSION ?= dev
IMG ?= ghcr.io/vllm-to-sglang/vllm-to-sglang:$(VERSION)

GO_TEST_FLAGS ?=
# Unit tests: every package except the suites that need a control plane.
UNIT_PKGS = $(shell go list ./... | grep -v -e /test/integration -e /test/e2e -e /test/chart -e /hack/demo -e /test/check)

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Display this help.
	@awk 'BEGIN {FS = ":.*##"; printf "\nUsage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-20s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: controller-gen ## Generate the CRD, RBAC and webhook manifests (config/, chart crds/, the sample profile).
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd webhook paths="./..." output:crd:artifacts:config=config/crd/bases
	rm -f charts/vllm-to-sglang/crds/*.yaml && cp config/crd/bases/*.yaml charts/vllm-to-sglang/crds/
	cp webhook/profile/default.yaml config/samples/shim_v1alpha1_sglangprofile.yaml

.PHONY: generate
generate: controller-gen ## Generate DeepCopy code.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./api/..."

.PHONY: verify-generated
verify-generated: ## Fail when generated files are stale (regenerates them, so run it again after committing).
	hack/verify-generated.sh "$(MAKE)"

.PHONY: fmt
fmt: ## Run go fmt against code.
	go fmt ./...

.PHONY: fmt-check
fmt-check: ## Fail when a Go file is not gofmt-formatted.
	@files="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$files" ]; then echo "not gofmt-formatted (run make fmt):" $$files >&2; exit 1; fi

.PHONY: vet
vet: ## Run go vet against code.
	go vet ./...

.PHONY: lint
lint: golangci-lint ## Run golangci-lint.
	$(GOLANGCI_LINT) run

.PHONY: helm-lint
helm-lint: helm ## Lint the Helm chart (strict: warnings fail).
	$(HELM) lint --strict charts/vllm-to-sglang

.PHONY: update-golden
update-golden: ## Regenerate golden files and generated doc sections (review the diff before committing).
	go test ./webhook/rewrite/manifest ./proxy/metrics ./proxy/body ./check -update
	@# These quote the goldens above (docs/rewrite.md) or code tables, so they run second.
	go test ./webhook/argv ./webhook ./cmd/vllm-to-sglang -update
	go test ./test/chart -run TestREADME -update

##@ Test

.PHONY: test
test: verify-generated fmt-check vet test-unit test-integration test-chart test-e2e test-check ## Run every suite (what CI runs).

.PHONY: test-unit
test-unit: ## Run the unit tests (no control plane).
	go test $(GO_TEST_FLAGS) $(UNIT_PKGS)

.PHONY: test-integration
test-integration: envtest kustomize ## Run the envtest integration suite against a real kube-apiserver and etcd.
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" KUSTOMIZE="$(KUSTOMIZE)" go test $(GO_TEST_FLAGS) -v ./test/integration/...

.PHONY: test-chart
test-chart: envtest helm-lint ## Test the Helm chart: rendering, schema, and real installs (Helm SDK, cert-manager CRDs and CA injector) against kube-apiserver.
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" go test $(GO_TEST_FLAGS) ./test/chart/...

.PHONY: bench
bench: ## Run the benchmarks.
	go test -run '^$$' -bench . -benchmem ./webhook/... ./proxy/...

##@ Build

.PHONY: build
build: ## Build the binaries (vllm-to-sglang, proxy) into bin/.
	CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(LOCALBIN)/vllm-to-sglang ./cmd/vllm-to-sglang
	CGO_ENABLED=0 go build -trimpath -o $(LOCALBIN)/proxy ./cmd/proxy

.PHONY: docker-build
docker-build: ## Build the image holding both binaries (needs a Docker engine).
	docker build --build-arg VERSION=$(VERSION) -t $(IMG) .

##@ Dependencies

$(LOCALBIN):
	mkdir -p $(LOCALBIN)

.PHONY: controller-gen
controller-gen: $(CONTROLLER_GEN) ## Install controller-gen into bin/.
$(CONTROLLER_GEN): | $(LOCALBIN)
	$(call go-install-tool,$(CONTROLLER_GEN),sigs.k8s.io/controller-tools/cmd/controller-gen,$(CONTROLLER_TOOLS_VERSION))

.PHONY: helm
helm: $(HELM) ## Install helm into bin/.
$(HELM): | $(LOCALBIN)
	$(call go-install-tool,$(HELM),helm.sh/helm/v3/cmd/helm,$(HELM_VERSION))

.PHONY: golangci-lint
golangci-lint: $(GOLANGCI_LINT) ## Install golangci-lint into bin/.
$(GOLANGCI_LINT): | $(LOCALBIN)
	$(call go-install-tool,$(GOLANGCI_LINT),github.com/golangci/golangci-lint/v2/cmd/golangci-lint,$(GOLANGCI_LINT_VERSION))

.PHONY: envtest
envtest: ## Build kube-apiserver, kube-controller-manager and etcd into bin/k8s (once; several minutes cold).
	hack/build-envtest.sh "$(ENVTEST_ASSETS)"

# go-install-tool installs a Go tool at a pinned version into bin/ as
# name-version with a symlink name -> name-version, so a version bump reinstalls.
# $1 - target path, $2 - package, $3 - version
define go-install-tool
@[ -f "$(1)-$(3)" ] && [ "$$(readlink -- "$(1)" 2>/dev/null)" = "$$(basename "$(1)-$(3)")" ] || { \
set -e; \
package=$(2)@$(3) ;\
echo "Downloading $${package}" ;\
rm -f "$(1)" ;\
GOBIN="$(LOCALBIN)" go install $${package} ;\
mv "$(LOCALBIN)/$$(basename "$(1)")" "$(1)-$(3)" ;\
} ;\
ln -sf "$$(basename "$(1)-$(3)")" "$(1)"
endef

##@ Proxy (owned by the proxy sidecar work: npm client for test/proxy, load benchmark)

PROXY_NODE_DIR = test/proxy/node

.PHONY: proxy-node-deps
proxy-node-deps: $(PROXY_NODE_DIR)/node_modules/.package-lock.json ## Install the pinned openai npm client used by test/proxy (npm ci).
$(PROXY_NODE_DIR)/node_modules/.package-lock.json: $(PROXY_NODE_DIR)/package-lock.json
	cd $(PROXY_NODE_DIR) && npm ci --no-audit --no-fund

# test/proxy runs the Node client test; make sure its package is installed.
test-unit: proxy-node-deps

.PHONY: bench-proxy
bench-proxy: ## Load-test the proxy against the fake SGLang, direct and through haproxy when installed; prints figures.
	go run ./hack/bench-proxy

bench: bench-proxy

##@ Webhook (owned by the admission webhook work: envtest suite, throughput benchmark, kustomize layout)

KUSTOMIZE_VERSION ?= v5.8.0
KUSTOMIZE ?= $(LOCALBIN)/kustomize

.PHONY: bench-webhook
bench-webhook: envtest ## Pod-creation throughput through kube-apiserver with and without the webhook (ratios), and the handler on a real AdmissionReview.
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" go test -run '^$$' -bench BenchmarkPodCreation -benchtime 300x ./test/integration/
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" go test -run '^$$' -bench BenchmarkAdmissionOfARealReview -benchmem ./test/integration/

bench: bench-webhook

.PHONY: kustomize
kustomize: $(KUSTOMIZE) ## Install kustomize into bin/.
$(KUSTOMIZE): | $(LOCALBIN)
	$(call go-install-tool,$(KUSTOMIZE),sigs.k8s.io/kustomize/kustomize/v5,$(KUSTOMIZE_VERSION))

.PHONY: build-installer
build-installer: manifests kustomize ## Render config/default (CRD, RBAC, webhook, cert-manager Certificate) into dist/install.yaml.
	mkdir -p dist
	$(KUSTOMIZE) build config/default > dist/install.yaml

##@ End-to-end and demo (owned by the e2e work: test/e2e, hack/demo, test/framework)

# -count=1: the suites build and run binaries (proxy, fake SGLang, vllm-to-sglang)
# whose sources go test's cache does not track, so a cached pass could be stale.
.PHONY: test-e2e
test-e2e: envtest proxy-node-deps ## End-to-end: production-stack Deployments through the chart and the webhook to SGLang pods that serve the openai client; and the demo, run to the end and interrupted.
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" go test -count=1 $(GO_TEST_FLAGS) ./test/e2e/... ./hack/demo/...

.PHONY: demo
demo: ## The main job on this machine, no cluster needed: a vLLM production-stack Deployment becomes an SGLang pod (diff and warnings). Builds the control plane the first time.
	@echo "Compiling the demo (go run ./hack/demo; a minute or two the first time)..."
	go run ./hack/demo

##@ Cluster readiness (owned by the check work: vllm-to-sglang check, test/check)

.PHONY: test-check
test-check: envtest ## vllm-to-sglang check against kube-apiserver: the chart (URL mode), the webhook in-process, GPU nodes; healthy and broken set-ups.
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" go test $(GO_TEST_FLAGS) ./test/check/...
