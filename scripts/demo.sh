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
echo "== images: Coral's MobileNet V1 embedding extractor (Apache-2.0) converted to f16, a map of the bundled photos"
IM=build/models/coral-mobilenet-v1-embed-f16.safetensors
mkdir -p build/models
[ -f "$IM" ] || /usr/bin/python3 scripts/convert.py tests/data/vision/coral/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite "$IM" --dtype f16
"$S" map --model "$IM" --images tests/data/vision --method tsne --title "bundled photos · MobileNet V1 embeddings" build/photos.html
echo "map written to $(pwd)/build/photos.html (hover a point to see the photo)"
"$S" classify-image --model "$IM" tests/data/vision/photos/cat.bmp 2>/dev/null || true
