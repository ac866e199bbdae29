// semvec/text/precompiled_charsmap.hpp — SentencePiece's `precompiled_charsmap`: the normalization rules
// (NFKC-style replacements, e.g. "ﬁ" → "fi", full-width → ASCII) that XLM-R, ALBERT, T5 and other
// SentencePiece models carry, compiled into a Darts double-array trie.
//
// Blob layout: u32 little-endian size of the trie in bytes, the trie (u32 units), then the replacement
// strings, each ended by '\0'; a trie leaf's value is the offset of its replacement. A unit packs
// has_leaf (bit 8), the label (low 8 bits, bit 31 marks a leaf unit), the value (low 31 bits, leaves) and the
// offset to the children (bits 10.., shifted by 8 when bit 9 is set).
//
// Two ways of applying it, as the two references do:
//  - sentencepiece (transformers' slow tokenizers): at each position the LONGEST rule that matches the
//    remaining bytes wins (sentencepiece_normalizer.hpp);
//  - Hugging Face tokenizers (tokenizer.json "Precompiled"): per extended grapheme cluster shorter than 6
//    bytes, the FIRST (shortest) rule matching a prefix of the cluster replaces the whole cluster; otherwise
//    each character alone is looked up the same way (hf_changes below).
// Every lookup is bounds-checked: a corrupt blob gives an error at load or "no rule", never a read outside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../config.hpp"
#include "../result.hpp"
#include "normalized_text.hpp"
#include "unicode.hpp"

namespace semvec {

/// A parsed precompiled_charsmap. Immutable; share it freely.
class PrecompiledCharsmap {
public:
    /// Parses the blob; fails on a truncated or inconsistent one.
    SEMVEC_API static Result<std::shared_ptr<const PrecompiledCharsmap>> parse(std::string_view blob,
                                                                              const std::string& source);

    /// The longest rule matching a prefix of [p, p+n): its length in bytes (0: none) and replacement.
    SEMVEC_API std::size_t longest_prefix(const char* p, std::size_t n, std::string_view& replacement) const;
    /// The shortest rule matching a prefix of [p, p+n) (HF's `transform`): its replacement, or false.
    SEMVEC_API bool first_prefix(const char* p, std::size_t n, std::string_view& replacement) const;
    /// HF tokenizers' Precompiled normalizer on one split: appends its (char, change) list to `dest` and
    /// returns true, or returns false when no rule applies.
    SEMVEC_API bool hf_changes(std::string_view text, std::vector<detail::CharChange>& dest) const;
    /// The raw blob (to write it back out).
    const std::string& blob() const { return blob_; }

private:
    std::uint32_t unit(std::size_t i) const {
        std::uint32_t u;
        std::memcpy(&u, blob_.data() + 4 + 4 * i, 4);
        return u;
    }
    static bool has_leaf(std::uint32_t u) { return (u >> 8) & 1; }
    static std::uint32_t value(std::uint32_t u) { return u & 0x7FFFFFFFu; }
    static std::uint32_t label(std::uint32_t u) { return u & (0x80000000u | 0xFFu); }
    static std::size_t offset(std::uint32_t u) { return static_cast<std::size_t>(u >> 10) << ((u & (1u << 9)) >> 6); }
    bool replacement_at(std::uint32_t v, std::string_view& out) const;

    std::string blob_;
    std::size_t units_ = 0;       // trie size in units
    std::size_t strings_ = 0;     // offset of the replacement strings in blob_
    /// ASCII bytes that no rule rewrites on their own (most of them): hf_changes passes them by.
    bool ascii_plain_[128] = {};
};

#if SEMVEC_DEFINITIONS

SEMVEC_API Result<std::shared_ptr<const PrecompiledCharsmap>> PrecompiledCharsmap::parse(std::string_view blob,
                                                                                        const std::string& source) {
    if (blob.size() < 4) return make_error(ErrorCode::invalid_data, "precompiled_charsmap is shorter than 4 bytes", source);
    std::uint32_t trie_bytes;
    std::memcpy(&trie_bytes, blob.data(), 4);
    if (trie_bytes % 4 != 0 || trie_bytes > blob.size() - 4)
        return make_error(ErrorCode::invalid_data,
                          "precompiled_charsmap trie size " + std::to_string(trie_bytes) + " does not fit its " +
                              std::to_string(blob.size()) + " bytes",
                          source);
    auto m = std::make_shared<PrecompiledCharsmap>();
    m->blob_.assign(blob.data(), blob.size());
    m->units_ = trie_bytes / 4;
    m->strings_ = 4 + trie_bytes;
    if (m->units_ == 0) return make_error(ErrorCode::invalid_data, "precompiled_charsmap has an empty trie", source);
    if (!detail::is_valid_utf8(std::string_view(m->blob_).substr(m->strings_)))
        return make_error(ErrorCode::invalid_data, "precompiled_charsmap replacements are not valid UTF-8", source);
    for (int b = 0; b < 128; ++b) {
        const char c = static_cast<char>(b);
        std::string_view r;
        m->ascii_plain_[b] = !m->first_prefix(&c, 1, r);
    }
    return std::shared_ptr<const PrecompiledCharsmap>(std::move(m));
}

SEMVEC_API bool PrecompiledCharsmap::replacement_at(std::uint32_t v, std::string_view& out) const {
    const std::size_t n = blob_.size() - strings_;
    if (v > n) return false;
    const char* s = blob_.data() + strings_ + v;
    std::size_t len = 0;
    while (v + len < n && s[len] != '\0') ++len;
    out = std::string_view(s, len);
    // A rule that ends inside a UTF-8 sequence would make invalid text: treat it as no rule.
    return detail::is_valid_utf8(out);
}

SEMVEC_API std::size_t PrecompiledCharsmap::longest_prefix(const char* p, std::size_t n, std::string_view& replacement) const {
    std::size_t pos = 0;
    std::uint32_t u = unit(0);
    pos ^= offset(u);
    std::size_t best = 0;
    std::uint32_t best_value = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(p[i]);
        if (c == 0) break;
        pos ^= c;
        if (pos >= units_) break;
        u = unit(pos);
        if (label(u) != c) break;
        pos ^= offset(u);
        if (pos >= units_) break;
        if (has_leaf(u)) {
            best = i + 1;
            best_value = value(unit(pos));
        }
    }
    if (!best || !replacement_at(best_value, replacement)) return 0;
    return best;
}

SEMVEC_API bool PrecompiledCharsmap::first_prefix(const char* p, std::size_t n, std::string_view& replacement) const {
    std::size_t pos = 0;
    std::uint32_t u = unit(0);
    pos ^= offset(u);
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(p[i]);
        if (c == 0) break;
        pos ^= c;
        if (pos >= units_) return false;
        u = unit(pos);
        if (label(u) != c) return false;
        pos ^= offset(u);
        if (pos >= units_) return false;
        if (has_leaf(u)) return replacement_at(value(unit(pos)), replacement);
    }
    return false;
}

SEMVEC_API bool PrecompiledCharsmap::hf_changes(std::string_view text, std::vector<detail::CharChange>& dest) const {
    const std::size_t start = dest.size();
    bool modified = false;
    std::vector<char32_t> repl;
    const char* p = text.data();
    const std::size_t n = text.size();
    std::size_t i = 0;
    // Fast path: an ASCII character followed by ASCII (or the end) is a grapheme cluster of its own (only
    // CR LF joins), so when no rule starts with it, it stays as it is. Such characters are only written to
    // `dest` (from `plain`) once something else comes, and not at all when nothing changes.
    std::size_t plain = 0;
    auto flush_plain = [&] {
        for (; plain < i; ++plain) dest.push_back({static_cast<char32_t>(p[plain]), 0});
    };
    while (i < n) {
        const auto b = static_cast<unsigned char>(p[i]);
        if (b < 0x80 && ascii_plain_[b] && (i + 1 == n || (static_cast<unsigned char>(p[i + 1]) < 0x80 && !(b == '\r' && p[i + 1] == '\n')))) {
            ++i;
            continue;
        }
        flush_plain();
        // One extended grapheme cluster [i, j).
        std::size_t j = i;
        char32_t prev = detail::decode_utf8(p, n, j);
        utf8proc_int32_t state = 0;
        std::size_t chars = 1;
        while (j < n) {
            std::size_t k = j;
            const char32_t cp = detail::decode_utf8(p, n, k);
            if (utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(prev), static_cast<utf8proc_int32_t>(cp), &state)) break;
            prev = cp;
            j = k;
            ++chars;
        }
        std::string_view r;
        if (j - i < 6 && first_prefix(p + i, j - i, r)) {
            modified = true;
            detail::chars_of(r, repl);
            detail::replace_changes_for_charsmap(dest, chars, repl);
        } else {
            std::size_t k = i;
            while (k < j) {
                const std::size_t at = k;
                const char32_t cp = detail::decode_utf8(p, n, k);
                if (first_prefix(p + at, k - at, r)) {
                    modified = true;
                    detail::chars_of(r, repl);
                    detail::replace_changes_for_charsmap(dest, 1, repl);
                } else {
                    dest.push_back({cp, 0});
                }
            }
        }
        i = j;
        plain = i;
    }
    if (!modified) {
        dest.resize(start);
        return false;
    }
    flush_plain();
    return true;
}

#endif  // SEMVEC_DEFINITIONS

}  // namespace semvec
