// semvec/nn/attention.hpp — scaled dot-product attention for one head, reading Q, K and V in place
// from the fused QKV projection (no transposes materialized).
//
//   attention_head     the whole [tq × tk] score matrix at once (short sequences, the kernel benchmarks);
//   attention_blocked  flash-style: queries and keys in blocks with an online softmax, so the workspace is
//                      one [kAttentionQueryBlock × kAttentionKeyBlock] tile whatever the length (8k-token
//                      inputs cost no quadratic memory). Takes the key span of every query (sliding-window
//                      and causal masks) and an optional bias that depends on key − query position
//                      (relative position buckets).
//
// Both are single-threaded and reentrant; every output row is a fixed sequence of operations that depends
// only on the sequence length, never on the thread that runs it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../simd/simd.hpp"
#include "gemm.hpp"
#include "softmax.hpp"

namespace semvec {
namespace nn {
SEMVEC_SIMD_NAMESPACE_BEGIN  // per-level kernels: see simd/dispatch.hpp

/// Workspace floats that attention_head needs for tq queries and tk keys.
inline std::size_t attention_workspace_size(std::size_t tq, std::size_t tk) { return tq * tk; }

/// out[tq×dh] = softmax(scale · Q Kᵀ + key_bias) · V for one head.
///   q: tq rows, row stride ldq; k, v: tk rows, row strides ldk, ldv (with a fused [T, 3H] QKV buffer and
///   head h: q = qkv + h·dh, k = qkv + H + h·dh, v = qkv + 2H + h·dh, ldq = ldk = ldv = 3H).
///   key_bias: additive mask per key (length tk) or null. With right padding, pass tk = the number of real
///   tokens and no bias: identical to HF's finfo.min mask (those keys get probability exactly 0 there
///   too, up to 1e-38) and cheaper.
///   out: row stride ldo (e.g. the context buffer [T, H] at column h·dh).
///   scores: workspace of attention_workspace_size(tq, tk) floats.
inline void attention_head(std::size_t tq, std::size_t tk, std::size_t dh, const float* q, std::size_t ldq,
                           const float* k, std::size_t ldk, const float* v, std::size_t ldv, float scale,
                           const float* key_bias, float* out, std::size_t ldo, float* scores) {
    gemm_nt<float>(tq, tk, dh, q, ldq, k, ldk, nullptr, scores, tk);
    softmax_rows(scores, tq, tk, tk, scale, key_bias);
    gemm_nn(tq, dh, tk, scores, tk, v, ldv, out, ldo);
}

// The block sizes can be overridden at compile time (tests/parity builds one executable with tiny blocks, so
// that the multi-block paths run on the Hugging Face goldens); the results for a row depend on them.
#ifndef SEMVEC_ATTENTION_QUERY_BLOCK
#define SEMVEC_ATTENTION_QUERY_BLOCK 96
#endif
#ifndef SEMVEC_ATTENTION_KEY_BLOCK
#define SEMVEC_ATTENTION_KEY_BLOCK 512
#endif
/// Query rows per block of attention_blocked (a multiple of every level's GEMM row tile).
constexpr std::size_t kAttentionQueryBlock = SEMVEC_ATTENTION_QUERY_BLOCK;
/// Keys per block of attention_blocked: sequences up to this length run as one block (one exact softmax).
constexpr std::size_t kAttentionKeyBlock = SEMVEC_ATTENTION_KEY_BLOCK;

/// The keys each query may attend, as a contiguous range of the key list: query i attends keys
/// [lo[i], hi[i]). Null arrays: every query attends every key.
struct KeySpans {
    const std::uint32_t* lo = nullptr;
    const std::uint32_t* hi = nullptr;
};

/// An additive score bias that depends only on the distance between key and query positions:
/// bias(i, j) = diag[pos(j) − i + offset], with pos(j) = key_pos[j] (or j when key_pos is null). Query i
/// is at position i. diag null: no bias.
struct DistanceBias {
    const float* diag = nullptr;
    std::ptrdiff_t offset = 0;
    const std::int32_t* key_pos = nullptr;
};

/// Floats of workspace attention_blocked needs for head size dh.
inline std::size_t attention_blocked_workspace_size(std::size_t dh) {
    return kAttentionQueryBlock * kAttentionKeyBlock + kAttentionQueryBlock * dh + 3 * kAttentionQueryBlock;
}

namespace detail {

/// One row of an online softmax over the allowed columns [a, b) of a score row s[0, mk): scales, biases,
/// raises the running max m, writes p = e^(s − m) there and 0 elsewhere, and updates the running sum l.
/// Returns the factor that earlier partial sums must be multiplied by (e^(m_old − m_new); 0 when the row
/// had no key yet, 1 when this block holds none).
inline float online_softmax_row(float* s, std::size_t a, std::size_t b, std::size_t mk, float scale,
                                const float* bias, float& m, float& l) {
    using O = simd::Native;
    using vf = O::vf;
    constexpr std::size_t W = O::width;
    constexpr float kNegInf = -std::numeric_limits<float>::infinity();
    for (std::size_t j = 0; j < a; ++j) s[j] = 0.0f;
    for (std::size_t j = b; j < mk; ++j) s[j] = 0.0f;
    if (a >= b) return 1.0f;
    const vf vs = O::set1(scale);
    vf vmax = O::set1(kNegInf);
    std::size_t j = a;
    for (; j + W <= b; j += W) {
        vf x = O::mul(O::load(s + j), vs);
        if (bias) x = O::add(x, O::load(bias + j));
        O::store(s + j, x);
        vmax = O::max(vmax, x);
    }
    float mx = O::reduce_max(vmax);
    for (; j < b; ++j) {
        s[j] = s[j] * scale + (bias ? bias[j] : 0.0f);
        mx = s[j] > mx ? s[j] : mx;
    }
    const float m_new = mx > m ? mx : m;
    const float alpha = m == kNegInf ? 0.0f : simd::exp<simd::Scalar>(m - m_new);
    const vf vm = O::set1(m_new);
    vf vsum = O::zero();
    j = a;
    for (; j + W <= b; j += W) {
        const vf e = simd::exp<O>(O::sub(O::load(s + j), vm));
        O::store(s + j, e);
        vsum = O::add(vsum, e);
    }
    float sum = O::reduce_add(vsum);
    for (; j < b; ++j) {
        s[j] = simd::exp<simd::Scalar>(s[j] - m_new);
        sum += s[j];
    }
    l = l * alpha + sum;
    m = m_new;
    return alpha;
}

/// x[0:n] *= f.
inline void scale_row(float* x, std::size_t n, float f) {
    using O = simd::Native;
    constexpr std::size_t W = O::width;
    const O::vf vf_ = O::set1(f);
    std::size_t j = 0;
    for (; j + W <= n; j += W) O::store(x + j, O::mul(O::load(x + j), vf_));
    for (; j < n; ++j) x[j] *= f;
}

/// x[0:n] = x[0:n] · f + y[0:n].
inline void scale_add_row(float* x, const float* y, std::size_t n, float f) {
    using O = simd::Native;
    constexpr std::size_t W = O::width;
    const O::vf vf_ = O::set1(f);
    std::size_t j = 0;
    for (; j + W <= n; j += W) O::store(x + j, O::fmadd(O::load(x + j), vf_, O::load(y + j)));
    for (; j < n; ++j) x[j] = x[j] * f + y[j];
}

}  // namespace detail

/// out[nq × dh] = softmax(scale · Q Kᵀ + bias, over each query's key span) · V for one head, computed in
/// blocks of kAttentionQueryBlock queries × kAttentionKeyBlock keys with an online softmax: the running
/// max and sum of each query row are carried across key blocks and earlier partial outputs rescaled.
/// Query i sits at position i. Keys outside a query's span get probability exactly 0. A query whose span
/// is empty gets a zero row (the caller decides what such a row means).
///   q, k, v, out: as attention_head (row strides ldq, ldk, ldv, ldo); nk keys.
///   work: attention_blocked_workspace_size(dh) floats.
inline void attention_blocked(std::size_t nq, std::size_t nk, std::size_t dh, const float* q, std::size_t ldq,
                              const float* k, std::size_t ldk, const float* v, std::size_t ldv, float scale,
                              const KeySpans& spans, const DistanceBias& bias, float* out, std::size_t ldo,
                              float* work) {
    constexpr std::size_t BQ = kAttentionQueryBlock, BK = kAttentionKeyBlock;
    constexpr float kNegInf = -std::numeric_limits<float>::infinity();
    float* S = work;               // [BQ × BK] scores, then probabilities
    float* pv = S + BQ * BK;       // [BQ × dh] P·V of a later key block
    float* m = pv + BQ * dh;       // running max per query
    float* l = m + BQ;             // running sum per query
    float* alpha = l + BQ;         // rescale factor of the current block
    float brow[BK];                // the bias of one score row (relative positions through key_pos)
    for (std::size_t q0 = 0; q0 < nq; q0 += BQ) {
        const std::size_t mq = std::min(BQ, nq - q0);
        std::size_t klo = 0, khi = nk;
        if (spans.lo) {
            klo = nk;
            khi = 0;
            for (std::size_t r = 0; r < mq; ++r) {
                if (spans.lo[q0 + r] >= spans.hi[q0 + r]) continue;
                klo = std::min<std::size_t>(klo, spans.lo[q0 + r]);
                khi = std::max<std::size_t>(khi, spans.hi[q0 + r]);
            }
        }
        for (std::size_t r = 0; r < mq; ++r) {
            m[r] = kNegInf;
            l[r] = 0.0f;
        }
        bool first = true;
        for (std::size_t k0 = klo; k0 < khi; k0 += BK) {
            const std::size_t mk = std::min(BK, khi - k0);
            gemm_nt<float>(mq, mk, dh, q + q0 * ldq, ldq, k + k0 * ldk, ldk, nullptr, S, BK);
            for (std::size_t r = 0; r < mq; ++r) {
                const std::size_t i = q0 + r;
                std::size_t a = 0, b = mk;
                if (spans.lo) {
                    a = std::min(mk, static_cast<std::size_t>(std::max<std::size_t>(spans.lo[i], k0) - k0));
                    b = spans.hi[i] > k0 ? std::min<std::size_t>(spans.hi[i] - k0, mk) : 0;
                }
                const float* brp = nullptr;
                if (bias.diag && a < b) {
                    if (bias.key_pos) {
                        for (std::size_t j = a; j < b; ++j)
                            brow[j] = bias.diag[bias.key_pos[k0 + j] - static_cast<std::ptrdiff_t>(i) + bias.offset];
                        brp = brow;
                    } else {
                        brp = bias.diag + (static_cast<std::ptrdiff_t>(k0) - static_cast<std::ptrdiff_t>(i) + bias.offset);
                    }
                }
                alpha[r] = detail::online_softmax_row(S + r * BK, a, b, mk, scale, brp, m[r], l[r]);
            }
            if (first) {
                gemm_nn(mq, dh, mk, S, BK, v + k0 * ldv, ldv, out + q0 * ldo, ldo);
            } else {
                gemm_nn(mq, dh, mk, S, BK, v + k0 * ldv, ldv, pv, dh);
                for (std::size_t r = 0; r < mq; ++r) detail::scale_add_row(out + (q0 + r) * ldo, pv + r * dh, dh, alpha[r]);
            }
            first = false;
        }
        for (std::size_t r = 0; r < mq; ++r) {
            float* o = out + (q0 + r) * ldo;
            if (first || l[r] == 0.0f) {  // no key at all for this row
                for (std::size_t j = 0; j < dh; ++j) o[j] = 0.0f;
                continue;
            }
            detail::scale_row(o, dh, 1.0f / l[r]);
        }
    }
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace nn
}  // namespace semvec
