// semvec/text/word_cache.hpp — a thread-safe cache of word → tokens, shared by the BPE and Unigram models.
//
// Sharded by the word's hash; each shard is an open-addressing table behind a shared_mutex (many readers,
// one writer), with the words and their tokens in arenas. A shard is filled until it holds kCapacity words and
// then only read: no eviction, so what is cached never changes a result, only its speed. A const model that
// owns a cache may be used by many threads at once (the cache is internally synchronized).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

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
    static constexpr std::size_t kSlots = kCapacity * 2;

    /// Appends the cached tokens of `word` to `out` and returns true, or returns false.
    bool find(std::string_view word, std::uint64_t h, std::vector<WordToken>& out) const {
        const Shard& s = shards_[shard_of(h)];
        std::shared_lock<std::shared_mutex> lock(s.mutex);
        if (s.slots.empty()) return false;
        std::size_t at = static_cast<std::size_t>(h) & (kSlots - 1);
        while (s.slots[at].hash) {
            const Slot& sl = s.slots[at];
            if (sl.hash == h && sl.key_len == word.size() && std::memcmp(s.keys.data() + sl.key_off, word.data(), word.size()) == 0) {
                out.insert(out.end(), s.tokens.begin() + sl.tok_off, s.tokens.begin() + sl.tok_off + sl.tok_len);
                return true;
            }
            at = (at + 1) & (kSlots - 1);
        }
        return false;
    }
    /// Stores the tokens [first, last) of `word` (when the shard has room and the word is not there yet).
    void insert(std::string_view word, std::uint64_t h, const WordToken* first, const WordToken* last) {
        Shard& s = shards_[shard_of(h)];
        std::unique_lock<std::shared_mutex> lock(s.mutex);
        if (s.count >= kCapacity) return;
        if (s.slots.empty()) s.slots.assign(kSlots, Slot{});
        std::size_t at = static_cast<std::size_t>(h) & (kSlots - 1);
        while (s.slots[at].hash) {
            const Slot& sl = s.slots[at];
            if (sl.hash == h && sl.key_len == word.size() && std::memcmp(s.keys.data() + sl.key_off, word.data(), word.size()) == 0)
                return;  // another thread cached it meanwhile
            at = (at + 1) & (kSlots - 1);
        }
        Slot sl;
        sl.hash = h;
        sl.key_off = static_cast<std::uint32_t>(s.keys.size());
        sl.key_len = static_cast<std::uint32_t>(word.size());
        sl.tok_off = static_cast<std::uint32_t>(s.tokens.size());
        sl.tok_len = static_cast<std::uint32_t>(last - first);
        s.keys.append(word.data(), word.size());
        s.tokens.insert(s.tokens.end(), first, last);
        s.slots[at] = sl;
        ++s.count;
    }
    /// The hash find() and insert() take (never 0).
    static std::uint64_t hash(std::string_view word) { return fnv1a(word) | 1; }

private:
    struct Slot {
        std::uint64_t hash = 0;  // 0: empty
        std::uint32_t key_off = 0, key_len = 0, tok_off = 0, tok_len = 0;
    };
    struct Shard {
        mutable std::shared_mutex mutex;
        std::vector<Slot> slots;  // allocated on the first insert
        std::string keys;
        std::vector<WordToken> tokens;
        std::size_t count = 0;
    };
    static std::size_t shard_of(std::uint64_t h) { return static_cast<std::size_t>(h >> 58) % kShards; }
    std::array<Shard, kShards> shards_;
};

}  // namespace detail
}  // namespace semvec
