// semvec::top_k (semvec/search.hpp): exact against a float64 brute force, deterministic ties, thread-count
// invariance, cosine vs dot, edge cases.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
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

// Every corpus row's float64 cosine (or dot) with query row qi, and the largest error top_k's float32 score
// of a row can have. top_k normalizes each row with a float scale (≤ 2 roundings per value, so each unit
// vector is within 2u relatively, u = 2^-24) and takes float32 dot products of n terms, which are within
// γ_n Σ|a_j b_j| of the exact ones (γ_n = nu / (1 - nu), Higham, Accuracy and Stability §3.1, whatever the
// summation order or FMA use). So a float32 cosine is within (γ_n + 5u) Σ|q_j c_j| / (|q| |c|), a dot within
// γ_n Σ|q_j c_j|, of the float64 value.
struct Exact {
    std::vector<double> score;
    double max_err = 0;
};

Exact exact_scores(const semvec::Matrix& q, Eigen::Index qi, const semvec::Matrix& c, bool cosine) {
    const double u = std::ldexp(1.0, -24), n = static_cast<double>(c.cols()), gamma = n * u / (1 - n * u);
    Exact e;
    for (Eigen::Index i = 0; i < c.rows(); ++i) {
        double d = 0, a = 0, nq = 0, nc = 0;
        for (Eigen::Index j = 0; j < c.cols(); ++j) {
            d += double(q(qi, j)) * c(i, j);
            a += std::fabs(double(q(qi, j)) * c(i, j));
            nq += double(q(qi, j)) * q(qi, j);
            nc += double(c(i, j)) * c(i, j);
        }
        const double norm = std::sqrt(nq * nc);
        e.score.push_back(cosine ? d / norm : d);
        e.max_err = std::max(e.max_err, cosine ? (gamma + 5 * u) * a / norm : gamma * a);
    }
    return e;
}

// Indices of the k best by the exact scores, ties by index.
std::vector<std::size_t> brute(const Exact& e, std::size_t k) {
    std::vector<std::size_t> idx(e.score.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return e.score[a] > e.score[b]; });
    idx.resize(std::min(k, idx.size()));
    return idx;
}

}  // namespace

// top_k scores in float32, so where two rows' exact scores are closer than the float32 error the two may
// swap. The check is exact up to that derived bound: at every rank r, the exact score of the hit top_k puts
// there equals the r-th best exact score within twice the largest float32 error of the query (the r-th largest
// of values each moved by at most E moves by at most E, and the hit's own score is within E of its float32
// score). With these seeds the bound (~3e-6) is far below the typical gap, and the lists that differ from the
// float64 order are reported.
TEST_CASE("top_k finds the same hits as a float64 brute force, up to the float32 rounding bound", "[search]") {
    const auto corpus = random_matrix(5000, 24, 1);  // more than one corpus block
    const auto queries = random_matrix(150, 24, 2);  // more than one query block
    for (auto sim : {semvec::Metric::cosine, semvec::Metric::dot}) {
        semvec::TopKOptions o;
        o.k = 7;
        o.metric = sim;
        auto hits = semvec::top_k(queries, corpus, o);
        REQUIRE(hits.ok());
        REQUIRE(hits->size() == 150);
        std::size_t differ = 0;
        for (Eigen::Index qi = 0; qi < queries.rows(); ++qi) {
            const auto& h = (*hits)[static_cast<std::size_t>(qi)];
            REQUIRE(h.size() == 7);
            for (std::size_t r = 1; r < h.size(); ++r) CHECK(h[r - 1].score >= h[r].score);
            const Exact e = exact_scores(queries, qi, corpus, sim == semvec::Metric::cosine);
            const auto best = brute(e, 7);
            std::vector<std::size_t> got;
            for (const auto& x : h) got.push_back(x.index);
            if (got == best) continue;
            ++differ;
            for (std::size_t r = 0; r < got.size(); ++r) {
                INFO("query " << qi << " rank " << r << ": hit " << got[r] << " exact " << e.score[got[r]] << ", float64 rank "
                              << r << " is " << best[r] << " exact " << e.score[best[r]] << ", bound " << 2 * e.max_err);
                REQUIRE(got[r] < e.score.size());
                CHECK(std::count(got.begin(), got.end(), got[r]) == 1);
                CHECK(std::fabs(e.score[got[r]] - e.score[best[r]]) <= 2 * e.max_err);
            }
        }
        std::printf("top_k %s: %zu of 150 lists differ from the float64 order, each within the float32 bound\n",
                    sim == semvec::Metric::cosine ? "cosine" : "dot", differ);
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
    auto nh = semvec::top_k(q, n, {3});  // a NaN is refused, not ranked
    REQUIRE_FALSE(nh.ok());
    CHECK(nh.error().code == semvec::ErrorCode::invalid_argument);
    CHECK_THAT(nh.error().what(), Catch::Contains("corpus: NaN or Inf at row 1, column 2"));
    semvec::Matrix qi = q;
    qi(0, 0) = INFINITY;
    CHECK_THAT(semvec::top_k(qi, c, {3}).error().what(), Catch::Contains("queries: NaN or Inf at row 0, column 0"));
}
