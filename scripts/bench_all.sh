#!/usr/bin/env bash
# THE end-to-end speed table (issues #5, #15): semvec fp32 / bf16 / int8 beside PyTorch (stock and tuned),
# ONNX Runtime fp32 and ONNX Runtime int8, on the MiniLM-L6 and bert-base shapes, at 1 and 2 threads, in one
# run, for one or more semvec builds (one table per build).
#
#   scripts/bench_all.sh                                   # everything, both builds (≈ 35 min on 2 idle vCPUs)
#   BUILDS=native scripts/bench_all.sh                     # only the -march=native build
#   SHAPES=minilm THREADS=1 scripts/bench_all.sh           # a subset
#   ENGINES="semvec-fp32 ort-fp32" CASES=b1x16,b32x128 scripts/bench_all.sh
#
# Environment (defaults in brackets):
#   SHAPES ["minilm bert-base"]   minilm = 384 hidden, 6 layers, 12 heads, 1536 inter;
#                                 bert-base = 768, 12, 12, 3072; the encoder families (peer
#                                 scripts/peers/torch_families.py, shapes in family_shapes.py): mpnet-base =
#                                 all-mpnet-base-v2, qwen3-0.6b = Qwen3-Embedding-0.6B, nomic-base
#                                 (e.g. SHAPES="mpnet-base qwen3-0.6b" ENGINES="semvec-fp32 semvec-int8 pytorch
#                                 ort-fp32 ort-int8")
#   THREADS ["1 2"]               thread counts (the same on every engine)
#   ENGINES ["semvec-fp32 semvec-bf16 semvec-int8 pytorch pytorch-tuned ort-fp32 ort-int8"]
#                                 pytorch: torch on OpenBLAS pthread (the Debian default set-up);
#                                 pytorch-tuned: as people tune HF's BertModel on a CPU: OpenBLAS OpenMP
#                                 (libopenblas0-openmp, selected for this process only by LD_LIBRARY_PATH),
#                                 OMP_NUM_THREADS, OMP_WAIT_POLICY=PASSIVE, glibc malloc tunables
#                                 (mmap_threshold 32 MiB, trim_threshold 1 GiB: freed activations stay in the
#                                 heap instead of being unmapped and faulted in again), and on an AVX-512
#                                 CPU OpenBLAS's SkylakeX kernels (OPENBLAS_CORETYPE: bookworm's 0.3.21 does
#                                 not recognize Zen 4/5 and falls back to Haswell)
#   BUILDS ["native avx2"]        semvec builds, one table each: native = -DSEMVEC_SIMD=native in BUILD_DIR;
#                                 avx2 = -DSEMVEC_SIMD=avx2 (-march=x86-64-v3: AVX2 + FMA + F16C, no AVX-512,
#                                 no VNNI) in BUILD_DIR-avx2. In the avx2 table PyTorch is held to
#                                 AVX2 as well (ATEN_CPU_CAPABILITY=avx2, OPENBLAS_CORETYPE=Haswell); ONNX
#                                 Runtime picks its kernels from CPUID at run time and has no switch, so on an
#                                 AVX-512 machine it runs its AVX-512 (VNNI) kernels in both tables.
#   CASES [b32x128,b1x16,b1x128,b1x512]   bBATCHxTOKENS: batch 32 × 128 throughput, batch-1 latency
#   SECONDS_PER_CASE [1.5]        each case: 1 warm-up call, then calls until this many seconds passed
#                                 and at least 2 ran; the table uses the fastest call (best_ms)
#   REPEAT [1]                    run the whole set this many times, engines in reverse order on every
#                                 second pass; the table keeps each case's fastest call over all passes
#   INTRA [1]                     1: semvec's batch-1 cases at more than 1 thread split the one text over the
#                                 threads (semvec bench --intra: TransformerEncoder::forward with
#                                 EncoderWorkspace::threads), since encode() runs each text on one thread;
#                                 marked † in the table. 0: encode() everywhere.
#   BUILD_DIR [build-bench]       Release build of the `semvec` CLI (configured and built here unless
#                                 SKIP_BUILD=1); the avx2 build goes to BUILD_DIR-avx2
#   BENCH_CACHE [/tmp/semvec-bench]  generated models (HF folder, semvec f32/bf16/int8 files, ONNX fp32/int8),
#                                 keyed by a hash of the scripts that make them; results *.jsonl and *.md
#   ORT_NODE_MODULES [/work/peers/ort/node_modules]   npm install --ignore-scripts onnxruntime-node@1.30.0
#
# Every engine runs the same function with the same random weights (scripts/peers/torch_encoder.py,
# seed 0): PyTorch runs the torch.nn module; ONNX Runtime runs its torch.onnx.export (int8: MatMul weights
# quantized per output channel, dynamic per-tensor u8 activations, scripts/peers/quantize_int8.py); semvec
# runs the module's state dict saved in the HF BertModel layout and converted by scripts/convert.py --dtype
# f32|bf16|int8. Inputs are EXACTLY the case's token count on every engine, attention mask all ones.
# Each engine × shape × thread count is one process (peak RSS = that process's ru_maxrss over its cases).
# No spinning: OMP_WAIT_POLICY=PASSIVE for PyTorch, allow_spinning=0 for ORT; semvec's threads block.
# GFLOP/s: per layer 2·T·(4H² + 2HI) + 4·T²·H (the four projection GEMMs and the two attention products),
# the same count for every engine. Output: a markdown report on stdout (and $BENCH_CACHE/results-*.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3
SHAPES="${SHAPES:-minilm bert-base}"
THREADS="${THREADS:-1 2}"
ENGINES="${ENGINES:-semvec-fp32 semvec-bf16 semvec-int8 pytorch pytorch-tuned ort-fp32 ort-int8}"
BUILDS="${BUILDS:-native avx2}"
AVX2_ARCH_FLAGS="-march=x86-64-v3"  # what -DSEMVEC_SIMD=avx2 passes (cmake/semvecSimd.cmake)
CASES="${CASES:-b32x128,b1x16,b1x128,b1x512}"
SECS="${SECONDS_PER_CASE:-1.5}"
REPEAT="${REPEAT:-1}"
INTRA="${INTRA:-1}"
BUILD="${BUILD_DIR:-$ROOT/build-bench}"
CACHE="${BENCH_CACHE:-/tmp/semvec-bench}"
ORT_NODE_MODULES="${ORT_NODE_MODULES:-/work/peers/ort/node_modules}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
LOG="$CACHE/results-$STAMP.log"
COMMAND="BUILDS=\"$BUILDS\" SHAPES=\"$SHAPES\" THREADS=\"$THREADS\" ENGINES=\"$ENGINES\" CASES=$CASES SECONDS_PER_CASE=$SECS REPEAT=$REPEAT INTRA=$INTRA scripts/bench_all.sh"
mkdir -p "$CACHE"
: > "$LOG"
say() { echo "[bench_all $(date -u +%H:%M:%S)] $*" >&2; echo "$*" >> "$LOG"; }

# --- the semvec CLIs (Release), one per build ------------------------------------------------------------
build_dir() { [[ $1 == native ]] && echo "$BUILD" || echo "$BUILD-$1"; }
build_flags() { case "$1" in native) echo "-march=native" ;; avx2) echo "$AVX2_ARCH_FLAGS" ;; *) echo "?" ;; esac; }
for b in $BUILDS; do
  [[ "$(build_flags "$b")" != "?" ]] || { say "unknown build $b (native, avx2)"; exit 2; }
  if [[ " $ENGINES " == *" semvec-"* && "${SKIP_BUILD:-0}" != 1 ]]; then
    d="$(build_dir "$b")"
    say "building semvec (Release, $b: $(build_flags "$b")) in $d"
    [[ -f "$d/CMakeCache.txt" ]] || cmake -S "$ROOT" -B "$d" -DCMAKE_BUILD_TYPE=Release -DSEMVEC_BUILD_BENCH=ON \
      -DSEMVEC_BUILD_TESTS=OFF -DSEMVEC_BUILD_EXAMPLES=OFF -DSEMVEC_SIMD="$b" >> "$LOG" 2>&1
    cmake --build "$d" --target semvec_cli -j2 >> "$LOG" 2>&1 || { say "build failed, see $LOG"; exit 1; }
  fi
done

# --- models (cached; regenerated when the scripts that make them change) ----------------------------------
# The PyTorch peer (and model maker) of a shape: BERT shapes, or the encoder families.
peer_of() { case "$1" in mpnet-base|qwen3-0.6b|nomic-base) echo "$ROOT/scripts/peers/torch_families.py" ;;
                         *) echo "$ROOT/scripts/peers/torch_encoder.py" ;; esac; }
KEY="$(cat "$ROOT/scripts/peers/torch_encoder.py" "$ROOT/scripts/peers/torch_families.py" "$ROOT/scripts/peers/family_shapes.py" \
        "$ROOT/scripts/peers/quantize_int8.py" "$ROOT/scripts/convert.py" \
        "$ROOT"/scripts/semvec_convert/*.py | md5sum | cut -c1-10)"
MODELS="$CACHE/models-$KEY"
mkdir -p "$MODELS"
need() { [[ " $ENGINES " == *" $1 "* ]]; }
for shape in $SHAPES; do
  hf="$MODELS/hf-$shape"
  if { need semvec-fp32 || need semvec-bf16 || need semvec-int8; } && [[ ! -f "$hf/model.safetensors" ]]; then
    say "making $hf"
    "$PY" "$(peer_of "$shape")" hf --shape "$shape" --out "$hf" >> "$LOG" 2>&1
  fi
  for d in f32 bf16 int8; do
    e="semvec-$d"; [[ $d == f32 ]] && e=semvec-fp32
    f="$MODELS/$shape-$d.safetensors"
    if need "$e" && [[ ! -f "$f" ]]; then
      say "converting $shape to $d"
      "$PY" "$ROOT/scripts/convert.py" "$hf" "$f" --dtype "$d" >> "$LOG" 2>&1
    fi
  done
  if { need ort-fp32 || need ort-int8; } && [[ ! -f "$MODELS/$shape.onnx" ]]; then
    say "exporting $shape to ONNX"
    OMP_WAIT_POLICY=PASSIVE "$PY" "$(peer_of "$shape")" export --shape "$shape" \
      --out "$MODELS/$shape.onnx" >> "$LOG" 2>&1
  fi
  if need ort-int8 && [[ ! -f "$MODELS/$shape-int8.onnx" ]]; then
    "$PY" "$ROOT/scripts/peers/quantize_int8.py" "$MODELS/$shape.onnx" "$MODELS/$shape-int8.onnx" >> "$LOG" 2>&1
  fi
done

# --- peers' environment --------------------------------------------------------------------------------------
# Debian's python3-torch calls the system BLAS for nn.Linear (netlib reference by default, ~1 GFLOP/s):
# PyTorch alone is pointed at OpenBLAS through LD_LIBRARY_PATH (pthread for "pytorch", OpenMP for
# "pytorch-tuned"); the system alternative is left alone.
blas_dir() { echo "/usr/lib/x86_64-linux-gnu/openblas-$1"; }
for v in pthread openmp; do
  if [[ ! -f "$(blas_dir $v)/libblas.so.3" ]] && { need pytorch || need pytorch-tuned; }; then
    say "warning: OpenBLAS $v not installed (apt-get install libopenblas0-$v; SEMVEC_SETUP_EXTRAS=peers scripts/setup.sh)"
  fi
done
TUNED_MALLOC="glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824"

run_engine() {  # build engine shape threads → JSON lines appended to $OUT
  local build=$1 e=$2 shape=$3 t=$4 f rc=0 semvec isa_env=()
  semvec="$(build_dir "$build")/bin/semvec"
  # The avx2 table holds PyTorch to AVX2 too: its own kernels (ATen) and OpenBLAS's.
  [[ $build == avx2 ]] && isa_env=(ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell)
  # OpenBLAS 0.3.21 (bookworm) does not know Zen 4/5 and runs its Haswell (AVX2) kernels there; the tuned
  # peer on an AVX-512 CPU gets its SkylakeX (AVX-512) kernels, ~1.5-3x faster on this Zen 5.
  local tuned_isa=("${isa_env[@]}")
  [[ $build != avx2 ]] && grep -qw avx512f /proc/cpuinfo && tuned_isa=(OPENBLAS_CORETYPE=SkylakeX)
  case "$e" in
    semvec-fp32|semvec-bf16|semvec-int8)
      f="$MODELS/$shape-${e#semvec-}.safetensors"; [[ $e == semvec-fp32 ]] && f="$MODELS/$shape-f32.safetensors"
      "$semvec" bench --json --model "$f" --engine "$e" --shape "$shape" --threads "$t" --seconds "$SECS" \
        --cases "$CASES" $([[ $INTRA == 1 ]] && echo --intra) 2>> "$LOG" | grep '^{' >> "$OUT" || rc=$? ;;
    pytorch)
      env "${isa_env[@]}" OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS="$t" OPENBLAS_NUM_THREADS="$t" \
        LD_LIBRARY_PATH="$(blas_dir pthread)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        "$PY" "$(peer_of "$shape")" bench --shape "$shape" --threads "$t" --seconds "$SECS" \
        --cases "$CASES" 2>> "$LOG" | grep '^{' >> "$OUT" || rc=$? ;;
    pytorch-tuned)
      env "${tuned_isa[@]}" OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS="$t" OPENBLAS_NUM_THREADS="$t" \
        GLIBC_TUNABLES="$TUNED_MALLOC" LD_LIBRARY_PATH="$(blas_dir openmp)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        "$PY" "$(peer_of "$shape")" bench --engine pytorch-tuned --shape "$shape" --threads "$t" \
        --seconds "$SECS" --cases "$CASES" 2>> "$LOG" | grep '^{' >> "$OUT" || rc=$? ;;
    ort-fp32|ort-int8)
      f="$MODELS/$shape.onnx"; [[ $e == ort-int8 ]] && f="$MODELS/$shape-int8.onnx"
      NODE_PATH="$ORT_NODE_MODULES" node "$ROOT/scripts/peers/ort_bench.js" "$f" "$e" "$t" "$SECS" "$shape" "$CASES" \
        2>> "$LOG" | grep '^{' >> "$OUT" || rc=$? ;;
    *) say "unknown engine $e"; return 0 ;;
  esac
  [[ $rc == 0 ]] || say "  $e ($build, $shape, $t thread(s)) FAILED (exit $rc), see $LOG"
}

say "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) vCPU; load: $(cut -d' ' -f1-3 /proc/loadavg)"
REVERSED="$(echo $ENGINES | tr ' ' '\n' | tac | tr '\n' ' ')"
for b in $BUILDS; do
  OUT="$CACHE/results-$STAMP-$b.jsonl"
  : > "$OUT"
  echo "{\"meta\": \"start\", \"build\": \"$b\", \"arch_flags\": \"$(build_flags "$b")\", \"time\": \"$STAMP\", \"loadavg\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"git\": \"$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')\", \"uncommitted\": $(git -C "$ROOT" status --porcelain --untracked-files=no -- include tools 2>/dev/null | wc -l)}" >> "$OUT"
  start=$(date +%s)
  for ((pass = 1; pass <= REPEAT; ++pass)); do
    order="$ENGINES"; (( pass % 2 == 0 )) && order="$REVERSED"
    for shape in $SHAPES; do
      for t in $THREADS; do
        for e in $order; do
          say "$b build, pass $pass/$REPEAT, $shape, $t thread(s): $e"
          run_engine "$b" "$e" "$shape" "$t"
        done
      done
    done
  done
  echo "{\"meta\": \"end\", \"seconds\": $(( $(date +%s) - start )), \"loadavg\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >> "$OUT"
  say "$b build done in $(( $(date +%s) - start )) s; results $OUT"
done
for b in $BUILDS; do
  OUT="$CACHE/results-$STAMP-$b.jsonl"
  "$PY" "$ROOT/scripts/bench_table.py" "$OUT" --command "$COMMAND" --semvec "$(build_dir "$b")/bin/semvec" \
    --build "$b ($(build_flags "$b"))" | tee "${OUT%.jsonl}.md"
  echo
done
