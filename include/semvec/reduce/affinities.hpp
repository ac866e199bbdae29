// semvec/reduce/affinities.hpp — input-space affinities of SNE and t-SNE: Gaussian conditional
// probabilities p(j|i) whose bandwidth is calibrated per point to a perplexity, by binary search on the
// precision β = 1/(2σ²) over squared distances (van der Maaten & Hinton 2008, as in bhtsne/openTSNE).
//
// Distances are shifted by their row minimum before exp(): this cancels in the normalisation and keeps
// rows of duplicate points (all distances 0) and far outliers free of 0/0 — a row never becomes NaN.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../config.hpp"
#include "../knn.hpp"
#include "../result.hpp"

namespace semvec {

/// A symmetric sparse matrix in CSR form (t-SNE's joint probabilities P; the whole matrix sums to 1).
struct SparseAffinities {
    std::size_t n = 0;
    std::vector<std::int64_t> row_ptr;  ///< n + 1 offsets into col/val
    std::vector<std::int32_t> col;      ///< column ids, ascending within a row
    std::vector<double> val;            ///< values
};

/// p(j|i) over each point's kNN list (row-major n×k like the graph; each row sums to 1). Distances are
/// squared before calibration. Errors when perplexity ≤ 0 or ≥ k.
SEMVEC_API Result<std::vector<double>> conditional_probabilities(const KnnGraph& graph, double perplexity, unsigned threads = 0);

/// P = (P_cond + P_condᵀ) / (2N): symmetric, sums to 1. Deterministic (no threads, O(nnz log k)).
SEMVEC_API SparseAffinities symmetrize(const KnnGraph& graph, const std::vector<double>& cond);

/// Symmetric joint probabilities of t-SNE from data: kNN with k = min(N − 1, ⌊3·perplexity⌋), calibration,
/// symmetrisation.
SEMVEC_API Result<SparseAffinities> tsne_affinities(const MatrixView& data, double perplexity, Metric metric,
                                                    KnnMethod method, unsigned threads, std::uint64_t seed,
                                                    bool all_neighbours = false);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <string>

#include "../util/parallel.hpp"

namespace semvec {

namespace detail {

/// Calibrates one row in place: sq holds squared distances (count m), out receives probabilities summing to 1.
/// Returns the β reached.
inline double calibrate_row(const double* sq, int m, double perplexity, double* out) {
    double dmin = sq[0];
    for (int t = 1; t < m; ++t) dmin = std::min(dmin, sq[t]);
    const double target = std::log(perplexity);
    double beta = 1.0, lo = 0.0, hi = HUGE_VAL;
    for (int iter = 0; iter < 200; ++iter) {
        double sum = 0.0, wsum = 0.0;
        for (int t = 0; t < m; ++t) {
            const double s = sq[t] - dmin;
            const double w = std::exp(-beta * s);
            out[t] = w;
            sum += w;
            wsum += w * s;
        }
        // sum ≥ 1 because the nearest term is exp(0).
        const double entropy = std::log(sum) + beta * wsum / sum;
        const double diff = entropy - target;
        if (std::fabs(diff) < 1e-5) break;
        if (diff > 0) {  // too flat: sharpen
            lo = beta;
            beta = hi == HUGE_VAL ? beta * 2.0 : 0.5 * (beta + hi);
        } else {
            hi = beta;
            beta = 0.5 * (beta + lo);
        }
    }
    double sum = 0.0;
    for (int t = 0; t < m; ++t) sum += out[t];
    for (int t = 0; t < m; ++t) out[t] /= sum;
    return beta;
}

}  // namespace detail

SEMVEC_API Result<std::vector<double>> conditional_probabilities(const KnnGraph& graph, double perplexity, unsigned threads) {
    if (!(perplexity > 0)) return make_error("perplexity must be positive, got " + std::to_string(perplexity));
    if (perplexity >= graph.k)
        return make_error("perplexity " + std::to_string(perplexity) + " needs more than " + std::to_string(graph.k) +
                          " neighbours per point");
    const int k = graph.k;
    std::vector<double> p(graph.n * static_cast<std::size_t>(k));
    parallel_for(graph.n, threads, [&](std::size_t b, std::size_t e, unsigned) {
        std::vector<double> sq(static_cast<std::size_t>(k));
        for (std::size_t i = b; i < e; ++i) {
            for (int t = 0; t < k; ++t) {
                const double d = graph.distances[i * k + t];
                sq[t] = d * d;
            }
            detail::calibrate_row(sq.data(), k, perplexity, &p[i * k]);
        }
    });
    return p;
}

SEMVEC_API SparseAffinities symmetrize(const KnnGraph& graph, const std::vector<double>& cond) {
    const std::size_t n = graph.n;
    const int k = graph.k;
    // Count row lengths of P_cond + P_condᵀ (before merging duplicates), then fill and merge per row.
    std::vector<std::int64_t> cnt(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        for (int t = 0; t < k; ++t) {
            ++cnt[i + 1];
            ++cnt[static_cast<std::size_t>(graph.indices[i * k + t]) + 1];
        }
    for (std::size_t i = 0; i < n; ++i) cnt[i + 1] += cnt[i];
    std::vector<std::int32_t> tc(static_cast<std::size_t>(cnt[n]));
    std::vector<double> tv(static_cast<std::size_t>(cnt[n]));
    std::vector<std::int64_t> fill(cnt.begin(), cnt.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
        for (int t = 0; t < k; ++t) {
            const std::size_t j = static_cast<std::size_t>(graph.indices[i * k + t]);
            const double v = cond[i * k + t];
            tc[static_cast<std::size_t>(fill[i])] = static_cast<std::int32_t>(j);
            tv[static_cast<std::size_t>(fill[i]++)] = v;
            tc[static_cast<std::size_t>(fill[j])] = static_cast<std::int32_t>(i);
            tv[static_cast<std::size_t>(fill[j]++)] = v;
        }
    SparseAffinities P;
    P.n = n;
    P.row_ptr.assign(n + 1, 0);
    P.col.reserve(tc.size());
    P.val.reserve(tc.size());
    const double scale = 1.0 / (2.0 * static_cast<double>(n));
    std::vector<std::pair<std::int32_t, double>> row;
    for (std::size_t i = 0; i < n; ++i) {
        row.clear();
        for (std::int64_t q = cnt[i]; q < cnt[i + 1]; ++q)
            row.emplace_back(tc[static_cast<std::size_t>(q)], tv[static_cast<std::size_t>(q)]);
        std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (std::size_t q = 0; q < row.size();) {
            std::size_t r = q;
            double v = 0.0;
            while (r < row.size() && row[r].first == row[q].first) v += row[r++].second;
            P.col.push_back(row[q].first);
            P.val.push_back(v * scale);
            q = r;
        }
        P.row_ptr[i + 1] = static_cast<std::int64_t>(P.col.size());
    }
    return P;
}

SEMVEC_API Result<SparseAffinities> tsne_affinities(const MatrixView& data, double perplexity, Metric metric,
                                                    KnnMethod method, unsigned threads, std::uint64_t seed,
                                                    bool all_neighbours) {
    const std::size_t n = static_cast<std::size_t>(data.rows());
    if (!(perplexity > 0)) return make_error("t-SNE: perplexity must be positive, got " + std::to_string(perplexity));
    if (static_cast<double>(n) - 1.0 < 3.0 * perplexity)
        return make_error("t-SNE: " + std::to_string(n) + " points are too few for perplexity " +
                          std::to_string(perplexity) + " (needs N - 1 >= 3 * perplexity); lower the perplexity");
    KnnOptions ko;
    ko.k = all_neighbours ? static_cast<int>(n - 1) : std::min(static_cast<int>(n - 1), static_cast<int>(3.0 * perplexity));
    ko.metric = metric;
    ko.method = all_neighbours ? KnnMethod::exact : method;
    ko.threads = threads;
    ko.seed = seed;
    auto g = knn(data, ko);
    if (!g) return g.error();
    auto cond = conditional_probabilities(*g, perplexity, threads);
    if (!cond) return cond.error();
    return symmetrize(*g, *cond);
}

}  // namespace semvec
#endif  // SEMVEC_DEFINITIONS
