#!/usr/bin/env bash
# HF parity of the encoder on the all-MiniLM-L6-v2 shape (../shared/fixtures/models/bert-minilm-l6, 87 MB,
# random weights, goldens from transformers 4.36.2): converts it with scripts/convert.py, then runs the
# hidden "[minilm]" case of test_model (same checks as the ctest fixtures: ids equal, last_hidden_state and
# every pooling within 1e-4, cosine >= 0.99999). Then converts it to bf16 and int8 too and runs the hidden
# "[minilm]" case of tests/parity at the build's native SIMD level: f32 within 1e-4, bf16 cosine >= 0.999 and
# int8 cosine >= 0.995 on every pooled output (cls, mean, max, pooler), printing min and median cosine.
# Not part of ctest because it reads ../shared.
# Usage: scripts/check_minilm.sh [BUILD_DIR]   (default build-encoder; builds test_model and test_parity_* there)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-encoder}"
FIXTURE="${SEMVEC_SHARED_DIR:-$ROOT/../shared}/fixtures/models/bert-minilm-l6"
[ -d "$FIXTURE" ] || { echo "check_minilm: $FIXTURE not found" >&2; exit 77; }
PY=/usr/bin/python3
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
# The parity executable of the native level: avx512 when built, else avx2, else scalar (the one ctest target).
PARITY=""
TARGETS="$(cmake --build "$BUILD" --target help 2>/dev/null || true)"
for lvl in avx512 avx2 scalar ""; do
  t="test_parity${lvl:+_$lvl}"
  if grep -q "\.\.\. $t\$" <<<"$TARGETS"; then PARITY="$t"; break; fi
done
cmake --build "$BUILD" --target test_model $PARITY -j2 >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log" >&2; exit 1; }
for dt in f32 bf16 int8; do
  "$PY" "$ROOT/scripts/convert.py" "$FIXTURE" "$TMP/minilm-$dt.safetensors" --dtype "$dt" >/dev/null
done
SEMVEC_MINILM_FIXTURE="$FIXTURE" SEMVEC_MINILM_MODEL="$TMP/minilm-f32.safetensors" \
  "$BUILD/tests/model/test_model" "[minilm]" --use-colour no
if [ -n "$PARITY" ]; then
  SEMVEC_MINILM_FIXTURE="$FIXTURE" SEMVEC_MINILM_DIR="$TMP" \
    "$BUILD/tests/parity/$PARITY" "[minilm]" --use-colour no
else
  echo "check_minilm: no test_parity target in $BUILD" >&2; exit 1
fi
