#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <set>

#include <semvec/cluster/hdbscan.hpp>
#include <semvec/cluster/metrics.hpp>
#include <semvec/reduce/common.hpp>

#include "test_support_cluster.hpp"

using cluster_test::view;

namespace {
/// Three Gaussian blobs of 60, 40 and 30 points (sd 0.3) plus 12 points spread far apart.
semvec::Matrix blobs(std::vector<std::int32_t>& truth) {
    semvec::detail::Random rng(5);
    const double centre[3][2] = {{0, 0}, {6, 0}, {0, 7}};
    const int sizes[3] = {60, 40, 30};
    semvec::Matrix X(142, 2);
    Eigen::Index r = 0;
    truth.clear();
    for (int c = 0; c < 3; ++c)
        for (int i = 0; i < sizes[c]; ++i, ++r) {
            X(r, 0) = static_cast<float>(centre[c][0] + 0.3 * rng.normal());
            X(r, 1) = static_cast<float>(centre[c][1] + 0.3 * rng.normal());
            truth.push_back(c);
        }
    for (int i = 0; i < 12; ++i, ++r) {
        X(r, 0) = static_cast<float>(-20 + 4 * i);
        X(r, 1) = static_cast<float>(i % 2 ? 25 : -25);
        truth.push_back(-1);
    }
    return X;
}
}  // namespace

TEST_CASE("hdbscan finds three blobs and calls the scattered points noise", "[hdbscan]") {
    std::vector<std::int32_t> truth;
    const semvec::Matrix X = blobs(truth);
    semvec::HdbscanOptions o;
    o.min_cluster_size = 10;
    auto h = semvec::hdbscan(view(X), o);
    REQUIRE(h.ok());
    CHECK(h->clusters == 3);
    CHECK(*semvec::adjusted_rand_index(truth, h->labels) > 0.95);
    for (std::size_t i = 130; i < 142; ++i) CHECK(h->labels[i] == -1);
    for (std::size_t i = 0; i < 142; ++i) {
        CHECK(h->probabilities[i] >= 0.0f);
        CHECK(h->probabilities[i] <= 1.0f);
        if (h->labels[i] == -1) CHECK(h->probabilities[i] == 0.0f);
    }
    // Every blob has a point at its core with probability 1.
    std::set<std::int32_t> full;
    for (std::size_t i = 0; i < 130; ++i)
        if (h->probabilities[i] == 1.0f) full.insert(h->labels[i]);
    CHECK(full.size() == 3);
    // The condensed tree: a root, and each selected cluster has its label.
    REQUIRE(!h->tree.empty());
    CHECK(h->tree[0].parent == -1);
    CHECK(h->tree[0].size == 142);
    std::size_t labelled = 0;
    for (const auto& c : h->tree) labelled += c.label >= 0;
    CHECK(labelled == 3);
}

TEST_CASE("hdbscan does not depend on the thread count or on the row order's labels", "[hdbscan][concurrency]") {
    std::vector<std::int32_t> truth;
    const semvec::Matrix X = blobs(truth);
    semvec::HdbscanOptions o;
    o.min_cluster_size = 8;
    o.min_samples = 4;
    o.threads = 1;
    auto one = semvec::hdbscan(view(X), o);
    o.threads = 3;
    auto three = semvec::hdbscan(view(X), o);
    REQUIRE(one.ok());
    REQUIRE(three.ok());
    CHECK(one->labels == three->labels);
    CHECK(one->probabilities == three->probabilities);
    // Reversed rows: the same partition.
    semvec::Matrix R = X.colwise().reverse();
    auto rev = semvec::hdbscan(view(R), o);
    REQUIRE(rev.ok());
    std::vector<std::int32_t> back(rev->labels.rbegin(), rev->labels.rend());
    CHECK(*semvec::adjusted_rand_index(one->labels, back) == 1.0);
}

TEST_CASE("hdbscan core distances are the (min_samples - 1)-th neighbour distances", "[hdbscan]") {
    semvec::Matrix X(5, 1);
    X << 0, 1, 3, 6, 10;
    semvec::HdbscanOptions o;
    o.min_cluster_size = 2;
    o.min_samples = 3;
    auto h = semvec::hdbscan(view(X), o);
    REQUIRE(h.ok());
    const double expected[5] = {3, 2, 3, 4, 7};
    for (int i = 0; i < 5; ++i) CHECK(h->core_distances[static_cast<std::size_t>(i)] == Approx(expected[i]));
}

TEST_CASE("hdbscan handles duplicates, tiny inputs and cosine distances", "[hdbscan]") {
    semvec::Matrix dup(20, 3);
    for (int i = 0; i < 20; ++i) dup.row(i) << (i < 10 ? 1.f : -1.f), 0.5f, 0.25f;
    auto h = semvec::hdbscan(view(dup), {});
    REQUIRE(h.ok());
    CHECK(h->clusters == 2);
    for (float p : h->probabilities) CHECK(std::isfinite(p));
    semvec::HdbscanOptions o;
    o.metric = semvec::Metric::cosine;
    auto c = semvec::hdbscan(view(dup), o);
    REQUIRE(c.ok());
    CHECK(c->clusters == 2);
    // Fewer rows than min_cluster_size: all noise, not an error.
    const semvec::Matrix three = dup.topRows(3);
    auto t = semvec::hdbscan(view(three), {});
    REQUIRE(t.ok());
    CHECK(t->clusters == 0);
    CHECK(t->labels == std::vector<std::int32_t>(3, -1));
}

TEST_CASE("hdbscan rejects bad input with invalid_argument", "[hdbscan]") {
    const semvec::Matrix empty(0, 2);
    auto e = semvec::hdbscan(view(empty), {});
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code == semvec::ErrorCode::invalid_argument);
    semvec::Matrix X = semvec::Matrix::Random(30, 2);
    X(17, 0) = std::numeric_limits<float>::quiet_NaN();
    auto n = semvec::hdbscan(view(X), {});
    REQUIRE_FALSE(n.ok());
    CHECK(n.error().what().find("row 17") != std::string::npos);
    X(17, 0) = 0;
    semvec::HdbscanOptions o;
    o.min_cluster_size = 1;
    CHECK_FALSE(semvec::hdbscan(view(X), o).ok());
    o.min_cluster_size = 5;
    o.min_samples = 31;
    auto ms = semvec::hdbscan(view(X), o);
    REQUIRE_FALSE(ms.ok());
    CHECK(ms.error().what().find("min_samples = 31") != std::string::npos);
}

TEST_CASE("hdbscan with R's stability gives R dbscan's labels on a UMAP layout of digits", "[hdbscan]") {
    // R dbscan::hdbscan(x, minPts = 15) 1.1-11 on tests/data/cluster/digits_umap2d.npy (see the README there).
    const semvec::Matrix X = cluster_test::load("cluster/digits_umap2d.npy");
    const auto r_labels = cluster_test::load_labels("cluster/digits_umap2d_r15.npy");
    semvec::HdbscanOptions o;
    o.min_cluster_size = 15;
    o.min_samples = 15;
    o.stability = semvec::HdbscanStability::r_dbscan;
    auto h = semvec::hdbscan(view(X), o);
    REQUIRE(h.ok());
    CHECK(*semvec::adjusted_rand_index(r_labels, h->labels) == 1.0);
    // The hdbscan library's stability (the default) differs only where small fragments split off.
    o.stability = semvec::HdbscanStability::hdbscan;
    auto d = semvec::hdbscan(view(X), o);
    REQUIRE(d.ok());
    CHECK(*semvec::adjusted_rand_index(r_labels, d->labels) > 0.95);
}
