#!/usr/bin/env bash
# The main job on a fresh machine: set up, build Release, run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
if [ "${SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh
fi
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DSEMVEC_BUILD_TESTS=OFF -DSEMVEC_BUILD_BENCH=OFF -DSEMVEC_BUILD_EXAMPLES=OFF
cmake --build build/release -j "$JOBS" --target semvec_cli
SEMVEC=build/release/bin/semvec
"$SEMVEC" --version
for m in models/*.safetensors; do
  [ -e "$m" ] && "$SEMVEC" info "$m"
done
