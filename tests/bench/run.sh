#!/usr/bin/env bash
# The benchmarks of issue #10: builds in Release (build-bench/), starts a throwaway PostgreSQL 15
# with its durable defaults (fsync and synchronous_commit on), and runs tests/bench/bench.py,
# which starts refundbot, the loopback Stripe and Slack fakes and our load generator. Prints one
# table and writes build-bench/bench/results.{txt,json}; logs go to build-bench/bench/logs/.
#
#   ./tests/bench/run.sh                    every figure, medians of 3 runs of 10 s
#   ./tests/bench/run.sh --runs 1 --seconds 5    quicker
#   ./tests/bench/run.sh --only intake      one step (pgbench, decide, startup, intake, e2e)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

"$root/deploy/install-deps.sh" --with-test-tools

build=${REFUNDBOT_BENCH_BUILD_DIR:-$root/build-bench}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DREFUNDBOT_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target refundbot decide_bench loadgen bench_fakes replay_seed

out="$build/bench"
mkdir -p "$out"
scratch=$(mktemp -d /tmp/refundbot-bench-pg.XXXXXX)
chmod 755 "$scratch"
cleanup() {
    "$root/deploy/pg-cluster.sh" stop "$scratch/data" || true
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$("$root/deploy/pg-cluster.sh" start "$scratch/data")
python3 "$root/tests/bench/bench.py" --bin-dir "$build" --out-dir "$out" \
    --db-url "postgresql://refundbot@127.0.0.1:$port/refundbot" --psql /usr/bin/psql "$@"
