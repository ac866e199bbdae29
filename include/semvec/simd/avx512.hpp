// semvec/simd/avx512.hpp — 16-float packets on AVX-512 F/BW/DQ/VL. Same API as scalar.hpp.
#pragma once

#if defined(__AVX512F__)
#include <immintrin.h>

#include "common.hpp"
#include "dispatch.hpp"

namespace semvec {
namespace simd {
SEMVEC_SIMD_NAMESPACE_BEGIN

struct Avx512 {
    using vf = __m512;
    static constexpr int width = 16;
    static constexpr const char* name = "avx512";
    // Full-mask maskz forms compile to the plain instructions and avoid GCC 12's false
    // -Wmaybe-uninitialized on the unmasked intrinsics (their _mm512_undefined_* pass-through).
    static constexpr __mmask16 kAll = 0xFFFF;

    static SEMVEC_SIMD_INLINE vf zero() { return _mm512_setzero_ps(); }
    static SEMVEC_SIMD_INLINE vf set1(float x) { return _mm512_set1_ps(x); }
    static SEMVEC_SIMD_INLINE vf load(const float* p) { return _mm512_loadu_ps(p); }
    /// bf16 → f32 widening load: zero-extend to 32 bits and shift into the high half.
    static SEMVEC_SIMD_INLINE vf load(const bf16_t* p) {
        const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(kAll, _mm512_maskz_cvtepu16_epi32(kAll, h), 16));
    }
    static SEMVEC_SIMD_INLINE vf load(const f16_t* p) {
        return _mm512_maskz_cvtph_ps(kAll, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    }
    static SEMVEC_SIMD_INLINE void store(float* p, vf v) { _mm512_storeu_ps(p, v); }
    static SEMVEC_SIMD_INLINE vf add(vf a, vf b) { return _mm512_add_ps(a, b); }
    static SEMVEC_SIMD_INLINE vf sub(vf a, vf b) { return _mm512_sub_ps(a, b); }
    static SEMVEC_SIMD_INLINE vf mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
    static SEMVEC_SIMD_INLINE vf div(vf a, vf b) { return _mm512_div_ps(a, b); }
    static SEMVEC_SIMD_INLINE vf max(vf a, vf b) { return _mm512_maskz_max_ps(kAll, a, b); }
    static SEMVEC_SIMD_INLINE vf min(vf a, vf b) { return _mm512_maskz_min_ps(kAll, a, b); }
    static SEMVEC_SIMD_INLINE vf fmadd(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
    static SEMVEC_SIMD_INLINE vf abs(vf a) { return _mm512_abs_ps(a); }
    static SEMVEC_SIMD_INLINE vf copysign(vf mag, vf sgn) {
        const __m512i m = _mm512_set1_epi32(static_cast<int>(0x80000000u));
        const __m512i r = _mm512_or_si512(_mm512_maskz_andnot_epi32(kAll, m, _mm512_castps_si512(mag)),
                                          _mm512_and_si512(m, _mm512_castps_si512(sgn)));
        return _mm512_castsi512_ps(r);
    }
    static SEMVEC_SIMD_INLINE vf round(vf a) { return _mm512_maskz_roundscale_ps(kAll, a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    static SEMVEC_SIMD_INLINE vf pow2n(vf n) {
        const __m512i i = _mm512_add_epi32(_mm512_maskz_cvtps_epi32(kAll, n), _mm512_set1_epi32(127));
        return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(kAll, i, 23));
    }
    static SEMVEC_SIMD_INLINE float reduce_add(vf a) {
        // Fixed pairwise order (not _mm512_reduce_add_ps, whose order is compiler-defined).
        __m256 s8 = _mm256_add_ps(_mm512_maskz_extractf32x8_ps(0xFF, a, 0), _mm512_maskz_extractf32x8_ps(0xFF, a, 1));
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
    static SEMVEC_SIMD_INLINE float reduce_max(vf a) {
        __m256 s8 = _mm256_max_ps(_mm512_maskz_extractf32x8_ps(0xFF, a, 0), _mm512_maskz_extractf32x8_ps(0xFF, a, 1));
        __m128 s = _mm_max_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
        s = _mm_max_ps(s, _mm_movehl_ps(s, s));
        s = _mm_max_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
};

SEMVEC_SIMD_NAMESPACE_END
}  // namespace simd
}  // namespace semvec
#endif
