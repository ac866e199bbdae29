#include <catch2/catch.hpp>

#include <semvec/io/npy.hpp>
#include <semvec/knn.hpp>

#include "../test_support.hpp"

namespace {
semvec::Matrix digits() {
    auto m = semvec::read_npy(semvec_test::data_path("reduce/digits_X.npy"));
    REQUIRE(m.ok());
    return *m;
}

// Brute force in double, the reference for both methods.
std::vector<std::vector<std::pair<double, int>>> brute(const semvec::Matrix& x, int k, bool cosine) {
    const auto n = x.rows();
    Eigen::MatrixXd xd = x.cast<double>();
    if (cosine)
        for (Eigen::Index i = 0; i < n; ++i) {
            const double nr = xd.row(i).norm();
            if (nr > 0) xd.row(i) /= nr;
        }
    std::vector<std::vector<std::pair<double, int>>> out(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        std::vector<std::pair<double, int>> row;
        for (Eigen::Index j = 0; j < n; ++j)
            if (j != i) {
                const double sq = (xd.row(i) - xd.row(j)).squaredNorm();
                row.emplace_back(cosine ? sq / 2 : std::sqrt(sq), static_cast<int>(j));
            }
        std::partial_sort(row.begin(), row.begin() + k, row.end());
        row.resize(k);
        out[i] = row;
    }
    return out;
}
}  // namespace

TEST_CASE("exact knn matches brute force for euclidean and cosine", "[knn]") {
    const semvec::Matrix x = digits().topRows(400);
    for (bool cosine : {false, true}) {
        semvec::KnnOptions o;
        o.k = 10;
        o.method = semvec::KnnMethod::exact;
        o.metric = cosine ? semvec::Metric::cosine : semvec::Metric::euclidean;
        auto g = semvec::knn(x, o);
        REQUIRE(g.ok());
        const auto ref = brute(x, 10, cosine);
        std::size_t same = 0;
        for (std::size_t i = 0; i < g->n; ++i)
            for (int t = 0; t < 10; ++t) {
                CHECK(g->distances[i * 10 + t] == Approx(ref[i][t].first).margin(1e-4));
                same += g->indices[i * 10 + t] == ref[i][t].second;
                if (t > 0) CHECK(g->distances[i * 10 + t] >= g->distances[i * 10 + t - 1]);
                CHECK(g->indices[i * 10 + t] != static_cast<int>(i));
            }
        CHECK(same >= g->n * 10 * 99 / 100);  // exact up to the order of float near-ties
    }
}

TEST_CASE("approximate knn (NN-descent) reaches high recall@k and is identical across thread counts", "[knn][concurrency]") {
    const semvec::Matrix x = digits();
    for (int k : {15, 90}) {
        semvec::KnnOptions o;
        o.k = k;
        o.method = semvec::KnnMethod::exact;
        auto exact = semvec::knn(x, o);
        REQUIRE(exact.ok());
        o.method = semvec::KnnMethod::approximate;
        o.threads = 1;
        auto a1 = semvec::knn(x, o);
        o.threads = 2;
        auto a2 = semvec::knn(x, o);
        REQUIRE(a1.ok());
        REQUIRE(a2.ok());
        const double recall = semvec::knn_recall(*a1, *exact);
        WARN("NN-descent recall@" << k << " on digits (1797x64): " << recall);
        CHECK(recall >= 0.97);
        CHECK(a1->indices == a2->indices);
        CHECK(a1->distances == a2->distances);
    }
}

TEST_CASE("knn rejects bad input with a clear error", "[knn]") {
    semvec::KnnOptions o;
    o.k = 5;
    semvec::Matrix small(5, 3);
    small.setRandom();
    auto r = semvec::knn(small, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("at least k + 1 = 6 points, got 5") != std::string::npos);
    semvec::Matrix nan(10, 3);
    nan.setRandom();
    nan(7, 1) = std::numeric_limits<float>::quiet_NaN();
    r = semvec::knn(nan, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("row 7") != std::string::npos);
    semvec::Matrix empty(10, 0);
    r = semvec::knn(empty, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("zero dimensions") != std::string::npos);
}

TEST_CASE("duplicate points get distance zero and no NaN", "[knn]") {
    semvec::Matrix x(30, 4);
    x.setRandom();
    for (int i = 10; i < 20; ++i) x.row(i) = x.row(3);
    for (auto method : {semvec::KnnMethod::exact, semvec::KnnMethod::approximate}) {
        semvec::KnnOptions o;
        o.k = 5;
        o.method = method;
        auto g = semvec::knn(x, o);
        REQUIRE(g.ok());
        for (float d : g->distances) CHECK(std::isfinite(d));
        CHECK(g->distances[3 * 5] == 0.0f);
    }
}

TEST_CASE("metric names round-trip and dot is refused as a distance", "[knn]") {
    for (semvec::Metric m : {semvec::Metric::euclidean, semvec::Metric::cosine, semvec::Metric::dot}) {
        auto parsed = semvec::parse_metric(semvec::to_string(m));
        REQUIRE(parsed.ok());
        CHECK(*parsed == m);
    }
    auto bad = semvec::parse_metric("manhattan");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == semvec::ErrorCode::invalid_argument);
    CHECK(bad.error().message.find("manhattan") != std::string::npos);

    semvec::KnnOptions o;
    o.k = 2;
    o.metric = semvec::Metric::dot;
    auto g = semvec::knn(semvec::Matrix::Random(10, 3), o);
    REQUIRE_FALSE(g.ok());
    CHECK(g.error().code == semvec::ErrorCode::invalid_argument);
    CHECK(g.error().message.find("dot") != std::string::npos);
}
