#!/usr/bin/python3
"""PyTorch (Debian torchvision) peer of scripts/bench_vision.sh.

  vision_torch.py make ARCH DIR        seeded random weights (weights=None, seed 0) → DIR/config.json + model.safetensors + model.onnx
  vision_torch.py bench DIR THREADS SECONDS BATCHES   JSON lines like bench_vision
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make(arch, d):
    from safetensors_np import save_state_dict
    os.makedirs(d, exist_ok=True)
    torch.manual_seed(0)
    model = getattr(torchvision.models, arch)(weights=None).eval()
    save_state_dict(os.path.join(d, "model.safetensors"), {k: v.numpy() for k, v in model.state_dict().items()})
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump({"arch": arch, "framework": "torchvision", "constructor": "%s(weights=None), seed 0" % arch}, f)
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), os.path.join(d, "model.onnx"), input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)


def bench(d, threads, seconds, batches):
    torch.set_num_threads(threads)
    cfg = json.load(open(os.path.join(d, "config.json")))
    model = getattr(torchvision.models, cfg["arch"])(weights=None).eval()
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from semvec_convert import safetensors_io as st
    t, _ = st.read(os.path.join(d, "model.safetensors"))
    model.load_state_dict({k: torch.from_numpy(np.array(v.array)) for k, v in t.items()})
    for b in batches:
        x = torch.randn(b, 3, 224, 224)
        with torch.inference_mode():
            model(x)
            best, best_cpu, runs, t0 = 1e30, 1e30, 0, time.perf_counter()
            while runs < 2 or time.perf_counter() - t0 < seconds:
                a, ca = time.perf_counter(), time.process_time()
                model(x)
                best = min(best, time.perf_counter() - a)
                best_cpu = min(best_cpu, time.process_time() - ca)
                runs += 1
        print(json.dumps({"engine": "pytorch", "model": cfg["arch"], "threads": threads, "batch": b, "ms": best * 1e3,
                          "images_per_s": b / best, "cpu_ms": best_cpu * 1e3, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                          "runs": runs, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    else:
        bench(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), [int(b) for b in sys.argv[5].split(",")])
