// semvec/text/pipeline.hpp — the tokenizer pipeline of byte-level BPE and Unigram tokenizers, split the way
// Hugging Face's tokenizer.json is: added tokens → normalizer → pre-tokenizer → model → (truncation) →
// post-processor. Tokenizer (semvec/text/tokenizer.hpp) holds one and exposes it; loaders build one
// (tokenizer_json.hpp, bpe_files.hpp, sentencepiece_model.hpp, the model-file metadata).
//
// Which reference the pipeline follows is part of it (`Reference`): HF tokenizers (tokenizer.json files) or
// transformers' slow Python tokenizers (vocab.json + merges.txt, SentencePiece .model). They differ in
// offsets (HF maps a byte-level token inside a character to the whole character and trims spaces; the slow
// ones have byte-exact spans), in how a pair is truncated, and in SentencePiece normalization
// (docs/tokenizers.md lists every case).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "added_tokens.hpp"
#include "bpe.hpp"
#include "normalized_text.hpp"
#include "normalizer.hpp"
#include "post_processor.hpp"
#include "pre_tokenizer.hpp"
#include "sentencepiece_normalizer.hpp"
#include "unigram.hpp"
#include "wordpiece.hpp"

namespace semvec {

/// Whose behaviour a tokenizer reproduces (the file format decides; see docs/tokenizers.md).
enum class TokenizerReference {
    hf_tokenizers,      ///< Hugging Face tokenizers (Rust), i.e. tokenizer.json
    transformers_slow,  ///< transformers' Python tokenizers, i.e. vocab.json + merges.txt or a .model file
};

/// The tokens of one text, before special tokens: ids, original byte spans, and (for offset trimming) how
/// many spaces each token's text starts and ends with.
struct SequenceTokens {
    std::vector<std::int32_t> ids;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> offsets;
    std::vector<std::uint16_t> lead, trail;
    void clear() {
        ids.clear();
        offsets.clear();
        lead.clear();
        trail.clear();
    }
};

namespace detail {

/// A complete BPE or Unigram tokenizer (see the header comment). Built by the loaders, then immutable.
struct Pipeline {
    TokenizerReference reference = TokenizerReference::hf_tokenizers;
    enum class ModelKind { bpe, unigram } model_kind = ModelKind::bpe;
    std::vector<std::string> vocab;               ///< token of each id (model tokens and added tokens)
    VocabIndex index;                             ///< token → id (added tokens win)
    std::vector<AddedToken> added;
    AddedTokenMatcher raw_added, normalized_added;
    /// transformers' Qwen2Tokenizer normalizes (NFC) the whole text before it cuts out added tokens.
    bool normalize_before_added = false;
    Normalizer normalizer;
    /// The sentencepiece normalizer of slow SentencePiece tokenizers (applied after `normalizer`).
    std::shared_ptr<const SentencePieceNormalizer> spm;
    /// AlbertTokenizer's re-split of pieces like "▁1," into "▁1" "," (slow ALBERT only).
    bool albert_digit_comma = false;
    PreTokenizer pre_tokenizer;
    BpeModel bpe;
    UnigramModel unigram;
    PostProcessor post;
    std::vector<std::uint8_t> lead_spaces, trail_spaces;  ///< per id: 'Ġ'/whitespace at the token's ends

    /// Finishes a pipeline whose fields are set: builds the index, the matchers and the space counts.
    SEMVEC_API void finish();
    /// The tokens of one text (no special tokens). `limit` > 0 lets it stop early once that many tokens exist
    /// (what it returns is then a prefix of the full result, at least `limit` long).
    SEMVEC_API void tokenize(std::string_view text, SequenceTokens& out, std::size_t limit = 0) const;

private:
    void model_tokens(const SplitBuffer& buf, const Split& s, SequenceTokens& out) const;
};

/// Reusable buffers of Pipeline::tokenize (one set per thread).
struct PipelineScratch {
    SplitBuffer a, b, c;
    std::vector<WordToken> words;
    std::vector<WordToken> albert;
    std::vector<std::uint64_t> hashes;  ///< word-cache hashes of the words looked up ahead
};
inline PipelineScratch& pipeline_scratch() {
    static thread_local PipelineScratch s;
    return s;
}

}  // namespace detail

#if SEMVEC_DEFINITIONS

namespace detail {

SEMVEC_API void Pipeline::finish() {
    index = VocabIndex();
    index.reserve(vocab.size() + added.size());
    for (std::size_t i = 0; i < vocab.size(); ++i)
        if (index.find(vocab[i]) < 0) index.insert(vocab[i], static_cast<std::int32_t>(i));
    for (const auto& t : added) index.insert(t.content, t.id);
    std::vector<AddedToken> raw, norm;
    std::vector<std::string> raw_pat, norm_pat;
    for (const auto& t : added) {
        const bool as_normalized = reference == TokenizerReference::transformers_slow ? normalize_before_added : t.normalized;
        if (as_normalized) {
            norm.push_back(t);
            norm_pat.push_back(reference == TokenizerReference::hf_tokenizers && !normalizer.empty()
                                   ? normalizer.normalize_string(t.content)
                                   : t.content);
        } else {
            raw.push_back(t);
            raw_pat.push_back(t.content);
        }
    }
    raw_added = AddedTokenMatcher(raw, raw_pat);
    normalized_added = AddedTokenMatcher(norm, norm_pat);
    lead_spaces.assign(vocab.size(), 0);
    trail_spaces.assign(vocab.size(), 0);
    for (std::size_t i = 0; i < vocab.size(); ++i) {
        const std::string& t = vocab[i];
        std::vector<char32_t> cps;
        chars_of(t, cps);
        auto space = [](char32_t c) { return c == 0x120 || is_white_space(c); };
        std::size_t l = 0, r = 0;
        while (l < cps.size() && space(cps[l])) ++l;
        while (r < cps.size() && space(cps[cps.size() - 1 - r])) ++r;
        lead_spaces[i] = static_cast<std::uint8_t>(std::min<std::size_t>(l, 255));
        trail_spaces[i] = static_cast<std::uint8_t>(std::min<std::size_t>(r, 255));
    }
}

SEMVEC_API void Pipeline::model_tokens(const SplitBuffer& buf, const Split& s, SequenceTokens& out) const {
    auto& words = pipeline_scratch().words;
    words.clear();
    const std::string_view v = buf.view(s);
    if (model_kind == ModelKind::bpe) bpe.tokenize(v, pre_tokenizer.byte_level(), words);
    else unigram.tokenize(v, words);
    if (albert_digit_comma && !words.empty()) {
        // AlbertTokenizer._tokenize: a piece of 2+ characters ending in ',' after a digit is encoded again
        // without its ',' (and without '▁' unless the piece started with one), then ',' follows.
        auto& res = pipeline_scratch().albert;
        res.clear();
        for (const auto& w : words) {
            const std::string_view piece = w.id >= 0 && static_cast<std::size_t>(w.id) < vocab.size()
                                               ? std::string_view(vocab[static_cast<std::size_t>(w.id)])
                                               : std::string_view();
            std::vector<char32_t> cps;
            chars_of(piece, cps);
            if (cps.size() > 1 && cps.back() == ',' && cps[cps.size() - 2] < 0x80 && cps[cps.size() - 2] >= '0' &&
                cps[cps.size() - 2] <= '9') {
                // Re-encode the span without the comma, as sentencepiece would see it (with its dummy prefix).
                const std::uint32_t cb = w.begin, ce = w.end - 1;  // the comma is the last byte of the span
                std::uint32_t b0 = cb;
                const bool starts_meta = piece.compare(0, 3, "\xE2\x96\x81") == 0;
                if (starts_meta) b0 += 3;
                std::string sub = "\xE2\x96\x81";
                sub.append(v.data() + b0, ce - b0);
                std::vector<WordToken> cur;
                unigram.tokenize(sub, cur);
                // Map the re-encoded pieces back to spans of v.
                for (auto& c : cur) {
                    const std::uint32_t bb = c.begin < 3 ? 0 : c.begin - 3;
                    const std::uint32_t ee = c.end < 3 ? 0 : c.end - 3;
                    c.begin = b0 + bb;
                    c.end = b0 + ee;
                    if (starts_meta && c.begin == b0 && bb == 0) c.begin = cb;  // the piece's own '▁'
                }
                if (!starts_meta && !cur.empty()) {
                    const std::string& first = vocab[static_cast<std::size_t>(cur[0].id)];
                    if (first.compare(0, 3, "\xE2\x96\x81") == 0) {
                        if (first.size() == 3) cur.erase(cur.begin());
                        else {
                            const std::int32_t id = unigram.token_to_id(std::string_view(first).substr(3));
                            cur[0].id = id >= 0 ? id : unigram.options().unk_id;
                        }
                    }
                }
                for (const auto& c : cur) res.push_back(c);
                const std::int32_t comma = unigram.token_to_id(",");
                res.push_back({comma >= 0 ? comma : unigram.options().unk_id, ce, ce + 1});
            } else {
                res.push_back(w);
            }
        }
        words.swap(res);
    }
    for (const auto& w : words) {
        out.ids.push_back(w.id);
        std::pair<std::uint32_t, std::uint32_t> span;
        if (spm) span = spm->original_span(buf, s, w.begin, w.end);
        else span = original_span(buf, s, w.begin, w.end);
        out.offsets.push_back(span);
        const auto id = static_cast<std::size_t>(w.id);
        out.lead.push_back(id < lead_spaces.size() ? lead_spaces[id] : 0);
        out.trail.push_back(id < trail_spaces.size() ? trail_spaces[id] : 0);
    }
}

SEMVEC_API void Pipeline::tokenize(std::string_view text, SequenceTokens& out, std::size_t limit) const {
    auto& sc = pipeline_scratch();
    SplitBuffer& a = sc.a;
    SplitBuffer& b = sc.b;
    SplitBuffer& c = sc.c;
    const bool byte_align = reference == TokenizerReference::transformers_slow;
    const std::size_t n = std::min<std::size_t>(text.size(), 0xFFFFFFF0u);
    text = text.substr(0, n);
    // Work in segments that end after an ASCII newline or space when a limit allows an early stop.
    (void)limit;
    a.clear();
    auto add_added = [&](SplitBuffer& buf, std::size_t bgn, std::size_t end, std::int32_t id, const Alignment& first,
                         const Alignment& last, std::string_view value) {
        Split s;
        s.off = static_cast<std::uint32_t>(buf.text.size());
        s.len = static_cast<std::uint32_t>(value.size());
        s.added_id = id;
        s.orig_begin = first.begin;
        s.orig_end = last.end;
        buf.text.append(value.data(), value.size());
        for (std::size_t k = 0; k < value.size(); ++k) buf.align.push_back(k + 1 == value.size() ? last : first);
        (void)bgn;
        (void)end;
        buf.splits.push_back(s);
    };
    // 1. Added tokens in the raw text.
    std::size_t pos = 0;
    raw_added.find(text, [&](const AddedTokenMatcher::Match& m) {
        if (pos < m.begin) a.append_original(text.substr(pos, m.begin - pos), static_cast<std::uint32_t>(pos), byte_align);
        add_added(a, m.begin, m.end, m.id, Alignment{static_cast<std::uint32_t>(m.begin), static_cast<std::uint32_t>(m.end)},
                  Alignment{static_cast<std::uint32_t>(m.begin), static_cast<std::uint32_t>(m.end)},
                  text.substr(m.begin, m.end - m.begin));
        pos = m.end;
    });
    if (pos < n || a.splits.empty()) a.append_original(text.substr(pos), static_cast<std::uint32_t>(pos), byte_align);
    // 2. Normalize (HF: each piece between added tokens alone).
    SplitBuffer* cur = &a;
    if (!normalizer.empty()) cur = &normalizer.apply(a, b);
    // 3. Added tokens in the normalized text.
    // Most texts hold none: then only the splits' original spans are recomputed (as cutting out a token
    // would: HF's offsets of a whole piece), without copying the text.
    bool added_in_normalized = false;
    for (const Split& s : cur->splits)
        if (!added_in_normalized && s.added_id < 0 && s.len > 0)
            normalized_added.find(cur->view(s), [&](const AddedTokenMatcher::Match&) { added_in_normalized = true; });
    if (!normalized_added.empty() && !added_in_normalized) {
        for (Split& s : cur->splits) {
            if (s.added_id >= 0 || s.len == 0) continue;
            const auto span = original_span(*cur, s, 0, s.len);
            s.orig_begin = span.first;
            s.orig_end = span.second;
        }
    } else if (!normalized_added.empty()) {
        SplitBuffer& dst = cur == &a ? b : a;
        dst.clear();
        for (const Split& s : cur->splits) {
            if (s.added_id >= 0 || s.len == 0) {
                dst.splits.push_back(copy_split(*cur, s, dst));
                continue;
            }
            const std::string_view v = cur->view(s);
            std::size_t p = 0;
            auto piece = [&](std::size_t x, std::size_t y) {
                Split t = s;
                t.off = s.off + static_cast<std::uint32_t>(x);
                t.len = static_cast<std::uint32_t>(y - x);
                const auto span = original_span(*cur, s, static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y));
                t.orig_begin = span.first;
                t.orig_end = span.second;
                dst.splits.push_back(copy_split(*cur, t, dst));
            };
            normalized_added.find(v, [&](const AddedTokenMatcher::Match& m) {
                if (p < m.begin) piece(p, m.begin);
                piece(m.begin, m.end);
                dst.splits.back().added_id = m.id;
                p = m.end;
            });
            if (p < v.size()) piece(p, v.size());
        }
        cur = &dst;
    }
    // 4. SentencePiece normalization (slow SentencePiece tokenizers), per piece between added tokens.
    if (spm) {
        SplitBuffer& dst = cur == &c ? a : c;
        spm->apply(*cur, dst);
        cur = &dst;
    }
    // 5. Pre-tokenize.
    if (!pre_tokenizer.empty()) {
        SplitBuffer& dst = (cur == &c) ? b : c;
        cur = &pre_tokenizer.apply(*cur, dst);
    }
    // 6. Model, in blocks of words whose word-cache lookups are started together first (most words are
    // cache hits, and a hit that waits for memory alone costs more than the rest of the word).
    const detail::WordCache* wc = model_kind == ModelKind::bpe ? bpe.cache() : unigram.cache();
    constexpr std::size_t kLookahead = 32;
    for (std::size_t k = 0; k < cur->splits.size(); ++k) {
        if (wc && k % kLookahead == 0) {
            auto& hs = sc.hashes;
            hs.clear();
            for (std::size_t q = k; q < std::min(k + kLookahead, cur->splits.size()); ++q) {
                const Split& s = cur->splits[q];
                if (s.added_id >= 0 || s.len == 0 || s.len > WordCache::kMaxWord) continue;
                hs.push_back(WordCache::hash(cur->view(s)));
                wc->prefetch_slot(hs.back());
            }
            for (const std::uint64_t h : hs) wc->prefetch_record(h);
        }
        const Split& s = cur->splits[k];
        if (s.len == 0) continue;
        if (s.added_id >= 0) {
            out.ids.push_back(s.added_id);
            out.offsets.push_back(original_span(*cur, s, 0, s.len));
            const std::string_view v = cur->view(s);
            std::vector<char32_t> cps;
            chars_of(v, cps);
            std::uint16_t l = 0, r = 0;
            while (l < cps.size() && (cps[l] == 0x120 || is_white_space(cps[l]))) ++l;
            while (r < cps.size() && (cps[cps.size() - 1 - r] == 0x120 || is_white_space(cps[cps.size() - 1 - r]))) ++r;
            out.lead.push_back(l);
            out.trail.push_back(r);
            continue;
        }
        model_tokens(*cur, s, out);
        if (limit && out.ids.size() >= limit) break;
    }
}

}  // namespace detail

#endif  // SEMVEC_DEFINITIONS

}  // namespace semvec
