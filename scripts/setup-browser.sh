#!/usr/bin/env bash
# Installs what the browser tests need, and nothing from outside the package registries:
#   - Debian's Chromium (and chromedriver, for wasm-bindgen-test) via apt, when missing;
#   - a Java runtime for the Nu Html Checker (vnu.jar), via apt, when missing;
#   - tests/browser/node_modules from tests/browser/package.json (exact versions): playwright-core
#     (drives /usr/bin/chromium; never downloads a browser), axe-core, vnu-jar, pagefind.
# Idempotent: each step is skipped when done. apt steps need root (or sudo).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
browser="$root/tests/browser"

say() { printf 'setup-browser: %s\n' "$*"; }
die() { printf 'setup-browser: error: %s\n' "$*" >&2; exit 1; }

apt_install() {
    local runner=()
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "installing $* needs root or sudo"
        runner=(sudo)
    fi
    if [[ -z "${APT_UPDATED:-}" ]]; then
        "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        APT_UPDATED=1
    fi
    "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    say "chromium: present ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
else
    say "chromium: installing (apt, about 30 seconds)"
    apt_install chromium chromium-driver
fi

if command -v java >/dev/null 2>&1; then
    say "java: present"
else
    say "java: installing (apt)"
    apt_install default-jre-headless
fi

command -v npm >/dev/null 2>&1 || die "npm not found on PATH (Node 20 is expected)"
want="$(sha256sum "$browser/package.json" | awk '{print $1}')"
stamp="$browser/node_modules/.package-lock.sha256"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    say "tests/browser/node_modules: installed"
else
    say "tests/browser/node_modules: installing (npm, exact versions from package.json)"
    # Not `npm ci`: the lock file written on Linux lacks pagefind's other-platform optional
    # packages, which `npm ci` then reports as out of sync.
    (cd "$browser" && npm install --no-audit --no-fund --loglevel=error)
    printf '%s\n' "$want" >"$stamp"
fi
say "done"
