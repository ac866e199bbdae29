#include <catch2/catch.hpp>

#include <semvec/io/npy.hpp>
#include <semvec/reduce/metrics.hpp>

#include "../test_support.hpp"

namespace {
semvec::Matrix load(const char* name) {
    auto m = semvec::read_npy(semvec_test::data_path(std::string("reduce/") + name));
    REQUIRE(m.ok());
    return *m;
}
}  // namespace

TEST_CASE("trustworthiness equals scikit-learn's on a fixed layout", "[metrics]") {
    // Values from sklearn.manifold.trustworthiness 1.2.1 on tests/data/reduce/metric_{X,Y}.npy (float64).
    const semvec::Matrix X = load("metric_X.npy"), Y = load("metric_Y.npy");
    CHECK(*semvec::trustworthiness(X, Y, 5) == Approx(0.6486666666666667).margin(1e-9));
    CHECK(*semvec::trustworthiness(X, Y, 10) == Approx(0.6454281842818428).margin(1e-9));
    CHECK(*semvec::trustworthiness(X, Y, 10, semvec::Metric::cosine) == Approx(0.6527018970189702).margin(1e-9));
}

TEST_CASE("a layout equal to its input is perfectly trustworthy and preserves every neighbour", "[metrics]") {
    const semvec::Matrix X = load("metric_X.npy");
    const semvec::Matrix Y = X.leftCols(2);
    CHECK(*semvec::trustworthiness(Y, Y, 10) == Approx(1.0));
    CHECK(*semvec::knn_preservation(Y, Y, 10) == Approx(1.0));
}

TEST_CASE("metrics reject mismatched shapes and bad k", "[metrics]") {
    const semvec::Matrix X = load("metric_X.npy");
    const semvec::Matrix Y = X.topRows(10);
    auto r = semvec::trustworthiness(X, Y, 5);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("X has 200 rows but Y has 10") != std::string::npos);
    CHECK_FALSE(semvec::trustworthiness(X, X, 150).ok());
    CHECK_FALSE(semvec::knn_preservation(X, X, 0).ok());
}

TEST_CASE("kNN label accuracy counts majority votes of layout neighbours", "[metrics]") {
    semvec::Matrix Y(6, 2);
    Y << 0, 0, 0.1f, 0, 0.2f, 0, 10, 10, 10.1f, 10, 10.2f, 10;
    std::vector<std::int64_t> labels{1, 1, 1, 2, 2, 1};
    auto acc = semvec::knn_label_accuracy(semvec::MatrixView(Y.data(), Y.rows(), Y.cols()), labels, 2);
    REQUIRE(acc.ok());
    // Points 0-2 are right; 3 and 4 see labels {2, 1}: a tie goes to 1 (wrong); 5 sees {2, 2} (wrong).
    CHECK(*acc == Approx(3.0 / 6.0));
}
