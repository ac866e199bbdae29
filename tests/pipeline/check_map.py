"""The main job end to end: `semvec map` on a labelled corpus must write an HTML page that holds every text as a
point, and the groups must separate in 2-D: the 10-NN label accuracy (majority vote of each point's 10 nearest
other points in the map) must reach a bar set from measurements (see tests/pipeline/CMakeLists.txt).

usage: check_map.py SEMVEC MODEL CORPUS LABELS WORK_DIR METHOD MIN_ACCURACY [extra semvec map flags...]
"""
import html.parser
import json
import os
import subprocess
import sys
import time
from collections import Counter

import numpy as np

semvec, model, corpus, labels_path, work, method, min_acc = sys.argv[1:8]
extra = sys.argv[8:]
os.makedirs(work, exist_ok=True)
texts = open(corpus, encoding="utf-8").read().splitlines()
labels = open(labels_path, encoding="utf-8").read().splitlines()
out = os.path.join(work, f"map-{method}.html")
if os.path.exists(out):
    os.remove(out)

t0 = time.time()
r = subprocess.run([semvec, "map", "--model", model, "--corpus", corpus, "--labels", labels_path, "--method", method,
                    *extra, out], capture_output=True, text=True)
elapsed = time.time() - t0
sys.stderr.write(r.stderr)
if r.returncode != 0:
    sys.exit(f"semvec map exited {r.returncode}")


class DataScript(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.data, self.scripts = False, "", 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
            self.inside = dict(attrs).get("type") == "application/json"

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, d):
        if self.inside:
            self.data += d


p = DataScript()
p.feed(open(out, encoding="utf-8").read())
d = json.loads(p.data)
n = len(texts)
problems = []
if p.scripts != 2:
    problems.append(f"{p.scripts} script elements, expected 2")
if len(d["x"]) != n or len(d["y"]) != n:
    problems.append(f"{len(d['x'])} points for {n} texts")
if d["texts"] != texts:
    problems.append("the hover texts differ from the corpus")
point_labels = [d["groups"][g] for g in d["g"]]
if point_labels != labels:
    problems.append("the point labels differ from the labels file")

Y = np.stack([np.asarray(d["x"], float), np.asarray(d["y"], float)], 1)
D = ((Y[:, None, :] - Y[None, :, :]) ** 2).sum(-1)
np.fill_diagonal(D, np.inf)
nn = np.argsort(D, axis=1, kind="stable")[:, :10]
lab = np.asarray(labels)
votes = [Counter(lab[row]).most_common() for row in nn]
# Majority vote; ties go to the smaller label, as semvec::knn_label_accuracy does.
pred = [min(l for l, c in v if c == v[0][1]) for v in votes]
acc = float(np.mean(np.asarray(pred) == lab))
frac = float((lab[nn] == lab[:, None]).mean())
print(f"{method}: {n} points, 10-NN label accuracy {acc:.4f} (neighbour agreement {frac:.4f}), "
      f"bar {float(min_acc):.2f}, semvec map took {elapsed:.2f} s")
if acc < float(min_acc):
    problems.append(f"10-NN label accuracy {acc:.4f} is below the bar {min_acc}")
if problems:
    print("FAILED:\n  " + "\n  ".join(problems))
    sys.exit(1)
