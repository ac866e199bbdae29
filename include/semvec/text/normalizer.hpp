// semvec/text/normalizer.hpp — the normalizers of Hugging Face tokenizer.json files (NFC, NFD, NFKC, NFKD,
// Lowercase, StripAccents, Replace, Strip, Prepend, Precompiled and a Sequence of them), with HF's offsets.
//
// Each step rewrites a split as HF's NormalizedString does (semvec/text/normalized_text.hpp), so the
// original span of every normalized byte is what HF reports. Unicode data come from utf8proc; the Unicode
// forms emit their characters the way HF's unicode-normalization-alignments crate does: a decomposition's
// first character replaces the source (change 0) and the rest are inserted (+1); a mark composed into its
// starter is removed (the starter's change goes down by one, or stays when the mark itself was inserted).
// A split that a step leaves unchanged is copied without rewriting (ASCII skips NFC/NFD/NFKC/NFKD at once).
//
// BertNormalizer is not here: tokenizer.json files with it run through BasicTokenizer (basic_tokenizer.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../config.hpp"
#include "normalized_text.hpp"
#include "precompiled_charsmap.hpp"
#include "unicode.hpp"

namespace semvec {

/// One normalizer step (a tokenizer.json normalizer other than Sequence).
struct NormalizerStep {
    enum class Kind {
        nfc, nfd, nfkc, nfkd, lowercase, strip_accents, replace, strip, prepend, precompiled,
        // transformers' Python preprocessing of slow SentencePiece tokenizers (semvec extensions):
        collapse_whitespace,   ///< " ".join(text.strip().split()) (Python whitespace)
        drop_combining_class,  ///< drop characters with unicodedata.combining(c) != 0
        python_lowercase,      ///< str.lower(): full mapping, final sigma as ς
    };
    Kind kind = Kind::nfc;
    /// replace: the literal pattern and its replacement; prepend: the text put in front.
    std::string pattern, content;
    /// replace with a regex of the form "c{n,}" or "c+" (a run of one character, the only regexes semvec
    /// reads here, e.g. SentencePiece converters' " {2,}"): the run length it needs. 0: literal pattern.
    std::size_t min_run = 0;
    /// strip: which sides lose their whitespace.
    bool left = true, right = true;
    /// precompiled: the SentencePiece charsmap (shared, immutable).
    std::shared_ptr<const PrecompiledCharsmap> charsmap;
};

/// A sequence of steps, applied in order to each split that is not an added token.
class Normalizer {
public:
    Normalizer() = default;
    explicit Normalizer(std::vector<NormalizerStep> steps) : steps_(std::move(steps)) {}
    bool empty() const { return steps_.empty(); }
    const std::vector<NormalizerStep>& steps() const { return steps_; }

    /// Normalizes the text of `in` (every split without an added token). Returns the buffer that holds the
    /// result: `in` itself when no step changed anything, else `out` or a thread-local buffer of its own
    /// (valid until the next call on this thread).
    SEMVEC_API detail::SplitBuffer& apply(detail::SplitBuffer& in, detail::SplitBuffer& out) const;
    /// Normalizes one string alone (used for added tokens with normalized = true).
    SEMVEC_API std::string normalize_string(const std::string& s) const;

private:
    std::vector<NormalizerStep> steps_;
};

namespace detail {

/// HF's NormalizedString::filter as (char, change) pairs: a removed character is charged to the kept one before
/// it; removed ones at the start are skipped through `initial_removed`. Returns true when anything was removed.
template <class Keep>
bool filter_changes(const std::vector<char32_t>& cps, Keep&& keep, std::vector<CharChange>& dest, std::size_t& initial_removed) {
    int removed = 0;
    bool have_last = false, changed = false;
    char32_t last = 0;
    for (char32_t c : cps) {
        if (keep(c)) {
            if (have_last) dest.push_back({last, -removed});
            else initial_removed = static_cast<std::size_t>(removed);
            last = c;
            have_last = true;
            removed = 0;
        } else {
            ++removed;
            changed = true;
        }
    }
    if (have_last) dest.push_back({last, -removed});
    return changed;
}

/// Appends the (char, change) list of a Unicode normalization form of `cps` to `dest`; returns false when
/// the result equals the input (nothing to rewrite).
SEMVEC_API bool unicode_form_changes(const std::vector<char32_t>& cps, bool compose, bool compat,
                                     std::vector<CharChange>& dest);

}  // namespace detail

#if SEMVEC_DEFINITIONS

namespace detail {

inline int decompose_full(char32_t cp, bool compat, char32_t out[32]) {
    if (cp < 0xA0) { out[0] = cp; return 1; }
    utf8proc_int32_t buf[32];
    int last_boundclass = 0;
    const utf8proc_ssize_t n = utf8proc_decompose_char(
        static_cast<utf8proc_int32_t>(cp), buf, 32,
        static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | (compat ? UTF8PROC_COMPAT : 0)), &last_boundclass);
    if (n <= 0 || n > 32) { out[0] = cp; return 1; }
    for (utf8proc_ssize_t k = 0; k < n; ++k) out[k] = static_cast<char32_t>(buf[k]);
    return static_cast<int>(n);
}

/// The canonical composition of a starter and a following character, or 0.
inline char32_t compose_pair(char32_t a, char32_t b) {
    // Hangul LV / LVT.
    if (a >= 0x1100 && a < 0x1113 && b >= 0x1161 && b < 0x1176) return 0xAC00 + ((a - 0x1100) * 21 + (b - 0x1161)) * 28;
    if (a >= 0xAC00 && a < 0xD7A4 && (a - 0xAC00) % 28 == 0 && b > 0x11A7 && b < 0x11C3) return a + (b - 0x11A7);
    utf8proc_int32_t buf[2] = {static_cast<utf8proc_int32_t>(a), static_cast<utf8proc_int32_t>(b)};
    const utf8proc_ssize_t n = utf8proc_normalize_utf32(buf, 2, UTF8PROC_COMPOSE);
    return n == 1 ? static_cast<char32_t>(buf[0]) : 0;
}

SEMVEC_API bool unicode_form_changes(const std::vector<char32_t>& cps, bool compose, bool compat,
                                     std::vector<CharChange>& dest) {
    std::vector<CharChange> d;
    d.reserve(cps.size() + 4);
    char32_t buf[32];
    for (char32_t c : cps) {
        const int n = decompose_full(c, compat, buf);
        for (int k = 0; k < n; ++k) d.push_back({buf[k], k == 0 ? 0 : 1});
    }
    // Canonical ordering: stable sort of each run of marks by combining class.
    for (std::size_t k = 1; k < d.size(); ++k) {
        const int cc = combining_class(d[k].c);
        if (cc == 0) continue;
        std::size_t t = k;
        while (t > 0) {
            const int pc = combining_class(d[t - 1].c);
            if (pc == 0 || pc <= cc) break;
            std::swap(d[t - 1], d[t]);
            --t;
        }
    }
    if (compose && !d.empty()) {
        std::vector<CharChange> c;
        c.reserve(d.size());
        std::size_t starter = static_cast<std::size_t>(-1);
        int last_cc = -1;
        for (const auto& x : d) {
            const int cc = combining_class(x.c);
            if (starter != static_cast<std::size_t>(-1)) {
                const bool blocked = last_cc != -1 && (last_cc == 0 || last_cc >= cc);
                if (!blocked) {
                    const char32_t comp = compose_pair(c[starter].c, x.c);
                    if (comp) {
                        c[starter].c = comp;
                        c[starter].change += x.change - 1;
                        continue;
                    }
                }
            }
            if (cc == 0) {
                starter = c.size();
                last_cc = -1;
            } else {
                last_cc = cc;
            }
            c.push_back(x);
        }
        d.swap(c);
    }
    bool same = d.size() == cps.size();
    for (std::size_t k = 0; same && k < d.size(); ++k) same = d[k].c == cps[k] && d[k].change == 0;
    if (same) return false;
    dest.insert(dest.end(), d.begin(), d.end());
    return true;
}

}  // namespace detail

SEMVEC_API detail::SplitBuffer& Normalizer::apply(detail::SplitBuffer& in, detail::SplitBuffer& out) const {
    using namespace detail;
    static thread_local std::vector<char32_t> cps;
    static thread_local std::vector<CharChange> dest;
    static thread_local SplitBuffer tmp;
    SplitBuffer* src = &in;
    for (std::size_t si = 0; si < steps_.size(); ++si) {
        const NormalizerStep& st = steps_[si];
        SplitBuffer* dst = src == &out ? &tmp : &out;
        dst->clear();
        // Splits are copied to `dst` only once one of them changes: a step that changes nothing (the usual
        // case for plain text) costs no copy.
        std::size_t copied = 0;
        auto copy_unchanged = [&](std::size_t upto) {
            for (; copied < upto; ++copied) dst->splits.push_back(copy_split(*src, src->splits[copied], *dst));
        };
        for (std::size_t split_index = 0; split_index < src->splits.size(); ++split_index) {
            const Split& s = src->splits[split_index];
            if (s.added_id >= 0) continue;
            const std::string_view v = src->view(s);
            bool changed = false;
            std::size_t initial_removed = 0;
            dest.clear();
            switch (st.kind) {
                case NormalizerStep::Kind::nfc:
                case NormalizerStep::Kind::nfd:
                case NormalizerStep::Kind::nfkc:
                case NormalizerStep::Kind::nfkd: {
                    const bool compat = st.kind == NormalizerStep::Kind::nfkc || st.kind == NormalizerStep::Kind::nfkd;
                    const bool compose = st.kind == NormalizerStep::Kind::nfc || st.kind == NormalizerStep::Kind::nfkc;
                    if (is_ascii(v.data(), v.size())) break;
                    chars_of(v, cps);
                    changed = unicode_form_changes(cps, compose, compat, dest);
                    break;
                }
                case NormalizerStep::Kind::lowercase: {
                    chars_of(v, cps);
                    for (char32_t c : cps) {
                        char32_t low[2];
                        const int m = lower_char(c, low);
                        for (int k = 0; k < m; ++k) dest.push_back({low[k], k == 0 ? 0 : 1});
                        changed |= m != 1 || low[0] != c;
                    }
                    break;
                }
                case NormalizerStep::Kind::strip_accents:
                    chars_of(v, cps);
                    changed = filter_changes(cps, [](char32_t c) { return !is_combining_mark(c); }, dest, initial_removed);
                    break;
                case NormalizerStep::Kind::replace: {
                    // HF's replace: each match's characters are removed and the content inserted (every
                    // inserted character takes the span of the match's last byte).
                    if (st.pattern.empty() || v.find(st.pattern) == std::string_view::npos) break;
                    // A run regex: the next run of at least min_run copies of the pattern.
                    auto next_match = [&](std::size_t from, std::size_t& len) -> std::size_t {
                        std::size_t m = v.find(st.pattern, from);
                        while (m != std::string_view::npos) {
                            std::size_t e = m;
                            std::size_t count = 0;
                            while (e + st.pattern.size() <= v.size() && v.compare(e, st.pattern.size(), st.pattern) == 0) {
                                e += st.pattern.size();
                                ++count;
                                if (!st.min_run) break;
                            }
                            if (!st.min_run || count >= st.min_run) {
                                len = e - m;
                                return m;
                            }
                            m = v.find(st.pattern, e);
                        }
                        return std::string_view::npos;
                    };
                    std::size_t mlen = 0;
                    if (next_match(0, mlen) == std::string_view::npos) break;
                    copy_unchanged(split_index);
                    std::vector<char32_t> content;
                    chars_of(st.content, content);
                    Split r = s;
                    r.off = static_cast<std::uint32_t>(dst->text.size());
                    std::size_t pos = 0;
                    while (pos <= v.size()) {
                        const std::size_t m = next_match(pos, mlen);
                        const std::size_t stop = m == std::string_view::npos ? v.size() : m;
                        dst->text.append(v.data() + pos, stop - pos);
                        dst->align.insert(dst->align.end(), src->align.begin() + s.off + pos, src->align.begin() + s.off + stop);
                        if (m == std::string_view::npos) break;
                        const std::size_t end = m + mlen;
                        const Alignment a = src->align[s.off + end - 1];
                        const std::size_t before = dst->text.size();
                        for (char32_t c : content) append_utf8(c, dst->text);
                        for (std::size_t k = before; k < dst->text.size(); ++k) dst->align.push_back(a);
                        pos = end;
                    }
                    r.len = static_cast<std::uint32_t>(dst->text.size() - r.off);
                    dst->splits.push_back(r);
                    ++copied;
                    continue;
                }
                case NormalizerStep::Kind::strip: {
                    chars_of(v, cps);
                    std::size_t lead = 0, trail = 0;
                    if (st.left) while (lead < cps.size() && is_white_space(cps[lead])) ++lead;
                    if (st.right) while (trail < cps.size() - lead && is_white_space(cps[cps.size() - 1 - trail])) ++trail;
                    if (lead == 0 && trail == 0) break;
                    changed = true;
                    initial_removed = lead;
                    for (std::size_t k = lead; k + trail < cps.size(); ++k)
                        dest.push_back({cps[k], k + trail + 1 == cps.size() ? -static_cast<int>(trail) : 0});
                    break;
                }
                case NormalizerStep::Kind::prepend: {
                    if (v.empty() || st.content.empty()) break;
                    changed = true;
                    chars_of(st.content, cps);
                    for (std::size_t k = 0; k < cps.size(); ++k) dest.push_back({cps[k], k == 0 ? 0 : 1});
                    std::vector<char32_t> rest;
                    chars_of(v, rest);
                    dest.push_back({rest[0], 1});
                    for (std::size_t k = 1; k < rest.size(); ++k) dest.push_back({rest[k], 0});
                    break;
                }
                case NormalizerStep::Kind::precompiled:
                    changed = st.charsmap->hf_changes(v, dest);
                    break;
                case NormalizerStep::Kind::collapse_whitespace: {
                    chars_of(v, cps);
                    auto py_space = [](char32_t c) { return is_white_space(c) || (c >= 0x1C && c <= 0x1F); };
                    std::size_t k = 0;
                    while (k < cps.size() && py_space(cps[k])) ++k;
                    initial_removed = k;
                    changed = k > 0;
                    while (k < cps.size()) {
                        if (!py_space(cps[k])) {
                            dest.push_back({cps[k], 0});
                            ++k;
                            continue;
                        }
                        std::size_t e = k;
                        while (e < cps.size() && py_space(cps[e])) ++e;
                        if (e == cps.size()) {  // trailing: charged to the last kept character
                            if (!dest.empty()) dest.back().change -= static_cast<int>(e - k);
                            changed = true;
                        } else {
                            dest.push_back({U' ', -static_cast<int>(e - k - 1)});
                            changed |= e - k > 1 || cps[k] != U' ';
                        }
                        k = e;
                    }
                    break;
                }
                case NormalizerStep::Kind::drop_combining_class:
                    chars_of(v, cps);
                    changed = filter_changes(cps, [](char32_t c) { return !has_combining_class(c); }, dest, initial_removed);
                    break;
                case NormalizerStep::Kind::python_lowercase: {
                    chars_of(v, cps);
                    for (std::size_t k = 0; k < cps.size(); ++k) {
                        const char32_t c = cps[k];
                        char32_t low[2];
                        int m = lower_char(c, low);
                        if (c == 0x3A3) {
                            // Final sigma: after a cased letter and not before one (case-ignorable marks skipped).
                            std::size_t q = k;
                            bool before = false, after = false;
                            while (q > 0) {
                                --q;
                                if (is_combining_mark(cps[q])) continue;
                                before = is_letter(cps[q]);
                                break;
                            }
                            for (std::size_t r = k + 1; r < cps.size(); ++r) {
                                if (is_combining_mark(cps[r])) continue;
                                after = is_letter(cps[r]);
                                break;
                            }
                            if (before && !after) { low[0] = 0x3C2; m = 1; }
                        }
                        for (int t = 0; t < m; ++t) dest.push_back({low[t], t == 0 ? 0 : 1});
                        changed |= m != 1 || low[0] != c;
                    }
                    break;
                }
            }
            if (!changed) continue;
            copy_unchanged(split_index);
            dst->splits.push_back(transform_split(*src, s, dest, initial_removed, *dst));
            ++copied;
        }
        if (copied == 0) continue;  // nothing changed: the step's result is `src` as it is
        copy_unchanged(src->splits.size());
        src = dst;
    }
    return *src;
}

SEMVEC_API std::string Normalizer::normalize_string(const std::string& s) const {
    detail::SplitBuffer a, b;
    a.append_original(s, 0, false);
    return apply(a, b).text;
}

#endif  // SEMVEC_DEFINITIONS

}  // namespace semvec
