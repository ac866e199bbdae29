// semvec/metric.hpp — how two vectors compare: the one enum for search, kNN and the reducers.
//
// Distances (kNN, t-SNE, SNE, UMAP, quality metrics) accept euclidean and cosine; dot is a similarity with
// no distance behind it, so only ranking (top_k) accepts it. Spelled the same in files and on the command
// line: "euclidean", "cosine", "dot".
#pragma once

#include <string_view>

#include "config.hpp"
#include "result.hpp"

namespace semvec {

/// How two vectors compare.
enum class Metric {
    euclidean,  ///< L2 distance
    cosine,     ///< 1 − cos(x, y) as a distance, cos(x, y) as a score; a zero row has cosine 0 to everything
    dot,        ///< raw dot product (a score only: for vectors already normalized, or models trained for it)
};

/// "euclidean", "cosine" or "dot".
SEMVEC_API const char* to_string(Metric metric);

/// The metric named `name` (spelled as to_string prints it); ErrorCode::invalid_argument for other names.
SEMVEC_API Result<Metric> parse_metric(std::string_view name);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <string>

namespace semvec {

SEMVEC_API const char* to_string(Metric metric) {
    switch (metric) {
        case Metric::euclidean: return "euclidean";
        case Metric::cosine: return "cosine";
        case Metric::dot: return "dot";
    }
    return "?";
}

SEMVEC_API Result<Metric> parse_metric(std::string_view name) {
    for (Metric m : {Metric::euclidean, Metric::cosine, Metric::dot})
        if (name == to_string(m)) return m;
    return make_error(ErrorCode::invalid_argument,
                      "unknown metric '" + std::string(name) + "' (euclidean, cosine or dot)");
}

}  // namespace semvec
#endif
