"""Runs a command under an address-space limit and a time limit; prints JSON with its exit
code (a signal as -N), peak resident memory, wall time, stdout and stderr.

Usage: run_limited.py AS_BYTES TIMEOUT_SECONDS COMMAND...

Used by generator/tests/hostile.rs: the limit turns a runaway allocation into a failed one
(the process aborts, which the test reports) instead of a machine out of memory, and the peak
RSS (getrusage of the child) is what the test compares with its memory budget.
"""

import json
import resource
import subprocess
import sys
import time


def main() -> None:
    limit, timeout, command = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    start = time.monotonic()
    try:
        done = subprocess.run(command, preexec_fn=limit_memory, capture_output=True, timeout=timeout)
        code, stdout, stderr = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as expired:
        code, stdout, stderr = "timeout", expired.stdout or b"", expired.stderr or b""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    json.dump(
        {
            "code": code,
            "max_rss_kib": usage.ru_maxrss,
            "seconds": round(time.monotonic() - start, 3),
            "stdout": stdout.decode("utf-8", "replace"),
            "stderr": stderr.decode("utf-8", "replace"),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
