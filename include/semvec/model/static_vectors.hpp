// semvec/model/static_vectors.hpp — static word-vector models (GloVe, word2vec, Model2Vec).
//
// A text's vector is the mean of the vectors of its known words (or WordPiece tokens for Model2Vec); unknown
// words are skipped and counted, so a caller can tell "no known word" from a real vector. Vectors are used in
// place from the mapped file when they are aligned f32; f16/bf16 tables are widened to f32 once at load.
// A const StaticVectors is safe to share between threads: embed() reads only.
//
// Words come from the library's HF-compatible tokenizer stages: special and added tokens split out first,
// then semvec::BasicTokenizer (semvec/text/basic_tokenizer.hpp) and, for WordPiece vocabularies,
// semvec::WordPiece (semvec/text/wordpiece.hpp). Tokens are streamed, never collected, so a huge text costs
// no memory beyond its own bytes.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "../io/safetensors.hpp"
#include "../result.hpp"
#include "../text/basic_tokenizer.hpp"
#include "../text/tokenizer.hpp"
#include "../text/wordpiece.hpp"
#include "model_file.hpp"

namespace semvec {

/// What embed() saw in one text.
struct StaticEmbedStats {
    std::size_t tokens = 0;     ///< words (or WordPiece tokens) looked up, after truncation
    std::size_t known = 0;      ///< of those, found in the vocab (the mean is over these)
    std::size_t unknown = 0;    ///< skipped: not in the vocab (or WordPiece's unk token)
    bool truncated = false;     ///< the text had more than max_length tokens; the rest was ignored
};


/// A static word-vector model. Cheap to copy (shares its tables).
class StaticVectors {
public:
    StaticVectors() = default;

    /// Builds the model from a file that read_model_info accepted with architecture Static.
    static Result<StaticVectors> load(const SafetensorsFile& file, const ModelFileInfo& info) {
        if (info.architecture != Architecture::static_vectors)
            return make_error(ErrorCode::invalid_argument, std::string("architecture is ") + architecture_name(info.architecture) + ", not static",
                              file.source(), "metadata 'semvec.architecture'");
        const TensorView* t = file.find(tensor_names::kWordEmbeddings);
        const std::size_t V = info.static_config.vocab_size, D = info.static_config.dim;
        if (!t || t->shape != std::vector<std::int64_t>{static_cast<std::int64_t>(V), static_cast<std::int64_t>(D)})
            return make_error(ErrorCode::invalid_data, "missing or misshapen (run read_model_info first)", file.source(),
                              std::string("tensor '") + tensor_names::kWordEmbeddings + "'");
        auto impl = std::make_shared<Impl>();
        SEMVEC_TRY_STATUS(init_tokenizer(*impl, info, file.source()));
        impl->file = file;
        impl->dim = D;
        if (const float* p = t->data_as<float>()) {
            impl->vectors = p;  // in place from the mapping
        } else {
            auto wide = t->to_f32();
            if (!wide) return wide.error().with_source(file.source());
            impl->widened = std::move(*wide);
            impl->vectors = impl->widened.data();
        }
        StaticVectors s;
        s.impl_ = std::move(impl);
        return s;
    }

    std::size_t dim() const { return impl_ ? impl_->dim : 0; }
    std::size_t vocab_size() const { return impl_ ? impl_->vocab.size() : 0; }
    const std::vector<std::string>& vocab() const { return impl_->vocab; }
    /// Longest text in tokens that embed() reads by default (0: no limit).
    std::size_t max_length() const { return impl_ ? impl_->max_length : 0; }

    /// The id of `word` as stored (no lower-casing here), or nullopt.
    std::optional<std::size_t> word_id(std::string_view word) const {
        const std::int32_t id = impl_->index.find(word);
        if (id < 0) return std::nullopt;
        return static_cast<std::size_t>(id);
    }
    /// Row `id` of the table (dim() floats).
    const float* vector(std::size_t id) const { return impl_->vectors + id * impl_->dim; }

    /// Calls f(id, token) for every token embed() looks up in `text`, in order: words, or WordPiece pieces.
    /// id < 0 marks an unknown token (a word not in the vocab, or WordPiece's unk token).
    template <class F>
    void for_each_token(std::string_view text, F&& f) const {
        const Impl& im = *impl_;
        auto& s = scratch();
        const auto unk = static_cast<std::int32_t>(im.vocab.size());  // WordPiece's "no split" marker
        auto words = [&](std::string_view part) {
            if (part.empty()) return;
            im.basic.run(part, 0, s.basic, [&](const detail::WordRef& w) {
                if (!im.wordpiece) {
                    f(im.index.find(w.text), w.text);
                    return;
                }
                im.wp.tokenize(w, s.wp, [&](std::int32_t id, std::uint32_t, std::uint32_t) {
                    if (id == unk || id == im.unk_id) f(-1, std::string_view(im.unk_token));
                    else f(id, std::string_view(im.vocab[static_cast<std::size_t>(id)]));
                });
            });
        };
        // Special and added tokens split the raw text first (HF's added-tokens trie): "hi[SEP]yo" → hi, [SEP], yo.
        std::size_t start = 0, pos = 0;
        while (pos < text.size() && !im.specials.empty()) {
            const std::pair<std::string, std::int32_t>* hit = nullptr;
            for (const auto& sp : im.specials)  // longest first
                if (text.compare(pos, sp.first.size(), sp.first) == 0) { hit = &sp; break; }
            if (!hit) { ++pos; continue; }
            words(text.substr(start, pos - start));
            f(hit->second == im.unk_id ? -1 : hit->second, std::string_view(hit->first));
            pos += hit->first.size();
            start = pos;
        }
        words(text.substr(start));
    }

    /// The tokens embed() looks up for `text` (words, or WordPiece pieces with unknowns as the unk token).
    std::vector<std::string> tokenize(std::string_view text) const {
        std::vector<std::string> out;
        for_each_token(text, [&out](std::int32_t, std::string_view tok) { out.emplace_back(tok); });
        return out;
    }

    /// Mean of the known tokens' vectors of `text` into out[dim()] (zeros when none is known), optionally
    /// L2-normalized. Reads at most max_length() tokens unless `truncate` is false. Deterministic: a fixed
    /// order of float64 sums.
    StaticEmbedStats embed(std::string_view text, float* out, bool normalize, bool truncate = true) const {
        StaticEmbedStats st;
        const std::size_t D = impl_->dim, limit = truncate ? impl_->max_length : 0;
        std::vector<double> acc(D, 0.0);
        for_each_token(text, [&](std::int32_t id, std::string_view) {
            if (limit && st.tokens == limit) {
                st.truncated = true;
                return;
            }
            ++st.tokens;
            if (id < 0) {
                ++st.unknown;
                return;
            }
            ++st.known;
            const float* v = vector(static_cast<std::size_t>(id));
            for (std::size_t d = 0; d < D; ++d) acc[d] += v[d];
        });
        double norm2 = 0.0;
        const double inv = st.known ? 1.0 / static_cast<double>(st.known) : 0.0;
        for (std::size_t d = 0; d < D; ++d) {
            acc[d] *= inv;
            norm2 += acc[d] * acc[d];
        }
        const double scale = (normalize && norm2 > 0.0) ? 1.0 / std::sqrt(norm2) : 1.0;
        for (std::size_t d = 0; d < D; ++d) out[d] = static_cast<float>(acc[d] * scale);
        return st;
    }

private:
    struct Impl;
    struct Scratch {
        detail::BasicScratch basic;
        detail::WordPieceScratch wp;
    };
    static Scratch& scratch() {
        static thread_local Scratch s;
        return s;
    }

    static Status init_tokenizer(Impl& im, const ModelFileInfo& info, const std::string& source) {
        im.vocab = info.vocab;
        const std::string& tj = info.tokenizer.json;
        nlohmann::json j = nlohmann::json::parse(tj.begin(), tj.end(), nullptr, false);
        if (j.is_discarded() || !j.is_object()) return make_error(ErrorCode::invalid_data, "is not a JSON object", source, "metadata 'semvec.tokenizer'");
        // The one reader of the tokenizer fields (semvec/text/tokenizer.hpp), with the documented defaults.
        auto opts = Tokenizer::options_from_metadata(j, source);
        if (!opts) return opts.error();
        im.wordpiece = info.tokenizer.type == "wordpiece";
        im.basic = BasicTokenizer(opts->basic);
        im.max_length = info.tokenizer.max_length;
        const std::size_t max_chars = opts->max_input_chars_per_word;
        const std::string prefix = opts->continuing_subword_prefix;
        im.unk_token = info.tokenizer.unk_token;
        if (im.vocab.size() >= 0x7FFFFFFF) return make_error(ErrorCode::resource_limit, "the vocabulary is too large", source, "metadata 'semvec.vocab'");
        im.index.reserve(im.vocab.size());
        // First occurrence wins for a duplicated word (the row GloVe/word2vec files list first).
        for (std::size_t i = 0; i < im.vocab.size(); ++i)
            if (im.index.find(im.vocab[i]) < 0) im.index.insert(im.vocab[i], static_cast<std::int32_t>(i));
        if (!im.unk_token.empty()) im.unk_id = im.index.find(im.unk_token);
        if (im.wordpiece) {
            // Without an unk token in the vocab, unsplittable words still come out (as an out-of-range id) to be counted.
            const std::int32_t unk = im.unk_id >= 0 ? im.unk_id : static_cast<std::int32_t>(im.vocab.size());
            im.wp = WordPiece(im.vocab, unk, prefix, max_chars);
        }
        // Tokens that are split out of the raw text whole: the special tokens and `added_tokens` in the vocab.
        std::vector<std::string> keep;
        for (const std::string* k : {&opts->unk_token, &opts->cls_token, &opts->sep_token, &opts->pad_token, &opts->mask_token})
            if (!k->empty()) keep.push_back(*k);
        keep.insert(keep.end(), opts->added_tokens.begin(), opts->added_tokens.end());
        for (const auto& k : keep) {
            const std::int32_t id = im.index.find(k);
            if (k.empty() || id < 0) continue;
            bool dup = false;
            for (const auto& e : im.specials) dup |= e.first == k;
            if (!dup) im.specials.emplace_back(k, id);
        }
        std::stable_sort(im.specials.begin(), im.specials.end(),
                         [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
        return {};
    }

    struct Impl {
        SafetensorsFile file;            // keeps the mapping alive for in-place vectors
        std::vector<float> widened;      // f16/bf16 (or unaligned) tables, widened once
        const float* vectors = nullptr;
        std::size_t dim = 0;
        std::vector<std::string> vocab;
        detail::VocabIndex index;        // word → id
        BasicTokenizer basic;
        bool wordpiece = false;
        WordPiece wp;                    // WordPiece vocabularies (Model2Vec)
        std::string unk_token;
        std::int32_t unk_id = -1;
        std::vector<std::pair<std::string, std::int32_t>> specials;  // split out whole, longest first
        std::size_t max_length = 0;
    };

    std::shared_ptr<const Impl> impl_;
};

}  // namespace semvec
