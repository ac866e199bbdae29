// semvec/quant/int8_neon.hpp — the AArch64 tiles of gemm_int8 (quant/int8.hpp): exact int32 sums of
// s8 × s8 products for MR rows of activations against one packed panel of 32 weight columns.
//
// Same panel layout as x86 (16 bytes = 4 columns × 4 consecutive k). Activations arrive as u8 = q + 128;
// one XOR with 0x80 gives the s8 q ∈ [-127, 127]. Both tiles write out[r·32 + c] = Σ_k q[r,k] · w[c,k].
//
//   sdot   ARMv8.2 dot product (`sdot`, __ARM_FEATURE_DOTPROD: Apple M1+, Cortex-A55/A76+, Graviton 2+):
//          4 s8·s8 products summed into each int32 lane; the activation group is picked by lane index.
//   smull  plain NEON (ARMv8.0): `smull` s8·s8 → s16 (exact, |·| ≤ 127·128), `smlal` adds the second
//          k-group's product (|sum| ≤ 2·127·128 = 32512 < 32767, exact), `sadalp` widens pairs into int32.
//          Each int32 lane then holds half a column (k 0–1 or 2–3 of every group); `addp` joins them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <arm_neon.h>

namespace semvec {
namespace quant {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp
namespace detail {

#if defined(__ARM_FEATURE_DOTPROD)
// MR rows × 16 columns per pass (2 passes per panel): 4·MR accumulators; A is read 16 k at a time and
// each 4-k group is selected by lane (vdotq_laneq_s32).
template <int MR>
inline void int8_tile_sdot(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                           std::int32_t* out /* MR × 32 */) {
    const uint8x16_t flip = vdupq_n_u8(0x80);
    const std::size_t groups = kp / 4;
    for (int c0 = 0; c0 < 32; c0 += 16) {
        int32x4_t acc[MR][4];
        for (int i = 0; i < MR; ++i)
            for (int v = 0; v < 4; ++v) acc[i][v] = vdupq_n_s32(0);
        std::size_t g = 0;
        for (; g + 4 <= groups; g += 4) {
            int8x16_t q[MR];
            for (int i = 0; i < MR; ++i) q[i] = vreinterpretq_s8_u8(veorq_u8(vld1q_u8(a + i * ldq + g * 4), flip));
#define SEMVEC_SDOT_LANE(L)                                                                        \
    {                                                                                              \
        const std::int8_t* bg = b + (g + L) * 128 + c0 * 4;                                        \
        const int8x16_t b0 = vld1q_s8(bg), b1 = vld1q_s8(bg + 16), b2 = vld1q_s8(bg + 32),        \
                        b3 = vld1q_s8(bg + 48);                                                    \
        for (int i = 0; i < MR; ++i) {                                                             \
            acc[i][0] = vdotq_laneq_s32(acc[i][0], b0, q[i], L);                                   \
            acc[i][1] = vdotq_laneq_s32(acc[i][1], b1, q[i], L);                                   \
            acc[i][2] = vdotq_laneq_s32(acc[i][2], b2, q[i], L);                                   \
            acc[i][3] = vdotq_laneq_s32(acc[i][3], b3, q[i], L);                                   \
        }                                                                                          \
    }
            SEMVEC_SDOT_LANE(0)
            SEMVEC_SDOT_LANE(1)
            SEMVEC_SDOT_LANE(2)
            SEMVEC_SDOT_LANE(3)
#undef SEMVEC_SDOT_LANE
        }
        for (; g < groups; ++g) {  // the last 1–3 groups
            const std::int8_t* bg = b + g * 128 + c0 * 4;
            for (int i = 0; i < MR; ++i) {
                std::uint32_t x;
                std::memcpy(&x, a + i * ldq + g * 4, 4);
                const int8x16_t q = vreinterpretq_s8_u8(veorq_u8(vreinterpretq_u8_u32(vdupq_n_u32(x)), flip));
                for (int v = 0; v < 4; ++v) acc[i][v] = vdotq_s32(acc[i][v], vld1q_s8(bg + v * 16), q);
            }
        }
        for (int i = 0; i < MR; ++i)
            for (int v = 0; v < 4; ++v) vst1q_s32(out + i * 32 + c0 + v * 4, acc[i][v]);
    }
}
#endif

// Plain NEON: MR rows × 8 columns per pass (4 passes per panel). Accumulator lane pairs hold the two
// halves of one column's sum.
template <int MR>
inline void int8_tile_smull(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                            std::int32_t* out /* MR × 32 */) {
    const uint8x8_t flip = vdup_n_u8(0x80);
    const std::size_t groups = kp / 4;
    auto q_of = [&](int i, std::size_t g) {  // 4 activation bytes of group g, twice, as s8
        std::uint32_t x;
        std::memcpy(&x, a + i * ldq + g * 4, 4);
        return vreinterpret_s8_u8(veor_u8(vreinterpret_u8_u32(vdup_n_u32(x)), flip));
    };
    for (int c0 = 0; c0 < 32; c0 += 8) {
        int32x4_t acc[MR][4];  // columns (c0, c0+1), (c0+2, c0+3), (c0+4, c0+5), (c0+6, c0+7)
        for (int i = 0; i < MR; ++i)
            for (int v = 0; v < 4; ++v) acc[i][v] = vdupq_n_s32(0);
        std::size_t g = 0;
        for (; g + 2 <= groups; g += 2) {
            const std::int8_t* b0 = b + g * 128 + c0 * 4;
            const std::int8_t* b1 = b0 + 128;
            int8x8_t w0[4], w1[4];
            for (int v = 0; v < 4; ++v) { w0[v] = vld1_s8(b0 + v * 8); w1[v] = vld1_s8(b1 + v * 8); }
            for (int i = 0; i < MR; ++i) {
                const int8x8_t q0 = q_of(i, g), q1 = q_of(i, g + 1);
                for (int v = 0; v < 4; ++v)
                    acc[i][v] = vpadalq_s16(acc[i][v], vmlal_s8(vmull_s8(w0[v], q0), w1[v], q1));
            }
        }
        if (g < groups) {
            const std::int8_t* b0 = b + g * 128 + c0 * 4;
            for (int i = 0; i < MR; ++i) {
                const int8x8_t q0 = q_of(i, g);
                for (int v = 0; v < 4; ++v) acc[i][v] = vpadalq_s16(acc[i][v], vmull_s8(vld1_s8(b0 + v * 8), q0));
            }
        }
        for (int i = 0; i < MR; ++i) {
            vst1q_s32(out + i * 32 + c0, vpaddq_s32(acc[i][0], acc[i][1]));
            vst1q_s32(out + i * 32 + c0 + 4, vpaddq_s32(acc[i][2], acc[i][3]));
        }
    }
}

}  // namespace detail
SEMVEC_SIMD_NAMESPACE_END
}  // namespace quant
}  // namespace semvec
