// semvec/nn/gemm.hpp — single-threaded f32 GEMM for the encoder's projections and attention.
//
//   gemm_packed:  C[M×N] = act(A[M×K] · Wᵀ + bias), W pre-packed once from the PyTorch [out=N, in=K]
//                 row-major weight (f32, bf16 or f16: 16-bit weights stay 16-bit and are widened in the
//                 micro-kernel's loads, halving the weight bandwidth).
//   gemm_nt:      same, W unpacked (packs one K-block panel at a time on the stack): for Q·Kᵀ.
//   gemm_nn:      C = A · B with B [K×N] row-major: for P·V.
//
// Design (BLIS style): W is cut into panels of NR = 2 packets columns, stored K-major so each k step of
// the micro-kernel reads NR contiguous values; the micro-kernel keeps an MR×NR tile of C in registers
// (AVX-512: 12×32 = 24 zmm accumulators; AVX2: 6×16; NEON: 8×8; scalar: 4×2) and broadcasts A
// straight from the caller's rows (A is not packed). K is blocked (kKCPacked, kKC) so that the A rows of a
// tile stay in cache while the panels stream from L2. Results depend only on the compiled level, never on M, the
// position of a row or the thread that computes it (each C element is one fixed-order dot product), so
// splitting rows across threads is bit-identical to a single call.
// Threads: the functions are single-threaded and reentrant; call them on disjoint row ranges of A/C.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "../simd/simd.hpp"
#include "activation.hpp"

namespace semvec {
namespace nn {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp

namespace detail {
using GO = simd::Native;
constexpr int kNR = 2 * GO::width;
#if SEMVEC_SIMD_LEVEL == 3
constexpr int kMR = 12;
#elif SEMVEC_SIMD_LEVEL == 2
constexpr int kMR = 6;
#elif SEMVEC_SIMD_LEVEL == 1
constexpr int kMR = 8;
#else
constexpr int kMR = 4;
#endif
constexpr std::size_t kKC = 384;  // K block of gemm_nt / gemm_nn (their stack panel is kKC·NR values)
// K block of gemm_packed. Every K block but the first reloads the C tile, and a [128 × 3072] C (1.5 MB)
// no longer sits in L2 when the next block comes back to it: at AVX-512 a whole K of 768 or 1024 in one
// block (and 3072 in two) measured 4-8% faster per projection GEMM than blocks of 384 (M = 128, Zen 5,
// thread CPU time). The result does not depend on the block: each C element is one FMA chain over k,
// carried through C between blocks.
#if SEMVEC_SIMD_LEVEL == 3
constexpr std::size_t kKCPacked = 1536;
#else
constexpr std::size_t kKCPacked = kKC;
#endif
constexpr std::size_t kMC = 192;  // M block: MC rows of A stay in L2 across all panels

template <class T> SEMVEC_SIMD_INLINE T zero_value() { return T{}; }

// One MR×NR tile: c (row stride ldc) = [first ? bias : c] + a[0:MR, 0:kc] · b[0:kc, 0:NR],
// then act on the last K block. b holds NR values per k with stride ldbk. nr ≤ NR valid columns.
template <int MR, class T>
inline void micro_kernel(std::size_t kc, const float* a, std::size_t lda, const T* b, std::size_t ldbk,
                         float* c, std::size_t ldc, int nr, bool first, const float* bias, bool last,
                         Activation act) {
    using O = GO;
    using vf = typename O::vf;
    constexpr int W = O::width;
    float tile[MR * kNR];
    float biasbuf[kNR];
    float* cp = c;
    std::size_t ldcp = ldc;
    if (nr < kNR) {  // edge tile: work in a padded copy
        cp = tile;
        ldcp = kNR;
        for (int i = 0; i < MR; ++i) {
            for (int j = 0; j < kNR; ++j) tile[i * kNR + j] = (!first && j < nr) ? c[i * ldc + j] : 0.0f;
        }
        if (bias) {
            for (int j = 0; j < kNR; ++j) biasbuf[j] = j < nr ? bias[j] : 0.0f;
            bias = biasbuf;
        }
    }
    vf acc0[MR], acc1[MR];
    if (first) {
        const vf b0 = bias ? O::load(bias) : O::zero();
        const vf b1 = bias ? O::load(bias + W) : O::zero();
SEMVEC_UNROLL(16)
        for (int i = 0; i < MR; ++i) { acc0[i] = b0; acc1[i] = b1; }
    } else {
SEMVEC_UNROLL(16)
        for (int i = 0; i < MR; ++i) { acc0[i] = O::load(cp + i * ldcp); acc1[i] = O::load(cp + i * ldcp + W); }
    }
    for (std::size_t k = 0; k < kc; ++k) {
        const vf b0 = O::load(b + k * ldbk);
        const vf b1 = O::load(b + k * ldbk + W);
SEMVEC_UNROLL(16)
        for (int i = 0; i < MR; ++i) {
            const vf av = O::set1(a[i * lda + k]);
            acc0[i] = O::fmadd(av, b0, acc0[i]);
            acc1[i] = O::fmadd(av, b1, acc1[i]);
        }
    }
    if (last && act != Activation::none) {
        for (int i = 0; i < MR; ++i) { acc0[i] = activate<O>(acc0[i], act); acc1[i] = activate<O>(acc1[i], act); }
    }
SEMVEC_UNROLL(16)
    for (int i = 0; i < MR; ++i) { O::store(cp + i * ldcp, acc0[i]); O::store(cp + i * ldcp + W, acc1[i]); }
    if (nr < kNR) {
        for (int i = 0; i < MR; ++i) std::memcpy(c + i * ldc, tile + i * kNR, sizeof(float) * static_cast<std::size_t>(nr));
    }
}

template <class T, int MR>
inline void micro_rows(int mr, std::size_t kc, const float* a, std::size_t lda, const T* b, std::size_t ldbk,
                       float* c, std::size_t ldc, int nr, bool first, const float* bias, bool last, Activation act) {
    if constexpr (MR > 0) {
        if (mr == MR) return micro_kernel<MR, T>(kc, a, lda, b, ldbk, c, ldc, nr, first, bias, last, act);
        return micro_rows<T, MR - 1>(mr, kc, a, lda, b, ldbk, c, ldc, nr, first, bias, last, act);
    }
}

// Runs all MR tiles of rows [m0, m1) against one K-block of one panel.
template <class T>
inline void panel_rows(std::size_t m0, std::size_t m1, std::size_t k0, std::size_t kc, std::size_t k,
                       const float* a, std::size_t lda, const T* b, std::size_t ldbk, float* c, std::size_t ldc,
                       std::size_t n0, int nr, const float* bias, Activation act) {
    const bool first = k0 == 0, last = k0 + kc >= k;
    for (std::size_t i = m0; i < m1; i += kMR) {
        const int mr = static_cast<int>(std::min<std::size_t>(kMR, m1 - i));
        micro_rows<T, kMR>(mr, kc, a + i * lda + k0, lda, b, ldbk, c + i * ldc + n0, ldc, nr, first,
                           bias ? bias + n0 : nullptr, last, act);
    }
}

}  // namespace detail

/// Columns per packed panel at this SIMD level (2 packets).
constexpr std::size_t gemm_panel_width() { return detail::kNR; }

/// Number of elements (of the weight's type) that pack_weights writes for an [n × k] weight.
inline std::size_t packed_weights_size(std::size_t n, std::size_t k) {
    return (n + detail::kNR - 1) / detail::kNR * detail::kNR * k;
}

/// Packs W [n × k] (row stride ldw; PyTorch Linear layout [out, in]) into panels for gemm_packed.
/// dst must hold packed_weights_size(n, k) elements. T is float, simd::bf16_t or simd::f16_t.
/// Done once at model load; the packed buffer is read-only afterwards (shareable across threads).
template <class T>
inline void pack_weights(const T* w, std::size_t ldw, std::size_t n, std::size_t k, T* dst) {
    const std::size_t NR = detail::kNR;
    for (std::size_t n0 = 0; n0 < n; n0 += NR) {
        T* p = dst + n0 * k;  // panel n0/NR starts at (n0/NR)·NR·k
        for (std::size_t kk = 0; kk < k; ++kk) {
            for (std::size_t j = 0; j < NR; ++j) p[kk * NR + j] = n0 + j < n ? w[(n0 + j) * ldw + kk] : T{};
        }
    }
}

/// C[m×n] = act(A[m×k] · Wᵀ + bias) with W packed by pack_weights (same n, k). A has row stride lda, C ldc;
/// bias (length n) may be null. Accuracy: fp32 accumulation with FMA (|error| ≲ k·ε·Σ|a·w|).
template <class T>
inline void gemm_packed(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                        const T* packed, const float* bias, float* c, std::size_t ldc,
                        Activation act = Activation::none) {
    const std::size_t NR = detail::kNR;
    if (k == 0) {  // C = act(bias)
        for (std::size_t i = 0; i < m; ++i) {
            for (std::size_t j = 0; j < n; ++j) c[i * ldc + j] = bias ? bias[j] : 0.0f;
        }
        bias_activation(c, m, n, ldc, nullptr, act);
        return;
    }
    for (std::size_t m0 = 0; m0 < m; m0 += detail::kMC) {
        const std::size_t m1 = std::min(m, m0 + detail::kMC);
        for (std::size_t k0 = 0; k0 < k; k0 += detail::kKCPacked) {
            const std::size_t kc = std::min(detail::kKCPacked, k - k0);
            for (std::size_t n0 = 0; n0 < n; n0 += NR) {
                const int nr = static_cast<int>(std::min(NR, n - n0));
                detail::panel_rows<T>(m0, m1, k0, kc, k, a, lda, packed + n0 * k + k0 * NR, NR, c, ldc, n0, nr, bias, act);
            }
        }
    }
}

/// C[m×n] = act(A[m×k] · Wᵀ + bias) with W [n×k] unpacked (row stride ldw): Q·Kᵀ, or a weight not packed.
/// Packs one K-block of one panel at a time into a stack buffer (kKC·NR values).
template <class T>
inline void gemm_nt(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const T* w,
                    std::size_t ldw, const float* bias, float* c, std::size_t ldc, Activation act = Activation::none) {
    const std::size_t NR = detail::kNR;
    if (k == 0) { gemm_packed<T>(m, n, 0, a, lda, nullptr, bias, c, ldc, act); return; }
    alignas(64) T buf[detail::kKC * detail::kNR];
    for (std::size_t m0 = 0; m0 < m; m0 += detail::kMC) {
        const std::size_t m1 = std::min(m, m0 + detail::kMC);
        for (std::size_t k0 = 0; k0 < k; k0 += detail::kKC) {
            const std::size_t kc = std::min(detail::kKC, k - k0);
            for (std::size_t n0 = 0; n0 < n; n0 += NR) {
                const std::size_t nr = std::min(NR, n - n0);
                for (std::size_t kk = 0; kk < kc; ++kk) {
                    for (std::size_t j = 0; j < NR; ++j) buf[kk * NR + j] = j < nr ? w[(n0 + j) * ldw + k0 + kk] : T{};
                }
                detail::panel_rows<T>(m0, m1, k0, kc, k, a, lda, buf, NR, c, ldc, n0, static_cast<int>(nr), bias, act);
            }
        }
    }
}

/// C[m×n] = A[m×k] · B[k×n], B row-major with row stride ldb (no transpose): P·V in attention.
/// Full panels read B in place; the last partial panel is copied to a zero-padded stack buffer.
inline void gemm_nn(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* b,
                    std::size_t ldb, float* c, std::size_t ldc) {
    const std::size_t NR = detail::kNR;
    if (k == 0) { gemm_packed<float>(m, n, 0, a, lda, nullptr, nullptr, c, ldc); return; }
    alignas(64) float buf[detail::kKC * detail::kNR];
    for (std::size_t m0 = 0; m0 < m; m0 += detail::kMC) {
        const std::size_t m1 = std::min(m, m0 + detail::kMC);
        for (std::size_t k0 = 0; k0 < k; k0 += detail::kKC) {
            const std::size_t kc = std::min(detail::kKC, k - k0);
            for (std::size_t n0 = 0; n0 < n; n0 += NR) {
                const std::size_t nr = std::min(NR, n - n0);
                if (nr == NR) {
                    detail::panel_rows<float>(m0, m1, k0, kc, k, a, lda, b + k0 * ldb + n0, ldb, c, ldc, n0,
                                              static_cast<int>(nr), nullptr, Activation::none);
                } else {
                    for (std::size_t kk = 0; kk < kc; ++kk) {
                        for (std::size_t j = 0; j < NR; ++j) buf[kk * NR + j] = j < nr ? b[(k0 + kk) * ldb + n0 + j] : 0.0f;
                    }
                    detail::panel_rows<float>(m0, m1, k0, kc, k, a, lda, buf, NR, c, ldc, n0, static_cast<int>(nr),
                                              nullptr, Activation::none);
                }
            }
        }
    }
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace nn
}  // namespace semvec
