#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for SECONDS (default 60), or for RUNS
# executions when RUNS is set. New inputs go to build/fuzz/corpus-NAME (the committed seeds stay untouched);
# crashes are written to build/fuzz/crashes/ and make the script fail.
#   scripts/fuzz.sh [SECONDS] [target ...]      e.g. scripts/fuzz.sh 60   or   RUNS=10000000 scripts/fuzz.sh 0 npy
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
shift || true
CC=clang CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEMVEC_BUILD_FUZZ=ON \
  -DSEMVEC_BUILD_BENCH=OFF -DSEMVEC_BUILD_EXAMPLES=OFF -DSEMVEC_BUILD_CLI=OFF >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.cpp; do n=$(basename "$f" .cpp); targets+=("${n#fuzz_}"); done
fi
mkdir -p build/fuzz/crashes
status=0
for t in "${targets[@]}"; do
  cmake --build build/fuzz --target "fuzz_$t" -j "${JOBS:-$(nproc)}" >/dev/null
  mkdir -p "build/fuzz/corpus-$t"
  limit=(-max_total_time="$SECONDS_PER_TARGET")
  if [ -n "${RUNS:-}" ]; then limit=(-runs="$RUNS"); fi
  echo "== fuzz_$t (${RUNS:-${SECONDS_PER_TARGET}s})"
  if ! "build/fuzz/tests/fuzz/fuzz_$t" "${limit[@]}" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
       -artifact_prefix="build/fuzz/crashes/$t-" -print_final_stats=1 \
       "build/fuzz/corpus-$t" "tests/fuzz/corpus/$t" 2>"build/fuzz/$t.log"; then
    echo "fuzz_$t FAILED: see build/fuzz/$t.log and build/fuzz/crashes/"; tail -30 "build/fuzz/$t.log"; status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build/fuzz/$t.log" | sed "s/^/  /" || true
done
exit $status
