// One translation unit of the two-level program (tests/simd/CMakeLists.txt builds it twice: once for AVX2,
// once for the scalar level, at -O0 so that no call is inlined and the linker's choice of bodies shows).
// UNIT is the name of the function this copy defines.
#include <cmath>
#include <vector>

#include "semvec/nn/gemm.hpp"
#include "two_levels.hpp"

UnitReport UNIT() {
    UnitReport r;
    r.level = semvec::simd_level_name();
    r.variant = semvec::simd_variant_name();
    r.packet_name = semvec::simd::Native::name;
    r.panel_width = semvec::nn::gemm_panel_width();
    // A real kernel: C = A·Wᵀ through pack_weights + gemm_packed (whose panel layout depends on the level),
    // against a double reference.
    const std::size_t m = 5, n = 37, k = 29;
    std::vector<float> a(m * k), w(n * k), c(m * n);
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = std::sin(0.37f * static_cast<float>(i));
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = std::cos(0.11f * static_cast<float>(i));
    std::vector<float> packed(semvec::nn::packed_weights_size(n, k));
    semvec::nn::pack_weights<float>(w.data(), k, n, k, packed.data());
    semvec::nn::gemm_packed<float>(m, n, k, a.data(), k, packed.data(), nullptr, c.data(), n);
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            double ref = 0;
            for (std::size_t t = 0; t < k; ++t) ref += double(a[i * k + t]) * w[j * k + t];
            r.max_gemm_error = std::max(r.max_gemm_error, std::fabs(ref - c[i * n + j]));
        }
    return r;
}
