// semvec/text/bpe.hpp — the BPE model (byte-pair encoding by merge rank), as Hugging Face tokenizers' BPE and
// transformers' GPT2Tokenizer.bpe() apply it.
//
// A word starts as one symbol per character (byte-level BPE: one per byte, spelled with GPT-2's byte-to-
// unicode alphabet, e.g. ' ' → 'Ġ'); then the adjacent pair with the lowest merge rank is merged, leftmost
// first on ties, until no pair has a merge. That is HF's priority-queue algorithm; it gives the same result
// as the slow tokenizers' "merge every occurrence of the best bigram" loop. It runs in O(n log n), so a
// 10 MB word without spaces costs seconds, not hours.
//
// Characters missing from the vocabulary become <0xXX> byte tokens (byte_fallback), or the unknown token
// (consecutive ones fused into one when fuse_unk), or are dropped when the model has neither, as HF does.
//
// Words up to 256 bytes are cached in the model (semvec/text/word_cache.hpp: sharded, thread-safe, no
// eviction, so the result never depends on what was cached). A const BpeModel may be used by many threads.
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../result.hpp"
#include "word_cache.hpp"
#include "wordpiece.hpp"

namespace semvec {

/// Settings of a BPE model, with HF's names and defaults.
struct BpeOptions {
    /// Token for characters the vocabulary lacks; empty (the default) means none.
    std::string unk_token;
    /// Prefix of tokens that continue a word (e.g. "##"); empty by default.
    std::string continuing_subword_prefix;
    /// Suffix of tokens that end a word (e.g. "</w>"); empty by default.
    std::string end_of_word_suffix;
    /// Consecutive unknown characters become one unknown token (default false).
    bool fuse_unk = false;
    /// Unknown characters become their UTF-8 bytes as <0xXX> tokens when those exist (default false).
    bool byte_fallback = false;
    /// A word that is a vocabulary token as a whole is taken as it is, without merges (default false;
    /// Llama 3 sets it).
    bool ignore_merges = false;
};

namespace detail {

/// GPT-2's reversible byte-to-unicode map: printable Latin-1 bytes stand for themselves, the others are
/// shifted to U+0100 and up (so ' ' is 'Ġ' U+0120 and '\n' is 'Ċ' U+010A).
inline const std::array<char32_t, 256>& byte_level_alphabet() {
    static const std::array<char32_t, 256> table = [] {
        std::array<char32_t, 256> t{};
        int n = 0;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            t[static_cast<std::size_t>(b)] = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + n++);
        }
        return t;
    }();
    return table;
}

/// The byte-level spelling of raw bytes (each byte one character of the alphabet above).
inline std::string byte_level_string(std::string_view bytes) {
    std::string out;
    for (unsigned char b : bytes) append_utf8(byte_level_alphabet()[b], out);
    return out;
}


/// Buffers of one merge run, reused across words.
struct BpeScratch {
    struct Symbol {
        std::int32_t id;
        std::int32_t prev, next;
        std::uint32_t begin, len;
    };
    struct Merge {
        std::uint32_t rank, pos;
        std::int32_t new_id;
    };
    std::vector<Symbol> symbols;
    std::vector<Merge> heap;
    std::string piece;
};

}  // namespace detail

/// A BPE model: vocabulary, merges by rank, options. Build once, then use const from any thread.
class BpeModel {
public:
    /// `tokens[i]` is the token of id i; `merges` are pairs of tokens in rank order (rank = index). Every
    /// merge's parts and result must be in the vocabulary (`source` names the file in errors; `merge_line`
    /// gives the file line of merges[0] for messages, 0 to say "merge N").
    SEMVEC_API static Result<BpeModel> create(const std::vector<std::string>& tokens,
                                              const std::vector<std::pair<std::string, std::string>>& merges,
                                              BpeOptions options = {}, const std::string& source = "<bpe>",
                                              std::size_t merge_line = 0);

    BpeModel() = default;

    /// Tokens of one word. `byte_level`: the word's bytes are spelled in the byte-level alphabet (one
    /// initial symbol per byte); otherwise one symbol per UTF-8 character. Appends to `out`.
    SEMVEC_API void tokenize(std::string_view word, bool byte_level, std::vector<WordToken>& out) const;

    std::int32_t token_to_id(std::string_view token) const { return index_.find(token); }
    const BpeOptions& options() const { return opt_; }
    std::size_t merges_count() const { return merge_count_; }
    std::int32_t unk_id() const { return unk_id_; }
    /// The word cache (words are its keys as tokenize() gets them), for lookahead; null when there is none.
    const detail::WordCache* cache() const { return cache_.get(); }

private:
    struct MergeEntry {
        std::uint64_t key = ~0ull;
        std::uint32_t rank = 0;
        std::int32_t new_id = -1;
    };
    static std::uint64_t pair_key(std::int32_t a, std::int32_t b) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
    }
    const MergeEntry* find_merge(std::int32_t a, std::int32_t b) const {
        if (merge_table_.empty()) return nullptr;
        const std::uint64_t k = pair_key(a, b);
        std::uint64_t h = k * 0x9E3779B97F4A7C15ull;
        std::size_t at = static_cast<std::size_t>(h >> 20) & merge_mask_;
        while (true) {
            const MergeEntry& e = merge_table_[at];
            if (e.key == k) return &e;
            if (e.key == ~0ull) return nullptr;
            at = (at + 1) & merge_mask_;
        }
    }
    void insert_merge(std::int32_t a, std::int32_t b, std::uint32_t rank, std::int32_t new_id) {
        const std::uint64_t k = pair_key(a, b);
        std::uint64_t h = k * 0x9E3779B97F4A7C15ull;
        std::size_t at = static_cast<std::size_t>(h >> 20) & merge_mask_;
        while (merge_table_[at].key != ~0ull && merge_table_[at].key != k) at = (at + 1) & merge_mask_;
        merge_table_[at] = MergeEntry{k, rank, new_id};  // a repeated pair: the later rank wins, as in HF
    }
    void initial_symbols(std::string_view word, bool byte_level, detail::BpeScratch& s) const;
    void merge_all(detail::BpeScratch& s) const;

    BpeOptions opt_;
    detail::VocabIndex index_;
    std::vector<MergeEntry> merge_table_;
    std::size_t merge_mask_ = 0, merge_count_ = 0;
    std::int32_t unk_id_ = -1;
    std::array<std::int32_t, 256> byte_ids_{};       // byte-level symbol of each byte (-1: not in the vocab)
    std::array<std::int32_t, 256> fallback_ids_{};   // <0xXX> token of each byte (-1: none)
    bool plain_byte_ids_ = false;                    // byte_ids_ usable as is (no prefix/suffix, all present)
    std::shared_ptr<detail::WordCache> cache_;
};

#if SEMVEC_DEFINITIONS

SEMVEC_API Result<BpeModel> BpeModel::create(const std::vector<std::string>& tokens,
                                             const std::vector<std::pair<std::string, std::string>>& merges,
                                             BpeOptions options, const std::string& source, std::size_t merge_line) {
    if (tokens.empty()) return make_error(ErrorCode::invalid_data, "the BPE vocabulary is empty", source);
    if (tokens.size() > 0x7FFFFFFF) return make_error(ErrorCode::resource_limit, "the BPE vocabulary is too large", source);
    BpeModel m;
    m.opt_ = std::move(options);
    m.index_.reserve(tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i) m.index_.insert(tokens[i], static_cast<std::int32_t>(i));
    if (!m.opt_.unk_token.empty()) m.unk_id_ = m.index_.find(m.opt_.unk_token);
    std::size_t cap = 16;
    while (cap < merges.size() * 2 + 2) cap <<= 1;
    m.merge_table_.assign(cap, MergeEntry{});
    m.merge_mask_ = cap - 1;
    const std::string& prefix = m.opt_.continuing_subword_prefix;
    for (std::size_t r = 0; r < merges.size(); ++r) {
        const auto& mg = merges[r];
        auto where = [&] {
            return merge_line ? "line " + std::to_string(merge_line + r) : "merge " + std::to_string(r);
        };
        const std::int32_t a = m.index_.find(mg.first), b = m.index_.find(mg.second);
        if (a < 0 || b < 0)
            return make_error(ErrorCode::invalid_data,
                              "merge '" + mg.first + " " + mg.second + "' uses a token that is not in the vocabulary ('" +
                                  (a < 0 ? mg.first : mg.second) + "')",
                              source, where());
        std::string merged = mg.first;
        if (!prefix.empty() && mg.second.compare(0, prefix.size(), prefix) == 0) merged += mg.second.substr(prefix.size());
        else merged += mg.second;
        const std::int32_t id = m.index_.find(merged);
        if (id < 0)
            return make_error(ErrorCode::invalid_data,
                              "merge '" + mg.first + " " + mg.second + "' makes '" + merged +
                                  "', which is not in the vocabulary",
                              source, where());
        m.insert_merge(a, b, static_cast<std::uint32_t>(r), id);
    }
    m.merge_count_ = merges.size();
    m.plain_byte_ids_ = m.opt_.continuing_subword_prefix.empty() && m.opt_.end_of_word_suffix.empty();
    for (int b = 0; b < 256; ++b) {
        std::string s;
        detail::append_utf8(detail::byte_level_alphabet()[static_cast<std::size_t>(b)], s);
        m.byte_ids_[static_cast<std::size_t>(b)] = m.index_.find(s);
        if (m.byte_ids_[static_cast<std::size_t>(b)] < 0) m.plain_byte_ids_ = false;
        static const char* hex = "0123456789ABCDEF";
        const std::string code = std::string("<0x") + hex[b >> 4] + hex[b & 15] + ">";
        m.fallback_ids_[static_cast<std::size_t>(b)] = m.index_.find(code);
    }
    m.cache_ = std::make_shared<detail::WordCache>();
    return m;
}

SEMVEC_API void BpeModel::initial_symbols(std::string_view word, bool byte_level, detail::BpeScratch& s) const {
    s.symbols.clear();
    const std::size_t n = word.size();
    const auto* p = reinterpret_cast<const unsigned char*>(word.data());
    // As HF's Word::add: a symbol starts where the previous one ended (so offsets are cumulative lengths).
    std::uint32_t at = 0;
    auto add = [&](std::int32_t id, std::size_t len) {
        const auto k = static_cast<std::int32_t>(s.symbols.size());
        s.symbols.push_back({id, k - 1, k + 1, at, static_cast<std::uint32_t>(len)});
        at += static_cast<std::uint32_t>(len);
    };
    if (byte_level && plain_byte_ids_) {
        s.symbols.reserve(n);
        for (std::size_t i = 0; i < n; ++i) add(byte_ids_[p[i]], 1);
    } else {
        // HF's merge_word: one symbol per character (byte-level: per byte), with prefix/suffix, byte fallback
        // and unknown handling.
        std::int32_t unk = -1;
        std::size_t unk_len = 0;
        std::size_t i = 0;
        while (i < n) {
            std::size_t e = i + 1;
            if (!byte_level) {
                std::size_t k = i;
                detail::decode_utf8(word.data(), n, k);
                e = k;
            }
            s.piece.clear();
            if (i > 0) s.piece += opt_.continuing_subword_prefix;
            if (byte_level) detail::append_utf8(detail::byte_level_alphabet()[p[i]], s.piece);
            else s.piece.append(word.data() + i, e - i);
            if (e == n) s.piece += opt_.end_of_word_suffix;
            const std::int32_t id = index_.find(s.piece);
            if (id >= 0) {
                if (unk >= 0) { add(unk, unk_len); unk = -1; }
                add(id, e - i);
            } else {
                bool done = false;
                if (opt_.byte_fallback) {
                    bool all = true;
                    for (unsigned char b : s.piece) all &= fallback_ids_[b] >= 0;
                    if (all) {
                        // Each <0xXX> token is one byte long in HF's offsets.
                        for (unsigned char b : s.piece) add(fallback_ids_[b], 1);
                        done = true;
                    }
                }
                if (!done && unk_id_ >= 0) {
                    if (unk >= 0 && opt_.fuse_unk) unk_len += e - i;
                    else {
                        if (unk >= 0) add(unk, unk_len);
                        unk = unk_id_;
                        unk_len = e - i;
                    }
                }
            }
            i = e;
        }
        if (unk >= 0) add(unk, unk_len);
    }
    if (!s.symbols.empty()) s.symbols.back().next = -1;
}

SEMVEC_API void BpeModel::merge_all(detail::BpeScratch& s) const {
    auto& sym = s.symbols;
    auto& heap = s.heap;
    heap.clear();
    // Min-heap on (rank, pos).
    auto later = [](const detail::BpeScratch::Merge& a, const detail::BpeScratch::Merge& b) {
        return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
    };
    for (std::size_t k = 0; k + 1 < sym.size(); ++k)
        if (const MergeEntry* m = find_merge(sym[k].id, sym[k + 1].id))
            heap.push_back({m->rank, static_cast<std::uint32_t>(k), m->new_id});
    std::make_heap(heap.begin(), heap.end(), later);
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), later);
        const auto top = heap.back();
        heap.pop_back();
        auto& cur = sym[top.pos];
        if (cur.len == 0 || cur.next < 0) continue;
        const auto next_pos = static_cast<std::size_t>(cur.next);
        const auto right = sym[next_pos];
        const MergeEntry* m = find_merge(cur.id, right.id);
        if (!m || m->new_id != top.new_id) continue;  // an expired entry
        cur.id = top.new_id;
        cur.len += right.len;
        cur.next = right.next;
        sym[next_pos].len = 0;
        if (right.next >= 0) sym[static_cast<std::size_t>(right.next)].prev = static_cast<std::int32_t>(top.pos);
        if (cur.prev >= 0)
            if (const MergeEntry* pm = find_merge(sym[static_cast<std::size_t>(cur.prev)].id, cur.id)) {
                heap.push_back({pm->rank, static_cast<std::uint32_t>(cur.prev), pm->new_id});
                std::push_heap(heap.begin(), heap.end(), later);
            }
        if (cur.next >= 0)
            if (const MergeEntry* nm = find_merge(cur.id, sym[static_cast<std::size_t>(cur.next)].id)) {
                heap.push_back({nm->rank, top.pos, nm->new_id});
                std::push_heap(heap.begin(), heap.end(), later);
            }
    }
}

SEMVEC_API void BpeModel::tokenize(std::string_view word, bool byte_level, std::vector<WordToken>& out) const {
    if (word.empty()) return;
    if (opt_.ignore_merges) {
        // HF looks the word up as the model sees it (byte-level: in the byte-level alphabet).
        const std::int32_t id = byte_level ? index_.find(detail::byte_level_string(word)) : index_.find(word);
        if (id >= 0) {
            out.push_back({id, 0, static_cast<std::uint32_t>(word.size())});
            return;
        }
    }
    const bool cacheable = word.size() <= detail::WordCache::kMaxWord && cache_;
    const std::uint64_t h = cacheable ? detail::WordCache::hash(word) : 0;
    if (cacheable && cache_->find(word, h, out)) return;
    static thread_local detail::BpeScratch scratch;
    auto& s = scratch;
    initial_symbols(word, byte_level, s);
    if (s.symbols.size() > 1) merge_all(s);
    const std::size_t first = out.size();
    for (const auto& sy : s.symbols)
        if (sy.len != 0) out.push_back({sy.id, sy.begin, sy.begin + sy.len});
    if (cacheable) cache_->insert(word, h, out.data() + first, out.data() + out.size());
}

#endif  // SEMVEC_DEFINITIONS

}  // namespace semvec
