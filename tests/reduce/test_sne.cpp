#include <catch2/catch.hpp>

#include <semvec/io/npy.hpp>
#include <semvec/reduce/metrics.hpp>
#include <semvec/reduce/sne.hpp>

#include "../test_support.hpp"

namespace {
semvec::MatrixView view(const semvec::Matrix& m) { return semvec::MatrixView(m.data(), m.rows(), m.cols()); }

template <int D>
void check_sne_gradient() {
    const std::size_t n = 30;
    semvec::Matrix X(static_cast<Eigen::Index>(n), 5);
    semvec::detail::Random rng(11);
    for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = static_cast<float>(rng.normal());
    auto Pc = semvec::detail::sne_conditional(view(X), 4.0, semvec::Metric::euclidean, 1);
    REQUIRE(Pc.ok());
    std::vector<float> A(n * n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) A[i * n + j] = (*Pc)[i * n + j] + (*Pc)[j * n + i];
    std::vector<double> y(n * D);
    for (auto& v : y) v = rng.normal();
    std::vector<float> ys(n * D);
    for (std::size_t i = 0; i < n; ++i)
        for (int d = 0; d < D; ++d) ys[d * n + i] = static_cast<float>(y[i * D + d]);
    std::vector<double> grad(n * D);
    semvec::detail::SneRowNorm rn;
    double cost = 0;
    semvec::detail::sne_gradient<D>(A, *Pc, ys.data(), n, 1.0f, 2, rn, grad.data(), &cost);
    auto C = [&](const std::vector<double>& yy) {  // Σ_i KL(P_i ‖ Q_i) in double
        double c = 0;
        for (std::size_t i = 0; i < n; ++i) {
            double s = 0;
            std::vector<double> e(n);
            for (std::size_t j = 0; j < n; ++j) {
                double d2 = 0;
                for (int d = 0; d < D; ++d) d2 += (yy[i * D + d] - yy[j * D + d]) * (yy[i * D + d] - yy[j * D + d]);
                e[j] = j == i ? 0 : std::exp(-d2);
                s += e[j];
            }
            for (std::size_t j = 0; j < n; ++j) {
                const double p = (*Pc)[i * n + j];
                if (j != i && p > 0) c += p * std::log(p / (e[j] / s));
            }
        }
        return c;
    };
    CHECK(cost == Approx(C(y)).epsilon(1e-4));
    const double h = 1e-5;
    for (std::size_t c = 0; c < n * D; ++c) {
        auto yp = y, ym = y;
        yp[c] += h;
        ym[c] -= h;
        CHECK(grad[c] == Approx((C(yp) - C(ym)) / (2 * h)).margin(2e-4).epsilon(1e-3));  // float kernels
    }
}
}  // namespace

TEST_CASE("the SNE gradient matches finite differences of its cost in 2-D and 3-D", "[sne]") {
    check_sne_gradient<2>();
    check_sne_gradient<3>();
}

TEST_CASE("SNE on digits reaches trustworthiness 0.95", "[sne][quality]") {
    auto X = semvec::read_npy(semvec_test::data_path("reduce/digits_X.npy"));
    REQUIRE(X.ok());
    semvec::SneOptions o;
    o.threads = 2;
    o.iterations = 300;  // the cost is flat after ~300 iterations on digits
    auto Y = semvec::sne(*X, o);
    REQUIRE(Y.ok());
    const double t = *semvec::trustworthiness(*X, *Y, 10);
    WARN("SNE trustworthiness@10 on digits: " << t);
    CHECK(t >= 0.95);
}

TEST_CASE("SNE is bit-identical across thread counts and handles duplicates", "[sne][concurrency]") {
    semvec::Matrix X(200, 6);
    X.setRandom();
    for (int i = 0; i < 50; ++i) X.row(i) = X.row(60);
    semvec::SneOptions o;
    o.perplexity = 10;
    o.iterations = 150;
    o.threads = 1;
    auto a = semvec::sne(X, o);
    o.threads = 2;
    auto b = semvec::sne(X, o);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(*a == *b);
    CHECK(a->allFinite());
}

TEST_CASE("SNE rejects bad input with a clear error", "[sne]") {
    semvec::SneOptions o;
    semvec::Matrix few(40, 3);
    few.setRandom();
    auto r = semvec::sne(few, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("too few for perplexity") != std::string::npos);
    o.perplexity = 5;
    o.max_points = 30;
    r = semvec::sne(few, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("max_points") != std::string::npos);
    o.max_points = 10000;
    few(1, 1) = std::numeric_limits<float>::quiet_NaN();
    r = semvec::sne(few, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("NaN or Inf at row 1") != std::string::npos);
}
