// semvec/model/encoder.hpp — the transformer encoder forward pass (Hugging Face parity) for every family
// semvec runs, on the SIMD kernels of semvec/nn and semvec/quant.
//
// One encoder, its layer assembled from the file's TransformerConfig (encoder_config.hpp):
//   embeddings   word (+ token type) (+ learned absolute position) → optional norm       embed()
//   each layer   attention sub-layer, then feed-forward sub-layer, each either
//                  post-LN: x = norm(x + f(x))   or   pre-LN: x = x + f(norm(x))
//     attention  QKV projection → per-head q/k RMSNorm → rotary (rotary.hpp) → blocked attention per head
//                (nn::attention_blocked) over all keys, a sliding window or the causal prefix
//                (attention_mask.hpp), with MPNet's relative bias (relative_position.hpp) → output projection
//                                                                                       attention_block()
//     MLP        plain act(up·x) or gated act(gate·x)·(up·x), then down; in blocks of rows  mlp_block()
//   final norm   pre-LN models
// The steps are separate member functions over the rows of one sequence: projections and the MLP are
// row-wise (a batch of stacked sequences would run them unchanged), attention is per sequence and head.
//
// One sequence at a time: every GEMM sees exactly one sequence's rows, and every kernel's result for a row
// depends only on that row (fixed-order dot products, per-row norms / softmax / quantization), so a text's
// output never depends on what else is in its batch, on the thread that runs it, or on the order. Padding
// never enters the computation. Callers parallelize over sequences. The per-call state lives in an
// EncoderWorkspace that grows once to the longest sequence and is reused across layers and sequences.
//
// Memory: attention runs in query × key blocks with an online softmax and the MLP in blocks of
// kMlpRowBlock rows, so the workspace holds O(L · (H + QKV width)) floats, never L² or L · I: an 8192-token
// NomicBERT-base input needs about 130 MB of workspace beside the weights.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "../config.hpp"
#include "../io/safetensors.hpp"
#include "../result.hpp"
#include "attention_mask.hpp"
#include "linear.hpp"
#include "model_file.hpp"
#include "relative_position.hpp"
#include "rotary.hpp"
#include "team.hpp"

namespace semvec {

namespace detail {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A norm's parameters (bias null for RMSNorm and bias-free LayerNorm; weight null: no norm).
struct NormWeights {
    const float* weight = nullptr;
    const float* bias = nullptr;
};

/// Weights of one encoder layer.
struct EncoderLayer {
    LinearWeights qkv;   // [(nh + 2·nkv)·d, H], rows Q then K then V
    LinearWeights out;   // [H, nh·d]
    LinearWeights up;    // [I, H], gated: [2I, H] (gate rows, then up rows)
    LinearWeights down;  // [H, I]
    const float* q_norm = nullptr;  // [d] (qk_norm)
    const float* k_norm = nullptr;  // [d]
    NormWeights attn_norm;          // post-LN: after attention; pre-LN: before it (absent in ModernBERT's layer 0)
    NormWeights ffn_norm;
    bool local = false;             // sliding-window attention
};

/// A sentence-transformers Dense head: y = act(W·x + b).
struct DenseHead {
    std::size_t in = 0, out = 0;
    const float* weight = nullptr;  // [out, in], f32
    const float* bias = nullptr;
    bool tanh = false;
};

/// MLP rows per block: long inputs never hold an [L, I] intermediate buffer. (Overridable at compile time
/// like nn::kAttentionKeyBlock; rows are independent, so the results do not depend on it.)
#ifndef SEMVEC_MLP_ROW_BLOCK
#define SEMVEC_MLP_ROW_BLOCK 512
#endif
constexpr std::size_t kMlpRowBlock = SEMVEC_MLP_ROW_BLOCK;

}  // namespace detail

/// Scratch memory for one forward pass at a time. Not shared between threads: each thread (or call) owns
/// one. It grows to the longest sequence seen and is then reused without allocating.
struct EncoderWorkspace {
    detail::RowMatrixF x;       // [L, H] hidden state (row-major, stride H)
    detail::RowMatrixF qkv;     // [L, QKV]
    detail::RowMatrixF ctx;     // [L, nh·d] attention context
    detail::RowMatrixF tmp;     // [L, H] a sub-layer's normalized input or output
    detail::RowMatrixF inter;   // [kMlpRowBlock, up rows] MLP intermediate
    detail::RowMatrixF gated;   // [kMlpRowBlock, I] gated MLP product
    std::vector<float> kv;      // [nk, 2·nkv·d] K and V rows of the unmasked keys (masked inputs only)
    std::vector<float> attn;    // attention workspace, one per thread
    std::vector<std::int32_t> keys;       // unmasked key positions
    std::vector<std::int32_t> positions;  // absolute position of each token
    detail::KeyRanges global_ranges, local_ranges;
    detail::RotaryTable rotary, rotary_local;
    std::vector<float> relative_bias;     // [nh, 2L − 1]
    detail::LinearScratch lin;
    /// Threads one forward() call may use (default 1). With more, GEMM output columns, attention heads and
    /// norm rows of the sequence are split across a team owned by this workspace: for batch-1 latency. The
    /// result is bit-identical to 1 thread (no split reductions). When sequences already run in parallel
    /// (one workspace per thread), leave it at 1.
    unsigned threads = 1;
    std::unique_ptr<detail::Team> team;  // created on first use with threads > 1
};

/// The transformer encoder of every family (see the header comment). Immutable after load: one instance
/// serves any number of threads, each with its own EncoderWorkspace.
class TransformerEncoder {
public:
    /// Binds the weights of a checked file (read_model_info first): matrices are packed for the kernels in
    /// the file's precision (f32, f16, bf16, int8); embeddings and vectors are used in place when f32 and
    /// aligned, else widened once into owned storage.
    static Result<std::shared_ptr<TransformerEncoder>> load(const SafetensorsFile& file, const ModelFileInfo& info);

    const TransformerConfig& config() const { return cfg_; }
    Architecture architecture() const { return arch_; }
    bool is_distilbert() const { return arch_ == Architecture::distilbert; }
    bool has_pooler() const { return pooler_w_ != nullptr; }
    std::size_t hidden_size() const { return cfg_.hidden_size; }
    /// Size of the vector after the Dense heads (hidden_size() without any).
    std::size_t output_size() const { return dense_.empty() ? cfg_.hidden_size : dense_.back().out; }
    /// Precision of the layer GEMMs (that of the first layer's QKV matrix; all matrices share the file's dtype).
    EncoderPrecision precision() const { return precision_; }
    /// Bytes of packed weight matrices owned by the encoder (beyond the mapped file).
    std::size_t packed_weight_bytes() const { return weight_bytes_; }

    /// Checks one sequence's inputs: ids < vocab, types < type vocab, length within the position limit.
    Status check_inputs(const std::int32_t* ids, const std::int32_t* types, std::size_t L) const;

    /// Runs one sequence of L tokens (inputs checked by check_inputs). `mask` may be null (all ones); keys
    /// where mask is 0 get no attention, as HF's additive mask does, and positions stay those of the padded
    /// row. `types` may be null (all 0). The last hidden state ([L, H], row-major, stride H) is left in the
    /// top rows of ws.x.
    void forward(const std::int32_t* ids, const std::int32_t* mask, const std::int32_t* types, std::size_t L,
                 EncoderWorkspace& ws) const;

    /// BERT's pooler: tanh(W · h[first token] + b) into out[H]. Requires has_pooler().
    void pool(const float* cls, float* out) const;

    /// The Dense heads (sentence-transformers Dense modules) on a pooled vector: in[H] → out[output_size()].
    /// in and out may be the same buffer only without heads. `tmp` grows as needed.
    void apply_dense(const float* in, float* out, std::vector<float>& tmp) const;

    // The steps of forward(), in order (public so that a batched driver can run them over stacked rows).
    /// Grows the workspace for n tokens and sets up positions, key ranges, rotary tables and the relative bias.
    void prepare(const std::int32_t* ids, const std::int32_t* mask, std::size_t n, EncoderWorkspace& ws) const;
    /// ws.x = embeddings of the n tokens (then the embedding norm).
    void embed(const std::int32_t* ids, const std::int32_t* types, std::size_t n, EncoderWorkspace& ws) const;
    /// The attention sub-layer of layer l on ws.x.
    void attention_block(std::size_t l, std::size_t n, EncoderWorkspace& ws) const;
    /// The feed-forward sub-layer of layer l on ws.x.
    void mlp_block(std::size_t l, std::size_t n, EncoderWorkspace& ws) const;
    /// The final norm (pre-LN models).
    void finish(std::size_t n, EncoderWorkspace& ws) const;

private:
    TransformerEncoder() = default;
    template <class F>
    static void parallel(EncoderWorkspace& ws, F&& f);
    void linear(const detail::LinearWeights& w, std::size_t m, const float* a, std::size_t lda, float* c,
                std::size_t ldc, nn::Activation act, EncoderWorkspace& ws) const;
    void norm_rows(const detail::NormWeights& nw, const float* x, std::size_t ldx, const float* residual,
                   std::size_t ldr, float* out, std::size_t ldo, std::size_t rows, EncoderWorkspace& ws) const;
    void residual(const detail::NormWeights& nw, const float* y, float* x, std::size_t rows, EncoderWorkspace& ws) const;

    std::shared_ptr<detail::WeightStore> store_;  // the mapping and the widened tensors
    TransformerConfig cfg_;
    Architecture arch_ = Architecture::bert;
    EncoderPrecision precision_ = EncoderPrecision::f32;
    std::size_t weight_bytes_ = 0;
    const float* word_ = nullptr;
    const float* pos_ = nullptr;
    const float* type_ = nullptr;
    detail::NormWeights emb_norm_, final_norm_;
    const float* relative_table_ = nullptr;  // [buckets, heads]
    const float* pooler_w_ = nullptr;
    const float* pooler_b_ = nullptr;
    std::vector<detail::EncoderLayer> layers_;
    std::vector<detail::DenseHead> dense_;
};

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <cstring>

namespace semvec {

namespace detail {

// Buffers only grow; their top r rows are contiguous with stride = their column count.
inline void grow_rows(RowMatrixF& m, std::size_t r, std::size_t c) {
    const auto R = static_cast<Eigen::Index>(r), C = static_cast<Eigen::Index>(c);
    if (m.cols() != C || m.rows() < R) m.resize(std::max(R, m.cols() == C ? m.rows() : Eigen::Index{0}), C);
}

// x[r, :] += y[r, :] for r < rows (both contiguous, row stride cols).
inline void add_rows(float* x, const float* y, std::size_t rows, std::size_t cols) {
    using O = simd::Native;
    constexpr std::size_t W = O::width;
    for (std::size_t r = 0; r < rows; ++r) {
        float* xr = x + r * cols;
        const float* yr = y + r * cols;
        std::size_t j = 0;
        for (; j + W <= cols; j += W) O::store(xr + j, O::add(O::load(xr + j), O::load(yr + j)));
        for (; j < cols; ++j) xr[j] += yr[j];
    }
}

}  // namespace detail

SEMVEC_API Result<std::shared_ptr<TransformerEncoder>> TransformerEncoder::load(const SafetensorsFile& file,
                                                                                const ModelFileInfo& info) {
    if (!info.is_transformer())
        return make_error(ErrorCode::invalid_argument, "not a transformer model", file.source(),
                          "metadata 'semvec.architecture'");
    auto enc = std::shared_ptr<TransformerEncoder>(new TransformerEncoder());
    enc->store_ = std::make_shared<detail::WeightStore>(file);
    enc->cfg_ = info.transformer;
    enc->arch_ = info.architecture;
    detail::WeightStore& ws = *enc->store_;
    const TransformerConfig& c = enc->cfg_;
    namespace tn = tensor_names;
    const std::size_t H = c.hidden_size, I = c.intermediate_size, d = c.head_dim;
    auto norm = [&](const std::string& prefix, std::size_t n) {
        detail::NormWeights w;
        w.weight = ws.values(prefix + ".weight", n);
        if (c.norm_bias) w.bias = ws.values(prefix + ".bias", n);
        return w;
    };
    auto linear = [&](detail::LinearWeights& l, const std::string& prefix, std::size_t n, std::size_t k, bool bias) {
        ws.linear(l, prefix + ".weight", bias ? prefix + ".bias" : std::string(), n, k);
    };
    enc->word_ = ws.values(tn::kWordEmbeddings, c.vocab_size * H);
    if (c.absolute_positions != AbsolutePositions::none)
        enc->pos_ = ws.values(tn::kPositionEmbeddings, c.max_position_embeddings * H);
    if (c.type_vocab_size > 0) enc->type_ = ws.values(tn::kTokenTypeEmbeddings, c.type_vocab_size * H);
    if (c.embedding_norm) enc->emb_norm_ = norm("embeddings.norm", H);
    if (c.relative_attention_buckets > 0)
        enc->relative_table_ = ws.values(tn::kRelativeBias, c.relative_attention_buckets * c.num_heads);
    enc->layers_.resize(c.num_layers);
    for (std::size_t i = 0; i < c.num_layers; ++i) {
        auto& l = enc->layers_[i];
        const std::string p = "layers." + std::to_string(i) + ".";
        linear(l.qkv, p + "attn.qkv", c.qkv_rows(), H, c.attention_bias);
        if (c.qk_norm) {
            l.q_norm = ws.values(tn::layer(i, tn::kLayerAttnQNormWeight), d);
            l.k_norm = ws.values(tn::layer(i, tn::kLayerAttnKNormWeight), d);
        }
        linear(l.out, p + "attn.out", H, c.q_width(), c.attention_bias);
        if (c.has_attention_norm(i)) l.attn_norm = norm(p + "attn.norm", H);
        linear(l.up, p + "ffn.up", c.up_rows(), H, c.mlp_bias);
        linear(l.down, p + "ffn.down", H, I, c.mlp_bias);
        l.ffn_norm = norm(p + "ffn.norm", H);
        l.local = c.layer_is_local(i);
        if (i == 0) enc->precision_ = ws.precision();
    }
    if (c.final_norm) enc->final_norm_ = norm("final_norm", H);
    if (c.has_pooler) {
        enc->pooler_w_ = ws.values(tn::kPoolerWeight, H * H);
        enc->pooler_b_ = ws.values(tn::kPoolerBias, H);
    }
    for (std::size_t j = 0; j < info.pooling.dense.size(); ++j) {
        const DenseLayer& dl = info.pooling.dense[j];
        detail::DenseHead h;
        h.in = dl.in;
        h.out = dl.out;
        h.tanh = dl.tanh;
        h.weight = ws.values(tn::dense(j, "weight"), dl.in * dl.out);
        if (dl.bias) h.bias = ws.values(tn::dense(j, "bias"), dl.out);
        enc->dense_.push_back(h);
    }
    if (!ws.error().empty()) return make_error(ErrorCode::invalid_data, ws.error(), file.source());
    enc->weight_bytes_ = ws.packed_bytes();
    return enc;
}

SEMVEC_API Status TransformerEncoder::check_inputs(const std::int32_t* ids, const std::int32_t* types,
                                                   std::size_t L) const {
    if (L == 0) return make_error(ErrorCode::invalid_argument, "empty sequence (a transformer input holds at least one token)");
    if (L > cfg_.max_sequence_length())
        return make_error(ErrorCode::invalid_argument, "sequence of " + std::to_string(L) +
                                                           " tokens exceeds the model's limit of " +
                                                           std::to_string(cfg_.max_sequence_length()));
    for (std::size_t i = 0; i < L; ++i) {
        if (ids[i] < 0 || static_cast<std::size_t>(ids[i]) >= cfg_.vocab_size)
            return make_error(ErrorCode::invalid_argument, "token id " + std::to_string(ids[i]) + " at position " +
                                                               std::to_string(i) + " is outside the vocab of " +
                                                               std::to_string(cfg_.vocab_size));
        if (types && cfg_.type_vocab_size > 0 && (types[i] < 0 || static_cast<std::size_t>(types[i]) >= cfg_.type_vocab_size))
            return make_error(ErrorCode::invalid_argument, "token type " + std::to_string(types[i]) + " at position " +
                                                               std::to_string(i) + " is outside type_vocab_size " +
                                                               std::to_string(cfg_.type_vocab_size));
    }
    return {};
}

template <class F>
void TransformerEncoder::parallel(EncoderWorkspace& ws, F&& f) {  // f(t, T) on every thread of the team
    const unsigned nthreads = std::max(ws.threads, 1u);
    if (nthreads == 1) {
        f(0u, 1u);
        return;
    }
    auto g = [&f, nthreads](unsigned t) { f(t, nthreads); };
    ws.team->run(g);
}

// A projection: activations converted once, output columns split by whole panels across threads (each
// element is computed exactly as by one thread).
SEMVEC_API void TransformerEncoder::linear(const detail::LinearWeights& w, std::size_t m, const float* a,
                                           std::size_t lda, float* c, std::size_t ldc, nn::Activation act,
                                           EncoderWorkspace& ws) const {
    w.prepare(m, a, lda, ws.lin);
    const std::size_t P = w.panel(), panels = (w.n + P - 1) / P;
    parallel(ws, [&](unsigned t, unsigned nt) {
        const std::size_t p0 = panels * t / nt, p1 = panels * (t + 1) / nt;
        w.run(m, p0 * P, std::min(w.n, p1 * P), a, lda, c, ldc, act, ws.lin);
    });
}

// out = norm(x + residual) row by row (residual may be null), rows split across threads.
SEMVEC_API void TransformerEncoder::norm_rows(const detail::NormWeights& nw, const float* x, std::size_t ldx,
                                              const float* residual, std::size_t ldr, float* out, std::size_t ldo,
                                              std::size_t rows, EncoderWorkspace& ws) const {
    const std::size_t H = cfg_.hidden_size;
    const float eps = static_cast<float>(cfg_.layer_norm_eps);
    parallel(ws, [&](unsigned t, unsigned nt) {
        const std::size_t r0 = rows * t / nt, r1 = rows * (t + 1) / nt;
        if (cfg_.norm == NormKind::layer_norm) {
            nn::residual_layernorm(x + r0 * ldx, ldx, residual ? residual + r0 * ldr : nullptr, ldr, nw.weight, nw.bias, eps,
                                   out + r0 * ldo, ldo, r1 - r0, H);
            return;
        }
        for (std::size_t r = r0; r < r1; ++r) {
            if (residual) {  // out = x + residual first (out may alias either)
                float* o = out + r * ldo;
                const float* xr = x + r * ldx;
                const float* rr = residual + r * ldr;
                for (std::size_t j = 0; j < H; ++j) o[j] = xr[j] + rr[j];
                nn::rms_norm(o, ldo, nw.weight, eps, o, ldo, 1, H);
            } else {
                nn::rms_norm(x + r * ldx, ldx, nw.weight, eps, out + r * ldo, ldo, 1, H);
            }
        }
    });
}

// The residual connection of a sub-layer whose output y sits beside its input x (both [rows, H]): pre-LN
// x += y; post-LN x = norm(x + y) with the sub-layer's norm.
SEMVEC_API void TransformerEncoder::residual(const detail::NormWeights& nw, const float* y, float* x, std::size_t rows,
                                             EncoderWorkspace& ws) const {
    const std::size_t H = cfg_.hidden_size;
    if (cfg_.norm_placement == NormPlacement::post) {
        norm_rows(nw, y, H, x, H, x, H, rows, ws);
        return;
    }
    parallel(ws, [&](unsigned t, unsigned nt) {
        const std::size_t r0 = rows * t / nt, r1 = rows * (t + 1) / nt;
        detail::add_rows(x + r0 * H, y + r0 * H, r1 - r0, H);
    });
}

SEMVEC_API void TransformerEncoder::prepare(const std::int32_t* ids, const std::int32_t* mask, std::size_t n,
                                            EncoderWorkspace& ws) const {
    const TransformerConfig& c = cfg_;
    const std::size_t H = c.hidden_size, d = c.head_dim;
    detail::grow_rows(ws.x, n, H);
    detail::grow_rows(ws.qkv, n, c.qkv_rows());
    detail::grow_rows(ws.ctx, n, c.q_width());
    detail::grow_rows(ws.tmp, n, H);
    const std::size_t R = std::min(n, detail::kMlpRowBlock);
    detail::grow_rows(ws.inter, R, c.up_rows());
    if (c.mlp == MlpKind::gated) detail::grow_rows(ws.gated, R, c.intermediate_size);
    const unsigned nthreads = std::max(ws.threads, 1u);
    if (nthreads > 1 && (!ws.team || ws.team->size() != nthreads)) ws.team.reset(new detail::Team(nthreads));
    const std::size_t aw = nn::attention_blocked_workspace_size(d);
    if (ws.attn.size() < aw * nthreads) ws.attn.resize(aw * nthreads);

    // Attended keys: all positions, or the unmasked ones.
    ws.keys.clear();
    for (std::size_t i = 0; i < n; ++i)
        if (!mask || mask[i]) ws.keys.push_back(static_cast<std::int32_t>(i));
    const std::size_t nk = ws.keys.size();
    if (nk < n && ws.kv.size() < nk * 2 * c.num_kv_heads * d) ws.kv.resize(nk * 2 * c.num_kv_heads * d);
    ws.global_ranges.lo.clear();
    ws.global_ranges.hi.clear();
    if (c.attention == AttentionDirection::causal) detail::causal_ranges(ws.keys, n, ws.global_ranges);
    if (c.local_attention_window > 0) detail::sliding_window_ranges(ws.keys, n, c.local_attention_window, ws.local_ranges);

    // Positions of the learned table.
    ws.positions.resize(n);
    if (c.absolute_positions == AbsolutePositions::from_ids) {
        // HF's create_position_ids_from_input_ids: padding tokens sit at padding_idx, the others count up
        // from padding_idx + 1.
        const auto pad = static_cast<std::int32_t>(c.position_padding_idx);
        std::int32_t count = 0;
        for (std::size_t i = 0; i < n; ++i) ws.positions[i] = ids[i] == pad ? pad : pad + ++count;
    } else {
        for (std::size_t i = 0; i < n; ++i) ws.positions[i] = static_cast<std::int32_t>(i);
    }
    if (c.rotary_dim > 0) {
        detail::rotary_table(c.rotary_theta, c.rotary_dim, n, ws.rotary);
        if (c.local_attention_window > 0 && c.rotary_local_theta != c.rotary_theta)
            detail::rotary_table(c.rotary_local_theta, c.rotary_dim, n, ws.rotary_local);
    }
    if (relative_table_)
        detail::relative_bias_rows(relative_table_, c.num_heads, c.relative_attention_buckets,
                                   c.relative_attention_max_distance, n, ws.relative_bias);
}

SEMVEC_API void TransformerEncoder::embed(const std::int32_t* ids, const std::int32_t* types, std::size_t n,
                                          EncoderWorkspace& ws) const {
    const std::size_t H = cfg_.hidden_size;
    float* x = ws.x.data();
    for (std::size_t i = 0; i < n; ++i) {
        const float* w = word_ + static_cast<std::size_t>(ids[i]) * H;
        float* r = x + i * H;
        if (type_) {
            const float* t = type_ + static_cast<std::size_t>(types ? types[i] : 0) * H;
            for (std::size_t j = 0; j < H; ++j) r[j] = w[j] + t[j];
        } else {
            std::memcpy(r, w, sizeof(float) * H);
        }
        if (pos_) {  // HF's order of additions: (word + type) + position
            const float* p = pos_ + static_cast<std::size_t>(ws.positions[i]) * H;
            for (std::size_t j = 0; j < H; ++j) r[j] += p[j];
        }
    }
    if (emb_norm_.weight) norm_rows(emb_norm_, x, H, nullptr, 0, x, H, n, ws);
}

SEMVEC_API void TransformerEncoder::attention_block(std::size_t li, std::size_t n, EncoderWorkspace& ws) const {
    const TransformerConfig& c = cfg_;
    const detail::EncoderLayer& l = layers_[li];
    const std::size_t H = c.hidden_size, d = c.head_dim, nh = c.num_heads, nkv = c.num_kv_heads;
    const std::size_t Q = c.q_width(), QKV = c.qkv_rows(), group = nh / nkv;
    float* x = ws.x.data();
    float* qkv = ws.qkv.data();
    float* ctx = ws.ctx.data();
    float* tmp = ws.tmp.data();
    const bool pre = c.norm_placement == NormPlacement::pre;

    // Projection of norm(x) (pre-LN) or x.
    const float* in = x;
    if (pre && l.attn_norm.weight) {
        norm_rows(l.attn_norm, x, H, nullptr, 0, tmp, H, n, ws);
        in = tmp;
    }
    linear(l.qkv, n, in, H, qkv, QKV, nn::Activation::none, ws);

    // Per-head q/k RMSNorm, then rotary positions, row by row.
    if (c.qk_norm || c.rotary_dim > 0) {
        const detail::RotaryTable& rot =
            l.local && c.rotary_local_theta != c.rotary_theta ? ws.rotary_local : ws.rotary;
        const float eps = static_cast<float>(c.layer_norm_eps);
        parallel(ws, [&](unsigned t, unsigned nt) {
            const std::size_t r0 = n * t / nt, r1 = n * (t + 1) / nt;
            for (std::size_t r = r0; r < r1; ++r) {
                float* row = qkv + r * QKV;
                for (std::size_t h = 0; h < nh + nkv; ++h) {  // query heads, then key heads
                    float* v = row + h * d;
                    if (c.qk_norm) nn::rms_norm(v, d, h < nh ? l.q_norm : l.k_norm, eps, v, d, 1, d);
                    if (c.rotary_dim > 0) detail::apply_rotary(rot, c.rotary_interleaved, v, d, 1, r);
                }
            }
        });
    }

    // K and V of the attended keys: in place in the QKV buffer, or gathered when some are masked.
    const std::size_t nk = ws.keys.size();
    const float* kbase = qkv + Q;
    const float* vbase = qkv + Q + nkv * d;
    std::size_t ldkv = QKV;
    if (nk < n && nk > 0) {
        const std::size_t w = 2 * nkv * d;
        for (std::size_t k = 0; k < nk; ++k)
            std::memcpy(ws.kv.data() + k * w, qkv + static_cast<std::size_t>(ws.keys[k]) * QKV + Q, sizeof(float) * w);
        kbase = ws.kv.data();
        vbase = ws.kv.data() + nkv * d;
        ldkv = w;
    }
    const detail::KeyRanges& ranges = l.local ? ws.local_ranges : ws.global_ranges;
    nn::KeySpans spans;
    if (!ranges.empty()) {
        spans.lo = ranges.lo.data();
        spans.hi = ranges.hi.data();
    }
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    const std::size_t aw = nn::attention_blocked_workspace_size(d);
    parallel(ws, [&](unsigned t, unsigned nt) {  // heads split across threads, one workspace each
        float* work = ws.attn.data() + aw * t;
        for (std::size_t h = nh * t / nt; h < nh * (t + 1) / nt; ++h) {
            const std::size_t g = h / group;  // the key/value head of query head h
            if (nk == 0) {
                // HF with every key masked: uniform weights over all positions.
                for (std::size_t j = 0; j < d; ++j) {
                    float s = 0.0f;
                    for (std::size_t i = 0; i < n; ++i) s += qkv[i * QKV + Q + nkv * d + g * d + j];
                    s /= static_cast<float>(n);
                    for (std::size_t i = 0; i < n; ++i) ctx[i * Q + h * d + j] = s;
                }
                continue;
            }
            nn::DistanceBias bias;
            if (relative_table_) {
                bias.diag = ws.relative_bias.data() + h * (2 * n - 1);
                bias.offset = static_cast<std::ptrdiff_t>(n) - 1;
                if (nk < n) bias.key_pos = ws.keys.data();
            }
            nn::attention_blocked(n, nk, d, qkv + h * d, QKV, kbase + g * d, ldkv, vbase + g * d, ldkv, scale, spans, bias,
                                  ctx + h * d, Q, work);
        }
    });

    // Output projection and the residual.
    linear(l.out, n, ctx, Q, tmp, H, nn::Activation::none, ws);
    residual(l.attn_norm, tmp, x, n, ws);
}

SEMVEC_API void TransformerEncoder::mlp_block(std::size_t li, std::size_t n, EncoderWorkspace& ws) const {
    const TransformerConfig& c = cfg_;
    const detail::EncoderLayer& l = layers_[li];
    const std::size_t H = c.hidden_size, I = c.intermediate_size, U = c.up_rows();
    const bool pre = c.norm_placement == NormPlacement::pre;
    const nn::Activation act = c.hidden_act;
    const bool gated = c.mlp == MlpKind::gated;
    float* inter = ws.inter.data();
    for (std::size_t r0 = 0; r0 < n; r0 += detail::kMlpRowBlock) {
        const std::size_t m = std::min(detail::kMlpRowBlock, n - r0);
        float* x = ws.x.data() + r0 * H;
        float* tmp = ws.tmp.data() + r0 * H;
        const float* in = x;
        if (pre) {
            norm_rows(l.ffn_norm, x, H, nullptr, 0, tmp, H, m, ws);
            in = tmp;
        }
        linear(l.up, m, in, H, inter, U, gated ? nn::Activation::none : act, ws);
        const float* a = inter;
        if (gated) {
            float* g = ws.gated.data();
            parallel(ws, [&](unsigned t, unsigned nt) {
                const std::size_t q0 = m * t / nt, q1 = m * (t + 1) / nt;
                nn::gated_activation(inter + q0 * U, U, q1 - q0, I, act, g + q0 * I, I);
            });
            a = g;
        }
        linear(l.down, m, a, I, tmp, H, nn::Activation::none, ws);
        residual(l.ffn_norm, tmp, x, m, ws);
    }
}

SEMVEC_API void TransformerEncoder::finish(std::size_t n, EncoderWorkspace& ws) const {
    const std::size_t H = cfg_.hidden_size;
    if (final_norm_.weight) norm_rows(final_norm_, ws.x.data(), H, nullptr, 0, ws.x.data(), H, n, ws);
}

SEMVEC_API void TransformerEncoder::forward(const std::int32_t* ids, const std::int32_t* mask, const std::int32_t* types,
                                            std::size_t L, EncoderWorkspace& ws) const {
    prepare(ids, mask, L, ws);
    embed(ids, types, L, ws);
    for (std::size_t l = 0; l < layers_.size(); ++l) {
        attention_block(l, L, ws);
        mlp_block(l, L, ws);
    }
    finish(L, ws);
}

SEMVEC_API void TransformerEncoder::pool(const float* cls, float* out) const {
    const std::size_t H = cfg_.hidden_size;
    for (std::size_t o = 0; o < H; ++o) {
        float acc = 0.0f;
        const float* w = pooler_w_ + o * H;
        for (std::size_t j = 0; j < H; ++j) acc += w[j] * cls[j];
        out[o] = std::tanh(acc + pooler_b_[o]);
    }
}

SEMVEC_API void TransformerEncoder::apply_dense(const float* in, float* out, std::vector<float>& tmp) const {
    if (dense_.empty()) {
        if (out != in) std::memcpy(out, in, sizeof(float) * cfg_.hidden_size);
        return;
    }
    std::vector<float> cur(in, in + dense_.front().in);
    for (const detail::DenseHead& h : dense_) {
        tmp.assign(h.out, 0.0f);
        for (std::size_t o = 0; o < h.out; ++o) {
            double acc = 0.0;  // a vector per text: f64 costs nothing and keeps the head exact to f32
            const float* w = h.weight + o * h.in;
            for (std::size_t j = 0; j < h.in; ++j) acc += static_cast<double>(w[j]) * cur[j];
            float v = static_cast<float>(acc) + (h.bias ? h.bias[o] : 0.0f);
            tmp[o] = h.tanh ? std::tanh(v) : v;
        }
        cur.swap(tmp);
    }
    std::memcpy(out, cur.data(), sizeof(float) * cur.size());
}

}  // namespace semvec
#endif
