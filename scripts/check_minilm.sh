#!/usr/bin/env bash
# HF parity of the encoder on the all-MiniLM-L6-v2 shape (../shared/fixtures/models/bert-minilm-l6, 87 MB,
# random weights, goldens from transformers 4.36.2): converts it with scripts/convert.py, then runs the
# hidden "[minilm]" case of test_model (same checks as the ctest fixtures: ids equal, last_hidden_state and
# every pooling within 1e-4, cosine >= 0.99999). Not part of ctest because it reads ../shared.
# Usage: scripts/check_minilm.sh [BUILD_DIR]   (default build-encoder; builds test_model there)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-encoder}"
FIXTURE="${SEMVEC_SHARED_DIR:-$ROOT/../shared}/fixtures/models/bert-minilm-l6"
[ -d "$FIXTURE" ] || { echo "check_minilm: $FIXTURE not found" >&2; exit 77; }
PY=/usr/bin/python3
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target test_model -j2 >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log" >&2; exit 1; }
"$PY" "$ROOT/scripts/convert.py" "$FIXTURE" "$TMP/minilm-f32.safetensors" --dtype f32 >/dev/null
SEMVEC_MINILM_FIXTURE="$FIXTURE" SEMVEC_MINILM_MODEL="$TMP/minilm-f32.safetensors" \
  "$BUILD/tests/model/test_model" "[minilm]" --use-colour no
