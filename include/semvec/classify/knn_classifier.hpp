// semvec/classify/knn_classifier.hpp — k-nearest-neighbour classification of embeddings.
//
//   auto clf = semvec::fit_knn_classifier(X_train, y_train);   // Result<KnnClassifier>; cosine, distance-weighted
//   auto labels = semvec::predict(*clf, X_test);
//
// A query's k most similar training rows vote for their labels, each with weight 1 / distance (cosine
// distance 1 − cos, or L2), as scikit-learn's KNeighborsClassifier(weights="distance"); a training row at
// distance 0 takes the vote alone (with the other zero-distance rows). Ties between classes go to the smaller
// label. The neighbours come from semvec::top_k (exact, blocked GEMM, ties by lower training index), so the
// prediction does not depend on the thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../config.hpp"
#include "../knn.hpp"
#include "../matrix.hpp"
#include "../result.hpp"

namespace semvec {

/// Options of fit_knn_classifier().
struct KnnClassifierOptions {
    /// Neighbours that vote. Default 5 (scikit-learn's n_neighbors).
    std::size_t k = 5;
    /// Distance: cosine (1 − cos) or euclidean. Default cosine.
    Metric metric = Metric::cosine;
    /// Votes weighted by 1 / distance (true) or equal (false). Default true.
    bool distance_weighted = true;
    /// Worker threads for predict(); 0 = all cores. Default 0. Results do not depend on it.
    unsigned threads = 0;
};

/// The training rows and labels (kNN has nothing else to learn).
struct KnnClassifier {
    Matrix rows;                        ///< training rows (unit length for cosine)
    std::vector<std::int32_t> labels;   ///< their labels
    std::vector<std::int32_t> classes;  ///< distinct labels, ascending
    KnnClassifierOptions options;       ///< the options it was fitted with
};

/// Keeps the training data. Errors (ErrorCode::invalid_argument): sizes differ, no rows, zero columns,
/// NaN or infinite values (named by row), fewer than 2 classes, k = 0 or k > N, metric dot.
SEMVEC_API Result<KnnClassifier> fit_knn_classifier(const MatrixView& X, const std::vector<std::int32_t>& y,
                                                    const KnnClassifierOptions& options = {});

/// The voted class of each row. Errors: column count differs from the training rows', NaN or infinite values.
SEMVEC_API Result<std::vector<std::int32_t>> predict(const KnnClassifier& model, const MatrixView& X);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "../search.hpp"
#include "../util/parallel.hpp"
#include "logistic_regression.hpp"

namespace semvec {

SEMVEC_API Result<KnnClassifier> fit_knn_classifier(const MatrixView& X, const std::vector<std::int32_t>& y,
                                                    const KnnClassifierOptions& options) {
    KnnClassifier model;
    std::vector<std::int32_t> index;
    SEMVEC_TRY_STATUS(detail::classifier_training_data(X, y, "fit_knn_classifier", model.classes, index));
    if (options.k == 0 || options.k > static_cast<std::size_t>(X.rows()))
        return make_error(ErrorCode::invalid_argument, "fit_knn_classifier: k = " + std::to_string(options.k) +
                                                           " must be in [1, " + std::to_string(X.rows()) + "] (the training rows)");
    if (options.metric != Metric::cosine && options.metric != Metric::euclidean)
        return make_error(ErrorCode::invalid_argument, "fit_knn_classifier: the metric must be cosine or euclidean");
    model.rows = options.metric == Metric::cosine ? detail::normalized_rows(X) : Matrix(X);
    model.labels = y;
    model.options = options;
    return model;
}

SEMVEC_API Result<std::vector<std::int32_t>> predict(const KnnClassifier& model, const MatrixView& X) {
    if (X.cols() != model.rows.cols())
        return make_error(ErrorCode::invalid_argument, "predict: the rows have " + std::to_string(X.cols()) +
                                                           " columns but the classifier was fitted on " + std::to_string(model.rows.cols()));
    SEMVEC_TRY_STATUS(detail::check_finite_rows(X, "predict"));
    const std::size_t n = static_cast<std::size_t>(X.rows()), k = model.options.k;
    const bool cosine = model.options.metric == Metric::cosine;
    // Neighbours: cosine ranks by the dot product of unit rows (semvec::top_k); euclidean by brute force.
    std::vector<std::vector<Hit>> hits;
    if (cosine) {
        TopKOptions to;
        to.k = k;
        to.threads = model.options.threads;
        auto h = top_k(detail::normalized_rows(X), model.rows, to);
        if (!h) return h.error();
        hits = std::move(*h);
    } else {
        hits.resize(n);
        const std::size_t m = static_cast<std::size_t>(model.rows.rows()), d = static_cast<std::size_t>(X.cols());
        parallel_for(n, resolve_threads(model.options.threads, n), [&](std::size_t b, std::size_t e, unsigned) {
            std::vector<std::pair<double, std::size_t>> all(m);
            std::vector<float> x(d);
            for (std::size_t i = b; i < e; ++i) {
                for (std::size_t c = 0; c < d; ++c) x[c] = X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c));
                for (std::size_t j = 0; j < m; ++j)
                    all[j] = {detail::squared_l2_exact(x.data(), model.rows.row(static_cast<Eigen::Index>(j)).data(), d), j};
                std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end());
                for (std::size_t t = 0; t < k; ++t) hits[i].push_back(Hit{all[t].second, static_cast<float>(-all[t].first)});
            }
        });
    }
    std::vector<std::int32_t> out(n);
    std::vector<double> votes(model.classes.size());
    std::vector<double> dist(k);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& h = hits[i];
        std::fill(votes.begin(), votes.end(), 0.0);
        bool exact = false;
        for (std::size_t t = 0; t < h.size(); ++t) {
            const std::size_t j = h[t].index;
            if (cosine) {
                dist[t] = std::max(0.0, 1.0 - static_cast<double>(h[t].score));
            } else {
                double s = 0;
                for (Eigen::Index c = 0; c < X.cols(); ++c) {
                    const double v = static_cast<double>(X(static_cast<Eigen::Index>(i), c)) - model.rows(static_cast<Eigen::Index>(j), c);
                    s += v * v;
                }
                dist[t] = std::sqrt(s);
            }
            exact = exact || dist[t] == 0;
        }
        for (std::size_t t = 0; t < h.size(); ++t) {
            double w = 1.0;
            if (model.options.distance_weighted) w = exact ? (dist[t] == 0 ? 1.0 : 0.0) : 1.0 / dist[t];
            const auto c = std::lower_bound(model.classes.begin(), model.classes.end(), model.labels[h[t].index]) - model.classes.begin();
            votes[static_cast<std::size_t>(c)] += w;
        }
        std::size_t best = 0;
        for (std::size_t c = 1; c < votes.size(); ++c)
            if (votes[c] > votes[best]) best = c;
        out[i] = model.classes[best];
    }
    return out;
}

}  // namespace semvec
#endif
