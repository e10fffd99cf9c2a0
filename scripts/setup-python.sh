#!/usr/bin/env bash
# Creates the project's Python environment, .venv/ at the repository root (git-ignored), and
# installs tests/requirements.txt into it. The tests start their servers (moto_server,
# RangeHTTPServer) from there.
# Idempotent: the install is skipped while .venv/requirements.sha256 matches the requirements
# file; delete .venv to start over. Needs python3 (3.11 or newer) with the venv module.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
requirements="$root/tests/requirements.txt"
stamp="$venv/requirements.sha256"

say() { printf 'setup-python: %s\n' "$*"; }
die() { printf 'setup-python: error: %s\n' "$*" >&2; exit 1; }

python="${PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 || die "'$python' not found on PATH"
[[ -f "$requirements" ]] || die "$requirements is missing"

# The venv's own interpreter decides; a stale .venv from another Python is rebuilt.
if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    say ".venv: present ($("$venv/bin/python" --version 2>&1))"
else
    say ".venv: creating with $("$python" --version 2>&1)"
    rm -rf "$venv"
    if ! "$python" -m venv "$venv"; then
        die "'$python -m venv' failed (on Debian: apt-get install python3-venv)"
    fi
fi

want="$(sha256sum "$requirements" | awk '{print $1}')"
have=""
[[ -f "$stamp" ]] && have="$(cat "$stamp")"
if [[ "$have" == "$want" ]]; then
    say "tests/requirements.txt: installed"
else
    say "tests/requirements.txt: installing (about 30 seconds on a fresh machine)"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    printf '%s\n' "$want" >"$stamp"
fi

say "done"
