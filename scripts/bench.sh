#!/usr/bin/env bash
# `make bench`: every benchmark, one table. Loopback only, bounded (≈ 5–8 min on 2 cores
# once built). Each figure is a ratio against a baseline measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
out=target/bench
mkdir -p "$out"

echo "== building the release demo (for the SSR and wasm figures)"
cargo leptos build --release >"$out/build.log" 2>&1 || { tail -30 "$out/build.log"; exit 1; }

echo "== flask-cognito-lib in a throwaway venv (the package we replace)"
make -s flask-venv

echo "== micro-benchmarks (criterion)"
cargo bench --features dev-idp --bench verify -- --noplot >"$out/verify.log" 2>&1 || { tail -30 "$out/verify.log"; exit 1; }

echo "== HTTP figures (load driver)"
BENCH_FLASK_PYTHON="$PWD/target/bench-venv/bin/python" BENCH_DEMO_BIN="$PWD/target/release/leptos_cognito_demo" \
  cargo bench --features dev-idp,redis --bench load >"$out/load.log" 2>&1 || { tail -30 "$out/load.log"; exit 1; }

echo "== SSR: the real layer vs a stub injecting the same user"
cargo bench -p leptos_cognito_demo --features ssr --bench ssr_stub >"$out/ssr.log" 2>&1 || { tail -30 "$out/ssr.log"; exit 1; }

echo "== peers: jwt-authorizer (axum) and aws-jwt-verify (Node)"
if [[ ! -d benches/node/node_modules/aws-jwt-verify ]]; then
  (cd benches/node && npm ci --no-audit --no-fund >/dev/null)
fi
cargo build --release -p leptos_cognito_peer_bench >"$out/peers-build.log" 2>&1 || { tail -30 "$out/peers-build.log"; exit 1; }
target/release/peer-bench "$out" >"$out/peers.log" 2>&1 || { tail -30 "$out/peers.log"; exit 1; }

echo "== browser cost (wasm)"
if ! command -v twiggy >/dev/null 2>&1; then
  cargo install twiggy --locked >"$out/twiggy-install.log" 2>&1 || true
fi
wasm_raw=target/front/wasm32-unknown-unknown/wasm-release/leptos_cognito_demo.wasm
command -v twiggy >/dev/null 2>&1 && [[ -f $wasm_raw ]] && twiggy top -n 1000000 -f csv "$wasm_raw" >"$out/twiggy.csv" 2>/dev/null || true

python3 scripts/bench_report.py "$out" | tee "$out/results.md"
