// semvec/text/split_patterns.hpp — the regular expressions that byte-level BPE tokenizers split text with,
// written out as small matchers instead of a regex engine.
//
// Three patterns are known, by their exact text in tokenizer.json (or by the tokenizer class in the slow
// files): GPT-2's (RoBERTa, GPT-2, ModernBERT's ByteLevel pre-tokenizer)
//     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// Qwen2's
//     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// and Llama 3's, which is Qwen2's with \p{N}{1,3}. A tokenizer.json with any other regex is refused by name.
//
// Why hand-written: the patterns are fixed, a regex engine with Unicode classes (Oniguruma, PCRE2) would be a
// new dependency for three expressions, and the matchers below run at the speed the tokenizer needs. Each
// alternative is tried in order at a position, as a backtracking engine would; the comments give the
// reasoning for the two alternatives that backtrack (\s+(?!\S) and \s*[\r\n]+). Every position matches one
// alternative, so the matches tile the text. \s is Unicode White_Space, \p{L} and \p{N} the general
// categories (utf8proc). Tested against the goldens of the slow tokenizers (Python `regex`) and HF
// tokenizers (Oniguruma) in tests/text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "unicode.hpp"

namespace semvec {
namespace detail {

enum class SplitPattern { gpt2, qwen2, llama3 };

/// The pattern's text as tokenizer.json spells it (after JSON unescaping).
inline const char* split_pattern_text(SplitPattern p) {
    switch (p) {
        case SplitPattern::gpt2:
            return R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
        case SplitPattern::qwen2:
            return R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
        case SplitPattern::llama3:
            return R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
    }
    return "";
}

/// Character classes of the patterns.
enum CharClass : std::uint8_t { kClsLetter = 0, kClsNumber = 1, kClsSpace = 2, kClsOther = 3 };

inline CharClass char_class(char32_t c) {
    if (is_letter(c)) return kClsLetter;
    if (is_number(c)) return kClsNumber;
    if (is_white_space(c)) return kClsSpace;
    return kClsOther;
}

struct ClassTable {
    CharClass ascii[128];
    ClassTable() {
        for (int c = 0; c < 128; ++c) ascii[c] = char_class(static_cast<char32_t>(c));
    }
};
inline const ClassTable& class_table() {
    static const ClassTable t;
    return t;
}

/// The character at p[i] (i < n): its class, code point, and the index after it. Input is valid UTF-8.
struct CharAt {
    CharClass cls;
    char32_t cp;
    std::size_t next;
};
inline CharAt char_at(const char* p, std::size_t n, std::size_t i) {
    const auto b = static_cast<unsigned char>(p[i]);
    if (b < 0x80) return {class_table().ascii[b], b, i + 1};
    std::size_t k = i;
    const char32_t cp = decode_utf8(p, n, k);
    return {char_class(cp), cp, k};
}

/// End of the run of characters of class `cls` starting at j.
inline std::size_t run_of(const char* p, std::size_t n, std::size_t j, CharClass cls) {
    const auto& t = class_table();
    while (j < n) {
        const auto b = static_cast<unsigned char>(p[j]);
        if (b < 0x80) {
            if (t.ascii[b] != cls) break;
            ++j;
            continue;
        }
        const CharAt c = char_at(p, n, j);
        if (c.cls != cls) break;
        j = c.next;
    }
    return j;
}

/// \s+(?!\S) then \s+ at a whitespace character i (c = its CharAt): the run, less its last character when a
/// non-space follows it (the lookahead must see a space), unless that leaves nothing (then \s+ takes it all).
inline std::size_t space_run_match(const char* p, std::size_t n, std::size_t i) {
    std::size_t j = i, last = i;
    while (j < n) {
        const CharAt c = char_at(p, n, j);
        if (c.cls != kClsSpace) break;
        last = j;
        j = c.next;
    }
    if (j == n) return j;      // end of text: (?!\S) holds
    if (last > i) return last;  // give back the last space
    return j;                   // \s+
}

/// Length of the match of the contraction alternatives at p[i] == '\'' (0: none). `fold` allows any case
/// (and ſ, which folds to s) as Qwen2's (?i:...) does.
inline std::size_t contraction(const char* p, std::size_t n, std::size_t i, bool fold) {
    if (i + 1 >= n) return 0;
    auto lower = [&](std::size_t k) -> int {
        const auto b = static_cast<unsigned char>(p[k]);
        if (b < 0x80) return fold ? (b | 0x20) : b;
        if (fold && b == 0xC5 && k + 1 < n && static_cast<unsigned char>(p[k + 1]) == 0xBF) return 's' + 256;  // ſ
        return -1;
    };
    const int c1 = lower(i + 1);
    if (c1 == 's' + 256) return 3;
    if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') return 2;
    if (i + 2 >= n) return 0;
    const int c2 = lower(i + 2);
    if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) return 3;
    return 0;
}

/// End of the GPT-2 pattern's match starting at i (i < n); always > i.
inline std::size_t gpt2_match(const char* p, std::size_t n, std::size_t i) {
    const CharAt c = char_at(p, n, i);
    if (c.cp == '\'') {
        if (const std::size_t m = contraction(p, n, i, false)) return i + m;
    }
    if (c.cp == ' ' && c.next < n) {
        const CharAt d = char_at(p, n, c.next);
        if (d.cls != kClsSpace) return run_of(p, n, d.next, d.cls);  // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s...]+'
    }
    if (c.cls != kClsSpace) return run_of(p, n, c.next, c.cls);
    return space_run_match(p, n, i);
}

/// End of the Qwen2 (max_digits 1) or Llama 3 (max_digits 3) pattern's match starting at i; always > i.
inline std::size_t qwen2_match(const char* p, std::size_t n, std::size_t i, int max_digits) {
    const CharAt c = char_at(p, n, i);
    if (c.cp == '\'') {
        if (const std::size_t m = contraction(p, n, i, true)) return i + m;
    }
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if (c.cls == kClsLetter) return run_of(p, n, c.next, kClsLetter);
    if (c.cls != kClsNumber && c.cp != '\r' && c.cp != '\n' && c.next < n) {
        const CharAt d = char_at(p, n, c.next);
        if (d.cls == kClsLetter) return run_of(p, n, d.next, kClsLetter);
    }
    // \p{N} or \p{N}{1,3}
    if (c.cls == kClsNumber) {
        std::size_t j = c.next;
        for (int k = 1; k < max_digits && j < n; ++k) {
            const CharAt d = char_at(p, n, j);
            if (d.cls != kClsNumber) break;
            j = d.next;
        }
        return j;
    }
    //  ?[^\s\p{L}\p{N}]+[\r\n]*
    std::size_t k = 0;
    if (c.cls == kClsOther) k = c.next;
    else if (c.cp == ' ' && c.next < n && char_at(p, n, c.next).cls == kClsOther) k = char_at(p, n, c.next).next;
    if (k) {
        std::size_t j = run_of(p, n, k, kClsOther);
        while (j < n && (p[j] == '\r' || p[j] == '\n')) ++j;
        return j;
    }
    // c is a space. \s*[\r\n]+: greedy \s* gives back characters until [\r\n]+ can match, so the match ends
    // just after the last \r or \n of the whitespace run.
    std::size_t j = i, after_newline = 0;
    while (j < n) {
        const CharAt d = char_at(p, n, j);
        if (d.cls != kClsSpace) break;
        if (d.cp == '\r' || d.cp == '\n') after_newline = d.next;
        j = d.next;
    }
    if (after_newline) return after_newline;
    return space_run_match(p, n, i);
}

/// End of `pattern`'s match starting at i.
inline std::size_t split_pattern_match(SplitPattern pattern, const char* p, std::size_t n, std::size_t i) {
    switch (pattern) {
        case SplitPattern::gpt2: return gpt2_match(p, n, i);
        case SplitPattern::qwen2: return qwen2_match(p, n, i, 1);
        case SplitPattern::llama3: return qwen2_match(p, n, i, 3);
    }
    return n;
}

}  // namespace detail
}  // namespace semvec
