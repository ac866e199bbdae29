#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for SECONDS (default 60), or for RUNS
# executions when RUNS is set. New inputs go to BUILD/corpus-NAME (the committed seeds stay untouched);
# crashes are written to BUILD/crashes/ and make the script fail.
#   scripts/fuzz.sh [SECONDS] [target ...]      e.g. scripts/fuzz.sh 60   or   RUNS=10000000 scripts/fuzz.sh 0 npy
#   PARALLEL=N   targets run N at a time (default 2: the CI machine has 2 cores; the smoke run of all targets
#                then takes about ceil(targets/2) × SECONDS)
#   FUZZ_BUILD=D build folder (default build/fuzz)
#   NICE=N       run the fuzzers under `nice -n N` (default 0; use 10 for long runs on a shared machine)
#   MAX_LEN=N    longest input libFuzzer generates (default 65536)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
shift || true
B="${FUZZ_BUILD:-build/fuzz}"
PARALLEL="${PARALLEL:-2}"
CC=clang CXX=clang++ cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEMVEC_BUILD_FUZZ=ON \
  -DSEMVEC_BUILD_BENCH=OFF -DSEMVEC_BUILD_EXAMPLES=OFF -DSEMVEC_BUILD_CLI=OFF >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.cpp; do n=$(basename "$f" .cpp); targets+=("${n#fuzz_}"); done
fi
fuzz_targets=()
for t in "${targets[@]}"; do fuzz_targets+=("fuzz_$t"); done
cmake --build "$B" --target "${fuzz_targets[@]}" -j "${JOBS:-$(nproc)}" >/dev/null
mkdir -p "$B/crashes"

run_one() {  # run_one TARGET: one fuzzer, its log in $B/TARGET.log; non-zero on a crash, leak or timeout
  local t="$1"
  mkdir -p "$B/corpus-$t"
  local limit=(-max_total_time="$SECONDS_PER_TARGET")
  if [ -n "${RUNS:-}" ]; then limit=(-runs="$RUNS"); fi
  nice -n "${NICE:-0}" "$B/tests/fuzz/fuzz_$t" "${limit[@]}" -max_len="${MAX_LEN:-65536}" -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$B/crashes/$t-" -print_final_stats=1 \
    "$B/corpus-$t" "tests/fuzz/corpus/$t" >"$B/$t.log" 2>&1
}

report() {  # report TARGET STATUS
  local t="$1" rc="$2"
  if [ "$rc" != 0 ]; then
    echo "fuzz_$t FAILED: see $B/$t.log and $B/crashes/"; tail -30 "$B/$t.log"
  fi
  local execs secs
  stat() { grep -oE "stat::$1: *[0-9]+" "$B/$t.log" | grep -oE "[0-9]+$" || echo "?"; }
  echo "== fuzz_$t: $(stat number_of_executed_units) executions, $(stat average_exec_per_sec) exec/s," \
       "peak RSS $(stat peak_rss_mb) MB, rc $rc"
}

status=0
echo "== fuzzing ${#targets[@]} targets, $PARALLEL at a time, $( [ -n "${RUNS:-}" ] && echo "$RUNS runs" || echo "${SECONDS_PER_TARGET} s") each"
i=0
while [ $i -lt ${#targets[@]} ]; do
  pids=(); names=()
  for ((k = 0; k < PARALLEL && i < ${#targets[@]}; k++, i++)); do
    run_one "${targets[$i]}" & pids+=($!); names+=("${targets[$i]}")
  done
  for k in "${!pids[@]}"; do
    rc=0; wait "${pids[$k]}" || rc=$?
    report "${names[$k]}" "$rc"
    [ "$rc" = 0 ] || status=1
  done
done
exit $status
