#!/usr/bin/env bash
# Installs every tool the demo build and the test suite need, skipping what is already present.
# Idempotent: safe to run on every `make demo` / `make test`.
#   usage: scripts/install-tools.sh [--browser]
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130
want_browser=0
[[ "${1:-}" == "--browser" ]] && want_browser=1

log() { printf '\033[1;34m[install]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes ~10 min once)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: the registry mirror lacks one locked dependency.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [[ $want_browser == 1 ]]; then
  # The test suite fuzzes with cargo-fuzz on the nightly toolchain.
  if ! rustup toolchain list | grep -q '^nightly'; then
    log "installing the nightly toolchain (for cargo fuzz)"
    rustup toolchain install nightly --profile minimal
  fi
  if ! command -v cargo-fuzz >/dev/null 2>&1; then
    log "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
  fi
fi

# npm packages of end2end/ (Playwright, binaryen's wasm-opt, the peer IdP).
if [[ ! -x end2end/node_modules/.bin/wasm-opt || end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]]; then
  log "installing npm packages of end2end/"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
if [[ -f tests/peer-idp/package-lock.json ]] && [[ ! -d tests/peer-idp/node_modules || tests/peer-idp/package-lock.json -nt tests/peer-idp/node_modules/.package-lock.json ]]; then
  log "installing npm packages of tests/peer-idp/"
  (cd tests/peer-idp && npm ci --no-audit --no-fund)
fi

# Debian packages: chromium (browser tests) and redis-server (shared-store tests and
# `make demo-replicas`). One apt-get update for both.
apt_wanted=()
if [[ $want_browser == 1 ]] && ! command -v chromium >/dev/null 2>&1; then apt_wanted+=(chromium); fi
if ! command -v redis-server >/dev/null 2>&1; then apt_wanted+=(redis-server); fi
# python3 -m venv (flask-cognito-lib for the migration test and the benchmark) needs ensurepip.
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then apt_wanted+=(python3-venv); fi
if (( ${#apt_wanted[@]} )); then
  log "installing Debian's ${apt_wanted[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${apt_wanted[@]}" >/dev/null
fi
log "tools ready"
