// semvec/model/model.hpp — load a semvec model file and turn texts into vectors.
//
//   auto m = semvec::load_model("model.safetensors");     // Result<Model>
//   auto m = semvec::load_model(bytes, size);              // from memory (e.g. a game's asset pack)
//   auto e = m->encode({"a text", "another"}, {});         // Result<Embeddings>: N×D rows + counts
//
// A Model wraps either a transformer (BERT, DistilBERT, RoBERTa / XLM-R, MPNet, NomicBERT, ModernBERT, Qwen3:
// semvec/model/encoder.hpp) or static word vectors (semvec/model/static_vectors.hpp). It is immutable: a
// `const Model` (or copies of it, which share the weights) may be used from many threads at once; every
// encode() call owns its scratch memory. A Model only comes from load_model(): there is no empty Model.
//
// Per text: [prompt or prefix] + text → tokens → encoder → pooling (cls / mean / max / last) → Dense heads
// (sentence-transformers 2_Dense) → Matryoshka cut (EncodeOptions::dimensions) → L2 normalization.
//
// Determinism: each text is run as its own sequence (no padding, GEMMs over that sequence only), so its
// vector is bit-identical whatever the block size, the batch size, the input order or the thread count.
// Memory: the input is taken in blocks (EncodeOptions::block_size texts): a block is tokenized, sorted by
// length, cut into batches by a token budget and run; only one block's tokens are alive at a time, and a
// text is tokenized no further than max_length needs (chunk mode excepted).
//
// Loading checks every float tensor for NaN and Inf (LoadOptions::allow_non_finite turns this off): a
// corrupt or badly converted file fails at load with the tensor's name, not later as NaN vectors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../matrix.hpp"
#include "../result.hpp"
#include "../text/truncation.hpp"
#include "../vision/image.hpp"
#include "../vision/image_encode_options.hpp"
#include "model_file.hpp"

namespace semvec {

// Defined in the headers that the definitions part includes (what a Model holds): include them to use
// the objects that Model::encoder(), tokenizer(), static_vectors() and vision() return.
class StaticVectors;       // model/static_vectors.hpp
class Tokenizer;           // text/tokenizer.hpp
struct Encoding;           // text/tokenizer.hpp
class TransformerEncoder;  // model/encoder.hpp
class VisionModel;         // vision/vision_model.hpp


/// Options of Model::encode() and Model::encode_pairs().
struct EncodeOptions {
    /// Pooling of token vectors. Default (nullopt): the file's `semvec.pooling` mode. Static models: mean only.
    std::optional<PoolingMode> pooling;
    /// L2-normalize each output row. Default (nullopt): the file's `semvec.pooling.normalize`.
    std::optional<bool> normalize;
    /// Text prepended to every input (e.g. "query: "; pairs: to the first text). Default (nullopt): the
    /// named prompt (prompt_name), else the file's default prompt, else the file's tokenizer `prefix`.
    std::optional<std::string> prefix;
    /// A prompt of the file by name (`semvec.prompts`, from sentence-transformers: e.g. "query" for
    /// Qwen3-Embedding's instruction, "search_query" for nomic), prepended like `prefix` (the two exclude
    /// each other). An unknown name is an error listing the file's prompts. Default (nullopt): the file's
    /// default prompt, if it names one.
    std::optional<std::string> prompt_name;
    /// Matryoshka truncation: keep the first `dimensions` components of each vector (then L2-normalize when
    /// normalizing). 0 = all. Refused unless the file declares this dimension (`matryoshka_dims`, written by
    /// scripts/convert.py from the model's config or --matryoshka-dims) or force_dimensions is set: cutting a
    /// model that was not trained for it gives poor vectors without any other sign. Default 0.
    std::size_t dimensions = 0;
    /// Allow `dimensions` that the file does not declare. Default false.
    bool force_dimensions = false;
    /// Longest input in tokens, special tokens included; longer texts are truncated and counted (or cut into
    /// windows in chunk mode). Default 0: the file's `max_length` (capped by the position table).
    std::size_t max_length = 0;
    /// Most texts per batch. Default 32.
    std::size_t batch_size = 32;
    /// Most tokens per batch (texts × longest length in it; one text always fits). Default 16384.
    std::size_t token_budget = 16384;
    /// Texts tokenized at a time: bounds the memory held by token ids. Default 4096. Output does not depend on it.
    std::size_t block_size = 4096;
    /// Worker threads; 0 = all cores. Default 0. Output does not depend on it.
    unsigned threads = 0;
    /// Called after each batch with (texts done, total). Default: none. Called from the calling thread.
    std::function<void(std::size_t, std::size_t)> progress;
    /// Chunk mode (single texts): a text longer than max_length is cut into overlapping windows
    /// ([CLS] prefix window [SEP], each max_length tokens at most), every window is pooled as usual and the
    /// window vectors are averaged (then L2-normalized if asked). Nothing is truncated. A text that fits gives
    /// exactly the vector of the normal path. Static models: every token of the text is averaged (no
    /// max_length). Default false.
    bool chunk = false;
    /// Chunk mode: tokens shared by consecutive windows (at most window − 1). Default (nullopt): half a window.
    std::optional<std::size_t> chunk_overlap;
    /// Pairs: how a pair longer than max_length is cut (HF's names). Default longest_first.
    TruncationStrategy truncation = TruncationStrategy::longest_first;
};

/// Options of load_model().
struct LoadOptions {
    /// Accept NaN and Inf in float tensors. Default false: load_model() fails, naming the tensor and the
    /// first bad index (a model with such weights gives NaN vectors, usually without any other sign).
    bool allow_non_finite = false;
    /// load_model(data, size) only: copy the bytes, so that the caller may free them once the call returns
    /// (costs one copy of the file in memory). Default false: the bytes are borrowed, as a memory-mapped file
    /// is, and must stay valid and unchanged while the Model or any copy of it lives.
    bool copy_buffer = false;
};

/// encode()'s result: one row per input text (N×D), plus what was lost on the way.
struct Embeddings : public Matrix {
    using Matrix::Matrix;
    Embeddings() = default;
    Embeddings(const Matrix& m) : Matrix(m) {}  // NOLINT(google-explicit-constructor)
    /// Texts cut at max_length (always 0 in chunk mode).
    std::size_t truncated = 0;
    /// Unknown words skipped (static models) or [UNK] tokens fed to the encoder (transformers).
    std::size_t unknown = 0;
    /// Chunk mode: texts that took more than one window.
    std::size_t chunked = 0;
};

/// One text (or pair) as encoder input.
struct TokenizedText {
    std::vector<std::int32_t> ids;        ///< with [CLS] ... [SEP] (pairs: [CLS] a [SEP] b [SEP])
    std::vector<std::int32_t> type_ids;   ///< 0 for a single text; 0…0 1…1 for a pair
    bool truncated = false;
    std::size_t unknown = 0;              ///< [UNK] ids
};

class Model;
/// Opens, checks (read_model_info) and binds a semvec model file. Weights stay in the memory mapping.
/// Every float tensor is scanned for NaN / Inf unless `options.allow_non_finite`.
SEMVEC_API Result<Model> load_model(const std::string& path, const LoadOptions& options = {});
/// load_model() on the bytes of a model file in memory (named "<buffer>" in errors). The bytes are borrowed
/// unless LoadOptions::copy_buffer: then they must outlive the Model and its copies. Any alignment is
/// accepted (unaligned tensors are widened into owned storage, as for files).
SEMVEC_API Result<Model> load_model(const void* data, std::size_t size, const LoadOptions& options = {});

class SafetensorsFile;

class Model {
public:
    const ModelFileInfo& info() const;
    /// Output vector size (before EncodeOptions::dimensions).
    std::size_t dim() const;

    // ---- Image models (semvec.architecture "cnn"; semvec/vision/vision_model.hpp) ----
    /// True for an image model: use encode_images(), not encode().
    bool is_image_model() const;
    /// The image model (nullptr for text models).
    const VisionModel* vision() const;
    /// Vectors of image files (N × D, input order). Unreadable files fail the call, or with
    /// ImageEncodeOptions::skip_unreadable are left out: use vision()->encode_files() to learn which.
    Result<Embeddings> encode_images(const std::vector<std::string>& paths, const ImageEncodeOptions& options = {}) const;
    /// Vectors of a caller's pixel buffers (e.g. RGBA frames a game already has): no file I/O.
    Result<Embeddings> encode_images(const std::vector<ImageView>& pixels, const ImageEncodeOptions& options = {}) const;
    /// Vectors of decoded images.
    Result<Embeddings> encode_images(const std::vector<Image>& images, const ImageEncodeOptions& options = {}) const;
    bool is_transformer() const;
    /// The transformer (nullptr for static models).
    const TransformerEncoder* encoder() const;
    /// The static vectors (nullptr for transformers).
    const StaticVectors* static_vectors() const;
    /// The transformer's tokenizer (nullptr for static models, which split words with static_vectors(), and image models).
    const Tokenizer* tokenizer() const;
    /// The longest input in tokens that the model takes by default.
    std::size_t max_length() const;
    /// The file's named prompts (EncodeOptions::prompt_name).
    const PromptConfig& prompts() const;

    /// Tokens of a text (no special tokens), HF BertTokenizer semantics: WordPiece pieces (transformers) or
    /// the words a static model looks up.
    std::vector<std::string> tokenize(std::string_view text) const;

    /// Token ids of one text as the transformer takes them: [CLS] tokens [SEP], cut to `max_length`
    /// (0: the model's). `prefix` is not added here. An error for static models (no special tokens, no ids).
    Result<TokenizedText> tokenize_for_encoder(std::string_view text, std::size_t max_length = 0) const;

    /// Token ids of a pair: [CLS] a [SEP] b [SEP], token types 0 then 1 (no token types: all 0), cut to
    /// `max_length` (0: the model's) by `strategy` as HF's tokenizers do. An error for static models.
    Result<TokenizedText> tokenize_pair_for_encoder(std::string_view a, std::string_view b, std::size_t max_length = 0,
                                                    TruncationStrategy strategy = TruncationStrategy::longest_first) const;

    /// Last hidden state ([L, H]) of one sequence. `mask` and `types` may be empty (all 1 / all 0);
    /// positions with mask 0 receive no attention (their own rows are computed, as HF does).
    Result<Matrix> forward(const std::vector<std::int32_t>& ids, const std::vector<std::int32_t>& mask = {},
                           const std::vector<std::int32_t>& types = {}) const;

    /// BERT's pooler output (dense + tanh on row 0 of a last hidden state). Needs has_pooler.
    Result<std::vector<float>> pooler(const Matrix& last_hidden) const;

    /// Embeds every text (see EncodeOptions). Thread-safe on a const Model.
    Result<Embeddings> encode(const std::vector<std::string>& texts, const EncodeOptions& opt = {}) const;

    /// Embeds sentence pairs as one sequence each ([CLS] a [SEP] b [SEP], token types 0/1 as HF), cut to
    /// max_length by EncodeOptions::truncation. The prefix (or prompt) goes before the first text.
    /// Transformers only; no chunk mode. Thread-safe on a const Model.
    Result<Embeddings> encode_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                                    const EncodeOptions& opt = {}) const;

    /// Embeds sequences that are already token ids, as the encoder takes them (special tokens included;
    /// `type_ids` empty = all 0): pooling, Dense heads, dimensions and normalization as encode(). A sequence
    /// longer than the model's limit is an error, not cut. prefix / prompt_name / chunk need text: refused.
    /// Transformers only. Thread-safe on a const Model.
    Result<Embeddings> encode_ids(const std::vector<TokenizedText>& inputs, const EncodeOptions& opt = {}) const;

private:
    Model() = default;  // only load_model() makes one: a Model that exists is usable

    struct Impl;  // defined with the definitions

    /// One sequence for the encoder.
    struct Seq {
        std::vector<std::int32_t> ids, types;
    };
    /// What one input turns into: one sequence, or several windows in chunk mode.
    struct TextWork {
        std::vector<Seq> seqs;
        bool truncated = false;
        std::size_t unknown = 0;
        Status status;
    };

    Error static_error(const char* what) const;

    TokenizedText encoder_ids(std::string_view text, std::size_t max_length) const;

    TokenizedText encoder_pair_ids(std::string_view a, std::string_view b, std::size_t max_length,
                                   TruncationStrategy strategy) const;

    /// The text put before every input: the named prompt, the caller's prefix, the file's default prompt,
    /// or the tokenizer's prefix, in that order.
    Result<std::string> resolve_prefix(const EncodeOptions& opt) const;

    /// The output width after EncodeOptions::dimensions, checked against the file's Matryoshka dimensions.
    Result<std::size_t> output_dims(const EncodeOptions& opt) const;

    std::size_t effective_max_length(std::size_t requested) const;

    TokenizedText from_encoding(Encoding e, std::size_t cap) const;

    /// Chunk mode: the windows of one text. A text that fits is the normal path's single sequence.
    void chunk_windows(const std::string& text, const std::string& prefix, std::size_t cap,
                       const std::optional<std::size_t>& overlap, TextWork& w) const;

    /// The transformer path of encode() and encode_pairs(): blocks of inputs are turned into sequences
    /// (make(i, work), in parallel), sorted by length, cut into batches by the token budget and run. Each
    /// sequence is pooled and put through the Dense heads; window vectors of chunked texts are averaged in
    /// window order; then the Matryoshka cut (Dout columns) and the L2 norm.
    template <class Make>
    Result<Embeddings> run_transformer(std::size_t N, const EncodeOptions& opt, PoolingMode mode, std::size_t Dout,
                                       Make&& make) const;

    /// The loader shared by load_model(path) and load_model(data, size): checks and binds an opened file.
    static Result<Model> bind(const SafetensorsFile& file, const std::string& source, const LoadOptions& options);

    std::shared_ptr<const Impl> impl_;
    friend Result<Model> load_model(const std::string& path, const LoadOptions& options);
    friend Result<Model> load_model(const void* data, std::size_t size, const LoadOptions& options);
};

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>

#include <nlohmann/json.hpp>

#include "../io/safetensors.hpp"
#include "../simd/cpu.hpp"
#include "../text/tokenizer.hpp"
#include "../util/parallel.hpp"
#include "../vision/vision_model.hpp"
#include "encoder.hpp"
#include "pooling.hpp"
#include "static_vectors.hpp"
#include "workspace_pool.hpp"

namespace semvec {

namespace detail {

/// The exponent bits of a float dtype (all ones: an infinity or a NaN), or 0 for a dtype without them.
inline std::uint64_t exponent_mask(Dtype d) {
    switch (d) {
        case Dtype::f64: return 0x7FF0000000000000ULL;
        case Dtype::f32: return 0x7F800000u;
        case Dtype::f16: return 0x7C00u;
        case Dtype::bf16: return 0x7F80u;
        default: return 0;
    }
}

/// The bits of element i of a tensor of `Bits`-wide elements (unaligned, any layout of the mapping).
template <class Bits>
std::uint64_t bits_at(const unsigned char* p, std::size_t i) {
    Bits b;
    std::memcpy(&b, p + sizeof(Bits) * i, sizeof(Bits));
    return b;
}

template <class Bits>
std::int64_t first_all_ones(const unsigned char* p, std::size_t n, std::uint64_t mask) {
    for (std::size_t i = 0; i < n; ++i)
        if ((bits_at<Bits>(p, i) & mask) == mask) return static_cast<std::int64_t>(i);
    return -1;
}

/// The first NaN or Inf of a float tensor (F64/F32/F16/BF16; other dtypes have none): its index, or -1.
inline std::int64_t first_non_finite(const TensorView& t) {
    const std::uint64_t mask = exponent_mask(t.dtype);
    if (mask == 0) return -1;
    switch (dtype_size(t.dtype)) {
        case 8: return first_all_ones<std::uint64_t>(t.data, t.numel(), mask);
        case 4: return first_all_ones<std::uint32_t>(t.data, t.numel(), mask);
        default: return first_all_ones<std::uint16_t>(t.data, t.numel(), mask);
    }
}

/// Whether the non-finite value at `index` of float tensor t is a NaN (a mantissa bit set), not an infinity.
inline bool is_nan_at(const TensorView& t, std::size_t index) {
    const std::uint64_t mask = exponent_mask(t.dtype), mantissa = (mask & (~mask + 1)) - 1;
    const std::size_t w = dtype_size(t.dtype);
    const std::uint64_t b = w == 8 ? bits_at<std::uint64_t>(t.data, index)
                          : w == 4 ? bits_at<std::uint32_t>(t.data, index)
                                   : bits_at<std::uint16_t>(t.data, index);
    return (b & mantissa) != 0;
}

}  // namespace detail

struct Model::Impl {
    std::string path;
    ModelFileInfo info;
    bool is_static = false;
    std::shared_ptr<TransformerEncoder> encoder;
    StaticVectors words;  // static models
    Tokenizer tokenizer;  // transformers
    std::string prefix;
    std::size_t max_length = 0;
    std::shared_ptr<const VisionModel> vision;  // image models
    // Encoder workspaces of finished calls, reused by the next ones (no page faults per call).
    std::shared_ptr<detail::WorkspacePool> workspaces = std::make_shared<detail::WorkspacePool>();
};

SEMVEC_API const ModelFileInfo& Model::info() const { return impl_->info; }

SEMVEC_API std::size_t Model::dim() const { return impl_->vision ? impl_->vision->dim() : impl_->info.dim(); }

SEMVEC_API bool Model::is_image_model() const { return impl_->vision != nullptr; }

SEMVEC_API const VisionModel* Model::vision() const { return impl_->vision.get(); }

SEMVEC_API Result<Embeddings> Model::encode_images(const std::vector<std::string>& paths, const ImageEncodeOptions& options) const {
    if (!impl_->vision) return make_error(ErrorCode::unsupported, "encode_images needs an image model; this is a text model", impl_->path);
    auto r = impl_->vision->encode_files(paths, options);
    if (!r) return r.error();
    return Embeddings(r->vectors);
}

SEMVEC_API Result<Embeddings> Model::encode_images(const std::vector<ImageView>& pixels, const ImageEncodeOptions& options) const {
    if (!impl_->vision) return make_error(ErrorCode::unsupported, "encode_images needs an image model; this is a text model", impl_->path);
    auto r = impl_->vision->encode(pixels, options);
    if (!r) return r.error();
    return Embeddings(*r);
}

SEMVEC_API Result<Embeddings> Model::encode_images(const std::vector<Image>& images, const ImageEncodeOptions& options) const {
    if (!impl_->vision) return make_error(ErrorCode::unsupported, "encode_images needs an image model; this is a text model", impl_->path);
    auto r = impl_->vision->encode(images, options);
    if (!r) return r.error();
    return Embeddings(*r);
}

SEMVEC_API bool Model::is_transformer() const { return impl_->info.is_transformer(); }

SEMVEC_API const TransformerEncoder* Model::encoder() const { return impl_->encoder.get(); }

SEMVEC_API const StaticVectors* Model::static_vectors() const { return impl_->is_static ? &impl_->words : nullptr; }

SEMVEC_API const Tokenizer* Model::tokenizer() const { return impl_->encoder ? &impl_->tokenizer : nullptr; }

SEMVEC_API std::size_t Model::max_length() const { return impl_->max_length; }

SEMVEC_API const PromptConfig& Model::prompts() const { return impl_->info.prompts; }

SEMVEC_API std::vector<std::string> Model::tokenize(std::string_view text) const {
    return impl_->is_static ? impl_->words.tokenize(text) : impl_->tokenizer.tokenize(text);
}

SEMVEC_API Result<TokenizedText> Model::tokenize_for_encoder(std::string_view text, std::size_t max_length) const {
    if (!impl_->encoder) return static_error("tokenize_for_encoder()");
    return encoder_ids(text, max_length);
}

SEMVEC_API Result<TokenizedText> Model::tokenize_pair_for_encoder(std::string_view a, std::string_view b, std::size_t max_length,
                                                                  TruncationStrategy strategy) const {
    if (!impl_->encoder) return static_error("tokenize_pair_for_encoder()");
    return encoder_pair_ids(a, b, max_length, strategy);
}

SEMVEC_API Result<Matrix> Model::forward(const std::vector<std::int32_t>& ids, const std::vector<std::int32_t>& mask,
                                         const std::vector<std::int32_t>& types) const {
    const auto* enc = impl_->encoder.get();
    if (!enc) return static_error("forward()");
    if ((!mask.empty() && mask.size() != ids.size()) || (!types.empty() && types.size() != ids.size()))
        return make_error(ErrorCode::invalid_argument, "ids, mask and types must have the same length", impl_->path);
    const std::int32_t* tp = types.empty() ? nullptr : types.data();
    auto st = enc->check_inputs(ids.data(), tp, ids.size());
    if (!st) return st.error().with_source(impl_->path);
    detail::PooledWorkspaces ws(*impl_->workspaces, 1);
    enc->forward(ids.data(), mask.empty() ? nullptr : mask.data(), tp, ids.size(), ws[0]);
    return Matrix(ws[0].x.topRows(static_cast<Eigen::Index>(ids.size())));
}

SEMVEC_API Result<std::vector<float>> Model::pooler(const Matrix& last_hidden) const {
    const auto* enc = impl_->encoder.get();
    if (!enc || !enc->has_pooler()) return make_error(ErrorCode::invalid_argument, "the model has no pooler", impl_->path);
    if (last_hidden.rows() < 1 || static_cast<std::size_t>(last_hidden.cols()) != enc->hidden_size())
        return make_error(ErrorCode::invalid_argument, "pooler(): input is not a [L, H] hidden state", impl_->path);
    std::vector<float> out(enc->hidden_size());
    enc->pool(last_hidden.data(), out.data());
    return out;
}

template <class Make>
Result<Embeddings> Model::run_transformer(std::size_t N, const EncodeOptions& opt, PoolingMode mode, std::size_t Dout,
                                          Make&& make) const {
    const auto& im = *impl_;
    const auto* enc = im.encoder.get();
    const bool normalize = opt.normalize.value_or(im.info.pooling.normalize);
    const std::size_t H = enc->hidden_size(), D = dim();
    const unsigned threads = resolve_threads(opt.threads);
    Embeddings out;
    out.resize(static_cast<Eigen::Index>(N), static_cast<Eigen::Index>(Dout));
    if (N == 0) return out;
    detail::PooledWorkspaces ws(*im.workspaces, threads);
    std::vector<std::vector<float>> pooled(threads, std::vector<float>(std::max(H, D))), head(threads);
    const std::size_t block = std::max<std::size_t>(opt.block_size, 1);
    const std::size_t max_batch = std::max<std::size_t>(opt.batch_size, 1);
    struct Job {
        std::size_t text, win, len;
    };
    std::vector<TextWork> work;
    std::vector<Job> jobs;
    std::vector<std::size_t> win_base;  // per text of the block: first row in `wins` (multi-window texts)
    std::vector<float> wins;
    // The cut and the norm of a finished vector v[D] into row[Dout].
    auto finish = [&](const float* v, float* row) {
        std::copy(v, v + Dout, row);
        if (normalize) l2_normalize(row, Dout);
    };
    for (std::size_t b0 = 0; b0 < N; b0 += block) {
        const std::size_t nb = std::min(N - b0, block);
        work.assign(nb, TextWork{});
        parallel_for(nb, threads, [&](std::size_t lo, std::size_t hi, unsigned) {
            for (std::size_t k = lo; k < hi; ++k) {
                make(b0 + k, work[k]);
                for (const auto& s : work[k].seqs) {
                    if (!work[k].status) break;
                    work[k].status = enc->check_inputs(s.ids.data(), s.types.data(), s.ids.size());
                }
            }
        });
        jobs.clear();
        win_base.assign(nb, 0);
        std::size_t nwins = 0;
        for (std::size_t k = 0; k < nb; ++k) {
            auto& w = work[k];
            if (!w.status) return w.status.error().with_source(im.path + " (input " + std::to_string(b0 + k) + ")");
            out.truncated += w.truncated ? 1 : 0;
            out.unknown += w.unknown;
            if (w.seqs.size() > 1) {
                ++out.chunked;
                win_base[k] = nwins;
                nwins += w.seqs.size();
            }
            for (std::size_t s = 0; s < w.seqs.size(); ++s) jobs.push_back({k, s, w.seqs[s].ids.size()});
        }
        wins.assign(nwins * D, 0.0f);
        std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.len < b.len; });
        const std::size_t J = jobs.size();
        for (std::size_t b = 0; b < J;) {
            // Grow the batch while it fits the budget (sorted ascending, so the last job is the longest).
            std::size_t e = b + 1;
            while (e < J && e - b < max_batch && (e - b + 1) * jobs[e].len <= opt.token_budget) ++e;
            parallel_for(e - b, threads, [&](std::size_t lo, std::size_t hi, unsigned t) {
                float* v = pooled[t].data();
                for (std::size_t q = b + lo; q < b + hi; ++q) {
                    const Job& j = jobs[q];
                    const TextWork& w = work[j.text];
                    const Seq& s = w.seqs[j.win];
                    enc->forward(s.ids.data(), nullptr, s.types.data(), s.ids.size(), ws[t]);
                    pool_tokens(ws[t].x.data(), s.ids.size(), H, nullptr, mode, v);
                    enc->apply_dense(v, v, head[t]);
                    if (w.seqs.size() == 1) finish(v, out.row(static_cast<Eigen::Index>(b0 + j.text)).data());
                    else std::copy(v, v + D, wins.data() + (win_base[j.text] + j.win) * D);
                }
            });
            b = e;
            if (opt.progress) opt.progress(b0 + (e == J ? nb : nb * e / J), N);
        }
        // Chunked texts: the mean of their window vectors, in window order (float64 sums).
        std::vector<double> acc(D);
        std::vector<float> mean(D);
        for (std::size_t k = 0; k < nb; ++k) {
            const std::size_t W = work[k].seqs.size();
            if (W < 2) continue;
            std::fill(acc.begin(), acc.end(), 0.0);
            for (std::size_t s = 0; s < W; ++s) {
                const float* v = wins.data() + (win_base[k] + s) * D;
                for (std::size_t d = 0; d < D; ++d) acc[d] += v[d];
            }
            for (std::size_t d = 0; d < D; ++d) mean[d] = static_cast<float>(acc[d] / static_cast<double>(W));
            finish(mean.data(), out.row(static_cast<Eigen::Index>(b0 + k)).data());
        }
    }
    return out;
}

SEMVEC_API Result<Embeddings> Model::encode(const std::vector<std::string>& texts, const EncodeOptions& opt) const {
    const auto& im = *impl_;
    if (im.vision) return make_error(ErrorCode::unsupported, "this is an image model: use encode_images()", im.path);
    const PoolingMode mode = opt.pooling.value_or(im.info.pooling.mode);
    auto prefix_r = resolve_prefix(opt);
    if (!prefix_r) return prefix_r.error();
    const std::string& prefix = *prefix_r;
    auto dims = output_dims(opt);
    if (!dims) return dims.error();
    const std::size_t N = texts.size();
    const unsigned threads = resolve_threads(opt.threads);

    if (im.is_static) {
        if (mode != PoolingMode::mean)
            return make_error(ErrorCode::invalid_argument, "static word-vector models pool by mean only", im.path);
        const std::size_t D = dim(), Dout = *dims;
        const bool normalize = opt.normalize.value_or(im.info.pooling.normalize);
        Embeddings out;
        out.resize(static_cast<Eigen::Index>(N), static_cast<Eigen::Index>(Dout));
        std::vector<StaticEmbedStats> stats(N);
        const std::size_t step = std::max<std::size_t>(opt.batch_size, 1) * 8;
        for (std::size_t b = 0; b < N; b += step) {
            const std::size_t e = std::min(N, b + step);
            parallel_for(e - b, threads, [&](std::size_t lo, std::size_t hi, unsigned) {
                std::vector<float> v(D);
                for (std::size_t i = b + lo; i < b + hi; ++i) {
                    // Cut before normalizing: the unnormalized mean, then the Matryoshka cut, then the norm.
                    const bool norm_here = normalize && Dout == D;
                    stats[i] = prefix.empty() ? im.words.embed(texts[i], v.data(), norm_here, !opt.chunk)
                                              : im.words.embed(prefix + texts[i], v.data(), norm_here, !opt.chunk);
                    float* row = out.row(static_cast<Eigen::Index>(i)).data();
                    std::copy(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(Dout), row);
                    if (normalize && Dout != D) l2_normalize(row, Dout);
                }
            });
            if (opt.progress) opt.progress(e, N);
        }
        for (const auto& s : stats) {
            out.truncated += s.truncated ? 1 : 0;
            out.unknown += s.unknown;
        }
        return out;
    }

    const std::size_t cap = effective_max_length(opt.max_length);
    if (opt.chunk && cap < 3) return make_error(ErrorCode::invalid_argument, "chunk mode needs max_length >= 3", im.path);
    // Windows are framed [CLS] … [SEP] (<s> … </s>); a tokenizer without both (Qwen3's appended EOS) has no
    // such frame yet.
    if (opt.chunk && (im.tokenizer.cls_id() < 0 || im.tokenizer.sep_id() < 0))
        return make_error(ErrorCode::unsupported, "chunk mode needs a tokenizer with cls and sep tokens", im.path);
    return run_transformer(N, opt, mode, *dims, [&](std::size_t i, TextWork& w) {
        if (opt.chunk) {
            chunk_windows(texts[i], prefix, cap, opt.chunk_overlap, w);
            return;
        }
        TokenizedText t = prefix.empty() ? encoder_ids(texts[i], cap) : encoder_ids(prefix + texts[i], cap);
        w.truncated = t.truncated;
        w.unknown = t.unknown;
        w.seqs.push_back({std::move(t.ids), std::move(t.type_ids)});
    });
}

SEMVEC_API Result<Embeddings> Model::encode_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                                                  const EncodeOptions& opt) const {
    const auto& im = *impl_;
    if (im.vision) return make_error(ErrorCode::unsupported, "this is an image model: use encode_images()", im.path);
    if (im.is_static) return static_error("encode_pairs()");
    if (opt.chunk) return make_error(ErrorCode::invalid_argument, "chunk mode is for single texts, not pairs", im.path);
    const PoolingMode mode = opt.pooling.value_or(im.info.pooling.mode);
    auto prefix_r = resolve_prefix(opt);
    if (!prefix_r) return prefix_r.error();
    const std::string& prefix = *prefix_r;
    auto dims = output_dims(opt);
    if (!dims) return dims.error();
    return run_transformer(pairs.size(), opt, mode, *dims, [&](std::size_t i, TextWork& w) {
        const auto& p = pairs[i];
        TokenizedText t = prefix.empty() ? encoder_pair_ids(p.first, p.second, opt.max_length, opt.truncation)
                                         : encoder_pair_ids(prefix + p.first, p.second, opt.max_length, opt.truncation);
        w.truncated = t.truncated;
        w.unknown = t.unknown;
        w.seqs.push_back({std::move(t.ids), std::move(t.type_ids)});
    });
}

SEMVEC_API Result<Embeddings> Model::encode_ids(const std::vector<TokenizedText>& inputs, const EncodeOptions& opt) const {
    const auto& im = *impl_;
    if (!im.encoder) return static_error("encode_ids()");
    if (opt.prefix || opt.prompt_name || opt.chunk)
        return make_error(ErrorCode::invalid_argument, "encode_ids() takes token ids: a prefix, prompt or chunk mode needs text",
                          im.path);
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (!inputs[i].type_ids.empty() && inputs[i].type_ids.size() != inputs[i].ids.size())
            return make_error(ErrorCode::invalid_argument,
                              "input " + std::to_string(i) + ": type_ids and ids differ in length", im.path);
    auto dims = output_dims(opt);
    if (!dims) return dims.error();
    return run_transformer(inputs.size(), opt, opt.pooling.value_or(im.info.pooling.mode), *dims,
                           [&](std::size_t i, TextWork& w) {
                               Seq s{inputs[i].ids, inputs[i].type_ids};
                               if (s.types.empty()) s.types.assign(s.ids.size(), 0);
                               w.seqs.push_back(std::move(s));
                           });
}

SEMVEC_API Error Model::static_error(const char* what) const {
    return make_error(ErrorCode::invalid_argument,
                      std::string(what) + " needs a transformer model; this one is " +
                          (impl_->vision ? "an image model (use encode_images())" : "static word vectors"),
                      impl_->path);
}

SEMVEC_API TokenizedText Model::encoder_ids(std::string_view text, std::size_t max_length) const {
    const std::size_t cap = effective_max_length(max_length);
    return from_encoding(impl_->tokenizer.encode(text, cap), cap);
}

SEMVEC_API TokenizedText Model::encoder_pair_ids(std::string_view a, std::string_view b, std::size_t max_length,
                                                 TruncationStrategy strategy) const {
    const std::size_t cap = std::max<std::size_t>(effective_max_length(max_length), 3);
    TokenizedText t = from_encoding(impl_->tokenizer.encode_pair(a, b, cap, strategy), cap);
    // No token types (DistilBERT, HF's tokenizer gives none; RoBERTa's single type): all 0.
    if (impl_->info.transformer.type_vocab_size <= 1) std::fill(t.type_ids.begin(), t.type_ids.end(), 0);
    return t;
}

SEMVEC_API Result<std::string> Model::resolve_prefix(const EncodeOptions& opt) const {
    const PromptConfig& pc = impl_->info.prompts;
    if (opt.prompt_name) {
        if (opt.prefix)
            return make_error(ErrorCode::invalid_argument, "a prompt name and a prefix exclude each other", impl_->path);
        if (const std::string* p = pc.find(*opt.prompt_name)) return *p;
        std::string names;
        for (const auto& p : pc.prompts) names += (names.empty() ? "" : ", ") + p.first;
        return make_error(ErrorCode::not_found,
                          "prompt '" + *opt.prompt_name + "' is not in the model file (" +
                              (names.empty() ? std::string("it has no prompts") : "its prompts: " + names) + ")",
                          impl_->path);
    }
    if (opt.prefix) return *opt.prefix;
    if (!pc.default_name.empty()) return *pc.find(pc.default_name);
    return impl_->prefix;
}

SEMVEC_API Result<std::size_t> Model::output_dims(const EncodeOptions& opt) const {
    const std::size_t D = dim();
    if (opt.dimensions == 0 || opt.dimensions == D) return D;
    if (opt.dimensions > D)
        return make_error(ErrorCode::invalid_argument,
                          "dimensions " + std::to_string(opt.dimensions) + " is more than the model's " + std::to_string(D),
                          impl_->path);
    const PoolingConfig& pc = impl_->info.pooling;
    const bool declared = pc.matryoshka_any || std::find(pc.matryoshka_dims.begin(), pc.matryoshka_dims.end(),
                                                         opt.dimensions) != pc.matryoshka_dims.end();
    if (!declared && !opt.force_dimensions) {
        std::string dims;
        for (std::size_t d : pc.matryoshka_dims) dims += (dims.empty() ? "" : ", ") + std::to_string(d);
        return make_error(ErrorCode::invalid_argument,
                          "dimensions " + std::to_string(opt.dimensions) + ": " +
                              (dims.empty() ? std::string("the model file declares no Matryoshka dimensions")
                                            : "the model file declares Matryoshka dimensions " + dims + " only") +
                              " (a model not trained for it gives poor vectors when cut; force it with "
                              "force_dimensions / --force, or declare them with convert.py --matryoshka-dims)",
                          impl_->path);
    }
    return opt.dimensions;
}

SEMVEC_API std::size_t Model::effective_max_length(std::size_t requested) const {
    std::size_t m = requested ? requested : impl_->max_length;
    if (impl_->encoder) m = std::min(m, impl_->info.transformer.max_sequence_length());
    return std::max<std::size_t>(m, 2);
}

SEMVEC_API TokenizedText Model::from_encoding(Encoding e, std::size_t cap) const {
    TokenizedText t;
    t.truncated = e.truncated;
    if (e.ids.size() > cap && cap >= 2) {  // HF leaves an uncuttable text whole; the encoder cannot take it
        e.ids.erase(e.ids.begin() + static_cast<std::ptrdiff_t>(cap - 1), e.ids.end() - 1);
        e.type_ids.erase(e.type_ids.begin() + static_cast<std::ptrdiff_t>(cap - 1), e.type_ids.end() - 1);
        t.truncated = true;
    }
    const std::int32_t unk = impl_->tokenizer.unk_id();
    for (std::size_t k = 0; k < e.ids.size(); ++k) t.unknown += (e.ids[k] == unk) ? 1 : 0;
    t.ids = std::move(e.ids);
    t.type_ids = std::move(e.type_ids);
    return t;
}

SEMVEC_API void Model::chunk_windows(const std::string& text, const std::string& prefix, std::size_t cap,
                                     const std::optional<std::size_t>& overlap, TextWork& w) const {
    const Tokenizer& tk = impl_->tokenizer;
    std::vector<std::int32_t> ids;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> offs;
    if (prefix.empty()) tk.tokenize_into(text, ids, offs);
    else tk.tokenize_into(prefix + text, ids, offs);
    for (auto id : ids) w.unknown += id == tk.unk_id() ? 1 : 0;
    auto push = [&](const std::vector<std::int32_t>& head, const std::int32_t* b, std::size_t n) {
        Seq s;
        s.ids.reserve(n + head.size() + 2);
        s.ids.push_back(tk.cls_id());
        s.ids.insert(s.ids.end(), head.begin(), head.end());
        s.ids.insert(s.ids.end(), b, b + n);
        s.ids.push_back(tk.sep_id());
        s.types.assign(s.ids.size(), 0);
        w.seqs.push_back(std::move(s));
    };
    if (ids.size() + 2 <= cap) {
        push({}, ids.data(), ids.size());
        return;
    }
    // The prefix (e.g. E5's "passage: ") starts every window, when it leaves room for text.
    std::vector<std::int32_t> head, body;
    if (!prefix.empty()) {
        tk.tokenize_into(prefix, head, offs);
        tk.tokenize_into(text, body, offs);
    }
    if (prefix.empty() || head.size() + 3 > cap) {
        head.clear();
        body = std::move(ids);
    }
    const std::size_t W = cap - 2 - head.size();
    const std::size_t ov = std::min(overlap.value_or(W / 2), W - 1);
    const std::size_t stride = W - ov;
    for (std::size_t start = 0;; start += stride) {
        const std::size_t end = std::min(start + W, body.size());
        push(head, body.data() + start, end - start);
        if (end == body.size()) break;
    }
}

SEMVEC_API Result<Model> load_model(const std::string& path, const LoadOptions& options) {
    SEMVEC_TRY_STATUS(simd::require_cpu());  // cpu_unsupported, not SIGILL (simd/cpu.hpp)
    auto file = SafetensorsFile::open(path);
    if (!file) return file.error();
    return Model::bind(*file, path, options);
}

SEMVEC_API Result<Model> load_model(const void* data, std::size_t size, const LoadOptions& options) {
    const std::string source = "<buffer>";
    if (data == nullptr && size > 0) return make_error(ErrorCode::invalid_argument, "null data with a nonzero size", source);
    SEMVEC_TRY_STATUS(simd::require_cpu());
    if (!options.copy_buffer) {
        auto file = SafetensorsFile::from_buffer(data, size, source);
        if (!file) return file.error();
        return Model::bind(*file, source, options);
    }
    const auto* p = static_cast<const unsigned char*>(data);
    auto file = SafetensorsFile::from_bytes(std::vector<unsigned char>(p, p + size), source);
    if (!file) return file.error();
    return Model::bind(*file, source, options);
}

SEMVEC_API Result<Model> Model::bind(const SafetensorsFile& file, const std::string& path, const LoadOptions& options) {
    if (const std::string* arch = file.metadata_value(model_keys::kArchitecture); arch && *arch == "cnn") {
        auto vision = VisionModel::load(file);  // image model: its own schema (docs/model-format.md "Image models")
        if (!vision) return vision.error();
        auto impl = std::make_shared<Model::Impl>();
        impl->path = path;
        impl->vision = std::move(*vision);
        Model m;
        m.impl_ = std::move(impl);
        return m;
    }
    auto info = read_model_info(file);
    if (!info) return info.error();
    if (!options.allow_non_finite)
        for (const auto& t : file.tensors()) {
            const std::int64_t bad = detail::first_non_finite(t);
            if (bad < 0) continue;
            const bool nan = detail::is_nan_at(t, static_cast<std::size_t>(bad));
            return make_error(ErrorCode::invalid_data, std::string("holds ") + (nan ? "a NaN" : "an infinity") + " at flat index " +
                                  std::to_string(bad) + " of shape " + t.shape_string() +
                                  " (a corrupt or badly converted file; LoadOptions::allow_non_finite loads it anyway)",
                              path, "tensor '" + t.name + "'");
        }
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
        auto sv = StaticVectors::load(file, *info);
        if (!sv) return sv.error();
        impl->is_static = true;
        impl->words = std::move(*sv);
    } else {
        auto enc = TransformerEncoder::load(file, *info);
        if (!enc) return enc.error();
        impl->encoder = std::move(*enc);
        auto tok = Tokenizer::from_model_metadata(file.metadata());
        if (!tok) return tok.error().with_source(path);
        // WordPiece frames every text with cls and sep; BPE / Unigram tokenizers bring their own template (e.g.
        // Qwen3-Embedding's appended <|endoftext|>).
        if (!tok->pipeline() && (tok->cls_id() < 0 || tok->sep_id() < 0))
            return make_error(ErrorCode::unsupported, "a transformer needs a wordpiece tokenizer with cls and sep tokens", path,
                              "metadata 'semvec.tokenizer'");
        impl->tokenizer = std::move(*tok);
    }
    Model m;
    m.impl_ = std::move(impl);
    return m;
}

}  // namespace semvec
#endif  // SEMVEC_DEFINITIONS
