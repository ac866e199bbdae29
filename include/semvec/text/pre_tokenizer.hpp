// semvec/text/pre_tokenizer.hpp — the pre-tokenizers of Hugging Face tokenizer.json files: ByteLevel,
// Split, Metaspace, Whitespace, WhitespaceSplit, Punctuation, Digits, and a Sequence of them.
//
// A pre-tokenizer cuts each split of the normalized text into smaller splits (never across an added token)
// with HF's split behaviours (removed, isolated, merged with previous/next, contiguous). Metaspace also
// rewrites its splits (' ' → '▁', a '▁' in front) with HF's offsets. ByteLevel's byte-to-unicode rewrite is
// not done here: it only marks the text as byte-level and the BPE model reads the bytes directly (same
// tokens, same offsets, no rewritten copy). So ByteLevel must be the last pre-tokenizer (the loader refuses
// anything after it).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "normalized_text.hpp"
#include "split_patterns.hpp"
#include "unicode.hpp"

namespace semvec {

/// HF's SplitDelimiterBehavior.
enum class SplitBehavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };

/// One pre-tokenizer step.
struct PreTokenizerStep {
    enum class Kind { byte_level, split, metaspace, whitespace, whitespace_split, punctuation, digits };
    Kind kind = Kind::byte_level;
    /// byte_level: prepend a space to a split that does not start with one.
    bool add_prefix_space = false;
    /// byte_level: split with the GPT-2 pattern first (use_regex).
    bool use_regex = true;
    /// split: a known regex (`regex` true) or a literal string.
    bool regex = true;
    detail::SplitPattern pattern = detail::SplitPattern::gpt2;
    std::string literal;
    SplitBehavior behavior = SplitBehavior::isolated;
    bool invert = false;
    /// metaspace: the replacement character (default '▁'), prepend scheme and whether to split on it.
    char32_t replacement = 0x2581;
    enum class Prepend { always, first, never } prepend = Prepend::always;
    bool split_on_replacement = true;
    /// digits: one split per digit (true) or per run of digits.
    bool individual_digits = false;
};

namespace detail {

/// Matches of a pattern in a split as HF's Pattern::find_matches gives them: ranges covering the whole text,
/// each flagged as a match or a gap.
struct MatchRange {
    std::uint32_t b, e;
    bool match;
};

/// Applies HF's split behaviour to `m` (in place), giving the ranges to keep.
inline void apply_behavior(std::vector<MatchRange>& m, SplitBehavior behavior) {
    if (behavior == SplitBehavior::isolated) return;  // every range kept as it is
    static thread_local std::vector<MatchRange> out;
    out.clear();
    bool prev = false;
    switch (behavior) {
        case SplitBehavior::isolated:
            for (auto& r : m) out.push_back({r.b, r.e, false});
            break;
        case SplitBehavior::removed:
            for (auto& r : m)
                if (!r.match) out.push_back(r);
            break;
        case SplitBehavior::contiguous:
            for (auto& r : m) {
                if (r.match == prev && !out.empty()) out.back().e = r.e;
                else out.push_back({r.b, r.e, false});
                prev = r.match;
            }
            break;
        case SplitBehavior::merged_with_previous:
            for (auto& r : m) {
                if (r.match && !prev && !out.empty()) out.back().e = r.e;
                else out.push_back({r.b, r.e, false});
                prev = r.match;
            }
            break;
        case SplitBehavior::merged_with_next:
            for (std::size_t k = m.size(); k-- > 0;) {
                const auto& r = m[k];
                if (r.match && !prev && !out.empty()) out.back().b = r.b;
                else out.push_back({r.b, r.e, false});
                prev = r.match;
            }
            std::reverse(out.begin(), out.end());
            break;
    }
    m.swap(out);
}

/// find_matches of a character predicate: every matching character is its own match.
template <class Pred>
void char_matches(std::string_view v, Pred&& pred, std::vector<MatchRange>& m) {
    m.clear();
    std::uint32_t gap = 0;
    std::size_t i = 0;
    while (i < v.size()) {
        const std::size_t at = i;
        const char32_t c = decode_utf8(v.data(), v.size(), i);
        if (pred(c)) {
            if (gap < at) m.push_back({gap, static_cast<std::uint32_t>(at), false});
            m.push_back({static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(i), true});
            gap = static_cast<std::uint32_t>(i);
        }
    }
    if (gap < v.size() || m.empty()) m.push_back({gap, static_cast<std::uint32_t>(v.size()), false});
}

/// find_matches of a regex-like predicate over runs: [a, b) runs where pred holds are matches.
template <class Pred>
void run_matches(std::string_view v, Pred&& pred, std::vector<MatchRange>& m) {
    m.clear();
    std::size_t i = 0;
    std::uint32_t start = 0;
    bool in = false;
    while (i < v.size()) {
        const std::size_t at = i;
        const bool p = pred(decode_utf8(v.data(), v.size(), i));
        if (at == 0) in = p;
        else if (p != in) {
            m.push_back({start, static_cast<std::uint32_t>(at), in});
            start = static_cast<std::uint32_t>(at);
            in = p;
        }
    }
    if (!v.empty()) m.push_back({start, static_cast<std::uint32_t>(v.size()), in});
    else m.push_back({0, 0, false});
}

}  // namespace detail

/// The pre-tokenizer of a pipeline: its steps in order.
class PreTokenizer {
public:
    PreTokenizer() = default;
    explicit PreTokenizer(std::vector<PreTokenizerStep> steps) : steps_(std::move(steps)) {
        for (const auto& s : steps_)
            if (s.kind == PreTokenizerStep::Kind::byte_level) byte_level_ = true;
    }
    /// True when a ByteLevel step is present (the model then reads bytes in the byte-level alphabet).
    bool byte_level() const { return byte_level_; }
    bool empty() const { return steps_.empty(); }
    const std::vector<PreTokenizerStep>& steps() const { return steps_; }

    /// Cuts the splits of `in` (added tokens pass through). Steps that only cut work in `in` itself; steps that
    /// rewrite text use `out` as the other buffer. Returns the buffer that holds the result (`in` or `out`).
    SEMVEC_API detail::SplitBuffer& apply(detail::SplitBuffer& in, detail::SplitBuffer& out) const;

private:
    std::vector<PreTokenizerStep> steps_;
    bool byte_level_ = false;
};

#if SEMVEC_DEFINITIONS

SEMVEC_API detail::SplitBuffer& PreTokenizer::apply(detail::SplitBuffer& in, detail::SplitBuffer& out) const {
    using namespace detail;
    static thread_local std::vector<MatchRange> m;
    static thread_local std::vector<CharChange> dest;
    static thread_local std::vector<char32_t> cps;
    static thread_local std::vector<Split> next;
    // Steps that only cut keep the text buffer; steps that rewrite (Metaspace, ByteLevel's prefix space) move
    // to the other buffer. `cur` always holds the current state.
    SplitBuffer* cur = &in;
    SplitBuffer* other = &out;
    for (const PreTokenizerStep& st : steps_) {
        // Rewrites first (they keep one split per split).
        const bool prefix_space = st.kind == PreTokenizerStep::Kind::byte_level && st.add_prefix_space;
        if (st.kind == PreTokenizerStep::Kind::metaspace || prefix_space) {
            other->clear();
            for (const Split& s : cur->splits) {
                if (s.added_id >= 0) {
                    other->splits.push_back(copy_split(*cur, s, *other));
                    continue;
                }
                const std::string_view v = cur->view(s);
                dest.clear();
                bool changed = false;
                if (prefix_space) {
                    if (!v.empty() && v[0] != ' ') {
                        chars_of(v, cps);
                        dest.push_back({U' ', 0});
                        dest.push_back({cps[0], 1});
                        for (std::size_t k = 1; k < cps.size(); ++k) dest.push_back({cps[k], 0});
                        changed = true;
                    }
                    if (changed) other->splits.push_back(transform_split(*cur, s, dest, 0, *other));
                    else other->splits.push_back(copy_split(*cur, s, *other));
                    continue;
                }
                // Metaspace: ' ' → replacement (each inserted replacement takes the space's span), then the
                // prepend scheme: HF puts a replacement in front that takes the first character's span.
                std::string rep;
                append_utf8(st.replacement, rep);
                const std::size_t rep_len = rep.size();
                const bool starts = !v.empty() && (v[0] == ' ' || v.compare(0, rep_len, rep) == 0);
                bool prepend = false;
                if (st.prepend == PreTokenizerStep::Prepend::always) prepend = !starts;
                else if (st.prepend == PreTokenizerStep::Prepend::first) prepend = !starts && s.orig_begin == 0;
                // The output's size is known: write it in place.
                const std::size_t spaces = static_cast<std::size_t>(std::count(v.begin(), v.end(), ' '));
                const std::size_t pre = prepend && !v.empty() ? rep_len : 0;
                Split r = s;
                r.off = static_cast<std::uint32_t>(other->text.size());
                other->text.resize(r.off + pre + v.size() + spaces * (rep_len - 1));
                other->align.resize(other->text.size());
                char* t = &other->text[r.off];
                Alignment* al = other->align.data() + r.off;
                const Alignment* from = cur->align.data() + s.off;
                for (std::size_t q = 0; q < pre; ++q) *t++ = rep[q], *al++ = from[0];
                for (std::size_t k = 0; k < v.size(); ++k) {
                    if (v[k] != ' ') {
                        *t++ = v[k];
                        *al++ = from[k];
                        continue;
                    }
                    for (std::size_t q = 0; q < rep_len; ++q) *t++ = rep[q], *al++ = from[k];
                }
                r.len = static_cast<std::uint32_t>(other->text.size() - r.off);
                other->splits.push_back(r);
            }
            std::swap(cur, other);
            if (st.kind == PreTokenizerStep::Kind::metaspace && !st.split_on_replacement) continue;
        }
        // Cutting.
        next.clear();
        for (const Split& s : cur->splits) {
            if (s.added_id >= 0) {
                next.push_back(s);
                continue;
            }
            const std::string_view v = cur->view(s);
            SplitBehavior behavior = st.behavior;
            switch (st.kind) {
                case PreTokenizerStep::Kind::byte_level:
                    if (!st.use_regex) {
                        next.push_back(s);
                        continue;
                    }
                    [[fallthrough]];
                case PreTokenizerStep::Kind::split:
                    if (st.kind == PreTokenizerStep::Kind::byte_level || st.regex) {
                        const SplitPattern pat = st.kind == PreTokenizerStep::Kind::byte_level ? SplitPattern::gpt2 : st.pattern;
                        m.clear();
                        std::size_t i = 0;
                        while (i < v.size()) {
                            const std::size_t e = split_pattern_match(pat, v.data(), v.size(), i);
                            m.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(e), true});
                            i = e;
                        }
                        if (m.empty()) m.push_back({0, 0, false});
                        if (st.kind == PreTokenizerStep::Kind::byte_level) behavior = SplitBehavior::isolated;
                    } else {
                        m.clear();
                        std::size_t i = 0, gap = 0;
                        if (!st.literal.empty()) {
                            while ((i = v.find(st.literal, gap)) != std::string_view::npos) {
                                if (gap < i) m.push_back({static_cast<std::uint32_t>(gap), static_cast<std::uint32_t>(i), false});
                                m.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + st.literal.size()), true});
                                gap = i + st.literal.size();
                            }
                        }
                        if (gap < v.size() || m.empty()) m.push_back({static_cast<std::uint32_t>(gap), static_cast<std::uint32_t>(v.size()), false});
                    }
                    if (st.kind == PreTokenizerStep::Kind::split && st.invert)
                        for (auto& r : m) r.match = !r.match;
                    break;
                case PreTokenizerStep::Kind::metaspace: {
                    // Each replacement character merged with what follows it: a cut before every one. The
                    // character is one whole UTF-8 sequence, so a byte search finds exactly its occurrences.
                    std::string rv;
                    append_utf8(st.replacement, rv);
                    m.clear();
                    std::size_t from = 0, at = v.find(rv, v.compare(0, rv.size(), rv) == 0 ? rv.size() : 0);
                    for (; at != std::string_view::npos; at = v.find(rv, at + rv.size())) {
                        m.push_back({static_cast<std::uint32_t>(from), static_cast<std::uint32_t>(at), false});
                        from = at;
                    }
                    m.push_back({static_cast<std::uint32_t>(from), static_cast<std::uint32_t>(v.size()), false});
                    behavior = SplitBehavior::isolated;
                    break;
                }
                case PreTokenizerStep::Kind::whitespace: {
                    // \w+|[^\w\s]+ kept, everything else (whitespace) removed.
                    m.clear();
                    std::size_t i = 0;
                    std::uint32_t start = 0;
                    int cls = -1;  // 0 word, 1 other, 2 space
                    while (i < v.size()) {
                        const std::size_t at = i;
                        const char32_t c = decode_utf8(v.data(), v.size(), i);
                        const int k = is_word_char(c) ? 0 : is_white_space(c) ? 2 : 1;
                        if (at == 0) cls = k;
                        else if (k != cls) {
                            m.push_back({start, static_cast<std::uint32_t>(at), cls == 2});
                            start = static_cast<std::uint32_t>(at);
                            cls = k;
                        }
                    }
                    if (!v.empty()) m.push_back({start, static_cast<std::uint32_t>(v.size()), cls == 2});
                    behavior = SplitBehavior::removed;
                    break;
                }
                case PreTokenizerStep::Kind::whitespace_split:
                    run_matches(v, [](char32_t c) { return is_white_space(c); }, m);
                    behavior = SplitBehavior::removed;
                    break;
                case PreTokenizerStep::Kind::punctuation:
                    char_matches(v, [](char32_t c) { return is_bert_punctuation(c); }, m);
                    break;
                case PreTokenizerStep::Kind::digits:
                    if (st.individual_digits) {
                        char_matches(v, [](char32_t c) { return is_number(c); }, m);
                        behavior = SplitBehavior::isolated;
                    } else {
                        run_matches(v, [](char32_t c) { return is_number(c); }, m);
                        behavior = SplitBehavior::contiguous;
                    }
                    break;
            }
            apply_behavior(m, behavior);
            for (const auto& r : m) {
                if (r.e <= r.b) continue;  // HF drops empty splits
                Split c = s;
                c.off = s.off + r.b;
                c.len = r.e - r.b;
                const auto span = original_span(*cur, s, r.b, r.e);
                c.orig_begin = span.first;
                c.orig_end = span.second;
                next.push_back(c);
            }
        }
        cur->splits.swap(next);
    }
    return *cur;
}

#endif  // SEMVEC_DEFINITIONS

}  // namespace semvec
