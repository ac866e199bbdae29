// semvec/model/relative_position.hpp — MPNet's relative position bias (T5-style buckets).
//
// A score bias that depends only on the signed distance key − query: the distance falls in one of
// `num_buckets` buckets (half for each sign; exact below a quarter of the buckets, logarithmic up to
// max_distance, the last bucket beyond), and each head adds its learned value for that bucket. MPNet computes
// it once per sequence and shares it across layers; so does the encoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../config.hpp"

namespace semvec {
namespace detail {

/// HF's MPNetEncoder.relative_position_bucket for relative_position = key − query (bidirectional buckets).
SEMVEC_API std::size_t relative_position_bucket(std::int64_t relative_position, std::size_t num_buckets,
                                                std::size_t max_distance);

/// out[h · (2n − 1) + (j − i + n − 1)] = table[bucket(j − i) · heads + h] for every head h and distance
/// j − i in (−n, n): the per-head rows nn::DistanceBias reads (offset n − 1). table is [num_buckets, heads].
SEMVEC_API void relative_bias_rows(const float* table, std::size_t heads, std::size_t num_buckets,
                                   std::size_t max_distance, std::size_t n, std::vector<float>& out);

}  // namespace detail
}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>

namespace semvec {
namespace detail {

SEMVEC_API std::size_t relative_position_bucket(std::int64_t relative_position, std::size_t num_buckets,
                                                std::size_t max_distance) {
    const std::int64_t half = static_cast<std::int64_t>(num_buckets / 2);
    std::int64_t n = -relative_position;
    std::int64_t ret = n < 0 ? half : 0;
    n = n < 0 ? -n : n;
    const std::int64_t max_exact = half / 2;
    if (n < max_exact) return static_cast<std::size_t>(ret + n);
    // In f32 as torch computes it: log(n / max_exact) / log(max_distance / max_exact) · (half − max_exact).
    const float ratio = static_cast<float>(n) / static_cast<float>(max_exact);
    const float denom = static_cast<float>(std::log(static_cast<double>(max_distance) / static_cast<double>(max_exact)));
    std::int64_t large = max_exact + static_cast<std::int64_t>(std::log(ratio) / denom * static_cast<float>(half - max_exact));
    large = std::min<std::int64_t>(large, half - 1);
    return static_cast<std::size_t>(ret + large);
}

SEMVEC_API void relative_bias_rows(const float* table, std::size_t heads, std::size_t num_buckets,
                                   std::size_t max_distance, std::size_t n, std::vector<float>& out) {
    const std::size_t span = 2 * n - 1;
    out.resize(heads * span);
    for (std::size_t k = 0; k < span; ++k) {
        const std::int64_t rel = static_cast<std::int64_t>(k) - static_cast<std::int64_t>(n - 1);
        const std::size_t b = relative_position_bucket(rel, num_buckets, max_distance);
        for (std::size_t h = 0; h < heads; ++h) out[h * span + k] = table[b * heads + h];
    }
}

}  // namespace detail
}  // namespace semvec
#endif
