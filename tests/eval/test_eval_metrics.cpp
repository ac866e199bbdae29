#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <semvec/eval/metrics.hpp>

TEST_CASE("spearman and pearson equal scipy's, ties included", "[eval]") {
    // scipy.stats 1.10.1: spearmanr and pearsonr of these vectors.
    const std::vector<double> a = {1, 2, 2, 3, 5, 4, 4, 9}, b = {2, 1, 3, 3, 6, 5, 7, 8};
    CHECK(*semvec::spearman(a, b) == Approx(0.9030468880657605).margin(1e-12));
    CHECK(*semvec::pearson(a, b) == Approx(0.8640995177368369).margin(1e-12));
    CHECK_FALSE(semvec::spearman({1, 2}, {1}).ok());
    CHECK_FALSE(semvec::pearson({1, 1, 1}, {1, 2, 3}).ok());
    CHECK_FALSE(semvec::spearman({1, std::nan("")}, {1, 2}).ok());
}

TEST_CASE("average precision equals scikit-learn's, tied scores included", "[eval]") {
    // sklearn.metrics.average_precision_score 1.2.1.
    const std::vector<int> y = {1, 0, 1, 1, 0, 0, 1, 0};
    const std::vector<double> s = {0.9, 0.8, 0.8, 0.4, 0.3, 0.3, 0.2, 0.1};
    CHECK(*semvec::average_precision(y, s) == Approx(0.7470238095238095).margin(1e-12));
    CHECK_FALSE(semvec::average_precision({0, 0}, {0.1, 0.2}).ok());
    CHECK_FALSE(semvec::average_precision({1}, {0.1, 0.2}).ok());
}

TEST_CASE("nDCG, MRR and recall at k follow TREC's definitions", "[eval]") {
    const std::vector<std::int64_t> ranked = {7, 3, 9, 1, 4};
    const std::vector<std::pair<std::int64_t, double>> rel = {{3, 2}, {4, 1}, {8, 1}};
    auto s = semvec::ranking_scores(ranked, rel, 3);
    REQUIRE(s.ok());
    const double ideal = 2 / std::log2(2.0) + 1 / std::log2(3.0) + 1 / std::log2(4.0);
    CHECK(s->ndcg == Approx((2 / std::log2(3.0)) / ideal));
    CHECK(s->mrr == Approx(0.5));
    CHECK(s->recall == Approx(1.0 / 3));
    CHECK(semvec::ranking_scores(ranked, rel, 5)->recall == Approx(2.0 / 3));
    CHECK_FALSE(semvec::ranking_scores(ranked, {{1, 0}}, 3).ok());
    CHECK_FALSE(semvec::ranking_scores(ranked, rel, 0).ok());
}
