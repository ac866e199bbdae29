// semvec/util/pages.hpp — give back the pages of a memory-mapped tensor once it has been copied (packed).
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace semvec {
namespace detail {

/// Asks the kernel to reclaim the pages wholly inside [p, p + bytes) of a read-only file mapping after its
/// contents were packed elsewhere. MADV_PAGEOUT never changes contents (clean file pages are re-read if touched
/// again), so peak RSS stays near one copy of the weights. A no-op where unsupported.
inline void release_mapped_pages(const void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_PAGEOUT)
    const std::uintptr_t page = 4096, a = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t lo = (a + page - 1) / page * page, hi = (a + bytes) / page * page;
    if (hi > lo) (void)::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_PAGEOUT);
#else
    (void)p;
    (void)bytes;
#endif
}

}  // namespace detail
}  // namespace semvec
