// Kernel correctness vs naive double-precision references, at the SIMD level this executable was compiled
// for (ctest builds it once per level: test_nn_scalar, test_nn_avx2, test_nn_avx512).
//
// Tolerances (absolute, unless noted), chosen from the kernels' error analysis with a margin:
//   GEMM f32:            |err| ≤ 1e-5 · (1 + Σ|a·w|)  (fp32 FMA accumulation; k 800 and 1600 cross the
//                        K blocks: 384, and 1536 for the packed GEMM at AVX-512)
//   GEMM bf16/f16:       exact same weights widened, so same bound vs a reference on the widened weights
//   GELU erf / tanh:     2e-6 · (1 + |x|)         (A&S erf 1.5e-7, Cephes exp ~1 ulp)
//   softmax:             2e-6 per probability
//   LayerNorm:           2e-5 (outputs are O(1) after normalization)
//   attention:           2e-5
//   pooling, L2 norm:    1e-6 relative
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "semvec/nn/nn.hpp"
#include "semvec/simd/simd.hpp"

using semvec::nn::Activation;
namespace simd = semvec::simd;

namespace {

std::vector<float> randn(std::size_t n, unsigned seed, float sd = 1.0f) {
    std::mt19937 g(seed);
    std::normal_distribution<float> d(0.0f, sd);
    std::vector<float> v(n);
    for (auto& x : v) x = d(g);
    return v;
}

double gelu_ref(double x, Activation act) {
    switch (act) {
        case Activation::gelu_erf: return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
        case Activation::gelu_tanh:
            return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
        case Activation::relu: return x > 0 ? x : 0.0;
        case Activation::silu: return x / (1.0 + std::exp(-x));
        case Activation::relu6: return x > 0 ? (x < 6 ? x : 6.0) : 0.0;
        case Activation::none: break;
    }
    return x;
}

// C = act(A·Wᵀ + b) in double, plus Σ|a·w| per element for the error bound.
void gemm_ref(std::size_t m, std::size_t n, std::size_t k, const std::vector<float>& a, const std::vector<float>& w,
              const float* bias, Activation act, std::vector<double>& c, std::vector<double>& mag) {
    c.assign(m * n, 0.0);
    mag.assign(m * n, 0.0);
    for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            double s = bias ? bias[j] : 0.0, g = bias ? std::fabs(bias[j]) : 0.0;
            for (std::size_t t = 0; t < k; ++t) {
                s += double(a[i * k + t]) * w[j * k + t];
                g += std::fabs(double(a[i * k + t]) * w[j * k + t]);
            }
            c[i * n + j] = gelu_ref(s, act);
            mag[i * n + j] = g;
        }
    }
}

template <class T>
T to_half(float x);
template <>
simd::bf16_t to_half<simd::bf16_t>(float x) { return {semvec::f32_to_bf16(x)}; }
template <>
simd::f16_t to_half<simd::f16_t>(float x) { return {semvec::f32_to_f16(x)}; }
float from_half(simd::bf16_t h) { return semvec::bf16_to_f32(h.bits); }
float from_half(simd::f16_t h) { return semvec::f16_to_f32(h.bits); }

struct Shape { std::size_t m, n, k; };
const Shape kShapes[] = {{1, 1, 1}, {1, 384, 384}, {13, 70, 33}, {29, 64, 800}, {12, 32, 384},
                         {40, 100, 7}, {200, 33, 65}, {7, 1536, 16}, {9, 40, 1600}};

}  // namespace

TEST_CASE("the compiled SIMD level is the one this test executable was built for", "[nn]") {
#ifdef SEMVEC_NN_EXPECT_LEVEL
    CHECK(std::string(semvec::simd_level_name()) == SEMVEC_NN_EXPECT_LEVEL);
#endif
    CHECK(std::string(simd::Native::name) == semvec::simd_level_name());
}

TEST_CASE("packed f32 GEMM with bias and activation matches the naive product", "[nn][gemm]") {
    for (const Shape s : kShapes) {
        for (Activation act : {Activation::none, Activation::gelu_erf}) {
            const auto a = randn(s.m * s.k, 1), w = randn(s.n * s.k, 2, 0.1f), b = randn(s.n, 3);
            std::vector<float> packed(semvec::nn::packed_weights_size(s.n, s.k));
            semvec::nn::pack_weights(w.data(), s.k, s.n, s.k, packed.data());
            const std::size_t ldc = s.n + 3;  // a padded leading dimension
            std::vector<float> c(s.m * ldc, 7.0f);
            semvec::nn::gemm_packed(s.m, s.n, s.k, a.data(), s.k, packed.data(), b.data(), c.data(), ldc, act);
            std::vector<double> ref, mag;
            gemm_ref(s.m, s.n, s.k, a, w, b.data(), act, ref, mag);
            double worst = 0;
            for (std::size_t i = 0; i < s.m; ++i) {
                for (std::size_t j = 0; j < s.n; ++j) {
                    worst = std::max(worst, std::fabs(c[i * ldc + j] - ref[i * s.n + j]) / (1.0 + mag[i * s.n + j]));
                }
                for (std::size_t j = s.n; j < ldc; ++j) REQUIRE(c[i * ldc + j] == 7.0f);  // padding untouched
            }
            INFO("m=" << s.m << " n=" << s.n << " k=" << s.k);
            CHECK(worst < 1e-5);
        }
    }
}

TEST_CASE("unpacked GEMMs (A·Wᵀ and A·B) match the naive product", "[nn][gemm]") {
    for (const Shape s : kShapes) {
        const auto a = randn(s.m * s.k, 4), w = randn(s.n * s.k, 5);
        std::vector<float> c(s.m * s.n), bt(s.k * s.n);
        for (std::size_t j = 0; j < s.n; ++j) {
            for (std::size_t t = 0; t < s.k; ++t) bt[t * s.n + j] = w[j * s.k + t];
        }
        std::vector<double> ref, mag;
        gemm_ref(s.m, s.n, s.k, a, w, nullptr, Activation::none, ref, mag);
        semvec::nn::gemm_nt<float>(s.m, s.n, s.k, a.data(), s.k, w.data(), s.k, nullptr, c.data(), s.n);
        double worst = 0;
        for (std::size_t i = 0; i < c.size(); ++i) worst = std::max(worst, std::fabs(c[i] - ref[i]) / (1.0 + mag[i]));
        CHECK(worst < 1e-5);
        semvec::nn::gemm_nn(s.m, s.n, s.k, a.data(), s.k, bt.data(), s.n, c.data(), s.n);
        worst = 0;
        for (std::size_t i = 0; i < c.size(); ++i) worst = std::max(worst, std::fabs(c[i] - ref[i]) / (1.0 + mag[i]));
        CHECK(worst < 1e-5);
    }
}

TEMPLATE_TEST_CASE("16-bit weights are used directly by the packed GEMM", "[nn][gemm]", simd::bf16_t, simd::f16_t) {
    const Shape s{23, 70, 400};
    const auto a = randn(s.m * s.k, 6), w = randn(s.n * s.k, 7, 0.1f);
    std::vector<TestType> wh(w.size());
    std::vector<float> wwide(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) {
        wh[i] = to_half<TestType>(w[i]);
        wwide[i] = from_half(wh[i]);
    }
    std::vector<TestType> packed(semvec::nn::packed_weights_size(s.n, s.k));
    semvec::nn::pack_weights(wh.data(), s.k, s.n, s.k, packed.data());
    std::vector<float> c(s.m * s.n);
    semvec::nn::gemm_packed(s.m, s.n, s.k, a.data(), s.k, packed.data(), nullptr, c.data(), s.n);
    std::vector<double> ref, mag;
    gemm_ref(s.m, s.n, s.k, a, wwide, nullptr, Activation::none, ref, mag);
    double worst = 0;
    for (std::size_t i = 0; i < c.size(); ++i) worst = std::max(worst, std::fabs(c[i] - ref[i]) / (1.0 + mag[i]));
    CHECK(worst < 1e-5);
}

TEST_CASE("the packed and the unpacked GEMM are bit-identical whatever their K blocks", "[nn][gemm]") {
    // gemm_packed blocks K by kKCPacked, gemm_nt by kKC: each element is still one FMA chain over k.
    for (const Shape s : {Shape{13, 70, 800}, Shape{9, 40, 1600}, Shape{12, 64, 3072}}) {
        const auto a = randn(s.m * s.k, 10), w = randn(s.n * s.k, 11);
        std::vector<float> packed(semvec::nn::packed_weights_size(s.n, s.k));
        semvec::nn::pack_weights(w.data(), s.k, s.n, s.k, packed.data());
        std::vector<float> c1(s.m * s.n), c2(s.m * s.n);
        semvec::nn::gemm_packed(s.m, s.n, s.k, a.data(), s.k, packed.data(), nullptr, c1.data(), s.n);
        semvec::nn::gemm_nt<float>(s.m, s.n, s.k, a.data(), s.k, w.data(), s.k, nullptr, c2.data(), s.n);
        INFO("m=" << s.m << " n=" << s.n << " k=" << s.k);
        CHECK(c1 == c2);
    }
}

TEST_CASE("splitting GEMM rows across calls is bit-identical to one call", "[nn][gemm]") {
    const Shape s{50, 96, 500};
    const auto a = randn(s.m * s.k, 8), w = randn(s.n * s.k, 9);
    std::vector<float> packed(semvec::nn::packed_weights_size(s.n, s.k));
    semvec::nn::pack_weights(w.data(), s.k, s.n, s.k, packed.data());
    std::vector<float> c1(s.m * s.n), c2(s.m * s.n);
    semvec::nn::gemm_packed(s.m, s.n, s.k, a.data(), s.k, packed.data(), nullptr, c1.data(), s.n);
    for (std::size_t r0 = 0; r0 < s.m; r0 += 7) {
        const std::size_t r1 = std::min(s.m, r0 + 7);
        semvec::nn::gemm_packed(r1 - r0, s.n, s.k, a.data() + r0 * s.k, s.k, packed.data(), nullptr,
                                c2.data() + r0 * s.n, s.n);
    }
    CHECK(c1 == c2);
}

TEST_CASE("bias plus activation matches the exact formulas", "[nn][activation]") {
    std::vector<float> x;
    for (float v = -12.0f; v <= 12.0f; v += 0.01f) x.push_back(v);
    x.push_back(-100.0f);
    x.push_back(100.0f);
    const std::size_t n = x.size();
    for (Activation act : {Activation::gelu_erf, Activation::gelu_tanh, Activation::relu, Activation::silu}) {
        std::vector<float> bias(n, 0.25f), y = x;
        semvec::nn::bias_activation(y.data(), 1, n, n, bias.data(), act);
        double worst = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double xv = double(x[i]) + 0.25;
            worst = std::max(worst, std::fabs(y[i] - gelu_ref(xv, act)) / (1.0 + std::fabs(xv)));
        }
        INFO("activation " << int(act));
        CHECK(worst < 2e-6);
    }
}

TEST_CASE("masked softmax is stable and matches the reference", "[nn][softmax]") {
    for (std::size_t n : {1u, 5u, 16u, 33u, 130u}) {
        auto x = randn(n, 10 + unsigned(n), 30.0f);  // large logits: stability matters
        std::vector<float> bias(n, 0.0f);
        for (std::size_t i = 0; i < n; i += 3) bias[i] = (i == 0) ? 0.0f : -std::numeric_limits<float>::infinity();
        std::vector<float> y = x;
        semvec::nn::softmax_row(y.data(), n, 0.5f, bias.data());
        double mx = -1e300;
        for (std::size_t i = 0; i < n; ++i) mx = std::max(mx, 0.5 * x[i] + bias[i]);
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) sum += std::exp(0.5 * x[i] + bias[i] - mx);
        for (std::size_t i = 0; i < n; ++i) {
            CHECK(std::fabs(y[i] - std::exp(0.5 * x[i] + bias[i] - mx) / sum) < 2e-6);
            if (std::isinf(bias[i])) CHECK(y[i] < 1e-30f);
        }
    }
    std::vector<float> all(7, 1.0f), neg(7, -std::numeric_limits<float>::infinity());
    semvec::nn::softmax_row(all.data(), 7, 1.0f, neg.data());
    for (float v : all) CHECK(v == 0.0f);
}

TEST_CASE("residual plus LayerNorm matches the two-pass reference", "[nn][layernorm]") {
    const std::size_t rows = 9, cols = 389;
    const auto x = randn(rows * cols, 11, 3.0f), r = randn(rows * cols, 12), g = randn(cols, 13), b = randn(cols, 14);
    std::vector<float> out(rows * cols);
    semvec::nn::residual_layernorm(x.data(), cols, r.data(), cols, g.data(), b.data(), 1e-12f, out.data(), cols, rows, cols);
    std::vector<float> inplace = x;  // aliasing x and out works too
    semvec::nn::residual_layernorm(inplace.data(), cols, r.data(), cols, g.data(), b.data(), 1e-12f, inplace.data(), cols, rows, cols);
    CHECK(inplace == out);
    for (std::size_t i = 0; i < rows; ++i) {
        double mean = 0, var = 0;
        for (std::size_t j = 0; j < cols; ++j) mean += double(x[i * cols + j]) + r[i * cols + j];
        mean /= cols;
        for (std::size_t j = 0; j < cols; ++j) {
            const double d = double(x[i * cols + j]) + r[i * cols + j] - mean;
            var += d * d;
        }
        var /= cols;
        for (std::size_t j = 0; j < cols; ++j) {
            const double v = (double(x[i * cols + j]) + r[i * cols + j] - mean) / std::sqrt(var + 1e-12) * g[j] + b[j];
            REQUIRE(std::fabs(out[i * cols + j] - v) < 2e-5);
        }
    }
}

TEST_CASE("attention for one head of a fused QKV buffer matches the reference", "[nn][attention]") {
    const std::size_t T = 37, H = 96, dh = 32, heads = H / dh, valid = 29;
    const auto qkv = randn(T * 3 * H, 15);
    std::vector<float> ctx(T * H, 0.0f), ws(semvec::nn::attention_workspace_size(T, T));
    const float scale = 1.0f / std::sqrt(float(dh));
    for (std::size_t h = 0; h < heads; ++h) {
        semvec::nn::attention_head(T, valid, dh, qkv.data() + h * dh, 3 * H, qkv.data() + H + h * dh, 3 * H,
                                   qkv.data() + 2 * H + h * dh, 3 * H, scale, nullptr, ctx.data() + h * dh, H, ws.data());
    }
    for (std::size_t h = 0; h < heads; ++h) {
        for (std::size_t i = 0; i < T; ++i) {
            std::vector<double> p(valid);
            double mx = -1e300, sum = 0;
            for (std::size_t j = 0; j < valid; ++j) {
                double s = 0;
                for (std::size_t d = 0; d < dh; ++d) s += double(qkv[i * 3 * H + h * dh + d]) * qkv[j * 3 * H + H + h * dh + d];
                p[j] = s * scale;
                mx = std::max(mx, p[j]);
            }
            for (auto& v : p) { v = std::exp(v - mx); sum += v; }
            for (std::size_t d = 0; d < dh; ++d) {
                double o = 0;
                for (std::size_t j = 0; j < valid; ++j) o += p[j] / sum * qkv[j * 3 * H + 2 * H + h * dh + d];
                REQUIRE(std::fabs(ctx[i * H + h * dh + d] - o) < 2e-5);
            }
        }
    }
}

TEST_CASE("mean, max and CLS pooling respect the mask, and L2 normalization gives unit rows", "[nn][pooling]") {
    const std::size_t T = 11, D = 37;
    const auto h = randn(T * D, 16);
    std::vector<std::int32_t> mask(T, 1);
    mask[3] = mask[9] = mask[10] = 0;
    std::vector<float> mean(D), mx(D), cls(D);
    semvec::nn::pool_mean(h.data(), T, D, D, mask.data(), mean.data());
    semvec::nn::pool_max(h.data(), T, D, D, mask.data(), mx.data());
    semvec::nn::pool_cls(h.data(), D, cls.data());
    for (std::size_t j = 0; j < D; ++j) {
        double s = 0, m = -1e9;
        for (std::size_t i = 0; i < T; ++i) {
            if (!mask[i]) continue;
            s += h[i * D + j];
            m = std::max(m, double(h[i * D + j]));
        }
        CHECK(std::fabs(mean[j] - s / 8.0) < 1e-6 * (1 + std::fabs(s)));
        CHECK(mx[j] == float(m));
        CHECK(cls[j] == h[j]);
    }
    std::vector<float> rows = h;
    semvec::nn::l2_normalize(rows.data(), T, D, D);
    for (std::size_t i = 0; i < T; ++i) {
        double n2 = 0;
        for (std::size_t j = 0; j < D; ++j) n2 += double(rows[i * D + j]) * rows[i * D + j];
        CHECK(std::fabs(n2 - 1.0) < 1e-6);
    }
    std::vector<float> zero(D, 0.0f);
    semvec::nn::l2_normalize(zero.data(), 1, D, D);  // no NaN on a zero row
    for (float v : zero) CHECK(v == 0.0f);
}

TEST_CASE("the bf16 dot-product GEMM matches the product of the rounded operands", "[nn][gemm]") {
    if (!semvec::nn::has_bf16_dot()) {
        SUCCEED("AVX512_BF16 not compiled in at this level");
        return;
    }
#if defined(__AVX512BF16__) && SEMVEC_SIMD_LEVEL == 3
    for (const Shape s : kShapes) {
        const auto a = randn(s.m * s.k, 17), w = randn(s.n * s.k, 18, 0.1f), b = randn(s.n, 19);
        const std::size_t kp = semvec::nn::bf16_dot_padded_k(s.k);
        std::vector<simd::bf16_t> ab(s.m * kp), packed(semvec::nn::packed_bf16_dot_size(s.n, s.k));
        semvec::nn::to_bf16_rows(a.data(), s.m, s.k, s.k, ab.data(), kp);
        semvec::nn::pack_weights_bf16_dot(w.data(), s.k, s.n, s.k, packed.data());
        std::vector<float> c(s.m * s.n);
        semvec::nn::gemm_bf16_dot(s.m, s.n, s.k, ab.data(), kp, packed.data(), b.data(), c.data(), s.n, Activation::gelu_erf);
        std::vector<float> ar(s.m * s.k), wr(s.n * s.k);
        for (std::size_t i = 0; i < ar.size(); ++i) ar[i] = semvec::bf16_to_f32(semvec::f32_to_bf16(a[i]));
        for (std::size_t i = 0; i < wr.size(); ++i) wr[i] = semvec::bf16_to_f32(semvec::f32_to_bf16(w[i]));
        std::vector<double> ref, mag;
        gemm_ref(s.m, s.n, s.k, ar, wr, b.data(), Activation::gelu_erf, ref, mag);
        double worst = 0;
        for (std::size_t i = 0; i < c.size(); ++i) worst = std::max(worst, std::fabs(c[i] - ref[i]) / (1.0 + mag[i]));
        INFO("m=" << s.m << " n=" << s.n << " k=" << s.k);
        CHECK(worst < 1e-5);
    }
#endif
}
