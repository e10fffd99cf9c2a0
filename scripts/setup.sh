#!/usr/bin/env bash
# Installs what building the front end needs, project-locally under .tools/:
#   - the wasm32-unknown-unknown Rust target (rustup),
#   - wasm-bindgen-cli at exactly the version of the `wasm-bindgen` crate in Cargo.lock (with
#     wasm-bindgen-test-runner, for the wasm32 tests),
#   - wasm-opt from npm's `binaryen` package (Debian's binaryen breaks wasm-bindgen output).
# Idempotent: each step is skipped when it is already done.
set -euo pipefail

# npm's binaryen, pinned; see shared notes on why not Debian's.
BINARYEN_VERSION="132.0.0"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tools="$root/.tools"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

for tool in cargo rustup node npm; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found on PATH"
done

# 1. Rust target.
# Captured first: `grep -q` exiting early could fail the pipeline under pipefail.
targets="$(rustup target list --installed)"
if grep -qx 'wasm32-unknown-unknown' <<<"$targets"; then
    say "rust target wasm32-unknown-unknown: present"
else
    say "rust target wasm32-unknown-unknown: installing"
    rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen-cli, same version as the crate (the two must match exactly).
lock_version() {
    awk -v want="$1" '
        $0 == "name = \"" want "\"" { found = 1; next }
        found && /^version = / { gsub(/"/, "", $3); print $3; exit }
    ' Cargo.lock 2>/dev/null || true
}
wb_version="$(lock_version wasm-bindgen)"
if [[ -z "$wb_version" ]]; then
    # Lock file missing or not yet resolved for the web crate: resolve without updating.
    cargo metadata --format-version 1 >/dev/null
    wb_version="$(lock_version wasm-bindgen)"
fi
[[ -n "$wb_version" ]] || die "no wasm-bindgen entry in Cargo.lock"

installed=""
if [[ -x "$tools/bin/wasm-bindgen" ]]; then
    installed="$("$tools/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}')" || installed=""
fi
# The same package installs wasm-bindgen-test-runner, which runs the wasm32 tests in Chromium.
if [[ "$installed" == "$wb_version" && -x "$tools/bin/wasm-bindgen-test-runner" ]]; then
    say "wasm-bindgen-cli $wb_version (with wasm-bindgen-test-runner): present"
else
    say "wasm-bindgen-cli $wb_version: installing into .tools (takes about 2 minutes)"
    # No --locked: the CLI's own lock file names a dependency version the registry lacks.
    cargo install wasm-bindgen-cli --version "$wb_version" --root "$tools" --force --quiet
fi

# 3. wasm-opt from npm's binaryen.
pkg="$tools/node/node_modules/binaryen/package.json"
have_binaryen=""
if [[ -f "$pkg" ]]; then
    have_binaryen="$(node -p "require(process.argv[1]).version" "$pkg" 2>/dev/null)" || have_binaryen=""
fi
if [[ "$have_binaryen" == "$BINARYEN_VERSION" && -x "$tools/node/node_modules/.bin/wasm-opt" ]]; then
    say "binaryen $BINARYEN_VERSION (wasm-opt): present"
else
    say "binaryen $BINARYEN_VERSION (wasm-opt): installing into .tools/node"
    mkdir -p "$tools/node"
    npm install --prefix "$tools/node" --no-audit --no-fund --loglevel=error \
        "binaryen@$BINARYEN_VERSION" >/dev/null
fi

say "done"
