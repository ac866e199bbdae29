// semvec/text/added_tokens.hpp — added (and special) tokens: strings that are cut out of the text whole
// before normalization and pre-tokenization, with HF's options.
//
// Matching is leftmost-longest over all added tokens, non-overlapping, as HF's Aho-Corasick matcher does.
// `single_word` tokens only match between non-word characters (a rejected match is skipped), `lstrip` /
// `rstrip` swallow the whitespace on that side into the token's span. Tokens with normalized = false match
// the raw text; the others match the normalized text, in their normalized form.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "unicode.hpp"

namespace semvec {

/// An added token as tokenizer.json describes it.
struct AddedToken {
    std::string content;
    std::int32_t id = -1;
    bool single_word = false, lstrip = false, rstrip = false;
    /// Matched against the normalized text (true) or the raw text (false). HF's default: !special.
    bool normalized = true;
    bool special = false;
};

namespace detail {

/// A set of added tokens to match in text.
class AddedTokenMatcher {
public:
    AddedTokenMatcher() = default;
    /// `patterns[i]` is the text to look for of token `tokens[i]`.
    AddedTokenMatcher(std::vector<AddedToken> tokens, std::vector<std::string> patterns) {
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            if (patterns[i].empty()) continue;
            entries_.push_back({std::move(patterns[i]), tokens[i]});
        }
        std::stable_sort(entries_.begin(), entries_.end(),
                         [](const Entry& a, const Entry& b) { return a.pattern.size() > b.pattern.size(); });
        for (const auto& e : entries_) first_[static_cast<unsigned char>(e.pattern[0])] = true;
        for (const auto& e : entries_)
            single_first_ = single_first_ == -1 || single_first_ == static_cast<unsigned char>(e.pattern[0])
                                ? static_cast<unsigned char>(e.pattern[0])
                                : -2;
        if (single_first_ < 0) single_first_ = -1;
    }
    bool empty() const { return entries_.empty(); }

    struct Match {
        std::size_t begin, end;  ///< the span the token takes (with stripped whitespace)
        std::int32_t id;
    };

    /// Calls f(Match) for each match in `s`, in order.
    template <class F>
    void find(std::string_view s, F&& f) const {
        if (entries_.empty()) return;
        std::size_t start_offset = 0, i = 0;
        const std::size_t n = s.size();
        while (i < n) {
            if (single_first_ >= 0) {  // usually all tokens start alike ('<', '['): jump with memchr
                const void* at = std::memchr(s.data() + i, single_first_, n - i);
                if (!at) break;
                i = static_cast<std::size_t>(static_cast<const char*>(at) - s.data());
            }
            if (!first_[static_cast<unsigned char>(s[i])]) { ++i; continue; }
            const Entry* hit = nullptr;
            for (const auto& e : entries_)  // longest first
                if (e.pattern.size() <= n - i && s.compare(i, e.pattern.size(), e.pattern) == 0) { hit = &e; break; }
            if (!hit) { ++i; continue; }
            std::size_t b = i, e = i + hit->pattern.size();
            i = e;  // the next search starts after this match, whether it is taken or not
            const AddedToken& t = hit->token;
            if (t.single_word) {
                const bool start_space = b == 0 || !ends_with_word(s.substr(0, b));
                const bool stop_space = e == n || !starts_with_word(s.substr(e));
                if (!start_space || !stop_space) continue;
            }
            if (t.lstrip) b = std::max(leftmost_space_at_end(s.substr(0, b)), start_offset);
            if (t.rstrip) e += rightmost_space_at_start(s.substr(e));
            f(Match{b, e, t.id});
            start_offset = e;
            i = std::max(i, e);
        }
    }

private:
    struct Entry {
        std::string pattern;
        AddedToken token;
    };
    static bool ends_with_word(std::string_view s) {
        if (s.empty()) return false;
        std::size_t k = s.size() - 1;
        while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
        std::size_t q = k;
        return is_word_char(decode_utf8(s.data(), s.size(), q));
    }
    static bool starts_with_word(std::string_view s) {
        if (s.empty()) return false;
        std::size_t q = 0;
        return is_word_char(decode_utf8(s.data(), s.size(), q));
    }
    static std::size_t leftmost_space_at_end(std::string_view s) {
        std::size_t k = s.size();
        while (k > 0) {
            std::size_t b = k - 1;
            while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
            std::size_t q = b;
            if (!is_white_space(decode_utf8(s.data(), s.size(), q))) break;
            k = b;
        }
        return k;
    }
    static std::size_t rightmost_space_at_start(std::string_view s) {
        std::size_t k = 0;
        while (k < s.size()) {
            std::size_t q = k;
            if (!is_white_space(decode_utf8(s.data(), s.size(), q))) break;
            k = q;
        }
        return k;
    }

    std::vector<Entry> entries_;
    bool first_[256] = {};
    int single_first_ = -1;  ///< the first byte of every pattern when they share one, else -1
};

}  // namespace detail
}  // namespace semvec
