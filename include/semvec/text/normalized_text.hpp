// semvec/text/normalized_text.hpp — text being tokenized: normalized bytes, where each byte came from in the
// caller's text, and the splits that pre-tokenizers cut it into.
//
// This mirrors Hugging Face tokenizers' NormalizedString so that offsets come out as HF computes them: every
// normalized byte carries the [begin, end) span of the original text it stands for, and a normalizer step
// rewrites a split as a list of (character, change) pairs with HF's rule: change 0 replaces one character
// (and keeps its span), change +1 inserts a character (it takes the span of the byte before it, or an empty
// span at the start of the split), change -n replaces one character and removes the n that follow.
//
// Two initial alignments exist: char-level (every byte of a character carries the whole character's span,
// as HF tokenizers does, so a byte-level token inside a character maps to the character) and byte-level
// (each byte maps to itself: the byte-exact spans of transformers' slow tokenizers).
//
// Internal: used by the tokenizer pipeline (semvec/text/tokenizer.hpp). Everything is in semvec::detail.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "unicode.hpp"

namespace semvec {
namespace detail {

/// The span [begin, end) of the original text that one normalized byte stands for.
struct Alignment {
    std::uint32_t begin = 0, end = 0;
    bool operator==(const Alignment& o) const { return begin == o.begin && end == o.end; }
};

/// One piece of the text: normalized bytes [off, off + len) of SplitBuffer::text. A piece with an id is an
/// added token, already tokenized (the model and the pre-tokenizers leave it alone).
struct Split {
    std::uint32_t off = 0, len = 0;
    std::int32_t added_id = -1;
    /// Original span of the split (HF's offsets_original): used for empty splits and insertions at its start.
    std::uint32_t orig_begin = 0, orig_end = 0;
};

/// The normalized text of one input and its splits. Reused across calls (scratch), so nothing allocates once
/// the buffers have grown.
struct SplitBuffer {
    std::string text;
    std::vector<Alignment> align;  ///< one per byte of text
    std::vector<Split> splits;

    void clear() {
        text.clear();
        align.clear();
        splits.clear();
    }
    std::string_view view(const Split& s) const { return std::string_view(text.data() + s.off, s.len); }

    /// Appends original bytes (at offset `base` of the caller's text) as one split, with char-level or
    /// byte-level alignment. Invalid UTF-8 becomes U+FFFD, one per maximal invalid subpart (as Python's
    /// errors="replace" decodes it), each of its bytes aligned to the invalid bytes it replaces.
    void append_original(std::string_view bytes, std::uint32_t base, bool byte_level_alignment) {
        Split s;
        s.off = static_cast<std::uint32_t>(text.size());
        s.orig_begin = base;
        s.orig_end = base + static_cast<std::uint32_t>(bytes.size());
        if (is_ascii(bytes.data(), bytes.size())) {
            text.append(bytes.data(), bytes.size());
            const std::size_t at = align.size();
            align.resize(at + bytes.size());
            for (std::uint32_t k = 0; k < bytes.size(); ++k) align[at + k] = {base + k, base + k + 1};
        } else {
            std::size_t i = 0;
            while (i < bytes.size()) {
                const std::size_t at = i;
                const char32_t cp = decode_utf8(bytes.data(), bytes.size(), i);
                const Alignment whole{base + static_cast<std::uint32_t>(at), base + static_cast<std::uint32_t>(i)};
                if (cp == kReplacementChar && !(i - at == 3 && static_cast<unsigned char>(bytes[at]) == 0xEF)) {
                    text.append("\xEF\xBF\xBD");
                    for (int k = 0; k < 3; ++k) align.push_back(whole);
                    continue;
                }
                text.append(bytes.data() + at, i - at);
                for (std::size_t k = at; k < i; ++k)
                    align.push_back(byte_level_alignment ? Alignment{base + static_cast<std::uint32_t>(k),
                                                                     base + static_cast<std::uint32_t>(k + 1)}
                                                         : whole);
            }
        }
        s.len = static_cast<std::uint32_t>(text.size() - s.off);
        splits.push_back(s);
    }
};

/// HF's convert_offsets for a token covering normalized bytes [a, b) of split s (a, b relative to the split):
/// the span from the first byte's begin to the last byte's end; an empty range stays as it is (relative to
/// the split's original start, as HF returns it).
inline std::pair<std::uint32_t, std::uint32_t> original_span(const SplitBuffer& buf, const Split& s, std::uint32_t a,
                                                             std::uint32_t b) {
    if (a >= b) return {s.orig_begin + a, s.orig_begin + b};
    if (s.len == 0) return {s.orig_begin, s.orig_end};
    return {buf.align[s.off + a].begin, buf.align[s.off + b - 1].end};
}

/// A rewrite of one split as HF's transform_range(whole split, dest, initial_offset) does it.
struct CharChange {
    char32_t c;
    int change;
};

/// HF's `replace` helper of the Precompiled normalizer: `new_part` stands for `old_count` characters (extra
/// characters are inserted; missing ones are charged to the last character written, if any).
inline void replace_changes_for_charsmap(std::vector<CharChange>& t, std::size_t old_count,
                                         const std::vector<char32_t>& new_part) {
    for (char32_t c : new_part) t.push_back({c, 0});
    const long diff = static_cast<long>(new_part.size()) - static_cast<long>(old_count);
    if (diff > 0) {
        for (long k = 0; k < diff; ++k) t[t.size() - 1 - static_cast<std::size_t>(k)].change = 1;
    } else if (diff < 0 && !t.empty()) {
        t.back().change += static_cast<int>(diff);
    }
}

/// Appends to `out` the split `s` of `in` rewritten by `dest` (see the header comment for the rule);
/// `initial_removed` characters at the start of the split are dropped first. Returns the new split.
inline Split transform_split(const SplitBuffer& in, const Split& s, const std::vector<CharChange>& dest,
                             std::size_t initial_removed, SplitBuffer& out) {
    Split r = s;
    r.off = static_cast<std::uint32_t>(out.text.size());
    const char* p = in.text.data() + s.off;
    const std::size_t n = s.len;
    // Byte offset (within the split) of the next original character to consume.
    std::size_t offset = 0;
    for (std::size_t k = 0; k < initial_removed && offset < n; ++k) decode_utf8(p, n, offset);
    for (const auto& d : dest) {
        Alignment a;
        if (d.change > 0) {
            if (offset < 1) a = Alignment{s.orig_begin, s.orig_begin};
            else a = in.align[s.off + offset - 1];
        } else {
            a = offset < n ? in.align[s.off + offset] : (n ? in.align[s.off + n - 1] : Alignment{s.orig_begin, s.orig_begin});
            if (offset < n) decode_utf8(p, n, offset);  // the replaced character
            for (int k = 0; k < -d.change && offset < n; ++k) decode_utf8(p, n, offset);
        }
        const std::size_t before = out.text.size();
        append_utf8(d.c, out.text);
        for (std::size_t k = before; k < out.text.size(); ++k) out.align.push_back(a);
    }
    r.len = static_cast<std::uint32_t>(out.text.size() - r.off);
    return r;
}

/// Copies split s of `in` unchanged to the end of `out`; returns the new split.
inline Split copy_split(const SplitBuffer& in, const Split& s, SplitBuffer& out) {
    Split r = s;
    r.off = static_cast<std::uint32_t>(out.text.size());
    out.text.append(in.text.data() + s.off, s.len);
    out.align.insert(out.align.end(), in.align.begin() + s.off, in.align.begin() + s.off + s.len);
    return r;
}

/// The characters of a split as (char, change 0) pairs: the start of most rewrites.
inline void chars_of(std::string_view v, std::vector<char32_t>& out) {
    out.clear();
    std::size_t i = 0;
    while (i < v.size()) out.push_back(decode_utf8(v.data(), v.size(), i));
}

}  // namespace detail
}  // namespace semvec
