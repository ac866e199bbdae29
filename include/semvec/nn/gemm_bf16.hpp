// semvec/nn/gemm_bf16.hpp — bf16 × bf16 → f32 GEMM with AVX512_BF16 `vdpbf16ps` (two products per lane
// per instruction: twice the FMA rate of f32). Both operands are bf16: the caller rounds the activations
// with to_bf16_rows (round to nearest even) into a workspace; weights are packed once.
// Only compiled where __AVX512BF16__ is on (has_bf16_dot() says so); elsewhere use gemm_packed with
// bf16 weights (widening loads, f32 activations).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "../simd/simd.hpp"
#include "../util/half.hpp"
#include "activation.hpp"

namespace semvec {
namespace nn {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp

/// True when gemm_bf16_dot is available (AVX512_BF16 compiled in at the AVX-512 level).
constexpr bool has_bf16_dot() {
#if defined(__AVX512BF16__) && SEMVEC_SIMD_LEVEL == 3
    return true;
#else
    return false;
#endif
}

/// K rounded up to a multiple of 2 (vdpbf16ps consumes pairs of k).
inline std::size_t bf16_dot_padded_k(std::size_t k) { return (k + 1) / 2 * 2; }

/// Elements written by pack_weights_bf16_dot for [n × k]: panels of 32 columns × pairs of k.
inline std::size_t packed_bf16_dot_size(std::size_t n, std::size_t k) { return (n + 31) / 32 * 32 * bf16_dot_padded_k(k); }

/// Packs W [n × k] (float or simd::bf16_t, row stride ldw) as bf16: element (panel p, pair g, column c, j)
/// at p·32·kp + g·64 + c·2 + j. Zero padded.
template <class T>
inline void pack_weights_bf16_dot(const T* w, std::size_t ldw, std::size_t n, std::size_t k, simd::bf16_t* dst) {
    const std::size_t kp = bf16_dot_padded_k(k);
    for (std::size_t n0 = 0; n0 < n; n0 += 32) {
        simd::bf16_t* p = dst + n0 * kp;
        for (std::size_t g = 0; g < kp / 2; ++g) {
            for (std::size_t c = 0; c < 32; ++c) {
                for (std::size_t j = 0; j < 2; ++j) {
                    const std::size_t kk = 2 * g + j, col = n0 + c;
                    simd::bf16_t v{0};
                    if (col < n && kk < k) {
                        if constexpr (std::is_same<T, float>::value) v.bits = f32_to_bf16(w[col * ldw + kk]);
                        else v = w[col * ldw + kk];
                    }
                    p[g * 64 + c * 2 + j] = v;
                }
            }
        }
    }
}

/// Rounds rows of a [m × k] (row stride lda) to bf16 into dst (row stride ldd ≥ bf16_dot_padded_k(k),
/// padding zeroed).
inline void to_bf16_rows(const float* a, std::size_t m, std::size_t k, std::size_t lda, simd::bf16_t* dst, std::size_t ldd) {
    const std::size_t kp = bf16_dot_padded_k(k);
    for (std::size_t i = 0; i < m; ++i) {
        std::size_t t = 0;
#if defined(__AVX512BF16__) && SEMVEC_SIMD_LEVEL == 3
        for (; t + 16 <= k; t += 16) {  // vcvtneps2bf16: round to nearest even, like f32_to_bf16
            const __m256bh h = _mm512_cvtneps_pbh(_mm512_loadu_ps(a + i * lda + t));
            std::memcpy(dst + i * ldd + t, &h, 32);
        }
#endif
        for (; t < k; ++t) dst[i * ldd + t].bits = f32_to_bf16(a[i * lda + t]);
        for (t = k; t < kp; ++t) dst[i * ldd + t].bits = 0;
    }
}

#if defined(__AVX512BF16__) && SEMVEC_SIMD_LEVEL == 3
namespace detail {
template <int MR>
inline void bf16_dot_tile(std::size_t kp, const simd::bf16_t* a, std::size_t lda, const simd::bf16_t* b, float* c,
                          std::size_t ldc, int nr, const float* bias, Activation act) {
    using O = simd::Avx512;
    __m512 acc0[MR], acc1[MR];
    float biasbuf[32];
    if (bias && nr < 32) {
        for (int j = 0; j < 32; ++j) biasbuf[j] = j < nr ? bias[j] : 0.0f;
        bias = biasbuf;
    }
    const __m512 bz0 = bias ? _mm512_loadu_ps(bias) : _mm512_setzero_ps();
    const __m512 bz1 = bias ? _mm512_loadu_ps(bias + 16) : _mm512_setzero_ps();
SEMVEC_UNROLL(16)
    for (int i = 0; i < MR; ++i) { acc0[i] = bz0; acc1[i] = bz1; }
    for (std::size_t g = 0; g < kp / 2; ++g) {
        const __m512bh b0 = (__m512bh)_mm512_loadu_si512(b + g * 64);
        const __m512bh b1 = (__m512bh)_mm512_loadu_si512(b + g * 64 + 32);
SEMVEC_UNROLL(16)
        for (int i = 0; i < MR; ++i) {
            std::int32_t v;
            std::memcpy(&v, a + i * lda + 2 * g, 4);
            const __m512bh av = (__m512bh)_mm512_set1_epi32(v);
            acc0[i] = _mm512_dpbf16_ps(acc0[i], av, b0);
            acc1[i] = _mm512_dpbf16_ps(acc1[i], av, b1);
        }
    }
    float tile[32];
    for (int i = 0; i < MR; ++i) {
        __m512 r0 = acc0[i], r1 = acc1[i];
        if (act != Activation::none) { r0 = activate<O>(r0, act); r1 = activate<O>(r1, act); }
        if (nr == 32) {
            _mm512_storeu_ps(c + i * ldc, r0);
            _mm512_storeu_ps(c + i * ldc + 16, r1);
        } else {
            _mm512_storeu_ps(tile, r0);
            _mm512_storeu_ps(tile + 16, r1);
            std::memcpy(c + i * ldc, tile, sizeof(float) * static_cast<std::size_t>(nr));
        }
    }
}
// Row-count dispatch for the last partial tile: one tile of exactly mr rows (not mr tiles of 1 row, which
// would stream the weight panel mr times). Per-row results do not depend on the tile height.
template <int MR>
inline void bf16_dot_rows(int mr, std::size_t kp, const simd::bf16_t* a, std::size_t lda, const simd::bf16_t* b,
                          float* c, std::size_t ldc, int nr, const float* bias, Activation act) {
    if constexpr (MR > 0) {
        if (mr == MR) return bf16_dot_tile<MR>(kp, a, lda, b, c, ldc, nr, bias, act);
        return bf16_dot_rows<MR - 1>(mr, kp, a, lda, b, c, ldc, nr, bias, act);
    }
}
}  // namespace detail

/// C[m×n] = act(A · Wᵀ + bias) with A in bf16 (to_bf16_rows; row stride lda) and W packed by
/// pack_weights_bf16_dot. f32 accumulation; products of bf16 are exact in f32.
inline void gemm_bf16_dot(std::size_t m, std::size_t n, std::size_t k, const simd::bf16_t* a, std::size_t lda,
                          const simd::bf16_t* packed, const float* bias, float* c, std::size_t ldc,
                          Activation act = Activation::none) {
    const std::size_t kp = bf16_dot_padded_k(k);
    constexpr std::size_t kMC = 192;
    for (std::size_t m0 = 0; m0 < m; m0 += kMC) {
        const std::size_t m1 = std::min(m, m0 + kMC);
        for (std::size_t n0 = 0; n0 < n; n0 += 32) {
            const int nr = static_cast<int>(std::min<std::size_t>(32, n - n0));
            const simd::bf16_t* b = packed + n0 * kp;
            std::size_t i = m0;
            for (; i + 12 <= m1; i += 12)
                detail::bf16_dot_tile<12>(kp, a + i * lda, lda, b, c + i * ldc + n0, ldc, nr, bias ? bias + n0 : nullptr, act);
            if (i < m1)
                detail::bf16_dot_rows<11>(static_cast<int>(m1 - i), kp, a + i * lda, lda, b, c + i * ldc + n0, ldc, nr,
                                          bias ? bias + n0 : nullptr, act);
        }
    }
}
#endif

SEMVEC_SIMD_NAMESPACE_END
}  // namespace nn
}  // namespace semvec
