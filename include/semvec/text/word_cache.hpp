// semvec/text/word_cache.hpp — a thread-safe cache of word → tokens, shared by the BPE and Unigram models.
//
// Sharded by the word's hash. A shard is an open-addressing table of (hash, record) slots; a record holds the
// word and its tokens. A shard is filled until it holds kCapacity words and then only read: no eviction, so
// what is cached never changes a result, only its speed. A const model that owns a cache may be used by many
// threads at once.
//
// Why lock-free reads: nearly every word of real text is a hit, and a reader lock per word (two atomic
// read-modify-writes) cost more than the lookup itself. Writers take the shard's mutex; readers take nothing.
// That is safe because nothing a reader can reach ever changes or moves: records live in fixed arena chunks
// and are complete before a slot publishes them (release store, acquire load), and a full table is replaced
// by a bigger copy while the old one stays alive until the cache dies (a reader of the old table may miss a
// newer word, which only costs a recomputation). Tables start small and double, so the slots in use stay
// dense in memory.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string_view>
#include <vector>

#include "../config.hpp"
#include "wordpiece.hpp"

namespace semvec {

/// One token of a word: its id and the byte span [begin, end) it covers in the word.
struct WordToken {
    std::int32_t id;
    std::uint32_t begin, end;
};

namespace detail {

class WordCache {
public:
    static constexpr std::size_t kMaxWord = 256;       ///< longer words are not cached
    static constexpr std::size_t kShards = 64;
    static constexpr std::size_t kCapacity = 4096;     ///< words per shard

    WordCache() = default;
    WordCache(const WordCache&) = delete;
    WordCache& operator=(const WordCache&) = delete;

    /// Appends the cached tokens of `word` to `out` and returns true, or returns false.
    SEMVEC_API bool find(std::string_view word, std::uint64_t h, std::vector<WordToken>& out) const;
    /// Stores the tokens [first, last) of `word` (when the shard has room and the word is not there yet).
    SEMVEC_API void insert(std::string_view word, std::uint64_t h, const WordToken* first, const WordToken* last);
    /// The hash find() and insert() take (never 0).
    static std::uint64_t hash(std::string_view word) { return fnv1a(word) | 1; }

private:
    /// A cached word: header, then `count` tokens, then the word's bytes.
    struct Record {
        std::uint32_t key_len, count;
        const WordToken* tokens() const { return reinterpret_cast<const WordToken*>(this + 1); }
        const char* key() const { return reinterpret_cast<const char*>(tokens() + count); }
    };
    struct Slot {
        std::atomic<std::uint64_t> hash{0};           // written before `record` is published
        std::atomic<const Record*> record{nullptr};   // null: empty
    };
    struct Table {
        std::size_t mask;
        std::unique_ptr<Slot[]> slots;
        explicit Table(std::size_t size) : mask(size - 1), slots(new Slot[size]) {}
    };
    struct Shard {
        std::atomic<const Table*> table{nullptr};
        std::mutex mutex;                                   // writers only
        std::vector<std::unique_ptr<Table>> tables;         // the current one last; older ones kept alive
        std::vector<std::unique_ptr<std::uint64_t[]>> chunks;  // record arena (8-byte aligned, never moved)
        std::size_t chunk_used = 0, chunk_size = 0, count = 0;
    };
    static std::size_t shard_of(std::uint64_t h) { return static_cast<std::size_t>(h >> 58) % kShards; }
    static bool same_word(const Record& r, std::string_view word);
    static void place(Table& t, std::uint64_t h, const Record* r);
    static void* allocate(Shard& s, std::size_t bytes);

    std::array<Shard, kShards> shards_;
};

}  // namespace detail

#if SEMVEC_DEFINITIONS

namespace detail {

inline bool WordCache::same_word(const Record& r, std::string_view word) {
    if (r.key_len != word.size()) return false;
    const char* k = r.key();
    for (std::size_t i = 0; i < word.size(); ++i)  // words are short: a loop beats a call to memcmp
        if (k[i] != word[i]) return false;
    return true;
}

SEMVEC_API bool WordCache::find(std::string_view word, std::uint64_t h, std::vector<WordToken>& out) const {
    const Table* t = shards_[shard_of(h)].table.load(std::memory_order_acquire);
    if (!t) return false;
    std::size_t at = static_cast<std::size_t>(h >> 1) & t->mask;
    while (true) {
        const Slot& sl = t->slots[at];
        const Record* r = sl.record.load(std::memory_order_acquire);
        if (!r) return false;
        if (sl.hash.load(std::memory_order_relaxed) == h && same_word(*r, word)) {
            out.insert(out.end(), r->tokens(), r->tokens() + r->count);
            return true;
        }
        at = (at + 1) & t->mask;
    }
}

inline void WordCache::place(Table& t, std::uint64_t h, const Record* r) {
    std::size_t at = static_cast<std::size_t>(h >> 1) & t.mask;
    while (t.slots[at].record.load(std::memory_order_relaxed)) at = (at + 1) & t.mask;
    t.slots[at].hash.store(h, std::memory_order_relaxed);
    t.slots[at].record.store(r, std::memory_order_release);
}

inline void* WordCache::allocate(Shard& s, std::size_t bytes) {
    const std::size_t words = (bytes + 7) / 8;
    if (s.chunks.empty() || s.chunk_used + words > s.chunk_size) {
        s.chunk_size = std::max<std::size_t>(words, 8192);  // 64 KB chunks
        s.chunks.emplace_back(new std::uint64_t[s.chunk_size]);
        s.chunk_used = 0;
    }
    void* r = s.chunks.back().get() + s.chunk_used;
    s.chunk_used += words;
    return r;
}

SEMVEC_API void WordCache::insert(std::string_view word, std::uint64_t h, const WordToken* first, const WordToken* last) {
    Shard& s = shards_[shard_of(h)];
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.count >= kCapacity) return;
    Table* t = s.tables.empty() ? nullptr : s.tables.back().get();
    if (t) {
        std::size_t at = static_cast<std::size_t>(h >> 1) & t->mask;
        while (const Record* r = t->slots[at].record.load(std::memory_order_relaxed)) {
            if (t->slots[at].hash.load(std::memory_order_relaxed) == h && same_word(*r, word)) return;  // cached meanwhile
            at = (at + 1) & t->mask;
        }
    }
    // Keep the table at most half full: grow by doubling (the old table stays readable).
    if (!t || 2 * (s.count + 1) > t->mask + 1) {
        auto bigger = std::make_unique<Table>(t ? 2 * (t->mask + 1) : 64);
        if (t)
            for (std::size_t k = 0; k <= t->mask; ++k)
                if (const Record* r = t->slots[k].record.load(std::memory_order_relaxed))
                    place(*bigger, t->slots[k].hash.load(std::memory_order_relaxed), r);
        t = bigger.get();
        s.tables.push_back(std::move(bigger));
        s.table.store(t, std::memory_order_release);
    }
    const auto count = static_cast<std::uint32_t>(last - first);
    void* at = allocate(s, sizeof(Record) + count * sizeof(WordToken) + word.size());
    auto* r = new (at) Record{static_cast<std::uint32_t>(word.size()), count};
    char* tail = reinterpret_cast<char*>(r + 1);
    if (count) std::memcpy(tail, first, count * sizeof(WordToken));
    std::memcpy(tail + count * sizeof(WordToken), word.data(), word.size());
    place(*t, h, r);
    ++s.count;
}

}  // namespace detail

#endif  // SEMVEC_DEFINITIONS

}  // namespace semvec
