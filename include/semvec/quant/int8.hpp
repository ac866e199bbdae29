// semvec/quant/int8.hpp — int8 GEMM: weights quantized per output channel (convert.py --dtype int8:
// int8 [out, in] with one f32 scale per row), activations quantized dynamically per token (row).
//
//   C[i,j] = fma(float(Σ_k qa[i,k]·qw[j,k]), sa[i]·sw[j], bias[j])      then an optional activation
//
// The integer dot product is EXACT on every path, and the float epilogue is one rounding of a product then
// one fma, so the output WITHOUT an activation is bit-identical on every CPU and SIMD level (tests/nn
// checks it against the scalar reference at each path, tests/parity end to end). The path is chosen at
// compile time from the compiler's flags (int8_path_name() says which):
//
//   path               needs                                   how (details in int8_x86.hpp / int8_neon.hpp)
//   avx512-vnni        AVX-512 level + AVX512_VNNI              vpdpbusd zmm on u8 = q + 128
//   avx-vnni           AVX2 level + AVX-VNNI (-mavxvnni)        vpdpbusd ymm on u8 = q + 128
//   avx512bw-maddubs   AVX-512 level without VNNI (Skylake-SP)  vpmaddubsw(|w|, q·sign(w)) + vpmaddwd
//   avx2-maddubs       AVX2 level without VNNI (Haswell–Zen 3)  the same on ymm with vpsignb
//   neon-sdot          NEON + ARMv8.2 dot product               sdot on s8 q
//   neon-smull         plain NEON                               smull/smlal → s16, sadalp → s32
//   portable           anything else                            plain int32 loop
//
// Exactness: q ∈ [-127, 127] (never −128) and w ∈ [-128, 127], so |q·w| ≤ 16256. VNNI sums 4 such
// products straight into int32; vpmaddubsw sums 2 into int16 with saturation, which is why it is fed
// |w| ≤ 128 and q·sign(w): a pair is at most 2·128·127 = 32512 < 32767 and never saturates. The (q+128)
// form of the VNNI paths is corrected with the packed column sums: Σ(q+128)·w − 128·Σw = Σq·w.
// int32 accumulation is exact for k < 2^31 / 16256 ≈ 132 000.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../nn/activation.hpp"
#include "../simd/simd.hpp"

#define SEMVEC_INT8_PORTABLE 0
#define SEMVEC_INT8_VNNI512 1
#define SEMVEC_INT8_AVXVNNI 2
#define SEMVEC_INT8_MADDUBS512 3
#define SEMVEC_INT8_MADDUBS256 4
#define SEMVEC_INT8_SDOT 5
#define SEMVEC_INT8_SMULL 6
#if SEMVEC_SIMD_LEVEL == 3 && defined(__AVX512VNNI__) && defined(__AVX512BW__)
#define SEMVEC_INT8_PATH SEMVEC_INT8_VNNI512
#elif SEMVEC_SIMD_LEVEL >= 2 && defined(__AVXVNNI__)
#define SEMVEC_INT8_PATH SEMVEC_INT8_AVXVNNI
#elif SEMVEC_SIMD_LEVEL == 3 && defined(__AVX512BW__)
#define SEMVEC_INT8_PATH SEMVEC_INT8_MADDUBS512
#elif SEMVEC_SIMD_LEVEL == 2 && defined(__AVX2__)
#define SEMVEC_INT8_PATH SEMVEC_INT8_MADDUBS256
#elif SEMVEC_SIMD_LEVEL == 1 && defined(__ARM_FEATURE_DOTPROD)
#define SEMVEC_INT8_PATH SEMVEC_INT8_SDOT
#elif SEMVEC_SIMD_LEVEL == 1
#define SEMVEC_INT8_PATH SEMVEC_INT8_SMULL
#else
#define SEMVEC_INT8_PATH SEMVEC_INT8_PORTABLE
#endif
// Tile shapes (rows × 8·NV columns per pass) of the 256-bit paths; see docs/performance.md.
#ifndef SEMVEC_INT8_AVXVNNI_MR
#define SEMVEC_INT8_AVXVNNI_MR 6
#define SEMVEC_INT8_AVXVNNI_NV 2
#endif
#ifndef SEMVEC_INT8_MADDUBS_MR
#define SEMVEC_INT8_MADDUBS_MR 4
#define SEMVEC_INT8_MADDUBS_NV 2
#endif

#if SEMVEC_INT8_PATH >= SEMVEC_INT8_VNNI512 && SEMVEC_INT8_PATH <= SEMVEC_INT8_MADDUBS256
#include "int8_x86.hpp"
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_SDOT || SEMVEC_INT8_PATH == SEMVEC_INT8_SMULL
#include "int8_neon.hpp"
#endif

namespace semvec {
namespace quant {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp

/// Columns per packed int8 panel (all levels share one layout).
constexpr std::size_t kInt8Panel = 32;

/// K rounded up to a multiple of 4 (VNNI consumes 4 bytes per lane).
inline std::size_t int8_padded_k(std::size_t k) { return (k + 3) / 4 * 4; }

/// Bytes written by pack_int8_weights for an [n × k] weight.
inline std::size_t packed_int8_size(std::size_t n, std::size_t k) {
    return (n + kInt8Panel - 1) / kInt8Panel * kInt8Panel * int8_padded_k(k);
}

/// Name of the int8 dot-product path compiled in: "avx512-vnni", "avx-vnni", "avx512bw-maddubs",
/// "avx2-maddubs", "neon-sdot", "neon-smull" or "portable" (see the table at the top of this header).
inline const char* int8_path_name() {
#if SEMVEC_INT8_PATH == SEMVEC_INT8_VNNI512
    return "avx512-vnni";
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_AVXVNNI
    return "avx-vnni";
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_MADDUBS512
    return "avx512bw-maddubs";
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_MADDUBS256
    return "avx2-maddubs";
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_SDOT
    return "neon-sdot";
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_SMULL
    return "neon-smull";
#else
    return "portable";
#endif
}

/// True when the int8 GEMM runs on SIMD integer instructions; false for the portable loop, which is
/// several times slower than the f32 GEMM (the CLI says so when it loads an int8 model).
constexpr bool int8_path_is_simd() { return SEMVEC_INT8_PATH != SEMVEC_INT8_PORTABLE; }

/// Packs w [n × k] int8 (row stride ldw, per-row scales kept by the caller) into panels of 32 columns ×
/// groups of 4 k: byte (panel p, group g, column c, lane l) at p·32·kp + g·128 + c·4 + l. Zero padded.
/// col_sums[j] (n entries) receives Σ_k w[j,k].
inline void pack_int8_weights(const std::int8_t* w, std::size_t ldw, std::size_t n, std::size_t k,
                              std::int8_t* dst, std::int32_t* col_sums) {
    const std::size_t kp = int8_padded_k(k);
    for (std::size_t n0 = 0; n0 < n; n0 += kInt8Panel) {
        std::int8_t* p = dst + n0 * kp;
        for (std::size_t g = 0; g < kp / 4; ++g) {
            for (std::size_t c = 0; c < kInt8Panel; ++c) {
                for (std::size_t l = 0; l < 4; ++l) {
                    const std::size_t kk = g * 4 + l, j = n0 + c;
                    p[g * 128 + c * 4 + l] = (j < n && kk < k) ? w[j * ldw + kk] : std::int8_t{0};
                }
            }
        }
    }
    for (std::size_t j = 0; j < n; ++j) {
        std::int32_t s = 0;
        for (std::size_t kk = 0; kk < k; ++kk) s += w[j * ldw + kk];
        col_sums[j] = s;
    }
}

/// Quantizes rows of x [rows × k] (row stride ldx) symmetrically per row: scale = max|x| / 127,
/// q = round-half-even(x · 127 / max|x|) ∈ [-127, 127], stored as u8 q + 128 in qa (row stride ldq ≥
/// int8_padded_k(k); the padding is filled with 128, i.e. q = 0). scales[r] receives the row's scale.
inline void quantize_rows(const float* x, std::size_t rows, std::size_t k, std::size_t ldx, std::uint8_t* qa,
                          std::size_t ldq, float* scales) {
    using O = simd::Native;
    constexpr std::size_t W = O::width;
    const std::size_t kp = int8_padded_k(k);
    for (std::size_t r = 0; r < rows; ++r) {
        const float* xr = x + r * ldx;
        std::uint8_t* q = qa + r * ldq;
        O::vf vm = O::zero();
        std::size_t j = 0;
        for (; j + W <= k; j += W) vm = O::max(vm, O::abs(O::load(xr + j)));
        float m = O::reduce_max(vm);
        for (; j < k; ++j) m = std::max(m, std::fabs(xr[j]));
        scales[r] = m / 127.0f;
        const float inv = m > 0.0f ? 127.0f / m : 0.0f;
        float tmp[W];
        j = 0;
        for (; j + W <= k; j += W) {
            O::store(tmp, O::round(O::mul(O::load(xr + j), O::set1(inv))));
            for (std::size_t l = 0; l < W; ++l) q[j + l] = static_cast<std::uint8_t>(static_cast<int>(tmp[l]) + 128);
        }
        for (; j < k; ++j) q[j] = static_cast<std::uint8_t>(static_cast<int>(std::nearbyint(xr[j] * inv)) + 128);
        for (; j < kp; ++j) q[j] = 128;
    }
}

namespace detail {

// Epilogue for one row × nr columns from exact int32 dot products. `unsigned_a`: acc holds Σ(q+128)·w
// (the VNNI tiles), so 128·Σw is subtracted; otherwise acc is Σq·w already.
inline void int8_epilogue_row(const std::int32_t* acc, int nr, std::size_t n0, float sa, const std::int32_t* col_sums,
                              const float* w_scales, const float* bias, float* c, bool unsigned_a) {
    for (int j = 0; j < nr; ++j) {
        const std::int32_t dot = unsigned_a ? acc[j] - 128 * col_sums[n0 + j] : acc[j];
        const float s = sa * w_scales[n0 + j];
        c[j] = std::fma(static_cast<float>(dot), s, bias ? bias[n0 + j] : 0.0f);
    }
}

// Portable exact path: MR rows against one panel, Σ(q+128)·w.
template <int MR>
inline void int8_tile_portable(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b,
                               std::int32_t* acc /* MR × 32 */) {
    for (int r = 0; r < MR; ++r) {
        std::int32_t* ar = acc + r * 32;
        const std::uint8_t* arow = a + r * ldq;
        for (std::size_t c = 0; c < kInt8Panel; ++c) ar[c] = 0;
        for (std::size_t g = 0; g < kp / 4; ++g) {
            const std::int8_t* bg = b + g * 128;
            const std::uint8_t* ag = arow + g * 4;
            for (std::size_t c = 0; c < kInt8Panel; ++c) {
                ar[c] += ag[0] * bg[c * 4] + ag[1] * bg[c * 4 + 1] + ag[2] * bg[c * 4 + 2] + ag[3] * bg[c * 4 + 3];
            }
        }
    }
}

// Tile kinds: Tile::run<R>(kp, a, ldq, b, acc) fills acc[R × 32] with the integer sums of R rows against
// one panel; Tile::kUnsignedA says whether they are Σ(q+128)·w (VNNI, portable) or Σq·w.
struct TilePortable {
    static constexpr bool kUnsignedA = true;
    template <int R> static SEMVEC_SIMD_INLINE void run(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b, std::int32_t* acc) { int8_tile_portable<R>(kp, a, ldq, b, acc); }
};
#if SEMVEC_INT8_PATH == SEMVEC_INT8_VNNI512
struct TileVnni512 {
    static constexpr bool kUnsignedA = true;
    template <int R> static SEMVEC_SIMD_INLINE void run(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b, std::int32_t* acc) { int8_tile_vnni512<R>(kp, a, ldq, b, acc); }
};
#endif
#if SEMVEC_INT8_PATH == SEMVEC_INT8_AVXVNNI || SEMVEC_INT8_PATH == SEMVEC_INT8_VNNI512
template <int NV> struct TileAvxVnni {
    static constexpr bool kUnsignedA = true;
    template <int R> static SEMVEC_SIMD_INLINE void run(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b, std::int32_t* acc) { int8_tile_avxvnni<R, NV>(kp, a, ldq, b, acc); }
};
#endif
#if SEMVEC_INT8_PATH == SEMVEC_INT8_MADDUBS512 || SEMVEC_INT8_PATH == SEMVEC_INT8_VNNI512
struct TileMaddubs512 {
    static constexpr bool kUnsignedA = false;
    template <int R> static SEMVEC_SIMD_INLINE void run(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b, std::int32_t* acc) { int8_tile_maddubs512<R>(kp, a, ldq, b, acc); }
};
#endif
#if SEMVEC_INT8_PATH >= SEMVEC_INT8_VNNI512 && SEMVEC_INT8_PATH <= SEMVEC_INT8_MADDUBS256
template <int NV> struct TileMaddubs256 {
    static constexpr bool kUnsignedA = false;
    template <int R> static SEMVEC_SIMD_INLINE void run(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b, std::int32_t* acc) { int8_tile_maddubs256<R, NV>(kp, a, ldq, b, acc); }
};
#endif
#if SEMVEC_INT8_PATH == SEMVEC_INT8_SDOT
struct TileSdot {
    static constexpr bool kUnsignedA = false;
    template <int R> static SEMVEC_SIMD_INLINE void run(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b, std::int32_t* acc) { int8_tile_sdot<R>(kp, a, ldq, b, acc); }
};
#endif
#if SEMVEC_INT8_PATH == SEMVEC_INT8_SDOT || SEMVEC_INT8_PATH == SEMVEC_INT8_SMULL
struct TileSmull {
    static constexpr bool kUnsignedA = false;
    template <int R> static SEMVEC_SIMD_INLINE void run(std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b, std::int32_t* acc) { int8_tile_smull<R>(kp, a, ldq, b, acc); }
};
#endif

// The compiled path's tile and its height MR (rows per tile), picked by measurement: bench_kernels
// BM_int8_tile, docs/performance.md "int8 tile shapes".
#if SEMVEC_INT8_PATH == SEMVEC_INT8_VNNI512
using NativeTile = TileVnni512;
constexpr int kInt8MR = 8;  // 8 × 32: at 16 rows two full tiles beat 12 + 4 by ~40%; equal at 128 / 512
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_AVXVNNI
using NativeTile = TileAvxVnni<SEMVEC_INT8_AVXVNNI_NV>;
constexpr int kInt8MR = SEMVEC_INT8_AVXVNNI_MR;
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_MADDUBS512
using NativeTile = TileMaddubs512;
constexpr int kInt8MR = 12;
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_MADDUBS256
using NativeTile = TileMaddubs256<SEMVEC_INT8_MADDUBS_NV>;
constexpr int kInt8MR = SEMVEC_INT8_MADDUBS_MR;
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_SDOT
using NativeTile = TileSdot;
constexpr int kInt8MR = 4;
#elif SEMVEC_INT8_PATH == SEMVEC_INT8_SMULL
using NativeTile = TileSmull;
constexpr int kInt8MR = 4;
#else
using NativeTile = TilePortable;
constexpr int kInt8MR = 1;
#endif

// One tile of exactly mr ≤ MR rows (the last partial block: one pass over the weight panel, not mr).
template <class Tile, int MR>
inline void int8_rows(int mr, std::size_t kp, const std::uint8_t* a, std::size_t ldq, const std::int8_t* b, std::int32_t* acc) {
    if constexpr (MR > 0) {
        if (mr == MR) return Tile::template run<MR>(kp, a, ldq, b, acc);
        return int8_rows<Tile, MR - 1>(mr, kp, a, ldq, b, acc);
    }
}

// gemm_int8 with a given tile kind and height (the benchmark compares shapes through this).
template <class Tile, int MR>
inline void gemm_int8_tiled(std::size_t m, std::size_t n, std::size_t k, const std::uint8_t* qa, std::size_t ldq,
                            const float* a_scales, const std::int8_t* packed, const std::int32_t* col_sums,
                            const float* w_scales, const float* bias, float* c, std::size_t ldc, nn::Activation act) {
    const std::size_t kp = int8_padded_k(k);
    alignas(64) std::int32_t acc[MR * kInt8Panel];
    constexpr std::size_t kMC = 96;  // rows per block: their activations (≤ 96·3 KB) stay in L2 across panels
    for (std::size_t m0 = 0; m0 < m; m0 += kMC) {
        const std::size_t m1 = std::min(m, m0 + kMC);
        for (std::size_t n0 = 0; n0 < n; n0 += kInt8Panel) {
            const int nr = static_cast<int>(std::min(kInt8Panel, n - n0));
            const std::int8_t* b = packed + n0 * kp;
            for (std::size_t i = m0; i < m1; i += MR) {
                const int mr = static_cast<int>(std::min<std::size_t>(MR, m1 - i));
                int8_rows<Tile, MR>(mr, kp, qa + i * ldq, ldq, b, acc);
                for (int r = 0; r < mr; ++r) {
                    float* crow = c + (i + r) * ldc + n0;
                    int8_epilogue_row(acc + r * 32, nr, n0, a_scales[i + r], col_sums, w_scales, bias, crow, Tile::kUnsignedA);
                    if (act != nn::Activation::none) nn::bias_activation(crow, 1, static_cast<std::size_t>(nr), 0, nullptr, act);
                }
            }
        }
    }
}

}  // namespace detail

/// C[m×n] = act(dequant(QA · QWᵀ) + bias). qa/a_scales from quantize_rows (row stride ldq), packed/col_sums
/// from pack_int8_weights, w_scales the per-output-channel scales (length n), bias may be null; C row
/// stride ldc. Single-threaded and reentrant: split rows across threads (bit-identical).
inline void gemm_int8(std::size_t m, std::size_t n, std::size_t k, const std::uint8_t* qa, std::size_t ldq,
                      const float* a_scales, const std::int8_t* packed, const std::int32_t* col_sums,
                      const float* w_scales, const float* bias, float* c, std::size_t ldc,
                      nn::Activation act = nn::Activation::none) {
    detail::gemm_int8_tiled<detail::NativeTile, detail::kInt8MR>(m, n, k, qa, ldq, a_scales, packed, col_sums, w_scales,
                                                                 bias, c, ldc, act);
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace quant
}  // namespace semvec
