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
#include <queue>
#include <utility>
#include <vector>

#include "../util/parallel.hpp"

namespace semvec::detail {

/// Dot product of float vectors with 16 independent partial sums (vectorized by the compiler; the order of
/// additions is fixed, so the result is the same on every call).
inline float dot_f32(const float* a, const float* b, std::size_t n) {
    float acc[16] = {};
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; ++l) acc[l] += a[i + l] * b[i + l];
    float s = 0.0f;
    for (int l = 0; l < 16; ++l) s += acc[l];
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

inline void prefetch(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

/// (distance, node) pairs; smaller distance is nearer, ties broken by the lower node id.
using DistId = std::pair<float, std::uint32_t>;

/// Marks visited nodes with an epoch number, so clearing is O(1) per search.
struct VisitedSet {
    std::vector<std::uint32_t> tag;
    std::uint32_t epoch = 0;
    void reset(std::size_t n) {
        if (tag.size() < n) tag.resize(n, 0);
        if (++epoch == 0) {
            std::fill(tag.begin(), tag.end(), 0);
            epoch = 1;
        }
    }
    bool visit(std::uint32_t id) {
        if (tag[id] == epoch) return false;
        tag[id] = epoch;
        return true;
    }
};

/// The layered graph. Space (see index.hpp) gives distances: `Query prepare(const float*)`,
/// `float dist(const Query&, uint32 id)`, `float node_dist(uint32 a, uint32 b)`, `const void* ptr(uint32)`.
struct HnswGraph {
    std::size_t m = 16;                 ///< links per node on layers ≥ 1
    std::size_t m0 = 32;                ///< links per node on layer 0 (2m)
    std::size_t ef_construction = 200;  ///< candidates kept while inserting
    std::uint64_t seed = 42;            ///< level draws
    std::vector<std::uint8_t> levels;   ///< top layer of each node
    std::vector<std::uint32_t> links0;  ///< per node: count, then m0 ids
    std::vector<std::uint64_t> upper_begin;  ///< per node: first word of its upper lists in `upper`
    std::vector<std::uint32_t> upper;   ///< per node with level ≥ 1: level × (count, m ids)
    int max_level = -1;                 ///< -1 while empty
    std::uint32_t entry = 0;

    std::size_t size() const { return levels.size(); }
    std::uint32_t* list(std::uint32_t id, int level) {
        return level == 0 ? links0.data() + static_cast<std::size_t>(id) * (m0 + 1)
                          : upper.data() + upper_begin[id] + static_cast<std::size_t>(level - 1) * (m + 1);
    }
    const std::uint32_t* list(std::uint32_t id, int level) const {
        return const_cast<HnswGraph*>(this)->list(id, level);
    }
    std::size_t capacity(int level) const { return level == 0 ? m0 : m; }
    std::size_t memory_bytes() const {
        return levels.capacity() + links0.capacity() * 4 + upper_begin.capacity() * 8 + upper.capacity() * 4;
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

    /// Best-first search of one layer: the `ef` nearest nodes reached from `eps`, nearest first. Nodes for
    /// which `skip(id)` holds are walked through but not returned.
    template <class Space, class Query, class Skip>
    std::vector<DistId> search_layer(const Space& sp, const Query& q, const std::vector<DistId>& eps, std::size_t ef,
                                     int level, VisitedSet& vis, Skip&& skip) const {
        vis.reset(size());
        std::priority_queue<DistId, std::vector<DistId>, std::greater<DistId>> cand;  // nearest on top
        std::priority_queue<DistId> best;                                            // farthest on top
        for (const DistId& e : eps) {
            if (!vis.visit(e.second)) continue;
            cand.push(e);
            if (!skip(e.second)) best.push(e);
        }
        while (!cand.empty()) {
            const DistId c = cand.top();
            if (best.size() >= ef && c.first > best.top().first) break;
            cand.pop();
            const std::uint32_t* l = list(c.second, level);
            const std::uint32_t n = l[0];
            for (std::uint32_t j = 1; j <= n; ++j) prefetch(sp.ptr(l[j]));
            for (std::uint32_t j = 1; j <= n; ++j) {
                const std::uint32_t id = l[j];
                if (!vis.visit(id)) continue;
                const DistId d{sp.dist(q, id), id};
                if (best.size() < ef || d < best.top()) {
                    cand.push(d);
                    if (!skip(id)) {
                        best.push(d);
                        if (best.size() > ef) best.pop();
                    }
                }
            }
        }
        std::vector<DistId> out(best.size());
        for (std::size_t i = out.size(); i-- > 0; best.pop()) out[i] = best.top();
        return out;
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
        levels.resize(total);
        links0.resize(total * (m0 + 1), 0);
        upper_begin.resize(total);
        for (std::size_t i = n0; i < total; ++i) {
            levels[i] = static_cast<std::uint8_t>(draw_level(i));
            upper_begin[i] = upper.size();
            upper.resize(upper.size() + levels[i] * (m + 1), 0);
        }
        constexpr std::size_t kMaxBatch = 256;
        const unsigned t = resolve_threads(threads);
        std::vector<VisitedSet> visited(t);
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
                            cands = search_layer(sp, q, eps, ef_construction, l, visited[w], [](std::uint32_t) { return false; });
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

    /// The `k` nearest nodes to a prepared query, nearest first, none for which skip(id) holds.
    template <class Space, class Query, class Skip>
    std::vector<DistId> search(const Space& sp, const Query& q, std::size_t k, std::size_t ef, VisitedSet& vis,
                               Skip&& skip) const {
        if (max_level < 0 || k == 0) return {};
        DistId ep{sp.dist(q, entry), entry};
        for (int l = max_level; l > 0; --l) ep = greedy(sp, q, ep, l);
        auto found = search_layer(sp, q, {ep}, std::max(ef, k), 0, vis, skip);
        if (found.size() > k) found.resize(k);
        return found;
    }
};

}  // namespace semvec::detail
