#include <catch2/catch.hpp>

#include <limits>

#include <semvec/cluster/metrics.hpp>

#include "test_support_cluster.hpp"

using cluster_test::view;

namespace {
// Two labelings with noise (-1), unequal sizes and a label only one side uses.
const std::vector<std::int32_t> kA = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3, -1, -1, 0, 1, 2, 3, 3, 3};
const std::vector<std::int32_t> kB = {1, 1, 0, 0, 2, 2, 2, 2, 2, 5, 5, 5, 5, -1, 1, 0, 2, 5, 5, 7};
}  // namespace

TEST_CASE("label agreement scores equal scikit-learn's", "[cluster_metrics]") {
    // sklearn.metrics 1.2.1 on kA, kB.
    CHECK(*semvec::adjusted_rand_index(kA, kB) == Approx(0.38047326253027763).margin(1e-12));
    CHECK(*semvec::normalized_mutual_info(kA, kB) == Approx(0.6462267605802479).margin(1e-12));
    const auto v = *semvec::v_measure(kA, kB);
    CHECK(v.homogeneity == Approx(0.6511568255883495).margin(1e-12));
    CHECK(v.completeness == Approx(0.6413707880173161).margin(1e-12));
    CHECK(v.v_measure == Approx(0.6462267605802479).margin(1e-12));
    CHECK(semvec::v_measure(kA, kB, 2.0)->v_measure == Approx(0.6445999534630731).margin(1e-12));
}

TEST_CASE("identical partitions score 1 whatever the label names", "[cluster_metrics]") {
    std::vector<std::int32_t> renamed;
    for (auto l : kA) renamed.push_back(l * 10 + 3);
    CHECK(*semvec::adjusted_rand_index(kA, renamed) == 1.0);
    CHECK(*semvec::normalized_mutual_info(kA, renamed) == Approx(1.0));
    CHECK(semvec::v_measure(kA, renamed)->v_measure == Approx(1.0));
    const std::vector<std::int32_t> one(5, 0), also_one(5, 2);
    CHECK(*semvec::adjusted_rand_index(one, also_one) == 1.0);
    CHECK(*semvec::normalized_mutual_info(one, also_one) == 1.0);
}

TEST_CASE("label agreement scores reject mismatched or empty labelings", "[cluster_metrics]") {
    const std::vector<std::int32_t> shorter(kA.begin(), kA.end() - 1), none;
    auto r = semvec::adjusted_rand_index(kA, shorter);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == semvec::ErrorCode::invalid_argument);
    CHECK(r.error().what().find("20 true labels but 19 predicted") != std::string::npos);
    CHECK_FALSE(semvec::normalized_mutual_info(none, none).ok());
    CHECK_FALSE(semvec::v_measure(kA, kB, -1.0).ok());
}

TEST_CASE("the silhouette equals scikit-learn's for euclidean and cosine distances", "[cluster_metrics]") {
    // sklearn.metrics.silhouette_score 1.2.1 on the first 300 digits (float64) with their true labels.
    const semvec::Matrix X = cluster_test::load("reduce/digits_X.npy").topRows(300);
    auto y = cluster_test::load_labels("reduce/digits_y.npy");
    y.resize(300);
    CHECK(*semvec::silhouette_score(view(X), y) == Approx(0.23162889495029484).margin(1e-9));
    CHECK(*semvec::silhouette_score(view(X), y, semvec::Metric::cosine) == Approx(0.37123887659772026).margin(1e-9));
    // Thread count does not change it.
    CHECK(*semvec::silhouette_score(view(X), y, semvec::Metric::euclidean, 3) ==
          *semvec::silhouette_score(view(X), y, semvec::Metric::euclidean, 1));
}

TEST_CASE("the silhouette needs 2 to N - 1 labels and finite values", "[cluster_metrics]") {
    semvec::Matrix X(4, 2);
    X << 0, 0, 1, 0, 0, 1, 5, 5;
    auto one = semvec::silhouette_score(view(X), {0, 0, 0, 0});
    REQUIRE_FALSE(one.ok());
    CHECK(one.error().code == semvec::ErrorCode::invalid_argument);
    CHECK_FALSE(semvec::silhouette_score(view(X), {0, 1, 2, 3}).ok());
    CHECK_FALSE(semvec::silhouette_score(view(X), {0, 1}).ok());
    X(2, 1) = std::numeric_limits<float>::infinity();
    CHECK_FALSE(semvec::silhouette_score(view(X), {0, 0, 1, 1}).ok());
}
