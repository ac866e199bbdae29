// semvec/text/basic_tokenizer.hpp — HF's BasicTokenizer stage: clean, split, lower-case, strip accents,
// split off punctuation. Each word keeps the byte span it came from in the original text.
//
// Order of operations, as in transformers' BertTokenizer (4.36): clean (drop U+0000, U+FFFD and C*
// characters, map whitespace to spaces) → space out CJK ideographs → NFC → split on whitespace (Python's
// str.split, which also breaks on U+2028/U+2029) → per word: lower-case per code point, strip accents
// (NFD, drop Mn), split off punctuation. Lower-casing is per code point (BertTokenizer lower-cases the text
// one character at a time before this stage), so a final Σ becomes σ, not ς.
//
// Speed: a whitespace-delimited run of printable ASCII takes a byte-table path that never decodes, never
// calls utf8proc and, without lower-casing, never copies. Other runs take the general path.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "unicode.hpp"

namespace semvec {

/// Options of the basic (pre-WordPiece) tokenizer, with Hugging Face's names and defaults.
struct BasicTokenizerOptions {
    /// Lower-case every code point (default: true).
    bool do_lower_case = true;
    /// Strip accents (NFD, then drop Mn). Unset (the default) follows do_lower_case, as in HF.
    std::optional<bool> strip_accents;
    /// Put spaces around CJK ideographs so each is a word of its own (default: true).
    bool tokenize_chinese_chars = true;
    /// Drop U+0000, U+FFFD and control/format characters and map whitespace to spaces (default: true; HF's
    /// slow BertTokenizer always cleans, tokenizer.json can turn it off).
    bool clean_text = true;
    /// Whitespace-delimited words that are passed through untouched (no lower-casing, no splitting).
    /// Default: empty.
    std::vector<std::string> never_split;
};

/// One word out of the basic tokenizer, with the byte span [begin, end) it covers in the original text.
struct Word {
    std::string text;
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
};

namespace detail {

/// A word as the hot path hands it on, without copying: normalized UTF-8 bytes plus a way to map a byte
/// range of it back to the original text.
struct WordRef {
    std::string_view text;            ///< normalized word, UTF-8
    std::uint32_t nchars = 0;         ///< code points in text
    bool identity = true;             ///< byte k of text is byte base + k of the original
    std::uint32_t base = 0;
    const std::uint32_t* byte_begin = nullptr;  ///< when !identity: source begin of each byte of text
    const std::uint32_t* byte_end = nullptr;    ///< when !identity: source end of each byte of text

    /// Source span of the bytes [a, b) of text (a < b).
    std::pair<std::uint32_t, std::uint32_t> span(std::size_t a, std::size_t b) const {
        if (identity) return {base + static_cast<std::uint32_t>(a), base + static_cast<std::uint32_t>(b)};
        return {byte_begin[a], byte_end[b - 1]};
    }
};

/// Reusable buffers of the general path, so that no word allocates once they have grown.
struct BasicScratch {
    std::vector<char32_t> cps, cps2;
    std::vector<std::uint32_t> cb, ce, cb2, ce2;  // source spans of cps / cps2
    std::vector<utf8proc_int32_t> seg;
    std::string out;                       // normalized bytes of the current token
    std::vector<std::uint32_t> ob, oe;     // per byte of out: source span
    std::string lowered;                   // ASCII path with lower-casing
};

enum class AsciiClass : std::uint8_t { word, space, drop, punct };

}  // namespace detail

/// HF's BasicTokenizer. Immutable after construction; safe to use from many threads at once.
class BasicTokenizer {
public:
    explicit BasicTokenizer(BasicTokenizerOptions options = {}) : opt_(std::move(options)) {
        strip_ = opt_.strip_accents.has_value() ? *opt_.strip_accents : opt_.do_lower_case;
        for (int c = 0; c < 128; ++c) {
            detail::AsciiClass k = detail::AsciiClass::word;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') k = detail::AsciiClass::space;
            else if (c < 0x20 || c == 0x7F) {
                // Cleaning drops controls; without it, the ones Python's str.split() breaks on still split.
                if (opt_.clean_text) k = detail::AsciiClass::drop;
                else if (detail::is_python_extra_space(static_cast<char32_t>(c))) k = detail::AsciiClass::space;
                else k = detail::AsciiClass::drop;  // kept by the general path, see run()
            } else if (detail::is_bert_punctuation(static_cast<char32_t>(c))) k = detail::AsciiClass::punct;
            ascii_[static_cast<std::size_t>(c)] = k;
        }
    }

    const BasicTokenizerOptions& options() const { return opt_; }
    /// Whether accents are stripped (strip_accents, or do_lower_case when unset).
    bool strips_accents() const { return strip_; }

    /// Words after cleaning/splitting/lower-casing/accent stripping, each with its byte span in `text`.
    /// Appends to `out`.
    void tokenize(std::string_view text, std::vector<Word>& out) const {
        detail::BasicScratch scratch;
        run(text, 0, scratch, [&](const detail::WordRef& w) {
            const auto sp = w.span(0, w.text.size());
            out.push_back(Word{std::string(w.text), sp.first, sp.second});
        });
    }

    /// The engine: calls emit(const detail::WordRef&) for every word of `text`, in order. `base` is added to
    /// every offset (the position of `text` inside a larger string). Texts longer than 4 GiB are cut there.
    template <class Emit>
    void run(std::string_view text, std::uint32_t base, detail::BasicScratch& s, Emit&& emit) const {
        const char* p = text.data();
        const std::size_t n = std::min<std::size_t>(text.size(), 0xFFFFFFFFu - base);
        std::size_t i = 0;
        while (i < n) {
            const auto b = static_cast<unsigned char>(p[i]);
            if (b < 0x80) {
                const auto k = ascii_[b];
                if (k == detail::AsciiClass::space || (k == detail::AsciiClass::drop && opt_.clean_text)) { ++i; continue; }
            }
            // Find the end of this whitespace-delimited token; a CJK ideograph is a token of its own.
            std::size_t j = i;
            bool simple = true;  // printable ASCII only
            while (j < n) {
                const auto c = static_cast<unsigned char>(p[j]);
                if (c < 0x80) {
                    const auto k = ascii_[c];
                    if (k == detail::AsciiClass::space) break;
                    if (k == detail::AsciiClass::drop) simple = false;
                    ++j;
                    continue;
                }
                std::size_t k = j;
                const char32_t cp = detail::decode_utf8(p, n, k);
                if (detail::is_bert_whitespace(cp) || detail::is_python_extra_space(cp)) {
                    if (!(opt_.clean_text && detail::is_bert_control(cp))) break;  // NEL is a control: dropped
                }
                if (opt_.tokenize_chinese_chars && detail::is_cjk_ideograph(cp)) {
                    if (j == i) j = k;  // the ideograph alone
                    simple = false;
                    break;
                }
                simple = false;
                j = k;
            }
            if (j == i) {  // a lone separator that the ASCII table did not catch (Zs, U+2028, ...)
                std::size_t k = i;
                detail::decode_utf8(p, n, k);
                i = k;
                continue;
            }
            if (simple) ascii_token(p, i, j, base, s, emit);
            else general_token(p, n, i, j, base, s, emit);
            i = j;
        }
    }

private:
    bool is_never_split(std::string_view w) const {
        for (const auto& t : opt_.never_split)
            if (t == w) return true;
        return false;
    }

    template <class Emit>
    void ascii_token(const char* p, std::size_t i, std::size_t j, std::uint32_t base, detail::BasicScratch& s,
                     Emit& emit) const {
        std::string_view tok(p + i, j - i);
        detail::WordRef w;
        w.identity = true;
        if (!opt_.never_split.empty() && is_never_split(tok)) {
            w.text = tok;
            w.nchars = static_cast<std::uint32_t>(tok.size());
            w.base = base + static_cast<std::uint32_t>(i);
            emit(static_cast<const detail::WordRef&>(w));
            return;
        }
        const char* q = tok.data();
        if (opt_.do_lower_case) {
            bool upper = false;
            for (char c : tok) upper |= (c >= 'A' && c <= 'Z');
            if (upper) {
                s.lowered.assign(tok.data(), tok.size());
                for (char& c : s.lowered)
                    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
                q = s.lowered.data();
            }
        }
        std::size_t start = 0;
        const std::size_t len = tok.size();
        for (std::size_t k = 0; k < len; ++k) {
            if (ascii_[static_cast<unsigned char>(tok[k])] != detail::AsciiClass::punct) continue;
            if (k > start) {
                w.text = std::string_view(q + start, k - start);
                w.nchars = static_cast<std::uint32_t>(k - start);
                w.base = base + static_cast<std::uint32_t>(i + start);
                emit(static_cast<const detail::WordRef&>(w));
            }
            w.text = std::string_view(q + k, 1);
            w.nchars = 1;
            w.base = base + static_cast<std::uint32_t>(i + k);
            emit(static_cast<const detail::WordRef&>(w));
            start = k + 1;
        }
        if (start < len) {
            w.text = std::string_view(q + start, len - start);
            w.nchars = static_cast<std::uint32_t>(len - start);
            w.base = base + static_cast<std::uint32_t>(i + start);
            emit(static_cast<const detail::WordRef&>(w));
        }
    }

    // NFC of s.cps (with spans s.cb/s.ce) into s.cps2/s.cb2/s.ce2. Composition never crosses a starter that
    // cannot compose backwards, so each such segment is normalized alone; an output character of a segment
    // whose length changed maps to the whole segment's span.
    static void nfc(detail::BasicScratch& s) {
        s.cps2.clear(); s.cb2.clear(); s.ce2.clear();
        const std::size_t n = s.cps.size();
        bool simple = true;
        for (char32_t c : s.cps) simple &= (c < 0x300);
        if (simple) {  // Latin-1 and Latin Extended: already NFC, nothing composes
            s.cps2 = s.cps; s.cb2 = s.cb; s.ce2 = s.ce;
            return;
        }
        std::size_t a = 0;
        while (a < n) {
            std::size_t b = a + 1;
            while (b < n && !(detail::combining_class(s.cps[b]) == 0 && !detail::is_composing_starter(s.cps[b]))) ++b;
            // Decompose the segment, order the marks canonically, compose.
            s.seg.clear();
            for (std::size_t k = a; k < b; ++k) {
                char32_t d[8];
                const int m = detail::decompose_char(s.cps[k], d);
                for (int t = 0; t < m; ++t) s.seg.push_back(static_cast<utf8proc_int32_t>(d[t]));
            }
            canonical_order(s.seg.data(), s.seg.size(), nullptr, nullptr);
            const utf8proc_ssize_t m =
                utf8proc_normalize_utf32(s.seg.data(), static_cast<utf8proc_ssize_t>(s.seg.size()), UTF8PROC_COMPOSE);
            const std::size_t outn = m < 0 ? 0 : static_cast<std::size_t>(m);
            const bool same_len = outn == b - a;
            for (std::size_t k = 0; k < outn; ++k) {
                s.cps2.push_back(static_cast<char32_t>(s.seg[k]));
                s.cb2.push_back(same_len ? s.cb[a + k] : s.cb[a]);
                s.ce2.push_back(same_len ? s.ce[a + k] : s.ce[b - 1]);
            }
            a = b;
        }
    }

    // Stable sort of every run of non-starters by combining class (the canonical ordering algorithm),
    // carrying the optional span arrays along. Runs are tiny, so insertion sort.
    template <class T>
    static void canonical_order(T* c, std::size_t n, std::uint32_t* sb, std::uint32_t* se) {
        for (std::size_t k = 1; k < n; ++k) {
            const int cc = detail::combining_class(static_cast<char32_t>(c[k]));
            if (cc == 0) continue;
            std::size_t t = k;
            while (t > 0) {
                const int pc = detail::combining_class(static_cast<char32_t>(c[t - 1]));
                if (pc == 0 || pc <= cc) break;
                std::swap(c[t - 1], c[t]);
                if (sb) { std::swap(sb[t - 1], sb[t]); std::swap(se[t - 1], se[t]); }
                --t;
            }
        }
    }

    template <class Emit>
    void general_token(const char* p, std::size_t n, std::size_t i, std::size_t j, std::uint32_t base,
                       detail::BasicScratch& s, Emit& emit) const {
        // 1. Decode and clean.
        s.cps.clear(); s.cb.clear(); s.ce.clear();
        std::size_t k = i;
        while (k < j) {
            const std::size_t at = k;
            const char32_t cp = detail::decode_utf8(p, n, k);
            if (opt_.clean_text && (cp == 0 || cp == detail::kReplacementChar || detail::is_bert_control(cp))) continue;
            s.cps.push_back(cp);
            s.cb.push_back(base + static_cast<std::uint32_t>(at));
            s.ce.push_back(base + static_cast<std::uint32_t>(k));
        }
        if (s.cps.empty()) return;
        // 2. NFC.
        nfc(s);
        // 3. never_split words pass untouched.
        if (!opt_.never_split.empty()) {
            s.out.clear();
            for (char32_t c : s.cps2) detail::append_utf8(c, s.out);
            if (is_never_split(s.out)) {
                s.ob.clear(); s.oe.clear();
                for (std::size_t t = 0; t < s.cps2.size(); ++t)
                    for (std::size_t u = 0; u < detail::utf8_length(s.cps2[t]); ++u) {
                        s.ob.push_back(s.cb2[t]);
                        s.oe.push_back(s.ce2[t]);
                    }
                detail::WordRef w;
                w.text = s.out;
                w.nchars = static_cast<std::uint32_t>(s.cps2.size());
                w.identity = false;
                w.byte_begin = s.ob.data();
                w.byte_end = s.oe.data();
                emit(static_cast<const detail::WordRef&>(w));
                return;
            }
        }
        // 4. Lower-case (per code point) and strip accents, into s.cps/s.cb/s.ce.
        s.cps.clear(); s.cb.clear(); s.ce.clear();
        for (std::size_t t = 0; t < s.cps2.size(); ++t) {
            char32_t low[2];
            int m = 1;
            low[0] = s.cps2[t];
            if (opt_.do_lower_case) m = detail::lower_char(s.cps2[t], low);
            for (int u = 0; u < m; ++u) {
                if (strip_) {
                    char32_t d[8];
                    const int dn = detail::decompose_char(low[u], d);
                    for (int v = 0; v < dn; ++v) {
                        s.cps.push_back(d[v]);
                        s.cb.push_back(s.cb2[t]);
                        s.ce.push_back(s.ce2[t]);
                    }
                } else {
                    s.cps.push_back(low[u]);
                    s.cb.push_back(s.cb2[t]);
                    s.ce.push_back(s.ce2[t]);
                }
            }
        }
        if (strip_) {
            canonical_order(s.cps.data(), s.cps.size(), s.cb.data(), s.ce.data());
            std::size_t w = 0;
            for (std::size_t t = 0; t < s.cps.size(); ++t) {
                if (s.cps[t] >= 0x300 && detail::category(s.cps[t]) == UTF8PROC_CATEGORY_MN) continue;
                s.cps[w] = s.cps[t]; s.cb[w] = s.cb[t]; s.ce[w] = s.ce[t];
                ++w;
            }
            s.cps.resize(w); s.cb.resize(w); s.ce.resize(w);
        }
        // 5. Split off punctuation and emit.
        s.out.clear(); s.ob.clear(); s.oe.clear();
        std::size_t word_start_byte = 0, word_start_char = 0;
        auto flush = [&](std::size_t end_char) {
            if (s.out.size() > word_start_byte) {
                detail::WordRef w;
                w.text = std::string_view(s.out.data() + word_start_byte, s.out.size() - word_start_byte);
                w.nchars = static_cast<std::uint32_t>(end_char - word_start_char);
                w.identity = false;
                w.byte_begin = s.ob.data() + word_start_byte;
                w.byte_end = s.oe.data() + word_start_byte;
                emit(static_cast<const detail::WordRef&>(w));
            }
            word_start_byte = s.out.size();
            word_start_char = end_char;
        };
        // Reserve so that the views handed to emit stay valid while the buffers grow.
        s.out.reserve(s.cps.size() * 4);
        s.ob.reserve(s.cps.size() * 4);
        s.oe.reserve(s.cps.size() * 4);
        for (std::size_t t = 0; t < s.cps.size(); ++t) {
            const char32_t c = s.cps[t];
            const bool punct = detail::is_bert_punctuation(c);
            if (punct) flush(t);
            const std::size_t before = s.out.size();
            detail::append_utf8(c, s.out);
            for (std::size_t u = before; u < s.out.size(); ++u) {
                s.ob.push_back(s.cb[t]);
                s.oe.push_back(s.ce[t]);
            }
            if (punct) flush(t + 1);
        }
        flush(s.cps.size());
    }

    BasicTokenizerOptions opt_;
    bool strip_ = true;
    std::array<detail::AsciiClass, 128> ascii_{};
};

}  // namespace semvec
