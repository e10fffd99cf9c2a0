#!/usr/bin/env bash
# Runs the whole test suite: formatting, lints (host and wasm32), the front-end
# build, and every Rust test. Installs what it needs first; safe to re-run.
# Needs ../shared (the sample material) next to the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if [ ! -d ../shared/samples ]; then
  echo "error: ../shared/samples is missing; tests read the shared sample material from there" >&2
  exit 2
fi

step "set-up"
bash scripts/setup.sh
bash scripts/setup-python.sh
bash scripts/setup-browser.sh

step "format"
cargo fmt --all -- --check

step "lint (host)"
cargo clippy --workspace --all-targets -- -D warnings

step "lint (wasm32 front end)"
cargo clippy -p almanac-web --target wasm32-unknown-unknown -- -D warnings

step "front-end build"
if [ "${CI:-}" = "true" ]; then
  # CI proves the committed, embedded front end is exactly what web/ builds.
  bash scripts/build-web.sh --check
else
  # Rebuilds generator/assets/app when web/ changed (commit the result).
  bash scripts/build-web.sh
fi

step "browser"
node tests/browser/smoke.mjs

step "wasm tests (search format in headless Chromium)"
# wasm-bindgen-test-runner comes with wasm-bindgen-cli (scripts/setup.sh); it drives Debian's
# Chromium through chromedriver with the flags in model/webdriver.json.
CHROMEDRIVER=/usr/bin/chromedriver \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$PWD/.tools/bin/wasm-bindgen-test-runner" \
  cargo test -p almanac-model --target wasm32-unknown-unknown --test search_wasm

step "tests"
cargo test --workspace --all-targets
