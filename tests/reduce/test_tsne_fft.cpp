// The FFT-interpolated t-SNE gradient (reduce/tsne_fft.hpp) and the choice of gradient (TsneGradient).
#include <catch2/catch.hpp>

#include <cmath>

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

/// Repulsion (Σ_j q̃² (y_i − y_j) per point) and Z = Σ_{i≠j} q̃ of one method.
template <int D>
double repulsion(semvec::TsneGradient method, const std::vector<double>& y, std::vector<double>& rep,
                 unsigned threads = 2, int intervals_per_unit = 1) {
    semvec::detail::TsneRepulsion<D> r;
    r.method = method;
    r.fft_settings.intervals_per_unit = intervals_per_unit;
    const std::size_t n = y.size() / D;
    REQUIRE(r.compute(y.data(), n, threads).ok());
    rep = r.rep;
    double z = 0.0;
    for (double v : r.zs) z += v;
    return z;
}

double relative_rms(const std::vector<double>& a, const std::vector<double>& ref) {
    double num = 0.0, den = 0.0;
    for (std::size_t c = 0; c < ref.size(); ++c) {
        num += (a[c] - ref[c]) * (a[c] - ref[c]);
        den += ref[c] * ref[c];
    }
    return std::sqrt(num / den);
}

/// A layout like t-SNE's late iterations: 10 clusters of 60 points, spread over about 60 units.
template <int D>
std::vector<double> clustered_layout(std::size_t n, double spread, std::uint64_t seed) {
    semvec::detail::Random rng(seed);
    std::vector<double> centres(10 * D), y(n * D);
    for (auto& c : centres) c = (rng.uniform() - 0.5) * spread;
    for (std::size_t i = 0; i < n; ++i)
        for (int d = 0; d < D; ++d) y[i * D + d] = centres[(i % 10) * D + d] + rng.normal() * 2.0;
    return y;
}

/// Bounds on the interpolated Z and forces against the exact ones.
struct Bounds {
    double z, force;
};

/// The FFT repulsion of layout y at the default grid (1 box per unit) and at `fine` boxes per unit, against
/// the exact one.
template <int D>
void check_interpolation(const std::vector<double>& y, Bounds coarse, int fine, Bounds fine_bounds) {
    std::vector<double> exact, c, f;
    const double ze = repulsion<D>(semvec::TsneGradient::exact, y, exact);
    const double zc = repulsion<D>(semvec::TsneGradient::fft, y, c);
    const double zf = repulsion<D>(semvec::TsneGradient::fft, y, f, 2, fine);
    INFO(D << "-D: Z exact " << ze << ", fft " << zc << ", fine " << zf << "; force error " << relative_rms(c, exact)
           << ", fine " << relative_rms(f, exact));
    CHECK(std::abs(zc - ze) / ze < coarse.z);
    CHECK(relative_rms(c, exact) < coarse.force);
    CHECK(std::abs(zf - ze) / ze < fine_bounds.z);
    CHECK(relative_rms(f, exact) < fine_bounds.force);
}
}  // namespace

// Third-order interpolation: the error falls about 8× each time the boxes halve. At FIt-SNE's default of one
// box per unit the forces are within a few per cent (Barnes-Hut at theta 0.5: about as much, test_tsne.cpp).
TEST_CASE("the FFT-interpolated repulsion matches the exact O(N^2) one in 2-D, closer on a finer grid", "[tsne][fft]") {
    REQUIRE(semvec::tsne_fft_available());  // the CMake build links FFTW (scripts/setup.sh installs it)
    for (double spread : {1e-3, 60.0, 200.0}) {
        INFO("cluster spread " << spread);
        check_interpolation<2>(clustered_layout<2>(600, spread, 7), {1e-2, 0.04}, 2, {1.5e-3, 6e-3});
    }
}

TEST_CASE("the FFT-interpolated repulsion matches the exact one in 1-D, closer on a finer grid", "[tsne][fft]") {
    check_interpolation<1>(clustered_layout<1>(500, 80.0, 3), {2e-3, 0.04}, 4, {1e-4, 1e-3});
}

TEST_CASE("the FFT repulsion is bit-identical for any thread count", "[tsne][fft][concurrency]") {
    const auto y = clustered_layout<2>(3000, 40.0, 11);
    std::vector<double> a, b, c;
    const double za = repulsion<2>(semvec::TsneGradient::fft, y, a, 1);
    const double zb = repulsion<2>(semvec::TsneGradient::fft, y, b, 2);
    const double zc = repulsion<2>(semvec::TsneGradient::fft, y, c, 5);
    CHECK(za == zb);
    CHECK(za == zc);
    CHECK(a == b);
    CHECK(a == c);
}

TEST_CASE("t-SNE with the FFT gradient is bit-identical for a seed across thread counts, in 1-D and 2-D", "[tsne][fft][concurrency]") {
    const semvec::Matrix X = digits().topRows(400);
    for (int dims : {1, 2}) {
        semvec::TsneOptions o;
        o.iterations = 300;
        o.gradient = semvec::TsneGradient::fft;
        o.dims = dims;
        o.seed = 9;
        CHECK(semvec_test::tsne_same_for_any_thread_count(X, o).cols() == dims);
    }
}

TEST_CASE("t-SNE with the FFT gradient on digits is as trustworthy as with Barnes-Hut", "[tsne][fft][quality]") {
    const semvec::Matrix X = digits();
    semvec::TsneOptions o;
    o.threads = 2;
    o.gradient = semvec::TsneGradient::barnes_hut;
    auto bh = semvec::tsne(X, o);
    o.gradient = semvec::TsneGradient::fft;
    auto fft = semvec::tsne(X, o);
    REQUIRE(bh.ok());
    REQUIRE(fft.ok());
    const double tb = *semvec::trustworthiness(X, *bh, 10), tf = *semvec::trustworthiness(X, *fft, 10);
    WARN("trustworthiness@10 on digits: Barnes-Hut " << tb << ", FFT " << tf);
    CHECK(tf >= 0.98);
    CHECK(tf > tb - 0.005);
}

TEST_CASE("1-D t-SNE with the FFT gradient orders digits by class", "[tsne][fft][quality]") {
    const semvec::Matrix X = digits().topRows(1000);
    semvec::TsneOptions o;
    o.dims = 1;
    o.threads = 2;
    o.gradient = semvec::TsneGradient::fft;
    auto Y = semvec::tsne(X, o);
    REQUIRE(Y.ok());
    REQUIRE(Y->cols() == 1);
    CHECK(Y->allFinite());
    CHECK(*semvec::trustworthiness(X, *Y, 10) > 0.9);
}

TEST_CASE("t-SNE gradient names parse and print the same way", "[tsne]") {
    using G = semvec::TsneGradient;
    for (G g : {G::automatic, G::exact, G::barnes_hut, G::fft}) {
        auto parsed = semvec::parse_tsne_gradient(semvec::to_string(g));
        REQUIRE(parsed.ok());
        CHECK(*parsed == g);
    }
    CHECK(std::string(semvec::to_string(G::automatic)) == "auto");
    CHECK(std::string(semvec::to_string(G::barnes_hut)) == "bh");
    CHECK(*semvec::parse_tsne_gradient("barnes_hut") == G::barnes_hut);
    CHECK(*semvec::parse_tsne_gradient("automatic") == G::automatic);
    auto bad = semvec::parse_tsne_gradient("fast");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == semvec::ErrorCode::invalid_argument);
    CHECK(bad.error().what().find("unknown t-SNE gradient 'fast' (auto, exact, bh or fft)") != std::string::npos);
}

TEST_CASE("automatic picks exact for small inputs, Barnes-Hut in between and FFT for large 2-D ones", "[tsne]") {
    using G = semvec::TsneGradient;
    semvec::TsneOptions o;
    CHECK(*semvec::tsne_resolve_gradient(500, o) == G::exact);
    CHECK(*semvec::tsne_resolve_gradient(501, o) == G::barnes_hut);
    CHECK(*semvec::tsne_resolve_gradient(o.fft_min_n - 1, o) == G::barnes_hut);
    CHECK(*semvec::tsne_resolve_gradient(o.fft_min_n, o) == G::fft);
    o.dims = 1;
    CHECK(*semvec::tsne_resolve_gradient(1000000, o) == G::fft);
    o.dims = 3;
    CHECK(*semvec::tsne_resolve_gradient(1000000, o) == G::barnes_hut);  // Barnes-Hut stays for 3-D
    o.dims = 2;
    o.gradient = G::barnes_hut;
    CHECK(*semvec::tsne_resolve_gradient(1000000, o) == G::barnes_hut);
    o.theta = 0.0;
    CHECK(*semvec::tsne_resolve_gradient(1000000, o) == G::exact);  // theta 0 opens every cell
    o.gradient = G::fft;
    CHECK(*semvec::tsne_resolve_gradient(600, o) == G::fft);  // asked for explicitly: used at any size
    CHECK_FALSE(semvec::tsne_uses_exact_gradient(600, o));
}

TEST_CASE("the FFT gradient for a 3-D layout or with bad settings is a clear error", "[tsne][fft]") {
    const semvec::Matrix X = digits().topRows(200);
    semvec::TsneOptions o;
    o.dims = 3;
    o.gradient = semvec::TsneGradient::fft;
    auto r = semvec::tsne(X, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == semvec::ErrorCode::unsupported);
    CHECK(r.error().what().find("the FFT gradient is for 1-D and 2-D layouts, got dims 3") != std::string::npos);
    auto resolved = semvec::tsne_resolve_gradient(200, o);
    REQUIRE_FALSE(resolved.ok());
    CHECK(resolved.error().code == semvec::ErrorCode::unsupported);
    o.dims = 2;
    o.fft_interpolation_points = 0;
    r = semvec::tsne(X, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("fft_interpolation_points must be in [1, 8]") != std::string::npos);
    o.fft_interpolation_points = 3;
    o.fft_intervals_per_unit = std::nan("");
    r = semvec::tsne(X, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().what().find("fft_intervals_per_unit must be > 0") != std::string::npos);
}

TEST_CASE("a layout too wide for the interpolation grid is a resource_limit error, not a crash", "[tsne][fft]") {
    std::vector<double> y = {0.0, 0.0, 1e7, 1e7, -3.0, 2.0};
    semvec::detail::TsneRepulsion<2> r;
    r.method = semvec::TsneGradient::fft;
    auto st = r.compute(y.data(), 3, 1);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == semvec::ErrorCode::resource_limit);
    CHECK(st.error().what().find("beyond the interpolation grid's bound") != std::string::npos);
}

TEST_CASE("duplicate and identical points give finite layouts with the FFT gradient", "[tsne][fft]") {
    semvec::Matrix X(300, 5);
    X.setRandom();
    for (int i = 0; i < 120; ++i) X.row(i) = X.row(0);
    semvec::TsneOptions o;
    o.iterations = 300;
    o.gradient = semvec::TsneGradient::fft;
    o.perplexity = 10;
    auto Y = semvec::tsne(X, o);
    REQUIRE(Y.ok());
    CHECK(Y->allFinite());
    semvec::Matrix same(100, 3);
    same.setOnes();
    o.perplexity = 5;
    o.iterations = 100;
    Y = semvec::tsne(same, o);
    REQUIRE(Y.ok());
    CHECK(Y->allFinite());
}
