// semvec/simd/common.hpp — shared bits of the per-ISA packet headers: storage types for 16-bit weights and
// the force-inline attribute (packet wrappers must vanish even in -O1 sanitizer builds).
#pragma once

#include <cstdint>

#if defined(__GNUC__) || defined(__clang__)
#define SEMVEC_SIMD_INLINE inline __attribute__((always_inline))
#else
#define SEMVEC_SIMD_INLINE inline
#endif

namespace semvec {
namespace simd {

/// A bfloat16 value as stored in a model file (the top 16 bits of an IEEE float).
struct bf16_t { std::uint16_t bits; };
/// An IEEE binary16 value as stored in a model file.
struct f16_t { std::uint16_t bits; };

}  // namespace simd
}  // namespace semvec
