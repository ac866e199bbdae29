// SVG scatter plots: every point drawn, legend, axes, escaping, degenerate input, large input.
#include <catch2/catch.hpp>

#include <semvec/plot/svg.hpp>

#include <cstdio>
#include <random>

#include "../test_support.hpp"
#include "plot_test_support.hpp"

using plot_test::between;
using plot_test::count;
using semvec::Matrix;
using semvec::PlotOptions;

namespace {

Matrix random_points(int n, unsigned seed = 7) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0, 3);
    Matrix p(n, 2);
    for (int i = 0; i < n; ++i) {
        p(i, 0) = nd(rng);
        p(i, 1) = nd(rng);
    }
    return p;
}

std::string points_part(const std::string& svg) { return between(svg, "<g class=\"points\"", "\n</g>\n<g class=\"legend\""); }

/// Parses the cx/cy attributes of every point circle.
std::vector<std::pair<double, double>> circle_centres(const std::string& svg) {
    std::vector<std::pair<double, double>> out;
    const std::string part = between(svg, "<g class=\"points\"", "</svg>");
    for (std::size_t p = part.find("<circle cx=\""); p != std::string::npos; p = part.find("<circle cx=\"", p + 1)) {
        const double x = std::strtod(part.c_str() + p + 12, nullptr);
        const auto q = part.find("cy=\"", p);
        out.emplace_back(x, std::strtod(part.c_str() + q + 4, nullptr));
    }
    return out;
}

}  // namespace

TEST_CASE("an SVG plot draws one circle per point inside the frame") {
    const Matrix p = random_points(257);
    PlotOptions o;
    o.labels.resize(257);
    for (int i = 0; i < 257; ++i) o.labels[i] = "group " + std::to_string(i % 5);
    auto svg = semvec::render_svg(p, o);
    REQUIRE(svg.ok());
    REQUIRE(svg->rfind("<?xml", 0) == 0);
    REQUIRE(svg->find("</svg>") != std::string::npos);
    REQUIRE(count(points_part(*svg), "<circle") == 257);
    REQUIRE(count(*svg, "<g class=\"group\"") == 5);
    const auto frame = between(*svg, "<g class=\"axes\"", "</g>");
    REQUIRE(frame.find("<rect") != std::string::npos);
    // Every centre lies within the plot area: left 64, right <= width, top >= 16, bottom = height - 44.
    for (const auto& [x, y] : circle_centres(*svg)) {
        REQUIRE(x >= 64);
        REQUIRE(x <= o.width);
        REQUIRE(y >= 16);
        REQUIRE(y <= o.height - 44);
    }
}

TEST_CASE("the SVG legend lists every label with its count and colour") {
    Matrix p = random_points(6);
    PlotOptions o;
    o.labels = {"cats", "dogs", "cats", "birds", "dogs", "cats"};
    auto svg = semvec::render_svg(p, o);
    REQUIRE(svg.ok());
    const std::string legend = between(*svg, "<g class=\"legend\"", "</g>");
    REQUIRE(legend.find(">birds (1)</text>") != std::string::npos);
    REQUIRE(legend.find(">cats (3)</text>") != std::string::npos);
    REQUIRE(legend.find(">dogs (2)</text>") != std::string::npos);
    REQUIRE(count(legend, "<circle") == 3);
    REQUIRE(svg->find("data-label=\"cats\" fill=\"" + semvec::detail::group_color(1, 3) + "\"") != std::string::npos);
}

TEST_CASE("without labels there is no legend, and many labels are summarized") {
    Matrix p = random_points(100);
    auto plain = semvec::render_svg(p);
    REQUIRE(plain.ok());
    REQUIRE(plain->find("class=\"legend\"") == std::string::npos);

    PlotOptions o;
    for (int i = 0; i < 100; ++i) o.labels.push_back("L" + std::to_string(i % 60));
    o.max_legend_entries = 25;
    auto many = semvec::render_svg(p, o);
    REQUIRE(many.ok());
    const std::string legend = between(*many, "<g class=\"legend\"", "</g>");
    REQUIRE(count(legend, "<circle") == 24);
    REQUIRE(legend.find("and 36 more labels") != std::string::npos);
    REQUIRE(count(points_part(*many), "<circle") == 100);
}

TEST_CASE("user strings in SVG titles, labels and texts are escaped") {
    Matrix p = random_points(2);
    PlotOptions o;
    o.title = "<script>alert('t')</script>";
    o.labels = {"<b>bold</b>", "a&b"};
    o.texts = {"x\"/><script>alert(1)</script>", std::string("bad \xFF utf8 \x01 ctrl")};
    auto svg = semvec::render_svg(p, o);
    REQUIRE(svg.ok());
    REQUIRE(svg->find("<script") == std::string::npos);
    REQUIRE(svg->find("<b>") == std::string::npos);
    REQUIRE(svg->find("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;") != std::string::npos);
    REQUIRE(svg->find("data-label=\"a&amp;b\"") != std::string::npos);
    REQUIRE(svg->find("<title>x&quot;/&gt;&lt;script&gt;alert(1)&lt;/script&gt; [&lt;b&gt;bold&lt;/b&gt;]</title>") !=
            std::string::npos);
    REQUIRE(svg->find("bad \xEF\xBF\xBD utf8  ctrl") != std::string::npos);
    REQUIRE(svg->find('\x01') == std::string::npos);
    REQUIRE(svg->find('\xFF') == std::string::npos);
}

TEST_CASE("identical points and a single point are drawn in the middle of a valid axis") {
    for (int n : {1, 50}) {
        Matrix p(n, 2);
        p.col(0).setConstant(3.25f);
        p.col(1).setConstant(-7.0f);
        auto svg = semvec::render_svg(p);
        REQUIRE(svg.ok());
        const auto centres = circle_centres(*svg);
        REQUIRE(centres.size() == static_cast<std::size_t>(n));
        const double mid_x = (64 + (960 - 20)) / 2.0, mid_y = (16 + (720 - 44)) / 2.0;
        REQUIRE(centres[0].first == Approx(mid_x).margin(60));
        REQUIRE(centres[0].second == Approx(mid_y).margin(60));
        REQUIRE(svg->find("nan") == std::string::npos);
        REQUIRE(svg->find("inf") == std::string::npos);
    }
}

TEST_CASE("a NaN point is refused with the row named, and nothing is written") {
    Matrix p = random_points(10);
    p(4, 0) = std::nanf("");
    const std::string path = semvec_test::temp_path("nan.svg");
    std::remove(path.c_str());
    auto st = semvec::write_svg(path, p);
    REQUIRE_FALSE(st.ok());
    REQUIRE(st.error().what() == "row 4: point has a non-finite coordinate (nan, " +
                                     semvec::detail::format_number(p(4, 1), 'g', 6) + ")");
    REQUIRE(semvec_test::read_file(path).empty());
}

TEST_CASE("write_svg writes the rendered document, and an unwritable path is an error naming it") {
    Matrix p = random_points(20);
    const std::string path = semvec_test::temp_path("plot.svg");
    REQUIRE(semvec::write_svg(path, p).ok());
    REQUIRE(semvec_test::read_file(path) == *semvec::render_svg(p));
    auto st = semvec::write_svg("/no/such/dir/x.svg", p);
    REQUIRE_FALSE(st.ok());
    REQUIRE(st.error().source == "/no/such/dir/x.svg");
}

TEST_CASE("plots accept a Matrix, a MatrixView and a column block without copying by hand") {
    Matrix wide = random_points(30);
    Matrix three(30, 3);
    three.leftCols(2) = wide;
    three.col(2).setZero();
    semvec::MatrixView view(wide.data(), wide.rows(), wide.cols());
    const auto a = semvec::render_svg(wide), b = semvec::render_svg(view), c = semvec::render_svg(three.leftCols(2));
    REQUIRE(a.ok());
    REQUIRE(*a == *b);
    REQUIRE(*a == *c);
}

TEST_CASE("an SVG of 100k points holds every point") {
    const Matrix p = random_points(100000, 3);
    PlotOptions o;
    o.labels = semvec::labels_from_ints(std::vector<int>(100000, 1));
    for (int i = 0; i < 100000; i += 3) o.labels[i] = "2";
    auto svg = semvec::render_svg(p, o);
    REQUIRE(svg.ok());
    REQUIRE(count(points_part(*svg), "<circle") == 100000);
    REQUIRE(svg->size() < 100000 * 60);
}
