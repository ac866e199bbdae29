// semvec/index/hnsw.hpp — the HNSW graph behind semvec::Index (Malkov & Yashunin 2016, as in hnswlib).
//
// Internal (semvec::detail): Index (index.hpp) owns the vectors and the file format; this header holds the
// layered graph, its search, and a construction that is deterministic for any thread count.
//
// Why not hnswlib itself (Debian's libhnswlib-dev 0.6.2): its header defines non-inline functions (cpuid,
// xgetbv, AVXCapable), so two translation units including it do not link — fatal for a header-only library;
// it throws (our headers build with -fno-exceptions); its loadIndex trusts the file (a malformed index reads
// out of bounds); its parallel insertion gives a different graph on every run; and 0.6.2 has no filtered
// search. The algorithm here is hnswlib's (greedy descent on the upper layers, ef-bounded best-first search
// on layer 0, the neighbour-selection heuristic, M links on upper layers and 2M on layer 0); what differs is
// the parallel construction: points are inserted in batches whose size depends only on the count. Within a
// batch, each point searches the graph as it was before the batch (read-only, in parallel) and also
// considers the earlier points of its batch by brute force; then the reverse links are added per target node
// (in parallel over targets, in source order within one), so the graph is the same bits for any thread count.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <new>
#include <utility>
#include <vector>

#include "../simd/simd.hpp"
#include "../util/parallel.hpp"

namespace semvec::detail {

SEMVEC_SIMD_NAMESPACE_BEGIN  // the distance kernels depend on the SIMD level: see simd/dispatch.hpp

/// Dot product of float vectors in the compiled SIMD level's packets: four independent accumulators (the
/// loads of four packets in flight), one reduction in a fixed order, a scalar tail. The same inputs give the
/// same bits on every call, so graph construction and search agree.
inline float dot_f32(const float* a, const float* b, std::size_t n) {
    using O = simd::Native;
    constexpr std::size_t W = static_cast<std::size_t>(O::width);
    typename O::vf s0 = O::zero(), s1 = O::zero(), s2 = O::zero(), s3 = O::zero();
    std::size_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
        s0 = O::fmadd(O::load(a + i), O::load(b + i), s0);
        s1 = O::fmadd(O::load(a + i + W), O::load(b + i + W), s1);
        s2 = O::fmadd(O::load(a + i + 2 * W), O::load(b + i + 2 * W), s2);
        s3 = O::fmadd(O::load(a + i + 3 * W), O::load(b + i + 3 * W), s3);
    }
    for (; i + W <= n; i += W) s0 = O::fmadd(O::load(a + i), O::load(b + i), s0);
    float s = O::reduce_add(O::add(O::add(s0, s1), O::add(s2, s3)));
    for (; i < n; ++i) s += a[i] * b[i];
    return s;
}

/// Dot product of a float vector with int8 codes (the codes widened to float).
inline float dot_f32_i8(const float* w, const std::int8_t* c, std::size_t n) {
    float acc[16] = {};
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; ++l) acc[l] += w[i + l] * static_cast<float>(c[i + l]);
    float s = 0.0f;
    for (int l = 0; l < 16; ++l) s += acc[l];
    for (; i < n; ++i) s += w[i] * static_cast<float>(c[i]);
    return s;
}

SEMVEC_SIMD_NAMESPACE_END

inline void prefetch(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

/// Prefetches the first cache lines of `bytes` bytes at `p` (at most `kPrefetchLines`: the hardware's stream
/// prefetcher fetches the rest once the reads run along them).
inline constexpr std::size_t kPrefetchLines = 4;  // 1, 2, 4, 8, 24 measured on 384-d and 100-d sets: 4 or more best
inline void prefetch_lines(const void* p, std::size_t bytes) {
    const auto* c = static_cast<const unsigned char*>(p);
    const std::size_t lines = std::min<std::size_t>((bytes + 63) / 64, kPrefetchLines);
    for (std::size_t i = 0; i < lines; ++i) prefetch(c + 64 * i);
}

/// (distance, node) pairs; smaller distance is nearer, ties broken by the lower node id.
using DistId = std::pair<float, std::uint32_t>;

/// Marks visited nodes with an epoch number, so clearing is O(1) per search (a full clear every 65535
/// searches). 16-bit tags halve the array's cache footprint, as in hnswlib.
struct VisitedSet {
    std::vector<std::uint16_t> tag;
    std::uint16_t epoch = 0;
    void reset(std::size_t n) {
        if (tag.size() < n) tag.resize(n, 0);
        if (++epoch == 0) {
            std::fill(tag.begin(), tag.end(), std::uint16_t{0});
            epoch = 1;
        }
    }
    bool visit(std::uint32_t id) {
        if (tag[id] == epoch) return false;
        tag[id] = epoch;
        return true;
    }
};

/// What one search needs besides the graph, kept by each worker thread and reused query after query, so a
/// search allocates nothing once they have grown.
struct SearchScratch {
    VisitedSet visited;
    std::vector<DistId> cand;         ///< min-heap: the nearest unexpanded node on top
    std::vector<DistId> best;         ///< max-heap: the farthest of the ef best on top
    std::vector<std::uint32_t> fresh; ///< one list's unvisited nodes
    std::vector<float> dists;         ///< their distances
    std::vector<DistId> found;        ///< the result of search()
};

/// One block per node, `stride` bytes apart in one 64-byte-aligned allocation: the node's stored vector
/// (`payload` bytes: float32 values or int8 codes), then its layer-0 list (count, then m0 ids). A node's
/// vector and links share one contiguous region, so a search step misses the cache once per node, not twice
/// (hnswlib's layout). `stride` is a multiple of 64, so every vector starts on a cache line.
class NodeBlocks {
public:
    NodeBlocks() = default;
    NodeBlocks(const NodeBlocks&) = delete;
    NodeBlocks& operator=(const NodeBlocks&) = delete;
    NodeBlocks(NodeBlocks&& o) noexcept { swap(o); }
    NodeBlocks& operator=(NodeBlocks&& o) noexcept {
        NodeBlocks tmp(std::move(o));
        swap(tmp);
        return *this;
    }
    ~NodeBlocks() { release(); }

    /// Sets the block layout (only while empty).
    void configure(std::size_t payload_bytes, std::size_t m0) {
        payload_ = payload_bytes;
        links_at_ = (payload_bytes + 3) / 4 * 4;
        stride_ = (links_at_ + (m0 + 1) * 4 + 63) / 64 * 64;
    }
    std::size_t size() const { return size_; }
    std::size_t stride() const { return stride_; }
    std::size_t payload_bytes() const { return payload_; }
    std::size_t memory_bytes() const { return capacity_ * stride_; }
    const unsigned char* data() const { return data_; }
    unsigned char* payload(std::uint32_t id) { return data_ + std::size_t{id} * stride_; }
    const unsigned char* payload(std::uint32_t id) const { return data_ + std::size_t{id} * stride_; }
    std::uint32_t* links(std::uint32_t id) { return reinterpret_cast<std::uint32_t*>(payload(id) + links_at_); }
    const std::uint32_t* links(std::uint32_t id) const {
        return reinterpret_cast<const std::uint32_t*>(payload(id) + links_at_);
    }
    /// Grows to `n` blocks (new ones zeroed: empty lists); capacity grows by half at least, so repeated add()s
    /// copy the blocks O(log n) times.
    void resize(std::size_t n) {
        if (n > capacity_) {
            const std::size_t cap = std::max(n, capacity_ == 0 ? n : capacity_ + capacity_ / 2);
            auto* fresh = static_cast<unsigned char*>(::operator new(cap * stride_, std::align_val_t{64}));
            if (size_) std::memcpy(fresh, data_, size_ * stride_);
            release();
            data_ = fresh;
            capacity_ = cap;
        }
        if (n > size_) std::memset(data_ + size_ * stride_, 0, (n - size_) * stride_);
        size_ = n;
    }

private:
    void swap(NodeBlocks& o) noexcept {
        std::swap(data_, o.data_);
        std::swap(size_, o.size_);
        std::swap(capacity_, o.capacity_);
        std::swap(stride_, o.stride_);
        std::swap(payload_, o.payload_);
        std::swap(links_at_, o.links_at_);
    }
    void release() {
        if (data_) ::operator delete(data_, std::align_val_t{64});
        data_ = nullptr;
        size_ = capacity_ = 0;
    }
    unsigned char* data_ = nullptr;
    std::size_t size_ = 0, capacity_ = 0, stride_ = 64, payload_ = 0, links_at_ = 0;
};

/// The layered graph. Space (see index.hpp) gives distances over the vectors stored in `nodes`:
/// `Query prepare(const float*)`, `float dist(const Query&, uint32 id)`, `float node_dist(uint32 a, uint32 b)`.
struct HnswGraph {
    std::size_t m = 16;                 ///< links per node on layers ≥ 1
    std::size_t m0 = 32;                ///< links per node on layer 0 (2m)
    std::size_t ef_construction = 200;  ///< candidates kept while inserting
    std::uint64_t seed = 42;            ///< level draws
    std::vector<std::uint8_t> levels;   ///< top layer of each node
    NodeBlocks nodes;                   ///< per node: its stored vector, then its layer-0 list
    std::vector<std::uint64_t> upper_begin;  ///< per node: first word of its upper lists in `upper`
    std::vector<std::uint32_t> upper;   ///< per node with level ≥ 1: level × (count, m ids)
    int max_level = -1;                 ///< -1 while empty
    std::uint32_t entry = 0;

    std::size_t size() const { return levels.size(); }
    std::uint32_t* list(std::uint32_t id, int level) {
        return level == 0 ? nodes.links(id) : upper.data() + upper_begin[id] + static_cast<std::size_t>(level - 1) * (m + 1);
    }
    const std::uint32_t* list(std::uint32_t id, int level) const {
        return const_cast<HnswGraph*>(this)->list(id, level);
    }
    std::size_t capacity(int level) const { return level == 0 ? m0 : m; }
    std::size_t memory_bytes() const {
        return levels.capacity() + nodes.memory_bytes() + upper_begin.capacity() * 8 + upper.capacity() * 4;
    }

    /// The level of node `id`: floor(−ln(u) / ln(m)) for u uniform in (0, 1] drawn from (seed, id), at most 30.
    int draw_level(std::uint64_t id) const {
        std::uint64_t x = seed + 0x9E3779B97F4A7C15ULL * (id + 1);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
        x ^= x >> 31;
        const double u = (static_cast<double>(x >> 11) + 1.0) * (1.0 / 9007199254740992.0);
        const double lvl = -std::log(u) / std::log(static_cast<double>(std::max<std::size_t>(m, 2)));
        return static_cast<int>(std::min(lvl, 30.0));
    }

    /// Greedy descent on one upper layer from `ep`.
    template <class Space, class Query>
    DistId greedy(const Space& sp, const Query& q, DistId ep, int level) const {
        for (bool changed = true; changed;) {
            changed = false;
            const std::uint32_t* l = list(ep.second, level);
            for (std::uint32_t j = 1; j <= l[0]; ++j) {
                const DistId c{sp.dist(q, l[j]), l[j]};
                if (c < ep) {
                    ep = c;
                    changed = true;
                }
            }
        }
        return ep;
    }

    /// Best-first search of one layer from the entry points `eps`: the `ef` nearest nodes reached, nearest
    /// first, into `out`. Nodes for which `skip(id)` holds are walked through but not returned. Each step takes
    /// the nearest unexpanded node, marks its unvisited neighbours and prefetches their blocks, then scores
    /// them (the loads of all of them in flight at once), and prefetches the list of the next node to expand.
    template <class Space, class Query, class Skip>
    void search_layer(const Space& sp, const Query& q, const DistId* eps, std::size_t neps, std::size_t ef, int level,
                      SearchScratch& s, Skip&& skip, std::vector<DistId>& out) const {
        using Nearer = std::greater<DistId>;  // heap order of `cand`: nearest on top
        VisitedSet& vis = s.visited;
        vis.reset(size());
        auto& cand = s.cand;
        auto& best = s.best;
        cand.clear();
        best.clear();
        s.fresh.resize(std::max(m0, m));
        s.dists.resize(std::max(m0, m));
        std::uint32_t* fresh = s.fresh.data();
        float* dists = s.dists.data();
        for (std::size_t e = 0; e < neps; ++e) {
            if (!vis.visit(eps[e].second)) continue;
            cand.push_back(eps[e]);
            std::push_heap(cand.begin(), cand.end(), Nearer{});
            if (!skip(eps[e].second)) {
                best.push_back(eps[e]);
                std::push_heap(best.begin(), best.end());
            }
        }
        while (!cand.empty()) {
            const DistId c = cand.front();
            if (best.size() >= ef && c.first > best.front().first) break;
            std::pop_heap(cand.begin(), cand.end(), Nearer{});
            cand.pop_back();
            const std::uint32_t* l = list(c.second, level);
            const std::uint32_t n = l[0];
            std::size_t nf = 0;
            for (std::uint32_t j = 1; j <= n; ++j) {
                const std::uint32_t id = l[j];
                if (!vis.visit(id)) continue;
                fresh[nf++] = id;
                prefetch_lines(nodes.payload(id), nodes.payload_bytes());
            }
            // Distances first, in a loop without data-dependent branches (the next vector's loads issue while
            // this one is summed), then the heap updates.
            for (std::size_t i = 0; i < nf; ++i) dists[i] = sp.dist(q, fresh[i]);
            for (std::size_t i = 0; i < nf; ++i) {
                const std::uint32_t id = fresh[i];
                const DistId d{dists[i], id};
                if (best.size() < ef || d < best.front()) {
                    cand.push_back(d);
                    std::push_heap(cand.begin(), cand.end(), Nearer{});
                    if (!skip(id)) {
                        best.push_back(d);
                        std::push_heap(best.begin(), best.end());
                        if (best.size() > ef) {
                            std::pop_heap(best.begin(), best.end());
                            best.pop_back();
                        }
                    }
                }
            }
            if (!cand.empty()) prefetch(list(cand.front().second, level));
        }
        std::sort_heap(best.begin(), best.end());
        out.assign(best.begin(), best.end());
    }

    /// hnswlib's neighbour heuristic: from candidates sorted nearest first, keep a candidate when it is nearer
    /// to the new point than to every one kept so far; at most `keep`.
    template <class Space>
    static std::vector<std::uint32_t> select(const Space& sp, const std::vector<DistId>& sorted, std::size_t keep) {
        std::vector<std::uint32_t> out;
        out.reserve(keep);
        for (const DistId& c : sorted) {
            if (out.size() >= keep) break;
            bool good = true;
            for (std::uint32_t s : out)
                if (sp.node_dist(c.second, s) < c.first) {
                    good = false;
                    break;
                }
            if (good) out.push_back(c.second);
        }
        return out;
    }

    /// Adds nodes [size(), size() + n) whose stored vectors the space already holds; `vector_of(i)` gives the
    /// float vector of new node i (0-based) that its searches start from.
    template <class Space, class VectorOf>
    void insert(const Space& sp, std::size_t n, VectorOf&& vector_of, unsigned threads) {
        const std::size_t n0 = size(), total = n0 + n;
        levels.resize(total);  // nodes already holds `total` blocks with the new vectors (the caller wrote them)
        upper_begin.resize(total);
        for (std::size_t i = n0; i < total; ++i) {
            levels[i] = static_cast<std::uint8_t>(draw_level(i));
            upper_begin[i] = upper.size();
            upper.resize(upper.size() + levels[i] * (m + 1), 0);
        }
        constexpr std::size_t kMaxBatch = 256;
        const unsigned t = resolve_threads(threads);
        std::vector<SearchScratch> scratch(t);
        struct Link {
            std::uint32_t target;
            std::uint8_t level;
            std::uint32_t source;
        };
        std::vector<std::vector<Link>> links_of(kMaxBatch);
        std::vector<Link> all;
        for (std::size_t start = n0; start < total;) {
            const std::size_t b = std::min({kMaxBatch, std::max<std::size_t>(1, start / 4), total - start});
            // 1. Each new point picks its neighbours from the graph as it was before the batch and from the
            //    earlier points of the batch. Writes only its own lists.
            parallel_for(b, t, [&](std::size_t lo, std::size_t hi, unsigned w) {
                for (std::size_t k = lo; k < hi; ++k) {
                    const auto p = static_cast<std::uint32_t>(start + k);
                    const auto q = sp.prepare(vector_of(p - n0));
                    const int lp = levels[p];
                    std::vector<DistId> eps;
                    if (max_level >= 0) {
                        DistId ep{sp.dist(q, entry), entry};
                        for (int l = max_level; l > lp; --l) ep = greedy(sp, q, ep, l);
                        eps.push_back(ep);
                    }
                    links_of[k].clear();
                    for (int l = lp; l >= 0; --l) {
                        std::vector<DistId> cands;
                        if (l <= max_level) {
                            search_layer(sp, q, eps.data(), eps.size(), ef_construction, l, scratch[w],
                                         [](std::uint32_t) { return false; }, cands);
                            eps = cands;
                        }
                        for (std::size_t j = start; j < p; ++j)
                            if (levels[j] >= l) cands.push_back({sp.dist(q, static_cast<std::uint32_t>(j)), static_cast<std::uint32_t>(j)});
                        std::sort(cands.begin(), cands.end());
                        const auto chosen = select(sp, cands, capacity(l));
                        std::uint32_t* own = list(p, l);
                        own[0] = static_cast<std::uint32_t>(chosen.size());
                        for (std::size_t j = 0; j < chosen.size(); ++j) {
                            own[j + 1] = chosen[j];
                            links_of[k].push_back({chosen[j], static_cast<std::uint8_t>(l), p});
                        }
                    }
                }
            });
            // 2. Reverse links, grouped by (target, level) in source order; each group in one worker.
            all.clear();
            for (std::size_t k = 0; k < b; ++k) all.insert(all.end(), links_of[k].begin(), links_of[k].end());
            std::stable_sort(all.begin(), all.end(), [](const Link& a, const Link& c) {
                return a.target != c.target ? a.target < c.target : a.level < c.level;
            });
            std::vector<std::size_t> groups;
            for (std::size_t i = 0; i < all.size(); ++i)
                if (i == 0 || all[i].target != all[i - 1].target || all[i].level != all[i - 1].level) groups.push_back(i);
            groups.push_back(all.size());
            parallel_for(groups.size() - 1, t, [&](std::size_t lo, std::size_t hi, unsigned) {
                std::vector<DistId> cands;
                for (std::size_t g = lo; g < hi; ++g) {
                    const std::uint32_t target = all[groups[g]].target;
                    const int l = all[groups[g]].level;
                    std::uint32_t* lst = list(target, l);
                    const std::size_t cap = capacity(l);
                    for (std::size_t i = groups[g]; i < groups[g + 1]; ++i) {
                        const std::uint32_t s = all[i].source;
                        if (lst[0] < cap) {
                            lst[++lst[0]] = s;
                            continue;
                        }
                        cands.clear();
                        for (std::uint32_t j = 1; j <= lst[0]; ++j) cands.push_back({sp.node_dist(target, lst[j]), lst[j]});
                        cands.push_back({sp.node_dist(target, s), s});
                        std::sort(cands.begin(), cands.end());
                        const auto kept = select(sp, cands, cap);
                        lst[0] = static_cast<std::uint32_t>(kept.size());
                        for (std::size_t j = 0; j < kept.size(); ++j) lst[j + 1] = kept[j];
                    }
                }
            });
            // 3. The entry point is the first node of the highest level.
            for (std::size_t k = 0; k < b; ++k)
                if (static_cast<int>(levels[start + k]) > max_level) {
                    max_level = levels[start + k];
                    entry = static_cast<std::uint32_t>(start + k);
                }
            start += b;
        }
    }

    /// The `k` nearest nodes to a prepared query, nearest first, into `s.found`; none for which skip(id) holds.
    template <class Space, class Query, class Skip>
    void search(const Space& sp, const Query& q, std::size_t k, std::size_t ef, SearchScratch& s, Skip&& skip) const {
        s.found.clear();
        if (max_level < 0 || k == 0) return;
        DistId ep{sp.dist(q, entry), entry};
        for (int l = max_level; l > 0; --l) ep = greedy(sp, q, ep, l);
        search_layer(sp, q, &ep, 1, std::max(ef, k), 0, s, skip, s.found);
        if (s.found.size() > k) s.found.resize(k);
    }
};

}  // namespace semvec::detail
