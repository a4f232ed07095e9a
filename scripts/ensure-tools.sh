#!/usr/bin/env bash
# ensure-tools.sh [build|test]: installs what `make run` (build) or `make test` needs and
# is missing, at pinned versions. Nothing is downloaded at build time afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-build}
WASM_SPLIT_VERSION=0.2.4
SQLX_VERSION=0.9.0
log() { echo "ensure-tools: $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  log "apt-get install $*"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@"
}

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || {
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

# wasm-split-cli splits the SPA's chunks off its main module (scripts/build-spa.sh). It
# prints no version: ask cargo. (Not the `wasm-split-cli` crate: that one is Dioxus'.)
if ! cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  log "installing wasm-split-cli (wasm_split_cli_support $WASM_SPLIT_VERSION)"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked
fi

# wasm-bindgen-cli must equal the wasm-bindgen crate version in Cargo.lock.
bindgen=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$root/Cargo.lock")
if ! wasm-bindgen --version 2>/dev/null | grep -q " $bindgen"; then
  log "installing wasm-bindgen-cli $bindgen"
  # Not --locked: its lockfile pins a crate version the registry mirror may lack.
  cargo install wasm-bindgen-cli --version "$bindgen"
fi

# wasm-opt from npm (Debian's binaryen is too old and yields a WASM that loads blank).
if [ ! -x "$root/frontend/node_modules/.bin/wasm-opt" ]; then
  log "installing binaryen (wasm-opt) from npm"
  (cd "$root/frontend" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$mode" = test ]; then
  if ! cargo sqlx --version 2>/dev/null | grep -q " $SQLX_VERSION"; then
    log "installing sqlx-cli $SQLX_VERSION"
    cargo install sqlx-cli --version "$SQLX_VERSION" --no-default-features --features postgres,rustls --locked
  fi
  command -v chromium >/dev/null || apt_install chromium
  if [ ! -d "$root/e2e/node_modules/@playwright/test" ]; then
    log "installing the e2e test runner from npm"
    (cd "$root/e2e" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
