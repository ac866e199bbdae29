#!/usr/bin/env bash
# Image-model speed, semvec beside PyTorch (Debian torchvision) and ONNX Runtime (npm onnxruntime-node) on the
# SAME weights in the same run: resnet50 and mobilenet_v2 (torchvision, weights=None, seed 0; full size),
# semvec f32 and int8, batch 1 and 32, 1 and 2 threads. Also peak RSS (batch 1) and the time to decode and
# resize a photo. Prints one markdown table with ratios to ORT fp32.
#   scripts/bench_vision.sh                  (BUILD=build SECONDS_PER_CASE=3 THREADS="1 2" BATCHES=1,32 MODELS="resnet50 mobilenet_v2")
#   ORT_NODE_MODULES=/work/peers/ort/node_modules (npm install --ignore-scripts onnxruntime-node@1.30.0)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3
BUILD="${BUILD:-$ROOT/build}"
SECS="${SECONDS_PER_CASE:-3}"
THREADS="${THREADS:-1 2}"
BATCHES="${BATCHES:-1,32}"
MODELS="${MODELS:-resnet50 mobilenet_v2}"
ORT_NODE_MODULES="${ORT_NODE_MODULES:-/work/peers/ort/node_modules}"
CACHE="${PEERS_CACHE:-${TMPDIR:-/tmp}/semvec-peers}/vision"
PHOTO="$ROOT/tests/data/vision/photos/owl.jpg"
mkdir -p "$CACHE"
cmake --build "$BUILD" --target bench_vision -j2 >/dev/null
OUT="$CACHE/results.jsonl"
: > "$OUT"
for arch in $MODELS; do
  d="$CACHE/$arch"
  [[ -f "$d/model.onnx" ]] || OMP_WAIT_POLICY=PASSIVE "$PY" "$ROOT/scripts/peers/vision_torch.py" make "$arch" "$d" >/dev/null 2>&1
  for dt in f32 int8; do
    [[ -f "$d/semvec-$dt.safetensors" ]] || "$PY" "$ROOT/scripts/convert.py" "$d" "$d/semvec-$dt.safetensors" --dtype "$dt" >/dev/null
  done
  for t in $THREADS; do
    for dt in f32 int8; do
      "$BUILD/bench/vision/bench_vision" "$d/semvec-$dt.safetensors" "$arch" "$t" "$SECS" "$BATCHES" $([[ $dt == f32 && $t == 1 ]] && echo "$PHOTO") |
        sed "s/\"engine\": \"semvec\"/\"engine\": \"semvec-$dt\"/" >> "$OUT"
    done
    OMP_WAIT_POLICY=PASSIVE "$PY" "$ROOT/scripts/peers/vision_torch.py" bench "$d" "$t" "$SECS" "$BATCHES" >> "$OUT"
    NODE_PATH="$ORT_NODE_MODULES" node "$ROOT/scripts/peers/ort_vision.js" "$d/model.onnx" "$arch" "$t" "$SECS" "$BATCHES" >> "$OUT"
  done
done
"$PY" - "$OUT" <<'PYEOF'
import json, subprocess, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cpu = subprocess.run("lscpu | grep 'Model name' | sed 's/.*: *//'", shell=True, capture_output=True, text=True).stdout.strip()
load = subprocess.run("uptime", shell=True, capture_output=True, text=True).stdout.strip()
simd = next((r.get("simd") for r in rows if r.get("simd")), "?")
print("CPU: %s · semvec SIMD: %s · %s" % (cpu, simd, load))
print()
# Wall time (best run) and CPU time (best run, all threads of the process): on a busy machine the wall time
# of a long case (batch 32) is inflated by preemption far more than that of a short one, the CPU time is not.
print("| model | threads | batch | engine | images/s | ms/batch | vs ORT fp32 | CPU ms/image | vs ORT (CPU) | peak RSS MB |")
print("|---|---|---|---|---|---|---|---|---|---|")
speed = [r for r in rows if "images_per_s" in r]
for r in speed:
    ort = next((o for o in speed if o["engine"] == "ort-fp32" and o["model"] == r["model"] and o["threads"] == r["threads"] and o["batch"] == r["batch"]), None)
    ratio = "%.2f×" % (r["images_per_s"] / ort["images_per_s"]) if ort else "—"
    cpu = r.get("cpu_ms", 0.0) / r["batch"]
    cpu_ratio = "%.2f×" % (ort["cpu_ms"] / r["cpu_ms"]) if ort and r.get("cpu_ms") and ort.get("cpu_ms") else "—"
    print("| %s | %d | %d | %s | %.1f | %.2f | %s | %.2f | %s | %.0f |" % (r["model"], r["threads"], r["batch"], r["engine"], r["images_per_s"], r["ms"], ratio, cpu, cpu_ratio, r["peak_rss_mb"]))
print()
for r in rows:
    if r.get("case") == "decode+preprocess":
        print("decode %s: %.2f ms; resize+crop+normalize for %s: %.2f ms" % (r["photo"].split("/")[-1], r["decode_ms"], r["model"], r["resize_crop_normalize_ms"]))
for r in speed:
    if r["engine"].startswith("semvec") and r["batch"] == 1 and r["threads"] == 1:
        print("%s %s: weights %.1f MB, peak RSS %.1f MB (process before load %.1f MB): RSS - weights - base = %.1f MB" % (
            r["model"], r["engine"], r["weights_mb"], r["peak_rss_mb"], r["rss_before_load_mb"], r["peak_rss_mb"] - r["weights_mb"] - r["rss_before_load_mb"]))
PYEOF
