// HTML scatter plots: self-contained, every point in the data, escaping that survives hostile texts.
#include <catch2/catch.hpp>

#include <semvec/plot/html.hpp>

#include <random>

#include "../test_support.hpp"
#include "plot_test_support.hpp"

using plot_test::count;
using semvec::Matrix;
using semvec::PlotOptions;

namespace {

Matrix random_points(int n, unsigned seed = 11) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-50, 50);
    Matrix p(n, 2);
    for (int i = 0; i < n; ++i) {
        p(i, 0) = u(rng);
        p(i, 1) = u(rng);
    }
    return p;
}

}  // namespace

TEST_CASE("the HTML page carries every point, label and text in its data") {
    const int n = 500;
    const Matrix p = random_points(n);
    PlotOptions o;
    o.title = "five hundred";
    for (int i = 0; i < n; ++i) {
        o.labels.push_back(i % 3 == 0 ? "fizz" : "other");
        o.texts.push_back("text " + std::to_string(i));
    }
    auto html = semvec::render_html(p, o);
    REQUIRE(html.ok());
    const auto d = plot_test::html_data(*html);
    REQUIRE_FALSE(d.is_discarded());
    REQUIRE(d["x"].size() == n);
    REQUIRE(d["y"].size() == n);
    REQUIRE(d["g"].size() == n);
    REQUIRE(d["texts"].size() == n);
    REQUIRE(d["groups"] == nlohmann::json::array({"fizz", "other"}));
    REQUIRE(d["counts"] == nlohmann::json::array({167, 333}));
    REQUIRE(d["title"] == "five hundred");
    REQUIRE(d["labelled"] == true);
    for (int i = 0; i < n; ++i) {
        REQUIRE(d["x"][i].get<double>() == Approx(p(i, 0)).epsilon(1e-6));
        REQUIRE(d["y"][i].get<double>() == Approx(p(i, 1)).epsilon(1e-6));
        REQUIRE(d["g"][i].get<int>() == (i % 3 == 0 ? 0 : 1));
        REQUIRE(d["texts"][i] == "text " + std::to_string(i));
    }
    // The home view holds every point.
    const auto& b = d["bounds"];
    REQUIRE(b[0].get<double>() < p.col(0).minCoeff());
    REQUIRE(b[1].get<double>() > p.col(0).maxCoeff());
    REQUIRE(b[2].get<double>() < p.col(1).minCoeff());
    REQUIRE(b[3].get<double>() > p.col(1).maxCoeff());
}

TEST_CASE("the HTML page is self-contained: no external resource and a policy that forbids any") {
    auto html = semvec::render_html(random_points(10));
    REQUIRE(html.ok());
    REQUIRE(html->rfind("<!DOCTYPE html>", 0) == 0);
    REQUIRE(html->find("default-src 'none'") != std::string::npos);
    REQUIRE(html->find("http://") == std::string::npos);
    REQUIRE(html->find("https://") == std::string::npos);
    REQUIRE(html->find(" src=") == std::string::npos);
    REQUIRE(html->find(" href=") == std::string::npos);
    REQUIRE(html->find("@import") == std::string::npos);
    REQUIRE(count(*html, "<script") == 2);
    REQUIRE(count(*html, "</script>") == 2);
}

TEST_CASE("hostile texts, labels and titles cannot inject markup or script into the page") {
    const Matrix p = random_points(4);
    PlotOptions o;
    o.title = "</title><script>alert('title')</script>";
    o.labels = {"</script><script>alert(1)</script>", "<!--", "a\xE2\x80\xA8" "b", "\"'&"};
    o.texts = {"</SCRIPT><img src=x onerror=alert(2)>", "<![CDATA[", std::string("nul\0byte", 8), "bad \xC3 utf8"};
    auto html = semvec::render_html(p, o);
    REQUIRE(html.ok());
    REQUIRE(count(*html, "<script") == 2);
    REQUIRE(count(*html, "</script>") == 2);
    REQUIRE(html->find("</SCRIPT>") == std::string::npos);
    REQUIRE(html->find("<img") == std::string::npos);
    REQUIRE(html->find("<!--") == std::string::npos);
    REQUIRE(html->find("\xE2\x80\xA8") == std::string::npos);
    REQUIRE(html->find("<title>&lt;/title&gt;&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;</title>") !=
            std::string::npos);
    // The strings survive the round trip through JSON unchanged (invalid UTF-8 as U+FFFD).
    const auto d = plot_test::html_data(*html);
    REQUIRE_FALSE(d.is_discarded());
    REQUIRE(d["title"] == o.title);
    REQUIRE(d["texts"][0] == o.texts[0]);
    REQUIRE(d["texts"][2] == o.texts[2]);
    REQUIRE(d["texts"][3] == "bad \xEF\xBF\xBD utf8");
    std::vector<std::string> groups = d["groups"].get<std::vector<std::string>>();
    std::vector<std::string> expected = o.labels;
    std::sort(expected.begin(), expected.end());
    REQUIRE(groups == expected);
    // The script never interprets strings as markup.
    REQUIRE(html->find("innerHTML") == std::string::npos);
    REQUIRE(html->find("eval(") == std::string::npos);
}

TEST_CASE("the HTML page handles one point, identical points, and no labels or texts") {
    Matrix one(1, 2);
    one << 4, 4;
    auto h1 = semvec::render_html(one);
    REQUIRE(h1.ok());
    auto d = plot_test::html_data(*h1);
    REQUIRE(d["x"].size() == 1);
    REQUIRE(d["labelled"] == false);
    REQUIRE(d["texts"].is_null());
    REQUIRE(d["bounds"][0].get<double>() < 4);
    REQUIRE(d["bounds"][1].get<double>() > 4);

    Matrix same = Matrix::Zero(20, 2);
    d = plot_test::html_data(*semvec::render_html(same));
    REQUIRE(d["bounds"][0].get<double>() < 0);
    REQUIRE(d["bounds"][1].get<double>() > 0);

    Matrix bad = one;
    bad(0, 1) = -std::numeric_limits<float>::infinity();
    auto err = semvec::render_html(bad);
    REQUIRE_FALSE(err.ok());
    REQUIRE_THAT(err.error().what(), Catch::StartsWith("row 0: point has a non-finite coordinate"));
}

TEST_CASE("write_html writes the page to a file") {
    const Matrix p = random_points(30);
    const std::string path = semvec_test::temp_path("plot.html");
    REQUIRE(semvec::write_html(path, p).ok());
    REQUIRE(semvec_test::read_file(path) == *semvec::render_html(p));
}

TEST_CASE("an HTML page of 100k labelled points with texts holds every point") {
    const int n = 100000;
    const Matrix p = random_points(n, 5);
    PlotOptions o;
    o.labels.reserve(n);
    o.texts.reserve(n);
    for (int i = 0; i < n; ++i) {
        o.labels.push_back(std::to_string(i % 10));
        o.texts.push_back("t" + std::to_string(i));
    }
    auto html = semvec::render_html(p, o);
    REQUIRE(html.ok());
    const auto d = plot_test::html_data(*html);
    REQUIRE(d["x"].size() == n);
    REQUIRE(d["texts"].size() == n);
    REQUIRE(d["texts"][n - 1] == "t99999");
    REQUIRE(d["counts"][9] == n / 10);
    REQUIRE(html->size() < 40u * n);
}
