// semvec/nn/attention.hpp — scaled dot-product attention for one head, reading Q, K and V in place
// from the fused QKV projection (no transposes materialized).
#pragma once

#include <cstddef>

#include "gemm.hpp"
#include "softmax.hpp"

namespace semvec {
namespace nn {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp

/// Workspace floats that attention_head needs for tq queries and tk keys.
inline std::size_t attention_workspace_size(std::size_t tq, std::size_t tk) { return tq * tk; }

/// out[tq×dh] = softmax(scale · Q Kᵀ + key_bias) · V for one head.
///   q: tq rows, row stride ldq; k, v: tk rows, row strides ldk, ldv (with a fused [T, 3H] QKV buffer and
///   head h: q = qkv + h·dh, k = qkv + H + h·dh, v = qkv + 2H + h·dh, ldq = ldk = ldv = 3H).
///   key_bias: additive mask per key (length tk) or null. With right padding, pass tk = the number of real
///   tokens and no bias: identical to HF's finfo.min mask (those keys get probability exactly 0 there
///   too, up to 1e-38) and cheaper.
///   out: row stride ldo (e.g. the context buffer [T, H] at column h·dh).
///   scores: workspace of attention_workspace_size(tq, tk) floats.
inline void attention_head(std::size_t tq, std::size_t tk, std::size_t dh, const float* q, std::size_t ldq,
                           const float* k, std::size_t ldk, const float* v, std::size_t ldv, float scale,
                           const float* key_bias, float* out, std::size_t ldo, float* scores) {
    gemm_nt<float>(tq, tk, dh, q, ldq, k, ldk, nullptr, scores, tk);
    softmax_rows(scores, tq, tk, tk, scale, key_bias);
    gemm_nn(tq, dh, tk, scores, tk, v, ldv, out, ldo);
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace nn
}  // namespace semvec
