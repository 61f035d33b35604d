# The returnsim image that deploy/k8s/sweep-job.yaml runs:
#
#   read -r version revision < <(go run ./internal/dist -stamp)
#   docker build --build-arg VERSION="$version" --build-arg REVISION="$revision" \
#     -t ghcr.io/returnsim/returnsim:latest .
#   docker run --rm ghcr.io/returnsim/returnsim:latest version
#
# The binary is built as the release binaries are (go run ./internal/dist:
# static, -trimpath, version and revision stamped), for the platform docker
# builds for, and is the image's entry point, /returnsim. Without the build
# arguments it says "returnsim (devel) unknown". The build stage's Go is
# go.mod's (cmd/returnsim/deploy_test.go holds them equal).
FROM golang:1.26.8 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=(devel)
ARG REVISION=unknown
# set by BuildKit (docker buildx build --platform linux/arm64); the legacy
# builder leaves them empty, and the build stage's own platform is taken
ARG TARGETOS
ARG TARGETARCH
RUN go run ./internal/dist -out /out -version "$VERSION" -revision "$REVISION" \
      -platforms "${TARGETOS:-$(go env GOOS)}/${TARGETARCH:-$(go env GOARCH)}" \
 && cp /out/returnsim-* /returnsim

# distroless: no shell, no package manager, CA certificates and time zones
# only; the nonroot user, uid 65532 (the jobs' fsGroup, so that it can write
# to their volume)
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /returnsim /returnsim
USER 65532:65532
ENTRYPOINT ["/returnsim"]
