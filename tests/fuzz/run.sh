#!/usr/bin/env bash
# libFuzzer: builds every target in tests/fuzz with clang-14, ASan and UBSan (build-fuzz/), runs
# the saved regressions (tests/fuzz/regressions/<target>/: inputs that once crashed), then fuzzes
# each target for FUZZ_SECONDS (default 30) from the committed seed corpus. Exits non-zero on
# the first crash, leak or timeout; the input is left in build-fuzz/artifacts/.
#
#   ./tests/fuzz/run.sh                   every target, 30 s each
#   FUZZ_RUNS=300000 ./tests/fuzz/run.sh  a fixed number of inputs per target (CI: with the
#                                         fixed seed, the same inputs on every machine)
#   FUZZ_SECONDS=3600 FUZZ_SEED=0 ./tests/fuzz/run.sh events    one target, an hour, random
#
# A crash found here becomes a regression: copy the artifact to tests/fuzz/regressions/<target>/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
"$root/deploy/install-deps.sh" --with-fuzz-tools

build=${REFUNDBOT_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-30}
seed=${FUZZ_SEED:-1}
budget=(-max_total_time="$seconds")
if [ -n "${FUZZ_RUNS:-}" ]; then budget=(-runs="$FUZZ_RUNS"); fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(request_json policy slack_form signatures events block_kit)
fi

CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DREFUNDBOT_FUZZ=ON -DREFUNDBOT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/artifacts"
for t in "${targets[@]}"; do
    exe="$build/tests/fuzz/fuzz_$t"
    regressions="$root/tests/fuzz/regressions/$t"
    if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
        echo "fuzz: $t: replaying $(ls "$regressions" | wc -l) regression input(s)"
        "$exe" "$regressions"/* >"$build/artifacts/$t-regressions.log" 2>&1 ||
            { tail -40 "$build/artifacts/$t-regressions.log"; exit 1; }
    fi
    # The committed seeds are copied: libFuzzer adds what it finds to the first directory.
    corpus="$build/corpus/$t"
    mkdir -p "$corpus"
    cp -n "$root/tests/fuzz/corpus/$t"/* "$corpus"/
    echo "fuzz: $t: ${budget[*]} -seed=$seed"
    if ! "$exe" "${budget[@]}" -seed="$seed" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" "$corpus" >"$build/artifacts/$t.log" 2>&1; then
        tail -60 "$build/artifacts/$t.log"
        echo "fuzz: $t failed; the input is in $build/artifacts/" >&2
        exit 1
    fi
    grep -E "stat::number_of_executed_runs|cov:" "$build/artifacts/$t.log" | tail -2 | sed "s/^/fuzz: $t: /"
done
echo "fuzz: ${#targets[@]} target(s) ran clean"
