// semvec/simd/neon.hpp — 4-float packets on AArch64 NEON. Same API as scalar.hpp.
#pragma once

#if defined(__ARM_NEON) || defined(__ARM_NEON__)
#include <arm_neon.h>

#include "common.hpp"
#include "dispatch.hpp"

namespace semvec {
namespace simd {
SEMVEC_SIMD_NAMESPACE_BEGIN

struct Neon {
    using vf = float32x4_t;
    static constexpr int width = 4;
    static constexpr const char* name = "neon";

    static SEMVEC_SIMD_INLINE vf zero() { return vdupq_n_f32(0.0f); }
    static SEMVEC_SIMD_INLINE vf set1(float x) { return vdupq_n_f32(x); }
    static SEMVEC_SIMD_INLINE vf load(const float* p) { return vld1q_f32(p); }
    static SEMVEC_SIMD_INLINE vf load(const bf16_t* p) {
        const uint16x4_t h = vld1_u16(reinterpret_cast<const std::uint16_t*>(p));
        return vreinterpretq_f32_u32(vshlq_n_u32(vmovl_u16(h), 16));
    }
    static SEMVEC_SIMD_INLINE vf load(const f16_t* p) {
        return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(reinterpret_cast<const std::uint16_t*>(p))));
    }
    static SEMVEC_SIMD_INLINE void store(float* p, vf v) { vst1q_f32(p, v); }
    static SEMVEC_SIMD_INLINE vf add(vf a, vf b) { return vaddq_f32(a, b); }
    static SEMVEC_SIMD_INLINE vf sub(vf a, vf b) { return vsubq_f32(a, b); }
    static SEMVEC_SIMD_INLINE vf mul(vf a, vf b) { return vmulq_f32(a, b); }
    static SEMVEC_SIMD_INLINE vf div(vf a, vf b) { return vdivq_f32(a, b); }
    static SEMVEC_SIMD_INLINE vf max(vf a, vf b) { return vmaxq_f32(a, b); }
    static SEMVEC_SIMD_INLINE vf min(vf a, vf b) { return vminq_f32(a, b); }
    static SEMVEC_SIMD_INLINE vf fmadd(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }
    static SEMVEC_SIMD_INLINE vf abs(vf a) { return vabsq_f32(a); }
    static SEMVEC_SIMD_INLINE vf copysign(vf mag, vf sgn) {
        return vbslq_f32(vdupq_n_u32(0x80000000u), sgn, mag);
    }
    static SEMVEC_SIMD_INLINE vf round(vf a) { return vrndnq_f32(a); }
    static SEMVEC_SIMD_INLINE vf pow2n(vf n) {
        const int32x4_t i = vaddq_s32(vcvtnq_s32_f32(n), vdupq_n_s32(127));
        return vreinterpretq_f32_s32(vshlq_n_s32(i, 23));
    }
    static SEMVEC_SIMD_INLINE float reduce_add(vf a) {
        const float32x2_t s = vadd_f32(vget_low_f32(a), vget_high_f32(a));
        return vget_lane_f32(vpadd_f32(s, s), 0);
    }
    static SEMVEC_SIMD_INLINE float reduce_max(vf a) { return vmaxvq_f32(a); }
};

SEMVEC_SIMD_NAMESPACE_END
}  // namespace simd
}  // namespace semvec
#endif
