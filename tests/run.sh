#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts a throwaway PostgreSQL 15 cluster
# under the build tree, runs every test with ctest, stops the cluster on any exit, and exits
# with ctest's status. Works as root (CI) and as a normal user.
#
#   ./tests/run.sh                     RelWithDebInfo build in build/
#   REFUNDBOT_SANITIZE=ON ./tests/run.sh   ASan+UBSan build in build-sanitize/
#   REFUNDBOT_TSAN=ON ./tests/run.sh       ThreadSanitizer build in build-tsan/
#   ./tests/run.sh -R config           extra arguments go to ctest
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

"$root/deploy/install-deps.sh" --with-test-tools

sanitize=${REFUNDBOT_SANITIZE:-OFF}
tsan=${REFUNDBOT_TSAN:-OFF}
werror=${REFUNDBOT_WERROR:-ON}
suffix=""
[ "$sanitize" = ON ] && suffix=-sanitize
[ "$tsan" = ON ] && suffix=-tsan
build=${REFUNDBOT_BUILD_DIR:-$root/build$suffix}
jobs=${REFUNDBOT_JOBS:-$(nproc)}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DREFUNDBOT_WERROR="$werror" -DREFUNDBOT_SANITIZE="$sanitize" -DREFUNDBOT_TSAN="$tsan" -DREFUNDBOT_BUILD_TESTS=ON \
    -DREFUNDBOT_FAULT_INJECTION=ON >/dev/null
cmake --build "$build" -j "$jobs"

# playwright-core for the review console's browser test (it drives Debian's Chromium; it never
# downloads a browser). Reinstalled only when the lock file changes.
browser="$build/browser-test"
if ! cmp -s "$root/tests/bot/sandbox/package-lock.json" "$browser/package-lock.json" 2>/dev/null; then
    rm -rf "$browser" && mkdir -p "$browser"
    cp "$root/tests/bot/sandbox/package.json" "$root/tests/bot/sandbox/package-lock.json" "$browser/"
    (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
export REFUNDBOT_TEST_NODE_MODULES="$browser/node_modules"

# The cluster lives under the build tree unless the unprivileged `postgres` user (used when we
# are root) cannot reach it there, e.g. a checkout under /root.
pgdata="$build/test-pg/data"
scratch=""
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$build" 2>/dev/null; then
    scratch=$(mktemp -d /tmp/refundbot-test-pg.XXXXXX)
    pgdata="$scratch/data"
    echo "tests/run.sh: $build is not reachable by user postgres; cluster in $pgdata" >&2
fi
rm -rf "$pgdata" "$pgdata.log"
mkdir -p "$(dirname "$pgdata")"
if [ "$(id -u)" -eq 0 ]; then chmod 755 "$(dirname "$pgdata")"; fi

cleanup() {
    "$root/deploy/pg-cluster.sh" stop "$pgdata" || true
    if [ -n "$scratch" ]; then rm -rf "$scratch"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# fsync off: the cluster is thrown away after the run, and durability is PostgreSQL's job.
# Exported, so the tests that stop and restart the cluster keep it off.
export PG_FSYNC=off
port=$("$root/deploy/pg-cluster.sh" start "$pgdata")

export REFUNDBOT_TEST_DATABASE_URL="postgresql://refundbot@127.0.0.1:$port/refundbot"
export REFUNDBOT_TEST_PG_SCRIPT="$root/deploy/pg-cluster.sh"
export REFUNDBOT_TEST_PGDATA="$pgdata"
export REFUNDBOT_TEST_PGPORT="$port"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}

# Every refundbot process a test starts logs to child-*.log under TMPDIR; a fresh one per run,
# so the scan below reads exactly this run's logs.
export TMPDIR="$build/test-tmp"
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"

# Tests run one at a time: the readiness test stops and restarts the shared cluster.
status=0
ctest --test-dir "$build" --output-on-failure --timeout 300 "$@" || status=$?

# No secret and no email address in anything refundbot printed during the run. A full run
# starts over 120 refundbot processes; fewer logs would mean the scan is looking elsewhere.
min_logs=100
[ $# -gt 0 ] && min_logs=0
"$root/tests/scan_logs.sh" "$TMPDIR" "$min_logs" || status=1
exit $status
