#!/usr/bin/env bash
# Where semvec's time goes on one benchmark case: a `perf record` (cpu-clock sampling, so it works in VMs
# without hardware counters) of `semvec bench --cases CASE`, printed as a flat profile of the top symbols.
# Falls back to valgrind's callgrind (instruction counts) when perf is missing.
#
#   scripts/bench_profile.sh minilm f32 b1x512          # SHAPE DTYPE CASE [THREADS]
#   TOP=15 SECONDS_PER_CASE=3 scripts/bench_profile.sh bert-base bf16 b32x128 1
#
# Uses the model files that scripts/bench_all.sh cached under $BENCH_CACHE (run it once first) and the CLI in
# $BUILD_DIR (build-bench). Kernels inlined into their caller are counted under the caller (e.g. softmax
# and LayerNorm inside TransformerEncoder::forward).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHAPE="${1:?usage: bench_profile.sh SHAPE DTYPE CASE [THREADS]}"
DTYPE="${2:?dtype f32|bf16|int8}"
CASE="${3:?case, e.g. b1x512}"
THREADS="${4:-1}"
BUILD="${BUILD_DIR:-$ROOT/build-bench}"
CACHE="${BENCH_CACHE:-/tmp/semvec-bench}"
SECS="${SECONDS_PER_CASE:-3}"
TOP="${TOP:-12}"
MODEL="$(ls -td "$CACHE"/models-*/ 2>/dev/null | head -1)$SHAPE-$DTYPE.safetensors"
[[ -f "$MODEL" ]] || { echo "no $MODEL: run scripts/bench_all.sh first" >&2; exit 1; }
CMD=("$BUILD/bin/semvec" bench --model "$MODEL" --cases "$CASE" --threads "$THREADS" --seconds "$SECS")
# Like bench_all.sh (INTRA=1): at more than 1 thread, batch-1 cases split the text over the threads.
[[ "${INTRA:-1}" == 1 && "$THREADS" -gt 1 ]] && CMD+=(--intra)
DATA="$CACHE/perf-$SHAPE-$DTYPE-$CASE-t$THREADS"
echo "profile: ${CMD[*]}"
if command -v perf >/dev/null && perf record -e cpu-clock -F 999 -o "$DATA.data" -- "${CMD[@]}" > "$DATA.txt" 2> "$DATA.err"; then
  cat "$DATA.txt"
  echo
  echo "| % of samples | symbol |"
  echo "|---|---|"
  perf report -i "$DATA.data" --no-children --sort symbol --stdio 2>/dev/null |
    awk '/^ +[0-9.]+%/ { pct=$1; $1=""; $2=""; sub(/^ +/, ""); sub(/( +-)+ *$/, ""); print "| " pct " | `" $0 "` |" }' | head -n "$TOP"
else
  echo "perf unavailable or failed ($(tail -1 "$DATA.err" 2>/dev/null)); using callgrind on a short run" >&2
  valgrind --tool=callgrind --callgrind-out-file="$DATA.callgrind" "${CMD[@]/$SECS/0.01}" > /dev/null 2>&1
  callgrind_annotate "$DATA.callgrind" 2>/dev/null | head -n $((TOP + 25))
fi
