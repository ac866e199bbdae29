#!/usr/bin/env bash
# Kernel micro-benchmarks as markdown tables: GEMM GFLOP/s at the encoder's layer shapes (f32, Eigen, bf16
# weights, bf16 dot, int8 VNNI) against the peaks measured in the same run, attention GFLOP/s, and GELU /
# softmax / LayerNorm GB/s (bench/kernels/bench_kernels.cpp, one thread).
#
#   scripts/bench_kernels.sh                 # builds bench_kernels in build-bench (Release) and prints the tables
#   MIN_TIME=0.3 FILTER='peak|gemm' scripts/bench_kernels.sh
#
# Environment: BUILD_DIR [build-bench], SIMD [native] (-DSEMVEC_SIMD when BUILD_DIR is configured here;
# e.g. BUILD_DIR=build-bench-avx2 SIMD=avx2 for AVX2 without AVX-512/VNNI), MIN_TIME [0.1]
# (seconds per benchmark), REPETITIONS [1] (the tables keep the fastest: use 3–5 on a shared machine),
# FILTER [all], SKIP_BUILD=1, OUT [/tmp/semvec-bench/kernels-<time>.json].
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD_DIR:-$ROOT/build-bench}"
MIN_TIME="${MIN_TIME:-0.1}"
SIMD="${SIMD:-native}"
REPETITIONS="${REPETITIONS:-1}"
FILTER="${FILTER:-.}"
mkdir -p /tmp/semvec-bench
OUT="${OUT:-/tmp/semvec-bench/kernels-$(date -u +%Y%m%dT%H%M%SZ).json}"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  [[ -f "$BUILD/CMakeCache.txt" ]] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSEMVEC_BUILD_BENCH=ON \
    -DSEMVEC_BUILD_TESTS=OFF -DSEMVEC_BUILD_EXAMPLES=OFF -DSEMVEC_SIMD="$SIMD" >/dev/null
  cmake --build "$BUILD" --target bench_kernels -j2 >/dev/null
fi
"$BUILD/bench/kernels/bench_kernels" --benchmark_filter="$FILTER" --benchmark_min_time="$MIN_TIME" --benchmark_repetitions="$REPETITIONS" \
  --benchmark_format=json --benchmark_out="$OUT" --benchmark_out_format=json >/dev/null 2>&1
echo "Command: \`BUILD_DIR=$(basename "$BUILD") MIN_TIME=$MIN_TIME REPETITIONS=$REPETITIONS FILTER='$FILTER' scripts/bench_kernels.sh\` (results $OUT; SIMD level: $(grep -m1 '^SEMVEC_SIMD:' "$BUILD/CMakeCache.txt" | cut -d= -f2-))"
echo
/usr/bin/python3 "$ROOT/scripts/bench_kernels.py" "$OUT"
