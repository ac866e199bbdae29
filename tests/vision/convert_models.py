#!/usr/bin/python3
"""ctest fixture step: converts the vision test models of tests/data/vision into OUT_DIR with scripts/convert.py.

  convert_models.py DATA_DIR OUT_DIR [SHARED_DIR]
"""
import os
import subprocess
import sys

data, out = sys.argv[1], sys.argv[2]
shared = sys.argv[3] if len(sys.argv) > 3 else ""
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
convert = os.path.join(root, "scripts", "convert.py")
os.makedirs(out, exist_ok=True)
jobs = []
for arch in ("resnet18", "resnet50", "mobilenet_v2"):
    for dt in ("f32", "f16", "bf16", "int8"):
        jobs.append((os.path.join(data, "vision", "torchvision", arch), "%s-%s.safetensors" % (arch, dt), dt))
extra = [("face-api/face_recognition_model-weights_manifest.json", "face-f32.safetensors", "f32"),
         ("coral/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite", "coral-v1-embed.safetensors", "f32"),
         ("coral/mobilenet_v2_1.0_224_quant.tflite", "coral-v2-quant.safetensors", "f32"),
]
for src, name, dt in extra:
    p = os.path.join(data, "vision", src)
    if not os.path.exists(p):
        sys.exit("missing test model %s" % p)
    jobs.append((p, name, dt))
if shared:
    p = os.path.join(shared, "fixtures", "images", "torchvision", "mobilenet_v2")
    if os.path.exists(p):
        jobs.append((p, "shared-mobilenet_v2-f32.safetensors", "f32"))
    p = os.path.join(shared, "data", "images", "coral", "tf2_mobilenet_v2_1.0_224_ptq.tflite")
    if os.path.exists(p):
        jobs.append((p, "coral-tf2-ptq.safetensors", "f32"))
for src, name, dt in jobs:
    r = subprocess.run([sys.executable, convert, src, os.path.join(out, name), "--dtype", dt], capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        sys.exit("conversion of %s failed" % src)
print("%d models converted" % len(jobs))
