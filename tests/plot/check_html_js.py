"""Behaviour of the HTML page's script, without a browser: writes pages with `semvec plot` (the 12-point fixture,
one point without labels, 100k labelled points with texts) and runs html_page_test.js on each under node.

usage: check_html_js.py SEMVEC NODE DATA_DIR WORK_DIR
"""
import os
import subprocess
import sys

import numpy as np

semvec, node, data, work = sys.argv[1:5]
os.makedirs(work, exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))

rng = np.random.default_rng(1)
n = 100_000
centres = rng.normal(0, 10, (10, 2))
labels = rng.integers(0, 10, n)
points = (centres[labels] + rng.normal(0, 2, (n, 2))).astype(np.float32)
np.save(os.path.join(work, "big.npy"), points)
np.save(os.path.join(work, "big_labels.npy"), labels.astype(np.int32))
with open(os.path.join(work, "big_texts.txt"), "w", encoding="utf-8") as f:
    for i in range(n):
        f.write(f"text {i} about topic {labels[i]} </script> & <b>\n")
np.save(os.path.join(work, "one.npy"), np.array([[1.5, -2.0]], np.float32))

pages = {
    "fixture.html": [os.path.join(data, "points.npy"), "--labels", os.path.join(data, "labels.txt"), "--text",
                     os.path.join(data, "texts.txt"), "--title", "fixture"],
    "one.html": [os.path.join(work, "one.npy")],
    "big.html": [os.path.join(work, "big.npy"), "--labels", os.path.join(work, "big_labels.npy"), "--text",
                 os.path.join(work, "big_texts.txt")],
}
failed = False
for name, args in pages.items():
    out = os.path.join(work, name)
    r = subprocess.run([semvec, "plot", args[0], out, *args[1:]], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"{name}: semvec plot failed: {r.stderr.strip()}")
        failed = True
        continue
    r = subprocess.run([node, os.path.join(here, "html_page_test.js"), out], capture_output=True, text=True)
    print(f"{name}: {(r.stdout + r.stderr).strip()}")
    failed |= r.returncode != 0
sys.exit(1 if failed else 0)
