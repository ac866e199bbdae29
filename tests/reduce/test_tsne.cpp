#include <catch2/catch.hpp>

#include <semvec/io/npy.hpp>
#include <semvec/reduce/metrics.hpp>
#include <semvec/reduce/tsne.hpp>

#include "../test_support.hpp"
#include "tsne_test_support.hpp"

namespace {
semvec::Matrix digits() {
    auto m = semvec::read_npy(semvec_test::data_path("reduce/digits_X.npy"));
    REQUIRE(m.ok());
    return *m;
}
semvec::MatrixView view(const semvec::Matrix& m) { return semvec::MatrixView(m.data(), m.rows(), m.cols()); }

/// The step gradient of layout y with one repulsion method (no exaggeration); returns Z.
template <int D>
double step_gradient(const semvec::SparseAffinities& P, const std::vector<double>& y, semvec::TsneGradient method,
                     double theta, std::vector<double>& grad, unsigned threads = 2) {
    semvec::detail::TsneRepulsion<D> repulsion;
    repulsion.method = method;
    repulsion.theta = theta;
    grad.assign(y.size(), 0.0);
    auto z = semvec::detail::tsne_gradient<D>(P, y.data(), P.n, 1.0, repulsion, threads, grad.data(), nullptr);
    REQUIRE(z.ok());
    return *z;
}

template <int D>
void check_gradient(bool barnes_hut) {
    semvec::Matrix X(40, 6);
    semvec::detail::Random rng(3);
    for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = static_cast<float>(rng.normal());
    auto P = semvec::tsne_affinities(view(X), 5.0, semvec::Metric::euclidean, semvec::KnnMethod::exact, 1, 1, false);
    REQUIRE(P.ok());
    const std::size_t n = 40;
    std::vector<double> y(n * D);
    for (auto& v : y) v = rng.normal();
    std::vector<double> grad;
    // theta = 0 in Barnes-Hut opens every cell: it must reproduce the exact gradient.
    step_gradient<D>(*P, y, barnes_hut ? semvec::TsneGradient::barnes_hut : semvec::TsneGradient::exact, 0.0, grad);
    auto kl = [&](const std::vector<double>& yy) {
        semvec::Matrix Y(static_cast<Eigen::Index>(n), D);
        for (std::size_t i = 0; i < n * D; ++i) Y.data()[i] = static_cast<float>(yy[i]);
        // Float layout is too coarse for differences: evaluate in double directly.
        double Z = 0.0;
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                if (i != j) {
                    double d2 = 0;
                    for (int d = 0; d < D; ++d) d2 += (yy[i * D + d] - yy[j * D + d]) * (yy[i * D + d] - yy[j * D + d]);
                    Z += 1.0 / (1.0 + d2);
                }
        double c = 0.0;
        for (std::size_t i = 0; i < n; ++i)
            for (auto q = P->row_ptr[i]; q < P->row_ptr[i + 1]; ++q) {
                const std::size_t j = static_cast<std::size_t>(P->col[static_cast<std::size_t>(q)]);
                double d2 = 0;
                for (int d = 0; d < D; ++d) d2 += (yy[i * D + d] - yy[j * D + d]) * (yy[i * D + d] - yy[j * D + d]);
                const double p = P->val[static_cast<std::size_t>(q)];
                c += p * std::log(p / (1.0 / (1.0 + d2) / Z));
            }
        return c;
    };
    const double h = 1e-6;
    for (std::size_t c = 0; c < n * D; ++c) {
        auto yp = y, ym = y;
        yp[c] += h;
        ym[c] -= h;
        const double fd = (kl(yp) - kl(ym)) / (2 * h);
        CHECK(4.0 * grad[c] == Approx(fd).margin(1e-7).epsilon(1e-5));  // the step gradient is dKL/dy / 4
    }
}
}  // namespace

TEST_CASE("the exact t-SNE gradient matches finite differences of the KL divergence in 1-D, 2-D and 3-D", "[tsne]") {
    check_gradient<1>(false);
    check_gradient<2>(false);
    check_gradient<3>(false);
}

TEST_CASE("Barnes-Hut with theta 0 reproduces the exact gradient", "[tsne]") {
    check_gradient<1>(true);
    check_gradient<2>(true);
    check_gradient<3>(true);
}

TEST_CASE("Barnes-Hut gradient at theta 0.5 stays close to the exact one", "[tsne]") {
    const semvec::Matrix X = digits().topRows(600);
    auto P = semvec::tsne_affinities(view(X), 30.0, semvec::Metric::euclidean, semvec::KnnMethod::exact, 2, 1, false);
    REQUIRE(P.ok());
    const std::size_t n = 600;
    std::vector<double> y(n * 2), ge, gb;
    semvec::detail::Random rng(5);
    for (auto& v : y) v = rng.normal() * 10;
    const double ze = step_gradient<2>(*P, y, semvec::TsneGradient::exact, 0.5, ge);
    const double zb = step_gradient<2>(*P, y, semvec::TsneGradient::barnes_hut, 0.5, gb);
    CHECK(zb == Approx(ze).epsilon(0.01));
    double num = 0, den = 0;
    for (std::size_t c = 0; c < n * 2; ++c) {
        num += (gb[c] - ge[c]) * (gb[c] - ge[c]);
        den += ge[c] * ge[c];
    }
    CHECK(std::sqrt(num / den) < 0.05);
}

TEST_CASE("t-SNE on digits reaches trustworthiness 0.98 and reports a decreasing KL", "[tsne][quality]") {
    const semvec::Matrix X = digits();
    semvec::TsneOptions o;
    o.threads = 2;
    std::vector<double> kls;
    o.progress = [&](int, int, double kl) {
        kls.push_back(kl);
        return true;
    };
    auto Y = semvec::tsne(X, o);
    REQUIRE(Y.ok());
    REQUIRE(Y->rows() == 1797);
    REQUIRE(Y->cols() == 2);
    const double t = *semvec::trustworthiness(X, *Y, 10);
    WARN("t-SNE trustworthiness@10 on digits: " << t);
    CHECK(t >= 0.98);
    REQUIRE(kls.size() == 20);
    CHECK(kls.back() < kls[5]);  // after exaggeration (KL values before 250 use the exaggerated P)
    const double final_kl = semvec::tsne_kl_divergence(*semvec::tsne_affinities(view(X), 30.0, semvec::Metric::euclidean,
                                                                                 semvec::KnnMethod::automatic, 2, 42, false),
                                                       view(*Y));
    CHECK(final_kl == Approx(kls.back()).epsilon(0.05));  // Barnes-Hut Z versus exact Z
    CHECK(final_kl < 1.0);
}

TEST_CASE("t-SNE results are bit-identical for a seed across thread counts, for both gradients", "[tsne][concurrency]") {
    const semvec::Matrix X = digits().topRows(400);
    for (auto g : {semvec::TsneGradient::exact, semvec::TsneGradient::barnes_hut}) {
        for (auto init : {semvec::TsneInit::pca, semvec::TsneInit::random}) {
            semvec::TsneOptions o;
            o.iterations = 300;
            o.gradient = g;
            o.init = init;
            o.seed = 9;
            semvec_test::tsne_same_for_any_thread_count(X, o);
        }
    }
}

TEST_CASE("t-SNE in 3-D and with the cosine metric works", "[tsne]") {
    const semvec::Matrix X = digits().topRows(500);
    semvec::TsneOptions o;
    o.dims = 3;
    o.iterations = 400;
    o.metric = semvec::Metric::cosine;
    o.gradient = semvec::TsneGradient::barnes_hut;
    auto Y = semvec::tsne(X, o);
    REQUIRE(Y.ok());
    CHECK(Y->cols() == 3);
    CHECK(*semvec::trustworthiness(X, *Y, 10, semvec::Metric::cosine) > 0.95);
}

TEST_CASE("t-SNE rejects bad input with a clear error", "[tsne]") {
    semvec::TsneOptions o;
    semvec::Matrix few(50, 4);
    few.setRandom();
    auto r = semvec::tsne(few, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("too few for perplexity") != std::string::npos);
    o.perplexity = 5;
    semvec::Matrix nan = few;
    nan(3, 2) = std::numeric_limits<float>::infinity();
    r = semvec::tsne(nan, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("NaN or Inf at row 3") != std::string::npos);
    semvec::Matrix zero(50, 0);
    r = semvec::tsne(zero, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("zero dimensions") != std::string::npos);
    o.dims = 4;
    r = semvec::tsne(few, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("dims must be 1, 2 or 3") != std::string::npos);
}

TEST_CASE("duplicate points give finite t-SNE layouts with both gradients", "[tsne]") {
    semvec::Matrix X(300, 5);
    X.setRandom();
    for (int i = 0; i < 120; ++i) X.row(i) = X.row(0);  // 120 copies of one point
    for (auto g : {semvec::TsneGradient::exact, semvec::TsneGradient::barnes_hut}) {
        semvec::TsneOptions o;
        o.iterations = 300;
        o.gradient = g;
        o.perplexity = 10;
        auto Y = semvec::tsne(X, o);
        REQUIRE(Y.ok());
        CHECK(Y->allFinite());
    }
    semvec::Matrix same(100, 3);
    same.setOnes();
    semvec::TsneOptions o;
    o.perplexity = 5;
    o.iterations = 100;
    auto Y = semvec::tsne(same, o);
    REQUIRE(Y.ok());
    CHECK(Y->allFinite());
}

TEST_CASE("a progress callback that returns false cancels t-SNE", "[tsne]") {
    const semvec::Matrix X = digits().topRows(200);
    semvec::TsneOptions o;
    o.perplexity = 10;
    int calls = 0;
    o.progress = [&](int it, int total, double) {
        ++calls;
        CHECK(total == 1000);
        return it < 100;
    };
    auto r = semvec::tsne(X, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what() == "cancelled");
    CHECK(r.error().code == semvec::ErrorCode::cancelled);
    CHECK(calls == 2);
}
