// semvec/vision/cnn.hpp — a convolutional network run from a semvec model file: the layer list is data
// (`semvec.config` field `layers`, docs/model-format.md "Image models"), the kernels are semvec's.
//
// Every family (torchvision ResNet, MobileNet V1/V2, dlib's face ResNet, TFLite graphs) is written by the
// converter as the same few layer kinds: conv (any kernel, stride, asymmetric padding; groups 1 or
// depthwise), max/avg pool, add (with zero-extension of the smaller operand: face-api's padded shortcuts),
// global mean, linear, softmax; each with an optional fused ReLU/ReLU6 and an optional fake quantization of
// its output (TFLite uint8/int8 graphs: round(x/scale) + zero point, clamped, dequantized), which reproduces
// the integer network's activations to about one quantization step.
//
// Layout and kernels: activations are NHWC floats, so a 1×1 convolution is a plain GEMM on the input and a
// k×k one is im2col (192 output pixels at a time, per thread) + the packed GEMM of semvec/nn/gemm.hpp; the
// weights are [out, kh, kw, in] rows packed once at load. Depthwise convolutions run nn/depthwise.hpp.
// Weights: f32, f16 and bf16 files run the f32-accumulating GEMM with widening loads; int8 files run
// quant/int8.hpp with per-output-channel weight scales and per-pixel activation quantization.
// Batch-norm is folded into the conv weights and bias by the converter (in float64).
// Determinism: every output element is one fixed-order reduction, so the result of an image is the same
// bits whatever the batch size or thread count (tests/vision checks it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../config.hpp"
#include "../io/safetensors.hpp"
#include "../nn/activation.hpp"
#include "../result.hpp"
#include "../simd/common.hpp"

namespace semvec {

/// The layer kinds of a CNN graph (their names in the file: "conv", "max_pool", "avg_pool", "add", "mean",
/// "linear", "softmax").
enum class CnnOp { conv, max_pool, avg_pool, add, mean, linear, softmax };

/// Fake quantization of a layer's output: x ← (clamp(round(x / scale) + zero_point, qmin, qmax) − zero_point)·scale.
struct CnnQuant {
    float scale = 0.0f;     ///< 0 = none
    int zero_point = 0;
    int qmin = 0, qmax = 255;
};

/// One layer of a CNN graph. Value 0 is the input image; layer i writes value i + 1.
struct CnnLayer {
    CnnOp op = CnnOp::conv;
    std::string name;                       ///< tensor prefix: "<name>.weight", "<name>.bias"
    std::array<std::size_t, 2> inputs{{0, 0}};  ///< value ids (add uses both)
    std::size_t kh = 1, kw = 1, sh = 1, sw = 1;
    std::size_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
    bool depthwise = false;                 ///< conv: one filter per channel (groups = channels)
    std::size_t out_channels = 0;           ///< conv and linear
    nn::Activation act = nn::Activation::none;
    CnnQuant quant;
    /// TFLite integer emulation (with `quant`): the inputs' quantization scales; the layer then computes on the
    /// integers x / scale exactly and requantizes round_half_even(acc · requant) + zero_point, as XNNPACK does.
    /// conv: one scale, per-channel requant in tensor "<name>.requant"; avg_pool/mean: one scale and one requant
    /// (scale_in / scale_out / taps); add: two of each. Empty: float layer.
    std::vector<float> int_input_scales, int_requant;
    // Derived at load: output shape.
    std::size_t out_h = 0, out_w = 0, out_c = 0;
};

/// The parsed `semvec.config` of a CNN file's graph.
struct CnnGraph {
    std::size_t in_h = 0, in_w = 0, in_c = 3;
    std::vector<CnnLayer> layers;
    std::size_t embedding_value = 0;  ///< the value returned by encode (flattened)
    std::size_t logits_value = 0;     ///< 0 when the model has no classifier output
    std::string logits_kind = "logits";  ///< "logits" or "probabilities"
    /// Value shapes (H, W, C), value 0 = input.
    std::vector<std::array<std::size_t, 3>> shapes;
};

/// Limits on a graph (far above real networks; they keep every size product small).
namespace cnn_limits {
inline constexpr std::size_t kMaxLayers = 4096;
inline constexpr std::size_t kMaxSide = 8192;
inline constexpr std::size_t kMaxChannels = 1u << 16;
inline constexpr std::size_t kMaxKernel = 64;
inline constexpr std::size_t kMaxValueElems = std::size_t{1} << 28;
}  // namespace cnn_limits

/// Parses and shape-checks the `layers`, `input` and `outputs` fields of a CNN config (JSON text).
/// Errors name the layer and field.
SEMVEC_API Result<CnnGraph> parse_cnn_graph(const std::string& config_json, const std::string& source = {});

/// Storage of the weights ("f32", "f16", "bf16", "int8": the file's `semvec.dtype`).
enum class CnnWeights { f32, f16, bf16, int8 };

/// Scratch memory of a CnnEncoder: one arena for the activations of a batch (each value's place in it is
/// planned at load from the values' lifetimes) and per-thread blocks. Reuse one per calling thread: after the
/// first call of a given batch size nothing is allocated or zero-filled again.
struct CnnWorkspace {
    std::unique_ptr<float[]> arena_storage;        ///< arena_floats + 16 floats (aligned to 64 bytes inside)
    float* arena = nullptr;
    std::size_t arena_floats = 0;
    std::vector<std::vector<float>> cols;          ///< per-thread im2col blocks
    std::vector<std::vector<std::uint8_t>> qcols;  ///< per-thread quantized rows (int8)
    std::vector<std::vector<float>> qscales;
    std::vector<float> ints[2];                    ///< integer copies of an integer layer's inputs
    std::vector<float> acc_hi;                     ///< integer convs: the high-part accumulators
};

/// A CNN bound to its weights. Immutable after load: a const encoder may be shared by threads.
class CnnEncoder {
public:
    /// Binds and packs the weights of `graph` from `file` (`weights` = the file's dtype). The file may be
    /// closed afterwards: everything the encoder needs is copied (packed).
    static Result<std::shared_ptr<const CnnEncoder>> load(const SafetensorsFile& file, CnnGraph graph, CnnWeights weights);

    const CnnGraph& graph() const { return graph_; }
    /// Length of the embedding output.
    std::size_t embedding_dim() const;
    /// Length of the classifier output (0 when there is none).
    std::size_t num_classes() const;

    /// Runs a batch of n images as one pass per layer (a 1×1 convolution of the batch is one GEMM over all
    /// its pixels): `inputs[i]` is [in_h, in_w, in_c] NHWC float; writes the flattened embedding value to
    /// `embeddings[i]` (embedding_dim() floats) and, when `logits` is non-null and the graph has a classifier,
    /// the logits to `logits[i]`. `threads` > 1 splits each layer's rows. An image's outputs are the same bits
    /// for any n and thread count. n should be at most max_batch() (larger n only costs memory).
    void forward(std::size_t n, const float* const* inputs, float* const* embeddings, float* const* logits, CnnWorkspace& ws,
                 unsigned threads = 1) const;

    /// The largest batch whose activations fit `arena_bytes` (at least 1).
    std::size_t max_batch(std::size_t arena_bytes = std::size_t{20} << 20) const;
    /// Activation floats one image needs in a workspace's arena.
    std::size_t arena_floats_per_image() const { return arena_per_image_; }

    /// Bytes held by the packed weights.
    std::size_t weight_bytes() const { return weight_bytes_; }

private:
    struct Packed {  // one conv or linear layer's weights
        std::size_t n = 0, k = 0;
        std::vector<float> f32;
        std::vector<simd::f16_t> f16;
        std::vector<simd::bf16_t> bf16;
        std::vector<std::int8_t> i8;
        std::vector<std::int32_t> col_sums;
        std::vector<float> scales;
        std::vector<float> depthwise;  // [kh, kw, C] f32
        std::vector<float> bias;
        std::vector<float> requant;    // integer layers: per output channel
    };
    void run_layer(std::size_t li, std::size_t batch, CnnWorkspace& ws, unsigned threads) const;
    float* value(CnnWorkspace& ws, std::size_t v, std::size_t batch) const { return ws.arena + offset_[v] * batch; }
    void gemm_rows(const Packed& p, std::size_t row0, std::size_t rows, const float* a, std::size_t lda, float* c,
                   nn::Activation act, CnnWorkspace& ws, unsigned worker, const float* bias) const;

    CnnGraph graph_;
    CnnWeights weights_ = CnnWeights::f32;
    std::vector<Packed> packed_;
    std::vector<std::size_t> offset_;    // per value: its place in the arena, in floats per image of the batch
    std::vector<char> fused_add_;        // per layer: a conv whose following residual add runs on its GEMM blocks
    std::size_t arena_per_image_ = 0;
    std::size_t weight_bytes_ = 0;
};

SEMVEC_API const char* to_string(CnnOp op);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <nlohmann/json.hpp>

#include "../nn/depthwise.hpp"
#include "../nn/gemm.hpp"
#include "../quant/int8.hpp"
#include "../util/half.hpp"
#include "../util/pages.hpp"
#include "../util/parallel.hpp"

namespace semvec {

SEMVEC_API const char* to_string(CnnOp op) {
    switch (op) {
        case CnnOp::conv: return "conv";
        case CnnOp::max_pool: return "max_pool";
        case CnnOp::avg_pool: return "avg_pool";
        case CnnOp::add: return "add";
        case CnnOp::mean: return "mean";
        case CnnOp::linear: return "linear";
        case CnnOp::softmax: return "softmax";
    }
    return "?";
}

namespace detail {

inline Error cnn_error(const std::string& source, std::string item, std::string msg) {
    return make_error(ErrorCode::invalid_data, std::move(msg), source, std::move(item));
}

// An unsigned integer field in [lo, hi].
inline bool cnn_uint(const nlohmann::json& j, const char* key, std::size_t lo, std::size_t hi, std::size_t& out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned()) return false;
    const std::uint64_t v = it->get<std::uint64_t>();
    if (v < lo || v > hi) return false;
    out = static_cast<std::size_t>(v);
    return true;
}

inline bool cnn_pair(const nlohmann::json& j, const char* key, std::size_t lo, std::size_t hi, std::size_t& a, std::size_t& b) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_array() || it->size() != 2) return false;
    for (int i = 0; i < 2; ++i) {
        const auto& e = (*it)[static_cast<std::size_t>(i)];
        if (!e.is_number_unsigned()) return false;
        const std::uint64_t v = e.get<std::uint64_t>();
        if (v < lo || v > hi) return false;
        (i == 0 ? a : b) = static_cast<std::size_t>(v);
    }
    return true;
}

}  // namespace detail

SEMVEC_API Result<CnnGraph> parse_cnn_graph(const std::string& text, const std::string& source) {
    using namespace cnn_limits;
    const std::string K = "metadata 'semvec.config'";
    nlohmann::json c = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (!c.is_object()) return detail::cnn_error(source, K, "is not a JSON object");
    CnnGraph g;
    auto in = c.find("input");
    if (in == c.end() || !in->is_object() || !detail::cnn_uint(*in, "height", 1, kMaxSide, g.in_h) ||
        !detail::cnn_uint(*in, "width", 1, kMaxSide, g.in_w) || !detail::cnn_uint(*in, "channels", 1, 4, g.in_c))
        return detail::cnn_error(source, K + " field 'input'",
                                 "needs {height, width} in [1, " + std::to_string(kMaxSide) + "] and channels in [1, 4]");
    auto layers = c.find("layers");
    if (layers == c.end() || !layers->is_array() || layers->empty() || layers->size() > kMaxLayers)
        return detail::cnn_error(source, K + " field 'layers'", "must be a non-empty array of at most " + std::to_string(kMaxLayers) + " layers");
    g.shapes.push_back({g.in_h, g.in_w, g.in_c});
    for (std::size_t i = 0; i < layers->size(); ++i) {
        const auto& j = (*layers)[i];
        const std::string item = K + " layer " + std::to_string(i);
        auto bad = [&](const std::string& m) { return detail::cnn_error(source, item, m); };
        if (!j.is_object()) return bad("is not an object");
        CnnLayer L;
        auto op = j.find("op");
        if (op == j.end() || !op->is_string()) return bad("field 'op' must be a string");
        const std::string ops = op->get<std::string>();
        if (ops == "conv") L.op = CnnOp::conv;
        else if (ops == "max_pool") L.op = CnnOp::max_pool;
        else if (ops == "avg_pool") L.op = CnnOp::avg_pool;
        else if (ops == "add") L.op = CnnOp::add;
        else if (ops == "mean") L.op = CnnOp::mean;
        else if (ops == "linear") L.op = CnnOp::linear;
        else if (ops == "softmax") L.op = CnnOp::softmax;
        else return make_error(ErrorCode::unsupported, "layer kind '" + ops + "' is not supported (conv, max_pool, avg_pool, add, mean, linear, softmax)", source, item);
        if (auto nm = j.find("name"); nm != j.end()) {
            if (!nm->is_string()) return bad("field 'name' must be a string");
            L.name = nm->get<std::string>();
        }
        auto inputs = j.find("inputs");
        const std::size_t n_in = L.op == CnnOp::add ? 2 : 1;
        if (inputs == j.end() || !inputs->is_array() || inputs->size() != n_in)
            return bad("field 'inputs' must list " + std::to_string(n_in) + " value id(s)");
        for (std::size_t k = 0; k < n_in; ++k) {
            const auto& v = (*inputs)[k];
            if (!v.is_number_unsigned() || v.get<std::uint64_t>() > i)
                return bad("input " + std::to_string(k) + " must be a value id below " + std::to_string(i + 1) + " (0 = the image)");
            L.inputs[k] = static_cast<std::size_t>(v.get<std::uint64_t>());
        }
        if (auto a = j.find("act"); a != j.end()) {
            if (!a->is_string()) return bad("field 'act' must be a string");
            const std::string as = a->get<std::string>();
            if (as == "none") L.act = nn::Activation::none;
            else if (as == "relu") L.act = nn::Activation::relu;
            else if (as == "relu6") L.act = nn::Activation::relu6;
            else return make_error(ErrorCode::unsupported, "activation '" + as + "' is not supported (none, relu, relu6)", source, item);
        }
        if (auto q = j.find("quant"); q != j.end()) {
            if (!q->is_array() || q->size() != 4 || !(*q)[0].is_number() || !(*q)[1].is_number_integer() ||
                !(*q)[2].is_number_integer() || !(*q)[3].is_number_integer())
                return bad("field 'quant' must be [scale, zero_point, qmin, qmax]");
            const double s = (*q)[0].get<double>();
            const std::int64_t zp = (*q)[1].get<std::int64_t>(), lo = (*q)[2].get<std::int64_t>(), hi = (*q)[3].get<std::int64_t>();
            if (!(s > 0.0 && s < 1e6) || lo < -65536 || hi > 65536 || lo > hi || zp < -65536 || zp > 65536)
                return bad("field 'quant' is out of range");
            L.quant = {static_cast<float>(s), static_cast<int>(zp), static_cast<int>(lo), static_cast<int>(hi)};
        }
        if (auto in = j.find("int"); in != j.end()) {
            auto list = [&](const char* key, std::vector<float>& out) -> bool {
                auto it = in->find(key);
                if (it == in->end()) return true;
                if (!it->is_array() || it->size() > 2) return false;
                for (const auto& v : *it) {
                    if (!v.is_number() || !(v.get<double>() > 0.0 && v.get<double>() < 1e6)) return false;
                    out.push_back(v.get<float>());
                }
                return true;
            };
            if (!in->is_object() || !list("input_scales", L.int_input_scales) || !list("requant", L.int_requant))
                return bad("field 'int' must hold 'input_scales' and 'requant': up to 2 positive numbers each");
            const std::size_t want_in = L.op == CnnOp::add ? 2 : 1;
            const std::size_t want_rq = L.op == CnnOp::conv ? 0 : want_in;
            const bool kind_ok = L.op == CnnOp::conv || L.op == CnnOp::avg_pool || L.op == CnnOp::mean || L.op == CnnOp::add;
            if (!kind_ok || L.int_input_scales.size() != want_in || L.int_requant.size() != want_rq || L.quant.scale <= 0.0f)
                return bad("field 'int' does not fit a " + ops + " layer (needs 'quant', " + std::to_string(want_in) +
                           " input scale(s) and " + std::to_string(want_rq) + " requant value(s))");
        }
        const auto& s0 = g.shapes[L.inputs[0]];
        const std::size_t H = s0[0], W = s0[1], C = s0[2];
        switch (L.op) {
            case CnnOp::conv:
            case CnnOp::max_pool:
            case CnnOp::avg_pool: {
                if (!detail::cnn_pair(j, "kernel", 1, kMaxKernel, L.kh, L.kw)) return bad("field 'kernel' must be [kh, kw] in [1, 64]");
                if (!detail::cnn_pair(j, "stride", 1, kMaxKernel, L.sh, L.sw)) return bad("field 'stride' must be [sh, sw] in [1, 64]");
                auto p = j.find("pad");
                if (p != j.end()) {
                    if (!p->is_array() || p->size() != 4) return bad("field 'pad' must be [top, left, bottom, right]");
                    std::size_t v[4];
                    for (int k = 0; k < 4; ++k) {
                        const auto& e = (*p)[static_cast<std::size_t>(k)];
                        if (!e.is_number_unsigned() || e.get<std::uint64_t>() > kMaxKernel) return bad("field 'pad' values must be in [0, 64]");
                        v[k] = static_cast<std::size_t>(e.get<std::uint64_t>());
                    }
                    L.pad_top = v[0]; L.pad_left = v[1]; L.pad_bottom = v[2]; L.pad_right = v[3];
                }
                const std::size_t ph = H + L.pad_top + L.pad_bottom, pw = W + L.pad_left + L.pad_right;
                if (ph < L.kh || pw < L.kw) return bad("kernel is larger than the padded input " + std::to_string(ph) + "x" + std::to_string(pw));
                L.out_h = (ph - L.kh) / L.sh + 1;
                L.out_w = (pw - L.kw) / L.sw + 1;
                L.out_c = C;
                if (L.op == CnnOp::conv) {
                    if (L.name.empty()) return bad("a conv needs a 'name' (its tensors' prefix)");
                    if (auto d = j.find("depthwise"); d != j.end()) {
                        if (!d->is_boolean()) return bad("field 'depthwise' must be true or false");
                        L.depthwise = d->get<bool>();
                    }
                    if (L.depthwise) L.out_channels = C;
                    else if (!detail::cnn_uint(j, "out_channels", 1, kMaxChannels, L.out_channels))
                        return bad("field 'out_channels' must be in [1, " + std::to_string(kMaxChannels) + "]");
                    L.out_c = L.out_channels;
                }
                break;
            }
            case CnnOp::add: {
                const auto& s1 = g.shapes[L.inputs[1]];
                L.out_h = std::max(H, s1[0]);
                L.out_w = std::max(W, s1[1]);
                L.out_c = std::max(C, s1[2]);
                break;
            }
            case CnnOp::mean: L.out_h = L.out_w = 1; L.out_c = C; break;
            case CnnOp::linear:
                if (L.name.empty()) return bad("a linear layer needs a 'name'");
                if (!detail::cnn_uint(j, "out_features", 1, std::size_t{1} << 20, L.out_channels))
                    return bad("field 'out_features' must be in [1, 1048576]");
                if (H * W * C > (std::size_t{1} << 24)) return bad("linear input is too large");
                L.out_h = L.out_w = 1;
                L.out_c = L.out_channels;
                break;
            case CnnOp::softmax: L.out_h = H; L.out_w = W; L.out_c = C; break;
        }
        if (L.out_h > kMaxSide || L.out_w > kMaxSide || L.out_h * L.out_w * L.out_c > kMaxValueElems)
            return bad("output " + std::to_string(L.out_h) + "x" + std::to_string(L.out_w) + "x" + std::to_string(L.out_c) + " is too large");
        g.shapes.push_back({L.out_h, L.out_w, L.out_c});
        g.layers.push_back(std::move(L));
    }
    auto outs = c.find("outputs");
    const std::size_t nv = g.shapes.size();
    if (outs == c.end() || !outs->is_object() || !detail::cnn_uint(*outs, "embedding", 1, nv - 1, g.embedding_value))
        return detail::cnn_error(source, K + " field 'outputs'", "needs 'embedding': a value id in [1, " + std::to_string(nv - 1) + "]");
    if (outs->contains("logits") && !detail::cnn_uint(*outs, "logits", 1, nv - 1, g.logits_value))
        return detail::cnn_error(source, K + " field 'outputs'", "'logits' must be a value id in [1, " + std::to_string(nv - 1) + "]");
    if (auto kind = outs->find("logits_kind"); kind != outs->end()) {
        if (!kind->is_string() || (kind->get<std::string>() != "logits" && kind->get<std::string>() != "probabilities"))
            return detail::cnn_error(source, K + " field 'outputs'", "'logits_kind' must be \"logits\" or \"probabilities\"");
        g.logits_kind = kind->get<std::string>();
    }
    return g;
}

namespace detail {

// Places every value of the graph in one arena, in floats per image: a value lives from the layer that writes
// it to the last layer that reads it (the outputs to the end), and values whose lifetimes overlap get
// disjoint ranges (first fit, 64-byte granules). With a batch of b images every offset and size scales by b,
// so the plan holds for any batch. A conv fused with the add after it (`fused[li]`) writes both outputs while
// its inputs are read: both are placed before either layer's dead inputs are freed.
inline std::vector<std::size_t> plan_cnn_arena(const CnnGraph& g, const std::vector<char>& fused, std::size_t& total) {
    const std::size_t nv = g.shapes.size(), nl = g.layers.size();
    std::vector<std::size_t> last(nv), offset(nv, 0), size(nv);
    for (std::size_t v = 0; v < nv; ++v) {
        last[v] = v == 0 ? 0 : v - 1;  // unread values die with the layer that wrote them
        size[v] = (g.shapes[v][0] * g.shapes[v][1] * g.shapes[v][2] + 15) / 16 * 16;
    }
    for (std::size_t li = 0; li < nl; ++li) {
        const CnnLayer& L = g.layers[li];
        last[L.inputs[0]] = std::max(last[L.inputs[0]], li);
        if (L.op == CnnOp::add) last[L.inputs[1]] = std::max(last[L.inputs[1]], li);
    }
    last[g.embedding_value] = nl;
    if (g.logits_value) last[g.logits_value] = nl;
    std::vector<std::size_t> live;  // value ids, kept sorted by offset
    total = 0;
    auto place = [&](std::size_t v) {
        std::size_t at = 0;
        auto pos = live.begin();
        for (; pos != live.end(); ++pos) {
            if (offset[*pos] >= at + size[v]) break;  // the gap before *pos fits
            at = std::max(at, offset[*pos] + size[*pos]);
        }
        offset[v] = at;
        live.insert(pos, v);
        total = std::max(total, at + size[v]);
    };
    place(0);
    for (std::size_t li = 0; li < nl;) {
        const std::size_t span = fused[li] ? 2 : 1;
        for (std::size_t k = 1; k <= span; ++k) place(li + k);  // outputs never overlap the layers' inputs
        live.erase(std::remove_if(live.begin(), live.end(), [&](std::size_t v) { return last[v] >= li && last[v] < li + span; }),
                   live.end());
        li += span;
    }
    return offset;
}

}  // namespace detail

SEMVEC_API std::size_t CnnEncoder::embedding_dim() const {
    const auto& s = graph_.shapes[graph_.embedding_value];
    return s[0] * s[1] * s[2];
}

SEMVEC_API std::size_t CnnEncoder::num_classes() const {
    if (!graph_.logits_value) return 0;
    const auto& s = graph_.shapes[graph_.logits_value];
    return s[0] * s[1] * s[2];
}

SEMVEC_API Result<std::shared_ptr<const CnnEncoder>> CnnEncoder::load(const SafetensorsFile& file, CnnGraph graph,
                                                                      CnnWeights weights) {
    auto enc = std::make_shared<CnnEncoder>();
    enc->weights_ = weights;
    enc->packed_.resize(graph.layers.size());
    auto tensor = [&](const std::string& name, const std::vector<std::int64_t>& shape) -> Result<const TensorView*> {
        const TensorView* t = file.find(name);
        auto shape_str = [](const std::vector<std::int64_t>& s) {
            std::string o = "[";
            for (std::size_t i = 0; i < s.size(); ++i) o += (i ? ", " : "") + std::to_string(s[i]);
            return o + "]";
        };
        if (!t) return make_error(ErrorCode::invalid_data, "missing (expected shape " + shape_str(shape) + ")", file.source(), "tensor '" + name + "'");
        if (t->shape != shape)
            return make_error(ErrorCode::invalid_data, "has shape " + t->shape_string() + ", expected " + shape_str(shape) + " from semvec.config",
                              file.source(), "tensor '" + name + "'");
        return t;
    };
    auto floats = [&](const TensorView* t) -> Result<std::vector<float>> {
        if (t->dtype != Dtype::f32 && t->dtype != Dtype::f16 && t->dtype != Dtype::bf16)
            return make_error(ErrorCode::invalid_data, std::string("has dtype ") + dtype_name(t->dtype) + ", expected F32, F16 or BF16",
                              file.source(), "tensor '" + t->name + "'");
        auto v = t->to_f32();
        if (!v) return v.error().with_source(file.source());
        for (std::size_t i = 0; i < v->size(); ++i)
            if (!std::isfinite((*v)[i]))
                return make_error(ErrorCode::invalid_data, "holds a NaN or infinity at flat index " + std::to_string(i), file.source(),
                                  "tensor '" + t->name + "'");
        return v;
    };
    for (std::size_t li = 0; li < graph.layers.size(); ++li) {
        const CnnLayer& L = graph.layers[li];
        if (L.op != CnnOp::conv && L.op != CnnOp::linear) continue;
        Packed& p = enc->packed_[li];
        const auto I = [](std::size_t v) { return static_cast<std::int64_t>(v); };
        const auto& in = graph.shapes[L.inputs[0]];
        const std::size_t C = in[2];
        auto bias_t = tensor(L.name + ".bias", {I(L.out_channels)});
        if (!bias_t) return bias_t.error();
        auto bias = floats(*bias_t);
        if (!bias) return bias.error();
        p.bias = std::move(*bias);
        if (!L.int_input_scales.empty()) {
            auto rq_t = tensor(L.name + ".requant", {I(L.out_channels)});
            if (!rq_t) return rq_t.error();
            auto rq = floats(*rq_t);
            if (!rq) return rq.error();
            p.requant = std::move(*rq);
        }
        if (L.op == CnnOp::conv && L.depthwise) {
            auto w = tensor(L.name + ".weight", {I(L.kh), I(L.kw), I(C)});
            if (!w) return w.error();
            auto v = floats(*w);
            if (!v) return v.error();
            p.depthwise = std::move(*v);
            enc->weight_bytes_ += p.depthwise.size() * 4;
            continue;
        }
        p.n = L.out_channels;
        p.k = L.op == CnnOp::conv ? L.kh * L.kw * C : in[0] * in[1] * C;
        const std::vector<std::int64_t> shape = L.op == CnnOp::conv ? std::vector<std::int64_t>{I(p.n), I(L.kh), I(L.kw), I(C)}
                                                                      : std::vector<std::int64_t>{I(p.n), I(p.k)};
        auto w = tensor(L.name + ".weight", shape);
        if (!w) return w.error();
        const TensorView* t = *w;
        if (weights == CnnWeights::int8 && t->dtype == Dtype::i8) {
            auto s = tensor(L.name + ".weight_scale", {I(p.n)});
            if (!s) return s.error();
            auto sv = floats(*s);
            if (!sv) return sv.error();
            p.scales = std::move(*sv);
            p.i8.assign(quant::packed_int8_size(p.n, p.k), 0);
            p.col_sums.assign(p.n, 0);
            quant::pack_int8_weights(reinterpret_cast<const std::int8_t*>(t->data), p.k, p.n, p.k, p.i8.data(), p.col_sums.data());
            enc->weight_bytes_ += p.i8.size() + p.n * 8;
            detail::release_mapped_pages(t->data, t->nbytes);
            continue;
        }
        if (weights == CnnWeights::f16 && t->dtype == Dtype::f16) {
            std::vector<simd::f16_t> raw(p.n * p.k);
            std::memcpy(raw.data(), t->data, raw.size() * 2);
            p.f16.resize(nn::packed_weights_size(p.n, p.k));
            nn::pack_weights(raw.data(), p.k, p.n, p.k, p.f16.data());
            enc->weight_bytes_ += p.f16.size() * 2;
            detail::release_mapped_pages(t->data, t->nbytes);
            continue;
        }
        if (weights == CnnWeights::bf16 && t->dtype == Dtype::bf16) {
            std::vector<simd::bf16_t> raw(p.n * p.k);
            std::memcpy(raw.data(), t->data, raw.size() * 2);
            p.bf16.resize(nn::packed_weights_size(p.n, p.k));
            nn::pack_weights(raw.data(), p.k, p.n, p.k, p.bf16.data());
            enc->weight_bytes_ += p.bf16.size() * 2;
            detail::release_mapped_pages(t->data, t->nbytes);
            continue;
        }
        if (t->dtype == Dtype::i8)
            return make_error(ErrorCode::invalid_data, "is I8 but the file's dtype is not int8", file.source(), "tensor '" + t->name + "'");
        auto v = floats(t);
        if (!v) return v.error();
        p.f32.resize(nn::packed_weights_size(p.n, p.k));
        nn::pack_weights(v->data(), p.k, p.n, p.k, p.f32.data());
        enc->weight_bytes_ += p.f32.size() * 4;
        detail::release_mapped_pages(t->data, t->nbytes);
    }
    // A float conv without activation whose output only feeds the next layer, a same-shape residual add:
    // the add (and its activation) runs on each GEMM block while it is in cache, not as a pass of its own.
    std::vector<std::size_t> readers(graph.shapes.size(), 0);
    for (const CnnLayer& L : graph.layers) {
        ++readers[L.inputs[0]];
        if (L.op == CnnOp::add) ++readers[L.inputs[1]];
    }
    enc->fused_add_.assign(graph.layers.size(), 0);
    for (std::size_t li = 0; li + 1 < graph.layers.size(); ++li) {
        const CnnLayer& L = graph.layers[li];
        const CnnLayer& A = graph.layers[li + 1];
        const std::size_t v = li + 1;
        if (L.op != CnnOp::conv || L.depthwise || L.act != nn::Activation::none || L.quant.scale > 0.0f || !L.int_input_scales.empty())
            continue;
        if (A.op != CnnOp::add || A.quant.scale > 0.0f || !A.int_input_scales.empty()) continue;
        if ((A.inputs[0] == v) == (A.inputs[1] == v)) continue;  // exactly one operand is the conv
        const std::size_t other = A.inputs[0] == v ? A.inputs[1] : A.inputs[0];
        if (graph.shapes[other] != graph.shapes[v] || readers[v] != 1 || v == graph.embedding_value || v == graph.logits_value) continue;
        enc->fused_add_[li] = 1;
    }
    enc->offset_ = detail::plan_cnn_arena(graph, enc->fused_add_, enc->arena_per_image_);
    enc->graph_ = std::move(graph);
    return std::shared_ptr<const CnnEncoder>(std::move(enc));
}

// Rows [row0, row0 + rows) of C = act(A · Wᵀ + bias) for one packed layer (A rows are lda apart).
SEMVEC_API void CnnEncoder::gemm_rows(const Packed& p, std::size_t row0, std::size_t rows, const float* a, std::size_t lda,
                                      float* c, nn::Activation act, CnnWorkspace& ws, unsigned worker, const float* bias) const {
    float* crow = c + row0 * p.n;
    if (!p.i8.empty()) {
        const std::size_t kp = quant::int8_padded_k(p.k);
        auto& q = ws.qcols[worker];
        auto& s = ws.qscales[worker];
        if (q.size() < rows * kp) q.resize(rows * kp);
        if (s.size() < rows) s.resize(rows);
        quant::quantize_rows(a, rows, p.k, lda, q.data(), kp, s.data());
        quant::gemm_int8(rows, p.n, p.k, q.data(), kp, s.data(), p.i8.data(), p.col_sums.data(), p.scales.data(), bias,
                         crow, p.n, act);
    } else if (!p.f16.empty()) {
        nn::gemm_packed(rows, p.n, p.k, a, lda, p.f16.data(), bias, crow, p.n, act);
    } else if (!p.bf16.empty()) {
        nn::gemm_packed(rows, p.n, p.k, a, lda, p.bf16.data(), bias, crow, p.n, act);
    } else {
        nn::gemm_packed(rows, p.n, p.k, a, lda, p.f32.data(), bias, crow, p.n, act);
    }
}

SEMVEC_API std::size_t CnnEncoder::max_batch(std::size_t arena_bytes) const {
    return std::max<std::size_t>(1, arena_bytes / sizeof(float) / std::max<std::size_t>(arena_per_image_, 1));
}

SEMVEC_API void CnnEncoder::run_layer(std::size_t li, std::size_t batch, CnnWorkspace& ws, unsigned threads) const {
    const CnnLayer& L = graph_.layers[li];
    const auto& si = graph_.shapes[L.inputs[0]];
    const std::size_t H = si[0], W = si[1], C = si[2];
    const std::size_t Ho = L.out_h, Wo = L.out_w, Co = L.out_c;
    const std::size_t in_size = H * W * C, out_size = Ho * Wo * Co;  // per image
    const std::size_t out_n = batch * out_size;
    float* out = value(ws, li + 1, batch);
    const float* in = value(ws, L.inputs[0], batch);
    const Packed& p = packed_[li];
    constexpr std::size_t kBlock = 192;  // output pixels per GEMM call (im2col block)
    // Integer layers read the exact integers x / scale (q − zero point) of their inputs.
    const bool integer = !L.int_input_scales.empty();
    auto to_int = [&](std::size_t k, const float* v, std::size_t n) -> const float* {
        auto& buf = ws.ints[k];
        buf.resize(n);
        const float inv = 1.0f / L.int_input_scales[k];
        for (std::size_t i = 0; i < n; ++i) buf[i] = std::nearbyint(v[i] * inv);
        return buf.data();
    };
    if (integer) in = to_int(0, in, batch * in_size);
    const nn::Activation act = integer ? nn::Activation::none : L.act;  // integer layers clamp in requantization
    switch (L.op) {
        case CnnOp::conv: {
            if (L.depthwise) {
                nn::DepthwiseShape s;
                s.in_h = H; s.in_w = W; s.channels = C; s.kh = L.kh; s.kw = L.kw; s.stride_h = L.sh; s.stride_w = L.sw;
                s.pad_top = L.pad_top; s.pad_left = L.pad_left; s.out_h = Ho; s.out_w = Wo;
                // Rows of all images: row r is row r % Ho of image r / Ho.
                parallel_for(batch * Ho, threads, [&](std::size_t b, std::size_t e, unsigned) {
                    while (b < e) {
                        const std::size_t img = b / Ho, y0 = b % Ho, y1 = std::min(Ho, y0 + (e - b));
                        nn::depthwise_conv_nhwc(s, in + img * in_size, p.depthwise.data(), p.bias.data(), out + img * out_size, y0, y1, act);
                        b += y1 - y0;
                    }
                });
                break;
            }
            // Integer layers run the GEMM twice, on the high and low 4 bits of the input integers
            // (x = 16·hi + lo): each partial sum stays below 2^24, so the float GEMM is exact, and the exact
            // accumulator 16·acc_hi + acc_lo is rounded to float once, as XNNPACK's fp32 requantization does.
            const float* parts[2] = {in, nullptr};
            if (integer) {
                auto& hi = ws.ints[1];
                auto& lo = ws.ints[0];
                hi.resize(lo.size());
                for (std::size_t i = 0; i < lo.size(); ++i) {
                    hi[i] = std::floor(lo[i] * 0.0625f);
                    lo[i] -= 16.0f * hi[i];
                }
                parts[0] = lo.data();
                parts[1] = hi.data();
                if (ws.acc_hi.size() < out_n) ws.acc_hi.resize(out_n);
            }
            const bool direct = L.kh == 1 && L.kw == 1 && L.sh == 1 && L.sw == 1 && L.pad_top + L.pad_left + L.pad_bottom + L.pad_right == 0;
            // Fused residual add (layer li + 1): out_add = act(conv + other) on rows [r0, r0 + rows) of a block.
            const CnnLayer* add = fused_add_[li] ? &graph_.layers[li + 1] : nullptr;
            float* add_out = add ? value(ws, li + 2, batch) : nullptr;
            const float* add_other = add ? value(ws, add->inputs[0] == li + 1 ? add->inputs[1] : add->inputs[0], batch) : nullptr;
            auto add_rows = [&](std::size_t r0, std::size_t rows) {
                if (!add) return;
                const std::size_t a = r0 * Co, n = rows * Co;
                for (std::size_t i = 0; i < n; ++i) add_out[a + i] = out[a + i] + add_other[a + i];
                if (add->act != nn::Activation::none) nn::bias_activation(add_out + a, rows, Co, Co, nullptr, add->act);
            };
            const std::size_t pixels = Ho * Wo, M = batch * pixels, K = p.k, nblocks = (M + kBlock - 1) / kBlock;
            for (int part = 0; part < (integer ? 2 : 1); ++part) {
                const float* src = parts[part];
                float* dst = part == 0 ? out : ws.acc_hi.data();
                const float* bias = part == 0 ? p.bias.data() : nullptr;  // the high part carries no bias
                parallel_for(nblocks, threads, [&](std::size_t b0, std::size_t b1, unsigned worker) {
                    if (direct) {  // a 1×1 convolution is a GEMM over all pixels of the batch
                        for (std::size_t b = b0; b < b1; ++b) {
                            const std::size_t r0 = b * kBlock, rows = std::min(kBlock, M - r0);
                            gemm_rows(p, r0, rows, src + r0 * C, C, dst, act, ws, worker, bias);
                            add_rows(r0, rows);
                        }
                        return;
                    }
                    auto& col = ws.cols[worker];
                    if (col.size() < kBlock * K) col.resize(kBlock * K);
                    for (std::size_t b = b0; b < b1; ++b) {
                        const std::size_t r0 = b * kBlock, rows = std::min(kBlock, M - r0);
                        for (std::size_t r = 0; r < rows; ++r) {  // im2col: one row of kh·kw·C per output pixel
                            const std::size_t img = (r0 + r) / pixels, pix = (r0 + r) % pixels;
                            const std::size_t oy = pix / Wo, ox = pix % Wo;
                            const float* image = src + img * in_size;
                            float* d = col.data() + r * K;
                            const std::ptrdiff_t ix0 = static_cast<std::ptrdiff_t>(ox * L.sw) - static_cast<std::ptrdiff_t>(L.pad_left);
                            const bool cols_in = ix0 >= 0 && ix0 + static_cast<std::ptrdiff_t>(L.kw) <= static_cast<std::ptrdiff_t>(W);
                            const std::size_t span = L.kw * C;  // one kernel row: kw·C contiguous floats when inside
                            for (std::size_t ky = 0; ky < L.kh; ++ky, d += span) {
                                const std::ptrdiff_t iy = static_cast<std::ptrdiff_t>(oy * L.sh + ky) - static_cast<std::ptrdiff_t>(L.pad_top);
                                if (iy < 0 || iy >= static_cast<std::ptrdiff_t>(H)) {
                                    std::fill(d, d + span, 0.0f);
                                    continue;
                                }
                                const float* srow = image + static_cast<std::size_t>(iy) * W * C;
                                if (cols_in) {
                                    std::memcpy(d, srow + static_cast<std::size_t>(ix0) * C, span * sizeof(float));
                                    continue;
                                }
                                for (std::size_t kx = 0; kx < L.kw; ++kx) {
                                    const std::ptrdiff_t ix = ix0 + static_cast<std::ptrdiff_t>(kx);
                                    if (ix < 0 || ix >= static_cast<std::ptrdiff_t>(W)) std::fill(d + kx * C, d + (kx + 1) * C, 0.0f);
                                    else std::memcpy(d + kx * C, srow + static_cast<std::size_t>(ix) * C, C * sizeof(float));
                                }
                            }
                        }
                        gemm_rows(p, 0, rows, col.data(), K, dst + r0 * p.n, act, ws, worker, bias);
                        add_rows(r0, rows);
                    }
                });
            }
            if (integer)  // exact accumulator, rounded to float once
                for (std::size_t i = 0; i < out_n; ++i)
                    out[i] = static_cast<float>(16.0 * static_cast<double>(ws.acc_hi[i]) + static_cast<double>(out[i]));
            break;
        }
        case CnnOp::max_pool:
        case CnnOp::avg_pool: {
            const bool mx = L.op == CnnOp::max_pool;
            parallel_for(batch * Ho, threads, [&](std::size_t b, std::size_t e, unsigned) {
                std::vector<float> acc(C);
                for (std::size_t row = b; row < e; ++row) {
                    const std::size_t oy = row % Ho;
                    const float* image = in + (row / Ho) * in_size;
                    for (std::size_t ox = 0; ox < Wo; ++ox) {
                        std::fill(acc.begin(), acc.end(), mx ? -std::numeric_limits<float>::infinity() : 0.0f);
                        std::size_t count = 0;
                        for (std::size_t ky = 0; ky < L.kh; ++ky) {
                            const std::ptrdiff_t iy = static_cast<std::ptrdiff_t>(oy * L.sh + ky) - static_cast<std::ptrdiff_t>(L.pad_top);
                            if (iy < 0 || iy >= static_cast<std::ptrdiff_t>(H)) continue;
                            for (std::size_t kx = 0; kx < L.kw; ++kx) {
                                const std::ptrdiff_t ix = static_cast<std::ptrdiff_t>(ox * L.sw + kx) - static_cast<std::ptrdiff_t>(L.pad_left);
                                if (ix < 0 || ix >= static_cast<std::ptrdiff_t>(W)) continue;
                                const float* ip = image + (static_cast<std::size_t>(iy) * W + static_cast<std::size_t>(ix)) * C;
                                ++count;
                                if (mx) for (std::size_t c = 0; c < C; ++c) acc[c] = std::max(acc[c], ip[c]);
                                else for (std::size_t c = 0; c < C; ++c) acc[c] += ip[c];
                            }
                        }
                        float* o = out + (row * Wo + ox) * C;
                        // Average pools divide by the taps inside the input (TFLite; PyTorch count_include_pad=False).
                        // Integer layers keep the sum: the requantization scale holds 1 / taps.
                        const float inv = integer ? 1.0f : (count ? 1.0f / static_cast<float>(count) : 0.0f);
                        for (std::size_t c = 0; c < C; ++c) o[c] = mx ? (count ? acc[c] : 0.0f) : acc[c] * inv;
                        if (act != nn::Activation::none) nn::bias_activation(o, 1, C, C, nullptr, act);
                    }
                }
            });
            break;
        }
        case CnnOp::add: {
            const auto& s1 = graph_.shapes[L.inputs[1]];
            const std::size_t in1_size = s1[0] * s1[1] * s1[2];
            const float* in1 = value(ws, L.inputs[1], batch);
            if (integer) in1 = to_int(1, in1, batch * in1_size);
            const float ka = integer ? L.int_requant[0] : 1.0f, kb = integer ? L.int_requant[1] : 1.0f;
            if (si == s1) {  // same shapes (every residual but face-api's padded shortcuts)
                if (integer) for (std::size_t i = 0; i < out_n; ++i) out[i] = in[i] * ka + in1[i] * kb;
                else for (std::size_t i = 0; i < out_n; ++i) out[i] = in[i] + in1[i];
            } else {
                for (std::size_t img = 0; img < batch; ++img) {
                    const float* a0 = in + img * in_size;
                    const float* b0 = in1 + img * in1_size;
                    for (std::size_t y = 0; y < Ho; ++y)
                        for (std::size_t x = 0; x < Wo; ++x) {
                            float* o = out + img * out_size + (y * Wo + x) * Co;
                            const bool a_in = y < H && x < W, b_in = y < s1[0] && x < s1[1];
                            for (std::size_t c = 0; c < Co; ++c) {
                                const float a = (a_in && c < C) ? a0[(y * W + x) * C + c] : 0.0f;
                                const float bv = (b_in && c < s1[2]) ? b0[(y * s1[1] + x) * s1[2] + c] : 0.0f;
                                o[c] = integer ? a * ka + bv * kb : a + bv;
                            }
                        }
                }
            }
            if (act != nn::Activation::none) nn::bias_activation(out, batch * Ho * Wo, Co, Co, nullptr, act);
            break;
        }
        case CnnOp::mean: {
            std::vector<double> acc(C);  // float64 sums: exact enough that the order does not matter
            for (std::size_t img = 0; img < batch; ++img) {
                std::fill(acc.begin(), acc.end(), 0.0);
                const float* image = in + img * in_size;
                for (std::size_t i = 0; i < H * W; ++i)
                    for (std::size_t c = 0; c < C; ++c) acc[c] += image[i * C + c];
                float* o = out + img * out_size;
                for (std::size_t c = 0; c < C; ++c)
                    o[c] = integer ? static_cast<float>(acc[c]) : static_cast<float>(acc[c] / static_cast<double>(H * W));
            }
            if (act != nn::Activation::none) nn::bias_activation(out, batch, C, C, nullptr, act);
            break;
        }
        case CnnOp::linear:
            gemm_rows(p, 0, batch, in, p.k, out, L.act, ws, 0, p.bias.data());
            break;
        case CnnOp::softmax: {
            for (std::size_t i = 0; i < batch * H * W; ++i) {
                const float* x = in + i * C;
                float* o = out + i * C;
                float m = -std::numeric_limits<float>::infinity();
                for (std::size_t c = 0; c < C; ++c) m = std::max(m, x[c]);
                double sum = 0.0;
                for (std::size_t c = 0; c < C; ++c) sum += std::exp(static_cast<double>(x[c] - m));
                for (std::size_t c = 0; c < C; ++c) o[c] = static_cast<float>(std::exp(static_cast<double>(x[c] - m)) / sum);
            }
            break;
        }
    }
    if (L.quant.scale > 0.0f) {  // TFLite requantization of the output (round half to even, as XNNPACK)
        const float s = L.quant.scale, inv = 1.0f / s;
        const float zp = static_cast<float>(L.quant.zero_point), lo = static_cast<float>(L.quant.qmin), hi = static_cast<float>(L.quant.qmax);
        if (integer && (L.op == CnnOp::conv)) {  // per-channel scale on the exact accumulator
            const std::size_t n = out_n / Co;
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t c = 0; c < Co; ++c) {
                    float& v = out[i * Co + c];
                    const float q = std::min(std::max(std::nearbyint(v * p.requant[c]) + zp, lo), hi);
                    v = (q - zp) * s;
                }
        } else if (integer && L.op != CnnOp::add) {  // pools and mean: sum · (scale_in / scale_out / taps)
            const float k = L.int_requant[0];
            for (std::size_t i = 0; i < out_n; ++i) out[i] = (std::min(std::max(std::nearbyint(out[i] * k) + zp, lo), hi) - zp) * s;
        } else if (integer) {  // add: the sum is already in output steps
            for (std::size_t i = 0; i < out_n; ++i) out[i] = (std::min(std::max(std::nearbyint(out[i]) + zp, lo), hi) - zp) * s;
        } else {
            for (std::size_t i = 0; i < out_n; ++i) out[i] = (std::min(std::max(std::nearbyint(out[i] * inv) + zp, lo), hi) - zp) * s;
        }
    }
}

SEMVEC_API void CnnEncoder::forward(std::size_t n, const float* const* inputs, float* const* embeddings, float* const* logits,
                                    CnnWorkspace& ws, unsigned threads) const {
    if (n == 0) return;
    const unsigned t = std::max(1u, threads);
    if (ws.cols.size() < t) ws.cols.resize(t);
    if (ws.qcols.size() < t) ws.qcols.resize(t);
    if (ws.qscales.size() < t) ws.qscales.resize(t);
    const std::size_t need = arena_per_image_ * n;
    if (ws.arena_floats < need) {  // grows only: no allocation and no zero-filling on later calls
        ws.arena_storage.reset();
        ws.arena_storage.reset(new float[need + 16]);
        const auto addr = reinterpret_cast<std::uintptr_t>(ws.arena_storage.get());
        ws.arena = ws.arena_storage.get() + ((64 - addr % 64) % 64) / sizeof(float);
        ws.arena_floats = need;
    }
    const auto& s0 = graph_.shapes[0];
    const std::size_t in_size = s0[0] * s0[1] * s0[2];
    float* x = value(ws, 0, n);
    for (std::size_t i = 0; i < n; ++i) std::memcpy(x + i * in_size, inputs[i], in_size * sizeof(float));
    for (std::size_t li = 0; li < graph_.layers.size(); li += fused_add_[li] ? 2 : 1) run_layer(li, n, ws, t);
    const std::size_t D = embedding_dim(), NC = num_classes();
    const float* e = value(ws, graph_.embedding_value, n);
    for (std::size_t i = 0; i < n; ++i) std::memcpy(embeddings[i], e + i * D, D * sizeof(float));
    if (logits && graph_.logits_value) {
        const float* l = value(ws, graph_.logits_value, n);
        for (std::size_t i = 0; i < n; ++i) std::memcpy(logits[i], l + i * NC, NC * sizeof(float));
    }
}

}  // namespace semvec
#endif
