// semvec/model/bert.hpp — BERT and DistilBERT encoder forward pass (Hugging Face parity) on the SIMD
// kernels of semvec/nn and semvec/quant.
//
// One sequence at a time: every GEMM sees exactly one sequence's rows, and every kernel's result for a row
// depends only on that row (fixed-order dot products, per-row LayerNorm / softmax / quantization), so a
// text's output never depends on what else is in its batch, on the thread that runs it, or on the order.
// Padding never enters the computation. Callers parallelize over sequences. The per-call state lives in
// a Workspace that grows once to the longest sequence and is reused across layers and sequences.
//
// Weights are used in the precision of the file (decided per tensor at load):
//   f32   packed once into GEMM panels (gemm_packed; a copy of the matrices, see kPackF32);
//   f16   packed as f16, widened to f32 in the micro-kernel's loads;
//   bf16  with AVX512_BF16: packed for vdpbf16ps, activations rounded to bf16 per GEMM (gemm_bf16_dot);
//         elsewhere packed as bf16 and widened in the loads (gemm_packed<bf16_t>);
//   int8  per-output-channel int8 weights, activations quantized per token (gemm_int8: exact integer
//         dot products, so the same result on every CPU at a given level).
// Embeddings, biases, LayerNorm, softmax and the pooler stay in f32 for every precision.
#pragma once

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "../util/pages.hpp"
#include "../io/safetensors.hpp"
#include "../matrix.hpp"
#include "../nn/nn.hpp"
#include "../quant/int8.hpp"
#include "../result.hpp"
#include "model_file.hpp"

namespace semvec {

namespace detail {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Scratch of one linear layer's input conversion (bf16 rounding or int8 quantization of activations).
struct LinearScratch {
    std::vector<simd::bf16_t> ab;  // activations as bf16 (gemm_bf16_dot)
    std::vector<std::uint8_t> qa;  // activations as u8 = q + 128 (gemm_int8)
    std::vector<float> sa;         // their per-token scales
};

/// Gives back the mapped pages of a packed matrix (semvec/util/pages.hpp).
inline void release_pages(const void* p, std::size_t bytes) { release_mapped_pages(p, bytes); }

/// One projection y = act(x·Wᵀ + b), W [n, k] in whichever form the file's tensor takes.
struct LinearWeights {
    enum class Kind { f32_rows, f32_packed, f16_packed, bf16_packed, bf16_dot, int8 };
    Kind kind = Kind::f32_packed;
    std::size_t n = 0, k = 0;
    const float* bias = nullptr;
    const float* rows = nullptr;         // f32_rows: the [n, k] matrix in the mapped file
    std::vector<float> pf;               // f32_packed
    std::vector<simd::f16_t> ph;         // f16_packed
    std::vector<simd::bf16_t> pb;        // bf16_packed, bf16_dot
    std::vector<std::int8_t> pq;         // int8
    std::vector<std::int32_t> col_sums;  // int8
    const float* w_scales = nullptr;     // int8: per output row

    std::size_t bytes() const {
        return pf.size() * 4 + ph.size() * 2 + pb.size() * 2 + pq.size() + col_sums.size() * 4;
    }

    /// Columns per panel: column ranges handed to run() start at multiples of this.
    std::size_t panel() const {
        return kind == Kind::bf16_dot || kind == Kind::int8 ? std::size_t{32} : nn::gemm_panel_width();
    }

    /// Converts the activations a[m, k] for run() (bf16 rounding or int8 quantization; no-op otherwise).
    void prepare(std::size_t m, const float* a, std::size_t lda, LinearScratch& s) const {
        if (kind == Kind::bf16_dot) {
#if defined(__AVX512BF16__) && SEMVEC_SIMD_LEVEL == 3
            const std::size_t kp = nn::bf16_dot_padded_k(k);
            if (s.ab.size() < m * kp) s.ab.resize(m * kp);
            nn::to_bf16_rows(a, m, k, lda, s.ab.data(), kp);
#endif
        } else if (kind == Kind::int8) {
            const std::size_t kp = quant::int8_padded_k(k);
            if (s.qa.size() < m * kp) s.qa.resize(m * kp);
            if (s.sa.size() < m) s.sa.resize(m);
            quant::quantize_rows(a, m, k, lda, s.qa.data(), kp, s.sa.data());
        }
    }

    /// Output columns [n0, n1) (n0 a multiple of panel()) of c[m, n] (row stride ldc) = act(a·Wᵀ + bias),
    /// after prepare(). Each element is the same fixed-order dot product whatever the range.
    void run(std::size_t m, std::size_t n0, std::size_t n1, const float* a, std::size_t lda, float* c, std::size_t ldc,
             nn::Activation act, const LinearScratch& s) const {
        if (n1 <= n0) return;
        const std::size_t nn_ = n1 - n0;
        const float* b = bias ? bias + n0 : nullptr;
        switch (kind) {
            case Kind::f32_rows: nn::gemm_nt<float>(m, nn_, k, a, lda, rows + n0 * k, k, b, c + n0, ldc, act); return;
            case Kind::f32_packed: nn::gemm_packed<float>(m, nn_, k, a, lda, pf.data() + n0 * k, b, c + n0, ldc, act); return;
            case Kind::f16_packed: nn::gemm_packed<simd::f16_t>(m, nn_, k, a, lda, ph.data() + n0 * k, b, c + n0, ldc, act); return;
            case Kind::bf16_packed: nn::gemm_packed<simd::bf16_t>(m, nn_, k, a, lda, pb.data() + n0 * k, b, c + n0, ldc, act); return;
            case Kind::bf16_dot: {
#if defined(__AVX512BF16__) && SEMVEC_SIMD_LEVEL == 3
                const std::size_t kp = nn::bf16_dot_padded_k(k);
                nn::gemm_bf16_dot(m, nn_, k, s.ab.data(), kp, pb.data() + n0 * kp, b, c + n0, ldc, act);
#endif
                return;
            }
            case Kind::int8: {
                const std::size_t kp = quant::int8_padded_k(k);
                quant::gemm_int8(m, nn_, k, s.qa.data(), kp, s.sa.data(), pq.data() + n0 * kp, col_sums.data() + n0,
                                 w_scales + n0, b, c + n0, ldc, act);
                return;
            }
        }
        (void)s;
    }

    /// c[m, n] (row stride ldc) = act(a[m, k] (row stride lda) · Wᵀ + bias), one thread.
    void apply(std::size_t m, const float* a, std::size_t lda, float* c, std::size_t ldc, nn::Activation act,
               LinearScratch& s) const {
        prepare(m, a, lda, s);
        run(m, 0, n, a, lda, c, ldc, act, s);
    }
};

/// A few worker threads that one workspace uses to split one sequence's work (intra-sequence threading
/// for batch-1 latency). Workers sleep on a condition variable between jobs (no spinning: on small
/// machines spinning threads stall each other). run(f) calls f(t) for t in [0, size()) and returns when all
/// are done; the caller's thread is t = 0.
class Team {
public:
    explicit Team(unsigned n) : n_(std::max(n, 1u)) {
        for (unsigned t = 1; t < n_; ++t) workers_.emplace_back([this, t] { loop(t); });
    }
    ~Team() {
        {
            std::lock_guard<std::mutex> lk(mu_);
            stop_ = true;
            ++gen_;
        }
        wake_.notify_all();
        for (auto& w : workers_) w.join();
    }
    Team(const Team&) = delete;
    Team& operator=(const Team&) = delete;

    unsigned size() const { return n_; }

    template <class F>
    void run(F& f) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            ctx_ = &f;
            call_ = [](void* c, unsigned t) { (*static_cast<F*>(c))(t); };
            pending_ = n_ - 1;
            ++gen_;
        }
        wake_.notify_all();
        f(0u);
        std::unique_lock<std::mutex> lk(mu_);
        done_.wait(lk, [this] { return pending_ == 0; });
    }

private:
    void loop(unsigned t) {
        std::uint64_t seen = 0;
        for (;;) {
            void* ctx;
            void (*call)(void*, unsigned);
            {
                std::unique_lock<std::mutex> lk(mu_);
                wake_.wait(lk, [&] { return gen_ != seen; });
                seen = gen_;
                if (stop_) return;
                ctx = ctx_;
                call = call_;
            }
            call(ctx, t);
            std::lock_guard<std::mutex> lk(mu_);
            if (--pending_ == 0) done_.notify_one();
        }
    }

    unsigned n_;
    std::vector<std::thread> workers_;
    std::mutex mu_;
    std::condition_variable wake_, done_;
    std::uint64_t gen_ = 0;
    unsigned pending_ = 0;
    bool stop_ = false;
    void* ctx_ = nullptr;
    void (*call_)(void*, unsigned) = nullptr;
};

/// Weights of one encoder layer.
struct EncoderLayer {
    LinearWeights qkv;   // [3H, H], rows Q then K then V
    LinearWeights out;   // [H, H]
    LinearWeights up;    // [I, H]
    LinearWeights down;  // [H, I]
    const float* attn_norm_w = nullptr;
    const float* attn_norm_b = nullptr;
    const float* ffn_norm_w = nullptr;
    const float* ffn_norm_b = nullptr;
};

/// f32 matrices: packing (a copy of the weights in GEMM panel order) measured faster than gemm_nt on the
/// mapped rows, which re-packs every panel for every sequence. Define SEMVEC_ENCODER_F32_IN_PLACE to use the
/// mapped weights without a copy (less memory).
#if defined(SEMVEC_ENCODER_F32_IN_PLACE)
constexpr bool kPackF32 = false;
#else
constexpr bool kPackF32 = true;
#endif

}  // namespace detail

/// Scratch memory for one forward pass at a time. Not shared between threads: each thread (or call) owns
/// one. It grows to the longest sequence seen and is then reused without allocating.
struct EncoderWorkspace {
    detail::RowMatrixF x;       // [L, H] hidden state (row-major, stride H)
    detail::RowMatrixF qkv;     // [L, 3H]
    detail::RowMatrixF ctx;     // [L, H] attention context
    detail::RowMatrixF tmp;     // [L, H]
    detail::RowMatrixF inter;   // [L, I]
    std::vector<float> kv;      // [nk, 2H] K and V rows of the unmasked keys (masked inputs only)
    std::vector<float> scores;  // [L, nk] one head at a time (per thread)
    std::vector<std::int32_t> keys;  // unmasked key positions
    detail::LinearScratch lin;
    /// Threads one forward() call may use (default 1). With more, GEMM output columns, attention heads and
    /// LayerNorm rows of the sequence are split across a team owned by this workspace: for batch-1
    /// latency. The result is bit-identical to 1 thread (no split reductions). When sequences already run
    /// in parallel (one workspace per thread), leave it at 1.
    unsigned threads = 1;
    std::unique_ptr<detail::Team> team;  // created on first use with threads > 1
};

/// Precision the encoder's GEMMs run in (from the file's dtype and the compiled SIMD level).
enum class EncoderPrecision { f32, f16, bf16, bf16_dot, int8 };

inline const char* precision_name(EncoderPrecision p) {
    switch (p) {
        case EncoderPrecision::f32: return "f32";
        case EncoderPrecision::f16: return "f16 (widening loads)";
        case EncoderPrecision::bf16: return "bf16 (widening loads)";
        case EncoderPrecision::bf16_dot: return "bf16 (avx512-bf16 dot)";
        case EncoderPrecision::int8: return "int8";
    }
    return "?";
}

/// BERT / DistilBERT encoder. The template parameter is the activation type (float only); the weight
/// precision is the file's (see the header comment). Immutable after load: one instance serves any number
/// of threads, each with its own EncoderWorkspace.
template <class T = float>
class TransformerEncoder {
    static_assert(std::is_same<T, float>::value, "activations are float; the weight precision comes from the file");

public:
    /// Binds the weights of a checked file (read_model_info first): matrices are packed for the kernels
    /// in the file's precision (f32, f16, bf16, int8); embeddings and vectors are used in place when f32
    /// and aligned, else widened once into owned storage.
    static Result<std::shared_ptr<TransformerEncoder>> load(const SafetensorsFile& file, const ModelFileInfo& info) {
        if (!info.is_transformer())
            return make_error("not a transformer model", file.source(), "metadata 'semvec.architecture'");
        auto enc = std::shared_ptr<TransformerEncoder>(new TransformerEncoder());
        enc->file_ = file;
        enc->cfg_ = info.transformer;
        enc->distil_ = info.architecture == Architecture::distilbert;
        const auto& c = enc->cfg_;
        std::string err;
        auto find = [&](const std::string& name, std::size_t numel) -> const TensorView* {
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
            return t;
        };
        auto get = [&](const std::string& name, std::size_t numel) -> const float* {
            const TensorView* t = find(name, numel);
            if (!t) return nullptr;
            if (t->dtype == Dtype::i8) {  // an int8 matrix (the pooler): dequantize with its row scales
                const float* s = get_scales(enc.get(), file, name, numel, err);
                if (!s) return nullptr;
                const std::size_t cols = numel / static_cast<std::size_t>(t->shape[0]);  // rows checked by get_scales
                std::vector<float> w(numel);
                const auto* q = reinterpret_cast<const std::int8_t*>(t->data);
                for (std::size_t i = 0; i < numel; ++i) w[i] = static_cast<float>(q[i]) * s[i / cols];
                enc->owned_.push_back(std::move(w));
                return enc->owned_.back().data();
            }
            return f32_values(enc.get(), *t, err);
        };
        auto linear = [&](detail::LinearWeights& l, const std::string& wname, const std::string& bname, std::size_t n,
                          std::size_t k) {
            l.n = n;
            l.k = k;
            l.bias = get(bname, n);
            const TensorView* t = find(wname, n * k);
            if (!t) return;
            if (!enc->pack_matrix(l, *t, file, wname, err)) return;
            enc->weight_bytes_ += l.bytes();
        };
        namespace tn = tensor_names;
        const std::size_t H = c.hidden_size, I = c.intermediate_size;
        if (c.num_heads == 0 || H % c.num_heads != 0)
            return make_error("hidden_size is not a multiple of num_heads", file.source());
        enc->word_ = get(tn::kWordEmbeddings, c.vocab_size * H);
        enc->pos_ = get(tn::kPositionEmbeddings, c.max_position_embeddings * H);
        if (!enc->distil_) enc->type_ = get(tn::kTokenTypeEmbeddings, c.type_vocab_size * H);
        enc->emb_norm_w_ = get(tn::kEmbeddingsNormWeight, H);
        enc->emb_norm_b_ = get(tn::kEmbeddingsNormBias, H);
        enc->layers_.resize(c.num_layers);
        for (std::size_t i = 0; i < c.num_layers; ++i) {
            auto& l = enc->layers_[i];
            linear(l.qkv, tn::layer(i, tn::kLayerAttnQkvWeight), tn::layer(i, tn::kLayerAttnQkvBias), 3 * H, H);
            linear(l.out, tn::layer(i, tn::kLayerAttnOutWeight), tn::layer(i, tn::kLayerAttnOutBias), H, H);
            l.attn_norm_w = get(tn::layer(i, tn::kLayerAttnNormWeight), H);
            l.attn_norm_b = get(tn::layer(i, tn::kLayerAttnNormBias), H);
            linear(l.up, tn::layer(i, tn::kLayerFfnUpWeight), tn::layer(i, tn::kLayerFfnUpBias), I, H);
            linear(l.down, tn::layer(i, tn::kLayerFfnDownWeight), tn::layer(i, tn::kLayerFfnDownBias), H, I);
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
    /// Precision of the layer GEMMs (that of the first layer's QKV matrix; all matrices share the file's dtype).
    EncoderPrecision precision() const { return precision_; }
    /// Bytes of packed weight matrices owned by the encoder (beyond the mapped file).
    std::size_t packed_weight_bytes() const { return weight_bytes_; }

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
    /// The last hidden state ([L, H], row-major, stride H) is left in the top rows of ws.x.
    void forward(const std::int32_t* ids, const std::int32_t* mask, const std::int32_t* types, std::size_t L,
                 EncoderWorkspace& ws) const {
        const std::size_t H = cfg_.hidden_size, I = cfg_.intermediate_size, n = L;
        const std::size_t nh = cfg_.num_heads, d = H / nh;
        const float eps = static_cast<float>(cfg_.layer_norm_eps);
        // Buffers only grow; their top n rows are contiguous with stride = their column count.
        auto grow = [](detail::RowMatrixF& m, std::size_t r, std::size_t c) {
            const auto R = static_cast<Eigen::Index>(r), C = static_cast<Eigen::Index>(c);
            if (m.cols() != C || m.rows() < R) m.resize(std::max(R, m.cols() == C ? m.rows() : Eigen::Index{0}), C);
        };
        grow(ws.x, n, H);
        grow(ws.qkv, n, 3 * H);
        grow(ws.ctx, n, H);
        grow(ws.tmp, n, H);
        grow(ws.inter, n, I);
        float* x = ws.x.data();
        float* qkv = ws.qkv.data();
        float* ctx = ws.ctx.data();
        float* tmp = ws.tmp.data();
        float* inter = ws.inter.data();

        // Embeddings, then LayerNorm in place.
        for (std::size_t i = 0; i < n; ++i) {
            const float* w = word_ + static_cast<std::size_t>(ids[i]) * H;
            const float* p = pos_ + i * H;
            float* r = x + i * H;
            if (distil_) {
                for (std::size_t j = 0; j < H; ++j) r[j] = w[j] + p[j];
            } else {
                const float* t = type_ + static_cast<std::size_t>(types ? types[i] : 0) * H;
                for (std::size_t j = 0; j < H; ++j) r[j] = (w[j] + t[j]) + p[j];  // HF's order of additions
            }
        }
        nn::residual_layernorm(x, H, nullptr, 0, emb_norm_w_, emb_norm_b_, eps, x, H, n, H);

        ws.keys.clear();
        for (std::size_t i = 0; i < n; ++i)
            if (!mask || mask[i]) ws.keys.push_back(static_cast<std::int32_t>(i));
        const std::size_t nk = ws.keys.size();
        const bool all_keys = nk == n;
        // Intra-sequence threads: a team owned by the workspace, (re)created when the count changes.
        const unsigned nthreads = std::max(ws.threads, 1u);
        if (nthreads > 1 && (!ws.team || ws.team->size() != nthreads)) ws.team.reset(new detail::Team(nthreads));
        auto parallel = [&](auto&& f) {  // f(t, T) on every thread of the team (or once, t = 0 of 1)
            if (nthreads == 1) {
                f(0u, 1u);
                return;
            }
            auto g = [&f, nthreads](unsigned t) { f(t, nthreads); };
            ws.team->run(g);
        };
        const std::size_t score_size = n * std::max<std::size_t>(nk, 1);
        if (ws.scores.size() < score_size * nthreads) ws.scores.resize(score_size * nthreads);
        if (!all_keys && ws.kv.size() < nk * 2 * H) ws.kv.resize(nk * 2 * H);
        const float scale = 1.0f / std::sqrt(static_cast<float>(d));
        const nn::Activation act = cfg_.hidden_act;

        // A projection: activations converted once, output columns split by whole panels across threads
        // (each element is computed exactly as by one thread).
        auto linear = [&](const detail::LinearWeights& w, const float* a, std::size_t lda, float* c, std::size_t ldc,
                          nn::Activation fa) {
            w.prepare(n, a, lda, ws.lin);
            const std::size_t P = w.panel(), panels = (w.n + P - 1) / P;
            parallel([&](unsigned t, unsigned nt) {
                const std::size_t p0 = panels * t / nt, p1 = panels * (t + 1) / nt;
                w.run(n, p0 * P, std::min(w.n, p1 * P), a, lda, c, ldc, fa, ws.lin);
            });
        };
        // x = LayerNorm(tmp + x), rows split across threads.
        auto add_norm = [&](const float* g, const float* bta) {
            parallel([&](unsigned t, unsigned nt) {
                const std::size_t r0 = n * t / nt, r1 = n * (t + 1) / nt;
                nn::residual_layernorm(tmp + r0 * H, H, x + r0 * H, H, g, bta, eps, x + r0 * H, H, r1 - r0, H);
            });
        };

        for (const auto& l : layers_) {
            linear(l.qkv, x, H, qkv, 3 * H, nn::Activation::none);
            // K and V of the attended keys: in place in the QKV buffer, or gathered when some are masked.
            const float* kbase = qkv + H;
            const float* vbase = qkv + 2 * H;
            std::size_t ldkv = 3 * H;
            if (!all_keys && nk > 0) {
                for (std::size_t k = 0; k < nk; ++k)
                    std::memcpy(ws.kv.data() + k * 2 * H, qkv + static_cast<std::size_t>(ws.keys[k]) * 3 * H + H,
                                sizeof(float) * 2 * H);
                kbase = ws.kv.data();
                vbase = ws.kv.data() + H;
                ldkv = 2 * H;
            }
            parallel([&](unsigned t, unsigned nt) {  // heads split across threads, one scores buffer each
                float* scores = ws.scores.data() + score_size * t;
                for (std::size_t h = nh * t / nt; h < nh * (t + 1) / nt; ++h) {
                    if (nk == 0) {
                        // HF with every key masked: uniform weights over all positions.
                        for (std::size_t j = 0; j < d; ++j) {
                            float s = 0.0f;
                            for (std::size_t i = 0; i < n; ++i) s += qkv[i * 3 * H + 2 * H + h * d + j];
                            s /= static_cast<float>(n);
                            for (std::size_t i = 0; i < n; ++i) ctx[i * H + h * d + j] = s;
                        }
                        continue;
                    }
                    nn::attention_head(n, nk, d, qkv + h * d, 3 * H, kbase + h * d, ldkv, vbase + h * d, ldkv, scale,
                                       nullptr, ctx + h * d, H, scores);
                }
            });
            linear(l.out, ctx, H, tmp, H, nn::Activation::none);
            add_norm(l.attn_norm_w, l.attn_norm_b);
            linear(l.up, x, H, inter, I, act);
            linear(l.down, inter, I, tmp, H, nn::Activation::none);
            add_norm(l.ffn_norm_w, l.ffn_norm_b);
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

    // The per-row scales of int8 matrix `name` ("X.weight_scale", F32 [rows]).
    static const float* get_scales(TransformerEncoder* enc, const SafetensorsFile& file, const std::string& name,
                                   std::size_t numel, std::string& err) {
        const std::string sname = name + tensor_names::kScaleSuffix;
        const TensorView* s = file.find(sname);
        const TensorView* t = file.find(name);
        const std::size_t rows = t && !t->shape.empty() ? static_cast<std::size_t>(t->shape[0]) : 0;
        if (!s || rows == 0 || s->numel() != rows || numel % rows != 0) {
            err = "tensor '" + sname + "': missing or not one scale per row of '" + name + "'";
            return nullptr;
        }
        return f32_values(enc, *s, err);
    }

    // The values of t as f32: in place when t is aligned F32, else widened once into enc's owned storage.
    static const float* f32_values(TransformerEncoder* enc, const TensorView& t, std::string& err) {
        if (t.dtype == Dtype::f32)
            if (const float* p = t.data_as<float>()) return p;
        auto wide = t.to_f32();
        if (!wide) {
            err = wide.error().what();
            return nullptr;
        }
        enc->owned_.push_back(std::move(*wide));
        return enc->owned_.back().data();
    }

    // Packs matrix t ([n, k]) into l for the kernels of its dtype.
    bool pack_matrix(detail::LinearWeights& l, const TensorView& t, const SafetensorsFile& file, const std::string& name,
                     std::string& err) {
        using K = detail::LinearWeights::Kind;
        const std::size_t n = l.n, k = l.k;
        auto halves = [&t]() {  // 16-bit values, copied when the mapping is not 2-byte aligned
            std::vector<std::uint16_t> v(t.numel());
            if (!v.empty()) std::memcpy(v.data(), t.data, t.nbytes);
            return v;
        };
        EncoderPrecision p = EncoderPrecision::f32;
        switch (t.dtype) {
            case Dtype::f32: {
                const float* w = t.data_as<float>();
                if (!detail::kPackF32 && w) {
                    l.kind = K::f32_rows;
                    l.rows = w;
                    break;
                }
                std::vector<float> copy;
                if (!w) {
                    auto wide = t.to_f32();
                    if (!wide) { err = wide.error().what(); return false; }
                    copy = std::move(*wide);
                    w = copy.data();
                }
                l.kind = K::f32_packed;
                l.pf.resize(nn::packed_weights_size(n, k));
                nn::pack_weights<float>(w, k, n, k, l.pf.data());
                break;
            }
            case Dtype::f16: {
                const auto v = halves();
                l.kind = K::f16_packed;
                l.ph.resize(nn::packed_weights_size(n, k));
                nn::pack_weights<simd::f16_t>(reinterpret_cast<const simd::f16_t*>(v.data()), k, n, k, l.ph.data());
                p = EncoderPrecision::f16;
                break;
            }
            case Dtype::bf16: {
                const auto v = halves();
                const auto* w = reinterpret_cast<const simd::bf16_t*>(v.data());
                if (nn::has_bf16_dot()) {
                    l.kind = K::bf16_dot;
                    l.pb.resize(nn::packed_bf16_dot_size(n, k));
                    nn::pack_weights_bf16_dot<simd::bf16_t>(w, k, n, k, l.pb.data());
                    p = EncoderPrecision::bf16_dot;
                } else {
                    l.kind = K::bf16_packed;
                    l.pb.resize(nn::packed_weights_size(n, k));
                    nn::pack_weights<simd::bf16_t>(w, k, n, k, l.pb.data());
                    p = EncoderPrecision::bf16;
                }
                break;
            }
            case Dtype::i8: {
                l.kind = K::int8;
                l.w_scales = get_scales(this, file, name, n * k, err);
                if (!l.w_scales) return false;
                l.pq.resize(quant::packed_int8_size(n, k));
                l.col_sums.resize(n);
                quant::pack_int8_weights(reinterpret_cast<const std::int8_t*>(t.data), k, n, k, l.pq.data(),
                                         l.col_sums.data());
                p = EncoderPrecision::int8;
                break;
            }
            default:
                err = "tensor '" + name + "': dtype " + dtype_name(t.dtype) + " is not a weight type (F32, F16, BF16, I8)";
                return false;
        }
        if (l.kind != K::f32_rows) detail::release_pages(t.data, t.nbytes);
        precision_ = p;
        return true;
    }

    SafetensorsFile file_;  // keeps the mapping alive
    std::vector<std::vector<float>> owned_;  // widened tensors, dequantized pooler
    TransformerConfig cfg_;
    bool distil_ = false;
    EncoderPrecision precision_ = EncoderPrecision::f32;
    std::size_t weight_bytes_ = 0;
    const float* word_ = nullptr;
    const float* pos_ = nullptr;
    const float* type_ = nullptr;
    const float* emb_norm_w_ = nullptr;
    const float* emb_norm_b_ = nullptr;
    const float* pooler_w_ = nullptr;
    const float* pooler_b_ = nullptr;
    std::vector<detail::EncoderLayer> layers_;
};

}  // namespace semvec
