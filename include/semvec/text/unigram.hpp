// semvec/text/unigram.hpp — the Unigram model (SentencePiece's unigram language model): the split of a word
// into vocabulary pieces with the highest total score, found by Viterbi over all pieces that start at each
// character (a byte trie of the pieces).
//
// Characters that no piece covers get the unknown piece with score min_score − 10; consecutive unknowns are
// fused into one token, as both sentencepiece and HF tokenizers do. With byte_fallback an unknown span becomes
// its UTF-8 bytes as <0xXX> tokens. Ties keep the first path found (a later candidate must score strictly
// higher), as both references do.
//
// Two scoring modes: HF tokenizers sums scores in double precision; sentencepiece (transformers' slow
// tokenizers) sums in float and gives user-defined pieces the bonus length × max_score − 0.1. Which one is
// used follows the file the tokenizer came from (docs/tokenizers.md).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../result.hpp"
#include "word_cache.hpp"
#include "unicode.hpp"
#include "wordpiece.hpp"

namespace semvec {

/// One piece of a Unigram vocabulary.
struct UnigramPiece {
    std::string piece;
    double score = 0.0;
    /// sentencepiece's piece type: normal pieces and user-defined ones are matched in text; control and
    /// unused pieces are not (slow mode only; HF matches every piece).
    enum class Type { normal, unknown, control, user_defined, unused, byte } type = Type::normal;
};

/// Settings of a Unigram model.
struct UnigramOptions {
    /// Id of the unknown piece; -1: none (then text no piece covers is an error in HF; semvec drops it).
    std::int32_t unk_id = -1;
    /// Unknown spans become <0xXX> byte tokens when the vocabulary has them (default false).
    bool byte_fallback = false;
    /// sentencepiece's arithmetic and piece types (transformers' slow tokenizers) instead of HF tokenizers'.
    bool sentencepiece_mode = false;
};

/// A Unigram model. Immutable after create(); use it const from many threads.
class UnigramModel {
public:
    SEMVEC_API static Result<UnigramModel> create(std::vector<UnigramPiece> pieces, UnigramOptions options,
                                                  const std::string& source = "<unigram>");
    UnigramModel() = default;

    /// Tokens of one word (normalized, '▁' for spaces). Appends to `out`; spans are byte spans of `word`.
    SEMVEC_API void tokenize(std::string_view word, std::vector<WordToken>& out) const;

    std::int32_t token_to_id(std::string_view t) const { return index_.find(t); }
    const UnigramOptions& options() const { return opt_; }
    std::size_t size() const { return pieces_.size(); }
    const UnigramPiece& piece(std::size_t i) const { return pieces_[i]; }
    /// The word cache (words are its keys as tokenize() gets them), for lookahead; null when there is none.
    const detail::WordCache* cache() const { return cache_.get(); }

private:
    struct Node {
        std::uint32_t first_edge = 0, edge_count = 0;
        std::int32_t piece = -1;
    };
    struct Edge {
        unsigned char byte;
        std::uint32_t child;
    };
    void build_trie();

    UnigramOptions opt_;
    std::vector<UnigramPiece> pieces_;
    detail::VocabIndex index_;
    std::vector<Node> nodes_;
    std::vector<Edge> edges_;
    double min_score_ = 0.0, max_score_ = 0.0;
    std::array<std::int32_t, 256> fallback_ids_{};
    std::array<std::uint32_t, 256> root_child_{};  // child of the root for each first byte (0: none)
    std::shared_ptr<detail::WordCache> cache_;
    void viterbi(std::string_view word, std::vector<WordToken>& out) const;
};

#if SEMVEC_DEFINITIONS

SEMVEC_API Result<UnigramModel> UnigramModel::create(std::vector<UnigramPiece> pieces, UnigramOptions options,
                                                     const std::string& source) {
    if (pieces.empty()) return make_error(ErrorCode::invalid_data, "the Unigram vocabulary is empty", source);
    if (pieces.size() > 0x7FFFFFFF) return make_error(ErrorCode::resource_limit, "the Unigram vocabulary is too large", source);
    if (options.unk_id >= static_cast<std::int64_t>(pieces.size()))
        return make_error(ErrorCode::invalid_data,
                          "unk_id " + std::to_string(options.unk_id) + " is outside the vocabulary of " +
                              std::to_string(pieces.size()) + " pieces",
                          source);
    UnigramModel m;
    m.opt_ = options;
    m.pieces_ = std::move(pieces);
    m.index_.reserve(m.pieces_.size());
    m.min_score_ = std::numeric_limits<double>::infinity();
    m.max_score_ = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < m.pieces_.size(); ++i) {
        const auto& p = m.pieces_[i];
        if (!std::isfinite(p.score))
            return make_error(ErrorCode::invalid_data, "piece '" + p.piece + "' has a score that is not finite", source,
                              "piece " + std::to_string(i));
        if (m.index_.find(p.piece) < 0) m.index_.insert(p.piece, static_cast<std::int32_t>(i));
        const bool counts = !m.opt_.sentencepiece_mode || p.type == UnigramPiece::Type::normal;
        if (counts) {
            m.min_score_ = std::min(m.min_score_, p.score);
            m.max_score_ = std::max(m.max_score_, p.score);
        }
    }
    if (!std::isfinite(m.min_score_)) m.min_score_ = m.max_score_ = 0.0;
    static const char* hex = "0123456789ABCDEF";
    for (int b = 0; b < 256; ++b)
        m.fallback_ids_[static_cast<std::size_t>(b)] = m.index_.find(std::string("<0x") + hex[b >> 4] + hex[b & 15] + ">");
    m.build_trie();
    m.cache_ = std::make_shared<detail::WordCache>();
    return m;
}

SEMVEC_API void UnigramModel::build_trie() {
    // Sorted pieces give each node's children in byte order, contiguous: build level by level from the
    // sorted list with a simple recursive partition.
    std::vector<std::int32_t> order;
    for (std::size_t i = 0; i < pieces_.size(); ++i) {
        const auto& p = pieces_[i];
        if (p.piece.empty()) continue;
        if (opt_.sentencepiece_mode && p.type != UnigramPiece::Type::normal && p.type != UnigramPiece::Type::user_defined &&
            p.type != UnigramPiece::Type::unused)
            continue;
        if (index_.find(p.piece) != static_cast<std::int32_t>(i)) continue;  // a duplicate: the first one is matched
        order.push_back(static_cast<std::int32_t>(i));
    }
    std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
        return pieces_[static_cast<std::size_t>(a)].piece < pieces_[static_cast<std::size_t>(b)].piece;
    });
    nodes_.assign(1, Node{});
    edges_.clear();
    // Work list of (node, range [lo, hi) of `order`, depth): every piece in the range has the node's prefix.
    struct Task {
        std::uint32_t node;
        std::size_t lo, hi, depth;
    };
    std::vector<Task> tasks{{0, 0, order.size(), 0}};
    while (!tasks.empty()) {
        const Task t = tasks.back();
        tasks.pop_back();
        std::size_t lo = t.lo;
        // A piece equal to the prefix ends here.
        while (lo < t.hi && pieces_[static_cast<std::size_t>(order[lo])].piece.size() == t.depth) {
            if (nodes_[t.node].piece < 0) nodes_[t.node].piece = order[lo];
            ++lo;
        }
        nodes_[t.node].first_edge = static_cast<std::uint32_t>(edges_.size());
        std::vector<Task> children;
        while (lo < t.hi) {
            const auto b = static_cast<unsigned char>(pieces_[static_cast<std::size_t>(order[lo])].piece[t.depth]);
            std::size_t hi = lo;
            while (hi < t.hi && static_cast<unsigned char>(pieces_[static_cast<std::size_t>(order[hi])].piece[t.depth]) == b) ++hi;
            const auto child = static_cast<std::uint32_t>(nodes_.size());
            nodes_.push_back(Node{});
            edges_.push_back({b, child});
            children.push_back({child, lo, hi, t.depth + 1});
            lo = hi;
        }
        nodes_[t.node].edge_count = static_cast<std::uint32_t>(edges_.size()) - nodes_[t.node].first_edge;
        tasks.insert(tasks.end(), children.begin(), children.end());
    }
    root_child_.fill(0);
    for (std::uint32_t e = nodes_[0].first_edge; e < nodes_[0].first_edge + nodes_[0].edge_count; ++e)
        root_child_[edges_[e].byte] = edges_[e].child;
}

SEMVEC_API void UnigramModel::tokenize(std::string_view word, std::vector<WordToken>& out) const {
    if (word.empty()) return;
    const bool cacheable = word.size() <= detail::WordCache::kMaxWord && cache_;
    const std::uint64_t h = cacheable ? detail::WordCache::hash(word) : 0;
    if (cacheable && cache_->find(word, h, out)) return;
    const std::size_t first = out.size();
    viterbi(word, out);
    if (cacheable) cache_->insert(word, h, out.data() + first, out.data() + out.size());
}

SEMVEC_API void UnigramModel::viterbi(std::string_view word, std::vector<WordToken>& out) const {
    const std::size_t n = word.size();
    if (n == 0) return;
    struct Best {
        double score;
        std::int32_t id;
        std::int32_t starts_at;  // -1: unreached
    };
    static thread_local std::vector<Best> best;
    best.assign(n + 1, Best{0.0, -1, -1});
    best[0].starts_at = 0;
    const bool spm = opt_.sentencepiece_mode;
    const double unk_score = min_score_ - 10.0;
    const char* p = word.data();
    std::size_t start = 0;
    while (start < n) {
        if (best[start].starts_at < 0 && start != 0) {  // cannot happen: every char boundary is reached
            ++start;
            continue;
        }
        const double till_here = best[start].score;
        std::size_t k = start;
        detail::decode_utf8(p, n, k);
        const std::size_t mblen = k - start;
        bool single = false;
        // A piece [start, end): a candidate for the best path ending at `end` (a later one must be strictly
        // better). sentencepiece sums in float and scores user-defined pieces length × max_score − 0.1.
        auto relax = [&](std::size_t end, std::int32_t id) {
            const std::size_t length = end - start;
            const UnigramPiece& pc = pieces_[static_cast<std::size_t>(id)];
            double cand;
            if (spm) {
                const float score = pc.type == UnigramPiece::Type::user_defined
                                        ? static_cast<float>(static_cast<double>(length) * max_score_ - 0.1)
                                        : static_cast<float>(pc.score);
                cand = static_cast<double>(score + static_cast<float>(till_here));
            } else {
                cand = pc.score + till_here;
            }
            Best& t = best[end];
            if (t.starts_at < 0 || cand > t.score) t = Best{cand, id, static_cast<std::int32_t>(start)};
            if (length == mblen) single = true;
        };
        std::uint32_t node = 0;
        for (std::size_t pos = start; pos < n; ++pos) {
            const Node& nd = nodes_[node];
            const auto b = static_cast<unsigned char>(p[pos]);
            std::uint32_t next = 0;
            bool found = false;
            if (node == 0) {  // the root has many children: a direct table
                next = root_child_[b];
                if (!next) break;
                node = next;
                if (nodes_[node].piece >= 0) relax(pos + 1, nodes_[node].piece);
                continue;
            }
            // Children are sorted by byte: binary search.
            std::uint32_t lo = nd.first_edge, hi = nd.first_edge + nd.edge_count;
            while (lo < hi) {
                const std::uint32_t mid = (lo + hi) / 2;
                if (edges_[mid].byte < b) lo = mid + 1;
                else hi = mid;
            }
            if (lo < nd.first_edge + nd.edge_count && edges_[lo].byte == b) {
                next = edges_[lo].child;
                found = true;
            }
            if (!found) break;
            node = next;
            if (nodes_[node].piece >= 0) relax(pos + 1, nodes_[node].piece);
        }
        if (!single) {
            Best& t = best[start + mblen];
            const double cand = spm ? static_cast<double>(static_cast<float>(unk_score) + static_cast<float>(till_here))
                                    : unk_score + till_here;
            if (t.starts_at < 0 || cand > t.score) t = Best{cand, opt_.unk_id >= 0 ? opt_.unk_id : -2, static_cast<std::int32_t>(start)};
        }
        start += mblen;
    }
    // Back-track, fusing consecutive unknown pieces.
    static thread_local std::vector<WordToken> rev;
    rev.clear();
    std::size_t end = n;
    while (end > 0) {
        const Best& b = best[end];
        const auto s = static_cast<std::size_t>(b.starts_at);
        const bool unk = b.id == opt_.unk_id || b.id == -2;
        if (unk && !rev.empty() && (rev.back().id == opt_.unk_id || rev.back().id == -2) && rev.back().begin == end)
            rev.back().begin = static_cast<std::uint32_t>(s);
        else
            rev.push_back({b.id, static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(end)});
        end = s;
    }
    for (std::size_t k = rev.size(); k-- > 0;) {
        WordToken t = rev[k];
        if (t.id == opt_.unk_id || t.id == -2) {
            // HF looks the fused text up (it may be a piece), then tries byte fallback, then the unknown id.
            const std::string_view span(p + t.begin, t.end - t.begin);
            const std::int32_t id = spm ? -1 : index_.find(span);
            if (id >= 0) {
                t.id = id;
            } else if (opt_.byte_fallback) {
                bool all = true;
                for (std::size_t q = t.begin; q < t.end; ++q) all &= fallback_ids_[static_cast<unsigned char>(p[q])] >= 0;
                if (all) {
                    for (std::size_t q = t.begin; q < t.end; ++q)
                        out.push_back({fallback_ids_[static_cast<unsigned char>(p[q])], spm ? static_cast<std::uint32_t>(q) : t.begin,
                                       spm ? static_cast<std::uint32_t>(q + 1) : t.end});
                    continue;
                }
            }
            if (t.id == -2) continue;  // no unknown piece: nothing to emit
            t.id = opt_.unk_id;
        }
        out.push_back(t);
    }
}

#endif  // SEMVEC_DEFINITIONS

}  // namespace semvec
