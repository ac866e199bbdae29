#!/usr/bin/env bash
# Encoder fp32 throughput beside PyTorch (see scripts/bench_encoder.py). Usage: scripts/bench_encoder.sh [BUILD_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-encoder}"
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target bench_encoder -j2 >/dev/null 2>&1
exec /usr/bin/python3 "$ROOT/scripts/bench_encoder.py" "$BUILD/bench/encoder/bench_encoder" "${@:2}"
