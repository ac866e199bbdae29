#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <semvec/cluster/kmeans.hpp>
#include <semvec/cluster/metrics.hpp>

#include "test_support_cluster.hpp"

using cluster_test::view;

namespace {
const semvec::Matrix& digits() {
    static const semvec::Matrix X = cluster_test::load("reduce/digits_X.npy");
    return X;
}
}  // namespace

TEST_CASE("kmeans on digits reaches scikit-learn's inertia", "[kmeans]") {
    // sklearn.cluster.KMeans(10, n_init=10) 1.2.1 on tests/data/reduce/digits_X.npy: inertia 1165177 with
    // random_state 0 and 2, 1165289 with 1 (tests/cluster/check_kmeans_sklearn.py reruns it live).
    auto km = semvec::kmeans(view(digits()), 10);
    REQUIRE(km.ok());
    CHECK(km->inertia <= 1165177.0 * 1.005);
    CHECK(km->centroids.rows() == 10);
    CHECK(km->centroids.cols() == 64);
    REQUIRE(km->labels.size() == 1797);
    // The inertia is what the labels and centroids say.
    double inertia = 0;
    for (std::size_t i = 0; i < km->labels.size(); ++i)
        inertia += (digits().row(static_cast<Eigen::Index>(i)).cast<double>() -
                    km->centroids.row(km->labels[i]).cast<double>()).squaredNorm();
    CHECK(km->inertia == Approx(inertia).epsilon(1e-6));
    // And the clusters follow the digits.
    const auto truth = cluster_test::load_labels("reduce/digits_y.npy");
    CHECK(*semvec::adjusted_rand_index(truth, km->labels) > 0.6);
}

TEST_CASE("kmeans gives bit-identical results for any thread count", "[kmeans][concurrency]") {
    for (auto algorithm : {semvec::KMeansAlgorithm::hamerly, semvec::KMeansAlgorithm::lloyd}) {
        semvec::KMeansOptions o;
        o.algorithm = algorithm;
        o.restarts = 3;
        o.threads = 1;
        auto one = semvec::kmeans(view(digits()), 7, o);
        REQUIRE(one.ok());
        for (unsigned t : {2u, 3u, 5u}) {
            o.threads = t;
            auto many = semvec::kmeans(view(digits()), 7, o);
            REQUIRE(many.ok());
            CHECK(many->labels == one->labels);
            CHECK(many->centroids == one->centroids);
            CHECK(many->inertia == one->inertia);
            CHECK(many->restart == one->restart);
        }
    }
}

TEST_CASE("Hamerly's bounds give the same clustering as plain Lloyd", "[kmeans]") {
    semvec::KMeansOptions o;
    o.restarts = 4;
    auto fast = semvec::kmeans(view(digits()), 10, o);
    o.algorithm = semvec::KMeansAlgorithm::lloyd;
    auto plain = semvec::kmeans(view(digits()), 10, o);
    REQUIRE(fast.ok());
    REQUIRE(plain.ok());
    CHECK(fast->labels == plain->labels);
    CHECK(fast->iterations == plain->iterations);
    CHECK(fast->inertia == Approx(plain->inertia).epsilon(1e-9));
}

TEST_CASE("a different seed may give another clustering, the same seed always the same", "[kmeans]") {
    semvec::KMeansOptions o;
    o.restarts = 1;
    o.seed = 7;
    auto a = semvec::kmeans(view(digits()), 10, o);
    auto b = semvec::kmeans(view(digits()), 10, o);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->labels == b->labels);
}

TEST_CASE("spherical kmeans has unit centroids and scores 1 - cos", "[kmeans]") {
    semvec::KMeansOptions o;
    o.metric = semvec::Metric::cosine;
    o.restarts = 2;
    auto km = semvec::kmeans(view(digits()), 10, o);
    REQUIRE(km.ok());
    for (Eigen::Index j = 0; j < km->centroids.rows(); ++j) CHECK(km->centroids.row(j).norm() == Approx(1.0).epsilon(1e-5));
    double score = 0;
    for (std::size_t i = 0; i < km->labels.size(); ++i) {
        const Eigen::RowVectorXd x = digits().row(static_cast<Eigen::Index>(i)).cast<double>().normalized();
        score += 1.0 - x.dot(km->centroids.row(km->labels[i]).cast<double>());
    }
    CHECK(km->inertia == Approx(score).epsilon(1e-5));
    auto pred = semvec::kmeans_predict(view(km->centroids), view(digits()), semvec::Metric::cosine);
    REQUIRE(pred.ok());
    CHECK(*pred == km->labels);
}

TEST_CASE("kmeans_predict labels rows by their nearest centroid", "[kmeans]") {
    auto km = semvec::kmeans(view(digits()), 5);
    REQUIRE(km.ok());
    auto pred = semvec::kmeans_predict(view(km->centroids), view(digits()));
    REQUIRE(pred.ok());
    CHECK(*pred == km->labels);
    const semvec::Matrix wrong = semvec::Matrix::Zero(3, 5);
    auto bad = semvec::kmeans_predict(view(km->centroids), view(wrong));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == semvec::ErrorCode::invalid_argument);
}

TEST_CASE("kmeans with k = N puts every distinct point alone and k = 1 takes the mean", "[kmeans]") {
    semvec::Matrix X(4, 2);
    X << 0, 0, 1, 0, 0, 1, 5, 5;
    auto all = semvec::kmeans(view(X), 4);
    REQUIRE(all.ok());
    CHECK(all->inertia == 0.0);
    auto one = semvec::kmeans(view(X), 1);
    REQUIRE(one.ok());
    CHECK(one->centroids(0, 0) == Approx(1.5));
    CHECK(one->centroids(0, 1) == Approx(1.5));
}

TEST_CASE("kmeans relocates an empty cluster instead of losing it", "[kmeans]") {
    // Six copies of two points and k = 3: one centre has no distinct point to take, yet every label is valid.
    semvec::Matrix X(6, 1);
    X << 0, 0, 0, 10, 10, 10;
    auto km = semvec::kmeans(view(X), 3);
    REQUIRE(km.ok());
    for (auto l : km->labels) CHECK((l >= 0 && l < 3));
    CHECK(km->inertia == Approx(0.0).margin(1e-9));
}

TEST_CASE("kmeans rejects bad input with invalid_argument", "[kmeans]") {
    const semvec::Matrix small = digits().topRows(5);
    auto too_many = semvec::kmeans(view(small), 6);
    REQUIRE_FALSE(too_many.ok());
    CHECK(too_many.error().code == semvec::ErrorCode::invalid_argument);
    CHECK(too_many.error().what().find("k = 6 is more than the 5 rows") != std::string::npos);
    const semvec::Matrix empty(0, 4);
    auto e = semvec::kmeans(view(empty), 1);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().what().find("no rows") != std::string::npos);
    semvec::Matrix nan = small;
    nan(3, 2) = std::numeric_limits<float>::quiet_NaN();
    auto n = semvec::kmeans(view(nan), 2);
    REQUIRE_FALSE(n.ok());
    CHECK(n.error().code == semvec::ErrorCode::invalid_argument);
    CHECK(n.error().what().find("row 3") != std::string::npos);
    CHECK_FALSE(semvec::kmeans(view(small), 0).ok());
    semvec::KMeansOptions o;
    o.restarts = 0;
    CHECK_FALSE(semvec::kmeans(view(small), 2, o).ok());
    CHECK_FALSE(semvec::minibatch_kmeans(view(small), 6).ok());
    CHECK_FALSE(semvec::minibatch_kmeans(view(nan), 2).ok());
}

TEST_CASE("mini-batch kmeans comes close to full kmeans and is thread-count invariant", "[kmeans][concurrency]") {
    semvec::MiniBatchKMeansOptions o;
    o.batch_size = 256;
    o.threads = 1;
    auto mb = semvec::minibatch_kmeans(view(digits()), 10, o);
    REQUIRE(mb.ok());
    auto full = semvec::kmeans(view(digits()), 10);
    REQUIRE(full.ok());
    CHECK(mb->inertia < full->inertia * 1.08);
    o.threads = 3;
    auto mb3 = semvec::minibatch_kmeans(view(digits()), 10, o);
    REQUIRE(mb3.ok());
    CHECK(mb3->labels == mb->labels);
    CHECK(mb3->centroids == mb->centroids);
}
