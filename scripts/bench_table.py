#!/usr/bin/python3
"""Markdown report of scripts/bench_all.sh: speed table, peak RSS, ratios, thread scaling and issue #5's
targets, from the JSON lines that the engines print (semvec bench --json, torch_encoder.py bench,
ort_bench.js).

  bench_table.py results.jsonl [--command "SHAPES=... scripts/bench_all.sh"] [--semvec build-bench/bin/semvec]

Figures use the fastest call of each case (best_ms; over all passes when REPEAT > 1): on a shared machine the minimum is the figure least
disturbed by other processes (the JSON lines keep the mean too). Speed ratios are time(other) / time(this),
so > 1 means "this" is faster. GFLOP/s for every engine: FLOPs(shape, T) · batch / best time, with per layer
2·T·(4H² + 2HI) + 4·T²·H.
"""
import argparse
import json
import os
import platform
import re
import subprocess

SHAPES = {"minilm": (384, 6, 12, 1536), "bert-base": (768, 12, 12, 3072)}
ORDER = ["semvec-fp32", "semvec-bf16", "semvec-int8", "pytorch", "pytorch-tuned", "ort-fp32", "ort-int8"]
NAMES = {"semvec-fp32": "semvec fp32", "semvec-bf16": "semvec bf16", "semvec-int8": "semvec int8",
         "pytorch": "PyTorch", "pytorch-tuned": "PyTorch tuned", "ort-fp32": "ORT fp32", "ort-int8": "ORT int8"}
SIMD_FLAGS = re.compile(r"^(sse\S*|ssse3|avx\S*|fma|f16c|amx\S*|asimd\S*|sve\S*|fphp|asimdhp|asimddp|i8mm|bf16)$")
CASE_NAMES = {"b32x128": "32 × 128 (sent/s)", "b1x16": "1 × 16 (ms)", "b1x128": "1 × 128 (ms)", "b1x512": "1 × 512 (ms)"}


def flops(shape, t):
    if shape not in SHAPES:  # the encoder families (grouped-query heads, gated MLPs): scripts/peers/family_shapes.py
        import sys
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
        from family_shapes import flops_per_sentence
        return flops_per_sentence(shape, t)
    h, layers, _, inter = SHAPES[shape]
    return layers * (2 * t * (4 * h * h + 2 * h * inter) + 4 * t * t * h)


def best(r):
    return r.get("best_ms", r["ms"])


def is_batch(case):
    return not case.startswith("b1x")


def fmt_speed(r):
    g = flops(r["shape"], r["tokens"]) * r["batch"] / (best(r) * 1e-3) * 1e-9
    v = f"{r['batch'] * 1e3 / best(r):.1f}" if is_batch(r["case"]) else f"{best(r):.2f}"
    return f"{v} ({g:.0f})" + (" †" if r.get("path") == "forward+intra" else "")


def ratio(by, a, b, key):
    """Speed of engine a relative to engine b on key (shape, threads, case): time_b / time_a."""
    ra, rb = by.get((a,) + key), by.get((b,) + key)
    if ra is None or rb is None:
        return None
    return best(rb) / best(ra)


def fr(x):
    return "—" if x is None else f"{x:.2f}×"


def lscpu():
    """(model name, SIMD flags) from lscpu (falls back to /proc/cpuinfo)."""
    model, flags = "?", []
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=30).stdout
        for l in out.splitlines():
            k, _, v = l.partition(":")
            if k.strip() == "Model name" and model == "?":
                model = v.strip()
            elif k.strip() == "Flags":
                flags = v.split()
    except (OSError, subprocess.SubprocessError):
        pass
    if model == "?" or not flags:
        try:
            for l in open("/proc/cpuinfo"):
                k, _, v = l.partition(":")
                if k.strip() == "model name" and model == "?":
                    model = v.strip()
                elif k.strip() in ("flags", "Features") and not flags:
                    flags = v.split()
        except OSError:
            pass
    return model, [f for f in flags if SIMD_FLAGS.match(f)]


def machine(semvec):
    lines = []
    cpu, flags = lscpu()
    lines.append(f"- CPU (lscpu): {cpu}, {os.cpu_count()} vCPU, Linux {platform.release()}; SIMD flags: {' '.join(flags)}")
    if semvec:
        cache = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(semvec))), "CMakeCache.txt")
        vals = {}
        if os.path.exists(cache):
            for l in open(cache):
                m = re.match(r"(CMAKE_CXX_COMPILER|CMAKE_CXX_FLAGS_RELEASE|CMAKE_CXX_FLAGS|SEMVEC_SIMD|CMAKE_BUILD_TYPE):[A-Z]+=(.*)", l)
                if m:
                    vals[m.group(1)] = m.group(2).strip()
        cxx = vals.get("CMAKE_CXX_COMPILER", "c++")
        try:
            ver = subprocess.run([cxx, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            ver = cxx
        lines.append(f"- semvec: {ver}, {vals.get('CMAKE_BUILD_TYPE', '?')} "
                     f"`{vals.get('CMAKE_CXX_FLAGS', '')} {vals.get('CMAKE_CXX_FLAGS_RELEASE', '')} "
                     f"SEMVEC_SIMD={vals.get('SEMVEC_SIMD', '?')}`".replace("  ", " "))
    try:
        tv = subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"], capture_output=True,
                            text=True, timeout=60).stdout.strip()
        lines.append(f"- PyTorch {tv} (Debian python3-torch). \"PyTorch\": OpenBLAS pthread via LD_LIBRARY_PATH, "
                     "OMP_WAIT_POLICY=PASSIVE; \"PyTorch tuned\": OpenBLAS OpenMP via LD_LIBRARY_PATH, OMP_NUM_THREADS, "
                     "OMP_WAIT_POLICY=PASSIVE, GLIBC_TUNABLES glibc.malloc.mmap_threshold=32 MiB, "
                     "trim_threshold=1 GiB, OPENBLAS_CORETYPE=SkylakeX on an AVX-512 CPU (OpenBLAS 0.3.21 takes Zen 4/5 for "
                     "Haswell); in the avx2 table both with ATEN_CPU_CAPABILITY=avx2 and OPENBLAS_CORETYPE=Haswell")
    except (OSError, subprocess.SubprocessError):
        pass
    pj = os.path.join(os.environ.get("ORT_NODE_MODULES", "/work/peers/ort/node_modules"), "onnxruntime-node", "package.json")
    if os.path.exists(pj):
        lines.append(f"- ONNX Runtime {json.load(open(pj)).get('version', '?')} (npm onnxruntime-node, CPU EP; picks its "
                     "kernels from CPUID at run time, so it runs the same code in every build's table)")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results", nargs="+")
    ap.add_argument("--command", default="")
    ap.add_argument("--semvec", default="")
    ap.add_argument("--build", default="", help="the semvec build's name and flags, e.g. 'avx2 (-march=znver3)'")
    a = ap.parse_args()
    rows, meta = [], []
    for f in a.results:
        for l in open(f):
            l = l.strip()
            if not l.startswith("{"):
                continue
            r = json.loads(l)
            (meta if "meta" in r else rows).append(r)
    by, keys, engines = {}, [], []
    for r in rows:
        key = (r["shape"], int(r["threads"]), r["case"])
        prev = by.get((r["engine"],) + key)
        if prev is not None:  # repeated passes: keep the fastest call, and the largest peak RSS
            rss = max(prev.get("peak_rss_mb", 0), r.get("peak_rss_mb", 0))
            r = dict(min(prev, r, key=best), peak_rss_mb=rss)
        by[(r["engine"],) + key] = r
        if key not in keys:
            keys.append(key)
        if r["engine"] not in engines:
            engines.append(r["engine"])
    engines = [e for e in ORDER if e in engines] + [e for e in engines if e not in ORDER]
    shapes = [s for s in SHAPES if any(k[0] == s for k in keys)] + sorted({k[0] for k in keys} - set(SHAPES))
    threads = sorted({k[1] for k in keys})
    cases = [c for c in CASE_NAMES if any(k[2] == c for k in keys)] + sorted({k[2] for k in keys} - set(CASE_NAMES))
    keys = [(s, t, c) for s in shapes for t in threads for c in cases if any((e, s, t, c) in by for e in engines)]
    simd = sorted({r.get("simd") for r in rows if r.get("simd")})
    kernels = {}
    for r in rows:
        if r.get("kernel") and r["engine"].startswith("semvec-"):
            kernels[NAMES.get(r["engine"], r["engine"])] = r["kernel"]

    out = []
    p = out.append
    p("## End to end: semvec beside PyTorch and ONNX Runtime" + (f", semvec build {a.build}" if a.build else ""))
    p("")
    cpu, flags = lscpu()
    p(f"CPU (lscpu): {cpu}; SIMD flags: {' '.join(flags)}.")
    p("")
    if a.command:
        p(f"Command: `{a.command}`")
        p("")
    start = next((m for m in meta if m["meta"] == "start"), {})
    end = next((m for m in reversed(meta) if m["meta"] == "end"), {})
    dirty = start.get("uncommitted")
    dirty = f" (+{dirty} uncommitted files under include/ and tools/)" if dirty else ""
    p(f"Run {start.get('time', '?')} at git {start.get('git', '?')}{dirty}, {end.get('seconds', '?')} s; load average "
      f"before {start.get('loadavg', '?')}, after {end.get('loadavg', '?')}; semvec SIMD level {', '.join(simd) or '?'}"
      + (f" (build flags `{start['arch_flags']}`)" if start.get("arch_flags") else "")
      + ("; GEMM paths: " + ", ".join(f"{k} {v}" for k, v in kernels.items()) if kernels else "") + ".")
    p("")
    p("Batch 32 × 128: sentences/s (higher is better); batch 1: latency in ms (lower is better); fastest call of "
      "each case; (GFLOP/s) with per layer 2·T·(4H² + 2HI) + 4·T²·H, the same count for every engine.")
    p("")
    head = ["shape", "threads", "case"] + [NAMES.get(e, e) for e in engines]
    p("| " + " | ".join(head) + " |")
    p("|" + "---|" * len(head))
    for k in keys:
        cells = [k[0], str(k[1]), CASE_NAMES.get(k[2], k[2])]
        cells += [fmt_speed(by[(e,) + k]) if (e,) + k in by else "—" for e in engines]
        p("| " + " | ".join(cells) + " |")
    p("")
    if any(r.get("path") == "forward+intra" for r in rows):
        p("† one text split over the threads (`semvec bench --intra`: `TransformerEncoder::forward` with "
          "`EncoderWorkspace::threads`), because `Model::encode` runs each text on one thread; every other "
          "semvec cell times `Model::encode`.")
        p("")

    p("Peak RSS (MiB) of each engine's process over all its cases (ru_maxrss; PyTorch and ORT include the "
      "Python / Node.js runtime and the framework libraries, semvec is the CLI with the model file mapped):")
    p("")
    head = ["shape", "threads"] + [NAMES.get(e, e) for e in engines]
    p("| " + " | ".join(head) + " |")
    p("|" + "---|" * len(head))
    for s in shapes:
        for t in threads:
            cells = [s, str(t)]
            for e in engines:
                rs = [r.get("peak_rss_mb") for (ee, ss, tt, _), r in by.items() if (ee, ss, tt) == (e, s, t)]
                rs = [x for x in rs if x is not None]
                cells.append(f"{max(rs):.0f}" if rs else "—")
            p("| " + " | ".join(cells) + " |")
    p("")

    pairs = [("semvec-fp32", "ort-fp32", "fp32 / ORT fp32"), ("semvec-fp32", "pytorch", "fp32 / PyTorch"),
             ("semvec-fp32", "pytorch-tuned", "fp32 / PyTorch tuned"), ("pytorch-tuned", "pytorch", "PyTorch tuned / stock"),
             ("semvec-int8", "ort-int8", "int8 / ORT int8"), ("semvec-fp32", "ort-int8", "fp32 / ORT int8"),
             ("semvec-bf16", "semvec-fp32", "bf16 / our fp32"), ("semvec-int8", "semvec-fp32", "int8 / our fp32")]
    pairs = [x for x in pairs if x[0] in engines and x[1] in engines]
    if pairs:
        p("Speed ratios (time of the second / time of the first: > 1 means the first is faster):")
        p("")
        head = ["shape", "threads", "case"] + [x[2] for x in pairs]
        p("| " + " | ".join(head) + " |")
        p("|" + "---|" * len(head))
        for k in keys:
            p("| " + " | ".join([k[0], str(k[1]), CASE_NAMES.get(k[2], k[2]).split(" (")[0]] +
                                [fr(ratio(by, x[0], x[1], k)) for x in pairs]) + " |")
        p("")

    if len(threads) > 1 and "b32x128" in cases:
        t1, t2 = threads[0], threads[-1]
        p(f"Thread scaling at batch 32 × 128 ({t2} threads / {t1} thread throughput):")
        p("")
        head = ["shape"] + [NAMES.get(e, e) for e in engines]
        p("| " + " | ".join(head) + " |")
        p("|" + "---|" * len(head))
        for s in shapes:
            cells = [s]
            for e in engines:
                r1, r2 = by.get((e, s, t1, "b32x128")), by.get((e, s, t2, "b32x128"))
                cells.append("—" if r1 is None or r2 is None else f"{best(r1) / best(r2):.2f}×")
            p("| " + " | ".join(cells) + " |")
        p("")

    # Targets of issue #5.
    tg = []

    def verdict(x, bar):
        return "—" if x is None else ("met" if x >= bar else f"MISSED by {(1 - x / bar) * 100:.0f}%")

    for s in shapes:
        for t in threads:
            k = (s, t, "b32x128")
            x = ratio(by, "semvec-fp32", "ort-fp32", k)
            tg.append((f"fp32 ≥ ORT fp32 at 32 × 128", s, t, fr(x), verdict(x, 1.0)))
            b1 = [(c, ratio(by, "semvec-fp32", "ort-fp32", (s, t, c))) for c in cases if c.startswith("b1x")]
            b1 = [(c, x) for c, x in b1 if x is not None]
            if b1:
                worst = min(b1, key=lambda cx: cx[1])
                tg.append(("fp32 batch-1 latency ≤ ORT fp32 (worst case)", s, t,
                           f"{fr(worst[1])} ({worst[0]}; " + ", ".join(f"{c} {fr(x)}" for c, x in b1) + ")",
                           verdict(worst[1], 1.0)))
            x = ratio(by, "semvec-bf16", "semvec-fp32", k)
            tg.append(("bf16 ≥ 1.6× our fp32 at 32 × 128", s, t, fr(x), verdict(x, 1.6)))
            x = ratio(by, "semvec-int8", "ort-int8", k)
            tg.append(("int8 ≥ 1.2× ORT int8 at 32 × 128", s, t, fr(x), verdict(x, 1.2)))
        if len(threads) > 1:
            t1, t2 = threads[0], threads[-1]
            for e in ("semvec-fp32", "semvec-bf16", "semvec-int8"):
                r1, r2 = by.get((e, s, t1, "b32x128")), by.get((e, s, t2, "b32x128"))
                x = None if r1 is None or r2 is None else best(r1) / best(r2)
                tg.append((f"{NAMES[e]}: {t2} threads ≥ 1.8× {t1} thread at 32 × 128", s, f"{t1}→{t2}", fr(x),
                           verdict(x, 1.8)))
    # Issue #15's bars (the AVX2 ones are meant for a build without AVX-512 / VNNI).
    for s in shapes:
        for t in threads:
            k = (s, t, "b32x128")
            x = ratio(by, "semvec-int8", "ort-int8", k)
            tg.append(("#15: int8 ≥ 1.2× ORT int8 at 32 × 128", s, t, fr(x), verdict(x, 1.2)))
            x = ratio(by, "semvec-int8", "ort-int8", (s, t, "b1x128"))
            tg.append(("#15: int8 latency ≤ ORT int8 at 1 × 128", s, t, fr(x), verdict(x, 1.0)))
            x = ratio(by, "semvec-fp32", "ort-fp32", k)
            tg.append(("#15: fp32 ≥ 1.1× ORT fp32 at 32 × 128", s, t, fr(x), verdict(x, 1.1)))
            torch = [ratio(by, "semvec-fp32", e, k) for e in ("pytorch", "pytorch-tuned")]
            torch = [x for x in torch if x is not None]
            x = min(torch) if torch else None
            tg.append(("#15: fp32 ≥ 1.1× the faster PyTorch at 32 × 128", s, t, fr(x), verdict(x, 1.1)))
    tg = [x for x in tg if x[3] != "—"]
    if tg:
        p("Targets of issues #5 and #15 (same run, equal thread count):")
        p("")
        p("| target | shape | threads | measured | verdict |")
        p("|---|---|---|---|---|")
        for row in tg:
            p("| " + " | ".join(str(c) for c in row) + " |")
        p("")
    p("Machine and builds:")
    p("")
    out.extend(machine(a.semvec))
    print("\n".join(out))


if __name__ == "__main__":
    main()
