// semvec/text/unicode.hpp — the Unicode facts the BERT tokenizer needs, with ASCII fast paths.
//
// Decoding follows Python's bytes.decode("utf-8", errors="replace"): every maximal invalid subpart
// becomes one U+FFFD (Unicode's "best practice"), so that invalid input tokenizes exactly as HF does once
// Python has turned it into a str. Character classes are HF's BasicTokenizer predicates (_is_control,
// _is_whitespace, _is_punctuation, _is_chinese_char). Everything outside ASCII goes through utf8proc
// (categories, lower-casing, NFD, NFC); ASCII never touches it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <utf8proc.h>

namespace semvec {
namespace detail {

constexpr char32_t kReplacementChar = 0xFFFD;

/// Decodes one code point at s[i] (i < n) and advances i past it. Invalid sequences give U+FFFD and consume
/// exactly their maximal subpart (at least one byte), so the loop always advances and never reads past n.
inline char32_t decode_utf8(const char* s, std::size_t n, std::size_t& i) {
    const auto* p = reinterpret_cast<const unsigned char*>(s);
    const unsigned char b0 = p[i];
    if (b0 < 0x80) { ++i; return b0; }
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // valid range of the second byte
    char32_t cp;
    if (b0 >= 0xC2 && b0 <= 0xDF) { len = 2; cp = b0 & 0x1F; }
    else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3; cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;
        else if (b0 == 0xED) hi = 0x9F;  // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4; cp = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;
        else if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else { ++i; return kReplacementChar; }  // 80..C1, F5..FF: never valid as a lead byte
    std::size_t k = 1;
    for (; k < len; ++k) {
        if (i + k >= n) break;
        const unsigned char b = p[i + k];
        const unsigned char l = (k == 1) ? lo : 0x80, h = (k == 1) ? hi : 0xBF;
        if (b < l || b > h) break;
        cp = (cp << 6) | (b & 0x3F);
    }
    i += k;
    return k == len ? cp : kReplacementChar;
}

/// Appends the UTF-8 encoding of cp (cp must be a scalar value) to out.
inline void append_utf8(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

/// Number of bytes of the UTF-8 encoding of cp.
inline std::size_t utf8_length(char32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

/// True when every byte of [s, s+n) is ASCII; 8 bytes at a time.
inline bool is_ascii(const char* s, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s + i, 8);  // one 8-byte load (std:: for MSVC, which has no __builtin_memcpy)
        if (w & 0x8080808080808080ULL) return false;
    }
    for (; i < n; ++i)
        if (static_cast<unsigned char>(s[i]) & 0x80) return false;
    return true;
}

/// True when the whole string is valid UTF-8.
inline bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t at = i;
        const char32_t cp = decode_utf8(s.data(), s.size(), i);
        if (cp == kReplacementChar) {
            // A literal U+FFFD (EF BF BD) is valid; a replaced sequence is not.
            if (i - at != 3 || static_cast<unsigned char>(s[at]) != 0xEF) return false;
        }
    }
    return true;
}

inline utf8proc_category_t category(char32_t cp) {
    return utf8proc_category(static_cast<utf8proc_int32_t>(cp));
}

/// HF _is_whitespace: space, \t, \n, \r and category Zs.
inline bool is_bert_whitespace(char32_t cp) {
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') return true;
    if (cp < 0x80) return false;
    return category(cp) == UTF8PROC_CATEGORY_ZS;
}

/// HF _is_control: any C* category (Cc, Cf, Cn, Co, Cs) except \t, \n, \r.
inline bool is_bert_control(char32_t cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') return false;
    if (cp < 0x80) return cp < 0x20 || cp == 0x7F;
    if (cp < 0xA0) return true;  // C1 controls
    switch (category(cp)) {
        case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CN:
        case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CS: return true;
        default: return false;
    }
}

/// HF _is_punctuation: ASCII 33–47, 58–64, 91–96, 123–126, and every P* category.
inline bool is_bert_punctuation(char32_t cp) {
    if (cp < 0x80)
        return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
    switch (category(cp)) {
        case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PE:
        case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF: case UTF8PROC_CATEGORY_PO: return true;
        default: return false;
    }
}

/// HF _is_chinese_char: the CJK Unified Ideographs blocks it lists (not Hangul, Kana, ...).
inline bool is_cjk_ideograph(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
           (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

/// Python's str.isspace() for characters that survive cleaning but are not BERT whitespace (U+2028 and
/// U+2029, plus the C0/C1 separators when cleaning is off). str.split() breaks words on them.
inline bool is_python_extra_space(char32_t cp) {
    return cp == 0x2028 || cp == 0x2029 || cp == 0x0B || cp == 0x0C || (cp >= 0x1C && cp <= 0x1F) || cp == 0x85;
}

/// Unicode White_Space (what Rust's char::is_whitespace and the \s of Oniguruma and Python's regex match).
inline bool is_white_space(char32_t cp) {
    if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/// \p{L}: general category Lu, Ll, Lt, Lm or Lo.
inline bool is_letter(char32_t cp) {
    if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    switch (category(cp)) {
        case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO: return true;
        default: return false;
    }
}

/// \p{N}: general category Nd, Nl or No.
inline bool is_number(char32_t cp) {
    if (cp < 0x80) return cp >= '0' && cp <= '9';
    switch (category(cp)) {
        case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO: return true;
        default: return false;
    }
}

/// General category Mn, Mc or Me (what HF's StripAccents removes).
inline bool is_combining_mark(char32_t cp) {
    if (cp < 0x300) return false;
    switch (category(cp)) {
        case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: return true;
        default: return false;
    }
}

/// Unicode punctuation (any P* category) or, for ASCII, HF's wider punctuation set (symbols too).
inline bool is_unicode_punctuation(char32_t cp) { return is_bert_punctuation(cp); }

/// Rust regex \w: alphabetic, marks, decimal numbers, connector punctuation, join controls.
inline bool is_word_char(char32_t cp) {
    if (cp < 0x80) return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') || cp == '_';
    if (cp == 0x200C || cp == 0x200D) return true;
    switch (category(cp)) {
        case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_PC: return true;
        default: return false;
    }
}


/// Python's str.lower() applied to one character: the simple lower-case mapping, except U+0130 (capital I
/// with dot above), whose full mapping is two characters, "i" + U+0307. Writes 1 or 2 code points to out.
inline int lower_char(char32_t cp, char32_t out[2]) {
    if (cp < 0x80) {
        out[0] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
        return 1;
    }
    if (cp == 0x130) { out[0] = 'i'; out[1] = 0x307; return 2; }
    out[0] = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
    return 1;
}

/// Canonical combining class.
inline int combining_class(char32_t cp) {
    if (cp < 0x300) return 0;
    return utf8proc_get_property(static_cast<utf8proc_int32_t>(cp))->combining_class;
}

/// Python's unicodedata.combining(c) != 0 (canonical combining class), what AlbertTokenizer drops.
inline bool has_combining_class(char32_t cp) { return combining_class(cp) != 0; }

/// True for a starter that NFC may still compose with the character before it (NFC_Quick_Check = Maybe with
/// combining class 0): Hangul vowel/trailing jamo and a few Indic, Sinhala, Myanmar and Balinese vowel signs.
inline bool is_composing_starter(char32_t cp) {
    if (cp < 0x9BE) return false;
    if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2)) return true;
    switch (cp) {
        case 0x09BE: case 0x09D7: case 0x0B3E: case 0x0B56: case 0x0B57: case 0x0BBE: case 0x0BD7: case 0x0C56:
        case 0x0CC2: case 0x0CD5: case 0x0CD6: case 0x0D3E: case 0x0D57: case 0x0DCF: case 0x0DDF: case 0x102E:
        case 0x1B35: case 0x110BA: case 0x11127: case 0x1133E: case 0x11357: case 0x114B0: case 0x114BA:
        case 0x114BD: case 0x115AF: case 0x11930: return true;
        default: return false;
    }
}

/// Canonical decomposition (NFD) of one character, without reordering; returns the count written to out
/// (out must hold 8 code points, enough for any canonical decomposition).
inline int decompose_char(char32_t cp, char32_t out[8]) {
    if (cp < 0xC0) { out[0] = cp; return 1; }
    utf8proc_int32_t buf[8];
    int last_boundclass = 0;
    const utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf, 8,
                                                       UTF8PROC_DECOMPOSE, &last_boundclass);
    if (n <= 0 || n > 8) { out[0] = cp; return 1; }
    for (utf8proc_ssize_t k = 0; k < n; ++k) out[k] = static_cast<char32_t>(buf[k]);
    return static_cast<int>(n);
}

}  // namespace detail
}  // namespace semvec
