// semvec/text/word_cache.hpp — a thread-safe cache of word → tokens, shared by the BPE and Unigram models.
//
// Sharded by the word's hash. A shard is an open-addressing table of (hash, record) slots; a record holds the
// word and its tokens. A shard is filled until it holds kCapacity words and then only read: no eviction, so
// what is cached never changes a result, only its speed. A const model that owns a cache may be used by many
// threads at once.
//
// Why it is built this way: nearly every word of real text is a hit, so the hit path decides the speed, and
// on a corpus with tens of thousands of distinct words it is bound by cache misses. So readers take no lock
// (a read lock per word cost more than the lookup), a slot is one 8-byte word (hash tag + where the record
// is), so a shard's table stays small, and a record (word, then its tokens in 8 bytes each) sits in one
// cache line when it fits. Safety: nothing a reader can reach ever changes or moves. Records live in
// fixed arena chunks and are complete before a slot publishes them (release store, acquire load); a
// half-full table is replaced by a copy twice its size while the old one stays alive until the cache dies
// (a reader of the old table may miss a newer word, which only costs a recomputation).
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
    /// Asks the CPU to fetch the slot where `h` is looked up (stage 1 of a lookahead; nothing is read).
    SEMVEC_API void prefetch_slot(std::uint64_t h) const;
    /// Reads that slot (fetched by now) and asks for the record it names (stage 2). A lookup that follows
    /// finds both in cache: doing the stages for many words first lets their memory waits overlap.
    SEMVEC_API void prefetch_record(std::uint64_t h) const;
    /// The hash find() and insert() take: FNV-1a with a final mix, as the shard and the tag use the high bits.
    static std::uint64_t hash(std::string_view word) {
        std::uint64_t x = fnv1a(word);
        x ^= x >> 29;
        x *= 0xBF58476D1CE4E5B9ull;
        return x ^ (x >> 32);
    }

private:
    /// A cached word: header, the word's bytes, padding to 4, then `count` tokens.
    struct Record {
        std::uint16_t key_len, count;
    };
    /// A token as stored: spans fit 16 bits (words are at most kMaxWord bytes).
    struct PackedToken {
        std::int32_t id;
        std::uint16_t begin, end;
    };
    static constexpr std::size_t kChunkBytes = 1 << 16;
    /// Enough chunks for kCapacity records of the largest size (allocate() refuses more).
    static constexpr std::size_t kMaxChunks =
        kCapacity * (sizeof(Record) + kMaxWord + 3 + kMaxWord * sizeof(PackedToken)) / kChunkBytes + 1;
    /// A slot: 0 when empty, else the hash's high 32 bits (tag), the chunk (bits 16..31) and the record's
    /// offset in it in 4-byte units (bits 0..15).
    using Slot = std::atomic<std::uint64_t>;
    struct Table {
        std::size_t mask;
        std::unique_ptr<Slot[]> slots;
        explicit Table(std::size_t size) : mask(size - 1), slots(new Slot[size]) {
            for (std::size_t k = 0; k < size; ++k) slots[k].store(0, std::memory_order_relaxed);
        }
    };
    struct Shard {
        std::atomic<const Table*> table{nullptr};
        /// Record arena. A chunk pointer is set before any record in it is published, and never changes.
        std::unique_ptr<std::uint32_t[]> chunks[kMaxChunks];
        std::mutex mutex;                              // writers only
        std::vector<std::unique_ptr<Table>> tables;    // the current one last; older ones kept alive
        std::size_t chunk_count = 0, chunk_used = 0, count = 0;
    };
    static std::size_t shard_of(std::uint64_t h) { return static_cast<std::size_t>(h >> 58) % kShards; }
    static std::uint64_t tag_of(std::uint64_t h) { return (h >> 32) | 1; }  // never 0: 0 marks an empty slot
    /// Where probing for a tag starts (from the tag alone, so a growing table can re-place slots).
    static std::size_t home(std::uint64_t tag, std::size_t mask) { return static_cast<std::size_t>(tag >> 1) & mask; }
    static const Record* record_at(const Shard& s, std::uint64_t slot) {
        return reinterpret_cast<const Record*>(s.chunks[(slot >> 16) & 0xFFFF].get() + (slot & 0xFFFF));
    }
    static const char* key_of(const Record* r) { return reinterpret_cast<const char*>(r + 1); }
    static const PackedToken* tokens_of(const Record* r) {
        return reinterpret_cast<const PackedToken*>(reinterpret_cast<const std::uint32_t*>(r + 1) + (r->key_len + 3) / 4);
    }
    static bool same_word(const Record* r, std::string_view word);
    static void place(Table& t, std::uint64_t slot);
    static std::uint64_t allocate(Shard& s, std::size_t bytes, std::uint64_t tag);

    std::array<Shard, kShards> shards_;
};

}  // namespace detail

#if SEMVEC_DEFINITIONS

namespace detail {

inline bool WordCache::same_word(const Record* r, std::string_view word) {
    if (r->key_len != word.size()) return false;
    const char* k = key_of(r);
    for (std::size_t i = 0; i < word.size(); ++i)  // words are short: a loop beats a call to memcmp
        if (k[i] != word[i]) return false;
    return true;
}

SEMVEC_API bool WordCache::find(std::string_view word, std::uint64_t h, std::vector<WordToken>& out) const {
    const Shard& s = shards_[shard_of(h)];
    const Table* t = s.table.load(std::memory_order_acquire);
    if (!t) return false;
    const std::uint64_t tag = tag_of(h);
    for (std::size_t at = home(tag, t->mask);; at = (at + 1) & t->mask) {
        const std::uint64_t slot = t->slots[at].load(std::memory_order_acquire);
        if (!slot) return false;
        if ((slot >> 32) != tag) continue;
        const Record* r = record_at(s, slot);
        if (!same_word(r, word)) continue;
        const PackedToken* tk = tokens_of(r);
        for (std::size_t k = 0; k < r->count; ++k) out.push_back({tk[k].id, tk[k].begin, tk[k].end});
        return true;
    }
}

inline void prefetch_line(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

SEMVEC_API void WordCache::prefetch_slot(std::uint64_t h) const {
    if (const Table* t = shards_[shard_of(h)].table.load(std::memory_order_acquire))
        prefetch_line(&t->slots[home(tag_of(h), t->mask)]);
}

SEMVEC_API void WordCache::prefetch_record(std::uint64_t h) const {
    const Shard& s = shards_[shard_of(h)];
    const Table* t = s.table.load(std::memory_order_acquire);
    if (!t) return;
    const std::uint64_t tag = tag_of(h);
    const std::uint64_t slot = t->slots[home(tag, t->mask)].load(std::memory_order_acquire);
    if (slot && (slot >> 32) == tag) prefetch_line(record_at(s, slot));
}

inline void WordCache::place(Table& t, std::uint64_t slot) {
    std::size_t at = home(slot >> 32, t.mask);
    while (t.slots[at].load(std::memory_order_relaxed)) at = (at + 1) & t.mask;
    t.slots[at].store(slot, std::memory_order_release);
}

inline std::uint64_t WordCache::allocate(Shard& s, std::size_t bytes, std::uint64_t tag) {
    const std::size_t units = (bytes + 3) / 4;
    constexpr std::size_t kLine = 16, kChunkUnits = kChunkBytes / 4;  // 64-byte lines, in 4-byte units
    // A record that fits in a cache line does not straddle two.
    if (units <= kLine && s.chunk_used % kLine + units > kLine) s.chunk_used += kLine - s.chunk_used % kLine;
    if (s.chunk_count == 0 || s.chunk_used + units > kChunkUnits) {
        if (s.chunk_count == kMaxChunks) return 0;
        s.chunks[s.chunk_count++].reset(new std::uint32_t[kChunkUnits]);
        s.chunk_used = 0;
    }
    const std::uint64_t slot = (tag << 32) | ((s.chunk_count - 1) << 16) | s.chunk_used;
    s.chunk_used += units;
    return slot;
}

SEMVEC_API void WordCache::insert(std::string_view word, std::uint64_t h, const WordToken* first, const WordToken* last) {
    if (word.size() > kMaxWord || last - first > static_cast<std::ptrdiff_t>(kMaxWord)) return;
    Shard& s = shards_[shard_of(h)];
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.count >= kCapacity) return;
    Table* t = s.tables.empty() ? nullptr : s.tables.back().get();
    const std::uint64_t tag = tag_of(h);
    if (t) {
        for (std::size_t at = home(tag, t->mask);; at = (at + 1) & t->mask) {
            const std::uint64_t slot = t->slots[at].load(std::memory_order_relaxed);
            if (!slot) break;
            if ((slot >> 32) == tag && same_word(record_at(s, slot), word)) return;  // cached meanwhile
        }
    }
    // Keep the table at most half full: grow by doubling (the old table stays readable).
    if (!t || 2 * (s.count + 1) > t->mask + 1) {
        auto bigger = std::make_unique<Table>(t ? 2 * (t->mask + 1) : 64);
        if (t)
            for (std::size_t k = 0; k <= t->mask; ++k)
                if (const std::uint64_t slot = t->slots[k].load(std::memory_order_relaxed)) place(*bigger, slot);
        t = bigger.get();
        s.tables.push_back(std::move(bigger));
        s.table.store(t, std::memory_order_release);
    }
    const auto count = static_cast<std::size_t>(last - first);
    const std::uint64_t slot = allocate(s, sizeof(Record) + (word.size() + 3) / 4 * 4 + count * sizeof(PackedToken), tag);
    if (!slot) return;  // the arena is full (only with pathological words): leave it uncached
    auto* r = new (const_cast<Record*>(record_at(s, slot))) Record{static_cast<std::uint16_t>(word.size()), static_cast<std::uint16_t>(count)};
    std::memcpy(reinterpret_cast<char*>(r + 1), word.data(), word.size());
    auto* tk = const_cast<PackedToken*>(tokens_of(r));
    for (std::size_t k = 0; k < count; ++k)
        tk[k] = PackedToken{first[k].id, static_cast<std::uint16_t>(first[k].begin), static_cast<std::uint16_t>(first[k].end)};
    place(*t, slot);
    ++s.count;
}

}  // namespace detail

#endif  // SEMVEC_DEFINITIONS

}  // namespace semvec
