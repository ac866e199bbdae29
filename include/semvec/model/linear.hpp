// semvec/model/linear.hpp — the encoder's projections y = act(x·Wᵀ + b) in the precision of the file, and
// the store that binds a file's tensors (in place when possible, else widened once).
//
// Weights are used in the precision of the file (decided per tensor at load):
//   f32   packed once into GEMM panels (gemm_packed; a copy of the matrices, see kPackF32);
//   f16   packed as f16, widened to f32 in the micro-kernel's loads;
//   bf16  with AVX512_BF16: packed for vdpbf16ps, activations rounded to bf16 per GEMM (gemm_bf16_dot);
//         elsewhere packed as bf16 and widened in the loads (gemm_packed<bf16_t>);
//   int8  per-output-channel int8 weights, activations quantized per token (gemm_int8: exact integer
//         dot products, so the same result on every CPU at a given level).
// Embeddings, biases, norms, softmax and the pooler stay in f32 for every precision.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <list>
#include <string>
#include <vector>

#include "../config.hpp"
#include "../io/safetensors.hpp"
#include "../nn/nn.hpp"
#include "../quant/int8.hpp"
#include "../util/pages.hpp"

namespace semvec {

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

namespace detail {

/// Scratch of one linear layer's input conversion (bf16 rounding or int8 quantization of activations).
struct LinearScratch {
    std::vector<simd::bf16_t> ab;  // activations as bf16 (gemm_bf16_dot)
    std::vector<std::uint8_t> qa;  // activations as u8 = q + 128 (gemm_int8)
    std::vector<float> sa;         // their per-token scales
};

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
    void prepare(std::size_t m, const float* a, std::size_t lda, LinearScratch& s) const;

    /// Output columns [n0, n1) (n0 a multiple of panel()) of c[m, n] (row stride ldc) = act(a·Wᵀ + bias),
    /// after prepare(). Each element is the same fixed-order dot product whatever the range.
    void run(std::size_t m, std::size_t n0, std::size_t n1, const float* a, std::size_t lda, float* c, std::size_t ldc,
             nn::Activation act, const LinearScratch& s) const;
};

/// The tensors of one file bound for the encoder: vectors in place when aligned f32, else widened (or
/// dequantized) once into owned storage; matrices packed for the kernels of their dtype. Keeps the file's
/// mapping alive. Errors go to `err` (the first one wins; later calls return null / false).
class WeightStore {
public:
    explicit WeightStore(SafetensorsFile file) : file_(std::move(file)) {}

    const SafetensorsFile& file() const { return file_; }
    std::string& error() { return err_; }

    /// f32 values of tensor `name` with `numel` values (an int8 matrix is dequantized with its row scales),
    /// or null with error() set. `optional`: a missing tensor gives null without an error.
    const float* values(const std::string& name, std::size_t numel, bool optional = false);

    /// Packs matrix `name` [n, k] (and its bias, when `bias_name` is non-empty) into l. False on error.
    bool linear(LinearWeights& l, const std::string& name, const std::string& bias_name, std::size_t n, std::size_t k);

    /// Precision of the last matrix packed.
    EncoderPrecision precision() const { return precision_; }
    /// Bytes of packed matrices owned beyond the mapped file.
    std::size_t packed_bytes() const { return packed_bytes_; }

private:
    const TensorView* find(const std::string& name, std::size_t numel, bool optional);
    const float* scales(const std::string& name, std::size_t numel);
    const float* f32(const TensorView& t);

    SafetensorsFile file_;
    std::list<std::vector<float>> owned_;  // widened tensors (a list: pointers stay valid as it grows)
    std::string err_;
    EncoderPrecision precision_ = EncoderPrecision::f32;
    std::size_t packed_bytes_ = 0;
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
}  // namespace semvec

#if SEMVEC_DEFINITIONS

namespace semvec {
namespace detail {

SEMVEC_API void LinearWeights::prepare(std::size_t m, const float* a, std::size_t lda, LinearScratch& s) const {
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
    (void)m;
    (void)a;
    (void)lda;
    (void)s;
}

SEMVEC_API void LinearWeights::run(std::size_t m, std::size_t n0, std::size_t n1, const float* a, std::size_t lda,
                                   float* c, std::size_t ldc, nn::Activation act, const LinearScratch& s) const {
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

SEMVEC_API const TensorView* WeightStore::find(const std::string& name, std::size_t numel, bool optional) {
    if (!err_.empty()) return nullptr;
    const TensorView* t = file_.find(name);
    if (!t) {
        if (!optional) err_ = "tensor '" + name + "': missing";
        return nullptr;
    }
    if (t->numel() != numel) {
        err_ = "tensor '" + name + "': has " + std::to_string(t->numel()) + " values, expected " + std::to_string(numel);
        return nullptr;
    }
    return t;
}

SEMVEC_API const float* WeightStore::f32(const TensorView& t) {
    if (t.dtype == Dtype::f32)
        if (const float* p = t.data_as<float>()) return p;
    auto wide = t.to_f32();
    if (!wide) {
        err_ = wide.error().what();
        return nullptr;
    }
    owned_.push_back(std::move(*wide));
    return owned_.back().data();
}

SEMVEC_API const float* WeightStore::scales(const std::string& name, std::size_t numel) {
    const std::string sname = name + "_scale";
    const TensorView* s = file_.find(sname);
    const TensorView* t = file_.find(name);
    const std::size_t rows = t && !t->shape.empty() ? static_cast<std::size_t>(t->shape[0]) : 0;
    if (!s || rows == 0 || s->numel() != rows || numel % rows != 0) {
        err_ = "tensor '" + sname + "': missing or not one scale per row of '" + name + "'";
        return nullptr;
    }
    return f32(*s);
}

SEMVEC_API const float* WeightStore::values(const std::string& name, std::size_t numel, bool optional) {
    const TensorView* t = find(name, numel, optional);
    if (!t) return nullptr;
    if (t->dtype == Dtype::i8) {  // an int8 matrix (the pooler, a Dense head): dequantize with its row scales
        const float* s = scales(name, numel);
        if (!s) return nullptr;
        const std::size_t cols = numel / static_cast<std::size_t>(t->shape[0]);  // rows checked by scales()
        std::vector<float> w(numel);
        const auto* q = reinterpret_cast<const std::int8_t*>(t->data);
        for (std::size_t i = 0; i < numel; ++i) w[i] = static_cast<float>(q[i]) * s[i / cols];
        owned_.push_back(std::move(w));
        return owned_.back().data();
    }
    return f32(*t);
}

SEMVEC_API bool WeightStore::linear(LinearWeights& l, const std::string& name, const std::string& bias_name, std::size_t n,
                                    std::size_t k) {
    using K = LinearWeights::Kind;
    l.n = n;
    l.k = k;
    const TensorView* t = find(name, n * k, false);
    if (!t) return false;
    if (!bias_name.empty()) {
        l.bias = values(bias_name, n);
        if (!l.bias) return false;
    }
    auto halves = [t]() {  // 16-bit values, copied when the mapping is not 2-byte aligned
        std::vector<std::uint16_t> v(t->numel());
        if (!v.empty()) std::memcpy(v.data(), t->data, t->nbytes);
        return v;
    };
    EncoderPrecision p = EncoderPrecision::f32;
    switch (t->dtype) {
        case Dtype::f32: {
            const float* w = t->data_as<float>();
            if (!kPackF32 && w) {
                l.kind = K::f32_rows;
                l.rows = w;
                break;
            }
            std::vector<float> copy;
            if (!w) {
                auto wide = t->to_f32();
                if (!wide) {
                    err_ = wide.error().what();
                    return false;
                }
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
            l.w_scales = scales(name, n * k);
            if (!l.w_scales) return false;
            l.pq.resize(quant::packed_int8_size(n, k));
            l.col_sums.resize(n);
            quant::pack_int8_weights(reinterpret_cast<const std::int8_t*>(t->data), k, n, k, l.pq.data(), l.col_sums.data());
            p = EncoderPrecision::int8;
            break;
        }
        default:
            err_ = "tensor '" + name + "': dtype " + dtype_name(t->dtype) + " is not a weight type (F32, F16, BF16, I8)";
            return false;
    }
    if (l.kind != K::f32_rows) release_mapped_pages(t->data, t->nbytes);  // the packed copy is what the kernels read
    precision_ = p;
    packed_bytes_ += l.bytes();
    return true;
}

}  // namespace detail
}  // namespace semvec
#endif
