// semvec/util/parallel.hpp — deterministic fork-join over independent items.
//
// Work is split into fixed contiguous chunks that depend only on (n, threads), never on timing, so a
// caller that writes each item's result to its own slot gets the same bits for any thread count.
// Threads are started per call: the callers here run coarse work (a batch, a block of rows), so the
// ~20 µs start-up cost is noise, and no global pool outlives the caller (friendly to games and plugins).
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace semvec {

/// The thread count to use for `requested` (0 means all hardware threads), never more than `work_items`.
inline unsigned resolve_threads(unsigned requested, std::size_t work_items = static_cast<std::size_t>(-1)) {
    unsigned t = requested;
    if (t == 0) {
        t = std::thread::hardware_concurrency();
        if (t == 0) t = 1;
    }
    if (work_items < t) t = static_cast<unsigned>(std::max<std::size_t>(work_items, 1));
    return t;
}

/// Calls fn(begin, end, worker) on `threads` contiguous chunks of [0, n). Runs inline when threads <= 1.
template <class Fn>
void parallel_for(std::size_t n, unsigned threads, Fn&& fn) {
    if (n == 0) return;
    const unsigned t = resolve_threads(threads, n);
    if (t <= 1) {
        fn(std::size_t{0}, n, 0u);
        return;
    }
    std::vector<std::thread> pool;
    pool.reserve(t - 1);
    const std::size_t chunk = n / t, extra = n % t;
    std::size_t begin = 0;
    for (unsigned w = 0; w < t; ++w) {
        const std::size_t end = begin + chunk + (w < extra ? 1 : 0);
        if (w + 1 == t) {
            fn(begin, end, w);  // the caller's thread takes the last chunk
        } else {
            pool.emplace_back([&fn, begin, end, w] { fn(begin, end, w); });
        }
        begin = end;
    }
    for (auto& th : pool) th.join();
}

}  // namespace semvec
