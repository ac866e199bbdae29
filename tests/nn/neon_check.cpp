// Build-only check of the NEON level (compiled by the aarch64 cross compiler, see neon_check.cmake):
// instantiates every kernel; when qemu-aarch64 is present it also runs a tiny self-check.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "semvec/nn/nn.hpp"
#include "semvec/quant/int8.hpp"

#if SEMVEC_SIMD_LEVEL != 1
#error "expected the NEON level"
#endif

int main() {
    const std::size_t m = 5, n = 19, k = 37;
    std::vector<float> a(m * k), w(n * k), c(m * n), p(semvec::nn::packed_weights_size(n, k));
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = std::sin(float(i));
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = std::cos(float(i));
    semvec::nn::pack_weights(w.data(), k, n, k, p.data());
    semvec::nn::gemm_packed(m, n, k, a.data(), k, p.data(), nullptr, c.data(), n, semvec::nn::Activation::gelu_erf);
    std::vector<semvec::simd::bf16_t> wb(n * k), pb(p.size());
    semvec::nn::pack_weights(wb.data(), k, n, k, pb.data());
    semvec::nn::gemm_packed(m, n, k, a.data(), k, pb.data(), nullptr, c.data(), n);
    std::vector<semvec::simd::f16_t> wh(n * k), ph(p.size());
    semvec::nn::pack_weights(wh.data(), k, n, k, ph.data());
    semvec::nn::gemm_packed(m, n, k, a.data(), k, ph.data(), nullptr, c.data(), n);
    semvec::nn::gemm_nn(m, n, k, a.data(), k, w.data(), n, c.data(), n);
    std::vector<float> ws(semvec::nn::attention_workspace_size(m, m)), ctx(m * k);
    semvec::nn::attention_head(m, m, k, a.data(), k, a.data(), k, a.data(), k, 0.1f, nullptr, ctx.data(), k, ws.data());
    semvec::nn::residual_layernorm(a.data(), k, nullptr, 0, nullptr, nullptr, 1e-12f, a.data(), k, m, k);
    std::vector<float> out(k);
    semvec::nn::pool_mean(a.data(), m, k, k, nullptr, out.data());
    semvec::nn::pool_max(a.data(), m, k, k, nullptr, out.data());
    semvec::nn::l2_normalize(a.data(), m, k, k);
    semvec::nn::rms_norm(a.data(), k, nullptr, 1e-6f, a.data(), k, m, k);
    semvec::nn::gated_activation(a.data(), k, m, k / 2, semvec::nn::Activation::silu, out.data(), 0);
    // Self-check: the f32 GEMM against a naive loop.
    semvec::nn::gemm_packed(m, n, k, a.data(), k, p.data(), nullptr, c.data(), n);
    double worst = 0;
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            double s = 0;
            for (std::size_t t = 0; t < k; ++t) s += double(a[i * k + t]) * w[j * k + t];
            worst = std::fmax(worst, std::fabs(s - c[i * n + j]));
        }
    std::printf("neon %s gemm max err %g\n", semvec::simd_level_name(), worst);
    // int8: bit for bit against the scalar integer reference, including the extreme codes (q = ±127,
    // w = −128 / 127) where 16-bit pair sums would overflow if the path were not exact.
    int int8_bad = 0;
    for (const std::size_t kq : {std::size_t{4}, std::size_t{37}, std::size_t{70}, std::size_t{515}}) {
        const std::size_t mq = 7, nq = 45, ldq = semvec::quant::int8_padded_k(kq);
        std::vector<std::int8_t> wq(nq * kq), packed(semvec::quant::packed_int8_size(nq, kq));
        std::vector<std::int32_t> sums(nq);
        std::vector<std::uint8_t> qa(mq * ldq, 128);
        unsigned r = 12345;
        auto next = [&r]() { r = r * 1103515245u + 12345u; return r >> 16; };
        for (std::size_t i = 0; i < wq.size(); ++i) wq[i] = kq == 70 ? ((next() & 1) ? -128 : 127) : int(next() % 256) - 128;
        for (std::size_t i = 0; i < mq; ++i)
            for (std::size_t t = 0; t < kq; ++t) qa[i * ldq + t] = kq == 70 ? ((next() & 1) ? 1 : 255) : 1 + next() % 255;
        semvec::quant::pack_int8_weights(wq.data(), kq, nq, kq, packed.data(), sums.data());
        const std::vector<float> sa(mq, 1.0f), ws(nq, 1.0f);
        std::vector<float> cq(mq * nq);
        semvec::quant::gemm_int8(mq, nq, kq, qa.data(), ldq, sa.data(), packed.data(), sums.data(), ws.data(), nullptr,
                                 cq.data(), nq);
        for (std::size_t i = 0; i < mq; ++i)
            for (std::size_t j = 0; j < nq; ++j) {
                long dot = 0;
                for (std::size_t t = 0; t < kq; ++t) dot += (int(qa[i * ldq + t]) - 128) * int(wq[j * kq + t]);
                if (cq[i * nq + j] != float(dot)) ++int8_bad;
            }
    }
    std::printf("neon int8 path %s: %d mismatches against the integer reference\n", semvec::quant::int8_path_name(),
                int8_bad);
#ifdef EXPECT_INT8_PATH
    if (std::string(semvec::quant::int8_path_name()) != EXPECT_INT8_PATH) return 1;
#endif
    return worst < 1e-4 && int8_bad == 0 ? 0 : 1;
}
