// semvec/simd/scalar.hpp — the scalar "packet" (one float): the reference level, and the tail path of every
// vector kernel. Same API as avx2.hpp / avx512.hpp / neon.hpp: generic kernels take the ops struct as a
// template parameter and are written once (see math.hpp and nn/).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "common.hpp"
#include "dispatch.hpp"
#include "../util/half.hpp"

namespace semvec {
namespace simd {
SEMVEC_SIMD_NAMESPACE_BEGIN

struct Scalar {
    using vf = float;
    static constexpr int width = 1;
    static constexpr const char* name = "scalar";

    static SEMVEC_SIMD_INLINE vf zero() { return 0.0f; }
    static SEMVEC_SIMD_INLINE vf set1(float x) { return x; }
    static SEMVEC_SIMD_INLINE vf load(const float* p) { return *p; }
    static SEMVEC_SIMD_INLINE vf load(const bf16_t* p) { return bf16_to_f32(p->bits); }
    static SEMVEC_SIMD_INLINE vf load(const f16_t* p) { return f16_to_f32(p->bits); }
    static SEMVEC_SIMD_INLINE void store(float* p, vf v) { *p = v; }
    static SEMVEC_SIMD_INLINE vf add(vf a, vf b) { return a + b; }
    static SEMVEC_SIMD_INLINE vf sub(vf a, vf b) { return a - b; }
    static SEMVEC_SIMD_INLINE vf mul(vf a, vf b) { return a * b; }
    static SEMVEC_SIMD_INLINE vf div(vf a, vf b) { return a / b; }
    static SEMVEC_SIMD_INLINE vf max(vf a, vf b) { return a > b ? a : b; }
    static SEMVEC_SIMD_INLINE vf min(vf a, vf b) { return a < b ? a : b; }
    /// a*b + c with a single rounding on every level (std::fma here), so levels agree closely.
    static SEMVEC_SIMD_INLINE vf fmadd(vf a, vf b, vf c) { return std::fma(a, b, c); }
    static SEMVEC_SIMD_INLINE vf abs(vf a) { return std::fabs(a); }
    /// |mag| with the sign of sgn.
    static SEMVEC_SIMD_INLINE vf copysign(vf mag, vf sgn) { return std::copysign(mag, sgn); }
    /// Round to nearest, ties to even.
    static SEMVEC_SIMD_INLINE vf round(vf a) { return std::nearbyint(a); }
    /// 2^n for an integer-valued n in [-126, 127].
    static SEMVEC_SIMD_INLINE vf pow2n(vf n) {
        const std::uint32_t bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(n) + 127) << 23;
        float f;
        std::memcpy(&f, &bits, 4);
        return f;
    }
    static SEMVEC_SIMD_INLINE float reduce_add(vf a) { return a; }
    static SEMVEC_SIMD_INLINE float reduce_max(vf a) { return a; }
};

SEMVEC_SIMD_NAMESPACE_END
}  // namespace simd
}  // namespace semvec
