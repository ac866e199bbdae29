// semvec/quant/int8.hpp — int8 GEMM: weights quantized per output channel (convert.py --dtype int8:
// int8 [out, in] with one f32 scale per row), activations quantized dynamically per token (row).
//
//   C[i,j] = fma(float(Σ_k qa[i,k]·qw[j,k]), sa[i]·sw[j], bias[j])      then an optional activation
//
// The integer dot product is exact on every path (AVX-512 VNNI `vpdpbusd`, AVX-VNNI, or the portable
// loop), and the float epilogue is one rounding of a product then one fma, so the output WITHOUT an
// activation is bit-identical on every CPU and SIMD level (tests/nn checks it against the scalar
// reference). VNNI multiplies unsigned by signed bytes, so activations are stored as u8 = q + 128 and the
// packed weights carry their column sums: Σ(q+128)·w − 128·Σw = Σq·w.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../nn/activation.hpp"
#include "../simd/simd.hpp"

#if defined(__AVX512VNNI__) || defined(__AVXVNNI__)
#include <immintrin.h>
#endif

namespace semvec {
namespace quant {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp

/// Columns per packed int8 panel (all levels share one layout).
constexpr std::size_t kInt8Panel = 32;

/// K rounded up to a multiple of 4 (VNNI consumes 4 bytes per lane).
inline std::size_t int8_padded_k(std::size_t k) { return (k + 3) / 4 * 4; }

/// Bytes written by pack_int8_weights for an [n × k] weight.
inline std::size_t packed_int8_size(std::size_t n, std::size_t k) {
    return (n + kInt8Panel - 1) / kInt8Panel * kInt8Panel * int8_padded_k(k);
}

/// Name of the int8 dot-product path compiled in: "avx512-vnni", "avx-vnni" or "portable".
inline const char* int8_path_name() {
#if defined(__AVX512VNNI__) && defined(__AVX512BW__) && SEMVEC_SIMD_LEVEL == 3
    return "avx512-vnni";
#elif defined(__AVXVNNI__) && SEMVEC_SIMD_LEVEL >= 2
    return "avx-vnni";
#else
    return "portable";
#endif
}

/// Packs w [n × k] int8 (row stride ldw, per-row scales kept by the caller) into panels of 32 columns ×
/// groups of 4 k: byte (panel p, group g, column c, lane l) at p·32·kp + g·128 + c·4 + l. Zero padded.
/// col_sums[j] (n entries) receives Σ_k w[j,k].
inline void pack_int8_weights(const std::int8_t* w, std::size_t ldw, std::size_t n, std::size_t k,
                              std::int8_t* dst, std::int32_t* col_sums) {
    const std::size_t kp = int8_padded_k(k);
    for (std::size_t n0 = 0; n0 < n; n0 += kInt8Panel) {
        std::int8_t* p = dst + n0 * kp;
        for (std::size_t g = 0; g < kp / 4; ++g) {
            for (std::size_t c = 0; c < kInt8Panel; ++c) {
                for (std::size_t l = 0; l < 4; ++l) {
                    const std::size_t kk = g * 4 + l, j = n0 + c;
                    p[g * 128 + c * 4 + l] = (j < n && kk < k) ? w[j * ldw + kk] : std::int8_t{0};
                }
            }
        }
    }
    for (std::size_t j = 0; j < n; ++j) {
        std::int32_t s = 0;
        for (std::size_t kk = 0; kk < k; ++kk) s += w[j * ldw + kk];
        col_sums[j] = s;
    }
}

/// Quantizes rows of x [rows × k] (row stride ldx) symmetrically per row: scale = max|x| / 127,
/// q = round-half-even(x · 127 / max|x|) ∈ [-127, 127], stored as u8 q + 128 in qa (row stride ldq ≥
/// int8_padded_k(k); the padding is filled with 128, i.e. q = 0). scales[r] receives the row's scale.
inline void quantize_rows(const float* x, std::size_t rows, std::size_t k, std::size_t ldx, std::uint8_t* qa,
                          std::size_t ldq, float* scales) {
    using O = simd::Native;
    constexpr std::size_t W = O::width;
    const std::size_t kp = int8_padded_k(k);
    for (std::size_t r = 0; r < rows; ++r) {
        const float* xr = x + r * ldx;
        std::uint8_t* q = qa + r * ldq;
        O::vf vm = O::zero();
        std::size_t j = 0;
        for (; j + W <= k; j += W) vm = O::max(vm, O::abs(O::load(xr + j)));
        float m = O::reduce_max(vm);
        for (; j < k; ++j) m = std::max(m, std::fabs(xr[j]));
        scales[r] = m / 127.0f;
        const float inv = m > 0.0f ? 127.0f / m : 0.0f;
        float tmp[W];
        j = 0;
        for (; j + W <= k; j += W) {
            O::store(tmp, O::round(O::mul(O::load(xr + j), O::set1(inv))));
            for (std::size_t l = 0; l < W; ++l) q[j + l] = static_cast<std::uint8_t>(static_cast<int>(tmp[l]) + 128);
        }
        for (; j < k; ++j) q[j] = static_cast<std::uint8_t>(static_cast<int>(std::nearbyint(xr[j] * inv)) + 128);
        for (; j < kp; ++j) q[j] = 128;
    }
}

namespace detail {

// Epilogue for one row × nr columns from exact int32 dot products of u8 activations.
inline void int8_epilogue_row(const std::int32_t* acc, int nr, std::size_t n0, float sa, const std::int32_t* col_sums,
                              const float* w_scales, const float* bias, float* c) {
    for (int j = 0; j < nr; ++j) {
        const std::int32_t dot = acc[j] - 128 * col_sums[n0 + j];
        const float s = sa * w_scales[n0 + j];
        c[j] = std::fma(static_cast<float>(dot), s, bias ? bias[n0 + j] : 0.0f);
    }
}

// Portable exact path: one row against one panel.
inline void int8_row_panel_portable(std::size_t kp, const std::uint8_t* a, const std::int8_t* b, std::int32_t* acc) {
    for (std::size_t c = 0; c < kInt8Panel; ++c) acc[c] = 0;
    for (std::size_t g = 0; g < kp / 4; ++g) {
        const std::int8_t* bg = b + g * 128;
        const std::uint8_t* ag = a + g * 4;
        for (std::size_t c = 0; c < kInt8Panel; ++c) {
            acc[c] += ag[0] * bg[c * 4] + ag[1] * bg[c * 4 + 1] + ag[2] * bg[c * 4 + 2] + ag[3] * bg[c * 4 + 3];
        }
    }
}

#if defined(__AVX512VNNI__) && defined(__AVX512BW__) && SEMVEC_SIMD_LEVEL == 3
template <int MR>
inline void int8_tile_vnni512(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                              std::int32_t* out /* MR × 32 */) {
    __m512i acc0[MR], acc1[MR];
SEMVEC_UNROLL(16)
    for (int i = 0; i < MR; ++i) { acc0[i] = _mm512_setzero_si512(); acc1[i] = _mm512_setzero_si512(); }
    for (std::size_t g = 0; g < kp / 4; ++g) {
        const __m512i b0 = _mm512_loadu_si512(b + g * 128);
        const __m512i b1 = _mm512_loadu_si512(b + g * 128 + 64);
SEMVEC_UNROLL(16)
        for (int i = 0; i < MR; ++i) {
            std::int32_t v;
            std::memcpy(&v, a + i * ldq + g * 4, 4);
            const __m512i av = _mm512_set1_epi32(v);
            acc0[i] = _mm512_dpbusd_epi32(acc0[i], av, b0);
            acc1[i] = _mm512_dpbusd_epi32(acc1[i], av, b1);
        }
    }
SEMVEC_UNROLL(16)
    for (int i = 0; i < MR; ++i) {
        _mm512_storeu_si512(out + i * 32, acc0[i]);
        _mm512_storeu_si512(out + i * 32 + 16, acc1[i]);
    }
}
// One tile of exactly mr rows for the last partial block (one pass over the weight panel).
template <int MR>
inline void int8_rows_vnni512(int mr, std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                              std::int32_t* out) {
    if constexpr (MR > 0) {
        if (mr == MR) return int8_tile_vnni512<MR>(kp, a, ldq, b, out);
        return int8_rows_vnni512<MR - 1>(mr, kp, a, ldq, b, out);
    }
}
#elif defined(__AVXVNNI__) && SEMVEC_SIMD_LEVEL >= 2
template <int MR>
inline void int8_tile_avxvnni(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                              std::int32_t* out /* MR × 32 */) {
    __m256i acc[MR][4];
    for (int i = 0; i < MR; ++i) for (int v = 0; v < 4; ++v) acc[i][v] = _mm256_setzero_si256();
    for (std::size_t g = 0; g < kp / 4; ++g) {
        __m256i bv[4];
        for (int v = 0; v < 4; ++v) bv[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + g * 128 + v * 32));
        for (int i = 0; i < MR; ++i) {
            std::int32_t x;
            std::memcpy(&x, a + i * ldq + g * 4, 4);
            const __m256i av = _mm256_set1_epi32(x);
            for (int v = 0; v < 4; ++v) acc[i][v] = _mm256_dpbusd_avx_epi32(acc[i][v], av, bv[v]);
        }
    }
    for (int i = 0; i < MR; ++i)
        for (int v = 0; v < 4; ++v) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i * 32 + v * 8), acc[i][v]);
}
#endif

}  // namespace detail

/// C[m×n] = act(dequant(QA · QWᵀ) + bias). qa/a_scales from quantize_rows (row stride ldq), packed/col_sums
/// from pack_int8_weights, w_scales the per-output-channel scales (length n), bias may be null; C row
/// stride ldc. Single-threaded and reentrant: split rows across threads (bit-identical).
inline void gemm_int8(std::size_t m, std::size_t n, std::size_t k, const std::uint8_t* qa, std::size_t ldq,
                      const float* a_scales, const std::int8_t* packed, const std::int32_t* col_sums,
                      const float* w_scales, const float* bias, float* c, std::size_t ldc,
                      nn::Activation act = nn::Activation::none) {
    const std::size_t kp = int8_padded_k(k);
#if defined(__AVX512VNNI__) && defined(__AVX512BW__) && SEMVEC_SIMD_LEVEL == 3
    constexpr int MR = 12;
#elif defined(__AVXVNNI__) && SEMVEC_SIMD_LEVEL >= 2
    constexpr int MR = 3;
#else
    constexpr int MR = 1;
#endif
    alignas(64) std::int32_t acc[MR * kInt8Panel];
    constexpr std::size_t kMC = 96;  // rows per block: their activations (≤ 96·3 KB) stay in L2 across panels
    for (std::size_t m0 = 0; m0 < m; m0 += kMC) {
        const std::size_t m1 = std::min(m, m0 + kMC);
        for (std::size_t n0 = 0; n0 < n; n0 += kInt8Panel) {
            const int nr = static_cast<int>(std::min(kInt8Panel, n - n0));
            const std::int8_t* b = packed + n0 * kp;
            for (std::size_t i = m0; i < m1; i += MR) {
                const int mr = static_cast<int>(std::min<std::size_t>(MR, m1 - i));
#if defined(__AVX512VNNI__) && defined(__AVX512BW__) && SEMVEC_SIMD_LEVEL == 3
                detail::int8_rows_vnni512<MR>(mr, kp, qa + i * ldq, ldq, b, acc);
#elif defined(__AVXVNNI__) && SEMVEC_SIMD_LEVEL >= 2
                if (mr == MR) {
                    detail::int8_tile_avxvnni<MR>(kp, qa + i * ldq, ldq, b, acc);
                } else {
                    for (int r = 0; r < mr; ++r) detail::int8_tile_avxvnni<1>(kp, qa + (i + r) * ldq, ldq, b, acc + r * 32);
                }
#else
                for (int r = 0; r < mr; ++r) detail::int8_row_panel_portable(kp, qa + (i + r) * ldq, b, acc + r * 32);
#endif
                for (int r = 0; r < mr; ++r) {
                    float* crow = c + (i + r) * ldc + n0;
                    detail::int8_epilogue_row(acc + r * 32, nr, n0, a_scales[i + r], col_sums, w_scales, bias, crow);
                    if (act != nn::Activation::none) nn::bias_activation(crow, 1, static_cast<std::size_t>(nr), 0, nullptr, act);
                }
            }
        }
    }
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace quant
}  // namespace semvec
