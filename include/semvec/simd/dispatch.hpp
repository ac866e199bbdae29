// semvec/simd/dispatch.hpp — picks one SIMD level at compile time from the compiler's flags, and names the
// inline namespace the kernels of that level live in.
//
// The level is what the translation unit was compiled for (no run-time dispatch, so it costs nothing):
//   avx512  -mavx512f -mavx512bw -mavx512dq -mavx512vl (and -mfma), e.g. -march=x86-64-v4 or -march=native
//   avx2    -mavx2 -mfma (and -mf16c for f16 weights), e.g. -march=x86-64-v3; MSVC /arch:AVX2
//   neon    any AArch64 compiler (NEON is always there); +dotprod adds the int8 dot-product kernels
//   scalar  anything else: correct, several times slower. A translation unit that ends up here by default
//           prints one compiler note (#pragma message) unless SEMVEC_SIMD_SCALAR_OK is defined.
// CMake: the option SEMVEC_SIMD=native|avx512|avx2|neon|scalar (project builds), or
// semvec_target_simd(target LEVEL) for your own targets (cmake/semvecSimd.cmake). Override the pick with
// -DSEMVEC_SIMD_FORCE_scalar (or _avx2, _avx512, _neon); forcing a level needs that level's flags.
//
// Kernels (simd/, nn/, quant/) live in an inline namespace named after the level and the optional features
// that change their code (SEMVEC_SIMD_NS, e.g. semvec::nn::avx512_bf16_vnni): two translation units built
// with different flags get kernels of different names, never one body chosen by the linker for both.
// semvec/build_info.hpp reports the level, and every variant linked into the program.
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
#elif defined(__AVX2__) && (defined(__FMA__) || defined(_MSC_VER))  // MSVC's /arch:AVX2 implies FMA
#define SEMVEC_SIMD_LEVEL 2
#elif defined(__ARM_NEON) || defined(__ARM_NEON__) || defined(_M_ARM64)
#define SEMVEC_SIMD_LEVEL 1
#else
#define SEMVEC_SIMD_LEVEL 0
#endif

#define SEMVEC_SIMD_SCALAR 0
#define SEMVEC_SIMD_NEON 1
#define SEMVEC_SIMD_AVX2 2
#define SEMVEC_SIMD_AVX512 3

// The scalar level by default (not forced): say so once per translation unit, at compile time.
#if SEMVEC_SIMD_LEVEL == 0 && !defined(SEMVEC_SIMD_FORCE_scalar) && !defined(SEMVEC_SIMD_SCALAR_OK)
#pragma message("semvec: no SIMD level is enabled, so the scalar kernels (several times slower) are compiled in. Build with -march=native, -mavx2 -mfma -mf16c (GCC/Clang), /arch:AVX2 (MSVC), or CMake semvec_target_simd(); define SEMVEC_SIMD_SCALAR_OK to silence this note.")
#endif

// Optional features that change kernel code within a level; each adds a suffix to the namespace name.
#if SEMVEC_SIMD_LEVEL == 2 && (defined(__F16C__) || defined(_MSC_VER))
#define SEMVEC_SIMD_NS_F16C _f16c
#else
#define SEMVEC_SIMD_NS_F16C
#endif
#if SEMVEC_SIMD_LEVEL == 3 && defined(__AVX512BF16__)
#define SEMVEC_SIMD_NS_BF16 _bf16
#else
#define SEMVEC_SIMD_NS_BF16
#endif
#if SEMVEC_SIMD_LEVEL == 3 && defined(__AVX512VNNI__)
#define SEMVEC_SIMD_NS_VNNI _vnni
#elif SEMVEC_SIMD_LEVEL >= 2 && defined(__AVXVNNI__)
#define SEMVEC_SIMD_NS_VNNI _avxvnni
#elif SEMVEC_SIMD_LEVEL == 1 && defined(__ARM_FEATURE_DOTPROD)
#define SEMVEC_SIMD_NS_VNNI _dotprod
#else
#define SEMVEC_SIMD_NS_VNNI
#endif
#if SEMVEC_SIMD_LEVEL == 3
#define SEMVEC_SIMD_NS_BASE avx512
#elif SEMVEC_SIMD_LEVEL == 2
#define SEMVEC_SIMD_NS_BASE avx2
#elif SEMVEC_SIMD_LEVEL == 1
#define SEMVEC_SIMD_NS_BASE neon
#else
#define SEMVEC_SIMD_NS_BASE scalar
#endif
#define SEMVEC_SIMD_CAT4_(a, b, c, d) a##b##c##d
#define SEMVEC_SIMD_CAT4(a, b, c, d) SEMVEC_SIMD_CAT4_(a, b, c, d)
#define SEMVEC_SIMD_STR_(x) #x
#define SEMVEC_SIMD_STR(x) SEMVEC_SIMD_STR_(x)
/// The inline namespace of this translation unit's kernels, e.g. avx512_f16c_bf16_vnni, avx2_f16c, scalar.
#define SEMVEC_SIMD_NS SEMVEC_SIMD_CAT4(SEMVEC_SIMD_NS_BASE, SEMVEC_SIMD_NS_F16C, SEMVEC_SIMD_NS_BF16, SEMVEC_SIMD_NS_VNNI)
/// Opens / closes that namespace; put it inside namespace semvec::simd, semvec::nn, semvec::quant, ...
#define SEMVEC_SIMD_NAMESPACE_BEGIN inline namespace SEMVEC_SIMD_NS {
#define SEMVEC_SIMD_NAMESPACE_END }

namespace semvec {

SEMVEC_SIMD_NAMESPACE_BEGIN
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

/// The name of this translation unit's kernel namespace (SEMVEC_SIMD_NS), e.g. "avx512_f16c_bf16_vnni".
inline const char* simd_variant_name() { return SEMVEC_SIMD_STR(SEMVEC_SIMD_NS); }
SEMVEC_SIMD_NAMESPACE_END

}  // namespace semvec
