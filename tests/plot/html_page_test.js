// Runs the script of a page written by semvec::write_html in a minimal fake DOM (no browser needed) and checks
// its behaviour: hovering each sampled point shows that point's text and label, hidden legend groups are not
// hovered, the search box counts matches, and the canvas draws every visible point.
//
// usage: node html_page_test.js PAGE.html
"use strict";
const fs = require("fs");
const html = fs.readFileSync(process.argv[2], "utf8");
const dataText = html.match(/<script type="application\/json" id="semvec-data">([\s\S]*?)<\/script>/)[1];
const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (scripts.length !== 1) throw new Error(`expected one inline script, found ${scripts.length}`);

const W = 900, H = 700;
const counters = { arcs: 0, rects: 0 };
function makeElement(tag, id) {
  const el = {
    tagName: tag, id, children: [], listeners: {}, style: {}, hidden: false, className: "", title: "", value: "",
    _text: "", width: 0, height: 0, offsetWidth: 120, offsetHeight: 40,
    get textContent() { return this._text + this.children.map((c) => c.textContent).join(""); },
    set textContent(v) { this._text = String(v); this.children = []; },
    appendChild(c) { this.children.push(c); return c; },
    addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); },
    dispatch(type, ev) { (this.listeners[type] || []).forEach((fn) => fn(ev)); },
    click(ev) { this.dispatch("click", Object.assign({ shiftKey: false, altKey: false }, ev || {})); },
    getBoundingClientRect() { return { left: 0, top: 0, width: W, height: H, right: W, bottom: H }; },
  };
  if (tag === "canvas") {
    const noop = () => {};
    el.getContext = () => ({
      setTransform: noop, fillRect: noop, beginPath: noop, moveTo: noop, lineTo: noop, stroke: noop, save: noop,
      clip: noop, fill: noop, restore: noop, strokeRect: noop, fillText: noop,
      arc: () => counters.arcs++, rect: () => counters.rects++,
    });
  }
  return el;
}
const byId = {};
for (const [id, tag] of [["cv", "canvas"], ["plot", "div"], ["tip", "div"], ["items", "ul"], ["all", "button"],
                         ["none", "button"], ["legend", "aside"], ["info", "span"], ["title", "h1"], ["search", "input"]])
  byId[id] = makeElement(tag, id);
byId["semvec-data"] = { textContent: dataText };
byId.tip.hidden = true;
byId.legend.hidden = true;
byId.search.hidden = true;
const windowListeners = {};
global.document = {
  getElementById: (id) => byId[id],
  createElement: (tag) => makeElement(tag),
  createTextNode: (s) => ({ textContent: String(s) }),
};
global.window = {
  devicePixelRatio: 1,
  addEventListener: (type, fn) => (windowListeners[type] = windowListeners[type] || []).push(fn),
  requestAnimationFrame: (fn) => fn(),
};
new Function(scripts[0])();

const D = JSON.parse(dataText);
const n = D.x.length;
const failures = [];
const check = (cond, what) => { if (!cond) failures.push(what); };

// The page's own mapping: margins l 62, r 16, t 12, b 34 around the plot area, home view = D.bounds.
const pw = W - 62 - 16, ph = H - 12 - 34, [x0, x1, y0, y1] = D.bounds;
const px = (i) => 62 + (D.x[i] - x0) / (x1 - x0) * pw;
const py = (i) => 12 + (y1 - D.y[i]) / (y1 - y0) * ph;
const move = (x, y) => (windowListeners.mousemove || []).forEach((fn) => fn({ clientX: x, clientY: y }));
const visible = new Array(D.groups.length).fill(true);
function nearestVisible(x, y) {
  let best = -1, bd = Infinity;
  for (let j = 0; j < n; j++) {
    if (!visible[D.g[j]]) continue;
    const d = (px(j) - x) ** 2 + (py(j) - y) ** 2;
    if (d < bd) { bd = d; best = j; }
  }
  return best;
}

check(counters.arcs + counters.rects >= n, `first frame drew ${counters.arcs + counters.rects} shapes for ${n} points`);
check(byId.info.textContent.startsWith(`${n} point`), `info line: ${byId.info.textContent}`);
check(byId.title.textContent === D.title, "title set from the data");
if (D.labelled) check(byId.items.children.length === D.groups.length, "one legend entry per label");

const step = Math.max(1, Math.floor(n / 300));
let hovered = 0;
for (let i = 0; i < n; i += step) {
  move(px(i), py(i));
  const want = nearestVisible(px(i), py(i));
  check(!byId.tip.hidden, `hovering point ${i} shows a tooltip`);
  const tipText = byId.tip.textContent;
  if (D.texts) check(tipText.includes(D.texts[want]), `hovering point ${i} shows the text of point ${want}`);
  if (D.labelled) check(tipText.includes(D.groups[D.g[want]]), `hovering point ${i} shows its label`);
  check(tipText.includes("#" + (want + 1) + " "), `hovering point ${i} names point ${want + 1}`);
  hovered++;
}
move(1, 1);  // outside the plot area
check(byId.tip.hidden, "no tooltip outside the plot area");

if (D.labelled && D.groups.length > 1) {
  byId.items.children[0].click();  // hide group 0
  visible[0] = false;
  check(byId.items.children[0].className === "off", "a clicked legend entry is marked off");
  for (let i = 0; i < n; i += step) {
    if (D.g[i] !== 0) continue;
    move(px(i), py(i));
    const want = nearestVisible(px(i), py(i));
    const d = want < 0 ? Infinity : Math.hypot(px(want) - px(i), py(want) - py(i));
    if (d > Math.max(D.radius + 3, 6)) check(byId.tip.hidden, `hidden point ${i} shows no tooltip`);
    else check(byId.tip.textContent.includes("#" + (want + 1) + " "), `hidden point ${i}: nearest visible shown`);
  }
  byId.items.children[1].click({ shiftKey: true });  // only group 1
  check(byId.items.children.every((li, g) => (li.className === "off") === (g !== 1)), "shift-click shows one label alone");
  byId.all.click();
  check(byId.items.children.every((li) => li.className === ""), "show all");
}
if (D.texts) {
  const q = D.texts[Math.floor(n / 2)].slice(0, 4).toLowerCase();
  byId.search.value = q;
  byId.search.dispatch("input", {});
  const want = D.texts.filter((t) => t.toLowerCase().includes(q)).length;
  check(byId.info.textContent.endsWith(`${want} matching`), `search '${q}': ${byId.info.textContent}, want ${want}`);
}

if (failures.length) {
  console.log(`FAILED (${failures.length}):\n  ` + failures.slice(0, 20).join("\n  "));
  process.exit(1);
}
console.log(`ok: ${n} points, ${hovered} hovers each showed the nearest point's text and label; legend and search work`);
