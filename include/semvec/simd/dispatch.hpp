// semvec/simd/dispatch.hpp — picks one SIMD level at compile time from the compiler's macros.
//
// Override with -DSEMVEC_SIMD_FORCE_scalar (or _avx2, _avx512, _neon). There is no run-time detection:
// the level is what the translation unit was compiled for, so it costs nothing at run time.
#pragma once

#if defined(SEMVEC_SIMD_FORCE_scalar)
#define SEMVEC_SIMD_LEVEL 0
#elif defined(SEMVEC_SIMD_FORCE_neon)
#define SEMVEC_SIMD_LEVEL 1
#elif defined(SEMVEC_SIMD_FORCE_avx2)
#define SEMVEC_SIMD_LEVEL 2
#elif defined(SEMVEC_SIMD_FORCE_avx512)
#define SEMVEC_SIMD_LEVEL 3
#elif defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
#define SEMVEC_SIMD_LEVEL 3
#elif defined(__AVX2__) && defined(__FMA__)
#define SEMVEC_SIMD_LEVEL 2
#elif defined(__ARM_NEON) || defined(__ARM_NEON__)
#define SEMVEC_SIMD_LEVEL 1
#else
#define SEMVEC_SIMD_LEVEL 0
#endif

#define SEMVEC_SIMD_SCALAR 0
#define SEMVEC_SIMD_NEON 1
#define SEMVEC_SIMD_AVX2 2
#define SEMVEC_SIMD_AVX512 3

namespace semvec {

/// The SIMD level compiled into this translation unit: "scalar", "neon", "avx2" or "avx512".
inline const char* simd_level_name() {
#if SEMVEC_SIMD_LEVEL == 3
    return "avx512";
#elif SEMVEC_SIMD_LEVEL == 2
    return "avx2";
#elif SEMVEC_SIMD_LEVEL == 1
    return "neon";
#else
    return "scalar";
#endif
}

}  // namespace semvec
