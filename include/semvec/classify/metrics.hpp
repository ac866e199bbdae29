// semvec/classify/metrics.hpp — how good a classifier's predictions are: accuracy, macro-averaged F1 and the
// confusion matrix, with scikit-learn's definitions (sklearn.metrics accuracy_score, f1_score(average="macro"),
// confusion_matrix). Labels are any int32 values.
#pragma once

#include <cstdint>
#include <vector>

#include "../config.hpp"
#include "../result.hpp"

namespace semvec {

/// Counts of (true label, predicted label) pairs.
struct ConfusionMatrix {
    std::vector<std::int32_t> labels;             ///< every label seen in either vector, ascending
    std::vector<std::vector<std::size_t>> counts;  ///< counts[t][p]: rows of labels[t] predicted as labels[p]
};

/// Fraction of predictions equal to the truth. Errors (invalid_argument): sizes differ, empty.
SEMVEC_API Result<double> accuracy(const std::vector<std::int32_t>& truth, const std::vector<std::int32_t>& pred);

/// Unweighted mean over every label (seen in either vector) of its F1 = 2PR / (P + R); a label with no true
/// and no predicted row scores 0 (scikit-learn's zero_division = 0). Same errors as accuracy().
SEMVEC_API Result<double> f1_macro(const std::vector<std::int32_t>& truth, const std::vector<std::int32_t>& pred);

/// The confusion matrix. Same errors as accuracy().
SEMVEC_API Result<ConfusionMatrix> confusion_matrix(const std::vector<std::int32_t>& truth, const std::vector<std::int32_t>& pred);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <string>

namespace semvec {

SEMVEC_API Result<ConfusionMatrix> confusion_matrix(const std::vector<std::int32_t>& truth, const std::vector<std::int32_t>& pred) {
    if (truth.size() != pred.size())
        return make_error(ErrorCode::invalid_argument, "classification metrics: " + std::to_string(truth.size()) +
                                                           " true labels but " + std::to_string(pred.size()) + " predictions");
    if (truth.empty()) return make_error(ErrorCode::invalid_argument, "classification metrics: no labels");
    ConfusionMatrix cm;
    cm.labels = truth;
    cm.labels.insert(cm.labels.end(), pred.begin(), pred.end());
    std::sort(cm.labels.begin(), cm.labels.end());
    cm.labels.erase(std::unique(cm.labels.begin(), cm.labels.end()), cm.labels.end());
    cm.counts.assign(cm.labels.size(), std::vector<std::size_t>(cm.labels.size(), 0));
    auto at = [&](std::int32_t l) { return static_cast<std::size_t>(std::lower_bound(cm.labels.begin(), cm.labels.end(), l) - cm.labels.begin()); };
    for (std::size_t i = 0; i < truth.size(); ++i) ++cm.counts[at(truth[i])][at(pred[i])];
    return cm;
}

SEMVEC_API Result<double> accuracy(const std::vector<std::int32_t>& truth, const std::vector<std::int32_t>& pred) {
    auto cm = confusion_matrix(truth, pred);
    if (!cm) return cm.error();
    std::size_t good = 0;
    for (std::size_t c = 0; c < cm->labels.size(); ++c) good += cm->counts[c][c];
    return static_cast<double>(good) / static_cast<double>(truth.size());
}

SEMVEC_API Result<double> f1_macro(const std::vector<std::int32_t>& truth, const std::vector<std::int32_t>& pred) {
    auto cm = confusion_matrix(truth, pred);
    if (!cm) return cm.error();
    const std::size_t K = cm->labels.size();
    double total = 0;
    for (std::size_t c = 0; c < K; ++c) {
        double tp = static_cast<double>(cm->counts[c][c]), true_n = 0, pred_n = 0;
        for (std::size_t o = 0; o < K; ++o) {
            true_n += static_cast<double>(cm->counts[c][o]);
            pred_n += static_cast<double>(cm->counts[o][c]);
        }
        total += true_n + pred_n > 0 ? 2 * tp / (true_n + pred_n) : 0.0;
    }
    return total / static_cast<double>(K);
}

}  // namespace semvec
#endif
