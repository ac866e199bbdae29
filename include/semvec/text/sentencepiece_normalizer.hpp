// semvec/text/sentencepiece_normalizer.hpp — sentencepiece's own normalizer, as transformers' slow
// SentencePiece tokenizers (XLMRobertaTokenizer, AlbertTokenizer, ...) run it inside sp_model.encode():
// user-defined symbols kept whole, else the longest precompiled_charsmap rule at each position, leading,
// trailing and repeated spaces removed (remove_extra_whitespaces), a '▁' in front (add_dummy_prefix) and
// spaces written as '▁' (escape_whitespaces).
//
// Offsets are sentencepiece's: every output byte points at the input position where its rule started, and a
// token [a, b) spans from the position of byte a to the position of byte b (or where the text ended), so a
// '▁' that stands for a space includes that space and the dummy prefix is empty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "normalized_text.hpp"
#include "precompiled_charsmap.hpp"

namespace semvec {

/// sentencepiece's NormalizerSpec (the fields that act on encoding).
class SentencePieceNormalizer {
public:
    std::shared_ptr<const PrecompiledCharsmap> charsmap;  ///< null: no rules
    bool add_dummy_prefix = true;
    bool remove_extra_whitespaces = true;
    bool escape_whitespaces = true;
    std::vector<std::string> user_defined;  ///< user-defined pieces, longest first

    /// Normalizes every split of `in` without an added token into `out`.
    SEMVEC_API void apply(const detail::SplitBuffer& in, detail::SplitBuffer& out) const;
    /// Original span of the normalized bytes [a, b) of split s (sentencepiece's rule, see above).
    std::pair<std::uint32_t, std::uint32_t> original_span(const detail::SplitBuffer& buf, const detail::Split& s,
                                                          std::uint32_t a, std::uint32_t b) const {
        const std::uint32_t begin = a < s.len ? buf.align[s.off + a].begin : s.orig_end;
        const std::uint32_t end = b < s.len ? buf.align[s.off + b].begin : s.orig_end;
        return {begin, std::max(begin, end)};
    }
};

#if SEMVEC_DEFINITIONS

SEMVEC_API void SentencePieceNormalizer::apply(const detail::SplitBuffer& in, detail::SplitBuffer& out) const {
    using namespace detail;
    out.clear();
    static const std::string kMeta = "\xE2\x96\x81";
    for (const Split& s : in.splits) {
        if (s.added_id >= 0) {
            out.splits.push_back(copy_split(in, s, out));
            continue;
        }
        const std::string_view v = in.view(s);
        const std::size_t n = v.size();
        auto orig = [&](std::size_t j) -> std::uint32_t { return j < n ? in.align[s.off + j].begin : s.orig_end; };
        // One normalization step at position i: (replacement, consumed bytes).
        auto prefix = [&](std::size_t i, std::string_view& rep) -> std::size_t {
            for (const auto& u : user_defined)
                if (u.size() <= n - i && v.compare(i, u.size(), u) == 0) {
                    rep = v.substr(i, u.size());
                    return u.size();
                }
            if (charsmap) {
                const std::size_t len = charsmap->longest_prefix(v.data() + i, n - i, rep);
                if (len) return len;
            }
            std::size_t k = i;
            decode_utf8(v.data(), n, k);
            rep = v.substr(i, k - i);
            return k - i;
        };
        Split r = s;
        r.off = static_cast<std::uint32_t>(out.text.size());
        std::size_t i = 0;
        std::string_view rep;
        if (remove_extra_whitespaces) {
            while (i < n) {
                const std::size_t len = prefix(i, rep);
                if (rep != " ") break;
                i += len;
            }
        }
        if (i >= n) {
            r.len = 0;
            r.orig_end = orig(n);
            out.splits.push_back(r);
            continue;
        }
        auto push = [&](std::string_view bytes, std::uint32_t at) {
            out.text.append(bytes.data(), bytes.size());
            for (std::size_t k = 0; k < bytes.size(); ++k) out.align.push_back({at, at});
        };
        if (add_dummy_prefix) push(escape_whitespaces ? kMeta : std::string_view(" "), orig(i));
        bool prev_space = remove_extra_whitespaces;
        while (i < n) {
            const std::size_t len = prefix(i, rep);
            std::string_view sp = rep;
            while (prev_space && !sp.empty() && sp[0] == ' ') sp.remove_prefix(1);
            if (!sp.empty()) {
                const std::uint32_t at = orig(i);
                for (char ch : sp) {
                    if (escape_whitespaces && ch == ' ') push(kMeta, at);
                    else push(std::string_view(&ch, 1), at);
                }
                prev_space = sp.back() == ' ';
            }
            i += len;
            if (!remove_extra_whitespaces) prev_space = false;
        }
        std::uint32_t end_at = orig(n);
        if (remove_extra_whitespaces) {
            const std::string_view space = escape_whitespaces ? std::string_view(kMeta) : std::string_view(" ");
            while (out.text.size() - r.off >= space.size() &&
                   std::string_view(out.text).substr(out.text.size() - space.size()) == space) {
                const std::size_t length = out.text.size() - space.size();
                end_at = out.align[length].begin;
                out.text.resize(length);
                out.align.resize(length);
            }
        }
        r.len = static_cast<std::uint32_t>(out.text.size() - r.off);
        r.orig_end = end_at;
        out.splits.push_back(r);
    }
}

#endif  // SEMVEC_DEFINITIONS

}  // namespace semvec
