// Build-only check of the NEON level (compiled by the aarch64 cross compiler, see neon_check.cmake):
// instantiates every kernel; when qemu-aarch64 is present it also runs a tiny self-check.
#include <cmath>
#include <cstdio>
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
    return worst < 1e-4 ? 0 : 1;
}
