#!/usr/bin/env bash
# The main job on a fresh machine: set up, build Release, run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
if [ "${SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh
fi
# Every option the demo relies on is set here, so an earlier configure of build/release (by hand, or another
# script) cannot change it; scripts/test.sh builds in its own trees (build/test-*).
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DSEMVEC_SANITIZE= -DSEMVEC_SIMD=native -DSEMVEC_BUILD_CLI=ON \
      -DSEMVEC_BUILD_TESTS=OFF -DSEMVEC_BUILD_BENCH=OFF -DSEMVEC_BUILD_EXAMPLES=OFF
cmake --build build/release -j "$JOBS" --target semvec_cli
S=build/release/bin/semvec
M=models/glove-6B-100d-top20k-f16.safetensors
"$S" --version
echo "== map: embed 320 texts in 8 topics, t-SNE to 2-D, interactive HTML"
"$S" map --model "$M" --corpus examples/data/topics.txt --labels examples/data/topics.labels.txt --method tsne build/map.html
echo "map written to $(pwd)/build/map.html (open it in a browser; hover a point to see its text)"
echo "== nearest-neighbour searches"
printf 'who won the football match?\nrain and snow tomorrow\nfresh bread and cheese\n' |
  "$S" search --model "$M" --corpus examples/data/topics.txt --queries - -k 3
echo "== throughput"
"$S" bench --model "$M" --seconds 0.3 --batch-sizes 32 --lengths 16 | tail -1
