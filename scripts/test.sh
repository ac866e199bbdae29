#!/usr/bin/env bash
# Runs semvec's tests on a fresh machine: set-up, then a Release build + ctest, then an ASan+UBSan Debug
# build of the same tests. Exits non-zero when anything fails.
#   JOBS=N       parallel build/test jobs (default: number of cores)
#   SKIP_SETUP=1 skip the package install (already done)
#   SKIP_SANITIZERS=1 only the Release pass
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"

if [ "${SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh
fi

echo "== Release build and tests"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
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
echo "== all tests passed"
