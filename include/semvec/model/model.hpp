// semvec/model/model.hpp — load a semvec model file and turn texts into vectors.
//
//   auto m = semvec::load_model("model.safetensors");     // Result<Model>
//   auto e = m->encode({"a text", "another"}, {});         // Result<Embeddings>: N×D rows + counts
//
// A Model wraps either a transformer (BERT / DistilBERT, semvec/model/bert.hpp) or static word vectors
// (semvec/model/static_vectors.hpp). It is immutable: a `const Model` (or copies of it, which share the
// weights) may be used from many threads at once; every encode() call owns its scratch memory.
//
// Determinism: each text is run as its own sequence (no padding, GEMMs over that sequence only), so its
// vector is bit-identical whatever the batch size, the input order or the thread count. Batching (sorted by
// length, cut by a token budget) only bounds the workspace and paces the progress callback.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../io/safetensors.hpp"
#include "../matrix.hpp"
#include "../result.hpp"
#include "../util/parallel.hpp"
#include "bert.hpp"
#include "model_file.hpp"
#include "pooling.hpp"
#include "static_vectors.hpp"

namespace semvec {

/// Options of Model::encode().
struct EncodeOptions {
    /// Pooling of token vectors. Default (nullopt): the file's `semvec.pooling` mode. Static models: mean only.
    std::optional<PoolingMode> pooling;
    /// L2-normalize each output row. Default (nullopt): the file's `semvec.pooling.normalize`.
    std::optional<bool> normalize;
    /// Text prepended to every input (e.g. "query: "). Default (nullopt): the file's tokenizer `prefix`.
    std::optional<std::string> prefix;
    /// Longest input in tokens, special tokens included; longer texts are truncated and counted.
    /// Default 0: the file's `max_length` (capped by the position table).
    std::size_t max_length = 0;
    /// Most texts per batch. Default 32.
    std::size_t batch_size = 32;
    /// Most tokens per batch (texts × longest length in it; one text always fits). Default 16384.
    std::size_t token_budget = 16384;
    /// Worker threads; 0 = all cores. Default 0. Output does not depend on it.
    unsigned threads = 0;
    /// Called after each batch with (texts done, total). Default: none. Called from the calling thread.
    std::function<void(std::size_t, std::size_t)> progress;
    /// Embed overlapping windows of long texts and average them. Default false. NOT IMPLEMENTED YET:
    /// encode() returns an error when it is set.
    bool chunk = false;
};

/// encode()'s result: one row per input text (N×D), plus what was lost on the way.
struct Embeddings : public Matrix {
    using Matrix::Matrix;
    Embeddings() = default;
    Embeddings(const Matrix& m) : Matrix(m) {}  // NOLINT(google-explicit-constructor)
    /// Texts cut at max_length.
    std::size_t truncated = 0;
    /// Unknown words skipped (static models) or [UNK] tokens fed to the encoder (transformers).
    std::size_t unknown = 0;
};

/// One text as encoder input.
struct TokenizedText {
    std::vector<std::int32_t> ids;        ///< with [CLS] ... [SEP]
    std::vector<std::int32_t> type_ids;   ///< all 0 for a single text
    bool truncated = false;
    std::size_t unknown = 0;              ///< [UNK] ids
};

class Model;
Result<Model> load_model(const std::string& path);

class Model {
public:
    Model() = default;

    const ModelFileInfo& info() const { return impl_->info; }
    /// Output vector size.
    std::size_t dim() const { return impl_->info.dim(); }
    bool is_transformer() const { return impl_->info.is_transformer(); }
    /// The transformer (nullptr for static models).
    const TransformerEncoder<float>* encoder() const { return impl_->encoder.get(); }
    /// The static vectors (nullptr for transformers).
    const StaticVectors* static_vectors() const { return impl_->is_static ? &impl_->words : nullptr; }
    /// The longest input in tokens that the model takes by default.
    std::size_t max_length() const { return impl_->max_length; }

    /// WordPiece tokens of a text (no special tokens), HF BertTokenizer semantics.
    std::vector<std::string> tokenize(std::string_view text) const { return impl_->words.tokenize(text); }

    /// Token ids of one text as the transformer takes them: [CLS] tokens [SEP], cut to `max_length`
    /// (0: the model's). `prefix` is not added here. Transformers only.
    TokenizedText tokenize_for_encoder(std::string_view text, std::size_t max_length = 0) const {
        TokenizedText t;
        const auto& im = *impl_;
        const std::size_t cap = effective_max_length(max_length);
        auto toks = im.words.tokenize(text);
        const std::size_t keep = std::min(toks.size(), cap >= 2 ? cap - 2 : 0);
        t.truncated = keep < toks.size();
        t.ids.reserve(keep + 2);
        t.ids.push_back(im.cls_id);
        for (std::size_t i = 0; i < keep; ++i) {
            auto id = im.words.word_id(toks[i]);
            const std::int32_t v = id ? static_cast<std::int32_t>(*id) : im.unk_id;
            if (v == im.unk_id) ++t.unknown;
            t.ids.push_back(v);
        }
        t.ids.push_back(im.sep_id);
        t.type_ids.assign(t.ids.size(), 0);
        return t;
    }

    /// Last hidden state ([L, H]) of one sequence. `mask` and `types` may be empty (all 1 / all 0);
    /// positions with mask 0 receive no attention (their own rows are computed, as HF does).
    Result<Matrix> forward(const std::vector<std::int32_t>& ids, const std::vector<std::int32_t>& mask = {},
                           const std::vector<std::int32_t>& types = {}) const {
        const auto* enc = impl_->encoder.get();
        if (!enc) return make_error("forward() needs a transformer model; this one is static word vectors", impl_->path);
        if ((!mask.empty() && mask.size() != ids.size()) || (!types.empty() && types.size() != ids.size()))
            return make_error("ids, mask and types must have the same length", impl_->path);
        const std::int32_t* tp = types.empty() ? nullptr : types.data();
        auto st = enc->check_inputs(ids.data(), tp, ids.size());
        if (!st) return st.error().with_source(impl_->path);
        EncoderWorkspace ws;
        enc->forward(ids.data(), mask.empty() ? nullptr : mask.data(), tp, ids.size(), ws);
        return Matrix(ws.x.topRows(static_cast<Eigen::Index>(ids.size())));
    }

    /// BERT's pooler output (dense + tanh on row 0 of a last hidden state). Needs has_pooler.
    Result<std::vector<float>> pooler(const Matrix& last_hidden) const {
        const auto* enc = impl_->encoder.get();
        if (!enc || !enc->has_pooler()) return make_error("the model has no pooler", impl_->path);
        if (last_hidden.rows() < 1 || static_cast<std::size_t>(last_hidden.cols()) != enc->hidden_size())
            return make_error("pooler(): input is not a [L, H] hidden state", impl_->path);
        std::vector<float> out(enc->hidden_size());
        enc->pool(last_hidden.data(), out.data());
        return out;
    }

    /// Embeds every text (see EncodeOptions). Thread-safe on a const Model.
    Result<Embeddings> encode(const std::vector<std::string>& texts, const EncodeOptions& opt = {}) const {
        const auto& im = *impl_;
        if (opt.chunk) return make_error("EncodeOptions::chunk is not implemented yet", im.path);
        const PoolingMode mode = opt.pooling.value_or(im.info.pooling.mode);
        const bool normalize = opt.normalize.value_or(im.info.pooling.normalize);
        const std::string& prefix = opt.prefix ? *opt.prefix : im.prefix;
        const std::size_t N = texts.size(), D = dim();
        Embeddings out;
        out.resize(static_cast<Eigen::Index>(N), static_cast<Eigen::Index>(D));
        if (N == 0) return out;
        const unsigned threads = resolve_threads(opt.threads);
        auto with_prefix = [&prefix](const std::string& t) { return prefix.empty() ? t : prefix + t; };

        if (im.is_static) {
            if (mode != PoolingMode::Mean) return make_error("static word-vector models pool by mean only", im.path);
            std::vector<StaticEmbedStats> stats(N);
            const std::size_t step = std::max<std::size_t>(opt.batch_size, 1) * 8;
            for (std::size_t b = 0; b < N; b += step) {
                const std::size_t e = std::min(N, b + step);
                parallel_for(e - b, threads, [&](std::size_t lo, std::size_t hi, unsigned) {
                    for (std::size_t i = b + lo; i < b + hi; ++i)
                        stats[i] = im.words.embed(with_prefix(texts[i]), out.row(static_cast<Eigen::Index>(i)).data(), normalize);
                });
                if (opt.progress) opt.progress(e, N);
            }
            for (const auto& s : stats) {
                out.truncated += s.truncated ? 1 : 0;
                out.unknown += s.unknown;
            }
            return out;
        }

        // Transformers: tokenize (parallel, per text), sort by length, batch by budget, run, write rows in place.
        const auto* enc = im.encoder.get();
        std::vector<TokenizedText> tok(N);
        parallel_for(N, threads, [&](std::size_t lo, std::size_t hi, unsigned) {
            for (std::size_t i = lo; i < hi; ++i) tok[i] = tokenize_for_encoder(with_prefix(texts[i]), opt.max_length);
        });
        for (const auto& t : tok) {
            out.truncated += t.truncated ? 1 : 0;
            out.unknown += t.unknown;
        }
        std::vector<std::size_t> order(N);
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&tok](std::size_t a, std::size_t b) { return tok[a].ids.size() < tok[b].ids.size(); });
        std::vector<EncoderWorkspace> ws(threads);
        const std::size_t max_batch = std::max<std::size_t>(opt.batch_size, 1);
        std::size_t done = 0;
        for (std::size_t b = 0; b < N;) {
            // Grow the batch while it fits the budget (sorted ascending, so the last text is the longest).
            std::size_t e = b + 1;
            while (e < N && e - b < max_batch && (e - b + 1) * tok[order[e]].ids.size() <= opt.token_budget) ++e;
            parallel_for(e - b, threads, [&](std::size_t lo, std::size_t hi, unsigned w) {
                for (std::size_t k = b + lo; k < b + hi; ++k) {
                    const std::size_t i = order[k];
                    const auto& t = tok[i];
                    enc->forward(t.ids.data(), nullptr, t.type_ids.data(), t.ids.size(), ws[w]);
                    float* row = out.row(static_cast<Eigen::Index>(i)).data();
                    pool_tokens(ws[w].x.data(), t.ids.size(), D, nullptr, mode, row);
                    if (normalize) l2_normalize(row, D);
                }
            });
            done += e - b;
            b = e;
            if (opt.progress) opt.progress(done, N);
        }
        return out;
    }

private:
    struct Impl {
        std::string path;
        ModelFileInfo info;
        bool is_static = false;
        std::shared_ptr<TransformerEncoder<float>> encoder;
        StaticVectors words;  // static models: the vectors; transformers: the WordPiece tokenizer
        std::string prefix;
        std::size_t max_length = 0;
        std::int32_t cls_id = 0, sep_id = 0, unk_id = 0;
    };

    std::size_t effective_max_length(std::size_t requested) const {
        std::size_t m = requested ? requested : impl_->max_length;
        if (impl_->encoder) m = std::min(m, impl_->info.transformer.max_position_embeddings);
        return std::max<std::size_t>(m, 2);
    }

    std::shared_ptr<const Impl> impl_;
    friend Result<Model> load_model(const std::string& path);
};

/// Opens, checks (read_model_info) and binds a semvec model file. Weights stay in the memory mapping.
inline Result<Model> load_model(const std::string& path) {
    auto file = SafetensorsFile::open(path);
    if (!file) return file.error();
    auto info = read_model_info(*file);
    if (!info) return info.error();
    auto impl = std::make_shared<Model::Impl>();
    impl->path = path;
    impl->info = *info;
    impl->max_length = info->tokenizer.max_length;
    {
        const std::string& tj = info->tokenizer.json;
        nlohmann::json j = nlohmann::json::parse(tj.begin(), tj.end(), nullptr, false);
        if (j.is_object())
            if (auto it = j.find("prefix"); it != j.end() && it->is_string()) impl->prefix = it->get<std::string>();
    }
    if (!info->is_transformer()) {
        auto sv = StaticVectors::load(*file, *info);
        if (!sv) return sv.error();
        impl->is_static = true;
        impl->words = std::move(*sv);
    } else {
        auto enc = TransformerEncoder<float>::load(*file, *info);
        if (!enc) return enc.error();
        impl->encoder = std::move(*enc);
        // The WordPiece tokenizer: StaticVectors' HF-BertTokenizer implementation over the same vocab.
        // TODO: switch to semvec::Tokenizer (semvec/text/tokenizer.hpp) when it lands.
        ModelFileInfo tinfo = *info;
        tinfo.architecture = Architecture::Static;
        tinfo.static_config.vocab_size = info->transformer.vocab_size;
        tinfo.static_config.dim = info->transformer.hidden_size;
        tinfo.tokenizer.max_length = 0;
        auto sv = StaticVectors::load(*file, tinfo);
        if (!sv) return sv.error();
        impl->words = std::move(*sv);
        auto id_of = [&](const std::string& tokname, const char* what) -> Result<std::int32_t> {
            auto id = impl->words.word_id(tokname);
            if (!id) return make_error(std::string(what) + " '" + tokname + "' is not in the vocab", path, "metadata 'semvec.tokenizer'");
            return static_cast<std::int32_t>(*id);
        };
        auto c = id_of(info->tokenizer.cls_token, "cls_token");
        if (!c) return c.error();
        auto s = id_of(info->tokenizer.sep_token, "sep_token");
        if (!s) return s.error();
        auto u = id_of(info->tokenizer.unk_token, "unk_token");
        if (!u) return u.error();
        impl->cls_id = *c;
        impl->sep_id = *s;
        impl->unk_id = *u;
    }
    Model m;
    m.impl_ = std::move(impl);
    return m;
}

}  // namespace semvec
