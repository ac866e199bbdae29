// semvec/reduce/umap.hpp — UMAP (McInnes, Healy & Melville 2018): a 2-D (or any-D) map of an N×D matrix.
//
//   semvec::UmapOptions opt;            // defaults as umap-learn: 15 neighbours, min_dist 0.1, spectral init
//   auto y = semvec::umap(X, opt);      // Result<Matrix>, N×opt.dims
//   auto model = semvec::umap_fit(X, opt);
//   auto y_new = semvec::umap_transform(*model, X_new);   // place new points on an existing map
//
// The pipeline follows umap-learn 0.5 step by step: kNN graph (semvec::knn) → smooth-kNN ρ and σ by
// binary search → fuzzy union → prune edges below w_max/epochs → spectral init (thick-restart Lanczos on
// the normalized graph; PCA when the graph is disconnected or the solver fails) → [0,10] box → SGD with
// negative sampling and umap-learn's epochs-per-sample schedule. The pieces live in umap_curve.hpp,
// umap_graph.hpp, umap_init.hpp and umap_layout.hpp.
//
// Reproducibility: a given seed gives bit-identical output for ANY thread count (semvec::knn is itself
// thread-count independent). The default SGD is umap-learn's in-place rule run on one thread (threads
// speed up the kNN, graph and spectral stages); `parallel_sgd` switches to a multi-threaded engine that
// reads the other vertices from a per-epoch snapshot and is also thread-count independent, but loses
// ~0.005 trustworthiness at N = 70k (see umap_layout.hpp). Results depend on the build's SIMD level
// (the AVX-512 kernels sum the negative samples of an edge in another order than the portable code).
#pragma once

#include <cstdint>
#include <string>

#include "semvec/config.hpp"
#include "semvec/knn.hpp"
#include "semvec/matrix.hpp"
#include "semvec/reduce/common.hpp"
#include "semvec/result.hpp"

namespace semvec {

/// How UMAP places the points before the SGD.
enum class UmapInit {
    spectral,  ///< eigenvectors of the normalized graph Laplacian (umap-learn's default); PCA if disconnected
    pca,       ///< first principal components of the input
    random,    ///< uniform in [-10, 10]
};

/// UMAP parameters. Defaults are umap-learn's (0.5) unless said otherwise.
struct UmapOptions {
    /// Neighbourhood size, counting the point itself as umap-learn does (so 14 other points). Default 15.
    int n_neighbors = 15;
    /// Smallest distance between points in the map. Default 0.1.
    float min_dist = 0.1f;
    /// Scale of the map's distances, with min_dist fixes the kernel's a and b. Default 1.0.
    float spread = 1.0f;
    /// Output dimension, any d >= 1. Default 2.
    int dims = 2;
    /// SGD epochs; 0 = 500 when N <= 10000 else 200, as umap-learn. Default 0.
    int epochs = 0;
    /// Initial layout. Default spectral.
    UmapInit init = UmapInit::spectral;
    /// Input distance. Default euclidean.
    Metric metric = Metric::euclidean;
    /// Initial SGD step, decays linearly to 0. Default 1.
    float learning_rate = 1.0f;
    /// Negative samples per positive sample. Default 5.
    int negative_sample_rate = 5;
    /// Weight of the repulsive term (umap-learn's gamma). Default 1.
    float repulsion_strength = 1.0f;
    /// Number of nearest neighbours assumed locally connected (ρ = distance to that neighbour). Default 1.
    float local_connectivity = 1.0f;
    /// SGD engine. false (default): umap-learn's in-place update rule on one thread (the kNN, graph and init
    /// stages still use `threads`). true: a multi-threaded engine that reads positions from a per-epoch
    /// snapshot; it scales with cores, but at 2 threads it measured no faster than the default and its
    /// trustworthiness is lower (mnist 10k 0.967 vs 0.9705, fashion 70k 0.978 vs 0.981). Both are
    /// bit-identical for any thread count. Default false.
    bool parallel_sgd = false;
    /// Random seed: same seed → bit-identical output for any thread count. Default 42.
    std::uint64_t seed = 42;
    /// Worker threads; 0 = all cores. Default 0.
    unsigned threads = 0;
    /// Called after every epoch with (epoch, epochs, NaN); return false to cancel. Default none.
    ProgressCallback progress;
};

/// Wall-clock seconds of each stage of a fit (for benchmarks).
struct UmapTimings {
    double knn = 0, graph = 0, init = 0, sgd = 0;
};

/// A fitted UMAP: the map, plus what transform() needs to place new points.
struct UmapModel {
    Matrix embedding;        ///< N×dims result
    Matrix data;             ///< a copy of the training input (transform searches its neighbours in it)
    UmapOptions options;     ///< the options used (epochs resolved to the value used)
    double a = 0, b = 0;     ///< the fitted output kernel 1 / (1 + a·d^(2b))
    std::string init_used;   ///< "spectral", "pca", "random", or "pca (graph has 3 components)" etc.
    UmapTimings timings;     ///< how long each stage took
};

/// Options for placing new points on a fitted map (umap-learn's transform()).
struct UmapTransformOptions {
    /// SGD epochs; 0 = 100 when the new points are <= 10000, else 30 (umap-learn). Default 0.
    int epochs = 0;
    /// Random seed. Default 42.
    std::uint64_t seed = 42;
    /// Worker threads; 0 = all cores. Default 0.
    unsigned threads = 0;
    /// Called after every epoch; return false to cancel. Default none.
    ProgressCallback progress;
};

/// Fits UMAP on a precomputed kNN graph of X (self excluded, at least n_neighbors − 1 neighbours per row,
/// ascending). X is still needed for PCA initialisation/fallback and for transform().
SEMVEC_API Result<UmapModel> umap_fit_knn(const MatrixView& X, const KnnGraph& knn_graph, const UmapOptions& options);

/// Fits UMAP on X (N×D): builds the kNN graph with semvec::knn, then umap_fit_knn.
SEMVEC_API Result<UmapModel> umap_fit(const MatrixView& X, const UmapOptions& options = {});

/// The N×dims UMAP map of X.
SEMVEC_API Result<Matrix> umap(const MatrixView& X, const UmapOptions& options = {});

/// Places new points on a fitted map, as umap-learn's transform(): exact kNN in the training data,
/// memberships with local_connectivity − 1, init at the weighted mean of the neighbours' positions, then
/// SGD (learning rate / 4) that moves only the new points. Deterministic for any thread count.
SEMVEC_API Result<Matrix> umap_transform(const UmapModel& model, const MatrixView& points,
                                         const UmapTransformOptions& options = {});

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <chrono>
#include <cmath>
#include <utility>
#include <vector>

#include "semvec/reduce/umap_curve.hpp"
#include "semvec/reduce/umap_graph.hpp"
#include "semvec/reduce/umap_init.hpp"
#include "semvec/reduce/umap_layout.hpp"
#include "semvec/simd/cpu.hpp"
#include "semvec/util/parallel.hpp"

namespace semvec {

namespace detail {

inline double umap_seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline Status umap_check_finite(const MatrixView& X, const char* what) {
    for (Eigen::Index i = 0; i < X.rows(); ++i)
        for (Eigen::Index j = 0; j < X.cols(); ++j)
            if (!std::isfinite(X(i, j)))
                return make_error(std::string(what) + " holds a NaN or infinite value at column " + std::to_string(j),
                                  "umap", "row " + std::to_string(i));
    return {};
}

inline Status umap_check_options(const MatrixView& X, const UmapOptions& o) {
    if (X.rows() == 0) return make_error("the input has no rows", "umap");
    if (X.cols() == 0) return make_error("the input has zero dimensions (columns)", "umap");
    if (o.metric == Metric::dot) return make_error("metric dot is a similarity, not a distance; use euclidean or cosine", "umap");
    if (o.dims < 1) return make_error("dims must be >= 1, got " + std::to_string(o.dims), "umap");
    if (o.n_neighbors < 2) return make_error("n_neighbors must be >= 2, got " + std::to_string(o.n_neighbors), "umap");
    if (X.rows() < o.n_neighbors)
        return make_error("N = " + std::to_string(X.rows()) + " points is too few for n_neighbors = " +
                              std::to_string(o.n_neighbors) + " (need N >= n_neighbors)",
                          "umap");
    if (X.rows() <= o.dims)
        return make_error("N = " + std::to_string(X.rows()) + " points is too few for dims = " + std::to_string(o.dims),
                          "umap");
    if (!(o.spread > 0) || !std::isfinite(o.spread)) return make_error("spread must be > 0", "umap");
    if (!(o.min_dist >= 0) || o.min_dist > o.spread) return make_error("min_dist must be in [0, spread]", "umap");
    if (o.epochs < 0) return make_error("epochs must be >= 0 (0 = automatic)", "umap");
    if (!(o.learning_rate > 0)) return make_error("learning_rate must be > 0", "umap");
    if (o.negative_sample_rate < 0) return make_error("negative_sample_rate must be >= 0", "umap");
    if (!(o.repulsion_strength >= 0)) return make_error("repulsion_strength must be >= 0", "umap");
    if (!(o.local_connectivity >= 0)) return make_error("local_connectivity must be >= 0", "umap");
    return umap_check_finite(X, "the input");
}

/// Exact k nearest training points of each query row (transform only: the queries are not in `train`).
inline void umap_query_knn(const Matrix& train, const MatrixView& queries, int k, Metric metric, unsigned threads,
                           std::vector<int32_t>& idx, std::vector<float>& dist) {
    const Eigen::Index n = train.rows(), m = queries.rows();
    Matrix T = train, Q = queries;
    if (metric == Metric::cosine) {
        for (Eigen::Index i = 0; i < n; ++i) { const float r = T.row(i).norm(); if (r > 0) T.row(i) /= r; }
        for (Eigen::Index i = 0; i < m; ++i) { const float r = Q.row(i).norm(); if (r > 0) Q.row(i) /= r; }
    }
    const Eigen::VectorXf tn = T.rowwise().squaredNorm();
    idx.assign(static_cast<std::size_t>(m) * k, 0);
    dist.assign(static_cast<std::size_t>(m) * k, 0);
    constexpr Eigen::Index kBlock = 32;
    const std::size_t blocks = static_cast<std::size_t>((m + kBlock - 1) / kBlock);
    parallel_for(blocks, threads, [&](std::size_t b0, std::size_t b1, unsigned) {
        std::vector<std::pair<float, int32_t>> cand(static_cast<std::size_t>(n));
        for (std::size_t blk = b0; blk < b1; ++blk) {
            const Eigen::Index r0 = static_cast<Eigen::Index>(blk) * kBlock, rn = std::min(kBlock, m - r0);
            const Eigen::MatrixXf G = Q.middleRows(r0, rn) * T.transpose();
            for (Eigen::Index q = 0; q < rn; ++q) {
                const float qn = Q.row(r0 + q).squaredNorm();
                for (Eigen::Index j = 0; j < n; ++j) {
                    const float d = metric == Metric::cosine ? 1.0f - G(q, j)
                                                             : std::sqrt(std::max(qn + tn[j] - 2.0f * G(q, j), 0.0f));
                    cand[j] = {std::max(d, 0.0f), static_cast<int32_t>(j)};
                }
                std::partial_sort(cand.begin(), cand.begin() + k, cand.end());
                for (int t = 0; t < k; ++t) {
                    idx[(r0 + q) * k + t] = cand[t].second;
                    dist[(r0 + q) * k + t] = cand[t].first;
                }
            }
        }
    });
}

}  // namespace detail

SEMVEC_API Result<UmapModel> umap_fit_knn(const MatrixView& X, const KnnGraph& knn_graph, const UmapOptions& options) {
    SEMVEC_TRY_STATUS(simd::require_cpu());  // cpu_unsupported, not SIGILL (simd/cpu.hpp)
    SEMVEC_TRY_STATUS(detail::umap_check_options(X, options));
    const std::size_t n = static_cast<std::size_t>(X.rows());
    const int k = options.n_neighbors - 1;
    if (knn_graph.n != n || knn_graph.k < k || knn_graph.indices.size() != n * knn_graph.k ||
        knn_graph.distances.size() != n * knn_graph.k)
        return make_error("the kNN graph does not match the input (need " + std::to_string(n) + " rows of >= " +
                              std::to_string(k) + " neighbours)",
                          "umap");
    // Keep the first k columns of each row.
    std::vector<int32_t> ind(n * k);
    std::vector<float> dst(n * k);
    for (std::size_t i = 0; i < n; ++i)
        for (int j = 0; j < k; ++j) {
            ind[i * k + j] = knn_graph.indices[i * knn_graph.k + j];
            dst[i * k + j] = knn_graph.distances[i * knn_graph.k + j];
            if (ind[i * k + j] >= static_cast<int32_t>(n) || !std::isfinite(dst[i * k + j]))
                return make_error("the kNN graph has an invalid entry", "umap", "row " + std::to_string(i));
        }
    const unsigned threads = resolve_threads(options.threads);
    auto t0 = std::chrono::steady_clock::now();
    UmapModel model;
    model.options = options;
    const int n_epochs = options.epochs > 0 ? options.epochs : (n <= 10000 ? 500 : 200);
    model.options.epochs = n_epochs;
    const auto ab = detail::umap_find_ab(options.spread, options.min_dist);
    model.a = ab.first;
    model.b = ab.second;

    const std::vector<float> w =
        detail::umap_membership(ind.data(), dst.data(), n, k, true, options.local_connectivity, threads);
    detail::UmapCsr graph = detail::umap_fuzzy_union(ind.data(), w, n, k);
    detail::umap_prune(graph, n_epochs);
    model.timings.graph = detail::umap_seconds_since(t0);
    t0 = std::chrono::steady_clock::now();

    std::uint64_t rs = options.seed ^ 0xA5A5A5A5DEADBEEFULL;
    Matrix Y;
    bool placed = false;
    if (options.init == UmapInit::spectral) {
        const int comps = detail::umap_components(graph);
        if (comps == 1 && detail::umap_spectral(graph, options.dims, threads, options.seed, Y)) {
            model.init_used = "spectral";
            placed = true;
        } else {
            model.init_used = comps > 1 ? "pca (graph has " + std::to_string(comps) + " components)"
                                        : "pca (spectral solver failed)";
        }
    }
    if (!placed && options.init != UmapInit::random) {
        if (detail::umap_pca(X, options.dims, Y)) {
            if (model.init_used.empty()) model.init_used = "pca";
            placed = true;
        } else {
            model.init_used = "random (PCA impossible: dims > input columns)";
        }
    }
    if (placed) {
        detail::umap_noisy_scale(Y, rs);
    } else {
        if (model.init_used.empty()) model.init_used = "random";
        Y.resize(static_cast<Eigen::Index>(n), options.dims);
        for (Eigen::Index i = 0; i < Y.size(); ++i) Y.data()[i] = static_cast<float>(detail::umap_uniform(rs) * 20 - 10);
    }
    detail::umap_box10(Y);
    model.timings.init = detail::umap_seconds_since(t0);
    t0 = std::chrono::steady_clock::now();

    detail::UmapSgdParams p;
    p.a = static_cast<float>(model.a);
    p.b = static_cast<float>(model.b);
    p.gamma = options.repulsion_strength;
    p.alpha0 = options.learning_rate;
    p.negative_sample_rate = options.negative_sample_rate;
    p.n_epochs = n_epochs;
    p.attract_scale = 1.0f;
    p.tail_is_head = true;
    p.move_tail = true;
    p.sequential = !options.parallel_sgd;
    p.threads = threads;
    p.seed = options.seed;
    if (graph.nnz() > 0 && !detail::umap_sgd(Y, nullptr, graph, p, options.progress))
        return make_error("cancelled by the progress callback", "umap");
    model.timings.sgd = detail::umap_seconds_since(t0);
    model.embedding = std::move(Y);
    model.data = X;
    return model;
}

SEMVEC_API Result<UmapModel> umap_fit(const MatrixView& X, const UmapOptions& options) {
    SEMVEC_TRY_STATUS(simd::require_cpu());  // cpu_unsupported, not SIGILL (simd/cpu.hpp)
    SEMVEC_TRY_STATUS(detail::umap_check_options(X, options));
    KnnOptions ko;
    ko.k = options.n_neighbors - 1;
    ko.metric = options.metric;
    ko.threads = options.threads;
    ko.seed = options.seed;
    const auto t0 = std::chrono::steady_clock::now();
    auto g = knn(X, ko);
    if (!g) return g.error();
    const double knn_seconds = detail::umap_seconds_since(t0);
    auto model = umap_fit_knn(X, *g, options);
    if (model) model->timings.knn = knn_seconds;
    return model;
}

SEMVEC_API Result<Matrix> umap(const MatrixView& X, const UmapOptions& options) {
    auto m = umap_fit(X, options);
    if (!m) return m.error();
    return std::move(m->embedding);
}

SEMVEC_API Result<Matrix> umap_transform(const UmapModel& model, const MatrixView& points,
                                         const UmapTransformOptions& options) {
    SEMVEC_TRY_STATUS(simd::require_cpu());  // cpu_unsupported, not SIGILL (simd/cpu.hpp)
    if (model.embedding.rows() == 0 || model.data.rows() != model.embedding.rows())
        return make_error("the model is empty", "umap transform");
    if (points.cols() != model.data.cols())
        return make_error("new points have " + std::to_string(points.cols()) + " columns, the model was fitted on " +
                              std::to_string(model.data.cols()),
                          "umap transform");
    if (points.rows() == 0) return Matrix(0, model.embedding.cols());
    SEMVEC_TRY_STATUS(detail::umap_check_finite(points, "the new points"));
    const unsigned threads = resolve_threads(options.threads);
    const std::size_t m = static_cast<std::size_t>(points.rows());
    const int k = model.options.n_neighbors;
    std::vector<int32_t> ind;
    std::vector<float> dst;
    detail::umap_query_knn(model.data, points, k, model.options.metric, threads, ind, dst);
    const double lc = std::max(0.0, static_cast<double>(model.options.local_connectivity) - 1.0);
    const std::vector<float> w = detail::umap_membership(ind.data(), dst.data(), m, k, false, lc, threads);
    const int dims = static_cast<int>(model.embedding.cols());
    Matrix Y = Matrix::Zero(static_cast<Eigen::Index>(m), dims);
    detail::UmapCsr graph;
    graph.rows = m;
    graph.cols = static_cast<std::size_t>(model.data.rows());
    graph.row_ptr.assign(m + 1, 0);
    for (std::size_t i = 0; i < m; ++i) {
        double total = 0;
        for (int j = 0; j < k; ++j) total += w[i * k + j];
        for (int j = 0; j < k; ++j) {
            const double f = total > 0 ? w[i * k + j] / total : 1.0 / k;
            Y.row(static_cast<Eigen::Index>(i)) += static_cast<float>(f) * model.embedding.row(ind[i * k + j]);
            if (w[i * k + j] > 0) {
                graph.col.push_back(ind[i * k + j]);
                graph.val.push_back(w[i * k + j]);
            }
        }
        graph.row_ptr[i + 1] = graph.col.size();
    }
    const int n_epochs = options.epochs > 0 ? options.epochs : (m <= 10000 ? 100 : 30);
    detail::umap_prune(graph, n_epochs);
    detail::UmapSgdParams p;
    p.a = static_cast<float>(model.a);
    p.b = static_cast<float>(model.b);
    p.gamma = model.options.repulsion_strength;
    p.alpha0 = model.options.learning_rate / 4.0f;
    p.negative_sample_rate = model.options.negative_sample_rate;
    p.n_epochs = n_epochs;
    p.attract_scale = 1.0f;
    p.tail_is_head = false;
    p.move_tail = false;
    p.threads = threads;
    p.seed = options.seed;
    if (graph.nnz() > 0 && !detail::umap_sgd(Y, &model.embedding, graph, p, options.progress))
        return make_error("cancelled by the progress callback", "umap transform");
    return Y;
}

}  // namespace semvec
#endif  // SEMVEC_DEFINITIONS
