#!/usr/bin/python3
"""Markdown tables from bench_kernels' JSON output (--benchmark_format=json): GEMM GFLOP/s at the encoder's
layer shapes against the measured peaks, attention GFLOP/s, and the element-wise kernels in GB/s.

  bench_kernels.py bench_kernels.json

Rates are Google Benchmark's (work / CPU time of the thread). Peaks are measured in the same run:
BM_peak_fma (independent FMA chains on the native packet) and BM_peak_bf16dot (vdpbf16ps, 64 FLOP per
instruction). int8 is given in GOP/s (2 per multiply-add) and as a multiple of the f32 GEMM on the same shape
(a chain test of vpdpbusd here stays below what the GEMM reaches, so it is not a usable peak). When a benchmark's wall time exceeds
its CPU time by more than 10 % the machine was busy; the table says so.
"""
import json
import re
import sys

LAYER = {(1152, 384): "MiniLM QKV", (384, 384): "MiniLM out", (1536, 384): "MiniLM up", (384, 1536): "MiniLM down",
         (2304, 768): "bert-base QKV", (768, 768): "bert-base out", (3072, 768): "bert-base up",
         (768, 3072): "bert-base down"}


def main(path):
    data = json.load(open(path))
    bms = [b for b in data["benchmarks"] if b.get("run_type", "iteration") == "iteration"]
    rate = {}
    busy = []
    for b in bms:
        name = b["name"]
        v = b.get("GFLOP/s", b.get("GB/s"))
        if v is None:
            continue
        rate[name] = max(rate.get(name, 0.0), v)  # with --benchmark_repetitions: the fastest repetition
        if b.get("real_time", 0) > 1.1 * b.get("cpu_time", 1e30):
            busy.append(name)
    ctx = data.get("context", {})
    peak = rate.get("BM_peak_fma")
    pbf = rate.get("BM_peak_bf16dot")
    out = []
    p = out.append
    p(f"Run {ctx.get('date', '?')}, {ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz, "
      f"load average {', '.join(f'{x:.2f}' for x in ctx.get('load_avg', []))}.")
    p("")
    p("Measured peaks (one thread): "
      + ", ".join(x for x in [f"f32 FMA **{peak:.0f} GFLOP/s**" if peak else "",
                              f"bf16 dot (vdpbf16ps) **{pbf:.0f} GFLOP/s**" if pbf else ""] if x) + ".")
    p("")
    shapes = []
    for name in rate:
        m = re.match(r"BM_gemm_semvec<float>/(\d+)/(\d+)/(\d+)$", name)
        if m:
            shapes.append(tuple(int(x) for x in m.groups()))
    order = list(LAYER)
    shapes.sort(key=lambda s: ("bert" in LAYER.get((s[1], s[2]), ""), s[0],
                               order.index((s[1], s[2])) if (s[1], s[2]) in order else 99))

    def pct(v, pk):
        return f"{100 * v / pk:.0f}%" if v is not None and pk else "—"

    def val(v):
        return "—" if v is None else f"{v:.0f}"

    head = ["layer (M tokens × N out × K in)", "f32", "% of FMA peak", "Eigen 3.4", "semvec / Eigen",
            "bf16 weights (widened)", "bf16 dot", "% of bf16 peak", "int8 GOP/s", "int8 / f32"]
    p("| " + " | ".join(head) + " |")
    p("|" + "---|" * len(head))
    f32_enc = []
    for (m, n, k) in shapes:
        key = f"/{m}/{n}/{k}"
        f = rate.get("BM_gemm_semvec<float>" + key)
        e = rate.get("BM_gemm_eigen" + key)
        bw = rate.get("BM_gemm_semvec<semvec::simd::bf16_t>" + key)
        bd = rate.get("BM_gemm_bf16dot" + key)
        i8 = rate.get("BM_gemm_int8" + key)
        if f is not None and peak and m <= 512:
            f32_enc.append((f / peak, f"{LAYER.get((n, k), '')} {m}×{n}×{k}"))
        p("| " + " | ".join([f"{LAYER.get((n, k), '?')} {m}×{n}×{k}", val(f), pct(f, peak), val(e),
                             "—" if f is None or not e else f"{f / e:.2f}×", val(bw), val(bd), pct(bd, pbf), val(i8),
                             "—" if i8 is None or not f else f"{i8 / f:.2f}×"]) + " |")
    p("")
    if f32_enc:
        lo = min(f32_enc)
        p(f"f32 layer GEMMs at the encoder's per-sequence sizes (M = 16, 128, 512 tokens): lowest "
          f"{100 * lo[0]:.0f}% of the FMA peak ({lo[1]}), median "
          f"{100 * sorted(x for x, _ in f32_enc)[len(f32_enc) // 2]:.0f}% (target ≥ 80%).")
        p("")
    tiles = {}
    for n, v in rate.items():
        m = re.match(r"BM_int8_tile/(\w+?)_(\d+)x(\d+)/(\d+)/(\d+)/(\d+)$", n)
        if m:
            tiles.setdefault((m.group(1), int(m.group(2)), int(m.group(3))), {})[tuple(int(x) for x in m.groups()[3:])] = v
    if tiles:
        tshapes = sorted({s for d in tiles.values() for s in d})
        p("int8 tile shapes (GOP/s, `gemm_int8_tiled<Tile, MR>`, activations already quantized; rows × columns "
          "per pass over a 32-column weight panel; * = this build's default):")
        p("")
        head = ["path", "tile"] + [f"{LAYER.get((n, k), '?')} {m}×{n}×{k}" for (m, n, k) in tshapes]
        p("| " + " | ".join(head) + " |")
        p("|" + "---|" * len(head))
        default = ctx.get("semvec_int8_tile", "")
        for (path, r, c), d in tiles.items():
            mark = " *" if default == f"{path}_{r}x{c}" else ""
            p("| " + " | ".join([path, f"{r} × {c}{mark}"] + [val(d.get(s)) for s in tshapes]) + " |")
        p("")
    att = [(n, v) for n, v in rate.items() if n.startswith("BM_attention/")]
    if att:
        p("| attention, 12 heads (T tokens, H hidden) | GFLOP/s (QKᵀ + PV) | % of FMA peak |")
        p("|---|---|---|")
        for n, v in att:
            t, h = n.split("/")[1:3]
            p(f"| T = {t}, H = {h} | {v:.0f} | {pct(v, peak)} |")
        p("")
    ew = []
    for n, v in rate.items():
        m = re.match(r"BM_bias_gelu/(\d+)/(\d+)$", n)
        if m:
            ew.append((f"bias + GELU ({'tanh' if m.group(2) == '1' else 'erf'}), 128 × {m.group(1)}", v))
        m = re.match(r"BM_softmax/(\d+)$", n)
        if m:
            ew.append((f"masked softmax rows, {m.group(1)} × {m.group(1)}", v))
        m = re.match(r"BM_residual_layernorm/(\d+)$", n)
        if m:
            ew.append((f"residual + LayerNorm, 128 × {m.group(1)}", v))
    if ew:
        p("| element-wise kernel (f32, in L1/L2) | GB/s (bytes read + written) |")
        p("|---|---|")
        for n, v in ew:
            p(f"| {n} | {v:.1f} |")
        p("")
    if busy:
        p(f"Note: {len(busy)} of {len(rate)} benchmarks ran with wall time > 1.1 × CPU time (machine busy); rates "
          "are per CPU second.")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
