// semvec/nn/layernorm.hpp — fused residual add + LayerNorm over rows.
#pragma once

#include <cmath>
#include <cstddef>

#include "../simd/simd.hpp"

namespace semvec {
namespace nn {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp

namespace detail {
template <class O>
inline float row_sum(const float* x, std::size_t n) {
    typename O::vf s0 = O::zero(), s1 = O::zero();
    std::size_t j = 0;
    for (; j + 2 * O::width <= n; j += 2 * O::width) {
        s0 = O::add(s0, O::load(x + j));
        s1 = O::add(s1, O::load(x + j + O::width));
    }
    for (; j + O::width <= n; j += O::width) s0 = O::add(s0, O::load(x + j));
    float s = O::reduce_add(O::add(s0, s1));
    for (; j < n; ++j) s += x[j];
    return s;
}
}  // namespace detail

/// out[r,:] = LayerNorm(x[r,:] + residual[r,:]) · gamma + beta, for r < rows (PyTorch semantics: biased
/// variance, two-pass mean then Σ(v-mean)², eps inside the square root). residual, gamma, beta may be
/// null (no residual / scale 1 / shift 0). out may alias x or residual (row-wise in place).
inline void residual_layernorm(const float* x, std::size_t ldx, const float* residual, std::size_t ldr,
                               const float* gamma, const float* beta, float eps, float* out, std::size_t ldo,
                               std::size_t rows, std::size_t cols) {
    using O = simd::Native;
    using vf = O::vf;
    constexpr std::size_t W = O::width;
    for (std::size_t r = 0; r < rows; ++r) {
        const float* xr = x + r * ldx;
        float* o = out + r * ldo;
        std::size_t j = 0;
        if (residual) {
            const float* rr = residual + r * ldr;
            for (; j + W <= cols; j += W) O::store(o + j, O::add(O::load(xr + j), O::load(rr + j)));
            for (; j < cols; ++j) o[j] = xr[j] + rr[j];
        } else if (o != xr) {
            for (; j < cols; ++j) o[j] = xr[j];
        }
        const float mean = detail::row_sum<O>(o, cols) / static_cast<float>(cols);
        const vf vm = O::set1(mean);
        vf s0 = O::zero();
        j = 0;
        for (; j + W <= cols; j += W) {
            const vf d = O::sub(O::load(o + j), vm);
            s0 = O::fmadd(d, d, s0);
        }
        float ss = O::reduce_add(s0);
        for (; j < cols; ++j) ss += (o[j] - mean) * (o[j] - mean);
        const float rstd = 1.0f / std::sqrt(ss / static_cast<float>(cols) + eps);
        const vf vr = O::set1(rstd);
        j = 0;
        for (; j + W <= cols; j += W) {
            vf v = O::mul(O::sub(O::load(o + j), vm), vr);
            if (gamma) v = O::mul(v, O::load(gamma + j));
            if (beta) v = O::add(v, O::load(beta + j));
            O::store(o + j, v);
        }
        for (; j < cols; ++j) {
            float v = (o[j] - mean) * rstd;
            if (gamma) v *= gamma[j];
            if (beta) v += beta[j];
            o[j] = v;
        }
    }
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace nn
}  // namespace semvec
