# Herald: one binary, one SQLite file in /data.
# go-sqlite3 needs cgo, so the build stage has gcc; the binary is linked
# statically (no dlopen) and runs on a distroless base as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=1 go build -trimpath \
      -tags 'sqlite_omit_load_extension osusergo netgo' \
      -ldflags "-s -w -X main.version=${VERSION} -linkmode external -extldflags -static" \
      -o /out/herald ./cmd/herald \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/herald /usr/local/bin/herald
COPY --from=build --chown=65532:65532 /out/data /data
ENV HERALD_DATABASE=sqlite:/data/herald.db \
    HERALD_HTTP_ADDR=:8080
VOLUME /data
EXPOSE 8080
USER 65532:65532
# GET /healthz on HERALD_HTTP_ADDR; exit 0 when Herald answers (no shell in
# distroless, hence the exec form).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/herald", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/herald"]
CMD ["run"]
