// semvec/search.hpp — exact top-k search: the corpus rows most similar to each query (cosine or dot).
//
//   auto hits = semvec::top_k(queries, corpus, {10});   // Result<std::vector<std::vector<semvec::Hit>>>
//   for (const auto& h : (*hits)[0]) printf("%zu %.4f\n", h.index, h.score);
//
// Brute force by blocks: scores come from one GEMM per (query block, corpus block) of fixed sizes, so memory
// stays small for any corpus and a query's scores do not depend on the thread count. Order: higher score
// first, ties by lower corpus index, so results are deterministic; a NaN score ranks below everything (and
// is reported as -inf).
#pragma once

#include <cstddef>
#include <vector>

#include "config.hpp"
#include "matrix.hpp"
#include "metric.hpp"
#include "result.hpp"

namespace semvec {

/// Options of top_k().
struct TopKOptions {
    /// Hits per query (fewer when the corpus is smaller). Default 10.
    std::size_t k = 10;
    /// Score: cosine (dot product of the L2-normalized rows; a zero row scores 0) or dot. Default cosine.
    Metric metric = Metric::cosine;
    /// Worker threads; 0 = all cores. Default 0. Results do not depend on it.
    unsigned threads = 0;
};

/// One search result: a corpus row and its score.
struct Hit {
    std::size_t index = 0;
    float score = 0.0f;
};

/// The `options.k` corpus rows most similar to each query row, best first. Queries and corpus must have the
/// same number of columns.
SEMVEC_API Result<std::vector<std::vector<Hit>>> top_k(const Matrix& queries, const Matrix& corpus,
                                                       const TopKOptions& options = {});

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "simd/cpu.hpp"
#include "util/finite.hpp"
#include "util/parallel.hpp"

namespace semvec {
namespace detail {

/// Row-wise L2 normalization into a copy (zero rows stay zero).
inline Matrix unit_rows(const Matrix& m) {
    Matrix out = m;
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
        double s = 0.0;
        for (Eigen::Index j = 0; j < out.cols(); ++j) s += static_cast<double>(out(i, j)) * out(i, j);
        if (s > 0.0) out.row(i) *= static_cast<float>(1.0 / std::sqrt(s));
    }
    return out;
}

/// Whether a ranks before b: higher score, then lower index.
inline bool hit_before(const Hit& a, const Hit& b) {
    return a.score > b.score || (a.score == b.score && a.index < b.index);
}

}  // namespace detail

SEMVEC_API Result<std::vector<std::vector<Hit>>> top_k(const Matrix& queries, const Matrix& corpus,
                                                       const TopKOptions& options) {
    SEMVEC_TRY_STATUS(simd::require_cpu());  // cpu_unsupported, not SIGILL (simd/cpu.hpp)
    if (queries.cols() != corpus.cols())
        return make_error("queries have " + std::to_string(queries.cols()) + " columns but the corpus has " +
                          std::to_string(corpus.cols()));
    SEMVEC_TRY_STATUS(detail::require_finite(queries, "queries"));  // a NaN would be ranked silently
    SEMVEC_TRY_STATUS(detail::require_finite(corpus, "corpus"));
    const std::size_t Q = static_cast<std::size_t>(queries.rows()), N = static_cast<std::size_t>(corpus.rows());
    const std::size_t k = std::min(options.k, N);
    std::vector<std::vector<Hit>> out(Q);
    if (Q == 0 || k == 0) return out;
    if (options.metric == Metric::euclidean)
        return make_error(ErrorCode::invalid_argument, "top_k ranks by cosine or dot, not euclidean");
    const bool cosine = options.metric == Metric::cosine;
    const Matrix qn = cosine ? detail::unit_rows(queries) : Matrix();
    const Matrix cn = cosine ? detail::unit_rows(corpus) : Matrix();
    const Matrix& qm = cosine ? qn : queries;
    const Matrix& cm = cosine ? cn : corpus;
    // Fixed block sizes (not derived from the thread count) keep every score's arithmetic the same.
    constexpr std::size_t kQueryBlock = 64, kCorpusBlock = 2048;
    const std::size_t nblocks = (Q + kQueryBlock - 1) / kQueryBlock;
    parallel_for(nblocks, resolve_threads(options.threads, nblocks), [&](std::size_t lo, std::size_t hi, unsigned) {
        Matrix scores;
        for (std::size_t qb = lo; qb < hi; ++qb) {
            const std::size_t q0 = qb * kQueryBlock, nq = std::min(kQueryBlock, Q - q0);
            for (std::size_t i = 0; i < nq; ++i) out[q0 + i].reserve(k);
            for (std::size_t c0 = 0; c0 < N; c0 += kCorpusBlock) {
                const std::size_t nc = std::min(kCorpusBlock, N - c0);
                scores.noalias() = qm.middleRows(static_cast<Eigen::Index>(q0), static_cast<Eigen::Index>(nq)) *
                                   cm.middleRows(static_cast<Eigen::Index>(c0), static_cast<Eigen::Index>(nc)).transpose();
                for (std::size_t i = 0; i < nq; ++i) {
                    auto& heap = out[q0 + i];  // worst kept hit on top
                    for (std::size_t j = 0; j < nc; ++j) {
                        float s = scores(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
                        if (std::isnan(s)) s = -std::numeric_limits<float>::infinity();
                        const Hit h{c0 + j, s};
                        if (heap.size() < k) {
                            heap.push_back(h);
                            std::push_heap(heap.begin(), heap.end(), detail::hit_before);
                        } else if (detail::hit_before(h, heap.front())) {
                            std::pop_heap(heap.begin(), heap.end(), detail::hit_before);
                            heap.back() = h;
                            std::push_heap(heap.begin(), heap.end(), detail::hit_before);
                        }
                    }
                }
            }
            for (std::size_t i = 0; i < nq; ++i) std::sort_heap(out[q0 + i].begin(), out[q0 + i].end(), detail::hit_before);
        }
    });
    return out;
}

}  // namespace semvec
#endif  // SEMVEC_DEFINITIONS
