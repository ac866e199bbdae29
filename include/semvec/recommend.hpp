// semvec/recommend.hpp — "more like these": items for a user from the items they liked.
//
//   std::vector<std::size_t> liked = {4, 17, 23};                       // rows of `items`, oldest first
//   auto hits = semvec::recommend(items, liked, {10});                  // Result<std::vector<Hit>>
//
// The user is the mean of the unit vectors of the items they liked, or a recency-weighted mean (the i-th
// most recent item weighs 0.5^(i / half_life)). The nearest items by cosine, the liked ones excluded, form
// the list; with diversity λ > 0 the list is re-ranked by maximal marginal relevance (Carbonell & Goldstein
// 1998): each next item maximizes (1 − λ) · cos(user, item) − λ · max cos(item, already chosen), so the list
// is not ten near-duplicates. Scores reported are cos(user, item). Ties go to the lower row, so results do not
// depend on the thread count.
#pragma once

#include <cstddef>
#include <vector>

#include "config.hpp"
#include "matrix.hpp"
#include "result.hpp"
#include "search.hpp"

namespace semvec {

/// How the liked items make one user vector.
enum class UserProfile {
    mean,     ///< all liked items weigh the same
    recency,  ///< the i-th most recent item (the last of the history is the most recent) weighs 0.5^(i / half_life)
};

/// Options of recommend().
struct RecommendOptions {
    /// Items to recommend. Default 10.
    std::size_t k = 10;
    /// 0 = pure relevance; towards 1, maximal marginal relevance trades relevance for variety. Default 0.
    double diversity = 0.0;
    /// How the history makes the user vector. Default mean.
    UserProfile profile = UserProfile::mean;
    /// recency: the number of items after which an item's weight halves. Default 5.
    double half_life = 5.0;
    /// Leave out the items of the history. Default true.
    bool exclude_seen = true;
    /// Candidates re-ranked by maximal marginal relevance; 0 = max(5 k, 50). Default 0.
    std::size_t candidates = 0;
    /// Worker threads; 0 = all cores. Default 0. Results do not depend on it.
    unsigned threads = 0;
};

/// The user vector (1×D, unit length) of a history of item rows, oldest first. Errors (invalid_argument):
/// an empty history, a row out of range, half_life ≤ 0 for recency, liked items whose vectors sum to zero.
SEMVEC_API Result<Matrix> user_vector(const MatrixView& items, const std::vector<std::size_t>& history,
                                      UserProfile profile = UserProfile::mean, double half_life = 5.0);

/// The `options.k` items most similar to the user vector of `history`, re-ranked for diversity when asked.
/// Errors: those of user_vector(), diversity outside [0, 1], NaN or infinite item values.
SEMVEC_API Result<std::vector<Hit>> recommend(const MatrixView& items, const std::vector<std::size_t>& history,
                                              const RecommendOptions& options = {});

/// Maximal marginal relevance: `k` of `candidates` (hits for `query`, best first) chosen one by one by
/// (1 − diversity) · score − diversity · (highest cosine to an item already chosen). Scores are kept.
SEMVEC_API Result<std::vector<Hit>> mmr(const MatrixView& items, const std::vector<Hit>& candidates, std::size_t k,
                                        double diversity);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "knn.hpp"

namespace semvec {

SEMVEC_API Result<Matrix> user_vector(const MatrixView& items, const std::vector<std::size_t>& history, UserProfile profile,
                                      double half_life) {
    if (history.empty()) return make_error(ErrorCode::invalid_argument, "user_vector: the history is empty");
    if (profile == UserProfile::recency && !(half_life > 0))
        return make_error(ErrorCode::invalid_argument, "user_vector: half_life must be > 0");
    Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(items.cols());
    for (std::size_t r = 0; r < history.size(); ++r) {
        const std::size_t i = history[r];
        if (i >= static_cast<std::size_t>(items.rows()))
            return make_error(ErrorCode::invalid_argument, "user_vector: item " + std::to_string(i) + " is out of range (" +
                                                               std::to_string(items.rows()) + " items)");
        Eigen::RowVectorXd v = items.row(static_cast<Eigen::Index>(i)).cast<double>();
        const double nrm = v.norm();
        if (!std::isfinite(nrm))
            return make_error(ErrorCode::invalid_argument, "user_vector: item " + std::to_string(i) + " holds NaN or infinite values");
        if (nrm > 0) v /= nrm;
        const double age = static_cast<double>(history.size() - 1 - r);  // 0 for the most recent
        sum += (profile == UserProfile::recency ? std::pow(0.5, age / half_life) : 1.0) * v;
    }
    const double nrm = sum.norm();
    if (!(nrm > 0)) return make_error(ErrorCode::invalid_argument, "user_vector: the liked items' vectors sum to zero");
    Matrix out = (sum / nrm).cast<float>();
    return out;
}

SEMVEC_API Result<std::vector<Hit>> mmr(const MatrixView& items, const std::vector<Hit>& candidates, std::size_t k,
                                        double diversity) {
    if (!(diversity >= 0 && diversity <= 1)) return make_error(ErrorCode::invalid_argument, "mmr: diversity must be in [0, 1]");
    for (const Hit& h : candidates)
        if (h.index >= static_cast<std::size_t>(items.rows()))
            return make_error(ErrorCode::invalid_argument, "mmr: candidate " + std::to_string(h.index) + " is out of range");
    const std::size_t m = candidates.size();
    Matrix unit(static_cast<Eigen::Index>(m), items.cols());
    for (std::size_t c = 0; c < m; ++c) {
        Eigen::RowVectorXd v = items.row(static_cast<Eigen::Index>(candidates[c].index)).cast<double>();
        const double nrm = v.norm();
        unit.row(static_cast<Eigen::Index>(c)) = (nrm > 0 ? (v / nrm).eval() : v).cast<float>();
    }
    std::vector<Hit> out;
    std::vector<char> used(m, 0);
    std::vector<double> redundancy(m, -std::numeric_limits<double>::infinity());
    for (std::size_t step = 0; step < std::min(k, m); ++step) {
        std::size_t best = m;
        double best_score = -std::numeric_limits<double>::infinity();
        for (std::size_t c = 0; c < m; ++c) {
            if (used[c]) continue;
            const double red = step == 0 ? 0.0 : redundancy[c];
            const double s = (1 - diversity) * candidates[c].score - diversity * red;
            if (s > best_score || (s == best_score && best < m && candidates[c].index < candidates[best].index)) {
                best_score = s;
                best = c;
            }
        }
        if (best == m) break;
        used[best] = 1;
        out.push_back(candidates[best]);
        for (std::size_t c = 0; c < m; ++c)
            if (!used[c])
                redundancy[c] = std::max(redundancy[c], static_cast<double>(unit.row(static_cast<Eigen::Index>(c)).dot(unit.row(static_cast<Eigen::Index>(best)))));
    }
    return out;
}

SEMVEC_API Result<std::vector<Hit>> recommend(const MatrixView& items, const std::vector<std::size_t>& history,
                                              const RecommendOptions& options) {
    if (!(options.diversity >= 0 && options.diversity <= 1))
        return make_error(ErrorCode::invalid_argument, "recommend: diversity must be in [0, 1]");
    SEMVEC_TRY_STATUS(detail::check_points(items, "recommend"));
    auto user = user_vector(items, history, options.profile, options.half_life);
    if (!user) return user.error();
    std::vector<char> seen(static_cast<std::size_t>(items.rows()), 0);
    std::size_t n_seen = 0;
    if (options.exclude_seen)
        for (std::size_t i : history) {
            n_seen += seen[i] ? 0 : 1;
            seen[i] = 1;
        }
    const std::size_t pool = options.diversity > 0 ? std::max(options.candidates ? options.candidates : std::max<std::size_t>(5 * options.k, 50), options.k)
                                                   : options.k;
    TopKOptions to;
    to.k = pool + n_seen;
    to.threads = options.threads;
    auto hits = top_k(*user, Matrix(items), to);
    if (!hits) return hits.error();
    std::vector<Hit> candidates;
    for (const Hit& h : (*hits)[0])
        if (!seen[h.index] && candidates.size() < pool) candidates.push_back(h);
    if (options.diversity == 0) {
        if (candidates.size() > options.k) candidates.resize(options.k);
        return candidates;
    }
    return mmr(items, candidates, options.k, options.diversity);
}

}  // namespace semvec
#endif
