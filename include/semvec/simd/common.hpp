// semvec/simd/common.hpp — shared bits of the per-ISA packet headers: storage types for 16-bit weights and
// the force-inline attribute (packet wrappers must vanish even in -O1 sanitizer builds).
#pragma once

#include <cstdint>

#if defined(__GNUC__) || defined(__clang__)
#define SEMVEC_SIMD_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define SEMVEC_SIMD_INLINE __forceinline
#else
#define SEMVEC_SIMD_INLINE inline
#endif

// SEMVEC_UNROLL(n) before a loop: unroll it n times (GCC and Clang read `#pragma GCC unroll`; other compilers,
// MSVC among them, would warn about an unknown pragma, so they get nothing).
#define SEMVEC_PRAGMA(x) _Pragma(#x)
#if defined(__GNUC__) || defined(__clang__)
#define SEMVEC_UNROLL(n) SEMVEC_PRAGMA(GCC unroll n)
#else
#define SEMVEC_UNROLL(n)
#endif

namespace semvec {
namespace simd {

/// A bfloat16 value as stored in a model file (the top 16 bits of an IEEE float).
struct bf16_t { std::uint16_t bits; };
/// An IEEE binary16 value as stored in a model file.
struct f16_t { std::uint16_t bits; };

}  // namespace simd
}  // namespace semvec
