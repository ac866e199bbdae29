// semvec/quant/int8_x86.hpp — the x86 tiles of gemm_int8 (quant/int8.hpp): exact int32 sums of u8 × s8
// products for MR rows of activations against one packed panel of 32 weight columns.
//
// Panel layout (pack_int8_weights): byte (group g, column c, lane l) at g·128 + c·4 + l, i.e. each group
// of 4 k is 128 bytes holding 32 columns × 4 consecutive k. Activations are u8 = q + 128, q ∈ [-127, 127]
// (quantize_rows). Every tile writes out[r·32 + c] = Σ_k u8[r,k] · w[c,k] (VNNI) or Σ_k q[r,k] · w[c,k]
// (the maddubs tiles); int8_epilogue_row subtracts 128·Σw for the former. Both are the same integer.
//
//   vnni512   AVX-512 VNNI `vpdpbusd` zmm: 4 u8·s8 products summed into each int32 lane, one instruction.
//   avxvnni   AVX-VNNI `vpdpbusd` ymm (Alder Lake, Zen 5): the same on 256 bits.
//   maddubs   AVX2 / AVX-512BW without VNNI: `vpmaddubsw` sums two u8·s8 products into an int16 with
//             SATURATION, so it is fed |w| (u8, ≤ 128) and q·sign(w) (s8, |·| ≤ 127): each pair sum is at
//             most 2·128·127 = 32512 < 32767, never saturates, and |w|·q·sign(w) = q·w. `vpmaddwd` by 1
//             then widens pairs of int16 to int32 (exact). 4 instructions per 32 (ymm) or 64 (zmm) products
//             (sign, maddubs, maddwd, add) against VNNI's 1; the integer result is identical.
// These headers are included by int8.hpp only; the functions are single-threaded and reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <immintrin.h>

namespace semvec {
namespace quant {
namespace detail {

SEMVEC_SIMD_INLINE std::int32_t load_i32(const std::uint8_t* p) {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
// MR rows × 32 columns: 2·MR zmm accumulators.
template <int MR>
inline void int8_tile_vnni512(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                              std::int32_t* out /* MR × 32 */) {
    __m512i acc0[MR], acc1[MR];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) { acc0[i] = _mm512_setzero_si512(); acc1[i] = _mm512_setzero_si512(); }
    for (std::size_t g = 0; g < kp / 4; ++g) {
        const __m512i b0 = _mm512_loadu_si512(b + g * 128);
        const __m512i b1 = _mm512_loadu_si512(b + g * 128 + 64);
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) {
            const __m512i av = _mm512_set1_epi32(load_i32(a + i * ldq + g * 4));
            acc0[i] = _mm512_dpbusd_epi32(acc0[i], av, b0);
            acc1[i] = _mm512_dpbusd_epi32(acc1[i], av, b1);
        }
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
        _mm512_storeu_si512(out + i * 32, acc0[i]);
        _mm512_storeu_si512(out + i * 32 + 16, acc1[i]);
    }
}
#endif

#if defined(__AVXVNNI__) || (defined(__AVX512VNNI__) && defined(__AVX512VL__))
// MR rows × 8·NV columns per pass over the panel (32 / (8·NV) passes): MR·NV ymm accumulators.
template <int MR, int NV>
inline void int8_tile_avxvnni(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                              std::int32_t* out /* MR × 32 */) {
    for (int c0 = 0; c0 < 4; c0 += NV) {
        __m256i acc[MR][NV];
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_setzero_si256();
        for (std::size_t g = 0; g < kp / 4; ++g) {
            __m256i bv[NV];
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v)
                bv[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + g * 128 + (c0 + v) * 32));
#pragma GCC unroll 16
            for (int i = 0; i < MR; ++i) {
                const __m256i av = _mm256_set1_epi32(load_i32(a + i * ldq + g * 4));
#pragma GCC unroll 4
                for (int v = 0; v < NV; ++v) {
#if defined(__AVXVNNI__)
                    acc[i][v] = _mm256_dpbusd_avx_epi32(acc[i][v], av, bv[v]);
#else
                    acc[i][v] = _mm256_dpbusd_epi32(acc[i][v], av, bv[v]);
#endif
                }
            }
        }
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v)
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i * 32 + (c0 + v) * 8), acc[i][v]);
    }
}
#endif

#if defined(__AVX512BW__)
// AVX-512BW without VNNI (Skylake-SP): maddubs on zmm. AVX-512 has no vpsignb, so q·sign(w) is a masked
// negation (q where w ≥ 0, −q where w < 0; w = 0 contributes |w| = 0 either way). MR rows × 32 columns.
template <int MR>
inline void int8_tile_maddubs512(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                                 std::int32_t* out /* MR × 32 */) {
    __m512i acc0[MR], acc1[MR];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) { acc0[i] = _mm512_setzero_si512(); acc1[i] = _mm512_setzero_si512(); }
    const __m512i ones = _mm512_set1_epi16(1), flip = _mm512_set1_epi8(static_cast<char>(0x80)),
                  zero = _mm512_setzero_si512();
    for (std::size_t g = 0; g < kp / 4; ++g) {
        const __m512i b0 = _mm512_loadu_si512(b + g * 128);
        const __m512i b1 = _mm512_loadu_si512(b + g * 128 + 64);
        const __mmask64 n0 = _mm512_movepi8_mask(b0), n1 = _mm512_movepi8_mask(b1);
        const __m512i u0 = _mm512_abs_epi8(b0), u1 = _mm512_abs_epi8(b1);  // |−128| = 128 as u8
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) {
            const __m512i q = _mm512_xor_si512(_mm512_set1_epi32(load_i32(a + i * ldq + g * 4)), flip);  // u8 → q
            const __m512i s0 = _mm512_mask_sub_epi8(q, n0, zero, q), s1 = _mm512_mask_sub_epi8(q, n1, zero, q);
            acc0[i] = _mm512_add_epi32(acc0[i], _mm512_madd_epi16(_mm512_maddubs_epi16(u0, s0), ones));
            acc1[i] = _mm512_add_epi32(acc1[i], _mm512_madd_epi16(_mm512_maddubs_epi16(u1, s1), ones));
        }
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
        _mm512_storeu_si512(out + i * 32, acc0[i]);
        _mm512_storeu_si512(out + i * 32 + 16, acc1[i]);
    }
}
#endif

#if defined(__AVX2__)
// AVX2 without VNNI (Haswell … Zen 3): maddubs on ymm with vpsignb. MR rows × 8·NV columns per pass.
template <int MR, int NV>
inline void int8_tile_maddubs256(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                                 std::int32_t* out /* MR × 32 */) {
    const __m256i ones = _mm256_set1_epi16(1), flip = _mm256_set1_epi8(static_cast<char>(0x80));
    for (int c0 = 0; c0 < 4; c0 += NV) {
        __m256i acc[MR][NV];
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_setzero_si256();
        for (std::size_t g = 0; g < kp / 4; ++g) {
            __m256i bv[NV], uv[NV];
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) {
                bv[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + g * 128 + (c0 + v) * 32));
                uv[v] = _mm256_abs_epi8(bv[v]);  // |−128| = 128 as u8
            }
#pragma GCC unroll 16
            for (int i = 0; i < MR; ++i) {
                const __m256i q = _mm256_xor_si256(_mm256_set1_epi32(load_i32(a + i * ldq + g * 4)), flip);  // u8 → q
#pragma GCC unroll 4
                for (int v = 0; v < NV; ++v) {
                    const __m256i p = _mm256_maddubs_epi16(uv[v], _mm256_sign_epi8(q, bv[v]));
                    acc[i][v] = _mm256_add_epi32(acc[i][v], _mm256_madd_epi16(p, ones));
                }
            }
        }
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v)
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i * 32 + (c0 + v) * 8), acc[i][v]);
    }
}
#endif

}  // namespace detail
}  // namespace quant
}  // namespace semvec
