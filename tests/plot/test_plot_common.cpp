// Shared plot machinery: nice axis ticks, number formatting, escaping, input checks and groups.
#include <catch2/catch.hpp>

#include <semvec/plot/common.hpp>

#include <cmath>
#include <limits>

using semvec::Matrix;
using semvec::PlotOptions;
namespace detail = semvec::detail;

TEST_CASE("nice axis ticks are 1, 2 or 5 times a power of ten and cover the data") {
    struct Case { double lo, hi; };
    for (Case c : {Case{0, 1}, Case{-15.3, 12.9}, Case{0.0012, 0.0071}, Case{-1e-7, 3e-7}, Case{1e9, 7.5e9},
                   Case{-3, -2.5}, Case{123.4, 123.9}}) {
        const auto a = detail::nice_axis(c.lo, c.hi, 6);
        CAPTURE(c.lo, c.hi, a.step);
        REQUIRE(a.lo <= c.lo);
        REQUIRE(a.hi >= c.hi);
        REQUIRE(a.ticks.size() >= 3);
        REQUIRE(a.ticks.size() <= 13);
        const double mant = a.step / std::pow(10.0, std::floor(std::log10(a.step) + 1e-9));
        REQUIRE((std::abs(mant - 1) < 1e-9 || std::abs(mant - 2) < 1e-9 || std::abs(mant - 5) < 1e-9));
        REQUIRE(a.ticks.size() == a.tick_labels.size());
        // Labels are distinct (enough decimals) and never "-0".
        for (std::size_t i = 1; i < a.tick_labels.size(); ++i) REQUIRE(a.tick_labels[i] != a.tick_labels[i - 1]);
        for (const auto& l : a.tick_labels) REQUIRE(l != "-0");
    }
}

TEST_CASE("tick labels use as many decimals as the step needs") {
    const auto a = detail::nice_axis(0, 1, 5);
    REQUIRE(a.step == Approx(0.2));
    REQUIRE(a.tick_labels.front() == "0.0");
    REQUIRE(a.tick_labels.back() == "1.0");
    const auto b = detail::nice_axis(-20, 20, 4);
    REQUIRE(b.tick_labels.front() == "-20");
    REQUIRE(std::find(b.tick_labels.begin(), b.tick_labels.end(), "0") != b.tick_labels.end());
    const auto big = detail::nice_axis(0, 3e12, 5);
    REQUIRE(big.tick_labels.back().find('e') != std::string::npos);
}

TEST_CASE("a zero-width range is widened so a single value still gets an axis") {
    const auto z = detail::nice_axis(0, 0);
    REQUIRE(z.lo <= -1);
    REQUIRE(z.hi >= 1);
    const auto v = detail::nice_axis(5, 5);
    REQUIRE(v.lo < 5);
    REQUIRE(v.hi > 5);
    REQUIRE(v.hi - v.lo < 5);
    const auto tiny = detail::nice_axis(1e-30, 1e-30);
    REQUIRE(tiny.hi > tiny.lo);
    REQUIRE(std::isfinite(tiny.step));
}

TEST_CASE("numbers are formatted with a decimal point whatever the locale") {
    REQUIRE(detail::format_number(1.5, 'f', 2) == "1.50");
    REQUIRE(detail::format_number(-0.0001, 'f', 2) == "0.00");
    std::string s;
    detail::append_coord(s, 12.34);
    s += ' ';
    detail::append_coord(s, -0.96);
    s += ' ';
    detail::append_coord(s, 7.0);
    REQUIRE(s == "12.3 -1 7");
}

TEST_CASE("invalid UTF-8 becomes U+FFFD and valid UTF-8 passes unchanged") {
    REQUIRE(detail::sanitize_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    REQUIRE(detail::sanitize_utf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
    REQUIRE(detail::sanitize_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");        // overlong '/'
    REQUIRE(detail::sanitize_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
    REQUIRE(detail::sanitize_utf8("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");        // truncated
}

TEST_CASE("XML escaping covers markup characters and drops forbidden control characters") {
    REQUIRE(detail::xml_escape("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    REQUIRE(detail::xml_escape(std::string("a\0b\x01\x1F" "c", 6)) == "abc");
    REQUIRE(detail::xml_escape("line\nnext") == "line&#10;next");
    REQUIRE(detail::xml_escape("\xEF\xBF\xBF!") == "!");
}

TEST_CASE("JSON strings cannot close a script element or break a JavaScript line") {
    const std::string j = detail::json_string("</script><!-- \"q\" \\ & \xE2\x80\xA8 \x01");
    REQUIRE(j.find('<') == std::string::npos);
    REQUIRE(j.find('>') == std::string::npos);
    REQUIRE(j.find('&') == std::string::npos);
    REQUIRE(j.find("\xE2\x80\xA8") == std::string::npos);
    REQUIRE(j == "\"\\u003c/script\\u003e\\u003c!-- \\\"q\\\" \\\\ \\u0026 \\u2028 \\u0001\"");
}

TEST_CASE("plot input is checked: shape, finiteness and option sizes, with the row or option named") {
    Matrix p(3, 2);
    p << 0, 0, 1, 1, 2, 2;
    PlotOptions o;
    REQUIRE(detail::prepare_plot(p, o).ok());

    Matrix three(3, 3);
    three.setZero();
    auto r = detail::prepare_plot(three, o);
    REQUIRE_FALSE(r.ok());
    REQUIRE_THAT(r.error().what(), Catch::Contains("expected 2 columns"));

    Matrix none(0, 2);
    REQUIRE_THAT(detail::prepare_plot(none, o).error().what(), Catch::Contains("no points"));

    Matrix bad = p;
    bad(2, 1) = std::numeric_limits<float>::quiet_NaN();
    r = detail::prepare_plot(bad, o);
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.error().item == "row 2");
    REQUIRE_THAT(r.error().what(), Catch::Contains("non-finite") && Catch::Contains("nan"));
    bad(2, 1) = std::numeric_limits<float>::infinity();
    REQUIRE(detail::prepare_plot(bad, o).error().item == "row 2");

    o.labels = {"a", "b"};
    r = detail::prepare_plot(p, o);
    REQUIRE(r.error().what() == "labels: 2 labels for 3 points");
    o.labels.clear();
    o.texts = {"a", "b", "c", "d"};
    REQUIRE(detail::prepare_plot(p, o).error().what() == "texts: 4 texts for 3 points");
    o.texts.clear();
    o.width = 10;
    REQUIRE_FALSE(detail::prepare_plot(p, o).ok());
}

TEST_CASE("groups are ordered numerically for integer labels and by name otherwise") {
    Matrix p = Matrix::Zero(5, 2);
    PlotOptions o;
    o.labels = semvec::labels_from_ints(std::vector<int>{10, 2, -1, 2, 10});
    auto d = detail::prepare_plot(p, o);
    REQUIRE(d->groups == std::vector<std::string>{"-1", "2", "10"});
    REQUIRE(d->group_of == std::vector<std::uint32_t>{2, 1, 0, 1, 2});
    REQUIRE(d->group_size == std::vector<std::size_t>{1, 2, 2});
    o.labels = {"food", "animals", "food", "2", "animals"};
    d = detail::prepare_plot(p, o);
    REQUIRE(d->groups == std::vector<std::string>{"2", "animals", "food"});
}

TEST_CASE("the first twenty groups get distinct colours and later ones valid hex colours") {
    std::vector<std::string> seen;
    for (std::size_t g = 0; g < 20; ++g) {
        const auto c = detail::group_color(g, 40);
        REQUIRE(std::find(seen.begin(), seen.end(), c) == seen.end());
        seen.push_back(c);
    }
    for (std::size_t g = 20; g < 200; ++g) {
        const auto c = detail::group_color(g, 200);
        REQUIRE(c.size() == 7);
        REQUIRE(c[0] == '#');
        REQUIRE(c.find_first_not_of("0123456789abcdef", 1) == std::string::npos);
    }
}
