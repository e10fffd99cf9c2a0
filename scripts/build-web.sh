#!/usr/bin/env bash
# Builds the front end (web/) into web/dist/: almanac_web.js + almanac_web_bg.wasm, i.e.
# cargo (wasm32, profile wasm-release) -> wasm-bindgen --target web -> wasm-opt -Oz.
# The generator copies web/dist/ to <site>/app/.
#
# Usage: scripts/build-web.sh [--force]
#   Skips the build when nothing in web/, model/, Cargo.toml or Cargo.lock changed since the
#   last one (a content hash in web/dist/.inputs), unless --force is given.
#
# Cargo builds into target/web (or $CARGO_TARGET_DIR) so it does not wait on the host build's
# lock; the wasm-release profile shares nothing with host builds anyway.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf 'build-web: %s\n' "$*"; }
die() { printf 'build-web: error: %s\n' "$*" >&2; exit 1; }

force=0
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$arg' (try --help)" ;;
    esac
done

bash "$root/scripts/setup.sh"

dist="web/dist"
name="almanac_web"
wasm_bindgen="$root/.tools/bin/wasm-bindgen"
wasm_opt="$root/.tools/node/node_modules/.bin/wasm-opt"
target_dir="${CARGO_TARGET_DIR:-$root/target/web}"

# Everything the bundle is built from, plus this script and the tool versions.
inputs_hash() {
    {
        find web model -path web/dist -prune -o -path 'web/dist.*' -prune -o -type f -print \
            | LC_ALL=C sort | xargs sha256sum
        sha256sum Cargo.toml Cargo.lock scripts/build-web.sh scripts/setup.sh
    } | sha256sum | cut -d' ' -f1
}
hash="$(inputs_hash)"
if [[ $force == 0 && -f "$dist/.inputs" && -f "$dist/$name.js" && -f "$dist/${name}_bg.wasm" ]] \
    && [[ "$(cat "$dist/.inputs")" == "$hash" ]]; then
    say "web/dist is up to date (use --force to rebuild)"
    exit 0
fi

start=$SECONDS
say "cargo build (wasm32-unknown-unknown, profile wasm-release)"
cargo build -p almanac-web --target wasm32-unknown-unknown --profile wasm-release \
    --target-dir "$target_dir"
raw="$target_dir/wasm32-unknown-unknown/wasm-release/$name.wasm"
[[ -f "$raw" ]] || die "cargo did not produce $raw"

# Build next to dist and swap it in at the end, so a failed build never leaves half a bundle.
staging="web/dist.tmp"
rm -rf "$staging"
mkdir -p "$staging"
trap 'rm -rf "$root/$staging"' EXIT

say "wasm-bindgen --target web"
"$wasm_bindgen" "$raw" --target web --no-typescript --out-dir "$staging" --out-name "$name"

say "wasm-opt -Oz"
# The features rustc enables by default for wasm32-unknown-unknown (LLVM's generic CPU); the
# output uses them, so wasm-opt must accept them.
"$wasm_opt" -Oz \
    --enable-bulk-memory --enable-bulk-memory-opt --enable-call-indirect-overlong \
    --enable-multivalue --enable-mutable-globals --enable-nontrapping-float-to-int \
    --enable-reference-types --enable-sign-ext \
    "$staging/${name}_bg.wasm" -o "$staging/${name}_bg.opt.wasm"
mv "$staging/${name}_bg.opt.wasm" "$staging/${name}_bg.wasm"
node -e 'process.exit(WebAssembly.validate(require("fs").readFileSync(process.argv[1])) ? 0 : 1)' \
    "$staging/${name}_bg.wasm" || die "wasm-opt output does not validate"

printf '%s\n' "$hash" >"$staging/.inputs"
rm -rf "$dist"
mv "$staging" "$dist"
trap - EXIT

size() { printf '%6d B raw, %6d B gzip' "$(wc -c <"$1")" "$(gzip -9 -c "$1" | wc -c)"; }
say "built web/dist in $((SECONDS - start)) s"
say "  $name.js       $(size "$dist/$name.js")"
say "  ${name}_bg.wasm $(size "$dist/${name}_bg.wasm")"
