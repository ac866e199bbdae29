// semvec::top_k (semvec/search.hpp): exact against a float64 brute force, deterministic ties, thread-count
// invariance, cosine vs dot, edge cases.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <semvec/search.hpp>

namespace {

semvec::Matrix random_matrix(Eigen::Index r, Eigen::Index c, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd;
    semvec::Matrix m(r, c);
    for (Eigen::Index i = 0; i < r; ++i)
        for (Eigen::Index j = 0; j < c; ++j) m(i, j) = nd(rng);
    return m;
}

// Indices of the k best by float64 cosine (or dot), ties by index.
std::vector<std::size_t> brute(const semvec::Matrix& q, Eigen::Index qi, const semvec::Matrix& c, std::size_t k, bool cosine) {
    std::vector<std::pair<double, std::size_t>> s;
    for (Eigen::Index i = 0; i < c.rows(); ++i) {
        double d = 0, nq = 0, nc = 0;
        for (Eigen::Index j = 0; j < c.cols(); ++j) {
            d += double(q(qi, j)) * c(i, j);
            nq += double(q(qi, j)) * q(qi, j);
            nc += double(c(i, j)) * c(i, j);
        }
        s.emplace_back(cosine ? d / std::sqrt(nq * nc) : d, static_cast<std::size_t>(i));
    }
    std::sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < k && i < s.size(); ++i) out.push_back(s[i].second);
    return out;
}

}  // namespace

TEST_CASE("top_k finds the same hits as a float64 brute force", "[search]") {
    const auto corpus = random_matrix(5000, 24, 1);  // more than one corpus block
    const auto queries = random_matrix(150, 24, 2);  // more than one query block
    for (auto sim : {semvec::Metric::cosine, semvec::Metric::dot}) {
        semvec::TopKOptions o;
        o.k = 7;
        o.metric = sim;
        auto hits = semvec::top_k(queries, corpus, o);
        REQUIRE(hits.ok());
        REQUIRE(hits->size() == 150);
        std::size_t same = 0;
        for (Eigen::Index qi = 0; qi < queries.rows(); ++qi) {
            const auto& h = (*hits)[static_cast<std::size_t>(qi)];
            REQUIRE(h.size() == 7);
            for (std::size_t r = 1; r < h.size(); ++r) CHECK(h[r - 1].score >= h[r].score);
            std::vector<std::size_t> got;
            for (const auto& x : h) got.push_back(x.index);
            same += got == brute(queries, qi, corpus, 7, sim == semvec::Metric::cosine) ? 1 : 0;
        }
        CHECK(same >= 148);  // float32 scores may swap a near-tie in a rare list
    }
}

TEST_CASE("top_k is deterministic: ties by index, same hits for any thread count", "[search]") {
    semvec::Matrix corpus(6, 3);
    corpus << 1, 0, 0,  0, 1, 0,  1, 0, 0,  2, 0, 0,  0, 0, 0,  1, 0, 0;
    semvec::Matrix q(1, 3);
    q << 3, 0, 0;
    semvec::TopKOptions o;
    o.k = 5;
    auto h = semvec::top_k(q, corpus, o);
    REQUIRE(h.ok());
    std::vector<std::size_t> idx;
    for (const auto& x : (*h)[0]) idx.push_back(x.index);
    CHECK(idx == std::vector<std::size_t>{0, 2, 3, 5, 1});  // four cosines of 1 in index order; the zero row scores 0 too
    CHECK((*h)[0][0].score == Approx(1.0f));
    o.metric = semvec::Metric::dot;
    auto d = semvec::top_k(q, corpus, o);
    REQUIRE(d.ok());
    CHECK((*d)[0][0].index == 3);
    CHECK((*d)[0][0].score == 6.0f);

    const auto big = random_matrix(3000, 16, 3), qs = random_matrix(200, 16, 4);
    o = {};
    o.k = 10;
    o.threads = 1;
    auto ref = semvec::top_k(qs, big, o);
    REQUIRE(ref.ok());
    for (unsigned th : {2u, 3u, 8u}) {
        o.threads = th;
        auto r = semvec::top_k(qs, big, o);
        REQUIRE(r.ok());
        bool equal = true;
        for (std::size_t i = 0; i < ref->size(); ++i)
            for (std::size_t j = 0; j < (*ref)[i].size(); ++j)
                equal &= (*ref)[i][j].index == (*r)[i][j].index && (*ref)[i][j].score == (*r)[i][j].score;
        CHECK(equal);
    }
}

TEST_CASE("top_k edge cases", "[search]") {
    const auto c = random_matrix(3, 4, 5), q = random_matrix(2, 4, 6);
    semvec::TopKOptions o;
    o.k = 10;  // more than the corpus
    auto h = semvec::top_k(q, c, o);
    REQUIRE(h.ok());
    CHECK((*h)[0].size() == 3);
    o.k = 0;
    CHECK((*semvec::top_k(q, c, o))[1].empty());
    CHECK(semvec::top_k(semvec::Matrix(0, 4), c).ok());
    CHECK(semvec::top_k(q, semvec::Matrix(0, 4))->at(0).empty());
    auto bad = semvec::top_k(random_matrix(1, 5, 7), c);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.error().what(), Catch::Contains("columns"));
    semvec::Matrix n = c;
    n(1, 2) = std::nanf("");
    auto nh = semvec::top_k(q, n, {3});
    REQUIRE(nh.ok());
    CHECK((*nh)[0].back().index == 1);  // the NaN row ranks last
}
