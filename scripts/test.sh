#!/usr/bin/env bash
# Runs semvec's tests on a fresh machine: set-up, then a Release build + ctest, then an ASan+UBSan Debug
# build of the same tests, a TSan build of the concurrency tests, and a short libFuzzer run of every fuzz
# target. Exits non-zero when anything fails.
#   JOBS=N       parallel build/test jobs (default: number of cores)
#   SKIP_SETUP=1 skip the package install (already done)
#   SKIP_SANITIZERS=1 only the Release pass (no ASan/UBSan, no TSan)
#   SKIP_FUZZ=1  no fuzz smoke run; FUZZ_SECONDS=N sets its length per target (default 60)
#   TSAN_SKIP_AREAS="reduce umap"  test areas left out of the TSan pass (default: those two, for the CI budget)
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"

if [ "${SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh
fi

echo "== Release build and tests"
# Benchmarks are not tests: build them with scripts/bench_*.sh (keeps CI within its 30-minute budget).
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DSEMVEC_BUILD_BENCH=OFF
cmake --build build/release -j "$JOBS"
(cd build/release && ctest --output-on-failure -j "$JOBS" --timeout 900)

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== ASan+UBSan Debug build and tests"
  cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
        -DSEMVEC_SANITIZE=address,undefined -DSEMVEC_BUILD_BENCH=OFF
  cmake --build build/asan -j "$JOBS"
  # consume_* tests build their own projects without sanitizers: the Release pass covers them.
  (cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest --output-on-failure -j "$JOBS" --timeout 1800 -LE consume)
fi
if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== TSan build: the tests tagged [concurrency]"
  cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DSEMVEC_SANITIZE=thread \
        -DSEMVEC_BUILD_BENCH=OFF -DSEMVEC_BUILD_EXAMPLES=OFF -DSEMVEC_BUILD_CLI=OFF
  # Only the test executables whose sources hold [concurrency] tests (tests/AREA → target test_AREA).
  tsan_targets=()
  # reduce and umap tag their thread-count invariance tests too; under TSan they cost ~4 minutes of build and
  # run, over the CI budget, so CI leaves them out (run them with TSAN_SKIP_AREAS="" scripts/test.sh).
  TSAN_SKIP_AREAS="${TSAN_SKIP_AREAS-reduce umap}"
  for f in $(grep -rl '\[concurrency\]' tests --include='*.cpp' | sort); do
    area=$(basename "$(dirname "$f")"); t="test_$area"
    [[ " $TSAN_SKIP_AREAS " == *" $area "* ]] && continue
    [[ " ${tsan_targets[*]:-} " == *" $t "* ]] || tsan_targets+=("$t")
  done
  if [ ${#tsan_targets[@]} -gt 0 ]; then cmake --build build/tsan -j "$JOBS" --target "${tsan_targets[@]}"; fi
  ran=0
  for exe in build/tsan/tests/*/test_*; do
    [ -x "$exe" ] || continue
    [[ " $TSAN_SKIP_AREAS " == *" $(basename "$(dirname "$exe")") "* ]] && continue
    # Catch2 v2 exits with the number of tests it listed, so read the list instead of its exit code.
    names=$("$exe" --list-test-names-only "[concurrency]" || true)
    if [ -n "$names" ]; then
      echo "-- $exe [concurrency]"
      # converted fixture models come from the Release pass (its convert_fixtures ctest)
      SEMVEC_CONVERTED_DIR="$PWD/build/release/converted-models" SEMVEC_STRESS_SECONDS=10 \
        TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "$exe" "[concurrency]"
      ran=$((ran + 1))
    fi
  done
  if [ "$ran" -eq 0 ]; then echo "TSan: no [concurrency] test ran (expected: ${tsan_targets[*]:-none})" >&2; exit 1; fi
  echo "TSan: $ran test executables with [concurrency] tests passed"
fi

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzz smoke run (${FUZZ_SECONDS:-60} s per target)"
  bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
fi
echo "== all tests passed"
