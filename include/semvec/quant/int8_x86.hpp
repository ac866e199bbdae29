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
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp
namespace detail {

SEMVEC_SIMD_INLINE std::int32_t load_i32(const std::uint8_t* p) {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

#if defined(__AVX2__)
// The 256-bit tiles: MR rows × 8·NV columns per pass over the panel (32 / (8·NV) passes), MR·NV ymm
// accumulators. Op says how one activation broadcast meets one weight vector:
//   Op::prep(w)           per weight vector and group, shared by the MR rows;
//   Op::act(bcast)        per row and group, on the 4 activation bytes broadcast to every lane;
//   Op::step(acc, a, w, p) the multiply-accumulate.
template <int MR, int NV, class Op>
inline void int8_tile256(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                         std::int32_t* out /* MR × 32 */) {
    for (int c0 = 0; c0 < 4; c0 += NV) {
        __m256i acc[MR][NV];
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_setzero_si256();
        for (std::size_t g = 0; g < kp / 4; ++g) {
            __m256i bv[NV], pv[NV];
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) {
                bv[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + g * 128 + (c0 + v) * 32));
                pv[v] = Op::prep(bv[v]);
            }
#pragma GCC unroll 16
            for (int i = 0; i < MR; ++i) {
                const __m256i av = Op::act(_mm256_set1_epi32(load_i32(a + i * ldq + g * 4)));
#pragma GCC unroll 4
                for (int v = 0; v < NV; ++v) acc[i][v] = Op::step(acc[i][v], av, bv[v], pv[v]);
            }
        }
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v)
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i * 32 + (c0 + v) * 8), acc[i][v]);
    }
}

// AVX2 without VNNI (Haswell … Zen 3): acc += maddwd(maddubs(|w|, q·sign(w)), 1), q = u8 ^ 0x80.
struct OpMaddubs256 {
    static SEMVEC_SIMD_INLINE __m256i prep(__m256i w) { return _mm256_abs_epi8(w); }  // |−128| = 128 as u8
    static SEMVEC_SIMD_INLINE __m256i act(__m256i u) { return _mm256_xor_si256(u, _mm256_set1_epi8(static_cast<char>(0x80))); }
    static SEMVEC_SIMD_INLINE __m256i step(__m256i acc, __m256i q, __m256i w, __m256i abs_w) {
        const __m256i p = _mm256_maddubs_epi16(abs_w, _mm256_sign_epi8(q, w));
        return _mm256_add_epi32(acc, _mm256_madd_epi16(p, _mm256_set1_epi16(1)));
    }
};
template <int MR, int NV>
SEMVEC_SIMD_INLINE void int8_tile_maddubs256(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                                             std::int32_t* out) {
    int8_tile256<MR, NV, OpMaddubs256>(kp, a, ldq, b, out);
}
#endif

#if defined(__AVXVNNI__) || (defined(__AVX512VNNI__) && defined(__AVX512VL__))
// AVX-VNNI (or its EVEX form): acc += dpbusd(u8, w).
struct OpAvxVnni {
    static SEMVEC_SIMD_INLINE __m256i prep(__m256i w) { return w; }
    static SEMVEC_SIMD_INLINE __m256i act(__m256i u) { return u; }
    static SEMVEC_SIMD_INLINE __m256i step(__m256i acc, __m256i u, __m256i w, __m256i) {
#if defined(__AVXVNNI__)
        return _mm256_dpbusd_avx_epi32(acc, u, w);
#else
        return _mm256_dpbusd_epi32(acc, u, w);
#endif
    }
};
template <int MR, int NV>
SEMVEC_SIMD_INLINE void int8_tile_avxvnni(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                                          std::int32_t* out) {
    int8_tile256<MR, NV, OpAvxVnni>(kp, a, ldq, b, out);
}
#endif

#if defined(__AVX512BW__)
// The 512-bit tiles: MR rows × 32 columns (2·MR zmm accumulators), same Op interface as int8_tile256 but
// Op::prep returns an Op::Prep.
template <int MR, class Op>
inline void int8_tile512(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                         std::int32_t* out /* MR × 32 */) {
    __m512i acc0[MR], acc1[MR];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) { acc0[i] = _mm512_setzero_si512(); acc1[i] = _mm512_setzero_si512(); }
    for (std::size_t g = 0; g < kp / 4; ++g) {
        const __m512i b0 = _mm512_loadu_si512(b + g * 128);
        const __m512i b1 = _mm512_loadu_si512(b + g * 128 + 64);
        const typename Op::Prep p0 = Op::prep(b0), p1 = Op::prep(b1);
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) {
            const __m512i av = Op::act(_mm512_set1_epi32(load_i32(a + i * ldq + g * 4)));
            acc0[i] = Op::step(acc0[i], av, b0, p0);
            acc1[i] = Op::step(acc1[i], av, b1, p1);
        }
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
        _mm512_storeu_si512(out + i * 32, acc0[i]);
        _mm512_storeu_si512(out + i * 32 + 16, acc1[i]);
    }
}

// AVX-512BW without VNNI (Skylake-SP): maddubs on zmm. AVX-512 has no vpsignb, so q·sign(w) is a masked
// negation (q where w ≥ 0, −q where w < 0; w = 0 contributes |w| = 0 either way).
struct OpMaddubs512 {
    struct Prep { __m512i abs_w; __mmask64 negative; };
    static SEMVEC_SIMD_INLINE Prep prep(__m512i w) { return {_mm512_abs_epi8(w), _mm512_movepi8_mask(w)}; }
    static SEMVEC_SIMD_INLINE __m512i act(__m512i u) { return _mm512_xor_si512(u, _mm512_set1_epi8(static_cast<char>(0x80))); }
    static SEMVEC_SIMD_INLINE __m512i step(__m512i acc, __m512i q, __m512i, const Prep& p) {
        const __m512i s = _mm512_mask_sub_epi8(q, p.negative, _mm512_setzero_si512(), q);
        return _mm512_add_epi32(acc, _mm512_madd_epi16(_mm512_maddubs_epi16(p.abs_w, s), _mm512_set1_epi16(1)));
    }
};
template <int MR>
SEMVEC_SIMD_INLINE void int8_tile_maddubs512(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                                             std::int32_t* out) {
    int8_tile512<MR, OpMaddubs512>(kp, a, ldq, b, out);
}
#endif

#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
// AVX-512 VNNI: acc += dpbusd(u8, w).
struct OpVnni512 {
    struct Prep {};
    static SEMVEC_SIMD_INLINE Prep prep(__m512i) { return {}; }
    static SEMVEC_SIMD_INLINE __m512i act(__m512i u) { return u; }
    static SEMVEC_SIMD_INLINE __m512i step(__m512i acc, __m512i u, __m512i w, Prep) { return _mm512_dpbusd_epi32(acc, u, w); }
};
template <int MR>
SEMVEC_SIMD_INLINE void int8_tile_vnni512(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                                          std::int32_t* out) {
    int8_tile512<MR, OpVnni512>(kp, a, ldq, b, out);
}
#endif

}  // namespace detail
SEMVEC_SIMD_NAMESPACE_END
}  // namespace quant
}  // namespace semvec
