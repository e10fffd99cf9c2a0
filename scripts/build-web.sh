#!/usr/bin/env bash
# Builds the front end (web/) into generator/assets/app/: almanac_web.js + almanac_web_bg.wasm
# and BUILD (what they were built from and by), i.e.
# cargo (wasm32, profile wasm-release) -> wasm-bindgen --target web -> wasm-opt -Oz.
# The files are committed: the generator embeds them (generator/build.rs) and writes them to
# <site>/app/, so `cargo install` needs no wasm toolchain.
#
# Usage: scripts/build-web.sh [--force | --check | --status]
#   Skips the build when nothing in web/, model/, Cargo.toml or Cargo.lock changed since the
#   last one (the `inputs` hash in BUILD), unless --force is given.
#   --check builds from scratch into a temporary folder and fails when the result differs from
#   the committed files (CI runs it: the embedded front end can never silently go stale).
#   --status only says whether the committed files were built from the current inputs (exit 0)
#   or not (exit 1), without building or installing anything.
#
# Cargo builds into target/web (or $CARGO_TARGET_DIR) so it does not wait on the host build's
# lock; the wasm-release profile shares nothing with host builds anyway.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf 'build-web: %s\n' "$*"; }
die() { printf 'build-web: error: %s\n' "$*" >&2; exit 1; }

force=0
check=0
status=0
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        --check) check=1 ;;
        --status) status=1 ;;
        -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$arg' (try --help)" ;;
    esac
done

dist="generator/assets/app"
name="almanac_web"
wasm_bindgen="$root/.tools/bin/wasm-bindgen"
wasm_opt="$root/.tools/node/node_modules/.bin/wasm-opt"
target_dir="${CARGO_TARGET_DIR:-$root/target/web}"

# Everything the bundle is built from, plus this script and the tool versions.
inputs_hash() {
    {
        find web model -type f -print | LC_ALL=C sort | xargs sha256sum
        sha256sum Cargo.toml Cargo.lock scripts/build-web.sh scripts/setup.sh
    } | sha256sum | cut -d' ' -f1
}
hash="$(inputs_hash)"
recorded() { awk -v key="$1" '$1 == key { print $2 }' "$dist/BUILD" 2>/dev/null || true; }
if [[ $status == 1 ]]; then
    if [[ "$(recorded inputs)" == "$hash" ]]; then
        say "$dist was built from the current web/ inputs"
        exit 0
    fi
    say "$dist was built from other inputs than the current web/, model/, Cargo.toml, Cargo.lock"
    exit 1
fi
if [[ $force == 0 && $check == 0 && -f "$dist/$name.js" && -f "$dist/${name}_bg.wasm" ]] \
    && [[ "$(recorded inputs)" == "$hash" ]]; then
    say "$dist is up to date (use --force to rebuild)"
    exit 0
fi

bash "$root/scripts/setup.sh"
start=$SECONDS
say "cargo build (wasm32-unknown-unknown, profile wasm-release)"
# Paths in panic locations are made the same on every machine, so the bytes do not depend on
# where the checkout or the cargo home is.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
RUSTFLAGS="--remap-path-prefix=$root=/almanac --remap-path-prefix=$cargo_home=/cargo" \
    cargo build -p almanac-web --target wasm32-unknown-unknown --profile wasm-release \
    --target-dir "$target_dir"
raw="$target_dir/wasm32-unknown-unknown/wasm-release/$name.wasm"
[[ -f "$raw" ]] || die "cargo did not produce $raw"

# Build next to dist and swap it in at the end, so a failed build never leaves half a bundle.
staging="$target_dir/app.tmp"
rm -rf "$staging"
mkdir -p "$staging"
trap 'rm -rf "$staging"' EXIT

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

sum() { sha256sum "$1" | cut -d' ' -f1; }
{
    printf 'wasm %s\n' "$(sum "$staging/${name}_bg.wasm")"
    printf 'js %s\n' "$(sum "$staging/$name.js")"
    printf 'inputs %s\n' "$hash"
    printf 'rustc %s\n' "$(rustc --version | awk '{print $2}')"
    printf 'wasm-bindgen %s\n' "$("$wasm_bindgen" --version | awk '{print $2}')"
    printf 'wasm-opt %s\n' "$(node -p "require(process.argv[1]).version" "$root/.tools/node/node_modules/binaryen/package.json")"
} >"$staging/BUILD"

if [[ $check == 1 ]]; then
    stale=0
    for file in "$name.js" "${name}_bg.wasm"; do
        if ! cmp -s "$staging/$file" "$dist/$file"; then
            printf 'build-web: error: %s/%s differs from what web/ builds (%s B committed, %s B built)\n' \
                "$dist" "$file" "$(wc -c <"$dist/$file" 2>/dev/null || echo 0)" "$(wc -c <"$staging/$file")" >&2
            stale=1
        fi
    done
    if [[ $stale == 1 ]]; then
        die "the embedded front end is stale: run scripts/build-web.sh and commit $dist"
    fi
    say "$dist is what web/ builds (checked byte for byte in $((SECONDS - start)) s)"
    exit 0
fi

mkdir -p "$(dirname "$dist")"
rm -rf "$dist"
mv "$staging" "$dist"
trap - EXIT

size() { printf '%6d B raw, %6d B gzip' "$(wc -c <"$1")" "$(gzip -9 -c "$1" | wc -c)"; }
say "built $dist in $((SECONDS - start)) s"
say "  $name.js       $(size "$dist/$name.js")"
say "  ${name}_bg.wasm $(size "$dist/${name}_bg.wasm")"
