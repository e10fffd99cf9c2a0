#!/usr/bin/env bash
# Test servers on 127.0.0.1, run from the project's .venv (made by scripts/setup-python.sh):
# an S3-compatible server (moto_server, in memory) and an HTTP server that honours Range
# requests (RangeHTTPServer; `python -m http.server` ignores Range).
#
#   serve.sh run s3 [PORT]            moto_server in the foreground (exec: same process id)
#   serve.sh run http DIR [PORT]      RangeHTTPServer serving DIR in the foreground
#   serve.sh start s3 [PORT]          the same in the background, once it answers;
#   serve.sh start http DIR [PORT]      its pid and log are in .venv/servers/
#   serve.sh stop s3|http             stops a server started with `start`
#
# `run` and `start` first print one line, "s3 http://127.0.0.1:PORT" or "http ...". No PORT (or
# 0) picks a free one. generator/tests/remote_stores.rs uses `run` and kills the server itself.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv"
state="$venv/servers"

die() { printf 'serve: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }

[[ -x "$venv/bin/python" ]] || die ".venv is missing: run scripts/setup-python.sh first"

free_port() {
    "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Parses NAME [DIR] [PORT] into the globals name, dir, port and command.
parse() {
    name="${1:-}"
    dir=""
    case "$name" in
        s3)
            port="${2:-0}"
            command=("$venv/bin/moto_server" -H 127.0.0.1 -p)
            ;;
        http)
            dir="${2:-}"
            [[ -d "$dir" ]] || die "http: no such directory: '$dir'"
            port="${3:-0}"
            command=("$venv/bin/python" -m RangeHTTPServer --bind 127.0.0.1)
            ;;
        *) usage ;;
    esac
    [[ "$port" =~ ^[0-9]+$ ]] || die "not a port: '$port'"
    [[ "$port" != 0 ]] || port="$(free_port)"
    [[ -x "${command[0]}" ]] || die "${command[0]} is missing: run scripts/setup-python.sh"
}

launch() {
    [[ -z "$dir" ]] || cd "$dir"
    exec "${command[@]}" "$port"
}

case "${1:-}" in
    run)
        shift
        parse "$@"
        echo "$name http://127.0.0.1:$port"
        launch
        ;;
    start)
        shift
        parse "$@"
        mkdir -p "$state"
        pidfile="$state/$name.pid"
        if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
            die "$name is already running (pid $(cat "$pidfile")); stop it first"
        fi
        (launch) >"$state/$name.log" 2>&1 &
        echo $! >"$pidfile"
        for _ in $(seq 300); do
            if (: </dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
                echo "$name http://127.0.0.1:$port"
                exit 0
            fi
            kill -0 "$(cat "$pidfile")" 2>/dev/null || die "$name exited; see $state/$name.log"
            sleep 0.1
        done
        die "$name did not answer on port $port within 30 s; see $state/$name.log"
        ;;
    stop)
        name="${2:-}"
        [[ "$name" == s3 || "$name" == http ]] || usage
        pidfile="$state/$name.pid"
        [[ -f "$pidfile" ]] || die "$name is not running (no $pidfile)"
        kill "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
        echo "$name stopped"
        ;;
    *) usage ;;
esac
