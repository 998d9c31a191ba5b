# syntax=docker/dockerfile:1
#
# CareTrack Pro: one image for every process. The default command serves HTTP (and runs
# background jobs unless WORKER_CONCURRENCY=0); `server worker` runs jobs and the schedule
# only; `server migrate` applies the migrations embedded in the binary. See
# docs/OPERATIONS.md.
#
#   docker build -t caretrack .
#   docker run --env-file prod.env -p 3000:3000 caretrack
#   docker run --env-file prod.env caretrack server worker
#
# The versions below must match rust-toolchain.toml, scripts/bootstrap.sh and Cargo.lock;
# scripts/check-deploy.sh checks that they do. Builder and runtime are the same Debian
# release (trixie: its Node 20 runs binaryen.js, the wasm-opt the project pins in
# package-lock.json), so the binary meets the glibc it was linked against.

ARG RUST_VERSION=1.99.1
ARG DEBIAN_RELEASE=trixie

# --- build ------------------------------------------------------------------------------
FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS builder
ARG RUST_VERSION
ARG CARGO_LEPTOS_VERSION=0.3.11
ARG WASM_BINDGEN_VERSION=0.2.130
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# mold: .cargo/config.toml links native code with `-fuse-ld=mold`. nodejs + npm: the release
# WASM is optimised by wasm-opt from npm's binaryen (cargo-leptos is built with
# no_downloads, so it never fetches a wasm-opt of its own).
# Debian's security updates replace package versions, so pinning them would break builds.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config mold nodejs npm \
    && rm -rf /var/lib/apt/lists/*

RUN rustup target add --toolchain "${RUST_VERSION}" wasm32-unknown-unknown \
    && rustup component add --toolchain "${RUST_VERSION}" rustfmt clippy

# The tools at the versions `make bootstrap` installs; release LTO is not worth its time
# for build tools (as in scripts/bootstrap.sh).
RUN CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install --locked cargo-leptos --version "${CARGO_LEPTOS_VERSION}" --features no_downloads \
    && CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install --locked wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}"

WORKDIR /app

# wasm-opt (binaryen) from the lock file; cargo-leptos looks for it on PATH.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
ENV PATH=/app/node_modules/.bin:$PATH

COPY . .
# Queries are checked against the committed .sqlx/ data: no database at build time.
ENV SQLX_OFFLINE=true
# scripts/lib.sh's release_build (make wasm-size and the phone benchmark run the same):
# file names hashed by content, every static file precompressed (brotli, and gzip at -9),
# every page but sign-in and the carer's day split into its own chunks. The build fails
# above the WASM size budget (KiB gzip: the first load, i.e. the main module and the
# scripts a carer's phone loads, and the whole app, every chunk compressed on its own), a
# ratchet: today's size, lowered as the bundle shrinks towards the targets of 320 (first
# load) and 1024 (whole app).
RUN bash -euo pipefail -c '. scripts/lib.sh && release_build --cargo-locked' \
    && test -x target/release/server \
    && test -f target/release/hash.txt \
    && scripts/wasm-size.sh --no-build --budget-first 450 --budget-total 1500

# --- run --------------------------------------------------------------------------------
FROM debian:${DEBIAN_RELEASE}-slim AS runtime
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# ca-certificates: TLS to SMTP, S3 and browser push services. curl: the health check.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 caretrack \
    && useradd --system --uid 10001 --gid caretrack --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin caretrack

WORKDIR /app
# Migrations are embedded in the binary (sqlx::migrate!), so migrations/ is not copied.
COPY --from=builder /app/target/release/server /usr/local/bin/server
# The hashed names of the site's script, WASM and stylesheet, read beside the binary.
COPY --from=builder /app/target/release/hash.txt /usr/local/bin/hash.txt
COPY --from=builder /app/target/site /app/site

# LEPTOS_*: what cargo-leptos sets during development, read at start by leptos_config.
# NO_COLOR: plain log lines (tracing would write ANSI colour codes otherwise).
ENV APP_ENV=production \
    NO_COLOR=1 \
    LEPTOS_ENV=PROD \
    LEPTOS_OUTPUT_NAME=caretrack \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_HASH_FILES=true \
    LEPTOS_SITE_ADDR=0.0.0.0:3000

USER 10001:10001
EXPOSE 3000

# /healthz: the process serves HTTP. A worker (`server worker`) has no HTTP to probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/bin/sh", "-c", "grep -qa worker /proc/1/cmdline || curl -fsS -o /dev/null \"http://127.0.0.1:${LEPTOS_SITE_ADDR##*:}/healthz\""]

CMD ["server", "serve"]
