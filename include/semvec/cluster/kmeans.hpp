// semvec/cluster/kmeans.hpp — k-means clustering: which of k centres each row belongs to.
//
//   semvec::KMeansOptions o;                  // k-means++ seeding, 10 restarts, Hamerly's bounds
//   auto km = semvec::kmeans(X, 8, o);        // Result<KMeansResult>: centroids, labels, inertia
//   auto big = semvec::minibatch_kmeans(X, 8); // for N in the millions
//
// kmeans() follows scikit-learn's KMeans: greedy k-means++ seeding (2 + ⌊ln k⌋ candidates per centre, the
// one that lowers the potential most is kept), Lloyd iterations until no label changes or the centres move
// less than `tolerance` × the mean feature variance, and `restarts` runs of which the lowest inertia wins.
// The Lloyd step uses Hamerly's bounds (one upper bound to the own centre, one lower bound to the others),
// which skip every distance computation for points that provably keep their centre: same labels as plain
// Lloyd, several times fewer distances once the centres settle.
//
// Metric::cosine runs spherical k-means: rows are L2-normalized, centres are normalized means, the score is
// Σ (1 − cos). Metric::euclidean minimizes Σ ‖x − c‖² (scikit-learn's inertia_).
//
// Deterministic: a seed gives bit-identical centroids and labels for any thread count. Each point's
// assignment is computed alone, centres are summed point by point in index order, and restarts draw from
// seeds derived from (seed, restart), so running restarts side by side changes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../config.hpp"
#include "../knn.hpp"
#include "../matrix.hpp"
#include "../result.hpp"

namespace semvec {

/// How kmeans() runs its Lloyd iterations (the result is the same up to float rounding of near-ties).
enum class KMeansAlgorithm {
    hamerly,  ///< Lloyd with Hamerly's triangle-inequality bounds (skips most distance computations)
    lloyd,    ///< plain Lloyd: every point against every centre at every iteration
};

/// Options of kmeans(). Defaults follow scikit-learn's KMeans(n_init=10).
struct KMeansOptions {
    /// Distance: euclidean (Σ‖x − c‖²) or cosine (spherical k-means, Σ (1 − cos)). Default euclidean.
    Metric metric = Metric::euclidean;
    /// Independent runs from different k-means++ seedings; the lowest inertia wins. Default 10.
    int restarts = 10;
    /// Most Lloyd iterations per run. Default 300.
    int max_iterations = 300;
    /// A run stops when the centres' total squared shift is ≤ tolerance × the mean per-feature variance
    /// of the data (scikit-learn's tol), or when no label changes. Default 1e-4.
    double tolerance = 1e-4;
    /// Lloyd iterations with or without Hamerly's bounds. Default hamerly.
    KMeansAlgorithm algorithm = KMeansAlgorithm::hamerly;
    /// Random seed: the same seed gives the same result for any thread count. Default 42.
    std::uint64_t seed = 42;
    /// Worker threads; 0 = all cores. Default 0. Results do not depend on it.
    unsigned threads = 0;
};

/// Options of minibatch_kmeans(). Defaults follow scikit-learn's MiniBatchKMeans.
struct MiniBatchKMeansOptions {
    /// Distance: euclidean or cosine (spherical). Default euclidean.
    Metric metric = Metric::euclidean;
    /// Rows drawn per step. Default 1024.
    std::size_t batch_size = 1024;
    /// Most passes over the data (steps = max_epochs × N / batch_size). Default 100.
    int max_epochs = 100;
    /// Stop after this many steps without a better smoothed batch inertia. Default 10.
    int max_no_improvement = 10;
    /// Rows sampled for the k-means++ seeding; 0 = max(3 × batch_size, 3 × k), capped at N. Default 0.
    std::size_t init_size = 0;
    /// Independent seedings on the sample; the one with the lowest sample inertia is used. Default 3.
    int restarts = 3;
    /// Random seed. Default 42.
    std::uint64_t seed = 42;
    /// Worker threads; 0 = all cores. Default 0. Results do not depend on it.
    unsigned threads = 0;
};

/// A clustering by k centres.
struct KMeansResult {
    Matrix centroids;                  ///< k×D centres (unit rows for cosine)
    std::vector<std::int32_t> labels;  ///< the centre of each row, in [0, k)
    double inertia = 0;                ///< Σ‖x − c‖² (euclidean) or Σ (1 − cos) (cosine) over the rows
    int iterations = 0;                ///< Lloyd iterations (mini-batch: steps) of the run that was kept
    int restart = 0;                   ///< which restart was kept (0-based)
};

/// Clusters the rows of `data` around `clusters` centres. Errors (ErrorCode::invalid_argument): no rows,
/// no columns, a NaN or infinite value (named by row), clusters = 0 or > N, restarts or max_iterations < 1,
/// a negative tolerance, metric dot.
SEMVEC_API Result<KMeansResult> kmeans(const MatrixView& data, std::size_t clusters, const KMeansOptions& options = {});

/// Mini-batch k-means (Sculley 2010, as scikit-learn's MiniBatchKMeans): centres learnt from random batches
/// with per-centre learning rates 1/count, then every row labelled by its nearest centre. For N in the
/// millions, where full Lloyd iterations are too slow; its inertia is typically a few percent above kmeans().
/// Same errors as kmeans().
SEMVEC_API Result<KMeansResult> minibatch_kmeans(const MatrixView& data, std::size_t clusters,
                                                 const MiniBatchKMeansOptions& options = {});

/// The nearest of `centroids` for each row of `data` (cosine: highest cosine). Errors: column counts
/// differ, no centroids, a NaN or infinite value.
SEMVEC_API Result<std::vector<std::int32_t>> kmeans_predict(const MatrixView& centroids, const MatrixView& data,
                                                            Metric metric = Metric::euclidean, unsigned threads = 0);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include "../reduce/common.hpp"
#include "../simd/simd.hpp"
#include "../util/parallel.hpp"

namespace semvec {
namespace detail {
SEMVEC_SIMD_NAMESPACE_BEGIN  // the kernels depend on the SIMD level: see simd/dispatch.hpp

/// Squared L2 distance with 16 independent partial sums (vectorizes without -ffast-math; the order of the
/// additions is fixed by the code, so every build of one SIMD level gives the same bits).
inline float kmeans_sqdist(const float* a, const float* b, std::size_t d) {
    constexpr std::size_t L = 16;
    float acc[L] = {};
    std::size_t t = 0;
    for (; t + L <= d; t += L)
        for (std::size_t l = 0; l < L; ++l) {
            const float v = a[t + l] - b[t + l];
            acc[l] += v * v;
        }
    for (std::size_t l = 0; t < d; ++t, ++l) {
        const float v = a[t] - b[t];
        acc[l] += v * v;
    }
    for (std::size_t w = L / 2; w > 0; w /= 2)
        for (std::size_t l = 0; l < w; ++l) acc[l] += acc[l + w];
    return acc[0];
}

/// Validates the input of the k-means family; `what` names the function in messages.
inline Status kmeans_check(const MatrixView& data, std::size_t clusters, Metric metric, const char* what) {
    const std::string w = what;
    if (data.rows() == 0) return make_error(ErrorCode::invalid_argument, w + ": the input has no rows");
    if (data.cols() == 0) return make_error(ErrorCode::invalid_argument, w + ": the input has zero columns");
    if (clusters == 0) return make_error(ErrorCode::invalid_argument, w + ": k must be at least 1");
    if (clusters > static_cast<std::size_t>(data.rows()))
        return make_error(ErrorCode::invalid_argument, w + ": k = " + std::to_string(clusters) + " is more than the " +
                                                           std::to_string(data.rows()) + " rows");
    if (static_cast<std::uint64_t>(data.rows()) >= static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()))
        return make_error(ErrorCode::invalid_argument, w + ": too many rows for 32-bit labels");
    if (metric != Metric::euclidean && metric != Metric::cosine)
        return make_error(ErrorCode::invalid_argument, w + ": the metric must be euclidean or cosine");
    if (data.allFinite()) return {};
    for (Eigen::Index i = 0; i < data.rows(); ++i)  // name the first bad value
        for (Eigen::Index j = 0; j < data.cols(); ++j)
            if (!std::isfinite(data(i, j)))
                return make_error(ErrorCode::invalid_argument,
                                  w + ": NaN or infinite value at column " + std::to_string(j), "", "row " + std::to_string(i));
    return {};
}

/// The points the algorithms work on, a contiguous copy: L2-normalized rows for cosine; for euclidean the
/// rows minus the column means (as scikit-learn does), which keeps ‖x‖² close to the distances that matter
/// (the kernels below compute ‖x‖² + ‖c‖² − 2 x·c). `mean` receives the means (zeros for cosine).
inline Matrix kmeans_points(const MatrixView& data, Metric metric, Eigen::RowVectorXf& mean) {
    mean = Eigen::RowVectorXf::Zero(data.cols());
    if (metric == Metric::cosine) return normalized_rows(data);
    Matrix pts(data);
    std::vector<double> sum(static_cast<std::size_t>(pts.cols()), 0.0);
    for (Eigen::Index i = 0; i < pts.rows(); ++i)
        for (Eigen::Index j = 0; j < pts.cols(); ++j) sum[static_cast<std::size_t>(j)] += pts(i, j);
    for (Eigen::Index j = 0; j < pts.cols(); ++j)
        mean[j] = static_cast<float>(sum[static_cast<std::size_t>(j)] / static_cast<double>(pts.rows()));
    pts.rowwise() -= mean;
    return pts;
}

/// Squared L2 norm, in the order of kmeans_sqdist.
inline float kmeans_sqnorm(const float* a, std::size_t d) {
    constexpr std::size_t L = 16;
    float acc[L] = {};
    std::size_t t = 0;
    for (; t + L <= d; t += L)
        for (std::size_t l = 0; l < L; ++l) acc[l] += a[t + l] * a[t + l];
    for (std::size_t l = 0; t < d; ++t, ++l) acc[l] += a[t] * a[t];
    for (std::size_t w = L / 2; w > 0; w /= 2)
        for (std::size_t l = 0; l < w; ++l) acc[l] += acc[l + w];
    return acc[0];
}

/// What the k-means loops need of the points besides their coordinates: ‖x‖² per row, the largest of
/// them, the row numbers 0..N−1 (the kernels take lists of rows), a transposed copy for k-means++, and per
/// row a bound on the rounding error of the kernel's squared distances.
///
/// The error bound: the kernel below computes ‖x‖² + ‖c‖² − 2 x·c; the dot product of D terms errs by at
/// most D units of roundoff (u = 2⁻²⁴) times ‖x‖‖c‖ ≤ (‖x‖² + ‖c‖²) / 2, each norm by about (D/16 + 4) u times
/// itself, the last addition and FMA by 3 u (‖x‖² + ‖c‖²). A centre is a mean of points (or a normalized
/// mean of unit rows), so ‖c‖² ≤ max ‖x‖²: err_i = (1.25 D + 16) u (‖x_i‖² + max ‖x‖²) bounds the error for
/// every centre the loops will see.
struct KMeansPoints {
    static constexpr std::size_t kPad = 64;  ///< `stride` is N rounded up to this (a multiple of 2 × width)
    const Matrix* pts = nullptr;
    std::size_t stride = 0;
    std::vector<float> norm;  ///< ‖x‖² per row (0 on the padding)
    float max_norm = 0;
    std::vector<std::size_t> all;
    std::vector<float> t;  ///< if asked for: the points transposed (k-means++), t[u * stride + i] = x_i[u], 0 on the padding
    std::vector<double> err;     ///< err_i above
    std::vector<double> margin;  ///< √(2 err_i): distances closer than this may be ordered wrongly by the kernel
    KMeansPoints(const Matrix& p, bool transposed) : pts(&p) {
        const std::size_t n = static_cast<std::size_t>(p.rows()), d = static_cast<std::size_t>(p.cols());
        static_assert(kPad % (2 * static_cast<std::size_t>(simd::Native::width)) == 0, "padding");
        stride = (n + kPad - 1) / kPad * kPad;
        norm.assign(stride, 0.0f);
        all.resize(n);
        if (transposed) t.assign(d * stride, 0.0f);
        for (std::size_t i = 0; i < n; ++i) {
            const float* x = p.row(static_cast<Eigen::Index>(i)).data();
            norm[i] = kmeans_sqnorm(x, d);
            max_norm = std::max(max_norm, norm[i]);
            all[i] = i;
            if (transposed)
                for (std::size_t u = 0; u < d; ++u) t[u * stride + i] = x[u];
        }
        const double gamma = (1.25 * static_cast<double>(d) + 16.0) * std::ldexp(1.0, -24);
        err.resize(n);
        margin.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            err[i] = gamma * (static_cast<double>(norm[i]) + static_cast<double>(max_norm));
            margin[i] = std::sqrt(2.0 * err[i]);
        }
    }
    std::size_t size() const { return all.size(); }
    const float* row(std::size_t i) const { return pts->row(static_cast<Eigen::Index>(i)).data(); }
};

/// The centres laid out for the distance kernel: D rows of `stride` floats (k rounded up to the SIMD width,
/// padding lanes 0), so that a point's distances to a block of centres accumulate in the lanes of one
/// register, and ‖c‖² per lane (+inf on padding, so a padding lane is never the nearest).
struct CentresByDim {
    std::size_t k = 0, stride = 0, d = 0;
    std::vector<float> t, norm;
    void set(const Matrix& centres) {
        constexpr std::size_t w = static_cast<std::size_t>(simd::Native::width);
        k = static_cast<std::size_t>(centres.rows());
        d = static_cast<std::size_t>(centres.cols());
        stride = (k + w - 1) / w * w;
        t.assign(d * stride, 0.0f);
        norm.assign(stride, std::numeric_limits<float>::infinity());
        for (std::size_t j = 0; j < k; ++j) {
            const float* c = centres.row(static_cast<Eigen::Index>(j)).data();
            for (std::size_t u = 0; u < d; ++u) t[u * stride + j] = c[u];
            norm[j] = kmeans_sqnorm(c, d);
        }
    }
};

/// Points per kernel call: 8 independent FMA chains keep the FMA units busy.
constexpr int kKMeansGroup = 8;

/// Squared distances of P points to the O::width centres of block `block`: out[p] lane l =
/// max(‖x_p‖² + ‖c_l‖² − 2 x_p·c_l, 0). One FMA chain per point, coordinates in order: a point's distances
/// do not depend on the other points of the call, nor on P, so they are the same for any thread count.
template <class O, int P>
SEMVEC_SIMD_INLINE void kmeans_block_sqdist(const float* const* x, const float* xnorm, const CentresByDim& c,
                                            std::size_t block, typename O::vf* out) {
    using vf = typename O::vf;
    const std::size_t stride = c.stride, d = c.d;
    const float* ct = c.t.data() + block * static_cast<std::size_t>(O::width);
    vf acc[P];
    for (int p = 0; p < P; ++p) acc[p] = O::zero();
    for (std::size_t u = 0; u < d; ++u, ct += stride) {
        const vf cv = O::load(ct);
        for (int p = 0; p < P; ++p) acc[p] = O::fmadd(O::set1(x[p][u]), cv, acc[p]);
    }
    const vf cn = O::load(c.norm.data() + block * static_cast<std::size_t>(O::width)), m2 = O::set1(-2.0f);
    for (int p = 0; p < P; ++p) out[p] = O::max(O::fmadd(m2, acc[p], O::add(O::set1(xnorm[p]), cn)), O::zero());
}

/// The nearest and second-nearest centre of a point: squared distances and the label.
struct KMeansNearest {
    float d1 = std::numeric_limits<float>::infinity(), d2 = std::numeric_limits<float>::infinity();
    std::int32_t label = 0;
};

#if defined(__AVX512F__)
/// The smallest of 16 floats (maskz forms: see simd/avx512.hpp).
SEMVEC_SIMD_INLINE float kmeans_min16(__m512 a) {
    const __m256 s8 = _mm256_min_ps(_mm512_maskz_extractf32x8_ps(0xFF, a, 0), _mm512_maskz_extractf32x8_ps(0xFF, a, 1));
    __m128 s = _mm_min_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    s = _mm_min_ps(s, _mm_movehl_ps(s, s));
    s = _mm_min_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#endif

/// Folds one block of squared distances (centres j0, j0 + 1, ...) into `r`. Ties go to the lower centre.
template <class O>
SEMVEC_SIMD_INLINE void kmeans_take_block(typename O::vf v, std::size_t j0, std::size_t m, KMeansNearest& r) {
    float m1, m2;
    std::size_t at;
#if defined(__AVX512F__)
    if constexpr (std::is_same<O, simd::Avx512>::value) {  // padding lanes are +inf: m is not needed
        m1 = kmeans_min16(v);
        const unsigned eq = _mm512_cmp_ps_mask(v, _mm512_set1_ps(m1), _CMP_EQ_OQ);
        at = eq ? static_cast<std::size_t>(__builtin_ctz(eq)) : 0;
        m2 = kmeans_min16(_mm512_mask_mov_ps(v, static_cast<__mmask16>(1u << at),
                                                     _mm512_set1_ps(std::numeric_limits<float>::infinity())));
    } else
#endif
    {
        float out[O::width];
        O::store(out, v);
        m1 = m2 = std::numeric_limits<float>::infinity();
        at = 0;
        for (std::size_t l = 0; l < m; ++l) {
            if (out[l] < m1) { m2 = m1; m1 = out[l]; at = l; }
            else if (out[l] < m2) m2 = out[l];
        }
    }
    if (m1 < r.d1) {
        r.d2 = std::min(r.d1, m2);
        r.d1 = m1;
        r.label = static_cast<std::int32_t>(j0 + at);
    } else {
        r.d2 = std::min(r.d2, m1);
    }
}

/// Nearest and second-nearest centre of the P rows `rows[0, P)`.
template <int P>
inline void kmeans_nearest_group(const KMeansPoints& pts, const std::size_t* rows, const CentresByDim& c,
                                 KMeansNearest* r) {
    using O = simd::Native;
    const float* x[P];
    float xn[P];
    for (int p = 0; p < P; ++p) {
        x[p] = pts.row(rows[p]);
        xn[p] = pts.norm[rows[p]];
        r[p] = KMeansNearest{};
    }
    typename O::vf out[P];
    for (std::size_t blk = 0, j0 = 0; j0 < c.k; ++blk, j0 += static_cast<std::size_t>(O::width)) {
        kmeans_block_sqdist<O, P>(x, xn, c, blk, out);
        const std::size_t m = std::min<std::size_t>(O::width, c.k - j0);
        for (int p = 0; p < P; ++p) kmeans_take_block<O>(out[p], j0, m, r[p]);
    }
}

/// Calls emit(row, nearest) for the rows `rows[0, count)` in order.
template <class Emit>
inline void kmeans_nearest_rows(const KMeansPoints& pts, const std::size_t* rows, std::size_t count,
                                const CentresByDim& c, Emit&& emit) {
    KMeansNearest r[kKMeansGroup];
    std::size_t g = 0;
    for (; g + kKMeansGroup <= count; g += kKMeansGroup) {
        kmeans_nearest_group<kKMeansGroup>(pts, rows + g, c, r);
        for (int p = 0; p < kKMeansGroup; ++p) emit(rows[g + static_cast<std::size_t>(p)], r[p]);
    }
    for (; g < count; ++g) {
        kmeans_nearest_group<1>(pts, rows + g, c, r);
        emit(rows[g], r[0]);
    }
}

/// Squared distances of the points to up to 4 candidate centres, 2 × O::width points at a time from the
/// transposed points: out[t * stride + i] = max(‖x_i‖² + ‖c_t‖² − 2 x_i·c_t, 0), for i in [i0, i1) (multiples
/// of 2 × O::width). One FMA chain per (point, candidate), coordinates in order.
template <class O, int M>
inline void kmeans_candidate_sqdist(const KMeansPoints& pts, const float* const* cand, const float* cand_norm,
                                    std::size_t i0, std::size_t i1, float* out) {
    using vf = typename O::vf;
    constexpr std::size_t w = static_cast<std::size_t>(O::width);
    const std::size_t d = static_cast<std::size_t>(pts.pts->cols()), stride = pts.stride;
    for (std::size_t i = i0; i < i1; i += 2 * w) {
        vf a0[M], a1[M];
        for (int t = 0; t < M; ++t) a0[t] = a1[t] = O::zero();
        const float* col = pts.t.data() + i;
        for (std::size_t u = 0; u < d; ++u, col += stride) {
            const vf p0 = O::load(col), p1 = O::load(col + w);
            for (int t = 0; t < M; ++t) {
                const vf c = O::set1(cand[t][u]);
                a0[t] = O::fmadd(p0, c, a0[t]);
                a1[t] = O::fmadd(p1, c, a1[t]);
            }
        }
        const vf n0 = O::load(pts.norm.data() + i), n1 = O::load(pts.norm.data() + i + w), m2 = O::set1(-2.0f);
        for (int t = 0; t < M; ++t) {
            const vf cn = O::set1(cand_norm[t]);
            O::store(out + static_cast<std::size_t>(t) * stride + i, O::max(O::fmadd(m2, a0[t], O::add(n0, cn)), O::zero()));
            O::store(out + static_cast<std::size_t>(t) * stride + i + w, O::max(O::fmadd(m2, a1[t], O::add(n1, cn)), O::zero()));
        }
    }
}

/// Greedy k-means++ (Arthur & Vassilvitskii 2007, with scikit-learn's 2 + ⌊ln k⌋ local trials): k rows of
/// the points as initial centres. A row's distances do not depend on the other rows; the potentials are
/// summed per block of 64 rows, then over the blocks in order, so nothing depends on the thread count.
inline Matrix kmeans_plusplus(const KMeansPoints& pts, std::size_t k, std::uint64_t seed, unsigned threads) {
    using O = simd::Native;
    constexpr std::size_t w = static_cast<std::size_t>(O::width);
    const Matrix& x = *pts.pts;
    const std::size_t n = pts.size(), stride = pts.stride, d = static_cast<std::size_t>(x.cols());
    constexpr std::size_t kBlock = KMeansPoints::kPad;
    const std::size_t blocks = stride / kBlock;
    const unsigned workers = resolve_threads(threads, blocks);
    Matrix centres(static_cast<Eigen::Index>(k), x.cols());
    Random rng(seed);
    const std::size_t trials = 2 + static_cast<std::size_t>(std::log(static_cast<double>(k)));
    // closest[i]: squared distance of row i to the nearest centre so far (0 on the padding rows);
    // cand_dist[t * stride + i]: to candidate t; cand_pot[t * blocks + b]: Σ over block b of their minimum.
    std::vector<float> closest(stride, std::numeric_limits<float>::infinity()), cand_dist(trials * stride);
    std::vector<double> block_pot(blocks), cand_pot(trials * blocks), cumulative(blocks);
    std::vector<std::size_t> cand(1, static_cast<std::size_t>(rng.below(n)));
    std::vector<const float*> cand_row(trials);
    std::vector<float> cand_norm(trials);
    auto evaluate = [&]() {
        const std::size_t m = cand.size();
        for (std::size_t t = 0; t < m; ++t) {
            cand_row[t] = pts.row(cand[t]);
            cand_norm[t] = pts.norm[cand[t]];
        }
        parallel_for(blocks, workers, [&](std::size_t b0, std::size_t b1, unsigned) {
            const std::size_t i0 = b0 * kBlock, i1 = b1 * kBlock;
            for (std::size_t t = 0; t < m; t += 4) {
                const float* const* cr = cand_row.data() + t;
                const float* cn = cand_norm.data() + t;
                float* out = cand_dist.data() + t * stride;
                switch (std::min<std::size_t>(4, m - t)) {
                    case 1: kmeans_candidate_sqdist<O, 1>(pts, cr, cn, i0, i1, out); break;
                    case 2: kmeans_candidate_sqdist<O, 2>(pts, cr, cn, i0, i1, out); break;
                    case 3: kmeans_candidate_sqdist<O, 3>(pts, cr, cn, i0, i1, out); break;
                    default: kmeans_candidate_sqdist<O, 4>(pts, cr, cn, i0, i1, out); break;
                }
            }
            for (std::size_t b = b0; b < b1; ++b)
                for (std::size_t t = 0; t < m; ++t) {
                    typename O::vf s = O::zero();
                    const float* dt = cand_dist.data() + t * stride;
                    for (std::size_t i = b * kBlock; i < (b + 1) * kBlock; i += w) s = O::add(s, O::min(O::load(closest.data() + i), O::load(dt + i)));
                    cand_pot[t * blocks + b] = static_cast<double>(O::reduce_add(s));
                }
        });
    };
    centres.row(0) = x.row(static_cast<Eigen::Index>(cand[0]));
    std::fill(closest.begin() + static_cast<std::ptrdiff_t>(n), closest.end(), 0.0f);
    evaluate();
    for (std::size_t i = 0; i < n; ++i) closest[i] = cand_dist[i];
    std::copy(cand_pot.begin(), cand_pot.begin() + static_cast<std::ptrdiff_t>(blocks), block_pot.begin());
    cand.resize(trials);
    for (std::size_t c = 1; c < k; ++c) {
        double pot = 0;
        for (std::size_t b = 0; b < blocks; ++b) cumulative[b] = (pot += block_pot[b]);
        for (std::size_t t = 0; t < trials; ++t) {  // a row drawn with probability closest / pot
            const double r = rng.uniform() * pot;
            std::size_t b = static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin());
            b = std::min(b, blocks - 1);
            const std::size_t r0 = b * kBlock, r1 = std::min(n, r0 + kBlock);
            double acc = b ? cumulative[b - 1] : 0.0;
            std::size_t j = r1 - 1;
            for (std::size_t i = r0; i < r1; ++i)
                if ((acc += closest[i]) > r) { j = i; break; }
            cand[t] = j;
        }
        evaluate();
        std::size_t best = 0;
        double best_pot = std::numeric_limits<double>::infinity();
        for (std::size_t t = 0; t < trials; ++t) {
            double s = 0;
            for (std::size_t b = 0; b < blocks; ++b) s += cand_pot[t * blocks + b];
            if (s < best_pot) { best_pot = s; best = t; }
        }
        centres.row(static_cast<Eigen::Index>(c)) = x.row(static_cast<Eigen::Index>(cand[best]));
        const float* db = cand_dist.data() + best * stride;
        for (std::size_t i = 0; i < n; ++i) closest[i] = std::min(closest[i], db[i]);
        std::copy(cand_pot.begin() + static_cast<std::ptrdiff_t>(best * blocks),
                  cand_pot.begin() + static_cast<std::ptrdiff_t>((best + 1) * blocks), block_pot.begin());
    }
    (void)d;
    return centres;
}

/// Per-cluster sums of the rows (double) and counts, kept up to date point by point: a row that changes
/// cluster is moved in index order, so the sums do not depend on the thread count, and an iteration costs
/// O(moved rows × D) instead of O(N × D).
struct ClusterSums {
    std::size_t k = 0, d = 0;
    std::vector<double> sum;
    std::vector<std::size_t> count;
    void build(const Matrix& pts, const std::vector<std::int32_t>& labels, std::size_t clusters) {
        k = clusters;
        d = static_cast<std::size_t>(pts.cols());
        sum.assign(k * d, 0.0);
        count.assign(k, 0);
        for (std::size_t i = 0; i < labels.size(); ++i) add(pts.row(static_cast<Eigen::Index>(i)).data(), labels[i], 1.0);
    }
    void add(const float* x, std::int32_t label, double sign) {
        double* s = sum.data() + static_cast<std::size_t>(label) * d;
        for (std::size_t t = 0; t < d; ++t) s[t] += sign * x[t];
        count[static_cast<std::size_t>(label)] += sign > 0 ? 1 : static_cast<std::size_t>(-1);
    }
    void move(const float* x, std::int32_t from, std::int32_t to) {
        add(x, from, -1.0);
        add(x, to, 1.0);
    }
    /// Means (normalized for spherical k-means) into `centres`; an empty cluster keeps its centre.
    void centres(Matrix& out, bool spherical) const {
        for (std::size_t j = 0; j < k; ++j) {
            if (!count[j]) continue;
            const double* s = sum.data() + j * d;
            double scale = 1.0 / static_cast<double>(count[j]);
            if (spherical) {
                double nrm = 0;
                for (std::size_t t = 0; t < d; ++t) nrm += s[t] * s[t];
                if (nrm > 0) scale = 1.0 / std::sqrt(nrm);
            }
            for (std::size_t t = 0; t < d; ++t) out(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(t)) = static_cast<float>(s[t] * scale);
        }
    }
};

/// Gives every empty cluster the row farthest from its own centre (ties: the lower index), as scikit-learn
/// relocates empty clusters; the row's label and the sums follow. Returns the rows moved.
inline std::vector<std::size_t> kmeans_relocate_empty(const Matrix& pts, std::vector<std::int32_t>& labels,
                                                      const Matrix& centres, ClusterSums& sums) {
    std::vector<std::size_t> moved;
    std::size_t empty = 0;
    for (std::size_t c : sums.count) empty += c == 0;
    if (!empty) return moved;
    const std::size_t n = static_cast<std::size_t>(pts.rows()), d = static_cast<std::size_t>(pts.cols());
    std::vector<std::pair<float, std::size_t>> far(n);
    for (std::size_t i = 0; i < n; ++i)
        far[i] = {-kmeans_sqdist(pts.row(static_cast<Eigen::Index>(i)).data(), centres.row(labels[i]).data(), d), i};
    std::sort(far.begin(), far.end());
    std::size_t next = 0;
    for (std::size_t j = 0; j < sums.k; ++j) {
        if (sums.count[j]) continue;
        // Take a row whose cluster keeps at least one other row.
        while (next < n && sums.count[static_cast<std::size_t>(labels[far[next].second])] < 2) ++next;
        if (next == n) break;
        const std::size_t i = far[next++].second;
        sums.move(pts.row(static_cast<Eigen::Index>(i)).data(), labels[i], static_cast<std::int32_t>(j));
        labels[i] = static_cast<std::int32_t>(j);
        moved.push_back(i);
    }
    return moved;
}

/// Σ squared distance of each point to its centre, in index order.
inline double kmeans_inertia(const Matrix& pts, const std::vector<std::int32_t>& labels, const Matrix& centres,
                             unsigned threads) {
    const std::size_t n = static_cast<std::size_t>(pts.rows()), d = static_cast<std::size_t>(pts.cols());
    std::vector<float> dist(n);
    parallel_for(n, threads, [&](std::size_t b, std::size_t e, unsigned) {
        for (std::size_t i = b; i < e; ++i)
            dist[i] = kmeans_sqdist(pts.row(static_cast<Eigen::Index>(i)).data(), centres.row(labels[i]).data(), d);
    });
    double s = 0;
    for (float v : dist) s += v;
    return s;
}

/// The mean per-feature variance (scikit-learn scales its tolerance by it).
inline double kmeans_mean_variance(const Matrix& pts) {
    const std::size_t n = static_cast<std::size_t>(pts.rows()), d = static_cast<std::size_t>(pts.cols());
    std::vector<double> mean(d, 0.0), m2(d, 0.0);  // per column, rows in order (row by row: the cache likes it)
    for (std::size_t i = 0; i < n; ++i) {
        const float* x = pts.row(static_cast<Eigen::Index>(i)).data();
        for (std::size_t j = 0; j < d; ++j) mean[j] += x[j];
    }
    for (double& m : mean) m /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) {
        const float* x = pts.row(static_cast<Eigen::Index>(i)).data();
        for (std::size_t j = 0; j < d; ++j) {
            const double v = x[j] - mean[j];
            m2[j] += v * v;
        }
    }
    double total = 0;
    for (double v : m2) total += v / static_cast<double>(n);
    return total / static_cast<double>(d);
}

/// One run of Lloyd (with or without Hamerly's bounds) from `centres`.
///
/// Hamerly's bounds per point: `upper` ≥ the distance to its own centre, `lower` ≤ the distance to every
/// other centre, both true bounds: the kernel's squared distances are widened by its rounding bound E
/// (KMeansPoints::err). A point keeps its label without a scan when upper + √(2E) ≤ max(lower, half the gap
/// from its centre to the nearest other one): then the kernel's own distances would pick the same centre,
/// so the labels are those of plain Lloyd.
inline KMeansResult kmeans_run(const KMeansPoints& pts, Matrix centres, const KMeansOptions& o, double tol_abs,
                               unsigned threads) {
    const Matrix& x = *pts.pts;
    const std::size_t n = pts.size(), d = static_cast<std::size_t>(x.cols());
    const std::size_t k = static_cast<std::size_t>(centres.rows());
    const bool spherical = o.metric == Metric::cosine, bounds = o.algorithm == KMeansAlgorithm::hamerly;
    const unsigned workers = resolve_threads(threads, n);
    const bool tighten = k > static_cast<std::size_t>(simd::Native::width);
    std::vector<std::int32_t> labels(n);
    std::vector<double> upper(n), lower(n);
    CentresByDim by_dim;
    by_dim.set(centres);
    auto take = [&](std::size_t i, const KMeansNearest& r) {
        labels[i] = r.label;
        upper[i] = std::sqrt(static_cast<double>(r.d1) + pts.err[i]);
        lower[i] = std::sqrt(std::max(0.0, static_cast<double>(r.d2) - pts.err[i]));
    };
    parallel_for(n, workers, [&](std::size_t b, std::size_t e, unsigned) {
        kmeans_nearest_rows(pts, pts.all.data() + b, e - b, by_dim, take);
    });
    Matrix old;
    std::vector<double> shift(k), half_gap(k), drop(k);  // drop[j]: how much closer the others came at most
    // Per chunk of rows [b, e): the rows to scan in todo[b, ...), the rows that changed label in moved[b, ...)
    // with their previous label in from[b, ...); spans[w] = (b, number moved) of worker w.
    std::vector<std::size_t> todo(n), moved(n);
    std::vector<std::int32_t> from(n);
    std::vector<std::pair<std::size_t, std::size_t>> spans(workers);
    ClusterSums sums;
    sums.build(x, labels, k);
    int it = 0;
    for (; it < o.max_iterations; ++it) {
        old = centres;
        for (std::size_t i : kmeans_relocate_empty(x, labels, centres, sums)) upper[i] = lower[i] = 0;  // x is its centre
        sums.centres(centres, spherical);
        double shift_total = 0, max1 = 0, max2 = 0;
        std::size_t argmax = 0;
        for (std::size_t j = 0; j < k; ++j) {
            const double s2 = static_cast<double>(kmeans_sqdist(old.row(static_cast<Eigen::Index>(j)).data(),
                                                                centres.row(static_cast<Eigen::Index>(j)).data(), d));
            shift_total += s2;
            shift[j] = std::sqrt(s2);
            if (shift[j] > max1) { max2 = max1; max1 = shift[j]; argmax = j; }
            else if (shift[j] > max2) max2 = shift[j];
        }
        for (std::size_t j = 0; j < k; ++j) drop[j] = j == argmax ? max2 : max1;
        if (bounds) {  // half the distance from each centre to its nearest other centre
            for (std::size_t j = 0; j < k; ++j) {
                double m = std::numeric_limits<double>::infinity();
                for (std::size_t l = 0; l < k; ++l)
                    if (l != j)
                        m = std::min(m, static_cast<double>(kmeans_sqdist(centres.row(static_cast<Eigen::Index>(j)).data(),
                                                                          centres.row(static_cast<Eigen::Index>(l)).data(), d)));
                half_gap[j] = 0.5 * std::sqrt(m);
            }
        }
        by_dim.set(centres);
        parallel_for(n, workers, [&](std::size_t b, std::size_t e, unsigned w) {
            std::size_t count = 0, nmoved = 0;
            std::size_t* scan = todo.data() + b;
            if (!bounds) {
                for (std::size_t i = b; i < e; ++i) scan[count++] = i;
            } else if (!tighten) {  // branch-free: about a third of the rows fail, unpredictably
                const std::int32_t* lab = labels.data();
                double *up = upper.data(), *lo = lower.data();
                const double *sh = shift.data(), *hg = half_gap.data(), *dr = drop.data(), *mg = pts.margin.data();
                for (std::size_t i = b; i < e; ++i) {
                    const std::size_t a = static_cast<std::size_t>(lab[i]);
                    const double u = up[i] + sh[a], l = lo[i] - dr[a];
                    up[i] = u;
                    lo[i] = l;
                    scan[count] = i;
                    count += u > std::max(hg[a], l) - mg[i];
                }
            } else {
                for (std::size_t i = b; i < e; ++i) {
                    const std::size_t a = static_cast<std::size_t>(labels[i]);
                    upper[i] += shift[a];
                    lower[i] -= drop[a];
                    const double m = std::max(half_gap[a], lower[i]) - pts.margin[i];
                    if (upper[i] <= m) continue;
                    // Tighten the upper bound with the distance to the own centre (a D-term difference, error
                    // well below E), then test again; only with several blocks of centres (with one, the
                    // scan costs little more).
                    upper[i] = std::sqrt(static_cast<double>(kmeans_sqdist(pts.row(i), centres.row(static_cast<Eigen::Index>(a)).data(), d)) + pts.err[i]);
                    if (upper[i] <= m) continue;
                    scan[count++] = i;
                }
            }
            kmeans_nearest_rows(pts, todo.data() + b, count, by_dim, [&](std::size_t i, const KMeansNearest& r) {
                if (r.label != labels[i]) {
                    moved[b + nmoved] = i;
                    from[b + nmoved++] = labels[i];
                }
                take(i, r);
            });
            spans[w] = {b, nmoved};
        });
        std::size_t changed = 0;
        for (const auto& [b, count] : spans)
            for (std::size_t q = b; q < b + count; ++q) sums.move(pts.row(moved[q]), from[q], labels[moved[q]]);
        for (const auto& s : spans) changed += s.second;
        if (changed == 0 || shift_total <= tol_abs) { ++it; break; }
    }
    KMeansResult r;
    r.inertia = kmeans_inertia(x, labels, centres, threads);
    if (spherical) r.inertia *= 0.5;  // unit vectors: ‖x − c‖² = 2 (1 − cos)
    r.centroids = std::move(centres);
    r.labels = std::move(labels);
    r.iterations = it;
    return r;
}

inline std::uint64_t kmeans_restart_seed(std::uint64_t seed, std::size_t restart) {
    return splitmix64(seed ^ splitmix64(0x6B6D65616E73ULL + restart));  // "kmeans"
}

SEMVEC_SIMD_NAMESPACE_END
}  // namespace detail

SEMVEC_API Result<KMeansResult> kmeans(const MatrixView& data, std::size_t clusters, const KMeansOptions& options) {
    SEMVEC_TRY_STATUS(detail::kmeans_check(data, clusters, options.metric, "kmeans"));
    if (options.restarts < 1) return make_error(ErrorCode::invalid_argument, "kmeans: restarts must be at least 1");
    if (options.max_iterations < 1) return make_error(ErrorCode::invalid_argument, "kmeans: max_iterations must be at least 1");
    if (!(options.tolerance >= 0)) return make_error(ErrorCode::invalid_argument, "kmeans: tolerance must be >= 0");
    Eigen::RowVectorXf mean;
    const Matrix pts = detail::kmeans_points(data, options.metric, mean);
    const detail::KMeansPoints points(pts, true);
    const unsigned threads = resolve_threads(options.threads);
    const double tol_abs = options.tolerance * detail::kmeans_mean_variance(pts);
    const std::size_t runs = static_cast<std::size_t>(options.restarts);
    std::vector<KMeansResult> results(runs);
    // Restarts side by side when there are enough of them (each one single-threaded), else one after the
    // other with the threads inside: the same arithmetic either way.
    const bool outer = runs >= threads && threads > 1;
    parallel_for(runs, outer ? threads : 1u, [&](std::size_t b, std::size_t e, unsigned) {
        for (std::size_t r = b; r < e; ++r) {
            const unsigned inner = outer ? 1u : threads;
            Matrix init = detail::kmeans_plusplus(points, clusters, detail::kmeans_restart_seed(options.seed, r), inner);
            results[r] = detail::kmeans_run(points, std::move(init), options, tol_abs, inner);
            results[r].restart = static_cast<int>(r);
        }
    });
    std::size_t best = 0;
    for (std::size_t r = 1; r < runs; ++r)
        if (results[r].inertia < results[best].inertia) best = r;
    if (options.metric == Metric::euclidean) results[best].centroids.rowwise() += mean;  // the input's coordinates
    return std::move(results[best]);
}

SEMVEC_API Result<std::vector<std::int32_t>> kmeans_predict(const MatrixView& centroids, const MatrixView& data,
                                                            Metric metric, unsigned threads) {
    if (centroids.rows() == 0) return make_error(ErrorCode::invalid_argument, "kmeans_predict: no centroids");
    if (centroids.cols() != data.cols())
        return make_error(ErrorCode::invalid_argument, "kmeans_predict: the centroids have " + std::to_string(centroids.cols()) +
                                                           " columns but the data has " + std::to_string(data.cols()));
    if (data.rows() == 0) return std::vector<std::int32_t>{};
    SEMVEC_TRY_STATUS(detail::kmeans_check(centroids, 1, metric, "kmeans_predict"));
    SEMVEC_TRY_STATUS(detail::kmeans_check(data, 1, metric, "kmeans_predict"));
    // Both moved by the data's mean (euclidean), as kmeans() works: the same labels for its centroids.
    Eigen::RowVectorXf mean;
    const Matrix pts = detail::kmeans_points(data, metric, mean);
    Eigen::RowVectorXf unused;
    Matrix centres = detail::kmeans_points(centroids, metric, unused);
    if (metric == Metric::euclidean) centres = Matrix(centroids).rowwise() - mean;
    const detail::KMeansPoints points(pts, false);
    const std::size_t n = points.size();
    std::vector<std::int32_t> labels(n);
    detail::CentresByDim by_dim;
    by_dim.set(centres);
    parallel_for(n, resolve_threads(threads), [&](std::size_t b, std::size_t e, unsigned) {
        detail::kmeans_nearest_rows(points, points.all.data() + b, e - b, by_dim,
                                    [&](std::size_t i, const detail::KMeansNearest& r) { labels[i] = r.label; });
    });
    return labels;
}

SEMVEC_API Result<KMeansResult> minibatch_kmeans(const MatrixView& data, std::size_t clusters,
                                                 const MiniBatchKMeansOptions& options) {
    SEMVEC_TRY_STATUS(detail::kmeans_check(data, clusters, options.metric, "minibatch_kmeans"));
    if (options.batch_size < 1) return make_error(ErrorCode::invalid_argument, "minibatch_kmeans: batch_size must be at least 1");
    if (options.max_epochs < 1) return make_error(ErrorCode::invalid_argument, "minibatch_kmeans: max_epochs must be at least 1");
    if (options.restarts < 1) return make_error(ErrorCode::invalid_argument, "minibatch_kmeans: restarts must be at least 1");
    Eigen::RowVectorXf mean;
    const Matrix pts = detail::kmeans_points(data, options.metric, mean);
    const detail::KMeansPoints points(pts, false);
    const bool spherical = options.metric == Metric::cosine;
    const unsigned threads = resolve_threads(options.threads);
    const std::size_t n = static_cast<std::size_t>(pts.rows()), d = static_cast<std::size_t>(pts.cols());
    const std::size_t k = clusters, batch = std::min(options.batch_size, n);
    detail::Random rng(detail::splitmix64(options.seed ^ 0x6D696E69ULL));

    // Seeding: k-means++ on a random sample, the best of `restarts` seedings by the sample's inertia.
    std::size_t init_size = options.init_size ? options.init_size : std::max(3 * batch, 3 * k);
    init_size = std::min(std::max(init_size, k), n);
    Matrix sample(static_cast<Eigen::Index>(init_size), pts.cols());
    {
        std::vector<std::size_t> ids(n);
        for (std::size_t i = 0; i < n; ++i) ids[i] = i;
        for (std::size_t i = 0; i < init_size; ++i) {  // partial Fisher–Yates
            const std::size_t j = i + static_cast<std::size_t>(rng.below(n - i));
            std::swap(ids[i], ids[j]);
            sample.row(static_cast<Eigen::Index>(i)) = pts.row(static_cast<Eigen::Index>(ids[i]));
        }
    }
    Matrix centres;
    double best_inertia = std::numeric_limits<double>::infinity();
    for (int r = 0; r < options.restarts; ++r) {
        Matrix c = detail::kmeans_plusplus(detail::KMeansPoints(sample, true), k, detail::kmeans_restart_seed(options.seed, static_cast<std::size_t>(r)), threads);
        auto lab = kmeans_predict(MatrixView(c.data(), c.rows(), c.cols()), MatrixView(sample.data(), sample.rows(), sample.cols()),
                                  Metric::euclidean, threads);
        const double in = detail::kmeans_inertia(sample, *lab, c, threads);
        if (in < best_inertia) { best_inertia = in; centres = std::move(c); }
    }

    // Steps: assign a batch (parallel, per point), then move each centre towards its batch mean with the
    // learning rate 1/count (sequential per centre, points in batch order).
    const std::size_t steps = std::max<std::size_t>(1, static_cast<std::size_t>(options.max_epochs) * n / batch);
    std::vector<double> counts(k, 0.0);
    std::vector<std::size_t> ids(batch);
    std::vector<std::int32_t> lab(batch);
    std::vector<float> dist(batch);
    std::vector<double> sum(k * d);
    std::vector<std::size_t> in_batch(k);
    detail::CentresByDim by_dim;
    double ewa = -1, best_ewa = std::numeric_limits<double>::infinity();
    int no_improvement = 0;
    std::size_t step = 0;
    for (; step < steps; ++step) {
        for (std::size_t b = 0; b < batch; ++b) ids[b] = static_cast<std::size_t>(rng.below(n));
        by_dim.set(centres);
        parallel_for(batch, threads, [&](std::size_t b0, std::size_t b1, unsigned) {
            std::size_t b = b0;  // the rows come back in order
            detail::kmeans_nearest_rows(points, ids.data() + b0, b1 - b0, by_dim, [&](std::size_t, const detail::KMeansNearest& r) {
                lab[b] = r.label;
                dist[b++] = r.d1;
            });
        });
        double batch_inertia = 0;
        for (float v : dist) batch_inertia += v;
        batch_inertia /= static_cast<double>(batch);
        std::fill(sum.begin(), sum.end(), 0.0);
        std::fill(in_batch.begin(), in_batch.end(), 0);
        for (std::size_t b = 0; b < batch; ++b) {
            const std::size_t j = static_cast<std::size_t>(lab[b]);
            const float* x = pts.row(static_cast<Eigen::Index>(ids[b])).data();
            for (std::size_t t = 0; t < d; ++t) sum[j * d + t] += x[t];
            ++in_batch[j];
        }
        for (std::size_t j = 0; j < k; ++j) {
            if (!in_batch[j]) continue;
            const double old_count = counts[j];
            counts[j] += static_cast<double>(in_batch[j]);
            double nrm = 0;
            for (std::size_t t = 0; t < d; ++t) {
                const double v = (static_cast<double>(centres(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(t))) * old_count +
                                  sum[j * d + t]) / counts[j];
                centres(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(t)) = static_cast<float>(v);
                nrm += v * v;
            }
            if (spherical && nrm > 0) centres.row(static_cast<Eigen::Index>(j)) /= static_cast<float>(std::sqrt(nrm));
        }
        // Early stop on the exponentially weighted batch inertia, as scikit-learn.
        const double alpha = std::min(1.0, 2.0 * static_cast<double>(batch) / static_cast<double>(n + 1));
        ewa = ewa < 0 ? batch_inertia : ewa * (1 - alpha) + batch_inertia * alpha;
        if (ewa < best_ewa) { best_ewa = ewa; no_improvement = 0; }
        else if (++no_improvement >= options.max_no_improvement) { ++step; break; }
    }

    KMeansResult r;
    auto labels = kmeans_predict(MatrixView(centres.data(), centres.rows(), centres.cols()),
                                 MatrixView(pts.data(), pts.rows(), pts.cols()), Metric::euclidean, threads);
    r.labels = std::move(*labels);
    r.inertia = detail::kmeans_inertia(pts, r.labels, centres, threads) * (spherical ? 0.5 : 1.0);
    if (!spherical) centres.rowwise() += mean;  // the input's coordinates
    r.centroids = std::move(centres);
    r.iterations = static_cast<int>(step);
    return r;
}

}  // namespace semvec
#endif
