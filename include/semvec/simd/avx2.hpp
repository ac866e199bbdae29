// semvec/simd/avx2.hpp — 8-float packets on AVX2 + FMA (+ F16C for f16 weights). Same API as scalar.hpp.
#pragma once

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include "common.hpp"
#include "dispatch.hpp"

namespace semvec {
namespace simd {
SEMVEC_SIMD_NAMESPACE_BEGIN

struct Avx2 {
    using vf = __m256;
    static constexpr int width = 8;
    static constexpr const char* name = "avx2";

    static SEMVEC_SIMD_INLINE vf zero() { return _mm256_setzero_ps(); }
    static SEMVEC_SIMD_INLINE vf set1(float x) { return _mm256_set1_ps(x); }
    static SEMVEC_SIMD_INLINE vf load(const float* p) { return _mm256_loadu_ps(p); }
    /// bf16 → f32 widening load: zero-extend to 32 bits and shift into the high half.
    static SEMVEC_SIMD_INLINE vf load(const bf16_t* p) {
        const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    }
#if defined(__F16C__)
    static SEMVEC_SIMD_INLINE vf load(const f16_t* p) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
#endif
    static SEMVEC_SIMD_INLINE void store(float* p, vf v) { _mm256_storeu_ps(p, v); }
    static SEMVEC_SIMD_INLINE vf add(vf a, vf b) { return _mm256_add_ps(a, b); }
    static SEMVEC_SIMD_INLINE vf sub(vf a, vf b) { return _mm256_sub_ps(a, b); }
    static SEMVEC_SIMD_INLINE vf mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
    static SEMVEC_SIMD_INLINE vf div(vf a, vf b) { return _mm256_div_ps(a, b); }
    static SEMVEC_SIMD_INLINE vf max(vf a, vf b) { return _mm256_max_ps(a, b); }
    static SEMVEC_SIMD_INLINE vf min(vf a, vf b) { return _mm256_min_ps(a, b); }
    static SEMVEC_SIMD_INLINE vf fmadd(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
    static SEMVEC_SIMD_INLINE vf abs(vf a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
    static SEMVEC_SIMD_INLINE vf copysign(vf mag, vf sgn) {
        const __m256 m = _mm256_set1_ps(-0.0f);
        return _mm256_or_ps(_mm256_andnot_ps(m, mag), _mm256_and_ps(m, sgn));
    }
    static SEMVEC_SIMD_INLINE vf round(vf a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    static SEMVEC_SIMD_INLINE vf pow2n(vf n) {
        const __m256i i = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
        return _mm256_castsi256_ps(_mm256_slli_epi32(i, 23));
    }
    static SEMVEC_SIMD_INLINE float reduce_add(vf a) {
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
    static SEMVEC_SIMD_INLINE float reduce_max(vf a) {
        __m128 s = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
        s = _mm_max_ps(s, _mm_movehl_ps(s, s));
        s = _mm_max_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
};

SEMVEC_SIMD_NAMESPACE_END
}  // namespace simd
}  // namespace semvec
#endif
