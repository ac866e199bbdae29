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
    for (Eigen::Index i = 0; i < data.rows(); ++i)
        for (Eigen::Index j = 0; j < data.cols(); ++j)
            if (!std::isfinite(data(i, j)))
                return make_error(ErrorCode::invalid_argument,
                                  w + ": NaN or infinite value at column " + std::to_string(j), "", "row " + std::to_string(i));
    return {};
}

/// The points the algorithms work on: a contiguous copy, L2-normalized for cosine.
inline Matrix kmeans_points(const MatrixView& data, Metric metric) {
    return metric == Metric::cosine ? normalized_rows(data) : Matrix(data);
}

/// Greedy k-means++ (Arthur & Vassilvitskii 2007, with scikit-learn's 2 + ⌊ln k⌋ local trials): k rows of
/// `pts` as initial centres. Candidate distances come from one small GEMM per fixed block of rows
/// (‖x‖² + ‖c‖² − 2 x·c, as scikit-learn), so they do not depend on the thread count.
inline Matrix kmeans_plusplus(const Matrix& pts, std::size_t k, std::uint64_t seed, unsigned threads) {
    const std::size_t n = static_cast<std::size_t>(pts.rows());
    Matrix centres(static_cast<Eigen::Index>(k), pts.cols());
    Random rng(seed);
    const std::size_t trials = 2 + static_cast<std::size_t>(std::log(static_cast<double>(k)));
    const Eigen::VectorXf norms = pts.rowwise().squaredNorm();
    constexpr std::size_t kBlock = 2048;
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    // dist[t * n + i] = squared distance of row i to candidate row ids[t].
    auto distances = [&](const std::vector<std::size_t>& ids, std::vector<float>& dist) {
        const std::size_t m = ids.size();
        Matrix cand(static_cast<Eigen::Index>(m), pts.cols());
        for (std::size_t t = 0; t < m; ++t) cand.row(static_cast<Eigen::Index>(t)) = pts.row(static_cast<Eigen::Index>(ids[t]));
        parallel_for(blocks, resolve_threads(threads, blocks), [&](std::size_t b0, std::size_t b1, unsigned) {
            Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic> dots;  // rows × candidates, column-major
            for (std::size_t b = b0; b < b1; ++b) {
                const std::size_t r0 = b * kBlock, nr = std::min(n, r0 + kBlock) - r0;
                dots.noalias() = pts.middleRows(static_cast<Eigen::Index>(r0), static_cast<Eigen::Index>(nr)) * cand.transpose();
                for (std::size_t t = 0; t < m; ++t) {
                    const float cn = norms[static_cast<Eigen::Index>(ids[t])];
                    for (std::size_t r = 0; r < nr; ++r)
                        dist[t * n + r0 + r] = std::max(0.0f, norms[static_cast<Eigen::Index>(r0 + r)] + cn -
                                                                   2.0f * dots(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(t)));
                }
            }
        });
    };
    std::vector<std::size_t> cand{static_cast<std::size_t>(rng.below(n))};
    centres.row(0) = pts.row(static_cast<Eigen::Index>(cand[0]));
    std::vector<float> closest(n);
    distances(cand, closest);
    std::vector<double> cumulative(n);
    std::vector<float> cand_dist(trials * n);
    cand.resize(trials);
    for (std::size_t c = 1; c < k; ++c) {
        double pot = 0;
        for (std::size_t i = 0; i < n; ++i) cumulative[i] = (pot += closest[i]);
        for (std::size_t t = 0; t < trials; ++t) {
            const double r = rng.uniform() * pot;
            std::size_t j = static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin());
            cand[t] = std::min(j, n - 1);
        }
        distances(cand, cand_dist);
        std::size_t best = 0;
        double best_pot = std::numeric_limits<double>::infinity();
        for (std::size_t t = 0; t < trials; ++t) {
            double s = 0;
            float* dt = cand_dist.data() + t * n;
            for (std::size_t i = 0; i < n; ++i) {
                dt[i] = std::min(closest[i], dt[i]);
                s += dt[i];
            }
            if (s < best_pot) { best_pot = s; best = t; }
        }
        centres.row(static_cast<Eigen::Index>(c)) = pts.row(static_cast<Eigen::Index>(cand[best]));
        std::copy(cand_dist.begin() + static_cast<std::ptrdiff_t>(best * n),
                  cand_dist.begin() + static_cast<std::ptrdiff_t>((best + 1) * n), closest.begin());
    }
    return centres;
}

/// The centres transposed: D rows of `stride` floats (k rounded up to the SIMD width, padded with copies of
/// centre 0), so that one point's distances to a block of centres accumulate in the lanes of one register.
struct CentresByDim {
    std::size_t k = 0, stride = 0, d = 0;
    std::vector<float> t;
    void set(const Matrix& centres) {
        constexpr std::size_t w = static_cast<std::size_t>(simd::Native::width);
        k = static_cast<std::size_t>(centres.rows());
        d = static_cast<std::size_t>(centres.cols());
        stride = (k + w - 1) / w * w;
        t.assign(d * stride, 0.0f);
        for (std::size_t j = 0; j < stride; ++j)
            for (std::size_t c = 0; c < d; ++c)
                t[c * stride + j] = centres(static_cast<Eigen::Index>(j < k ? j : 0), static_cast<Eigen::Index>(c));
    }
};

/// Squared distances of `x` to the O::width centres of block `block`, into out[0, O::width). Four partial
/// sums (coordinates c mod 4) hide the FMA latency; their order is fixed, so every caller gets the same bits.
template <class O>
SEMVEC_SIMD_INLINE void kmeans_block_sqdist(const float* x, const CentresByDim& by_dim, std::size_t block, float* out) {
    using vf = typename O::vf;
    const std::size_t stride = by_dim.stride, d = by_dim.d;
    const float* ct = by_dim.t.data() + block * static_cast<std::size_t>(O::width);
    vf a0 = O::zero(), a1 = O::zero(), a2 = O::zero(), a3 = O::zero();
    std::size_t c = 0;
    for (; c + 4 <= d; c += 4, ct += 4 * stride) {
        const vf v0 = O::sub(O::set1(x[c]), O::load(ct));
        const vf v1 = O::sub(O::set1(x[c + 1]), O::load(ct + stride));
        const vf v2 = O::sub(O::set1(x[c + 2]), O::load(ct + 2 * stride));
        const vf v3 = O::sub(O::set1(x[c + 3]), O::load(ct + 3 * stride));
        a0 = O::fmadd(v0, v0, a0);
        a1 = O::fmadd(v1, v1, a1);
        a2 = O::fmadd(v2, v2, a2);
        a3 = O::fmadd(v3, v3, a3);
    }
    if (c < d) { const vf v = O::sub(O::set1(x[c]), O::load(ct)); a0 = O::fmadd(v, v, a0); ++c; ct += stride; }
    if (c < d) { const vf v = O::sub(O::set1(x[c]), O::load(ct)); a1 = O::fmadd(v, v, a1); ++c; ct += stride; }
    if (c < d) { const vf v = O::sub(O::set1(x[c]), O::load(ct)); a2 = O::fmadd(v, v, a2); }
    O::store(out, O::add(O::add(a0, a1), O::add(a2, a3)));
}

/// Nearest and second-nearest centre of one point: (label, distance, second distance), distances in L2.
inline void kmeans_nearest_two(const float* x, const CentresByDim& by_dim, std::int32_t& label, double& first,
                               double& second) {
    using O = simd::Native;
    float out[O::width];
    float b1 = std::numeric_limits<float>::infinity(), b2 = b1;
    std::int32_t l1 = 0;
    for (std::size_t blk = 0, j0 = 0; j0 < by_dim.k; ++blk, j0 += static_cast<std::size_t>(O::width)) {
        kmeans_block_sqdist<O>(x, by_dim, blk, out);
        const std::size_t m = std::min<std::size_t>(O::width, by_dim.k - j0);
        for (std::size_t l = 0; l < m; ++l) {
            const float v = out[l];
            if (v < b1) { b2 = b1; b1 = v; l1 = static_cast<std::int32_t>(j0 + l); }
            else if (v < b2) b2 = v;
        }
    }
    label = l1;
    first = std::sqrt(static_cast<double>(b1));
    second = std::sqrt(static_cast<double>(b2));
}

/// Squared distance of one point to centre j, bit-identical to what kmeans_nearest_two computes for it.
inline float kmeans_sqdist_to(const float* x, const CentresByDim& by_dim, std::size_t j) {
    using O = simd::Native;
    float out[O::width];
    kmeans_block_sqdist<O>(x, by_dim, j / static_cast<std::size_t>(O::width), out);
    return out[j % static_cast<std::size_t>(O::width)];
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
    const std::size_t n = static_cast<std::size_t>(pts.rows());
    double total = 0;
    for (Eigen::Index j = 0; j < pts.cols(); ++j) {
        double mean = 0, m2 = 0;
        for (std::size_t i = 0; i < n; ++i) mean += pts(static_cast<Eigen::Index>(i), j);
        mean /= static_cast<double>(n);
        for (std::size_t i = 0; i < n; ++i) {
            const double v = pts(static_cast<Eigen::Index>(i), j) - mean;
            m2 += v * v;
        }
        total += m2 / static_cast<double>(n);
    }
    return total / static_cast<double>(pts.cols());
}

/// One run of Lloyd (with or without Hamerly's bounds) from `centres`.
inline KMeansResult kmeans_run(const Matrix& pts, Matrix centres, const KMeansOptions& o, double tol_abs, unsigned threads) {
    const std::size_t n = static_cast<std::size_t>(pts.rows()), d = static_cast<std::size_t>(pts.cols());
    const std::size_t k = static_cast<std::size_t>(centres.rows());
    const bool spherical = o.metric == Metric::cosine, bounds = o.algorithm == KMeansAlgorithm::hamerly;
    std::vector<std::int32_t> labels(n);
    std::vector<double> upper(n), lower(n);
    CentresByDim by_dim;
    by_dim.set(centres);
    parallel_for(n, threads, [&](std::size_t b, std::size_t e, unsigned) {
        for (std::size_t i = b; i < e; ++i)
            kmeans_nearest_two(pts.row(static_cast<Eigen::Index>(i)).data(), by_dim, labels[i], upper[i], lower[i]);
    });
    Matrix old;
    std::vector<double> shift(k), half_gap(k);
    std::vector<std::int32_t> previous(n);  // label before this iteration's assignment
    ClusterSums sums;
    sums.build(pts, labels, k);
    int it = 0;
    for (; it < o.max_iterations; ++it) {
        old = centres;
        for (std::size_t i : kmeans_relocate_empty(pts, labels, centres, sums)) upper[i] = lower[i] = 0;  // x is its centre
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
        parallel_for(n, threads, [&](std::size_t b, std::size_t e, unsigned) {
            for (std::size_t i = b; i < e; ++i) {
                const float* x = pts.row(static_cast<Eigen::Index>(i)).data();
                const std::int32_t a = labels[i];
                previous[i] = a;
                if (bounds) {
                    upper[i] += shift[static_cast<std::size_t>(a)];
                    lower[i] -= static_cast<std::size_t>(a) == argmax ? max2 : max1;
                    const double m = std::max(half_gap[static_cast<std::size_t>(a)], lower[i]);
                    if (upper[i] <= m) continue;
                    // Tighten the upper bound first, unless one block of centres is all there is (then the
                    // full scan costs the same).
                    if (by_dim.stride > static_cast<std::size_t>(simd::Native::width)) {
                        upper[i] = std::sqrt(static_cast<double>(kmeans_sqdist_to(x, by_dim, static_cast<std::size_t>(a))));
                        if (upper[i] <= m) continue;
                    }
                }
                kmeans_nearest_two(x, by_dim, labels[i], upper[i], lower[i]);
            }
        });
        std::size_t changed = 0;
        for (std::size_t i = 0; i < n; ++i)
            if (labels[i] != previous[i]) {
                sums.move(pts.row(static_cast<Eigen::Index>(i)).data(), previous[i], labels[i]);
                ++changed;
            }
        if (changed == 0 || shift_total <= tol_abs) { ++it; break; }
    }
    KMeansResult r;
    r.inertia = kmeans_inertia(pts, labels, centres, threads);
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
    const Matrix pts = detail::kmeans_points(data, options.metric);
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
            Matrix init = detail::kmeans_plusplus(pts, clusters, detail::kmeans_restart_seed(options.seed, r), inner);
            results[r] = detail::kmeans_run(pts, std::move(init), options, tol_abs, inner);
            results[r].restart = static_cast<int>(r);
        }
    });
    std::size_t best = 0;
    for (std::size_t r = 1; r < runs; ++r)
        if (results[r].inertia < results[best].inertia) best = r;
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
    const Matrix pts = detail::kmeans_points(data, metric), centres = detail::kmeans_points(centroids, metric);
    const std::size_t n = static_cast<std::size_t>(pts.rows());
    std::vector<std::int32_t> labels(n);
    detail::CentresByDim by_dim;
    by_dim.set(centres);
    parallel_for(n, resolve_threads(threads), [&](std::size_t b, std::size_t e, unsigned) {
        double u, l;
        for (std::size_t i = b; i < e; ++i) detail::kmeans_nearest_two(pts.row(static_cast<Eigen::Index>(i)).data(), by_dim, labels[i], u, l);
    });
    return labels;
}

SEMVEC_API Result<KMeansResult> minibatch_kmeans(const MatrixView& data, std::size_t clusters,
                                                 const MiniBatchKMeansOptions& options) {
    SEMVEC_TRY_STATUS(detail::kmeans_check(data, clusters, options.metric, "minibatch_kmeans"));
    if (options.batch_size < 1) return make_error(ErrorCode::invalid_argument, "minibatch_kmeans: batch_size must be at least 1");
    if (options.max_epochs < 1) return make_error(ErrorCode::invalid_argument, "minibatch_kmeans: max_epochs must be at least 1");
    if (options.restarts < 1) return make_error(ErrorCode::invalid_argument, "minibatch_kmeans: restarts must be at least 1");
    const Matrix pts = detail::kmeans_points(data, options.metric);
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
        Matrix c = detail::kmeans_plusplus(sample, k, detail::kmeans_restart_seed(options.seed, static_cast<std::size_t>(r)), threads);
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
            double u, l;
            for (std::size_t b = b0; b < b1; ++b) {
                detail::kmeans_nearest_two(pts.row(static_cast<Eigen::Index>(ids[b])).data(), by_dim, lab[b], u, l);
                dist[b] = static_cast<float>(u * u);
            }
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
    r.centroids = std::move(centres);
    r.iterations = static_cast<int>(step);
    return r;
}

}  // namespace semvec
#endif
