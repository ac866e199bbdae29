#!/usr/bin/env bash
# Side-by-side encoder speed: PyTorch (torch.nn BERT), ONNX Runtime fp32 and int8 (npm onnxruntime-node),
# and semvec when a runner is given. Prints a markdown ratio table (speed relative to PyTorch).
#
#   scripts/bench_peers.sh                       # MiniLM-L6 shape, 1 thread, all peers
#   SHAPE=bert-base THREADS=2 scripts/bench_peers.sh
#   SEMVEC_BENCH="build/bin/semvec bench --json --model MINILM.safetensors --threads 1" scripts/bench_peers.sh
# The full table of issue #5 (semvec fp32/bf16/int8 + peers, both shapes, 1 and 2 threads): scripts/bench_all.sh
#
# Environment:
#   SHAPE=minilm|bert-base   THREADS=1   SECONDS_PER_CASE=2
#   ORT_NODE_MODULES=/work/peers/ort/node_modules   (npm install --ignore-scripts onnxruntime-node@1.30.0;
#                                                    --ignore-scripts skips the CUDA download, CPU is built in)
#   PEERS_CACHE=${TMPDIR:-/tmp}/semvec-peers       (exported ONNX models are cached here)
#   SEMVEC_BENCH="cmd ..."  any command printing JSON lines with keys engine, shape, threads, case
#                           (b32x128 | b1x16 | b1x128 | b1x512), batch, tokens, ms, sent_per_s
#   ENGINES="pytorch ort-fp32 ort-int8"            which peers to run
# Debian's python3-torch calls the system BLAS for nn.Linear; the default alternative is netlib's reference
# BLAS (~1 GFLOP/s). When libopenblas0-pthread is installed, PyTorch alone is pointed at OpenBLAS through
# LD_LIBRARY_PATH (the system alternative is left untouched); otherwise a warning says PyTorch is crippled.
# Peers are told not to spin (2 vCPU machines stall otherwise): OMP_WAIT_POLICY=PASSIVE for PyTorch,
# allow_spinning=0 for ORT.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=/usr/bin/python3
SHAPE="${SHAPE:-minilm}"
THREADS="${THREADS:-1}"
SECS="${SECONDS_PER_CASE:-2}"
ORT_NODE_MODULES="${ORT_NODE_MODULES:-/work/peers/ort/node_modules}"
CACHE="${PEERS_CACHE:-${TMPDIR:-/tmp}/semvec-peers}"
ENGINES="${ENGINES:-pytorch ort-fp32 ort-int8}"
mkdir -p "$CACHE"
OUT="$CACHE/results-$SHAPE-t$THREADS.jsonl"
: > "$OUT"

fp32="$CACHE/$SHAPE.onnx"
int8="$CACHE/$SHAPE-int8.onnx"
if [[ " $ENGINES " == *" ort-"* ]]; then
  [[ -f "$fp32" ]] || OMP_WAIT_POLICY=PASSIVE "$PY" "$HERE/peers/torch_encoder.py" export --shape "$SHAPE" --out "$fp32" 2>/dev/null
  [[ -f "$int8" ]] || "$PY" "$HERE/peers/quantize_int8.py" "$fp32" "$int8"
fi

TORCH_ENV=(OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS="$THREADS" OPENBLAS_NUM_THREADS="$THREADS")
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [[ -f "$OPENBLAS_DIR/libblas.so.3" ]]; then
  TORCH_ENV+=(LD_LIBRARY_PATH="$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
else
  echo "warning: OpenBLAS not installed (apt-get install libopenblas0-pthread): PyTorch runs on reference BLAS" >&2
fi

for e in $ENGINES; do
  echo "== $e ($SHAPE, $THREADS thread(s))" >&2
  case "$e" in
    pytorch)  env "${TORCH_ENV[@]}" "$PY" "$HERE/peers/torch_encoder.py" bench \
                --shape "$SHAPE" --threads "$THREADS" --seconds "$SECS" | tee -a "$OUT" >&2 ;;
    ort-fp32) NODE_PATH="$ORT_NODE_MODULES" node "$HERE/peers/ort_bench.js" "$fp32" ort-fp32 "$THREADS" "$SECS" "$SHAPE" | tee -a "$OUT" >&2 ;;
    ort-int8) NODE_PATH="$ORT_NODE_MODULES" node "$HERE/peers/ort_bench.js" "$int8" ort-int8 "$THREADS" "$SECS" "$SHAPE" | tee -a "$OUT" >&2 ;;
    *) echo "unknown engine $e" >&2; exit 2 ;;
  esac
done
if [[ -n "${SEMVEC_BENCH:-}" ]]; then
  echo "== semvec: $SEMVEC_BENCH" >&2
  eval "$SEMVEC_BENCH" | grep '^{' | tee -a "$OUT" >&2
fi
echo "results: $OUT" >&2
"$PY" "$HERE/peers/table.py" "$OUT" --base pytorch
