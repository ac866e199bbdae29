// semvec/plot/svg.hpp — a 2-D scatter plot as a standalone SVG file (no dependencies, no scripts).
//
// Points are coloured by label and grouped in one <g> per label (so an editor can restyle a group), with a
// legend, a frame, grid lines and "nice" ticks that fit the data. Texts, when given, become each point's
// <title> (the browser's tooltip). Every user string is XML-escaped.
#pragma once

#include <algorithm>
#include <string>

#include "common.hpp"

namespace semvec {

namespace detail {

/// Geometry shared by the SVG renderer: where the plot area sits and how data maps onto it.
struct SvgLayout {
    double left = 0, right = 0, top = 0, bottom = 0;  // plot area in pixels
    Axis x, y;
    double sx(double v) const { return left + (v - x.lo) / (x.hi - x.lo) * (right - left); }
    double sy(double v) const { return bottom - (v - y.lo) / (y.hi - y.lo) * (bottom - top); }
};

inline SvgLayout svg_layout(const PlotData& d, const PlotOptions& opt, double legend_width) {
    SvgLayout L;
    L.left = 64;
    L.right = opt.width - legend_width - 20;
    L.top = opt.title.empty() ? 16 : 48;
    L.bottom = opt.height - 44.0;
    // The frame is the data padded by 4 % (so that points at the extremes are not cut), not rounded out to
    // whole ticks: rounding out can leave a third of the plot empty.
    L.x = padded_axis(d.xmin, d.xmax, std::max(2, static_cast<int>((L.right - L.left) / 90)));
    L.y = padded_axis(d.ymin, d.ymax, std::max(2, static_cast<int>((L.bottom - L.top) / 60)));
    return L;
}

}  // namespace detail

/// Renders the points (N×2) as an SVG document. Fails on a wrong shape, non-finite points, or options
/// whose sizes do not match N; the error names the row or option.
inline Result<std::string> render_svg(const PointsRef& points, const PlotOptions& opt = {}) {
    auto prepared = detail::prepare_plot(points, opt);
    if (!prepared) return prepared.error();
    const detail::PlotData& d = *prepared;
    const std::size_t n = static_cast<std::size_t>(points.rows());
    const std::size_t groups = d.groups.size();

    // Legend: one line per group up to the limit (and what fits vertically), then a summary line.
    constexpr std::size_t kLegendChars = 28;
    double legend_width = 0;
    std::vector<std::string> legend_names;
    if (d.labelled) {
        std::size_t longest = 0;
        for (std::size_t g = 0; g < groups; ++g) {
            legend_names.push_back(detail::utf8_truncate(detail::sanitize_utf8(d.groups[g]), kLegendChars) + " (" +
                                   std::to_string(d.group_size[g]) + ")");
            longest = std::max(longest, detail::utf8_length(legend_names.back()));
        }
        legend_width = std::min(280.0, 36 + 7.0 * static_cast<double>(longest));
    }
    const detail::SvgLayout L = detail::svg_layout(d, opt, legend_width);
    const double radius = opt.point_size > 0 ? opt.point_size : detail::auto_point_size(n);
    const double alpha = opt.opacity > 0 ? opt.opacity : detail::auto_opacity(n);

    std::string s;
    s.reserve(512 + n * (opt.texts.empty() ? 44 : 90));
    const std::string W = std::to_string(opt.width), H = std::to_string(opt.height);
    s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + W + "\" height=\"" + H + "\" viewBox=\"0 0 " + W +
         " " + H + "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
    if (!opt.title.empty()) s += "<title>" + detail::xml_escape(opt.title) + "</title>\n";
    s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
    if (!opt.title.empty()) {
        s += "<text class=\"title\" x=\"";
        detail::append_coord(s, (L.left + L.right) / 2);
        s += "\" y=\"30\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\" fill=\"#222\">" +
             detail::xml_escape(opt.title) + "</text>\n";
    }

    // Grid and ticks.
    auto line = [&s](double x1, double y1, double x2, double y2) {
        s += "<line x1=\"";
        detail::append_coord(s, x1);
        s += "\" y1=\"";
        detail::append_coord(s, y1);
        s += "\" x2=\"";
        detail::append_coord(s, x2);
        s += "\" y2=\"";
        detail::append_coord(s, y2);
        s += "\"/>";
    };
    s += "<g class=\"grid\" stroke=\"#ececec\" stroke-width=\"1\">";
    for (double t : L.x.ticks) line(L.sx(t), L.top, L.sx(t), L.bottom);
    for (double t : L.y.ticks) line(L.left, L.sy(t), L.right, L.sy(t));
    s += "</g>\n<g class=\"axes\" stroke=\"#555\" stroke-width=\"1\">";
    for (double t : L.x.ticks) line(L.sx(t), L.bottom, L.sx(t), L.bottom + 5);
    for (double t : L.y.ticks) line(L.left - 5, L.sy(t), L.left, L.sy(t));
    s += "<rect x=\"";
    detail::append_coord(s, L.left);
    s += "\" y=\"";
    detail::append_coord(s, L.top);
    s += "\" width=\"";
    detail::append_coord(s, L.right - L.left);
    s += "\" height=\"";
    detail::append_coord(s, L.bottom - L.top);
    s += "\" fill=\"none\"/></g>\n<g class=\"ticks\" fill=\"#444\" font-size=\"11\">";
    for (std::size_t i = 0; i < L.x.ticks.size(); ++i) {
        s += "<text x=\"";
        detail::append_coord(s, L.sx(L.x.ticks[i]));
        s += "\" y=\"";
        detail::append_coord(s, L.bottom + 18);
        s += "\" text-anchor=\"middle\">" + L.x.tick_labels[i] + "</text>";
    }
    for (std::size_t i = 0; i < L.y.ticks.size(); ++i) {
        s += "<text x=\"";
        detail::append_coord(s, L.left - 8);
        s += "\" y=\"";
        detail::append_coord(s, L.sy(L.y.ticks[i]) + 4);
        s += "\" text-anchor=\"end\">" + L.y.tick_labels[i] + "</text>";
    }
    s += "</g>\n";

    // Points, one group per label so that each group's colour is set once.
    std::vector<std::vector<std::uint32_t>> members(groups);
    for (std::size_t i = 0; i < n; ++i) members[d.group_of[i]].push_back(static_cast<std::uint32_t>(i));
    std::string r;
    detail::append_coord(r, radius);
    s += "<g class=\"points\" fill-opacity=\"" + detail::format_number(alpha, 'f', 2) + "\">\n";
    for (std::size_t g = 0; g < groups; ++g) {
        s += "<g class=\"group\"";
        if (d.labelled) s += " data-label=\"" + detail::xml_escape(d.groups[g]) + "\"";
        s += " fill=\"" + detail::group_color(g, groups) + "\">";
        for (std::uint32_t i : members[g]) {
            s += "<circle cx=\"";
            detail::append_coord(s, L.sx(points(i, 0)));
            s += "\" cy=\"";
            detail::append_coord(s, L.sy(points(i, 1)));
            s += "\" r=\"" + r + "\"";
            if (opt.texts.empty()) {
                s += "/>";
            } else {
                s += "><title>" + detail::xml_escape(opt.texts[i]);
                if (d.labelled) s += " [" + detail::xml_escape(d.groups[g]) + "]";
                s += "</title></circle>";
            }
            s += '\n';
        }
        s += "</g>\n";
    }
    s += "</g>\n";

    // Legend.
    if (d.labelled) {
        const double lx = opt.width - legend_width - 4, row = 18;
        const std::size_t fits = static_cast<std::size_t>(std::max(1.0, (L.bottom - L.top) / row - 1));
        std::size_t shown = std::min<std::size_t>({groups, static_cast<std::size_t>(std::max(1, opt.max_legend_entries)), fits});
        if (shown < groups && shown > 1) --shown;  // room for the summary line
        s += "<g class=\"legend\" font-size=\"12\" fill=\"#222\">";
        for (std::size_t g = 0; g < shown; ++g) {
            const double y = L.top + 10 + row * static_cast<double>(g);
            s += "<circle cx=\"";
            detail::append_coord(s, lx + 8);
            s += "\" cy=\"";
            detail::append_coord(s, y);
            s += "\" r=\"5\" fill=\"" + detail::group_color(g, groups) + "\"/><text x=\"";
            detail::append_coord(s, lx + 20);
            s += "\" y=\"";
            detail::append_coord(s, y + 4);
            s += "\">" + detail::xml_escape(legend_names[g]) + "</text>\n";
        }
        if (shown < groups) {
            s += "<text x=\"";
            detail::append_coord(s, lx + 4);
            s += "\" y=\"";
            detail::append_coord(s, L.top + 14 + row * static_cast<double>(shown));
            s += "\" fill=\"#666\">\xE2\x80\xA6 and " + std::to_string(groups - shown) + " more labels</text>\n";
        }
        s += "</g>\n";
    }
    s += "</svg>\n";
    return s;
}

/// Writes the plot to an SVG file at `path` (see render_svg).
inline Status write_svg(const std::string& path, const PointsRef& points, const PlotOptions& opt = {}) {
    auto svg = render_svg(points, opt);
    if (!svg) return svg.error();  // an input error: it concerns the points, not the output path
    return detail::write_file_atomic(path, *svg);
}

}  // namespace semvec
