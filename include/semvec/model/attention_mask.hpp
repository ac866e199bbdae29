// semvec/model/attention_mask.hpp — which keys each query attends: all of them, a sliding window
// (ModernBERT's local layers: |i − j| ≤ w) or the causal prefix (Qwen3: j ≤ i).
//
// Padding never enters a sequence that encode() runs, so a mask is just a range of keys per query. When the
// caller passes a padding mask (Model::forward with a padded row, as HF runs it), the attended keys are the
// unmasked positions `keys` (ascending); each query's window or prefix is then a contiguous range of that
// list, found by binary search. nn::attention_blocked reads the ranges (nn::KeySpans).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../config.hpp"

namespace semvec {
namespace detail {

/// The key range [lo[i], hi[i]) of each of n queries (query i at position i) into `keys`, the attended key
/// positions in ascending order (nk = keys.size(); pass the identity for an unmasked sequence).
/// window > 0: keys with |i − j| ≤ window; causal: keys with j ≤ i; both false: every key (not stored: the
/// arrays are left empty and the attention takes every key).
struct KeyRanges {
    std::vector<std::uint32_t> lo, hi;
    bool empty() const { return lo.empty(); }
};

/// Sliding window: |i − j| ≤ window.
SEMVEC_API void sliding_window_ranges(const std::vector<std::int32_t>& keys, std::size_t n, std::size_t window,
                                      KeyRanges& out);
/// Causal: j ≤ i.
SEMVEC_API void causal_ranges(const std::vector<std::int32_t>& keys, std::size_t n, KeyRanges& out);

}  // namespace detail
}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>

namespace semvec {
namespace detail {

SEMVEC_API void sliding_window_ranges(const std::vector<std::int32_t>& keys, std::size_t n, std::size_t window,
                                      KeyRanges& out) {
    out.lo.resize(n);
    out.hi.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t a = static_cast<std::int64_t>(i) - static_cast<std::int64_t>(window);
        const std::int64_t b = static_cast<std::int64_t>(i) + static_cast<std::int64_t>(window);
        out.lo[i] = static_cast<std::uint32_t>(std::lower_bound(keys.begin(), keys.end(), a) - keys.begin());
        out.hi[i] = static_cast<std::uint32_t>(std::upper_bound(keys.begin(), keys.end(), b) - keys.begin());
    }
}

SEMVEC_API void causal_ranges(const std::vector<std::int32_t>& keys, std::size_t n, KeyRanges& out) {
    out.lo.assign(n, 0);
    out.hi.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        out.hi[i] = static_cast<std::uint32_t>(
            std::upper_bound(keys.begin(), keys.end(), static_cast<std::int64_t>(i)) - keys.begin());
}

}  // namespace detail
}  // namespace semvec
#endif
