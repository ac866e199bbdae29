// semvec/reduce/umap_layout.hpp — UMAP's stochastic gradient descent with negative sampling.
//
// The schedule is umap-learn's optimize_layout_euclidean: an edge of weight w is sampled every
// w_max / w epochs, each sample moves the head towards the tail (gradient clipped to ±4) and then pushes
// it away from negative_sample_rate random vertices; the learning rate falls linearly to 0.
//
// Two engines, both bit-identical for a given seed whatever the thread count:
// - umap_sgd_sequential (default): umap-learn's rule, in place, in edge order on one thread. The negative
//   samples of one edge are evaluated at the same head position and summed; with AVX-512 the attraction
//   joins them in one register (all at the head's position before the edge's update).
// - umap_sgd_impl (UmapOptions::parallel_sgd): each epoch reads the other vertices from a snapshot taken
//   at its start; a worker writes only the heads it owns, each vertex has its own random generator, and
//   the opposite (tail) step of an attraction is stored in the reverse edge's slot and added at the end
//   of the epoch in a fixed order. It scales with cores (at 2 threads it is no faster than the AVX-512
//   sequential engine), and the one-epoch-stale reads cost trustworthiness (fashion 70k: 0.978 vs 0.981
//   sequential, uwot 0.983). transform() always uses it (there the tail is fixed, so nothing is stale).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

#include "semvec/matrix.hpp"
#include "semvec/reduce/umap_graph.hpp"
#include "semvec/reduce/umap_init.hpp"
#include "semvec/simd/dispatch.hpp"
#include "semvec/util/parallel.hpp"

#if SEMVEC_SIMD_LEVEL == 3
#include <immintrin.h>
#endif

namespace semvec::detail {
SEMVEC_SIMD_NAMESPACE_BEGIN  // the SGD has per-level code: see simd/dispatch.hpp

struct UmapSgdParams {
    float a = 1.577f, b = 0.895f;
    float gamma = 1.0f;           ///< repulsion strength
    float alpha0 = 1.0f;          ///< initial learning rate
    int negative_sample_rate = 5;
    int n_epochs = 200;
    float attract_scale = 1.0f;   ///< multiplies the attractive step
    bool tail_is_head = true;     ///< fit: tail = snapshot of the head embedding; transform: fixed tail
    bool move_tail = true;        ///< fit: the tail also moves (by the opposite step, applied at epoch end)
    bool sequential = false;      ///< fit: umap-learn's in-place rule on one thread (umap_sgd_sequential)
    unsigned threads = 1;
    std::uint64_t seed = 42;
};

/// x^y for x > 0 in float, via log2/exp2 with 2⁻¹⁹-ish relative error: the SGD spends most of its time
/// here and needs no more (uwot offers the same trade as `approx_pow`).
inline float umap_fast_pow(float x, float y) {
    // log2(x) = exponent + log2(mantissa), mantissa in [1, 2): minimax-style polynomial in (m - 1).
    std::uint32_t bits;
    std::memcpy(&bits, &x, 4);
    const int e = static_cast<int>((bits >> 23) & 0xff) - 127;
    bits = (bits & 0x007fffffu) | 0x3f800000u;
    float m;
    std::memcpy(&m, &bits, 4);
    const float t = (m - 1.0f) / (m + 1.0f);  // log2(m) = 2/ln2 · atanh(t)
    const float t2 = t * t;
    const float lg = static_cast<float>(e) +
                     t * (2.8853900817779268f + t2 * (0.9617966939259756f + t2 * (0.5770780163555854f +
                                                                                  t2 * 0.4121985831e0f)));
    float z = y * lg;
    z = std::min(std::max(z, -126.0f), 126.0f);
    // exp2(z) = 2^floor(z) · 2^frac, polynomial for 2^frac on [0, 1).
    const float fl = std::floor(z);
    const float f = z - fl;
    const float p =
        1.0f + f * (0.6931471805599453f +
                    f * (0.2402265069591007f +
                         f * (0.05550410866482158f + f * (0.009618129107628477f + f * 0.0013333558146428443f))));
    const std::uint32_t eb = static_cast<std::uint32_t>(static_cast<int>(fl) + 127) << 23;
    float scale;
    std::memcpy(&scale, &eb, 4);
    return p * scale;
}

/// One 64-bit xorshift* generator per vertex: what a vertex draws depends on it alone, not on threads.
inline std::uint32_t umap_next(std::uint64_t& s) {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return static_cast<std::uint32_t>((s * 0x2545F4914F6CDD1DULL) >> 32);
}

/// umap-learn's int((n - next_neg) / eps_neg), or 0 when negative sampling is off (eps_neg infinite).
inline int umap_neg_count(double n, double next_neg, double eps_neg) {
    const double q = (n - next_neg) / eps_neg;
    return q >= 1.0 && q < 1e9 ? static_cast<int>(q) : 0;
}

inline float umap_clip(float v) { return v > 4.0f ? 4.0f : (v < -4.0f ? -4.0f : v); }

/// Squared distance between c and o over dim coordinates.
inline float umap_dist2(const float* c, const float* o, int dim) {
    float d2 = 0;
    for (int d = 0; d < dim; ++d) {
        const float diff = c[d] - o[d];
        d2 += diff * diff;
    }
    return d2;
}

/// Gradient coefficients of the low-dimensional kernel 1 / (1 + a·d²ᵇ) at a squared distance d2 > 0,
/// as umap-learn's optimize_layout: attraction −2ab·d2^(b−1) / (1 + a·d2^b) and repulsion
/// 2γb / ((0.001 + d2)(1 + a·d2^b)).
inline float umap_attract_coef(float d2, float a, float b, float two_ab) {
    const float pw = umap_fast_pow(d2, b);
    return -two_ab * pw / (d2 * (a * pw + 1.0f));
}
inline float umap_repel_coef(float d2, float a, float b, float two_gb) {
    const float pw = umap_fast_pow(d2, b);
    return two_gb / ((0.001f + d2) * (a * pw + 1.0f));
}

#if SEMVEC_SIMD_LEVEL == 3
/// The lane kernel below with one AVX-512 register per coordinate: 16 vertices per step, same maths as
/// the portable loop (umap_fast_pow, clip, masks) but with gathers for the targets.
template <int kDim>
inline void umap_lanes16_avx512(const int32_t* grid, std::size_t steps, float (*c)[16], const float* T, float a,
                                float b, float two_ab, float two_gb, float attract_step, float alpha,
                                float* dgrid) {
    __m512 cv[kDim];
    for (int d = 0; d < kDim; ++d) cv[d] = _mm512_loadu_ps(c[d]);
    const __m512 one = _mm512_set1_ps(1.0f), zero = _mm512_setzero_ps();
    const __m512 va = _mm512_set1_ps(a), vb = _mm512_set1_ps(b), vnab = _mm512_set1_ps(-two_ab),
                 vgb = _mm512_set1_ps(two_gb), eps = _mm512_set1_ps(0.001f), four = _mm512_set1_ps(4.0f),
                 mfour = _mm512_set1_ps(-4.0f), s_att = _mm512_set1_ps(attract_step), s_rep = _mm512_set1_ps(alpha);
    const __m512i mant = _mm512_set1_epi32(0x007fffff), onebits = _mm512_set1_epi32(0x3f800000),
                  bias = _mm512_set1_epi32(127), ione = _mm512_set1_epi32(1), izero = _mm512_setzero_si512();
    const __m512i vdim = _mm512_set1_epi32(kDim);
    for (std::size_t t = 0; t < steps; ++t) {
        const __m512i op = _mm512_loadu_si512(grid + t * 16);
        const __mmask16 active = _mm512_cmpge_epi32_mask(op, izero);
        const __mmask16 attract = _mm512_test_epi32_mask(op, ione);
        const __m512i base = _mm512_mullo_epi32(_mm512_maskz_srai_epi32(active, op, 1), vdim);
        __m512 diff[kDim];
        __m512 d2 = zero;
        for (int d = 0; d < kDim; ++d) {
            const __m512 o = _mm512_mask_i32gather_ps(zero, active, _mm512_add_epi32(base, _mm512_set1_epi32(d)), T, 4);
            diff[d] = _mm512_sub_ps(cv[d], o);
            d2 = _mm512_fmadd_ps(diff[d], diff[d], d2);
        }
        const __mmask16 live = _mm512_mask_cmp_ps_mask(active, d2, zero, _CMP_GT_OQ);
        const __m512 d2s = _mm512_mask_blend_ps(live, one, d2);
        // fast pow(d2s, b) = exp2(b · log2(d2s))
        const __m512i bits = _mm512_castps_si512(d2s);
        const __m512 e = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_srli_epi32(bits, 23), bias));
        const __m512 m = _mm512_castsi512_ps(_mm512_or_si512(_mm512_and_si512(bits, mant), onebits));
        const __m512 tt = _mm512_div_ps(_mm512_sub_ps(m, one), _mm512_add_ps(m, one));
        const __m512 t2 = _mm512_mul_ps(tt, tt);
        __m512 poly = _mm512_fmadd_ps(t2, _mm512_set1_ps(0.4121985831e0f), _mm512_set1_ps(0.5770780163555854f));
        poly = _mm512_fmadd_ps(t2, poly, _mm512_set1_ps(0.9617966939259756f));
        poly = _mm512_fmadd_ps(t2, poly, _mm512_set1_ps(2.8853900817779268f));
        const __m512 lg = _mm512_fmadd_ps(tt, poly, e);
        __m512 z = _mm512_mul_ps(vb, lg);
        z = _mm512_min_ps(_mm512_max_ps(z, _mm512_set1_ps(-126.0f)), _mm512_set1_ps(126.0f));
        const __m512 fl = _mm512_roundscale_ps(z, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
        const __m512 f = _mm512_sub_ps(z, fl);
        __m512 q = _mm512_fmadd_ps(f, _mm512_set1_ps(0.0013333558146428443f), _mm512_set1_ps(0.009618129107628477f));
        q = _mm512_fmadd_ps(f, q, _mm512_set1_ps(0.05550410866482158f));
        q = _mm512_fmadd_ps(f, q, _mm512_set1_ps(0.2402265069591007f));
        q = _mm512_fmadd_ps(f, q, _mm512_set1_ps(0.6931471805599453f));
        q = _mm512_fmadd_ps(f, q, one);
        const __m512 scale =
            _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvttps_epi32(fl), bias), 23));
        const __m512 pw = _mm512_mul_ps(q, scale);
        const __m512 den = _mm512_fmadd_ps(va, pw, one);
        const __m512 g_att = _mm512_div_ps(_mm512_mul_ps(vnab, pw), _mm512_mul_ps(d2s, den));
        const __m512 g_rep = _mm512_div_ps(vgb, _mm512_mul_ps(_mm512_add_ps(eps, d2s), den));
        const __m512 gc = _mm512_mask_blend_ps(attract, g_rep, g_att);
        const __m512 step = _mm512_maskz_mov_ps(live, _mm512_mask_blend_ps(attract, s_rep, s_att));
        for (int d = 0; d < kDim; ++d) {
            const __m512 g = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(gc, diff[d]), mfour), four);
            const __m512 mv = _mm512_mul_ps(step, g);
            cv[d] = _mm512_add_ps(cv[d], mv);
            if (dgrid) _mm512_storeu_ps(dgrid + (t * kDim + d) * 16, mv);
        }
    }
    for (int d = 0; d < kDim; ++d) _mm512_storeu_ps(c[d], cv[d]);
}
#endif

/// Runs the SGD on `head` (n_head×dim, updated in place) against `tail` (n_tail×dim). When
/// params.tail_is_head, `tail` is ignored and a per-epoch snapshot of `head` is used instead.
/// `graph` rows are head vertices, columns tail vertices. Returns false when `progress` cancelled.
template <int kDim>
bool umap_sgd_impl(Matrix& head, const Matrix* tail_fixed, const UmapCsr& graph, const UmapSgdParams& p,
                   const std::function<bool(int, int, double)>& progress) {
    const std::size_t n_head = static_cast<std::size_t>(head.rows());
    const int dim = kDim > 0 ? kDim : static_cast<int>(head.cols());
    const std::size_t nnz = graph.nnz();
    float wmax = 0;
    for (float v : graph.val) wmax = std::max(wmax, v);
    std::vector<double> eps(nnz), next(nnz), eps_neg(nnz), next_neg(nnz);
    const double neg_rate = std::max(p.negative_sample_rate, 0);
    for (std::size_t e = 0; e < nnz; ++e) {
        const double w = graph.val[e];
        eps[e] = w > 0 ? static_cast<double>(wmax) / w : -1.0;  // = n_epochs / (n_epochs · w / wmax)
        next[e] = eps[e];
        eps_neg[e] = neg_rate > 0 ? eps[e] / neg_rate : std::numeric_limits<double>::infinity();
        next_neg[e] = eps_neg[e];
    }
    std::vector<std::uint64_t> rng(n_head);
    for (std::size_t i = 0; i < n_head; ++i) {
        std::uint64_t s = p.seed * 0x9E3779B97F4A7C15ULL + i;
        rng[i] = umap_splitmix(s) | 1u;  // xorshift state must be non-zero
    }
    // Deferred tail moves (fit): the step of edge (i, j) is mirrored onto j through the slot of (j, i),
    // and every vertex adds its slots at the end of the epoch in a fixed order.
    const bool move_tail = p.move_tail && p.tail_is_head;
    std::vector<std::int64_t> rev;
    std::vector<float> tail_delta;
    if (move_tail) {
        rev.assign(nnz, -1);
        for (std::size_t i = 0; i < n_head; ++i)
            for (std::size_t e = graph.row_ptr[i]; e < graph.row_ptr[i + 1]; ++e) {
                const std::size_t j = static_cast<std::size_t>(graph.col[e]);
                const int32_t* b0 = graph.col.data() + graph.row_ptr[j];
                const int32_t* b1 = graph.col.data() + graph.row_ptr[j + 1];
                const int32_t* f = std::lower_bound(b0, b1, static_cast<int32_t>(i));
                if (f != b1 && *f == static_cast<int32_t>(i)) rev[e] = f - graph.col.data();
            }
        tail_delta.assign(nnz * static_cast<std::size_t>(dim), 0.0f);
    }
    Matrix snapshot;
    const Matrix* tail = tail_fixed;
    if (p.tail_is_head) tail = &snapshot;
    const std::uint32_t n_tail = static_cast<std::uint32_t>(tail_fixed && !p.tail_is_head ? tail_fixed->rows()
                                                                                          : head.rows());
    const float a = p.a, b = p.b;
    const float two_ab = 2.0f * a * b, two_gb = 2.0f * p.gamma * b;
    // Lane kernel (fixed dims): every vertex's sequence of operations (attract to its sampled neighbours,
    // repel from its negative samples) depends only on the schedule and its own generator, not on positions,
    // so it is listed first; then kLanes vertices run side by side, one per lane. A vertex's own updates
    // stay strictly sequential (same maths as the scalar loop), but the lanes hide the long latency of that
    // chain (pow, division) and vectorise. Lanes never interact, so results do not depend on grouping.
    constexpr int kLanes = 16;
    const float attract_scale = p.attract_scale;
    const bool skip_self = p.tail_is_head;
    struct LaneWork {
        std::vector<int32_t> ops[kLanes];
        std::vector<std::int64_t> slots[kLanes];  // per op: slot receiving the tail's opposite step, or −1
        std::vector<int32_t> grid;   // steps × kLanes, op = 2·target + is_attract, −1 = idle
        std::vector<float> dgrid;    // steps × dim × kLanes: the step each op applied
    };
    auto lanes_chunk = [&](std::size_t begin, std::size_t end, double n, float alpha_now, const float* T) {
        LaneWork lw;
        for (std::size_t g0 = begin; g0 < end; g0 += kLanes) {
            const int lanes = static_cast<int>(std::min<std::size_t>(kLanes, end - g0));
            std::size_t steps = 0;
            for (int v = 0; v < lanes; ++v) {
                const std::size_t i = g0 + v;
                auto& ops = lw.ops[v];
                auto& sl = lw.slots[v];
                ops.clear();
                sl.clear();
                std::uint64_t& rs = rng[i];
                for (std::size_t e = graph.row_ptr[i]; e < graph.row_ptr[i + 1]; ++e) {
                    if (!(next[e] <= n)) continue;
                    ops.push_back(graph.col[e] * 2 + 1);
                    if (move_tail) sl.push_back(rev[e]);
                    next[e] += eps[e];
                    const int n_neg = umap_neg_count(n, next_neg[e], eps_neg[e]);
                    for (int q = 0; q < n_neg; ++q) {
                        const std::uint32_t kk =
                            static_cast<std::uint32_t>((static_cast<std::uint64_t>(umap_next(rs)) * n_tail) >> 32);
                        if (skip_self && kk == i) continue;
                        ops.push_back(static_cast<int32_t>(kk) * 2);
                        if (move_tail) sl.push_back(-1);
                    }
                    if (n_neg > 0) next_neg[e] += n_neg * eps_neg[e];
                }
                steps = std::max(steps, ops.size());
            }
            lw.grid.assign(steps * kLanes, -1);
            for (int v = 0; v < lanes; ++v)
                for (std::size_t t = 0; t < lw.ops[v].size(); ++t) lw.grid[t * kLanes + v] = lw.ops[v][t];
            float c[kDim > 0 ? kDim : 1][kLanes];
            for (int v = 0; v < kLanes; ++v)
                for (int d = 0; d < kDim; ++d)
                    c[d][v] = v < lanes ? head.data()[(g0 + v) * kDim + d] : 0.0f;
            const float attract_step = attract_scale * alpha_now;
            constexpr int kD = kDim > 0 ? kDim : 1;
            if (move_tail) lw.dgrid.resize(steps * kD * kLanes);
            float* dgrid = move_tail ? lw.dgrid.data() : nullptr;
#if SEMVEC_SIMD_LEVEL == 3
            if constexpr (kLanes == 16 && kDim > 0) {
                umap_lanes16_avx512<kDim>(lw.grid.data(), steps, c, T, a, b, two_ab, two_gb, attract_step, alpha_now,
                                          dgrid);
            } else
#endif
            for (std::size_t t = 0; t < steps; ++t) {
                const int32_t* row = &lw.grid[t * kLanes];
                for (int v = 0; v < kLanes; ++v) {
                    const int32_t op = row[v];
                    const bool active = op >= 0;
                    const bool attract = (op & 1) != 0;
                    const std::size_t tgt = active ? static_cast<std::size_t>(op >> 1) : 0;
                    float diff[kDim > 0 ? kDim : 1];
                    float d2 = 0;
                    for (int d = 0; d < kDim; ++d) {
                        diff[d] = c[d][v] - T[tgt * kDim + d];
                        d2 += diff[d] * diff[d];
                    }
                    const bool live = active && d2 > 0;
                    const float d2s = live ? d2 : 1.0f;
                    const float pw = umap_fast_pow(d2s, b);
                    const float den = a * pw + 1.0f;
                    const float gc = attract ? -two_ab * pw / (d2s * den) : two_gb / ((0.001f + d2s) * den);
                    const float step = live ? (attract ? attract_step : alpha_now) : 0.0f;
                    for (int d = 0; d < kDim; ++d) {
                        const float mv = step * umap_clip(gc * diff[d]);
                        c[d][v] += mv;
                        if (dgrid) dgrid[(t * kD + d) * kLanes + v] = mv;
                    }
                }
            }
            if (move_tail)
                for (int v = 0; v < lanes; ++v)
                    for (std::size_t t = 0; t < lw.slots[v].size(); ++t) {
                        const std::int64_t slot = lw.slots[v][t];
                        if (slot < 0) continue;
                        for (int d = 0; d < kDim; ++d)
                            tail_delta[static_cast<std::size_t>(slot) * kDim + d] = -dgrid[(t * kD + d) * kLanes + v];
                    }
            for (int v = 0; v < lanes; ++v)
                for (int d = 0; d < kDim; ++d) head.data()[(g0 + v) * kDim + d] = c[d][v];
        }
    };
    float alpha = p.alpha0;
    for (int epoch = 0; epoch < p.n_epochs; ++epoch) {
        if (p.tail_is_head) snapshot = head;
        const float* T = tail->data();
        const double n = epoch;
        if constexpr (kDim > 0) {
            parallel_for(n_head, p.threads, [&](std::size_t begin, std::size_t end, unsigned) {
                lanes_chunk(begin, end, n, alpha, T);
            });
        } else
        parallel_for(n_head, p.threads, [&](std::size_t begin, std::size_t end, unsigned) {
            for (std::size_t i = begin; i < end; ++i) {
                float* c = head.data() + i * dim;
                std::uint64_t& rs = rng[i];
                for (std::size_t e = graph.row_ptr[i]; e < graph.row_ptr[i + 1]; ++e) {
                    if (!(next[e] <= n)) continue;
                    const float* o = T + static_cast<std::size_t>(graph.col[e]) * dim;
                    const float d2 = umap_dist2(c, o, dim);
                    if (d2 > 0) {
                        const float gc = umap_attract_coef(d2, a, b, two_ab);
                        for (int d = 0; d < dim; ++d) {
                            const float mv = p.attract_scale * umap_clip(gc * (c[d] - o[d])) * alpha;
                            c[d] += mv;
                            if (move_tail && rev[e] >= 0) tail_delta[static_cast<std::size_t>(rev[e]) * dim + d] = -mv;
                        }
                    }
                    next[e] += eps[e];
                    const int n_neg = umap_neg_count(n, next_neg[e], eps_neg[e]);
                    for (int q = 0; q < n_neg; ++q) {
                        const std::uint32_t kk =
                            static_cast<std::uint32_t>((static_cast<std::uint64_t>(umap_next(rs)) * n_tail) >> 32);
                        if (p.tail_is_head && kk == i) continue;
                        const float* ot = T + static_cast<std::size_t>(kk) * dim;
                        const float dd = umap_dist2(c, ot, dim);
                        if (!(dd > 0)) continue;
                        const float gc = umap_repel_coef(dd, a, b, two_gb);
                        for (int d = 0; d < dim; ++d) c[d] += umap_clip(gc * (c[d] - ot[d])) * alpha;
                    }
                    if (n_neg > 0) next_neg[e] += n_neg * eps_neg[e];
                }
            }
        });
        if (move_tail) {
            parallel_for(n_head, p.threads, [&](std::size_t begin, std::size_t end, unsigned) {
                for (std::size_t j = begin; j < end; ++j) {
                    float* c = head.data() + j * dim;
                    for (std::size_t e = graph.row_ptr[j]; e < graph.row_ptr[j + 1]; ++e)
                        for (int d = 0; d < dim; ++d) {
                            float& td = tail_delta[e * dim + d];
                            c[d] += td;
                            td = 0.0f;
                        }
                }
            });
        }
        // umap-learn's schedule: epochs 0 and 1 both run at alpha0, then linear decay.
        alpha = p.alpha0 * (1.0f - static_cast<float>(epoch) / static_cast<float>(p.n_epochs));
        if (progress && !progress(epoch + 1, p.n_epochs, std::numeric_limits<double>::quiet_NaN())) return false;
    }
    return true;
}

#if SEMVEC_SIMD_LEVEL == 3
/// umap_fast_pow on 16 lanes (x > 0).
inline __m512 umap_fast_pow16(__m512 x, __m512 y) {
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512i bits = _mm512_castps_si512(x);
    const __m512i bias = _mm512_set1_epi32(127);
    const __m512 e = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_srli_epi32(bits, 23), bias));
    const __m512 m = _mm512_castsi512_ps(
        _mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi32(0x007fffff)), _mm512_set1_epi32(0x3f800000)));
    const __m512 tt = _mm512_div_ps(_mm512_sub_ps(m, one), _mm512_add_ps(m, one));
    const __m512 t2 = _mm512_mul_ps(tt, tt);
    __m512 poly = _mm512_fmadd_ps(t2, _mm512_set1_ps(0.4121985831e0f), _mm512_set1_ps(0.5770780163555854f));
    poly = _mm512_fmadd_ps(t2, poly, _mm512_set1_ps(0.9617966939259756f));
    poly = _mm512_fmadd_ps(t2, poly, _mm512_set1_ps(2.8853900817779268f));
    __m512 z = _mm512_mul_ps(y, _mm512_fmadd_ps(tt, poly, e));
    z = _mm512_min_ps(_mm512_max_ps(z, _mm512_set1_ps(-126.0f)), _mm512_set1_ps(126.0f));
    const __m512 fl = _mm512_roundscale_ps(z, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    const __m512 f = _mm512_sub_ps(z, fl);
    __m512 q = _mm512_fmadd_ps(f, _mm512_set1_ps(0.0013333558146428443f), _mm512_set1_ps(0.009618129107628477f));
    q = _mm512_fmadd_ps(f, q, _mm512_set1_ps(0.05550410866482158f));
    q = _mm512_fmadd_ps(f, q, _mm512_set1_ps(0.2402265069591007f));
    q = _mm512_fmadd_ps(f, q, _mm512_set1_ps(0.6931471805599453f));
    q = _mm512_fmadd_ps(f, q, one);
    return _mm512_mul_ps(q, _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvttps_epi32(fl), bias), 23)));
}

/// What both 16-lane update paths share: for the targets kk[0..15] under mask m, gathers their positions,
/// forms diff = c - target per dimension, the squared distance (lanes with distance 0 are not live and get
/// 1 in dds so no lane divides by zero), pw = dds^b and den = a·pw + 1.
template <int kDim>
struct UmapLanes16 {
    __m512 diff[kDim];
    __mmask16 live;
    __m512 dds, pw, den;
};

template <int kDim>
inline void umap_lanes16(const float* c, const std::uint32_t* kk, __mmask16 m, const float* Yd, float a, float b,
                         UmapLanes16<kDim>& L) {
    const __m512i idx =
        _mm512_mullo_epi32(_mm512_maskz_loadu_epi32(m, reinterpret_cast<const int*>(kk)), _mm512_set1_epi32(kDim));
    __m512 dd = _mm512_setzero_ps();
    for (int d = 0; d < kDim; ++d) {
        const __m512 ot =
            _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, _mm512_add_epi32(idx, _mm512_set1_epi32(d)), Yd, 4);
        L.diff[d] = _mm512_sub_ps(_mm512_set1_ps(c[d]), ot);
        dd = _mm512_fmadd_ps(L.diff[d], L.diff[d], dd);
    }
    L.live = _mm512_mask_cmp_ps_mask(m, dd, _mm512_setzero_ps(), _CMP_GT_OQ);
    L.dds = _mm512_mask_blend_ps(L.live, _mm512_set1_ps(1.0f), dd);
    L.pw = umap_fast_pow16(L.dds, _mm512_set1_ps(b));
    L.den = _mm512_fmadd_ps(_mm512_set1_ps(a), L.pw, _mm512_set1_ps(1.0f));
}
#endif

/// umap-learn's own update rule, in place and in edge order: both ends of a sampled edge move at once and
/// every read sees the latest positions. Single-threaded, hence identical for any thread count. The only
/// liberty taken: the negative samples of one edge are evaluated at the same head position and their steps
/// summed (instead of one after another), which lets the CPU overlap them.
template <int kDim>
bool umap_sgd_sequential(Matrix& Y, const UmapCsr& graph, const UmapSgdParams& p,
                         const std::function<bool(int, int, double)>& progress) {
    const std::size_t n_vert = static_cast<std::size_t>(Y.rows());
    const int dim = kDim > 0 ? kDim : static_cast<int>(Y.cols());
    const std::size_t nnz = graph.nnz();
    float wmax = 0;
    for (float v : graph.val) wmax = std::max(wmax, v);
    std::vector<double> eps(nnz), next(nnz), eps_neg(nnz), next_neg(nnz);
    const double neg_rate = std::max(p.negative_sample_rate, 0);
    for (std::size_t e = 0; e < nnz; ++e) {
        const double w = graph.val[e];
        eps[e] = w > 0 ? static_cast<double>(wmax) / w : -1.0;
        next[e] = eps[e];
        eps_neg[e] = neg_rate > 0 ? eps[e] / neg_rate : std::numeric_limits<double>::infinity();
        next_neg[e] = eps_neg[e];
    }
    std::uint64_t rs = p.seed * 0x9E3779B97F4A7C15ULL;
    rs = umap_splitmix(rs) | 1u;
    const std::uint32_t n_tail = static_cast<std::uint32_t>(n_vert);
    const float a = p.a, b = p.b, two_ab = 2.0f * a * b, two_gb = 2.0f * p.gamma * b;
    float* Yd = Y.data();
    constexpr int kBatch = 16;
    float alpha = p.alpha0;
    for (int epoch = 0; epoch < p.n_epochs; ++epoch) {
        const double n = epoch;
        for (std::size_t i = 0; i < n_vert; ++i) {
            float* c = Yd + i * dim;
            for (std::size_t e = graph.row_ptr[i]; e < graph.row_ptr[i + 1]; ++e) {
                if (!(next[e] <= n)) continue;
#if SEMVEC_SIMD_LEVEL == 3
                if constexpr (kDim > 0) {
                    // Attraction (lane 0) and up to 15 negative samples (lanes 1..) in one register, all
                    // evaluated at the head's position before this edge's update.
                    float* o = Yd + static_cast<std::size_t>(graph.col[e]) * kDim;
                    next[e] += eps[e];
                    const int n_neg = umap_neg_count(n, next_neg[e], eps_neg[e]);
                    const int first = std::max(0, std::min(n_neg, 15));
                    std::uint32_t kk[16];
                    kk[0] = static_cast<std::uint32_t>(graph.col[e]);
                    for (int q = 0; q < first; ++q)
                        kk[q + 1] = static_cast<std::uint32_t>((static_cast<std::uint64_t>(umap_next(rs)) * n_tail) >> 32);
                    const __mmask16 m = static_cast<__mmask16>((1u << (first + 1)) - 1u);
                    UmapLanes16<kDim> L;
                    umap_lanes16<kDim>(c, kk, m, Yd, a, b, L);
                    const __m512 g_rep = _mm512_div_ps(_mm512_set1_ps(two_gb),
                                                       _mm512_mul_ps(_mm512_add_ps(_mm512_set1_ps(0.001f), L.dds), L.den));
                    const __m512 g_att =
                        _mm512_div_ps(_mm512_mul_ps(_mm512_set1_ps(-two_ab), L.pw), _mm512_mul_ps(L.dds, L.den));
                    const __m512 gc = _mm512_mask_blend_ps(static_cast<__mmask16>(1), g_rep, g_att);
                    for (int d = 0; d < kDim; ++d) {
                        const __m512 g = _mm512_maskz_mul_ps(
                            L.live, _mm512_set1_ps(alpha),
                            _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(gc, L.diff[d]), _mm512_set1_ps(-4.0f)),
                                          _mm512_set1_ps(4.0f)));
                        const float pull = _mm512_cvtss_f32(g);
                        c[d] += _mm512_reduce_add_ps(g);
                        o[d] -= pull;
                    }
                    for (int q = first; q < n_neg; ++q) {  // rare: more than 15 negative samples at once
                        const std::uint32_t k2 =
                            static_cast<std::uint32_t>((static_cast<std::uint64_t>(umap_next(rs)) * n_tail) >> 32);
                        const float* ot = Yd + static_cast<std::size_t>(k2) * kDim;
                        const float d2n = umap_dist2(c, ot, kDim);
                        if (!(d2n > 0)) continue;
                        const float gcn = umap_repel_coef(d2n, a, b, two_gb);
                        for (int d = 0; d < kDim; ++d) c[d] += umap_clip(gcn * (c[d] - ot[d])) * alpha;
                    }
                    if (n_neg > 0) next_neg[e] += n_neg * eps_neg[e];
                    continue;
                }
#endif
                float* o = Yd + static_cast<std::size_t>(graph.col[e]) * dim;
                const float d2 = umap_dist2(c, o, dim);
                if (d2 > 0) {
                    const float gc = umap_attract_coef(d2, a, b, two_ab);
                    for (int d = 0; d < dim; ++d) {
                        const float mv = umap_clip(gc * (c[d] - o[d])) * alpha;
                        c[d] += mv;
                        o[d] -= mv;
                    }
                }
                next[e] += eps[e];
                const int n_neg = umap_neg_count(n, next_neg[e], eps_neg[e]);
                for (int q0 = 0; q0 < n_neg; q0 += kBatch) {
                    const int cnt = std::min(kBatch, n_neg - q0);
                    std::uint32_t kk[kBatch];
                    for (int q = 0; q < cnt; ++q)
                        kk[q] = static_cast<std::uint32_t>((static_cast<std::uint64_t>(umap_next(rs)) * n_tail) >> 32);
                    float acc[kDim > 0 ? kDim : 64] = {};
#if SEMVEC_SIMD_LEVEL == 3
                    if constexpr (kDim > 0) {
                        // The batch in one register: gather the targets, one vector pow, sum the steps.
                        const __mmask16 m = static_cast<__mmask16>((1u << cnt) - 1u);
                        UmapLanes16<(kDim > 0 ? kDim : 1)> L;
                        umap_lanes16<(kDim > 0 ? kDim : 1)>(c, kk, m, Yd, a, b, L);
                        const __m512 gc = _mm512_div_ps(_mm512_set1_ps(two_gb),
                                                        _mm512_mul_ps(_mm512_add_ps(_mm512_set1_ps(0.001f), L.dds), L.den));
                        for (int d = 0; d < kDim; ++d) {
                            const __m512 g = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(gc, L.diff[d]), _mm512_set1_ps(-4.0f)),
                                                           _mm512_set1_ps(4.0f));
                            c[d] += _mm512_mask_reduce_add_ps(L.live, _mm512_mul_ps(_mm512_set1_ps(alpha), g));
                        }
                    } else
#endif
                    if (kDim > 0) {
                        for (int q = 0; q < cnt; ++q) {
                            const float* ot = Yd + static_cast<std::size_t>(kk[q]) * dim;
                            float diff[kDim > 0 ? kDim : 1];
                            float dd = 0;
                            for (int d = 0; d < kDim; ++d) {
                                diff[d] = c[d] - ot[d];
                                dd += diff[d] * diff[d];
                            }
                            const bool live = dd > 0;
                            const float dds = live ? dd : 1.0f;
                            const float pw = umap_fast_pow(dds, b);
                            const float gc = two_gb / ((0.001f + dds) * (a * pw + 1.0f));
                            const float step = live ? alpha : 0.0f;
                            for (int d = 0; d < kDim; ++d) acc[d] += step * umap_clip(gc * diff[d]);
                        }
                        for (int d = 0; d < kDim; ++d) c[d] += acc[d];
                    } else {  // any dimension: plain sequential loop
                        for (int q = 0; q < cnt; ++q) {
                            const float* ot = Yd + static_cast<std::size_t>(kk[q]) * dim;
                            const float dd = umap_dist2(c, ot, dim);
                            if (!(dd > 0)) continue;
                            const float gc = umap_repel_coef(dd, a, b, two_gb);
                            for (int d = 0; d < dim; ++d) c[d] += umap_clip(gc * (c[d] - ot[d])) * alpha;
                        }
                    }
                }
                if (n_neg > 0) next_neg[e] += n_neg * eps_neg[e];
            }
        }
        alpha = p.alpha0 * (1.0f - static_cast<float>(epoch) / static_cast<float>(p.n_epochs));
        if (progress && !progress(epoch + 1, p.n_epochs, std::numeric_limits<double>::quiet_NaN())) return false;
    }
    return true;
}

inline bool umap_sgd(Matrix& head, const Matrix* tail_fixed, const UmapCsr& graph, const UmapSgdParams& p,
                     const std::function<bool(int, int, double)>& progress) {
    if (p.sequential && p.tail_is_head) {
        switch (head.cols()) {
            case 2: return umap_sgd_sequential<2>(head, graph, p, progress);
            case 3: return umap_sgd_sequential<3>(head, graph, p, progress);
            default: return umap_sgd_sequential<0>(head, graph, p, progress);
        }
    }
    switch (head.cols()) {
        case 2: return umap_sgd_impl<2>(head, tail_fixed, graph, p, progress);
        case 3: return umap_sgd_impl<3>(head, tail_fixed, graph, p, progress);
        default: return umap_sgd_impl<0>(head, tail_fixed, graph, p, progress);
    }
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace semvec::detail
