"""`semvec plot` end to end: the SVG is well-formed XML with one circle per point and an escaped <title> per text;
the HTML page has exactly two scripts, and its JSON data holds every point, label and text unchanged.

usage: check_plot_cli.py SEMVEC_BINARY DATA_DIR WORK_DIR
"""
import html.parser
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np

semvec, data, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
points = np.load(os.path.join(data, "points.npy"))
labels = open(os.path.join(data, "labels.txt"), encoding="utf-8").read().splitlines()
texts = open(os.path.join(data, "texts.txt"), encoding="utf-8").read().splitlines()
n = len(points)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(*args):
    r = subprocess.run([semvec, "plot", *args], capture_output=True, text=True)
    check(r.returncode == 0, f"semvec plot {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
    return r


title = 'Pets & <friends> "quoted"'
svg_path = os.path.join(work, "plot.svg")
run(os.path.join(data, "points.npy"), svg_path, "--labels", os.path.join(data, "labels.txt"), "--text",
    os.path.join(data, "texts.txt"), "--title", title)
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(svg_path).getroot()  # raises on malformed XML
groups = root.findall(".//s:g[@class='points']/s:g", ns)
check(sorted(g.get("data-label") for g in groups) == sorted(set(labels)), "SVG groups are the labels")
circles = [c for g in groups for c in g.findall("s:circle", ns)]
check(len(circles) == n, f"SVG has {len(circles)} point circles, expected {n}")
titles = sorted(c.find("s:title", ns).text for c in circles)
check(titles == sorted(f"{t} [{l}]" for t, l in zip(texts, labels)), "SVG point titles are text [label]")
check(root.find("s:title", ns).text == title, "SVG title")
check(not root.findall(".//s:script", ns), "SVG has no script element")
legend = [t.text for t in root.findall(".//s:g[@class='legend']/s:text", ns)]
check(sorted(legend) == ["<birds> (4)", "cats (4)", "dogs & wolves (4)"], f"SVG legend: {legend}")

# The same plot from float64 input and integer .npy labels.
run(os.path.join(data, "points_f64.npy"), os.path.join(work, "plot64.svg"), "--labels", os.path.join(data, "labels.npy"))
root = ET.parse(os.path.join(work, "plot64.svg")).getroot()
check([g.get("data-label") for g in root.findall(".//s:g[@class='points']/s:g", ns)] == ["0", "1", "2"], "int labels")


class Scripts(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.current, self.external = [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.current = [attrs.get("type"), ""]
        for key in ("src", "href"):
            if key in attrs:
                self.external.append((tag, attrs[key]))

    def handle_data(self, d):
        if self.current is not None:
            self.current[1] += d

    def handle_endtag(self, tag):
        if tag == "script" and self.current is not None:
            self.scripts.append(self.current)
            self.current = None


html_path = os.path.join(work, "plot.html")
run(os.path.join(data, "points.npy"), html_path, "--labels", os.path.join(data, "labels.txt"), "--text",
    os.path.join(data, "texts.txt"), "--title", title)
p = Scripts()
p.feed(open(html_path, encoding="utf-8").read())
check(len(p.scripts) == 2, f"HTML has {len(p.scripts)} scripts, expected 2")
check(not p.external, f"HTML loads external resources: {p.external}")
d = json.loads(p.scripts[0][1])
check(p.scripts[0][0] == "application/json", "first script is the JSON data")
check(len(d["x"]) == n and len(d["y"]) == n, "HTML data holds every point")
check(np.allclose(d["x"], points[:, 0], rtol=1e-6) and np.allclose(d["y"], points[:, 1], rtol=1e-6), "coordinates")
check(d["texts"] == texts, "HTML texts round-trip")
check([d["groups"][g] for g in d["g"]] == labels, "HTML labels round-trip")
check(d["title"] == title, "HTML title round-trip")

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print(f"ok: SVG and HTML hold all {n} points, labels and texts; escaping survives XML and HTML parsers")
