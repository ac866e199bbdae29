// semvec/nn/softmax.hpp — masked, numerically stable softmax over rows.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>

#include "../simd/simd.hpp"

namespace semvec {
namespace nn {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp

/// x[0:n] = softmax(scale · x + bias) in place. bias (length n, additive mask, e.g. 0 / -inf or HF's
/// finfo.min) may be null. Stable: subtracts the row max. Entries ≥ 87 below the max come out as
/// ~1e-38·(their share), not exactly 0; when every entry is -inf the row becomes all zeros (no NaN).
inline void softmax_row(float* x, std::size_t n, float scale, const float* bias) {
    using O = simd::Native;
    using vf = O::vf;
    constexpr std::size_t W = O::width;
    const vf vs = O::set1(scale);
    std::size_t j = 0;
    vf vmax = O::set1(-std::numeric_limits<float>::infinity());
    for (; j + W <= n; j += W) {
        vf v = O::mul(O::load(x + j), vs);
        if (bias) v = O::add(v, O::load(bias + j));
        O::store(x + j, v);
        vmax = O::max(vmax, v);
    }
    float mx = O::reduce_max(vmax);
    for (; j < n; ++j) {
        x[j] = x[j] * scale + (bias ? bias[j] : 0.0f);
        mx = x[j] > mx ? x[j] : mx;
    }
    if (!(mx > -std::numeric_limits<float>::infinity())) {  // empty row or fully masked
        for (j = 0; j < n; ++j) x[j] = 0.0f;
        return;
    }
    const vf vm = O::set1(mx);
    vf vsum = O::zero();
    j = 0;
    for (; j + W <= n; j += W) {
        const vf e = simd::exp<O>(O::sub(O::load(x + j), vm));
        O::store(x + j, e);
        vsum = O::add(vsum, e);
    }
    float sum = O::reduce_add(vsum);
    for (; j < n; ++j) {
        x[j] = simd::exp<simd::Scalar>(x[j] - mx);
        sum += x[j];
    }
    const float inv = 1.0f / sum;
    const vf vi = O::set1(inv);
    j = 0;
    for (; j + W <= n; j += W) O::store(x + j, O::mul(O::load(x + j), vi));
    for (; j < n; ++j) x[j] *= inv;
}

/// softmax_row on each of rows rows (row stride ld), with one shared bias row (may be null).
inline void softmax_rows(float* x, std::size_t rows, std::size_t n, std::size_t ld, float scale, const float* bias) {
    for (std::size_t r = 0; r < rows; ++r) softmax_row(x + r * ld, n, scale, bias);
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace nn
}  // namespace semvec
