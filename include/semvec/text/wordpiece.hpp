// semvec/text/wordpiece.hpp — WordPiece: greedy longest-match-first over a vocabulary, as HF's
// WordpieceTokenizer does it.
//
// The vocabulary sits in two open-addressing hash tables over one string pool: every token as written, and
// the continuation tokens keyed without their "##" prefix. Candidates are hashed incrementally (FNV-1a over
// the prefix bytes), so matching a word never builds a string and never allocates.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "basic_tokenizer.hpp"

namespace semvec {
namespace detail {

inline std::uint64_t fnv1a_init() { return 14695981039346656037ULL; }
inline std::uint64_t fnv1a_step(std::uint64_t h, unsigned char b) { return (h ^ b) * 1099511628211ULL; }
inline std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = fnv1a_init();
    for (char c : s) h = fnv1a_step(h, static_cast<unsigned char>(c));
    return h;
}

/// A string → id map with open addressing; later insertions of the same key win (as a Python dict built
/// line by line from vocab.txt does).
class VocabIndex {
public:
    void reserve(std::size_t n) {
        std::size_t cap = 16;
        while (cap < n * 2 + 1) cap <<= 1;
        slots_.assign(cap, Slot{});
        mask_ = cap - 1;
    }

    void insert(std::string_view key, std::int32_t id) {
        if (slots_.empty() || (count_ + 1) * 2 > slots_.size()) grow();
        const std::uint64_t h = fnv1a(key);
        std::size_t at = index(h);
        while (slots_[at].id >= 0) {
            if (slots_[at].hash == h && view(slots_[at]) == key) { slots_[at].id = id; return; }
            at = (at + 1) & mask_;
        }
        slots_[at] = Slot{h, id, static_cast<std::uint32_t>(pool_.size()), static_cast<std::uint32_t>(key.size())};
        pool_.append(key.data(), key.size());
        ++count_;
        max_len_ = std::max(max_len_, key.size());
    }

    /// The id of [s, s+len) whose FNV-1a hash is h, or -1.
    std::int32_t find(const char* s, std::size_t len, std::uint64_t h) const {
        if (slots_.empty()) return -1;
        std::size_t at = index(h);
        while (true) {
            const Slot& sl = slots_[at];
            if (sl.id < 0) return -1;
            if (sl.hash == h && sl.len == len && std::memcmp(pool_.data() + sl.off, s, len) == 0) return sl.id;
            at = (at + 1) & mask_;
        }
    }
    std::int32_t find(std::string_view s) const { return find(s.data(), s.size(), fnv1a(s)); }

    std::size_t max_length() const { return max_len_; }
    std::size_t size() const { return count_; }

private:
    struct Slot {
        std::uint64_t hash = 0;
        std::int32_t id = -1;
        std::uint32_t off = 0, len = 0;
    };
    std::size_t index(std::uint64_t h) const { return static_cast<std::size_t>(h ^ (h >> 31)) & mask_; }
    std::string_view view(const Slot& s) const { return std::string_view(pool_.data() + s.off, s.len); }
    void grow() {
        std::vector<Slot> old = std::move(slots_);
        reserve(std::max<std::size_t>(count_ * 2, 8));
        for (const Slot& s : old) {
            if (s.id < 0) continue;
            std::size_t at = index(s.hash);
            while (slots_[at].id >= 0) at = (at + 1) & mask_;
            slots_[at] = s;
        }
    }

    std::vector<Slot> slots_;
    std::string pool_;
    std::size_t mask_ = 0, count_ = 0, max_len_ = 0;
};

/// Buffers reused across words by WordPiece::tokenize.
struct WordPieceScratch {
    std::vector<std::uint64_t> hashes;
    std::vector<std::pair<std::int32_t, std::pair<std::uint32_t, std::uint32_t>>> pieces;  // id, byte range
};

}  // namespace detail

/// The WordPiece model: vocabulary, unknown token, continuation prefix and word-length limit.
/// Immutable after construction; safe to use from many threads at once.
class WordPiece {
public:
    WordPiece() = default;

    /// `tokens[i]` is the token of id i. `unk_id` may be -1 (then unmatched words are dropped).
    WordPiece(const std::vector<std::string>& tokens, std::int32_t unk_id, std::string continuing_prefix = "##",
              std::size_t max_input_chars_per_word = 100)
        : unk_id_(unk_id), prefix_(std::move(continuing_prefix)), max_chars_(max_input_chars_per_word) {
        full_.reserve(tokens.size());
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            const std::string& t = tokens[i];
            full_.insert(t, static_cast<std::int32_t>(i));
            if (!prefix_.empty() && t.size() > prefix_.size() && t.compare(0, prefix_.size(), prefix_) == 0)
                cont_.insert(std::string_view(t).substr(prefix_.size()), static_cast<std::int32_t>(i));
        }
        // With an empty prefix a continuation is looked up like a word start.
    }

    /// The id of a token as written (e.g. "##ing"), or -1.
    std::int32_t find(std::string_view token) const { return full_.find(token); }
    std::int32_t unk_id() const { return unk_id_; }
    const std::string& continuing_prefix() const { return prefix_; }
    std::size_t max_input_chars_per_word() const { return max_chars_; }

    /// Splits one word and calls push(id, begin, end) for each piece, with its span in the original text.
    /// A word longer than max_input_chars_per_word, or with no full split, gives one unknown token.
    template <class Push>
    void tokenize(const detail::WordRef& w, detail::WordPieceScratch& s, Push&& push) const {
        const std::size_t len = w.text.size();
        if (len == 0) return;
        const char* p = w.text.data();
        if (w.nchars > max_chars_) {
            emit_unk(w, push);
            return;
        }
        s.pieces.clear();
        std::size_t start = 0;
        while (start < len) {
            const detail::VocabIndex& idx = (start == 0 || prefix_.empty()) ? full_ : cont_;
            const std::size_t maxlen = std::min(len - start, idx.max_length());
            if (s.hashes.size() < maxlen + 1) s.hashes.resize(maxlen + 1);
            std::uint64_t h = detail::fnv1a_init();
            s.hashes[0] = h;
            for (std::size_t k = 0; k < maxlen; ++k) {
                h = detail::fnv1a_step(h, static_cast<unsigned char>(p[start + k]));
                s.hashes[k + 1] = h;
            }
            std::int32_t found = -1;
            std::size_t end = start + maxlen;
            for (; end > start; --end) {
                if (end < len && (static_cast<unsigned char>(p[end]) & 0xC0) == 0x80) continue;  // not a char boundary
                found = idx.find(p + start, end - start, s.hashes[end - start]);
                if (found >= 0) break;
            }
            if (found < 0) {
                emit_unk(w, push);
                return;
            }
            s.pieces.push_back({found, {static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end)}});
            start = end;
        }
        for (const auto& pc : s.pieces) {
            const auto sp = w.span(pc.second.first, pc.second.second);
            push(pc.first, sp.first, sp.second);
        }
    }

private:
    template <class Push>
    void emit_unk(const detail::WordRef& w, Push& push) const {
        if (unk_id_ < 0) return;
        const auto sp = w.span(0, w.text.size());
        push(unk_id_, sp.first, sp.second);
    }

    detail::VocabIndex full_, cont_;
    std::int32_t unk_id_ = -1;
    std::string prefix_ = "##";
    std::size_t max_chars_ = 100;
};

}  // namespace semvec
