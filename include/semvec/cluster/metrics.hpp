// semvec/cluster/metrics.hpp — how good a clustering is: agreement with gold labels (adjusted Rand index,
// NMI, homogeneity / completeness / V-measure) and, without gold labels, the silhouette.
//
// Every score is scikit-learn's definition (sklearn.metrics 1.2): adjusted_rand_score, normalized_mutual_info_score
// (arithmetic mean, natural log), homogeneity_completeness_v_measure, silhouette_score. A label is any
// int32; −1 (noise) is an ordinary label here, as in scikit-learn: drop the noise first to score clusters only.
// The layout metrics of the reducers (trustworthiness, kNN preservation) are in reduce/metrics.hpp.
#pragma once

#include <cstdint>
#include <vector>

#include "../config.hpp"
#include "../knn.hpp"
#include "../matrix.hpp"
#include "../result.hpp"

namespace semvec {

/// Homogeneity (each cluster holds one class), completeness (each class lies in one cluster) and their
/// weighted harmonic mean, the V-measure.
struct VMeasure {
    double homogeneity = 0;
    double completeness = 0;
    double v_measure = 0;
};

/// Adjusted Rand index of two labelings of the same items: 1 for identical partitions (up to renaming),
/// about 0 for independent ones. Errors: sizes differ, no items.
SEMVEC_API Result<double> adjusted_rand_index(const std::vector<std::int32_t>& truth, const std::vector<std::int32_t>& pred);

/// Mutual information normalized by the arithmetic mean of the two entropies (scikit-learn's default):
/// 1 for identical partitions, 0 for independent ones. Errors: sizes differ, no items.
SEMVEC_API Result<double> normalized_mutual_info(const std::vector<std::int32_t>& truth, const std::vector<std::int32_t>& pred);

/// Homogeneity, completeness and V-measure (β weighs completeness; β = 1 gives NMI). Errors: sizes differ,
/// no items, β < 0.
SEMVEC_API Result<VMeasure> v_measure(const std::vector<std::int32_t>& truth, const std::vector<std::int32_t>& pred,
                                      double beta = 1.0);

/// Mean silhouette coefficient (b − a) / max(a, b) over the rows, where a is the mean distance to the rest of
/// the row's cluster and b the least mean distance to another cluster (0 for a row alone in its cluster).
/// Distances: euclidean or cosine (1 − cos), in double. O(N² D). Errors: sizes differ, fewer than 2 or
/// more than N − 1 distinct labels, NaN or infinite values, metric dot.
SEMVEC_API Result<double> silhouette_score(const MatrixView& data, const std::vector<std::int32_t>& labels,
                                           Metric metric = Metric::euclidean, unsigned threads = 0);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "../util/parallel.hpp"

namespace semvec {
namespace detail {

/// Contingency table of two labelings: dense class/cluster ids and the non-zero cells.
struct Contingency {
    std::vector<double> rows, cols;  ///< class sizes, cluster sizes
    std::map<std::pair<std::int32_t, std::int32_t>, double> cells;
    double n = 0;
};

inline Result<Contingency> contingency(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b,
                                       const char* what) {
    if (a.size() != b.size())
        return make_error(ErrorCode::invalid_argument, std::string(what) + ": " + std::to_string(a.size()) +
                                                           " true labels but " + std::to_string(b.size()) + " predicted");
    if (a.empty()) return make_error(ErrorCode::invalid_argument, std::string(what) + ": no labels");
    auto dense = [](const std::vector<std::int32_t>& v, std::vector<std::int32_t>& out) {
        std::map<std::int32_t, std::int32_t> ids;
        out.resize(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) out[i] = ids.emplace(v[i], static_cast<std::int32_t>(ids.size())).first->second;
        return ids.size();
    };
    std::vector<std::int32_t> da, db;
    Contingency c;
    c.rows.assign(dense(a, da), 0.0);
    c.cols.assign(dense(b, db), 0.0);
    for (std::size_t i = 0; i < a.size(); ++i) {
        c.rows[static_cast<std::size_t>(da[i])] += 1;
        c.cols[static_cast<std::size_t>(db[i])] += 1;
        c.cells[{da[i], db[i]}] += 1;
    }
    c.n = static_cast<double>(a.size());
    return c;
}

inline double entropy_of_counts(const std::vector<double>& counts, double n) {
    double h = 0;
    for (double c : counts)
        if (c > 0) h -= c / n * (std::log(c) - std::log(n));
    return h;
}

inline double mutual_info(const Contingency& c) {
    double mi = 0;
    for (const auto& [key, nij] : c.cells) {
        const double a = c.rows[static_cast<std::size_t>(key.first)], b = c.cols[static_cast<std::size_t>(key.second)];
        mi += nij / c.n * (std::log(nij) + std::log(c.n) - std::log(a) - std::log(b));
    }
    return std::max(0.0, mi);
}

}  // namespace detail

SEMVEC_API Result<double> adjusted_rand_index(const std::vector<std::int32_t>& truth, const std::vector<std::int32_t>& pred) {
    auto c = detail::contingency(truth, pred, "adjusted_rand_index");
    if (!c) return c.error();
    // The pair confusion matrix, in long double: the counts reach N².
    using ld = long double;
    const ld n = c->n;
    ld sum_sq = 0, rows_sq = 0, cols_sq = 0;
    for (const auto& kv : c->cells) sum_sq += static_cast<ld>(kv.second) * kv.second;
    for (double r : c->rows) rows_sq += static_cast<ld>(r) * r;
    for (double v : c->cols) cols_sq += static_cast<ld>(v) * v;
    const ld tp = sum_sq - n, fp = cols_sq - sum_sq, fn = rows_sq - sum_sq, tn = n * n - fp - fn - sum_sq;
    if (fn == 0 && fp == 0) return 1.0;
    return static_cast<double>(2.0L * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn)));
}

SEMVEC_API Result<VMeasure> v_measure(const std::vector<std::int32_t>& truth, const std::vector<std::int32_t>& pred,
                                      double beta) {
    if (!(beta >= 0)) return make_error(ErrorCode::invalid_argument, "v_measure: beta must be >= 0");
    auto c = detail::contingency(truth, pred, "v_measure");
    if (!c) return c.error();
    const double hc = detail::entropy_of_counts(c->rows, c->n), hk = detail::entropy_of_counts(c->cols, c->n);
    const double mi = detail::mutual_info(*c);
    VMeasure v;
    v.homogeneity = hc != 0 ? mi / hc : 1.0;
    v.completeness = hk != 0 ? mi / hk : 1.0;
    v.v_measure = v.homogeneity + v.completeness == 0
                      ? 0.0
                      : (1 + beta) * v.homogeneity * v.completeness / (beta * v.homogeneity + v.completeness);
    return v;
}

SEMVEC_API Result<double> normalized_mutual_info(const std::vector<std::int32_t>& truth, const std::vector<std::int32_t>& pred) {
    auto c = detail::contingency(truth, pred, "normalized_mutual_info");
    if (!c) return c.error();
    // scikit-learn: two single-cluster labelings are identical (1); one single cluster against more is 0.
    if ((c->rows.size() == 1 && c->cols.size() == 1) || (c->rows.size() == c->n && c->cols.size() == c->n)) return 1.0;
    const double mi = detail::mutual_info(*c);
    if (mi == 0) return 0.0;
    const double hc = detail::entropy_of_counts(c->rows, c->n), hk = detail::entropy_of_counts(c->cols, c->n);
    const double normalizer = std::max(0.5 * (hc + hk), 1e-300);
    return mi / normalizer;
}

SEMVEC_API Result<double> silhouette_score(const MatrixView& data, const std::vector<std::int32_t>& labels, Metric metric,
                                           unsigned threads) {
    const std::size_t n = static_cast<std::size_t>(data.rows()), d = static_cast<std::size_t>(data.cols());
    if (labels.size() != n)
        return make_error(ErrorCode::invalid_argument, "silhouette_score: " + std::to_string(labels.size()) + " labels for " +
                                                           std::to_string(n) + " rows");
    if (metric != Metric::euclidean && metric != Metric::cosine)
        return make_error(ErrorCode::invalid_argument, "silhouette_score: the metric must be euclidean or cosine");
    SEMVEC_TRY_STATUS(detail::check_points(data, "silhouette_score"));
    std::map<std::int32_t, std::size_t> ids;
    std::vector<std::size_t> cl(n);
    for (std::size_t i = 0; i < n; ++i) cl[i] = ids.emplace(labels[i], ids.size()).first->second;
    const std::size_t k = ids.size();
    if (k < 2 || k > n - 1)
        return make_error(ErrorCode::invalid_argument, "silhouette_score: needs 2 to N - 1 = " + std::to_string(n - 1) +
                                                           " distinct labels, got " + std::to_string(k));
    std::vector<double> size(k, 0.0);
    for (std::size_t c : cl) size[c] += 1;
    // Rows in double; cosine on unit rows (a zero row has cosine distance 1 to everything, as scikit-learn).
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> x = data.cast<double>();
    if (metric == Metric::cosine)
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            const double nrm = x.row(i).norm();
            if (nrm > 0) x.row(i) /= nrm;
        }
    std::vector<double> s(n);
    parallel_for(n, resolve_threads(threads, n), [&](std::size_t b, std::size_t e, unsigned) {
        std::vector<double> sum(k);
        for (std::size_t i = b; i < e; ++i) {
            std::fill(sum.begin(), sum.end(), 0.0);
            const double* xi = x.data() + i * d;
            for (std::size_t j = 0; j < n; ++j) {
                if (j == i) continue;
                const double* xj = x.data() + j * d;
                double dist;
                if (metric == Metric::cosine) {
                    double dot = 0;
                    for (std::size_t t = 0; t < d; ++t) dot += xi[t] * xj[t];
                    dist = std::max(0.0, 1.0 - dot);
                } else {
                    double sq = 0;
                    for (std::size_t t = 0; t < d; ++t) {
                        const double v = xi[t] - xj[t];
                        sq += v * v;
                    }
                    dist = std::sqrt(sq);
                }
                sum[cl[j]] += dist;
            }
            const std::size_t own = cl[i];
            if (size[own] <= 1) { s[i] = 0; continue; }
            const double a = sum[own] / (size[own] - 1);
            double bmin = std::numeric_limits<double>::infinity();
            for (std::size_t c = 0; c < k; ++c)
                if (c != own) bmin = std::min(bmin, sum[c] / size[c]);
            const double den = std::max(a, bmin);
            s[i] = den > 0 ? (bmin - a) / den : 0.0;
        }
    });
    double total = 0;
    for (double v : s) total += v;
    return total / static_cast<double>(n);
}

}  // namespace semvec
#endif
