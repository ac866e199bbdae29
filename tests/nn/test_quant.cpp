// int8 GEMM: exact integer results on every path (compared bit for bit with a plain scalar reference of
// the same formula), and close to the float product.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "semvec/nn/gemm_bf16.hpp"
#include "semvec/nn/gemm_paths.hpp"
#include "semvec/quant/int8.hpp"

namespace {
std::vector<float> randn_q(std::size_t n, unsigned seed, float sd) {
    std::mt19937 g(seed);
    std::normal_distribution<float> d(0.0f, sd);
    std::vector<float> v(n);
    for (auto& x : v) x = d(g);
    return v;
}
}  // namespace

TEST_CASE("int8 GEMM equals the scalar integer reference bit for bit and approximates the float product", "[quant]") {
    INFO("int8 path: " << semvec::quant::int8_path_name());
    struct S { std::size_t m, n, k; };
    for (const S s : {S{1, 1, 1}, S{13, 70, 33}, S{29, 96, 385}, S{12, 32, 384}, S{100, 40, 7}}) {
        const auto x = randn_q(s.m * s.k, 21, 1.0f), wf = randn_q(s.n * s.k, 22, 0.05f), bias = randn_q(s.n, 23, 1.0f);
        // Per-output-channel weight quantization as convert.py does it.
        std::vector<std::int8_t> w(s.n * s.k);
        std::vector<float> ws(s.n);
        for (std::size_t j = 0; j < s.n; ++j) {
            float m = 0;
            for (std::size_t t = 0; t < s.k; ++t) m = std::max(m, std::fabs(wf[j * s.k + t]));
            ws[j] = m / 127.0f;
            for (std::size_t t = 0; t < s.k; ++t) w[j * s.k + t] = static_cast<std::int8_t>(std::nearbyint(wf[j * s.k + t] / ws[j]));
        }
        std::vector<std::int8_t> packed(semvec::quant::packed_int8_size(s.n, s.k));
        std::vector<std::int32_t> sums(s.n);
        semvec::quant::pack_int8_weights(w.data(), s.k, s.n, s.k, packed.data(), sums.data());
        const std::size_t ldq = semvec::quant::int8_padded_k(s.k);
        std::vector<std::uint8_t> qa(s.m * ldq);
        std::vector<float> sa(s.m), c(s.m * s.n);
        semvec::quant::quantize_rows(x.data(), s.m, s.k, s.k, qa.data(), ldq, sa.data());
        semvec::quant::gemm_int8(s.m, s.n, s.k, qa.data(), ldq, sa.data(), packed.data(), sums.data(), ws.data(),
                                 bias.data(), c.data(), s.n);
        double err = 0, mag = 0;
        for (std::size_t i = 0; i < s.m; ++i) {
            // Reference quantization of the row, in plain scalar code.
            float m = 0;
            for (std::size_t t = 0; t < s.k; ++t) m = std::max(m, std::fabs(x[i * s.k + t]));
            REQUIRE(sa[i] == m / 127.0f);
            const float inv = m > 0 ? 127.0f / m : 0.0f;
            for (std::size_t t = 0; t < s.k; ++t) {
                REQUIRE(int(qa[i * ldq + t]) - 128 == int(std::nearbyint(x[i * s.k + t] * inv)));
            }
            for (std::size_t j = 0; j < s.n; ++j) {
                std::int32_t dot = 0;
                double f = bias[j];
                for (std::size_t t = 0; t < s.k; ++t) {
                    dot += (int(qa[i * ldq + t]) - 128) * int(w[j * s.k + t]);
                    f += double(x[i * s.k + t]) * wf[j * s.k + t];
                }
                const float ref = std::fma(static_cast<float>(dot), sa[i] * ws[j], bias[j]);
                REQUIRE(c[i * s.n + j] == ref);  // identical on every CPU
                err = std::max(err, std::fabs(c[i * s.n + j] - f));
                mag = std::max(mag, std::fabs(f));
            }
        }
        INFO("m=" << s.m << " n=" << s.n << " k=" << s.k << " max err " << err << " max |c| " << mag);
        CHECK(err < 0.02 * (1.0 + mag));
    }
}

TEST_CASE("int8 GEMM stays exact at the extreme codes where 16-bit pair sums would saturate", "[quant]") {
    // q = ±127 (u8 1 or 255) against w = −128 or 127 in every sign combination: a path that summed two
    // u8·s8 products into int16 without the |w|, q·sign(w) rewrite would saturate here.
    INFO("int8 path: " << semvec::quant::int8_path_name());
    std::mt19937 g(5);
    for (const std::size_t k : {std::size_t{4}, std::size_t{61}, std::size_t{1000}}) {
        const std::size_t m = 13, n = 37, ldq = semvec::quant::int8_padded_k(k);
        std::vector<std::int8_t> w(n * k);
        for (auto& x : w) x = (g() & 1) ? std::int8_t{-128} : std::int8_t{127};
        for (std::size_t t = 0; t < k; ++t) w[t] = -128;  // one column all −128
        std::vector<std::uint8_t> qa(m * ldq, 128);
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t t = 0; t < k; ++t) qa[i * ldq + t] = (i == 0 || (g() & 1)) ? std::uint8_t{1} : std::uint8_t{255};
        std::vector<std::int8_t> packed(semvec::quant::packed_int8_size(n, k));
        std::vector<std::int32_t> sums(n);
        semvec::quant::pack_int8_weights(w.data(), k, n, k, packed.data(), sums.data());
        const std::vector<float> sa(m, 1.0f), ws(n, 1.0f);
        std::vector<float> c(m * n);
        semvec::quant::gemm_int8(m, n, k, qa.data(), ldq, sa.data(), packed.data(), sums.data(), ws.data(), nullptr,
                                 c.data(), n);
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                std::int64_t dot = 0;
                for (std::size_t t = 0; t < k; ++t) dot += (int(qa[i * ldq + t]) - 128) * int(w[j * k + t]);
                INFO("k=" << k << " row " << i << " col " << j);
                REQUIRE(c[i * n + j] == std::fma(static_cast<float>(dot), 1.0f, 0.0f));
            }
    }
}

#ifdef SEMVEC_INT8_EXPECT_PATH
TEST_CASE("int8 GEMM runs the path this test executable was built for", "[quant]") {
    REQUIRE(std::string(semvec::quant::int8_path_name()) == SEMVEC_INT8_EXPECT_PATH);
}
#endif

TEST_CASE("gemm_paths names the kernel of each weight precision and notes only slow ones", "[quant]") {
    const semvec::GemmPaths p = semvec::gemm_paths();
    CHECK(std::string(p.simd) == semvec::simd_level_name());
    CHECK(std::string(p.int8) == semvec::quant::int8_path_name());
    CHECK(std::string(semvec::gemm_path("int8")) == p.int8);
    CHECK(std::string(semvec::gemm_path("bf16")) == (semvec::nn::has_bf16_dot() ? "bf16-dot" : "bf16-widened"));
    CHECK(std::string(semvec::gemm_path("f32")) == p.f32);
    CHECK(std::string(semvec::gemm_path("f16")) == p.f16);
    CHECK(std::string(semvec::gemm_path("q4")) == "?");
    // A note for int8 exactly when the build has no int8 SIMD (or no SIMD at all); never for f32 on SIMD.
    const bool scalar = std::string(semvec::simd_level_name()) == "scalar";
    CHECK((semvec::slow_path_note("int8")[0] != '\0') == (scalar || !semvec::quant::int8_path_is_simd()));
    CHECK((semvec::slow_path_note("f32")[0] != '\0') == scalar);
}
