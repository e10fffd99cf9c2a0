#!/usr/bin/env bash
# Runs the benchmarks (not part of the test suite) and prints their Markdown tables; the
# numbers in docs/benchmarks.md come from here, with the machine they ran on.
#
#   bash scripts/bench.sh            the crawl benchmark: 10,000 local stores, 1,000 over S3
#   bash scripts/bench.sh 2000 200   smaller counts
#
# Installs what it needs: the Python test environment (moto) and s3s-fs 0.14.1 (an S3 server
# in Rust, ~2 min to build once) into .tools/s3s.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-python.sh
if [[ ! -x .tools/s3s/bin/s3s-fs ]]; then
    echo "bench: installing s3s-fs 0.14.1 into .tools/s3s (once)"
    cargo install s3s-fs --version 0.14.1 --features binary --locked --root .tools/s3s
fi
echo "bench: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(rustc --version)"
cargo bench -p almanac --bench crawl -- "$@"
