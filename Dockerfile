# One image, two static binaries: /vllm-to-sglang (the webhook and the CLI)
# and /proxy (the sglang-proxy sidecar the webhook injects). The webhook's
# --proxy-image points at this same image.
FROM golang:1.26 AS builder
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev

WORKDIR /workspace
# Dependencies first: this layer is cached until go.mod/go.sum change.
COPY go.mod go.sum ./
RUN go mod download

COPY api/ api/
COPY check/ check/
COPY cmd/ cmd/
COPY proxy/ proxy/
COPY webhook/ webhook/

ENV CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH}
RUN go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/vllm-to-sglang ./cmd/vllm-to-sglang \
 && go build -trimpath -ldflags "-s -w" -o /out/proxy ./cmd/proxy

# distroless/static: no shell, no package manager; nonroot is UID 65532,
# which the chart's restricted securityContext and the proxy's expect.
FROM gcr.io/distroless/static:nonroot
COPY --from=builder /out/vllm-to-sglang /vllm-to-sglang
COPY --from=builder /out/proxy /proxy
USER 65532:65532
ENTRYPOINT ["/vllm-to-sglang"]
