// semvec/eval/metrics.hpp — the scores of embedding benchmarks (MTEB's definitions), computed exactly as the
// reference libraries do: scipy.stats.spearmanr / pearsonr, sklearn.metrics.average_precision_score, and
// TREC's nDCG@k (gain = graded relevance, discount log2(rank + 1), ideal ranking from all judged documents),
// reciprocal rank and recall at a cut-off. Everything in double precision.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../config.hpp"
#include "../result.hpp"

namespace semvec {

/// Spearman's rank correlation (Pearson's r of the ranks, ties given their mean rank). Errors
/// (invalid_argument): sizes differ, fewer than 2 values, NaN, a constant input.
SEMVEC_API Result<double> spearman(const std::vector<double>& a, const std::vector<double>& b);

/// Pearson's correlation. Same errors as spearman().
SEMVEC_API Result<double> pearson(const std::vector<double>& a, const std::vector<double>& b);

/// Average precision of `scores` for binary `labels` (1 = relevant): Σ (R_i − R_{i−1}) · P_i over the
/// distinct score thresholds, highest first (scikit-learn's average_precision_score). Errors: sizes differ,
/// no items, no positive label, NaN scores.
SEMVEC_API Result<double> average_precision(const std::vector<int>& labels, const std::vector<double>& scores);

/// Ranking scores of one query: `ranked` holds document ids best first; `relevance` gives the graded
/// relevance of every judged document (id, grade > 0; others count 0).
struct RankingScores {
    double ndcg = 0;    ///< nDCG at the cut-off
    double mrr = 0;     ///< reciprocal rank of the first relevant document within the cut-off, else 0
    double recall = 0;  ///< relevant documents found within the cut-off / all relevant documents
};

/// nDCG, MRR and recall at the cut-off k of one ranking. Errors: k = 0, no relevant document.
SEMVEC_API Result<RankingScores> ranking_scores(const std::vector<std::int64_t>& ranked,
                                                const std::vector<std::pair<std::int64_t, double>>& relevance,
                                                std::size_t k);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string>

namespace semvec {
namespace detail {

inline Status check_pairs(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
    if (a.size() != b.size())
        return make_error(ErrorCode::invalid_argument, std::string(what) + ": " + std::to_string(a.size()) + " and " +
                                                           std::to_string(b.size()) + " values");
    if (a.size() < 2) return make_error(ErrorCode::invalid_argument, std::string(what) + ": needs at least 2 pairs");
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::isnan(a[i]) || std::isnan(b[i]))
            return make_error(ErrorCode::invalid_argument, std::string(what) + ": NaN", "", "item " + std::to_string(i));
    return {};
}

/// Ranks 1..n, ties sharing their mean rank (scipy.stats.rankdata "average").
inline std::vector<double> average_ranks(const std::vector<double>& v) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return v[x] < v[y]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
        const double mean = 0.5 * static_cast<double>(i + j) + 1.0;
        for (std::size_t t = i; t <= j; ++t) r[order[t]] = mean;
        i = j + 1;
    }
    return r;
}

}  // namespace detail

SEMVEC_API Result<double> pearson(const std::vector<double>& a, const std::vector<double>& b) {
    SEMVEC_TRY_STATUS(detail::check_pairs(a, b, "pearson"));
    const double n = static_cast<double>(a.size());
    double ma = 0, mb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) { ma += a[i]; mb += b[i]; }
    ma /= n;
    mb /= n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    if (saa == 0 || sbb == 0) return make_error(ErrorCode::invalid_argument, "pearson: an input is constant");
    return std::max(-1.0, std::min(1.0, sab / std::sqrt(saa * sbb)));
}

SEMVEC_API Result<double> spearman(const std::vector<double>& a, const std::vector<double>& b) {
    SEMVEC_TRY_STATUS(detail::check_pairs(a, b, "spearman"));
    return pearson(detail::average_ranks(a), detail::average_ranks(b));
}

SEMVEC_API Result<double> average_precision(const std::vector<int>& labels, const std::vector<double>& scores) {
    if (labels.size() != scores.size())
        return make_error(ErrorCode::invalid_argument, "average_precision: " + std::to_string(labels.size()) + " labels but " +
                                                           std::to_string(scores.size()) + " scores");
    if (labels.empty()) return make_error(ErrorCode::invalid_argument, "average_precision: no items");
    std::size_t positives = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (std::isnan(scores[i])) return make_error(ErrorCode::invalid_argument, "average_precision: NaN score", "", "item " + std::to_string(i));
        positives += labels[i] != 0;
    }
    if (!positives) return make_error(ErrorCode::invalid_argument, "average_precision: no positive label");
    std::vector<std::size_t> order(labels.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return scores[x] > scores[y]; });
    double ap = 0, prev_recall = 0;
    std::size_t tp = 0, seen = 0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;  // a threshold takes every item of equal score
        while (j < order.size() && scores[order[j]] == scores[order[i]]) {
            tp += labels[order[j]] != 0;
            ++seen;
            ++j;
        }
        const double recall = static_cast<double>(tp) / static_cast<double>(positives);
        const double precision = static_cast<double>(tp) / static_cast<double>(seen);
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
        i = j;
    }
    return ap;
}

SEMVEC_API Result<RankingScores> ranking_scores(const std::vector<std::int64_t>& ranked,
                                                const std::vector<std::pair<std::int64_t, double>>& relevance,
                                                std::size_t k) {
    if (k == 0) return make_error(ErrorCode::invalid_argument, "ranking_scores: k must be at least 1");
    std::map<std::int64_t, double> rel;
    std::vector<double> grades;
    for (const auto& [id, g] : relevance)
        if (g > 0) {
            rel[id] = g;
            grades.push_back(g);
        }
    if (grades.empty()) return make_error(ErrorCode::invalid_argument, "ranking_scores: no relevant document");
    RankingScores s;
    double dcg = 0;
    std::size_t found = 0;
    for (std::size_t r = 0; r < std::min(k, ranked.size()); ++r) {
        const auto it = rel.find(ranked[r]);
        if (it == rel.end()) continue;
        dcg += it->second / std::log2(static_cast<double>(r) + 2.0);
        if (s.mrr == 0) s.mrr = 1.0 / static_cast<double>(r + 1);
        ++found;
    }
    std::sort(grades.begin(), grades.end(), std::greater<double>());
    double ideal = 0;
    for (std::size_t r = 0; r < std::min(k, grades.size()); ++r) ideal += grades[r] / std::log2(static_cast<double>(r) + 2.0);
    s.ndcg = dcg / ideal;
    s.recall = static_cast<double>(found) / static_cast<double>(grades.size());
    return s;
}

}  // namespace semvec
#endif
