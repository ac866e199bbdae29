// semvec/plot/common.hpp — what the SVG and HTML scatter plots share: options, input checks, groups,
// colours, "nice" axis ticks, and escaping of user text.
//
// Texts and labels come from users, so every string that reaches a page goes through one of the escapers
// here: invalid UTF-8 becomes U+FFFD, XML-forbidden control characters are dropped, and JSON embedded in
// HTML cannot close its <script> element. Numbers are formatted without the C locale's decimal comma.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../matrix.hpp"
#include "../result.hpp"
#include "../util/numbers.hpp"
#include "../util/file_io.hpp"

namespace semvec {

/// A text drawn on the plot at data coordinates (HTML pages), e.g. a cluster's name at its centre.
struct PlotAnnotation {
    double x = 0, y = 0;  ///< where the text is centred, in the points' coordinates
    std::string text;     ///< the text (escaped like every user string)
};

/// How a 2-D scatter plot looks. Every field has a default; an empty options struct gives a plain plot.
struct PlotOptions {
    /// One label per point (its group: colour and legend entry). Default: empty, all points in one group.
    std::vector<std::string> labels;
    /// One text per point, shown on hover (HTML) or as a tooltip title (SVG). Default: empty, no texts.
    std::vector<std::string> texts;
    /// Title above the plot. Default: empty, no title.
    std::string title;
    /// Picture size in pixels for the SVG (the HTML page fills its browser window instead). Default 960 × 720.
    int width = 960;
    int height = 720;
    /// Point radius in pixels; 0 picks one from the point count (3.5 px for a few hundred, 1 px at 100k). Default 0.
    double point_size = 0;
    /// Point opacity in (0, 1]; 0 picks one from the point count. Default 0.
    double opacity = 0;
    /// Most legend entries drawn in the SVG; the rest are summarized in one line. Default 40.
    int max_legend_entries = 40;
    /// CSS colours that replace the palette's for some labels, e.g. {{"noise", "#b4b4b4"}}. Default: empty.
    std::map<std::string, std::string> label_colors;
    /// Texts drawn over the points of the HTML page (the SVG ignores them). Default: empty.
    std::vector<PlotAnnotation> annotations;
    /// HTML only: one picture per point, shown on hover, as a "data:image/..." URI (semvec/vision/thumbnail.hpp
    /// makes small JPEG ones); an empty string shows none for that point. Default: empty, no pictures.
    std::vector<std::string> images;
};

/// Labels from integer classes (e.g. an int32 label vector): {3, 1} -> {"3", "1"}.
template <class Int, class = std::enable_if_t<std::is_integral<Int>::value>>
std::vector<std::string> labels_from_ints(const std::vector<Int>& classes) {
    std::vector<std::string> out;
    out.reserve(classes.size());
    for (Int c : classes) out.push_back(std::to_string(c));
    return out;
}

/// A read-only view of the points: accepts a Matrix, a MatrixView, or a block of either without copying.
using PointsRef = Eigen::Ref<const Matrix>;

namespace detail {

// ---------------------------------------------------------------- text and numbers

/// Valid UTF-8 of `s`: each byte of an invalid, overlong or surrogate sequence becomes U+FFFD.
inline std::string sanitize_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) { out += static_cast<char>(c); ++i; continue; }
        std::size_t len = 0;
        std::uint32_t cp = 0, min = 0;
        if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
        bool ok = len > 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) ok = false;
            else cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
        if (ok) {
            out.append(s.data() + i, len);
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

/// Text for XML/HTML content or a quoted attribute: escapes & < > " ' and drops characters XML 1.0 forbids.
inline std::string xml_escape(std::string_view raw) {
    const std::string s = sanitize_utf8(raw);
    std::string out;
    out.reserve(s.size() + 16);
    for (std::size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            case '\n': out += "&#10;"; break;
            case '\r': out += "&#13;"; break;
            case '\t': out += "&#9;"; break;
            default:
                if (c < 0x20 || c == 0x7F) break;  // not allowed in XML 1.0 (or invisible): drop
                // U+FFFE and U+FFFF are not XML characters either.
                if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
                    (static_cast<unsigned char>(s[i + 2]) == 0xBE || static_cast<unsigned char>(s[i + 2]) == 0xBF)) {
                    i += 2;
                    break;
                }
                out += static_cast<char>(c);
        }
    }
    return out;
}

/// A JSON string literal (with quotes) that is also safe inside an HTML <script> element: < > & and the
/// JavaScript line terminators U+2028/U+2029 are \u-escaped, so no text can end the script or start a comment.
inline std::string json_string(std::string_view raw) {
    const std::string s = sanitize_utf8(raw);
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7F) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                           (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
                    out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
                    i += 2;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
    return out;
}

/// Number of code points in valid UTF-8 (used to estimate text widths).
inline std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    return n;
}

/// The first `max_chars` code points of valid UTF-8, with "…" when cut.
inline std::string utf8_truncate(const std::string& s, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (chars == max_chars) return s.substr(0, i) + "\xE2\x80\xA6";
            ++chars;
        }
    }
    return s;
}

/// `v` as printf's "%.*g" (style 'g') or "%.*f" (style 'f') with `precision`, in every C locale
/// (util/numbers.hpp); zero prints without a sign ("-0.00" would read oddly on an axis).
inline std::string format_number(double v, char style, int precision) {
    std::string out = style == 'f' ? format_fixed(v, precision) : format_general(v, precision);
    if (!out.empty() && out[0] == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
    return out;
}

/// Pixel coordinate with one decimal ("123.4"): fast, locale-free, enough for screens.
inline void append_coord(std::string& out, double v) {
    long long t = std::llround(v * 10.0);
    if (t < 0) { out += '-'; t = -t; }
    out += std::to_string(t / 10);
    if (t % 10) { out += '.'; out += static_cast<char>('0' + t % 10); }
}

// ---------------------------------------------------------------- axes

/// Heckbert's "nice number": 1, 2 or 5 times a power of ten, near x (rounded, or the next one up).
inline double nice_number(double x, bool round) {
    const double e = std::floor(std::log10(x));
    const double p = std::pow(10.0, e);
    const double f = x / p;
    double nf;
    if (round) nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nf * p;
}

/// An axis: its range, snapped out to whole ticks, and the tick values with their labels.
struct Axis {
    double lo = 0, hi = 1, step = 1;
    std::vector<double> ticks;
    std::vector<std::string> tick_labels;
};

/// Ticks at nice steps for [lo, hi] with about `target` intervals. With `extend` the range grows to whole
/// ticks (the frame then starts and ends on a tick); without, it stays [lo, hi] and the ticks are those inside.
/// A zero-width range is widened (to ±1 around 0, or ±10 % of the value) so that one point still gets an axis.
inline Axis nice_axis(double lo, double hi, int target = 6, bool extend = true) {
    if (!(hi > lo)) {
        const double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
        lo -= pad;
        hi += pad;
    }
    target = std::max(target, 2);
    Axis a;
    const double range = nice_number(hi - lo, false);
    a.step = nice_number(range / target, true);
    const double first = extend ? std::floor(lo / a.step) : std::ceil(lo / a.step - 1e-9);
    const double last = extend ? std::ceil(hi / a.step) : std::floor(hi / a.step + 1e-9);
    a.lo = extend ? first * a.step : lo;
    a.hi = extend ? last * a.step : hi;
    const long long count = std::llround(last - first);
    const double e = std::floor(std::log10(a.step) + 1e-9);
    const bool sci = std::abs(e) >= 6 || std::max(std::abs(a.lo), std::abs(a.hi)) >= 1e7;
    const int decimals = e < 0 ? static_cast<int>(-e) : 0;
    for (long long i = 0; i <= count; ++i) {
        const double v = (first + static_cast<double>(i)) * a.step;
        a.ticks.push_back(v);
        a.tick_labels.push_back(sci ? format_number(v, 'g', 3) : format_number(v, 'f', decimals));
    }
    return a;
}

/// The axis over [lo, hi] padded by 4 % (a zero-width range widened first), with the nice ticks inside it.
inline Axis padded_axis(double lo, double hi, int target) {
    if (!(hi > lo)) {
        const double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
        lo -= pad;
        hi += pad;
    }
    const double p = (hi - lo) * 0.04;
    return nice_axis(lo - p, hi + p, target, false);
}

// ---------------------------------------------------------------- data

/// Checked plot input: bounds of the points and the group of each point.
struct PlotData {
    double xmin = 0, xmax = 0, ymin = 0, ymax = 0;
    std::vector<std::string> groups;       ///< group names in legend order
    std::vector<std::uint32_t> group_of;   ///< group index of each point
    std::vector<std::size_t> group_size;   ///< points per group
    bool labelled = false;
};

/// True when the whole string is an optionally signed decimal integer (so "10" sorts after "9").
inline bool parse_integer_label(const std::string& s, long long& v) {
    if (s.empty() || s.size() > 18) return false;
    auto r = parse_integer(s);
    if (r) v = static_cast<long long>(*r);
    return r.ok();
}

/// Checks points and options, computes bounds and groups. Errors name the row or option at fault.
inline Result<PlotData> prepare_plot(const PointsRef& points, const PlotOptions& opt) {
    const auto n = static_cast<std::size_t>(points.rows());
    if (points.cols() != 2)
        return make_error("expected 2 columns (x, y), got " + std::to_string(points.cols()) +
                          "; reduce the vectors to 2-D first");
    if (n == 0) return make_error("no points to plot");
    if (!opt.labels.empty() && opt.labels.size() != n)
        return make_error(std::to_string(opt.labels.size()) + " labels for " + std::to_string(n) + " points", {},
                          "labels");
    if (!opt.texts.empty() && opt.texts.size() != n)
        return make_error(std::to_string(opt.texts.size()) + " texts for " + std::to_string(n) + " points", {},
                          "texts");
    if (opt.width < 200 || opt.height < 150 || opt.width > 20000 || opt.height > 20000)
        return make_error("width and height must be within 200..20000 and 150..20000 pixels", {}, "size");
    if (!(opt.point_size >= 0 && opt.point_size <= 100)) return make_error("must be within 0..100", {}, "point_size");
    if (!(opt.opacity >= 0 && opt.opacity <= 1)) return make_error("must be within 0..1", {}, "opacity");

    PlotData d;
    d.xmin = d.ymin = INFINITY;
    d.xmax = d.ymax = -INFINITY;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = points(static_cast<Eigen::Index>(i), 0), y = points(static_cast<Eigen::Index>(i), 1);
        if (!std::isfinite(x) || !std::isfinite(y))
            return make_error("point has a non-finite coordinate (" + format_number(x, 'g', 6) + ", " +
                                  format_number(y, 'g', 6) + ")",
                              {}, "row " + std::to_string(i));
        d.xmin = std::min(d.xmin, x);
        d.xmax = std::max(d.xmax, x);
        d.ymin = std::min(d.ymin, y);
        d.ymax = std::max(d.ymax, y);
    }

    d.group_of.assign(n, 0);
    if (opt.labels.empty()) {
        d.groups = {""};
        d.group_size = {n};
        return d;
    }
    d.labelled = true;
    // Groups in a stable, readable order: numeric when every label is an integer, else byte order.
    std::map<std::string, std::uint32_t> index;
    for (const auto& l : opt.labels) index.emplace(l, 0);
    std::vector<std::string> names;
    names.reserve(index.size());
    for (const auto& kv : index) names.push_back(kv.first);
    bool numeric = true;
    long long tmp = 0;
    for (const auto& s : names) numeric = numeric && parse_integer_label(s, tmp);
    if (numeric)
        std::stable_sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
            long long x = 0, y = 0;
            parse_integer_label(a, x);
            parse_integer_label(b, y);
            return x < y;
        });
    for (std::uint32_t g = 0; g < names.size(); ++g) index[names[g]] = g;
    d.groups = std::move(names);
    d.group_size.assign(d.groups.size(), 0);
    for (std::size_t i = 0; i < n; ++i) {
        d.group_of[i] = index[opt.labels[i]];
        ++d.group_size[d.group_of[i]];
    }
    return d;
}

/// Default point radius for n points, in pixels.
inline double auto_point_size(std::size_t n) {
    return n <= 500 ? 4.0 : n <= 2000 ? 3.0 : n <= 10000 ? 2.2 : n <= 50000 ? 1.5 : 1.1;
}
/// Default opacity for n points: denser plots get more see-through points.
inline double auto_opacity(std::size_t n) { return n <= 2000 ? 0.85 : n <= 20000 ? 0.7 : 0.55; }

/// Colour of group g of `count`: Tableau 10, then 10 more distinct hues, then golden-angle hues.
inline std::string group_color(std::size_t g, std::size_t count) {
    static const char* palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                                    "#ff9da7", "#9c755f", "#bab0ac", "#1f3b73", "#a05d00", "#7b0d1e", "#00a6a6",
                                    "#2e6b1f", "#8f7a00", "#5b2c83", "#d6336c", "#4a4a4a", "#0072b2"};
    if (count == 1) return palette[0];
    if (g < 20) return palette[g];
    // HSL with the golden angle, at a medium lightness, for label sets larger than the palette.
    const double h = std::fmod(static_cast<double>(g) * 137.50776, 360.0), s = 0.62, l = g % 2 ? 0.42 : 0.55;
    const double c = (1 - std::abs(2 * l - 1)) * s, hp = h / 60, x = c * (1 - std::abs(std::fmod(hp, 2) - 1));
    double r = 0, gg = 0, b = 0;
    if (hp < 1) { r = c; gg = x; } else if (hp < 2) { r = x; gg = c; } else if (hp < 3) { gg = c; b = x; }
    else if (hp < 4) { gg = x; b = c; } else if (hp < 5) { r = x; b = c; } else { r = c; b = x; }
    const double m = l - c / 2;
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(std::lround((r + m) * 255)),
                  static_cast<int>(std::lround((gg + m) * 255)), static_cast<int>(std::lround((b + m) * 255)));
    return buf;
}

}  // namespace detail
}  // namespace semvec
