// semvec/plot/html.hpp — a 2-D scatter plot as one self-contained HTML page (inline JS + canvas).
//
// The page loads nothing from the network (a Content-Security-Policy forbids it): the points travel as JSON
// in a <script type="application/json"> element, and a small inline script draws them on a canvas, which
// stays fast at 100k points where one DOM node per point would not. Hovering a point shows its text and label
// (found through a uniform grid, so a lookup touches a few cells, not every point); the legend toggles groups
// (shift-click shows one group alone); the wheel zooms, dragging pans, double-click resets; a search box
// highlights the points whose text contains a string. User strings reach the page only as escaped JSON and
// are put into the DOM with textContent, never as markup.
#pragma once

#include <cmath>
#include <string>

#include "common.hpp"

namespace semvec {

namespace detail {

inline const char* html_style() {
    return R"CSS(
html,body{margin:0;height:100%;background:#fff;color:#222;font:13px/1.4 Helvetica,Arial,sans-serif}
#app{display:flex;flex-direction:column;height:100%}
header{display:flex;align-items:baseline;gap:14px;padding:8px 14px 2px}
h1{font-size:17px;margin:0}
#info{color:#666}
#search{margin-left:auto;width:220px;padding:3px 6px;font:inherit}
#main{flex:1;display:flex;min-height:0}
#plot{flex:1;position:relative;min-width:0}
canvas{position:absolute;left:0;top:0;cursor:crosshair}
#tip{position:absolute;pointer-events:none;max-width:380px;background:rgba(255,255,255,.97);border:1px solid #bbb;
 border-radius:4px;box-shadow:0 2px 8px rgba(0,0,0,.18);padding:6px 8px;white-space:pre-wrap;word-wrap:break-word;z-index:2}
#tip .lab{font-weight:bold;margin-bottom:2px}
#tip .meta{color:#888;font-size:11px;margin-top:3px}
.sw{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:-1px}
aside{width:230px;overflow-y:auto;padding:6px 10px;border-left:1px solid #eee}
aside .btns{margin-bottom:6px}
aside button{font:inherit;font-size:12px;margin-right:4px}
aside ul{list-style:none;margin:0;padding:0}
aside li{cursor:pointer;padding:2px 0;user-select:none;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
aside li .n{color:#888;margin-left:4px}
aside li.off{opacity:.35}
footer{color:#888;font-size:11px;padding:2px 14px 6px}
)CSS";
}

inline const char* html_script() {
    return R"JS(
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("semvec-data").textContent);
  var n = D.x.length, ng = D.groups.length;
  var X = new Float64Array(D.x), Y = new Float64Array(D.y), G = new Uint32Array(D.g);
  var hidden = new Uint8Array(ng);
  var cv = document.getElementById("cv"), ctx = cv.getContext("2d");
  var plot = document.getElementById("plot"), tip = document.getElementById("tip");
  var M = {l: 62, r: 16, t: 12, b: 34};
  var home = {x0: D.bounds[0], x1: D.bounds[1], y0: D.bounds[2], y1: D.bounds[3]};
  var view = copy(home);
  var W = 0, H = 0, pw = 1, ph = 1, dpr = 1, R = D.radius;
  var hover = -1, match = null, lower = null, pending = false, drag = null;

  function copy(v) { return {x0: v.x0, x1: v.x1, y0: v.y0, y1: v.y1}; }
  function clamp(v, a, b) { return v < a ? a : v > b ? b : v; }

  // Points of each group, contiguous (counting sort), so each group's colour is set once per frame.
  var gstart = new Uint32Array(ng + 1), gidx = new Uint32Array(n), i, k;
  for (i = 0; i < n; i++) gstart[G[i] + 1]++;
  for (k = 0; k < ng; k++) gstart[k + 1] += gstart[k];
  var fill = gstart.slice(0, ng);
  for (i = 0; i < n; i++) gidx[fill[G[i]]++] = i;

  // Uniform grid over the data for hover lookup.
  var GS = Math.max(1, Math.min(512, Math.round(Math.sqrt(n / 4))));
  var cw = (home.x1 - home.x0) / GS, ch = (home.y1 - home.y0) / GS;
  function cx(x) { return clamp(Math.floor((x - home.x0) / cw), 0, GS - 1); }
  function cy(y) { return clamp(Math.floor((y - home.y0) / ch), 0, GS - 1); }
  var cstart = new Uint32Array(GS * GS + 1), citems = new Uint32Array(n), cell = new Uint32Array(n);
  for (i = 0; i < n; i++) { cell[i] = cy(Y[i]) * GS + cx(X[i]); cstart[cell[i] + 1]++; }
  for (k = 0; k < GS * GS; k++) cstart[k + 1] += cstart[k];
  var cfill = cstart.slice(0, GS * GS);
  for (i = 0; i < n; i++) citems[cfill[cell[i]]++] = i;
  cell = null;

  function sx(x) { return M.l + (x - view.x0) / (view.x1 - view.x0) * pw; }
  function sy(y) { return M.t + (view.y1 - y) / (view.y1 - view.y0) * ph; }
  function dx(px) { return view.x0 + (px - M.l) / pw * (view.x1 - view.x0); }
  function dy(py) { return view.y1 - (py - M.t) / ph * (view.y1 - view.y0); }

  function niceNum(x, round) {
    var e = Math.floor(Math.log10(x)), p = Math.pow(10, e), f = x / p, nf;
    if (round) nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nf * p;
  }
  function ticks(lo, hi, target) {
    var step = niceNum(niceNum(hi - lo, false) / Math.max(2, target), true);
    var e = Math.floor(Math.log10(step) + 1e-9), dec = Math.max(0, -e), out = [];
    var sci = Math.abs(e) >= 6 || Math.max(Math.abs(lo), Math.abs(hi)) >= 1e7;
    for (var j = Math.ceil(lo / step); j * step <= hi + step * 1e-9 && out.length < 100; j++) {
      var v = j * step;
      out.push({v: v, s: j === 0 ? "0" : sci ? v.toPrecision(3) : v.toFixed(dec)});
    }
    return out;
  }

  function resize() {
    var r = plot.getBoundingClientRect();
    W = Math.max(200, r.width); H = Math.max(150, r.height);
    dpr = window.devicePixelRatio || 1;
    cv.width = Math.round(W * dpr); cv.height = Math.round(H * dpr);
    cv.style.width = W + "px"; cv.style.height = H + "px";
    pw = Math.max(1, W - M.l - M.r); ph = Math.max(1, H - M.t - M.b);
    draw();
    if (hover >= 0) showTip(hover, sx(X[hover]), sy(Y[hover]));  // keep the tooltip on its point

  }

  function drawGroup(g, only) {
    var lo = M.l - R, hi = M.l + pw + R, top = M.t - R, bot = M.t + ph + R, small = R <= 1.5;
    ctx.beginPath();
    for (var k = gstart[g]; k < gstart[g + 1]; k++) {
      var j = gidx[k];
      if (only && !only[j]) continue;
      var px = sx(X[j]), py = sy(Y[j]);
      if (px < lo || px > hi || py < top || py > bot) continue;
      if (small) ctx.rect(px - R, py - R, 2 * R, 2 * R);
      else { ctx.moveTo(px + R, py); ctx.arc(px, py, R, 0, 6.283185307179586); }
    }
    ctx.fill();
  }

  function draw() {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    var xt = ticks(view.x0, view.x1, pw / 90), yt = ticks(view.y0, view.y1, ph / 60), t;
    ctx.strokeStyle = "#ececec"; ctx.lineWidth = 1; ctx.beginPath();
    for (t = 0; t < xt.length; t++) { var gx = Math.round(sx(xt[t].v)) + 0.5; ctx.moveTo(gx, M.t); ctx.lineTo(gx, M.t + ph); }
    for (t = 0; t < yt.length; t++) { var gy = Math.round(sy(yt[t].v)) + 0.5; ctx.moveTo(M.l, gy); ctx.lineTo(M.l + pw, gy); }
    ctx.stroke();

    ctx.save();
    ctx.beginPath(); ctx.rect(M.l, M.t, pw, ph); ctx.clip();
    var g;
    for (g = 0; g < ng; g++) {
      if (hidden[g]) continue;
      ctx.fillStyle = D.colors[g];
      ctx.globalAlpha = match ? 0.12 : D.opacity;
      drawGroup(g, null);
    }
    if (match) {
      for (g = 0; g < ng; g++) {
        if (hidden[g]) continue;
        ctx.fillStyle = D.colors[g]; ctx.globalAlpha = 1;
        drawGroup(g, match);
      }
    }
    // Annotations (e.g. cluster names): dark text on a white halo, over the points.
    ctx.globalAlpha = 1; ctx.font = "bold 12px Helvetica, Arial, sans-serif";
    ctx.textAlign = "center"; ctx.textBaseline = "middle"; ctx.lineJoin = "round";
    for (var a = 0; a < D.notes.length; a++) {
      var nx = sx(D.notes[a][0]), ny = sy(D.notes[a][1]);
      ctx.strokeStyle = "rgba(255,255,255,0.9)"; ctx.lineWidth = 4; ctx.strokeText(D.notes[a][2], nx, ny);
      ctx.fillStyle = "#111"; ctx.fillText(D.notes[a][2], nx, ny);
    }
    if (hover >= 0) {
      ctx.globalAlpha = 1; ctx.strokeStyle = "#111"; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(sx(X[hover]), sy(Y[hover]), R + 3, 0, 6.283185307179586); ctx.stroke();
    }
    ctx.restore();

    ctx.globalAlpha = 1; ctx.strokeStyle = "#555"; ctx.lineWidth = 1;
    ctx.strokeRect(M.l + 0.5, M.t + 0.5, pw, ph);
    ctx.beginPath();
    for (t = 0; t < xt.length; t++) { var tx = Math.round(sx(xt[t].v)) + 0.5; ctx.moveTo(tx, M.t + ph); ctx.lineTo(tx, M.t + ph + 5); }
    for (t = 0; t < yt.length; t++) { var ty = Math.round(sy(yt[t].v)) + 0.5; ctx.moveTo(M.l - 5, ty); ctx.lineTo(M.l, ty); }
    ctx.stroke();
    ctx.fillStyle = "#444"; ctx.font = "11px Helvetica, Arial, sans-serif";
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (t = 0; t < xt.length; t++) ctx.fillText(xt[t].s, sx(xt[t].v), M.t + ph + 8);
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (t = 0; t < yt.length; t++) ctx.fillText(yt[t].s, M.l - 8, sy(yt[t].v));
  }

  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; draw(); });
  }

  // The visible point nearest to pixel (px, py) within a few pixels, or -1.
  function nearest(px, py) {
    var rad = Math.max(R + 3, 6), x = dx(px), y = dy(py);
    var rx = rad / pw * (view.x1 - view.x0), ry = rad / ph * (view.y1 - view.y0);
    if (x + rx < home.x0 || x - rx > home.x1 || y + ry < home.y0 || y - ry > home.y1) return -1;
    var best = -1, bd = rad * rad, a0 = cx(x - rx), a1 = cx(x + rx), b0 = cy(y - ry), b1 = cy(y + ry);
    for (var b = b0; b <= b1; b++) for (var a = a0; a <= a1; a++) {
      var c = b * GS + a;
      for (var k = cstart[c]; k < cstart[c + 1]; k++) {
        var j = citems[k];
        if (hidden[G[j]]) continue;
        var ex = sx(X[j]) - px, ey = sy(Y[j]) - py, d2 = ex * ex + ey * ey;
        if (d2 <= bd) { bd = d2; best = j; }
      }
    }
    return best;
  }

  function showTip(j, px, py) {
    tip.textContent = "";
    if (D.labelled) {
      var lab = document.createElement("div"), sw = document.createElement("span");
      lab.className = "lab"; sw.className = "sw"; sw.style.background = D.colors[G[j]];
      lab.appendChild(sw); lab.appendChild(document.createTextNode(D.groups[G[j]]));
      tip.appendChild(lab);
    }
    if (D.images && D.images[j]) {
      var im = document.createElement("img"); im.src = D.images[j]; im.style.display = "block"; im.style.maxWidth = "160px";
      tip.appendChild(im);
    }
    if (D.texts) { var tx = document.createElement("div"); tx.textContent = D.texts[j]; tip.appendChild(tx); }
    var meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = "#" + (j + 1) + "  (" + X[j].toPrecision(4) + ", " + Y[j].toPrecision(4) + ")";
    tip.appendChild(meta);
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = (px + 16 + w > W ? Math.max(0, px - 16 - w) : px + 16) + "px";
    tip.style.top = (py + 16 + h > H ? Math.max(0, py - 16 - h) : py + 16) + "px";
  }

  function local(e) { var r = cv.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }

  cv.addEventListener("mousedown", function (e) {
    var p = local(e);
    drag = {p: p, v: copy(view)};
    e.preventDefault();
  });
  window.addEventListener("mouseup", function () { drag = null; });
  window.addEventListener("mousemove", function (e) {
    var p = local(e);
    if (drag) {
      var ddx = (p[0] - drag.p[0]) / pw * (drag.v.x1 - drag.v.x0), ddy = (p[1] - drag.p[1]) / ph * (drag.v.y1 - drag.v.y0);
      view = {x0: drag.v.x0 - ddx, x1: drag.v.x1 - ddx, y0: drag.v.y0 + ddy, y1: drag.v.y1 + ddy};
      tip.hidden = true; hover = -1;
      schedule();
      return;
    }
    var inside = p[0] >= M.l && p[0] <= M.l + pw && p[1] >= M.t && p[1] <= M.t + ph;
    var j = inside ? nearest(p[0], p[1]) : -1;
    if (j !== hover) { hover = j; schedule(); }
    if (j >= 0) showTip(j, p[0], p[1]); else tip.hidden = true;
  });
  cv.addEventListener("mouseleave", function () { if (!drag) { tip.hidden = true; if (hover >= 0) { hover = -1; schedule(); } } });
  cv.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = local(e), x = dx(p[0]), y = dy(p[1]);
    var f = Math.exp(clamp(e.deltaY * (e.deltaMode === 1 ? 33 : 1), -300, 300) * 0.0015);
    view = {x0: x - (x - view.x0) * f, x1: x + (view.x1 - x) * f, y0: y - (y - view.y0) * f, y1: y + (view.y1 - y) * f};
    schedule();
  }, {passive: false});
  cv.addEventListener("dblclick", function () { view = copy(home); schedule(); });

  // Legend: click toggles a group, shift- or alt-click shows it alone (again: shows all).
  var items = [];
  function refreshLegend() { for (var g = 0; g < ng; g++) items[g].className = hidden[g] ? "off" : ""; }
  if (D.labelled) {
    var ul = document.getElementById("items");
    for (var g = 0; g < ng; g++) (function (g) {
      var li = document.createElement("li"), sw = document.createElement("span"), nm = document.createElement("span"),
          ct = document.createElement("span");
      sw.className = "sw"; sw.style.background = D.colors[g];
      nm.textContent = D.groups[g]; ct.className = "n"; ct.textContent = "(" + D.counts[g] + ")";
      li.title = D.groups[g];
      li.appendChild(sw); li.appendChild(nm); li.appendChild(ct);
      li.addEventListener("click", function (e) {
        if (e.shiftKey || e.altKey) {
          var solo = !hidden[g];
          for (var h = 0; h < ng; h++) solo = solo && (h === g || hidden[h]);
          for (h = 0; h < ng; h++) hidden[h] = solo ? 0 : (h === g ? 0 : 1);
        } else hidden[g] = hidden[g] ? 0 : 1;
        refreshLegend(); schedule();
      });
      ul.appendChild(li); items.push(li);
    })(g);
    document.getElementById("all").addEventListener("click", function () { hidden.fill(0); refreshLegend(); schedule(); });
    document.getElementById("none").addEventListener("click", function () { hidden.fill(1); refreshLegend(); schedule(); });
    document.getElementById("legend").hidden = false;
  }

  var info = document.getElementById("info");
  var summary = n + (n === 1 ? " point" : " points") + (D.labelled ? " \u00b7 " + ng + (ng === 1 ? " label" : " labels") : "");
  info.textContent = summary;
  document.getElementById("title").textContent = D.title;
  if (D.texts) {
    var box = document.getElementById("search");
    box.hidden = false;
    box.addEventListener("input", function () {
      var q = box.value.trim().toLowerCase();
      if (!q) { match = null; info.textContent = summary; schedule(); return; }
      if (!lower) lower = D.texts.map(function (s) { return s.toLowerCase(); });
      match = new Uint8Array(n);
      var m = 0;
      for (var j = 0; j < n; j++) if (lower[j].indexOf(q) >= 0) { match[j] = 1; m++; }
      info.textContent = summary + " \u00b7 " + m + " matching";
      schedule();
    });
  }
  window.addEventListener("resize", resize);
  resize();
})();
)JS";
}

}  // namespace detail

/// Renders the points (N×2) as a self-contained HTML page. Same checks and errors as render_svg.
inline Result<std::string> render_html(const PointsRef& points, const PlotOptions& opt = {}) {
    auto prepared = detail::prepare_plot(points, opt);
    if (!prepared) return prepared.error();
    const detail::PlotData& d = *prepared;
    const std::size_t n = static_cast<std::size_t>(points.rows());
    if (!opt.images.empty() && opt.images.size() != n)
        return make_error(ErrorCode::invalid_argument, std::to_string(opt.images.size()) + " images for " + std::to_string(n) + " points", {}, "images");
    for (std::size_t i = 0; i < opt.images.size(); ++i)  // pictures are data URIs only (the page loads nothing)
        if (!opt.images[i].empty() && opt.images[i].rfind("data:image/", 0) != 0)
            return make_error(ErrorCode::invalid_argument, "image " + std::to_string(i) + " is not a data:image/ URI", {}, "images");
    const std::size_t groups = d.groups.size();

    // The home view: the data padded as the SVG axes are (a zero-width range widened first).
    const detail::Axis ax = detail::padded_axis(d.xmin, d.xmax, 6), ay = detail::padded_axis(d.ymin, d.ymax, 6);
    const double b[4] = {ax.lo, ax.hi, ay.lo, ay.hi};

    std::string js;  // the data, as JSON that is safe inside <script>
    js.reserve(256 + n * (opt.texts.empty() ? 24 : 80));
    js += "{\"title\":" + detail::json_string(opt.title);
    js += ",\"labelled\":";
    js += d.labelled ? "true" : "false";
    js += ",\"radius\":" + detail::format_number(opt.point_size > 0 ? opt.point_size : detail::auto_point_size(n), 'g', 4);
    // A canvas group is one path, so overlaps inside a group do not darken: a higher default opacity reads better.
    js += ",\"opacity\":" + detail::format_number(opt.opacity > 0 ? opt.opacity : 0.8, 'g', 4);
    js += ",\"bounds\":[";
    for (int a = 0; a < 4; ++a) js += (a ? "," : "") + detail::format_number(b[a], 'g', 9);
    js += "],\"groups\":[";
    for (std::size_t g = 0; g < groups; ++g) js += (g ? "," : "") + detail::json_string(d.groups[g]);
    js += "],\"colors\":[";
    for (std::size_t g = 0; g < groups; ++g) {
        const auto own = opt.label_colors.find(d.groups[g]);
        js += (g ? "," : "") + (own != opt.label_colors.end() ? detail::json_string(own->second)
                                                              : "\"" + detail::group_color(g, groups) + "\"");
    }
    js += "],\"counts\":[";
    for (std::size_t g = 0; g < groups; ++g) js += (g ? "," : "") + std::to_string(d.group_size[g]);
    for (int c = 0; c < 2; ++c) {
        js += c == 0 ? "],\"x\":[" : "],\"y\":[";
        for (std::size_t i = 0; i < n; ++i) {
            if (i) js += ',';
            js += detail::format_number(points(static_cast<Eigen::Index>(i), c), 'g', 7);
        }
    }
    js += "],\"g\":[";
    for (std::size_t i = 0; i < n; ++i) {
        if (i) js += ',';
        js += std::to_string(d.group_of[i]);
    }
    js += "],\"notes\":[";
    std::size_t notes = 0;
    for (const auto& note : opt.annotations) {
        if (!std::isfinite(note.x) || !std::isfinite(note.y)) continue;  // nowhere to draw it
        js += (notes++ ? ",[" : "[") + detail::format_number(note.x, 'g', 9) + "," + detail::format_number(note.y, 'g', 9) +
              "," + detail::json_string(note.text) + "]";
    }
    js += "],\"texts\":";
    if (opt.texts.empty()) {
        js += "null";
    } else {
        js += '[';
        for (std::size_t i = 0; i < n; ++i) {
            if (i) js += ',';
            js += detail::json_string(opt.texts[i]);
        }
        js += ']';
    }
    if (!opt.images.empty()) {
        js += ",\"images\":[";
        for (std::size_t i = 0; i < n; ++i) js += (i ? "," : "") + detail::json_string(opt.images[i]);
        js += ']';
    }
    js += "}";

    std::string s;
    s.reserve(js.size() + 16384);
    s += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    // Nothing may load from anywhere: the page is its own world.
    s += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
         "style-src 'unsafe-inline'; img-src data:\">\n";
    s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    s += "<meta name=\"generator\" content=\"semvec\">\n";
    s += "<title>" + detail::xml_escape(opt.title.empty() ? std::string("semvec map") : opt.title) + "</title>\n";
    s += "<style>";
    s += detail::html_style();
    s += "</style>\n</head>\n<body>\n<div id=\"app\">\n<header><h1 id=\"title\">" + detail::xml_escape(opt.title) +
         "</h1><span id=\"info\"></span><input id=\"search\" type=\"search\" placeholder=\"find text\xE2\x80\xA6\" "
         "hidden></header>\n";
    s += "<div id=\"main\"><div id=\"plot\"><canvas id=\"cv\"></canvas><div id=\"tip\" hidden></div></div>\n"
         "<aside id=\"legend\" hidden><div class=\"btns\"><button id=\"all\">show all</button><button "
         "id=\"none\">hide all</button></div><ul id=\"items\"></ul></aside></div>\n";
    s += "<footer>hover: text \xC2\xB7 wheel: zoom \xC2\xB7 drag: pan \xC2\xB7 double-click: reset \xC2\xB7 legend "
         "click: toggle, shift-click: only this label</footer>\n</div>\n";
    s += "<script type=\"application/json\" id=\"semvec-data\">";
    s += js;
    s += "</script>\n<script>";
    s += detail::html_script();
    s += "</script>\n</body>\n</html>\n";
    return s;
}

/// Writes the plot to a self-contained HTML file at `path` (see render_html).
inline Status write_html(const std::string& path, const PointsRef& points, const PlotOptions& opt = {}) {
    auto html = render_html(points, opt);
    if (!html) return html.error();  // an input error: it concerns the points, not the output path
    return detail::write_file_atomic(path, *html);
}

}  // namespace semvec
