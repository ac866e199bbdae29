#!/usr/bin/python3
"""Topics of AG News with `semvec topics`: agreement with the 4 gold classes, chance level, and a screenshot.

  /usr/bin/python3 scripts/bench_topics.py [--build build] [--min-cluster-size 10,50] [--threads 2]
      [--screenshot docs/topics_agnews.png]

AG News (../shared/data/datasets/ag_news/test.csv: 7600 texts, title + description; never copied into the
repository) is embedded with the bundled GloVe model; topics as BERTopic finds them (UMAP 5-D, HDBSCAN,
c-TF-IDF). ARI and NMI against the 4 gold classes are compared with chance: the same topic sizes assigned at
random (mean of 20 permutations). The page of the last run is photographed with headless Chromium (Debian
`chromium`) when --screenshot is given.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_cluster import MODEL, ROOT, ag_news_texts, header  # noqa: E402


def screenshot(html, png, width=1400, height=900):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("no chromium: screenshot skipped")
        return
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
                        f"--window-size={width},{height}", "--virtual-time-budget=5000",
                        f"--screenshot={os.path.abspath(png)}", "file://" + os.path.abspath(html)],
                       capture_output=True, timeout=180)
    print(f"screenshot: {png}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--min-cluster-size", default="10,50")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--screenshot", default="")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench_topics"))
    a = ap.parse_args()
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
    exe = os.path.join(a.build, "bin", "semvec")
    os.makedirs(a.out, exist_ok=True)
    header(exe, str(a.threads))
    texts, gold = ag_news_texts()
    names = np.array(["World", "Sports", "Business", "Sci/Tech"])
    corpus, labels = os.path.join(a.out, "agnews.txt"), os.path.join(a.out, "agnews.labels.txt")
    open(corpus, "w", encoding="utf-8").write("\n".join(texts) + "\n")
    open(labels, "w").write("\n".join(names[gold]) + "\n")
    print("## Topics of AG News (7600 texts, 4 gold classes), bundled GloVe model\n")
    print("| min_cluster_size | topics | texts in no topic | ARI | NMI | ARI, chance | NMI, chance | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    rng = np.random.default_rng(0)
    ok = True
    html = None
    for m in a.min_cluster_size.split(","):
        html = os.path.join(a.out, f"agnews_topics_{m}.html")
        lab = os.path.join(a.out, f"labels_{m}.npy")
        r = subprocess.run([exe, "topics", "--model", MODEL, "--corpus", corpus, "--labels", labels, "--min-cluster-size",
                            m, "--threads", str(a.threads), "--save-labels", lab, html], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        secs = sum(float(x) for x in re.search(r"embedding ([0-9.]+) s, topics ([0-9.]+) s", r.stdout).groups())
        t = np.load(lab)
        ari, nmi = adjusted_rand_score(gold, t), normalized_mutual_info_score(gold, t)
        perm = [rng.permutation(t) for _ in range(20)]
        ari0 = float(np.mean([adjusted_rand_score(gold, p) for p in perm]))
        nmi0 = float(np.mean([normalized_mutual_info_score(gold, p) for p in perm]))
        k = len(set(t.tolist()) - {-1})
        print(f"| {m} | {k} | {int((t == -1).sum())} | {ari:.3f} | {nmi:.3f} | {ari0:.3f} | {nmi0:.3f} | {secs:.1f} |",
              flush=True)
        ok &= ari > ari0 + 0.1 and nmi > 3 * nmi0
        print(r.stdout.split("\n", 1)[1].split("\n" + html)[0].replace("\n", "\n    "), file=sys.stderr)
    if a.screenshot and html:
        screenshot(html, a.screenshot)
    print(f"\nbar (ARI and NMI well above chance): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
