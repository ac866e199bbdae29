// semvec/nn/pooling.hpp — sentence pooling over token rows, and L2 normalization.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../simd/simd.hpp"

namespace semvec {
namespace nn {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp

/// out[0:cols] = mean of the rows r < rows of h (row stride ld) whose mask[r] != 0 (mask null: all rows).
/// Matches sentence-transformers: Σ(h·mask) / max(Σmask, 1e-9), so no valid row gives zeros.
inline void pool_mean(const float* h, std::size_t rows, std::size_t cols, std::size_t ld, const std::int32_t* mask,
                      float* out) {
    using O = simd::Native;
    constexpr std::size_t W = O::width;
    for (std::size_t j = 0; j < cols; ++j) out[j] = 0.0f;
    std::size_t count = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        if (mask && mask[r] == 0) continue;
        ++count;
        const float* x = h + r * ld;
        std::size_t j = 0;
        for (; j + W <= cols; j += W) O::store(out + j, O::add(O::load(out + j), O::load(x + j)));
        for (; j < cols; ++j) out[j] += x[j];
    }
    const float inv = 1.0f / (count > 0 ? static_cast<float>(count) : 1e-9f);
    for (std::size_t j = 0; j < cols; ++j) out[j] *= inv;
}

/// out = element-wise max over the unmasked rows (sentence-transformers: masked rows count as -1e9, so
/// no valid row gives -1e9 everywhere).
inline void pool_max(const float* h, std::size_t rows, std::size_t cols, std::size_t ld, const std::int32_t* mask,
                     float* out) {
    using O = simd::Native;
    constexpr std::size_t W = O::width;
    for (std::size_t j = 0; j < cols; ++j) out[j] = -1e9f;
    for (std::size_t r = 0; r < rows; ++r) {
        if (mask && mask[r] == 0) continue;
        const float* x = h + r * ld;
        std::size_t j = 0;
        for (; j + W <= cols; j += W) O::store(out + j, O::max(O::load(out + j), O::load(x + j)));
        for (; j < cols; ++j) out[j] = x[j] > out[j] ? x[j] : out[j];
    }
}

/// out = the first row (the [CLS] token).
inline void pool_cls(const float* h, std::size_t cols, float* out) { std::memcpy(out, h, cols * sizeof(float)); }

/// x[r,:] /= max(‖x[r,:]‖₂, eps) in place (torch.nn.functional.normalize).
inline void l2_normalize(float* x, std::size_t rows, std::size_t cols, std::size_t ld, float eps = 1e-12f) {
    using O = simd::Native;
    constexpr std::size_t W = O::width;
    for (std::size_t r = 0; r < rows; ++r) {
        float* v = x + r * ld;
        O::vf s = O::zero();
        std::size_t j = 0;
        for (; j + W <= cols; j += W) s = O::fmadd(O::load(v + j), O::load(v + j), s);
        float ss = O::reduce_add(s);
        for (; j < cols; ++j) ss += v[j] * v[j];
        const float norm = std::sqrt(ss);
        const float inv = 1.0f / (norm > eps ? norm : eps);
        j = 0;
        for (; j + W <= cols; j += W) O::store(v + j, O::mul(O::load(v + j), O::set1(inv)));
        for (; j < cols; ++j) v[j] *= inv;
    }
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace nn
}  // namespace semvec
