#!/usr/bin/env bash
# Builds the bundled demo library and serves it on http://127.0.0.1:8000/.
# Needs only Rust: the front end is committed built and embedded in the binary. When web/ (or
# Cargo.lock) changed since it was built, this says so; `bash scripts/build-web.sh` rebuilds it
# (installing the wasm32 target, wasm-bindgen and wasm-opt). Safe to re-run.
# Extra arguments go to `almanac serve` (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-web.sh --status \
    || echo "demo: note: serving the committed front end; run scripts/build-web.sh to rebuild it" >&2
cargo build -p almanac
exec target/debug/almanac serve "$@"
