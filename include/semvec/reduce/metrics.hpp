// semvec/reduce/metrics.hpp — how well a low-dimensional layout keeps the neighbourhoods of its input.
//
// - trustworthiness (Venna & Kaski 2001), exactly as scikit-learn's sklearn.manifold.trustworthiness:
//   T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ N_k^Y(i) \ N_k^X(i)} (r_X(i, j) − k),
//   where r_X(i, j) is the rank of j among i's neighbours in the input (1 = nearest).
// - kNN preservation: mean fraction of the k input-space neighbours that are also k layout neighbours.
// - kNN label accuracy: fraction of points whose label is the majority among their k layout neighbours.
// The KL divergence of a t-SNE layout is tsne_kl_divergence() in tsne.hpp.
// Cost: O(N² D) time and O(N) extra memory per thread (input distances are computed row block by block).
#pragma once

#include <cstdint>
#include <vector>

#include "../config.hpp"
#include "../knn.hpp"
#include "../matrix.hpp"
#include "../result.hpp"

namespace semvec {

/// Trustworthiness of layout Y (N×d) for input X (N×D) at k neighbours (scikit-learn's definition; layout
/// distances are euclidean, input distances use `metric`). Needs k < N/2.
SEMVEC_API Result<double> trustworthiness(const MatrixView& X, const MatrixView& Y, int k = 10,
                                          Metric metric = Metric::euclidean, unsigned threads = 0);

/// Mean fraction of each point's k input neighbours (metric) that are among its k layout neighbours.
SEMVEC_API Result<double> knn_preservation(const MatrixView& X, const MatrixView& Y, int k = 10,
                                           Metric metric = Metric::euclidean, unsigned threads = 0);

/// Fraction of points whose label equals the most frequent label among their k layout neighbours (ties go
/// to the smaller label).
SEMVEC_API Result<double> knn_label_accuracy(const MatrixView& Y, const std::vector<std::int64_t>& labels, int k = 10,
                                             unsigned threads = 0);

/// Convenience overloads for owned matrices.
SEMVEC_API Result<double> trustworthiness(const Matrix& X, const Matrix& Y, int k = 10, Metric metric = Metric::euclidean,
                                          unsigned threads = 0);

SEMVEC_API Result<double> knn_preservation(const Matrix& X, const Matrix& Y, int k = 10, Metric metric = Metric::euclidean,
                                           unsigned threads = 0);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <map>
#include <string>

#include "../util/parallel.hpp"

namespace semvec {

namespace detail {
inline Status check_pair(const MatrixView& X, const MatrixView& Y, int k, const char* what) {
    if (X.rows() != Y.rows())
        return make_error(std::string(what) + ": X has " + std::to_string(X.rows()) + " rows but Y has " +
                          std::to_string(Y.rows()));
    if (k < 1 || static_cast<Eigen::Index>(k) >= X.rows())
        return make_error(std::string(what) + ": k = " + std::to_string(k) + " must be in [1, N)");
    SEMVEC_TRY_STATUS(check_points(X, what));
    return check_points(Y, what);
}
inline Result<KnnGraph> exact_graph(const MatrixView& M, int k, Metric metric, unsigned threads) {
    KnnOptions o;
    o.k = k;
    o.metric = metric;
    o.method = KnnMethod::exact;
    o.threads = threads;
    return knn(M, o);
}
}  // namespace detail

SEMVEC_API Result<double> trustworthiness(const MatrixView& X, const MatrixView& Y, int k,
                                          Metric metric, unsigned threads) {
    SEMVEC_TRY_STATUS(detail::check_pair(X, Y, k, "trustworthiness"));
    const std::size_t n = static_cast<std::size_t>(X.rows());
    if (2.0 * k >= static_cast<double>(n)) return make_error("trustworthiness: k must be < N / 2");
    SEMVEC_TRY_STATUS(detail::check_distance_metric(metric, "trustworthiness"));
    auto gx = detail::exact_graph(X, k, metric, threads);
    if (!gx) return gx.error();
    auto gy = detail::exact_graph(Y, k, Metric::euclidean, threads);
    if (!gy) return gy.error();
    const Matrix pts = metric == Metric::cosine ? detail::normalized_rows(X) : Matrix(X);
    const Eigen::VectorXf norms = pts.rowwise().squaredNorm();
    const std::size_t blocks = (n + 63) / 64;
    std::vector<double> penalty(blocks, 0.0);
    parallel_for(blocks, resolve_threads(threads), [&](std::size_t bb, std::size_t be, unsigned) {
        Matrix dots;
        std::vector<std::int32_t> missing;
        for (std::size_t blk = bb; blk < be; ++blk) {
            const std::size_t r0 = blk * 64, r1 = std::min(n, r0 + 64);
            dots.noalias() = pts.middleRows(static_cast<Eigen::Index>(r0), static_cast<Eigen::Index>(r1 - r0)) * pts.transpose();
            double pen = 0.0;
            for (std::size_t i = r0; i < r1; ++i) {
                missing.clear();
                const std::int32_t* nx = &gx->indices[i * k];
                const std::int32_t* ny = &gy->indices[i * k];
                for (int t = 0; t < k; ++t)
                    if (std::find(nx, nx + k, ny[t]) == nx + k) missing.push_back(ny[t]);
                if (missing.empty()) continue;
                const float* drow = dots.row(static_cast<Eigen::Index>(i - r0)).data();
                const float ni = norms[static_cast<Eigen::Index>(i)];
                for (std::int32_t j : missing) {
                    const float dj = ni + norms[j] - 2.f * drow[j];
                    std::size_t rank = 1;
                    for (std::size_t l = 0; l < n; ++l) {
                        if (l == i || static_cast<std::int32_t>(l) == j) continue;
                        const float dl = ni + norms[static_cast<Eigen::Index>(l)] - 2.f * drow[l];
                        rank += dl < dj || (dl == dj && static_cast<std::int32_t>(l) < j);
                    }
                    pen += static_cast<double>(rank) - k;
                }
            }
            penalty[blk] = pen;
        }
    });
    double total = 0.0;
    for (double p : penalty) total += p;
    const double nn = static_cast<double>(n), kk = static_cast<double>(k);
    return 1.0 - 2.0 / (nn * kk * (2.0 * nn - 3.0 * kk - 1.0)) * total;
}

SEMVEC_API Result<double> knn_preservation(const MatrixView& X, const MatrixView& Y, int k,
                                           Metric metric, unsigned threads) {
    SEMVEC_TRY_STATUS(detail::check_pair(X, Y, k, "knn_preservation"));
    SEMVEC_TRY_STATUS(detail::check_distance_metric(metric, "knn_preservation"));
    auto gx = detail::exact_graph(X, k, metric, threads);
    if (!gx) return gx.error();
    auto gy = detail::exact_graph(Y, k, Metric::euclidean, threads);
    if (!gy) return gy.error();
    return knn_recall(*gy, *gx);
}

SEMVEC_API Result<double> knn_label_accuracy(const MatrixView& Y, const std::vector<std::int64_t>& labels, int k,
                                             unsigned threads) {
    if (labels.size() != static_cast<std::size_t>(Y.rows()))
        return make_error("knn_label_accuracy: " + std::to_string(labels.size()) + " labels for " +
                          std::to_string(Y.rows()) + " points");
    auto g = detail::exact_graph(Y, k, Metric::euclidean, threads);
    if (!g) return g.error();
    std::size_t good = 0;
    for (std::size_t i = 0; i < g->n; ++i) {
        std::map<std::int64_t, int> votes;
        for (int t = 0; t < k; ++t) ++votes[labels[static_cast<std::size_t>(g->indices[i * k + t])]];
        std::int64_t best = 0;
        int best_n = -1;
        for (const auto& [lab, c] : votes)
            if (c > best_n) { best = lab; best_n = c; }
        good += best == labels[i];
    }
    return static_cast<double>(good) / static_cast<double>(g->n);
}

SEMVEC_API Result<double> trustworthiness(const Matrix& X, const Matrix& Y, int k, Metric metric,
                                          unsigned threads) {
    return trustworthiness(MatrixView(X.data(), X.rows(), X.cols()), MatrixView(Y.data(), Y.rows(), Y.cols()), k, metric, threads);
}

SEMVEC_API Result<double> knn_preservation(const Matrix& X, const Matrix& Y, int k, Metric metric,
                                           unsigned threads) {
    return knn_preservation(MatrixView(X.data(), X.rows(), X.cols()), MatrixView(Y.data(), Y.rows(), Y.cols()), k, metric, threads);
}

}  // namespace semvec
#endif  // SEMVEC_DEFINITIONS
