// semvec/model/bert.hpp — BERT and DistilBERT encoder forward pass (Hugging Face parity, fp32 Eigen).
//
// One sequence at a time: every GEMM sees exactly one sequence's rows, so a text's output never depends on
// what else is in its batch (Eigen's GEMM blocking depends on the matrix size), and padding never enters
// the computation. Callers parallelize over sequences. The per-call state lives in a Workspace that grows
// once to the longest sequence and is reused across layers and sequences: no allocation per layer or token.
// Fused QKV ([3H, H], rows Q then K then V) as in the file format, so SIMD kernels can slot in per step
// (linear, attention, bias+activation, residual+LayerNorm) without changing the layout.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "../io/safetensors.hpp"
#include "../matrix.hpp"
#include "../result.hpp"
#include "model_file.hpp"

namespace semvec {

namespace detail {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Weights of one encoder layer; matrices are [out, in] row-major (PyTorch Linear layout).
template <class T>
struct EncoderLayer {
    const T* qkv_w = nullptr;   // [3H, H]
    const float* qkv_b = nullptr;
    const T* out_w = nullptr;   // [H, H]
    const float* out_b = nullptr;
    const float* attn_norm_w = nullptr;
    const float* attn_norm_b = nullptr;
    const T* up_w = nullptr;    // [I, H]
    const float* up_b = nullptr;
    const T* down_w = nullptr;  // [H, I]
    const float* down_b = nullptr;
    const float* ffn_norm_w = nullptr;
    const float* ffn_norm_b = nullptr;
};

/// y[L, out] = x[L, in] * W^T + b.
template <class T, class X, class Y>
inline void linear(const X& x, const T* w, const float* b, std::size_t out, std::size_t in, Y& y) {
    using WMap = Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
    const WMap W(w, static_cast<Eigen::Index>(out), static_cast<Eigen::Index>(in));
    y.noalias() = x * W.transpose();
    const Eigen::Map<const Eigen::RowVectorXf> bias(b, static_cast<Eigen::Index>(out));
    y.rowwise() += bias;
}

/// In place: x = LayerNorm(x) per row (biased variance, as torch.nn.LayerNorm), accumulated in double.
template <class X>
inline void layer_norm_rows(X& x, const float* w, const float* b, double eps) {
    const Eigen::Index L = x.rows(), H = x.cols();
    for (Eigen::Index i = 0; i < L; ++i) {
        float* r = &x(i, 0);
        double mean = 0.0;
        for (Eigen::Index j = 0; j < H; ++j) mean += r[j];
        mean /= static_cast<double>(H);
        double var = 0.0;
        for (Eigen::Index j = 0; j < H; ++j) {
            const double d = r[j] - mean;
            var += d * d;
        }
        var /= static_cast<double>(H);
        const double inv = 1.0 / std::sqrt(var + eps);
        for (Eigen::Index j = 0; j < H; ++j)
            r[j] = static_cast<float>((r[j] - mean) * inv) * w[j] + b[j];
    }
}

inline float activate(float x, Activation a) {
    switch (a) {
        case Activation::Gelu: return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
        case Activation::GeluNew: {
            const float k = 0.7978845608028654f;  // sqrt(2/pi)
            return 0.5f * x * (1.0f + std::tanh(k * (x + 0.044715f * x * x * x)));
        }
        case Activation::Relu: return x > 0.0f ? x : 0.0f;
        case Activation::Silu: return x / (1.0f + std::exp(-x));
    }
    return x;
}

}  // namespace detail

/// Scratch memory for one forward pass at a time. Not shared between threads: each thread (or call) owns
/// one. It grows to the longest sequence seen and is then reused without allocating.
struct EncoderWorkspace {
    detail::RowMatrixF x;       // [L, H] hidden state
    detail::RowMatrixF qkv;     // [L, 3H]
    detail::RowMatrixF ctx;     // [L, H] attention context
    detail::RowMatrixF tmp;     // [L, H]
    detail::RowMatrixF inter;   // [L, I]
    detail::RowMatrixF scores;  // [L, L] one head at a time
    std::vector<std::int32_t> keys;  // unmasked key positions
};

/// BERT / DistilBERT encoder over weights of type T (float: used in place from the mapped file).
/// Immutable after load: one instance serves any number of threads, each with its own EncoderWorkspace.
template <class T = float>
class TransformerEncoder {
public:
    /// Binds the weights of a checked file (read_model_info first). f32 tensors are used in place; f16/bf16
    /// ones are widened once into owned storage. int8 files are refused (they need the int8 kernels).
    static Result<std::shared_ptr<TransformerEncoder>> load(const SafetensorsFile& file, const ModelFileInfo& info) {
        static_assert(std::is_same<T, float>::value, "only float weights are implemented");
        if (!info.is_transformer())
            return make_error("not a transformer model", file.source(), "metadata 'semvec.architecture'");
        if (info.weight_type == WeightType::Int8)
            return make_error("int8 weights need the int8 kernels, which this build does not have; convert with --dtype f32, f16 or bf16",
                              file.source(), "metadata 'semvec.dtype'");
        auto enc = std::shared_ptr<TransformerEncoder>(new TransformerEncoder());
        enc->file_ = file;
        enc->cfg_ = info.transformer;
        enc->distil_ = info.architecture == Architecture::DistilBert;
        const auto& c = enc->cfg_;
        std::string err;
        auto get = [&](const std::string& name, std::size_t numel) -> const float* {
            if (!err.empty()) return nullptr;
            const TensorView* t = file.find(name);
            if (!t) {
                err = "tensor '" + name + "': missing";
                return nullptr;
            }
            if (t->numel() != numel) {
                err = "tensor '" + name + "': has " + std::to_string(t->numel()) + " values, expected " + std::to_string(numel);
                return nullptr;
            }
            if (const float* p = t->data_as<float>()) return p;
            auto wide = t->to_f32();
            if (!wide) {
                err = wide.error().what();
                return nullptr;
            }
            enc->owned_.push_back(std::move(*wide));
            return enc->owned_.back().data();
        };
        namespace tn = tensor_names;
        const std::size_t H = c.hidden_size, I = c.intermediate_size;
        enc->word_ = get(tn::kWordEmbeddings, c.vocab_size * H);
        enc->pos_ = get(tn::kPositionEmbeddings, c.max_position_embeddings * H);
        if (!enc->distil_) enc->type_ = get(tn::kTokenTypeEmbeddings, c.type_vocab_size * H);
        enc->emb_norm_w_ = get(tn::kEmbeddingsNormWeight, H);
        enc->emb_norm_b_ = get(tn::kEmbeddingsNormBias, H);
        enc->layers_.resize(c.num_layers);
        for (std::size_t i = 0; i < c.num_layers; ++i) {
            auto& l = enc->layers_[i];
            l.qkv_w = get(tn::layer(i, tn::kLayerAttnQkvWeight), 3 * H * H);
            l.qkv_b = get(tn::layer(i, tn::kLayerAttnQkvBias), 3 * H);
            l.out_w = get(tn::layer(i, tn::kLayerAttnOutWeight), H * H);
            l.out_b = get(tn::layer(i, tn::kLayerAttnOutBias), H);
            l.attn_norm_w = get(tn::layer(i, tn::kLayerAttnNormWeight), H);
            l.attn_norm_b = get(tn::layer(i, tn::kLayerAttnNormBias), H);
            l.up_w = get(tn::layer(i, tn::kLayerFfnUpWeight), I * H);
            l.up_b = get(tn::layer(i, tn::kLayerFfnUpBias), I);
            l.down_w = get(tn::layer(i, tn::kLayerFfnDownWeight), H * I);
            l.down_b = get(tn::layer(i, tn::kLayerFfnDownBias), H);
            l.ffn_norm_w = get(tn::layer(i, tn::kLayerFfnNormWeight), H);
            l.ffn_norm_b = get(tn::layer(i, tn::kLayerFfnNormBias), H);
        }
        if (c.has_pooler && !enc->distil_) {
            enc->pooler_w_ = get(tn::kPoolerWeight, H * H);
            enc->pooler_b_ = get(tn::kPoolerBias, H);
        }
        if (!err.empty()) return make_error(err, file.source());
        return enc;
    }

    const TransformerConfig& config() const { return cfg_; }
    bool is_distilbert() const { return distil_; }
    bool has_pooler() const { return pooler_w_ != nullptr; }
    std::size_t hidden_size() const { return cfg_.hidden_size; }

    /// Checks one sequence's inputs: ids < vocab, types < type vocab, length within the position table.
    Status check_inputs(const std::int32_t* ids, const std::int32_t* types, std::size_t L) const {
        if (L == 0) return make_error("empty sequence (a transformer input holds at least [CLS] and [SEP])");
        if (L > cfg_.max_position_embeddings)
            return make_error("sequence of " + std::to_string(L) + " tokens exceeds max_position_embeddings " +
                              std::to_string(cfg_.max_position_embeddings));
        for (std::size_t i = 0; i < L; ++i) {
            if (ids[i] < 0 || static_cast<std::size_t>(ids[i]) >= cfg_.vocab_size)
                return make_error("token id " + std::to_string(ids[i]) + " at position " + std::to_string(i) +
                                  " is outside the vocab of " + std::to_string(cfg_.vocab_size));
            if (types && !distil_ && (types[i] < 0 || static_cast<std::size_t>(types[i]) >= cfg_.type_vocab_size))
                return make_error("token type " + std::to_string(types[i]) + " at position " + std::to_string(i) +
                                  " is outside type_vocab_size " + std::to_string(cfg_.type_vocab_size));
        }
        return {};
    }

    /// Runs one sequence of L tokens (inputs checked by check_inputs). `mask` may be null (all ones);
    /// keys where mask is 0 get no attention, as HF's additive mask does. `types` may be null (all 0).
    /// The last hidden state ([L, H]) is left in ws.x.
    void forward(const std::int32_t* ids, const std::int32_t* mask, const std::int32_t* types, std::size_t L,
                 EncoderWorkspace& ws) const {
        const Eigen::Index H = static_cast<Eigen::Index>(cfg_.hidden_size);
        const Eigen::Index I = static_cast<Eigen::Index>(cfg_.intermediate_size);
        const Eigen::Index n = static_cast<Eigen::Index>(L);
        const Eigen::Index nh = static_cast<Eigen::Index>(cfg_.num_heads), d = H / nh;
        // Views of exactly [n, ...] rows inside the workspace buffers, which only grow.
        auto grow = [](detail::RowMatrixF& m, Eigen::Index r, Eigen::Index c) {
            if (m.cols() != c) m.resize(r, c);
            else if (m.rows() < r) m.resize(r, c);
        };
        grow(ws.x, n, H);
        grow(ws.qkv, n, 3 * H);
        grow(ws.ctx, n, H);
        grow(ws.tmp, n, H);
        grow(ws.inter, n, I);
        auto x = ws.x.topRows(n);
        auto qkv = ws.qkv.topRows(n);
        auto ctx = ws.ctx.topRows(n);
        auto tmp = ws.tmp.topRows(n);
        auto inter = ws.inter.topRows(n);

        // Embeddings.
        for (Eigen::Index i = 0; i < n; ++i) {
            const float* w = word_ + static_cast<std::size_t>(ids[i]) * cfg_.hidden_size;
            const float* p = pos_ + static_cast<std::size_t>(i) * cfg_.hidden_size;
            float* r = &x(i, 0);
            if (distil_) {
                for (Eigen::Index j = 0; j < H; ++j) r[j] = w[j] + p[j];
            } else {
                const float* t = type_ + static_cast<std::size_t>(types ? types[i] : 0) * cfg_.hidden_size;
                for (Eigen::Index j = 0; j < H; ++j) r[j] = (w[j] + t[j]) + p[j];  // HF's order of additions
            }
        }
        detail::layer_norm_rows(x, emb_norm_w_, emb_norm_b_, cfg_.layer_norm_eps);

        ws.keys.clear();
        for (Eigen::Index i = 0; i < n; ++i)
            if (!mask || mask[i]) ws.keys.push_back(static_cast<std::int32_t>(i));
        const Eigen::Index nk = static_cast<Eigen::Index>(ws.keys.size());
        const bool all_keys = nk == n;
        if (ws.scores.rows() < n || ws.scores.cols() < std::max<Eigen::Index>(nk, 1))
            ws.scores.resize(std::max(n, ws.scores.rows()), std::max(std::max<Eigen::Index>(nk, 1), ws.scores.cols()));
        const float scale = 1.0f / std::sqrt(static_cast<float>(d));

        for (const auto& l : layers_) {
            detail::linear(x, l.qkv_w, l.qkv_b, static_cast<std::size_t>(3 * H), static_cast<std::size_t>(H), qkv);
            for (Eigen::Index h = 0; h < nh; ++h) {
                auto s = ws.scores.topLeftCorner(n, std::max<Eigen::Index>(nk, 1));
                auto q = qkv.middleCols(h * d, d);
                if (all_keys) {
                    s.noalias() = q * qkv.middleCols(H + h * d, d).transpose();
                } else if (nk > 0) {
                    for (Eigen::Index k = 0; k < nk; ++k)
                        s.col(k).noalias() = q * qkv.row(ws.keys[static_cast<std::size_t>(k)]).segment(H + h * d, d).transpose();
                }
                if (nk == 0) {
                    // HF with every key masked: uniform weights over all positions.
                    ctx.middleCols(h * d, d) = qkv.middleCols(2 * H + h * d, d).colwise().mean().replicate(n, 1);
                    continue;
                }
                for (Eigen::Index i = 0; i < n; ++i) {
                    float* r = &s(i, 0);
                    float mx = -std::numeric_limits<float>::infinity();
                    for (Eigen::Index k = 0; k < nk; ++k) {
                        r[k] *= scale;
                        mx = std::max(mx, r[k]);
                    }
                    float sum = 0.0f;
                    for (Eigen::Index k = 0; k < nk; ++k) {
                        r[k] = std::exp(r[k] - mx);
                        sum += r[k];
                    }
                    const float inv = 1.0f / sum;
                    for (Eigen::Index k = 0; k < nk; ++k) r[k] *= inv;
                }
                if (all_keys) {
                    ctx.middleCols(h * d, d).noalias() = s * qkv.middleCols(2 * H + h * d, d);
                } else {
                    auto c = ctx.middleCols(h * d, d);
                    c.setZero();
                    for (Eigen::Index k = 0; k < nk; ++k)
                        c.noalias() += s.col(k) * qkv.row(ws.keys[static_cast<std::size_t>(k)]).segment(2 * H + h * d, d);
                }
            }
            detail::linear(ctx, l.out_w, l.out_b, static_cast<std::size_t>(H), static_cast<std::size_t>(H), tmp);
            x += tmp;
            detail::layer_norm_rows(x, l.attn_norm_w, l.attn_norm_b, cfg_.layer_norm_eps);
            detail::linear(x, l.up_w, l.up_b, static_cast<std::size_t>(I), static_cast<std::size_t>(H), inter);
            const Activation act = cfg_.hidden_act;
            inter = inter.unaryExpr([act](float v) { return detail::activate(v, act); });
            detail::linear(inter, l.down_w, l.down_b, static_cast<std::size_t>(H), static_cast<std::size_t>(I), tmp);
            x += tmp;
            detail::layer_norm_rows(x, l.ffn_norm_w, l.ffn_norm_b, cfg_.layer_norm_eps);
        }
    }

    /// BERT's pooler: tanh(W · h[CLS] + b) into out[H]. Requires has_pooler().
    void pool(const float* cls, float* out) const {
        const std::size_t H = cfg_.hidden_size;
        for (std::size_t o = 0; o < H; ++o) {
            float acc = 0.0f;
            const float* w = pooler_w_ + o * H;
            for (std::size_t j = 0; j < H; ++j) acc += w[j] * cls[j];
            out[o] = std::tanh(acc + pooler_b_[o]);
        }
    }

private:
    TransformerEncoder() = default;

    SafetensorsFile file_;  // keeps the mapping alive
    std::vector<std::vector<float>> owned_;  // widened f16/bf16 tensors
    TransformerConfig cfg_;
    bool distil_ = false;
    const float* word_ = nullptr;
    const float* pos_ = nullptr;
    const float* type_ = nullptr;
    const float* emb_norm_w_ = nullptr;
    const float* emb_norm_b_ = nullptr;
    const float* pooler_w_ = nullptr;
    const float* pooler_b_ = nullptr;
    std::vector<detail::EncoderLayer<float>> layers_;
};

}  // namespace semvec
