# leptos_cognito — developer entry points. Each target installs what it needs first.
#   make demo   build and serve the demo on the embedded dev IdP (http://127.0.0.1:3000)
#   make test   fmt check, clippy, unit + integration + doc tests, browser tests (Chromium)
#   make bench  benchmarks (see BENCHMARKS.md)
#   make demo-replicas  two demo replicas sharing a redis-server behind one load balancer

SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export CARGO_TERM_COLOR ?= never

FUZZ_SECONDS ?= 30

.PHONY: demo demo-replicas test package flask-venv tools tools-browser fmt-check clippy cycles unit fuzz e2e build-release bench

tools:
	@scripts/install-tools.sh

tools-browser:
	@scripts/install-tools.sh --browser

demo: tools
	cargo leptos serve --release

demo-replicas: tools
	scripts/demo-replicas.sh

fmt-check:
	cargo fmt --all -- --check

clippy:
	cargo clippy --all-targets --features dev-idp,redis,metrics,doctor -- -D warnings
	cargo clippy --lib --features ssr -- -D warnings
	cargo clippy -p leptos_cognito_demo --all-targets --features ssr -- -D warnings
	cargo clippy -p leptos_cognito_demo --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

# No import cycles between the files of src/ (the request path reads top-down).
cycles:
	@if [[ -x ../shared/tools/module-cycles ]]; then \
	  out=$$(../shared/tools/module-cycles src); echo "$$out"; echo "$$out" | grep -qx 'cycles: 0'; \
	else echo "module-cycles tool not found: skipped"; fi

# flask-cognito-lib from PyPI in a throwaway venv, for the migration test and `make bench`.
# Where PyPI is unreachable this says so, and tests/flask_migration.rs reports SKIPPED.
flask-venv:
	@if ! target/bench-venv/bin/python -c "import flask_cognito_lib, gunicorn" 2>/dev/null; then \
	  python3 -m venv target/bench-venv && \
	  target/bench-venv/bin/pip install -q "flask-cognito-lib==1.9.6" gunicorn || \
	  echo "SKIPPED: cannot install flask-cognito-lib from PyPI; the migration test will be skipped"; \
	fi

unit: flask-venv
	cargo test --features dev-idp,redis,metrics,doctor
	cargo build --examples --features dev-idp
	cargo test -p leptos_cognito_demo --features ssr
	@target/bench-venv/bin/python -c "import flask_cognito_lib" 2>/dev/null || \
	  echo "SKIPPED: tests/flask_migration.rs (flask-cognito-lib not installed: PyPI unreachable?)"

# Bounded fuzzing of the token and cookie parsers, the return-path sanitiser and the sign-in
# link options
# (nightly + cargo-fuzz); any crash fails.
fuzz:
	cargo +nightly fuzz run token -s none -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048
	cargo +nightly fuzz run cookies -s none -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048
	cargo +nightly fuzz run return_to -s none -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048
	cargo +nightly fuzz run login_link -s none -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048
	mkdir -p fuzz/corpus/signed_claims
	cargo +nightly fuzz run signed_claims -s none fuzz/corpus/signed_claims fuzz/seeds/signed_claims -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -dict=fuzz/claims.dict

# The crate as crates.io gets it: packaged and built alone, docs without warnings, and a
# declared MSRV no dependency exceeds.
package:
	python3 scripts/msrv-check.py
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p leptos_cognito --features dev-idp,redis,metrics,doctor
	cargo publish --dry-run --allow-dirty -p leptos_cognito

build-release:
	cargo leptos build --release

e2e: build-release
	cd end2end && npx playwright test
	node end2end/summary.mjs

test: tools-browser fmt-check cycles clippy unit package fuzz e2e

bench: tools
	scripts/bench.sh
