// semvec/classify/cross_validation.hpp — stratified k-fold splits and cross-validated scores of a classifier.
//
//   auto folds = semvec::stratified_kfold(y, 5);                 // the test fold of each row, in [0, 5)
//   auto cv = semvec::cross_validate(X, y, folds_count, fit_predict);
//
// stratified_kfold() assigns folds exactly as scikit-learn's StratifiedKFold(n_splits, shuffle=False) does:
// the rows of each class, in row order, are dealt to folds in contiguous runs whose sizes keep the class
// proportions, so the same labels give the same folds in both (scripts compare against scikit-learn on the
// same folds). With `shuffle`, each class's rows are permuted first with the given seed (not numpy's order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "../config.hpp"
#include "../matrix.hpp"
#include "../result.hpp"

namespace semvec {

/// Options of stratified_kfold().
struct StratifiedKFoldOptions {
    /// Permute each class's rows before dealing them to folds. Default false (scikit-learn's default).
    bool shuffle = false;
    /// Seed of the permutation. Default 42.
    std::uint64_t seed = 42;
};

/// The test fold of each row. Errors (invalid_argument): no labels, folds < 2, a class with fewer rows than
/// folds is allowed (as scikit-learn, which warns) but more folds than rows is not.
SEMVEC_API Result<std::vector<std::int32_t>> stratified_kfold(const std::vector<std::int32_t>& y, std::size_t folds,
                                                              const StratifiedKFoldOptions& options = {});

/// Scores of one cross-validation run.
struct CrossValidation {
    std::vector<double> accuracy;           ///< per fold
    std::vector<double> f1_macro;           ///< per fold
    std::vector<std::int32_t> predictions;  ///< out-of-fold prediction of every row
    double mean_accuracy = 0;
    double mean_f1_macro = 0;
};

/// Trains on all folds but one and predicts the held-out one, for each fold. `fit_predict(train_rows,
/// train_labels, test_rows)` returns the test rows' predicted labels (or an error, passed on).
using FitPredict = std::function<Result<std::vector<std::int32_t>>(const Matrix&, const std::vector<std::int32_t>&, const Matrix&)>;
SEMVEC_API Result<CrossValidation> cross_validate(const MatrixView& X, const std::vector<std::int32_t>& y,
                                                  const std::vector<std::int32_t>& folds, const FitPredict& fit_predict);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <string>

#include "../reduce/common.hpp"
#include "metrics.hpp"

namespace semvec {

SEMVEC_API Result<std::vector<std::int32_t>> stratified_kfold(const std::vector<std::int32_t>& y, std::size_t folds,
                                                              const StratifiedKFoldOptions& options) {
    if (y.empty()) return make_error(ErrorCode::invalid_argument, "stratified_kfold: no labels");
    if (folds < 2) return make_error(ErrorCode::invalid_argument, "stratified_kfold: needs at least 2 folds");
    if (folds > y.size())
        return make_error(ErrorCode::invalid_argument, "stratified_kfold: " + std::to_string(folds) + " folds for " +
                                                           std::to_string(y.size()) + " rows");
    // Classes in order of first appearance (scikit-learn's y_encoded), then sorted class codes dealt round-robin
    // to count how many of each class every fold gets.
    std::vector<std::int32_t> order_of_first;
    std::vector<std::size_t> code(y.size());
    {
        std::vector<std::int32_t> sorted = y;
        std::sort(sorted.begin(), sorted.end());
        sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
        std::vector<std::size_t> first(sorted.size(), y.size());
        for (std::size_t i = 0; i < y.size(); ++i) {
            const std::size_t s = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), y[i]) - sorted.begin());
            first[s] = std::min(first[s], i);
        }
        std::vector<std::size_t> by_first(sorted.size());
        for (std::size_t s = 0; s < sorted.size(); ++s) by_first[s] = s;
        std::sort(by_first.begin(), by_first.end(), [&](std::size_t a, std::size_t b) { return first[a] < first[b]; });
        std::vector<std::size_t> rank(sorted.size());
        for (std::size_t r = 0; r < by_first.size(); ++r) rank[by_first[r]] = r;
        for (std::size_t i = 0; i < y.size(); ++i)
            code[i] = rank[static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), y[i]) - sorted.begin())];
    }
    std::size_t K = 0;
    for (std::size_t c : code) K = std::max(K, c + 1);
    std::vector<std::size_t> count(K, 0);
    for (std::size_t c : code) ++count[c];
    // y_order = sorted codes; allocation[f][c] = how many of y_order[f::folds] are c.
    std::vector<std::vector<std::size_t>> allocation(folds, std::vector<std::size_t>(K, 0));
    {
        std::size_t pos = 0;
        for (std::size_t c = 0; c < K; ++c)
            for (std::size_t r = 0; r < count[c]; ++r, ++pos) ++allocation[pos % folds][c];
    }
    std::vector<std::int32_t> out(y.size());
    detail::Random rng(options.seed);
    for (std::size_t c = 0; c < K; ++c) {
        std::vector<std::int32_t> fold_seq;
        for (std::size_t f = 0; f < folds; ++f) fold_seq.insert(fold_seq.end(), allocation[f][c], static_cast<std::int32_t>(f));
        if (options.shuffle)
            for (std::size_t i = fold_seq.size(); i > 1; --i) std::swap(fold_seq[i - 1], fold_seq[static_cast<std::size_t>(rng.below(i))]);
        std::size_t next = 0;
        for (std::size_t i = 0; i < y.size(); ++i)
            if (code[i] == c) out[i] = fold_seq[next++];
    }
    return out;
}

SEMVEC_API Result<CrossValidation> cross_validate(const MatrixView& X, const std::vector<std::int32_t>& y,
                                                  const std::vector<std::int32_t>& folds, const FitPredict& fit_predict) {
    if (y.size() != static_cast<std::size_t>(X.rows()) || folds.size() != y.size())
        return make_error(ErrorCode::invalid_argument, "cross_validate: " + std::to_string(X.rows()) + " rows, " +
                                                           std::to_string(y.size()) + " labels and " + std::to_string(folds.size()) + " fold ids");
    if (y.empty()) return make_error(ErrorCode::invalid_argument, "cross_validate: no rows");
    const std::int32_t nfolds = *std::max_element(folds.begin(), folds.end()) + 1;
    CrossValidation cv;
    cv.predictions.assign(y.size(), 0);
    for (std::int32_t f = 0; f < nfolds; ++f) {
        std::vector<std::size_t> train, test;
        for (std::size_t i = 0; i < y.size(); ++i) (folds[i] == f ? test : train).push_back(i);
        if (test.empty() || train.empty()) continue;
        Matrix Xtr(static_cast<Eigen::Index>(train.size()), X.cols()), Xte(static_cast<Eigen::Index>(test.size()), X.cols());
        std::vector<std::int32_t> ytr, yte;
        for (std::size_t r = 0; r < train.size(); ++r) {
            Xtr.row(static_cast<Eigen::Index>(r)) = X.row(static_cast<Eigen::Index>(train[r]));
            ytr.push_back(y[train[r]]);
        }
        for (std::size_t r = 0; r < test.size(); ++r) {
            Xte.row(static_cast<Eigen::Index>(r)) = X.row(static_cast<Eigen::Index>(test[r]));
            yte.push_back(y[test[r]]);
        }
        auto pred = fit_predict(Xtr, ytr, Xte);
        if (!pred) return pred.error().with_source("fold " + std::to_string(f));
        if (pred->size() != test.size())
            return make_error(ErrorCode::internal, "cross_validate: fold " + std::to_string(f) + ": " + std::to_string(pred->size()) +
                                                       " predictions for " + std::to_string(test.size()) + " rows");
        for (std::size_t r = 0; r < test.size(); ++r) cv.predictions[test[r]] = (*pred)[r];
        cv.accuracy.push_back(*accuracy(yte, *pred));
        cv.f1_macro.push_back(*f1_macro(yte, *pred));
    }
    for (std::size_t f = 0; f < cv.accuracy.size(); ++f) {
        cv.mean_accuracy += cv.accuracy[f] / static_cast<double>(cv.accuracy.size());
        cv.mean_f1_macro += cv.f1_macro[f] / static_cast<double>(cv.f1_macro.size());
    }
    return cv;
}

}  // namespace semvec
#endif
