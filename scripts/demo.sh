#!/usr/bin/env bash
# Builds the bundled demo library and serves it on http://127.0.0.1:8000/.
# Installs what it needs first (wasm32 target, wasm-bindgen, wasm-opt); safe to re-run.
# Extra arguments go to `almanac serve` (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build-web.sh
cargo build -p almanac
exec target/debug/almanac serve "$@"
