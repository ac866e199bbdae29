// semvec/nn/rmsnorm.hpp — RMSNorm over rows (Llama / Qwen3): x / sqrt(mean(x²) + eps) · gamma.
#pragma once

#include <cmath>
#include <cstddef>

#include "../simd/simd.hpp"

namespace semvec {
namespace nn {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp

/// out[r,:] = (x[r,:] · 1/sqrt(mean(x[r,:]²) + eps)) · gamma for r < rows, in f32 as HF's Qwen3RMSNorm
/// (normalize first, then scale). gamma (length cols) may be null (scale 1). out may alias x.
inline void rms_norm(const float* x, std::size_t ldx, const float* gamma, float eps, float* out, std::size_t ldo,
                     std::size_t rows, std::size_t cols) {
    using O = simd::Native;
    using vf = O::vf;
    constexpr std::size_t W = O::width;
    for (std::size_t r = 0; r < rows; ++r) {
        const float* xr = x + r * ldx;
        float* o = out + r * ldo;
        vf s0 = O::zero(), s1 = O::zero();
        std::size_t j = 0;
        for (; j + 2 * W <= cols; j += 2 * W) {
            const vf a = O::load(xr + j), b = O::load(xr + j + W);
            s0 = O::fmadd(a, a, s0);
            s1 = O::fmadd(b, b, s1);
        }
        for (; j + W <= cols; j += W) {
            const vf a = O::load(xr + j);
            s0 = O::fmadd(a, a, s0);
        }
        float ss = O::reduce_add(O::add(s0, s1));
        for (; j < cols; ++j) ss += xr[j] * xr[j];
        const float rstd = 1.0f / std::sqrt(ss / static_cast<float>(cols) + eps);
        const vf vr = O::set1(rstd);
        j = 0;
        for (; j + W <= cols; j += W) {
            vf v = O::mul(O::load(xr + j), vr);
            if (gamma) v = O::mul(v, O::load(gamma + j));
            O::store(o + j, v);
        }
        for (; j < cols; ++j) {
            float v = xr[j] * rstd;
            if (gamma) v *= gamma[j];
            o[j] = v;
        }
    }
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace nn
}  // namespace semvec
