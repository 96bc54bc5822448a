# leptos_cognito — developer entry points. Each target installs what it needs first.
#   make demo   build and serve the demo on the embedded dev IdP (http://127.0.0.1:3000)
#   make test   fmt check, clippy, unit + integration + doc tests, browser tests (Chromium)
#   make bench  benchmarks (see BENCHMARKS.md)

SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export CARGO_TERM_COLOR ?= never

.PHONY: demo test tools tools-browser fmt-check clippy unit e2e build-release bench

tools:
	@scripts/install-tools.sh

tools-browser:
	@scripts/install-tools.sh --browser

demo: tools
	cargo leptos serve --release

fmt-check:
	cargo fmt --all -- --check

clippy:
	cargo clippy --all-targets --features dev-idp -- -D warnings
	cargo clippy -p leptos_cognito_demo --all-targets --features ssr -- -D warnings
	cargo clippy -p leptos_cognito_demo --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

unit:
	cargo test --features dev-idp
	cargo test -p leptos_cognito_demo --features ssr

build-release:
	cargo leptos build --release

e2e: build-release
	cd end2end && npx playwright test
	node end2end/summary.mjs

test: tools-browser fmt-check clippy unit e2e

bench: tools
	scripts/bench.sh
