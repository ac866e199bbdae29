// semvec/model/model_file.hpp — the semvec model file: metadata schema, canonical tensor names, checks.
//
// A semvec model is one safetensors file (docs/model-format.md). read_model_info() parses its `semvec.*`
// metadata and checks, before any weight is used, that every tensor the architecture needs is present with
// the shape the config implies and a dtype the format allows. Every failure is an Error that names the
// metadata key or the tensor at fault, so a broken or hand-edited file never reaches the encoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "../io/dtype.hpp"
#include "../io/safetensors.hpp"
#include "../nn/activation.hpp"
#include "../result.hpp"
#include "../text/tokenizer.hpp"

namespace semvec {

/// The model families a semvec file can hold.
enum class Architecture { bert, distilbert, static_vectors };  // "static" in files (a C++ keyword here)

/// Storage type of the weight matrices (`semvec.dtype`).
enum class WeightType { f32, f16, bf16, int8 };

/// How token vectors become one vector per text.
enum class PoolingMode { cls, mean, max };

/// Where static word vectors came from (`semvec.config.format`); it decides nothing but is reported.
enum class StaticFormat { glove, word2vec, model2vec };

inline const char* architecture_name(Architecture a) {
    switch (a) {
        case Architecture::bert: return "bert";
        case Architecture::distilbert: return "distilbert";
        case Architecture::static_vectors: return "static";
    }
    return "?";
}
inline const char* weight_type_name(WeightType w) {
    switch (w) {
        case WeightType::f32: return "f32";
        case WeightType::f16: return "f16";
        case WeightType::bf16: return "bf16";
        case WeightType::int8: return "int8";
    }
    return "?";
}
/// The file's (Hugging Face) name of a feed-forward activation: gelu = erf form, gelu_new = tanh form.
inline const char* activation_name(nn::Activation a) {
    switch (a) {
        case nn::Activation::gelu_erf: return "gelu";
        case nn::Activation::gelu_tanh: return "gelu_new";
        case nn::Activation::relu: return "relu";
        case nn::Activation::silu: return "silu";
        case nn::Activation::relu6: return "relu6";
        case nn::Activation::none: return "none";
    }
    return "?";
}
inline const char* pooling_name(PoolingMode p) {
    switch (p) {
        case PoolingMode::cls: return "cls";
        case PoolingMode::mean: return "mean";
        case PoolingMode::max: return "max";
    }
    return "?";
}

/// Hyper-parameters of a BERT / DistilBERT file (`semvec.config`). Sizes are bounded by read_model_info so
/// that every product of two of them fits comfortably in 64 bits.
struct TransformerConfig {
    std::size_t hidden_size = 0;              ///< H
    std::size_t num_layers = 0;
    std::size_t num_heads = 0;                ///< divides H
    std::size_t intermediate_size = 0;        ///< I
    std::size_t max_position_embeddings = 0;  ///< P
    std::size_t type_vocab_size = 0;          ///< T; 0 for DistilBERT
    std::size_t vocab_size = 0;               ///< V
    nn::Activation hidden_act = nn::Activation::gelu_erf;
    double layer_norm_eps = 1e-12;
    std::size_t pad_token_id = 0;
    bool has_pooler = false;                  ///< pooler.weight/.bias present (BERT only)
    std::size_t head_dim() const { return num_heads ? hidden_size / num_heads : 0; }
};

/// Hyper-parameters of a static word-vector file.
struct StaticConfig {
    std::size_t dim = 0;         ///< D
    std::size_t vocab_size = 0;  ///< V
    StaticFormat format = StaticFormat::glove;
};

/// The file's default pooling (`semvec.pooling`).
struct PoolingConfig {
    PoolingMode mode = PoolingMode::mean;
    bool normalize = false;
    std::string source;  ///< "sentence-transformers", "model2vec", "default", "user", ...
};

/// Tokenizer settings (`semvec.tokenizer`). The raw JSON is kept for the tokenizer loader; the fields that
/// read_model_info checks are parsed here too.
struct TokenizerInfo {
    std::string type;                 ///< "wordpiece" or "words"
    std::string json;                 ///< the whole `semvec.tokenizer` value (a JSON object)
    std::size_t max_length = 0;       ///< longest input in tokens, special tokens included (0: unlimited, static only)
    std::string unk_token, cls_token, sep_token, pad_token, mask_token;  ///< empty when absent
};

/// Everything a loader needs to know about a semvec model file, checked.
struct ModelFileInfo {
    int format_version = 1;
    Architecture architecture = Architecture::bert;
    WeightType weight_type = WeightType::f32;
    TransformerConfig transformer;     ///< valid for Bert / DistilBert
    StaticConfig static_config;        ///< valid for Static
    PoolingConfig pooling;
    TokenizerInfo tokenizer;
    std::vector<std::string> vocab;    ///< token (or word) of each id, `vocab_size` entries
    std::string source_note;           ///< `semvec.source`, free text (may be empty)

    bool is_transformer() const { return architecture != Architecture::static_vectors; }
    /// Output vector size: H for transformers, D for static vectors.
    std::size_t dim() const { return is_transformer() ? transformer.hidden_size : static_config.dim; }
};

/// Metadata keys.
namespace model_keys {
inline constexpr const char* kFormat = "semvec.format";
inline constexpr const char* kArchitecture = "semvec.architecture";
inline constexpr const char* kDtype = "semvec.dtype";
inline constexpr const char* kConfig = "semvec.config";
inline constexpr const char* kTokenizer = "semvec.tokenizer";
inline constexpr const char* kVocab = "semvec.vocab";
inline constexpr const char* kPooling = "semvec.pooling";
inline constexpr const char* kSource = "semvec.source";
}  // namespace model_keys

/// The newest format version this header reads.
inline constexpr int kModelFormatVersion = 1;

/// Canonical tensor names (docs/model-format.md).
namespace tensor_names {
inline constexpr const char* kWordEmbeddings = "embeddings.word";
inline constexpr const char* kPositionEmbeddings = "embeddings.position";
inline constexpr const char* kTokenTypeEmbeddings = "embeddings.token_type";
inline constexpr const char* kEmbeddingsNormWeight = "embeddings.norm.weight";
inline constexpr const char* kEmbeddingsNormBias = "embeddings.norm.bias";
inline constexpr const char* kPoolerWeight = "pooler.weight";
inline constexpr const char* kPoolerBias = "pooler.bias";
/// "layers.{i}.{suffix}", e.g. layer(3, "attn.qkv.weight").
inline std::string layer(std::size_t i, std::string_view suffix) {
    return "layers." + std::to_string(i) + "." + std::string(suffix);
}
/// The per-layer suffixes, in the order the encoder uses them.
inline constexpr const char* kLayerAttnQkvWeight = "attn.qkv.weight";   // [3H, H], rows Q then K then V
inline constexpr const char* kLayerAttnQkvBias = "attn.qkv.bias";       // [3H]
inline constexpr const char* kLayerAttnOutWeight = "attn.out.weight";   // [H, H]
inline constexpr const char* kLayerAttnOutBias = "attn.out.bias";       // [H]
inline constexpr const char* kLayerAttnNormWeight = "attn.norm.weight"; // [H]
inline constexpr const char* kLayerAttnNormBias = "attn.norm.bias";     // [H]
inline constexpr const char* kLayerFfnUpWeight = "ffn.up.weight";       // [I, H]
inline constexpr const char* kLayerFfnUpBias = "ffn.up.bias";           // [I]
inline constexpr const char* kLayerFfnDownWeight = "ffn.down.weight";   // [H, I]
inline constexpr const char* kLayerFfnDownBias = "ffn.down.bias";       // [H]
inline constexpr const char* kLayerFfnNormWeight = "ffn.norm.weight";   // [H]
inline constexpr const char* kLayerFfnNormBias = "ffn.norm.bias";       // [H]
/// Suffix of the per-output-channel scales of an int8 matrix: "X.weight" → "X.weight_scale".
inline constexpr const char* kScaleSuffix = "_scale";
}  // namespace tensor_names

/// Upper bounds on config values: far above any real model, low enough that products cannot overflow.
namespace model_limits {
inline constexpr std::size_t kMaxHidden = 1u << 16;
inline constexpr std::size_t kMaxLayers = 1024;
inline constexpr std::size_t kMaxIntermediate = 1u << 18;
inline constexpr std::size_t kMaxPositions = 1u << 20;
inline constexpr std::size_t kMaxTypeVocab = 1u << 16;
inline constexpr std::size_t kMaxVocab = 1u << 24;
}  // namespace model_limits

/// What a tensor must look like.
struct ExpectedTensor {
    std::string name;
    std::vector<std::int64_t> shape;
    enum class Kind { matrix, embedding, vector } kind = Kind::matrix;  ///< decides the allowed dtypes
    bool required = true;
};

namespace detail {

inline Error model_error(const SafetensorsFile& file, std::string item, std::string message) {
    return make_error(std::move(message), file.source(), std::move(item));
}

/// Parses a metadata value that must hold JSON of the given kind.
inline Result<nlohmann::json> metadata_json(const SafetensorsFile& file, const char* key, bool want_array) {
    const std::string* v = file.metadata_value(key);
    if (!v) return model_error(file, std::string("metadata '") + key + "'", "missing (is this a semvec model file? convert it with scripts/convert.py)");
    nlohmann::json j = nlohmann::json::parse(v->begin(), v->end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return model_error(file, std::string("metadata '") + key + "'", "is not valid JSON");
    if (want_array ? !j.is_array() : !j.is_object())
        return model_error(file, std::string("metadata '") + key + "'", want_array ? "must be a JSON array" : "must be a JSON object");
    return j;
}

/// An integer field of `obj` in [lo, hi].
inline Result<std::size_t> json_size(const SafetensorsFile& file, const nlohmann::json& obj, const char* key,
                                     const char* field, std::size_t lo, std::size_t hi) {
    const std::string item = std::string("metadata '") + key + "' field '" + field + "'";
    auto it = obj.find(field);
    if (it == obj.end()) return model_error(file, item, "missing");
    if (!it->is_number_integer()) return model_error(file, item, "must be an integer, got " + detail::json_preview(*it));
    if (!it->is_number_unsigned()) return model_error(file, item, "must not be negative, got " + detail::json_preview(*it));
    const std::uint64_t v = it->get<std::uint64_t>();
    if (v < lo || v > hi)
        return model_error(file, item, std::to_string(v) + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return static_cast<std::size_t>(v);
}

inline Result<bool> json_bool(const SafetensorsFile& file, const nlohmann::json& obj, const char* key, const char* field,
                              std::optional<bool> fallback) {
    const std::string item = std::string("metadata '") + key + "' field '" + field + "'";
    auto it = obj.find(field);
    if (it == obj.end()) {
        if (fallback) return *fallback;
        return model_error(file, item, "missing");
    }
    if (!it->is_boolean()) return model_error(file, item, "must be true or false, got " + detail::json_preview(*it));
    return it->get<bool>();
}

inline Result<std::string> json_string(const SafetensorsFile& file, const nlohmann::json& obj, const char* key,
                                       const char* field, std::optional<std::string> fallback) {
    const std::string item = std::string("metadata '") + key + "' field '" + field + "'";
    auto it = obj.find(field);
    if (it == obj.end() || it->is_null()) {
        if (fallback) return *fallback;
        return model_error(file, item, "missing");
    }
    if (!it->is_string()) return model_error(file, item, "must be a string, got " + detail::json_preview(*it));
    return it->get<std::string>();
}

inline std::string shape_str(const std::vector<std::int64_t>& s) {
    std::string out = "[";
    for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

inline Status parse_transformer_config(const SafetensorsFile& file, const nlohmann::json& c, bool distil,
                                       TransformerConfig& t) {
    using namespace model_limits;
    const char* K = model_keys::kConfig;
    auto get = [&](const char* f, std::size_t lo, std::size_t hi, std::size_t& out) -> Status {
        auto r = json_size(file, c, K, f, lo, hi);
        if (!r) return r.error();
        out = *r;
        return {};
    };
    SEMVEC_TRY_STATUS(get("hidden_size", 1, kMaxHidden, t.hidden_size));
    SEMVEC_TRY_STATUS(get("num_layers", 1, kMaxLayers, t.num_layers));
    SEMVEC_TRY_STATUS(get("num_heads", 1, kMaxHidden, t.num_heads));
    SEMVEC_TRY_STATUS(get("intermediate_size", 1, kMaxIntermediate, t.intermediate_size));
    SEMVEC_TRY_STATUS(get("max_position_embeddings", 1, kMaxPositions, t.max_position_embeddings));
    SEMVEC_TRY_STATUS(get("type_vocab_size", 0, kMaxTypeVocab, t.type_vocab_size));
    SEMVEC_TRY_STATUS(get("vocab_size", 1, kMaxVocab, t.vocab_size));
    SEMVEC_TRY_STATUS(get("pad_token_id", 0, kMaxVocab, t.pad_token_id));
    if (t.hidden_size % t.num_heads != 0)
        return model_error(file, std::string("metadata '") + K + "' field 'num_heads'",
                           "hidden_size " + std::to_string(t.hidden_size) + " is not divisible by num_heads " +
                               std::to_string(t.num_heads));
    if (t.pad_token_id >= t.vocab_size)
        return model_error(file, std::string("metadata '") + K + "' field 'pad_token_id'",
                           std::to_string(t.pad_token_id) + " is not below vocab_size " + std::to_string(t.vocab_size));
    if (distil && t.type_vocab_size != 0)
        return model_error(file, std::string("metadata '") + K + "' field 'type_vocab_size'", "must be 0 for distilbert");
    if (!distil && t.type_vocab_size == 0)
        return model_error(file, std::string("metadata '") + K + "' field 'type_vocab_size'", "must be at least 1 for bert");
    auto act = json_string(file, c, K, "hidden_act", std::nullopt);
    if (!act) return act.error();
    if (*act == "gelu") t.hidden_act = nn::Activation::gelu_erf;
    else if (*act == "gelu_new") t.hidden_act = nn::Activation::gelu_tanh;
    else if (*act == "relu") t.hidden_act = nn::Activation::relu;
    else if (*act == "silu") t.hidden_act = nn::Activation::silu;
    else
        return model_error(file, std::string("metadata '") + K + "' field 'hidden_act'",
                           "'" + *act + "' is not supported (gelu, gelu_new, relu, silu)");
    auto eps = c.find("layer_norm_eps");
    const std::string eps_item = std::string("metadata '") + K + "' field 'layer_norm_eps'";
    if (eps == c.end()) return model_error(file, eps_item, "missing");
    if (!eps->is_number()) return model_error(file, eps_item, "must be a number, got " + detail::json_preview(*eps));
    t.layer_norm_eps = eps->get<double>();
    if (!(t.layer_norm_eps > 0.0 && t.layer_norm_eps < 1.0)) return model_error(file, eps_item, "must be in (0, 1), got " + detail::json_preview(*eps));
    auto pooler = json_bool(file, c, K, "has_pooler", false);
    if (!pooler) return pooler.error();
    t.has_pooler = *pooler && !distil;
    return {};
}

inline bool dtype_allowed(ExpectedTensor::Kind kind, WeightType w, Dtype d) {
    switch (kind) {
        case ExpectedTensor::Kind::vector: return d == Dtype::f32;
        case ExpectedTensor::Kind::embedding:
            switch (w) {
                case WeightType::f32: return d == Dtype::f32;
                case WeightType::f16: return d == Dtype::f16 || d == Dtype::f32;
                case WeightType::bf16: return d == Dtype::bf16 || d == Dtype::f32;
                case WeightType::int8: return d == Dtype::f32 || d == Dtype::f16 || d == Dtype::bf16;
            }
            return false;
        case ExpectedTensor::Kind::matrix:
            switch (w) {
                case WeightType::f32: return d == Dtype::f32;
                case WeightType::f16: return d == Dtype::f16;
                case WeightType::bf16: return d == Dtype::bf16;
                case WeightType::int8: return d == Dtype::i8;
            }
            return false;
    }
    return false;
}

inline const char* allowed_dtypes(ExpectedTensor::Kind kind, WeightType w) {
    switch (kind) {
        case ExpectedTensor::Kind::vector: return "F32";
        case ExpectedTensor::Kind::embedding:
            switch (w) {
                case WeightType::f32: return "F32";
                case WeightType::f16: return "F16 or F32";
                case WeightType::bf16: return "BF16 or F32";
                case WeightType::int8: return "F32, F16 or BF16";
            }
            return "?";
        case ExpectedTensor::Kind::matrix:
            switch (w) {
                case WeightType::f32: return "F32";
                case WeightType::f16: return "F16";
                case WeightType::bf16: return "BF16";
                case WeightType::int8: return "I8 (with an F32 '_scale' per output row)";
            }
            return "?";
    }
    return "?";
}

}  // namespace detail

/// The tensors that a file of this architecture and config must (or may) hold, with their shapes.
inline std::vector<ExpectedTensor> expected_tensors(const ModelFileInfo& info) {
    using K = ExpectedTensor::Kind;
    namespace tn = tensor_names;
    std::vector<ExpectedTensor> out;
    auto I = [](std::size_t v) { return static_cast<std::int64_t>(v); };
    if (info.architecture == Architecture::static_vectors) {
        out.push_back({tn::kWordEmbeddings, {I(info.static_config.vocab_size), I(info.static_config.dim)}, K::embedding, true});
        return out;
    }
    const TransformerConfig& t = info.transformer;
    const std::int64_t H = I(t.hidden_size), In = I(t.intermediate_size);
    out.push_back({tn::kWordEmbeddings, {I(t.vocab_size), H}, K::embedding, true});
    out.push_back({tn::kPositionEmbeddings, {I(t.max_position_embeddings), H}, K::embedding, true});
    if (info.architecture == Architecture::bert)
        out.push_back({tn::kTokenTypeEmbeddings, {I(t.type_vocab_size), H}, K::embedding, true});
    out.push_back({tn::kEmbeddingsNormWeight, {H}, K::vector, true});
    out.push_back({tn::kEmbeddingsNormBias, {H}, K::vector, true});
    for (std::size_t i = 0; i < t.num_layers; ++i) {
        out.push_back({tn::layer(i, tn::kLayerAttnQkvWeight), {3 * H, H}, K::matrix, true});
        out.push_back({tn::layer(i, tn::kLayerAttnQkvBias), {3 * H}, K::vector, true});
        out.push_back({tn::layer(i, tn::kLayerAttnOutWeight), {H, H}, K::matrix, true});
        out.push_back({tn::layer(i, tn::kLayerAttnOutBias), {H}, K::vector, true});
        out.push_back({tn::layer(i, tn::kLayerAttnNormWeight), {H}, K::vector, true});
        out.push_back({tn::layer(i, tn::kLayerAttnNormBias), {H}, K::vector, true});
        out.push_back({tn::layer(i, tn::kLayerFfnUpWeight), {In, H}, K::matrix, true});
        out.push_back({tn::layer(i, tn::kLayerFfnUpBias), {In}, K::vector, true});
        out.push_back({tn::layer(i, tn::kLayerFfnDownWeight), {H, In}, K::matrix, true});
        out.push_back({tn::layer(i, tn::kLayerFfnDownBias), {H}, K::vector, true});
        out.push_back({tn::layer(i, tn::kLayerFfnNormWeight), {H}, K::vector, true});
        out.push_back({tn::layer(i, tn::kLayerFfnNormBias), {H}, K::vector, true});
    }
    if (info.architecture == Architecture::bert && t.has_pooler) {
        out.push_back({tn::kPoolerWeight, {H, H}, K::matrix, true});
        out.push_back({tn::kPoolerBias, {H}, K::vector, true});
    }
    return out;
}

/// Checks one tensor against its expectation (presence, shape, dtype, int8 scales).
inline Status check_tensor(const SafetensorsFile& file, const ExpectedTensor& e, WeightType w) {
    const std::string item = "tensor '" + e.name + "'";
    const TensorView* t = file.find(e.name);
    if (!t) {
        if (!e.required) return {};
        return detail::model_error(file, item, "missing (expected shape " + detail::shape_str(e.shape) + ")");
    }
    if (t->shape != e.shape)
        return detail::model_error(file, item, "has shape " + t->shape_string() + ", expected " + detail::shape_str(e.shape) +
                                                   " from semvec.config");
    if (!detail::dtype_allowed(e.kind, w, t->dtype))
        return detail::model_error(file, item, std::string("has dtype ") + dtype_name(t->dtype) + "; a " + weight_type_name(w) +
                                                   " file stores it as " + detail::allowed_dtypes(e.kind, w));
    if (e.kind == ExpectedTensor::Kind::matrix && w == WeightType::int8) {
        const std::string sname = e.name + tensor_names::kScaleSuffix;
        const TensorView* s = file.find(sname);
        const std::vector<std::int64_t> want{e.shape[0]};
        if (!s) return detail::model_error(file, "tensor '" + sname + "'", "missing (the int8 scales of '" + e.name + "')");
        if (s->shape != want || s->dtype != Dtype::f32)
            return detail::model_error(file, "tensor '" + sname + "'",
                                       std::string("must be F32 ") + detail::shape_str(want) + ", got " + dtype_name(s->dtype) +
                                           " " + s->shape_string());
    }
    return {};
}

/// Parses and checks the semvec metadata and the tensors of `file`. The result is self-contained (it holds
/// no pointer into the file).
inline Result<ModelFileInfo> read_model_info(const SafetensorsFile& file) {
    using detail::model_error;
    namespace mk = model_keys;
    ModelFileInfo info;

    // Format version.
    const std::string* fmt = file.metadata_value(mk::kFormat);
    if (!fmt)
        return model_error(file, std::string("metadata '") + mk::kFormat + "'",
                           "missing: this is not a semvec model file (convert it with scripts/convert.py)");
    if (*fmt != "1")
        return model_error(file, std::string("metadata '") + mk::kFormat + "'",
                           "version '" + *fmt + "' is not supported (this semvec reads version " +
                               std::to_string(kModelFormatVersion) + ")");
    info.format_version = 1;

    // Architecture.
    const std::string* arch = file.metadata_value(mk::kArchitecture);
    const std::string arch_item = std::string("metadata '") + mk::kArchitecture + "'";
    if (!arch) return model_error(file, arch_item, "missing");
    if (*arch == "bert") info.architecture = Architecture::bert;
    else if (*arch == "distilbert") info.architecture = Architecture::distilbert;
    else if (*arch == "static") info.architecture = Architecture::static_vectors;
    else return model_error(file, arch_item, "unknown architecture '" + *arch + "' (known: bert, distilbert, static)");

    // Weight dtype.
    const std::string* dt = file.metadata_value(mk::kDtype);
    const std::string dt_item = std::string("metadata '") + mk::kDtype + "'";
    if (!dt) return model_error(file, dt_item, "missing");
    if (*dt == "f32") info.weight_type = WeightType::f32;
    else if (*dt == "f16") info.weight_type = WeightType::f16;
    else if (*dt == "bf16") info.weight_type = WeightType::bf16;
    else if (*dt == "int8") info.weight_type = WeightType::int8;
    else return model_error(file, dt_item, "unknown dtype '" + *dt + "' (known: f32, f16, bf16, int8)");
    if (info.architecture == Architecture::static_vectors && info.weight_type == WeightType::int8)
        return model_error(file, dt_item, "int8 is for transformer weight matrices; static vectors are f32, f16 or bf16");

    // Config.
    auto config = detail::metadata_json(file, mk::kConfig, false);
    if (!config) return config.error();
    std::size_t vocab_size = 0;
    if (info.is_transformer()) {
        SEMVEC_TRY_STATUS(detail::parse_transformer_config(file, *config, info.architecture == Architecture::distilbert,
                                                           info.transformer));
        vocab_size = info.transformer.vocab_size;
    } else {
        auto d = detail::json_size(file, *config, mk::kConfig, "dim", 1, model_limits::kMaxHidden);
        if (!d) return d.error();
        auto v = detail::json_size(file, *config, mk::kConfig, "vocab_size", 1, model_limits::kMaxVocab);
        if (!v) return v.error();
        auto f = detail::json_string(file, *config, mk::kConfig, "format", std::string("glove"));
        if (!f) return f.error();
        info.static_config.dim = *d;
        info.static_config.vocab_size = *v;
        if (*f == "glove") info.static_config.format = StaticFormat::glove;
        else if (*f == "word2vec") info.static_config.format = StaticFormat::word2vec;
        else if (*f == "model2vec") info.static_config.format = StaticFormat::model2vec;
        else
            return model_error(file, std::string("metadata '") + mk::kConfig + "' field 'format'",
                               "unknown static format '" + *f + "' (glove, word2vec, model2vec)");
        vocab_size = *v;
    }

    // Vocab: one string per id, no duplicates (a duplicate would make word → id ambiguous).
    auto vocab = detail::metadata_json(file, mk::kVocab, true);
    if (!vocab) return vocab.error();
    const std::string vocab_item = std::string("metadata '") + mk::kVocab + "'";
    if (vocab->size() != vocab_size)
        return model_error(file, vocab_item,
                           "holds " + std::to_string(vocab->size()) + " entries but semvec.config says vocab_size " +
                               std::to_string(vocab_size));
    info.vocab.reserve(vocab->size());
    for (std::size_t i = 0; i < vocab->size(); ++i) {
        const auto& e = (*vocab)[i];
        if (!e.is_string()) return model_error(file, vocab_item, "entry " + std::to_string(i) + " is not a string");
        info.vocab.push_back(e.get<std::string>());
    }
    {
        std::unordered_set<std::string_view> seen;
        seen.reserve(info.vocab.size());
        for (std::size_t i = 0; i < info.vocab.size(); ++i)
            if (!seen.insert(info.vocab[i]).second)
                return model_error(file, vocab_item, "entry " + std::to_string(i) + " ('" + info.vocab[i] + "') is a duplicate");
    }

    // Tokenizer.
    auto tok = detail::metadata_json(file, mk::kTokenizer, false);
    if (!tok) return tok.error();
    {
        const char* K = mk::kTokenizer;
        auto type = detail::json_string(file, *tok, K, "type", std::nullopt);
        if (!type) return type.error();
        const bool pipeline = *type == "bpe" || *type == "unigram";
        if (*type != "wordpiece" && *type != "words" && !pipeline)
            return model_error(file, std::string("metadata '") + K + "' field 'type'",
                               "unknown tokenizer type '" + *type + "' (wordpiece, words, bpe, unigram)");
        if (info.is_transformer() && *type == "words")
            return model_error(file, std::string("metadata '") + K + "' field 'type'", "a transformer needs a wordpiece, bpe or unigram tokenizer");
        info.tokenizer.type = *type;
        info.tokenizer.json = *file.metadata_value(K);
        const std::size_t max_hi = info.is_transformer() ? info.transformer.max_position_embeddings : model_limits::kMaxPositions;
        if (tok->contains("max_length")) {
            auto ml = detail::json_size(file, *tok, K, "max_length", info.is_transformer() ? 2 : 0, max_hi);
            if (!ml) return ml.error();
            info.tokenizer.max_length = *ml;
        } else if (info.is_transformer()) {
            return model_error(file, std::string("metadata '") + K + "' field 'max_length'", "missing");
        }
        if (pipeline) {
            // BPE / Unigram: the tokenizer reader checks the whole description (semvec/text/tokenizer.hpp).
            auto t = Tokenizer::from_model_metadata(file.metadata());
            if (!t) return model_error(file, std::string("metadata '") + K + "'", t.error().message);
            if (t->vocab_size() > info.vocab.size() + 1'000'000)
                return model_error(file, std::string("metadata '") + K + "'", "added tokens lie far past semvec.vocab");
        } else {
            // Optional fields: when present they must have the documented JSON type (validation only: the defaults
            // are applied by the one reader of these fields, Tokenizer::options_from_metadata).
            for (const char* b : {"do_lower_case", "tokenize_chinese_chars", "clean_text"}) {
                auto it = tok->find(b);
                if (it != tok->end() && !it->is_boolean())
                    return model_error(file, std::string("metadata '") + K + "' field '" + b + "'", "must be true or false, got " + detail::json_preview(*it));
            }
            if (auto it = tok->find("strip_accents"); it != tok->end() && !it->is_boolean() && !it->is_null())
                return model_error(file, std::string("metadata '") + K + "' field 'strip_accents'", "must be null, true or false, got " + detail::json_preview(*it));
            for (const char* str : {"continuing_subword_prefix", "prefix"}) {
                auto it = tok->find(str);
                if (it != tok->end() && !it->is_string())
                    return model_error(file, std::string("metadata '") + K + "' field '" + str + "'", "must be a string, got " + detail::json_preview(*it));
            }
            if (auto it = tok->find("max_input_chars_per_word"); it != tok->end() && !it->is_number_unsigned())
                return model_error(file, std::string("metadata '") + K + "' field 'max_input_chars_per_word'", "must be a non-negative integer, got " + detail::json_preview(*it));
            if (auto it = tok->find("added_tokens"); it != tok->end()) {
                if (!it->is_array())
                    return model_error(file, std::string("metadata '") + K + "' field 'added_tokens'", "must be an array of strings");
                for (const auto& t : *it)
                    if (!t.is_string())
                        return model_error(file, std::string("metadata '") + K + "' field 'added_tokens'", "holds a non-string: " + detail::json_preview(t));
            }
            std::unordered_set<std::string_view> words(info.vocab.begin(), info.vocab.end());
            struct Special { const char* field; std::string* out; bool needed; };
            const bool wp = *type == "wordpiece";
            const bool tf = info.is_transformer();
            Special specials[] = {{"unk_token", &info.tokenizer.unk_token, wp},
                                  {"cls_token", &info.tokenizer.cls_token, tf},
                                  {"sep_token", &info.tokenizer.sep_token, tf},
                                  {"pad_token", &info.tokenizer.pad_token, tf},
                                  {"mask_token", &info.tokenizer.mask_token, false}};
            for (auto& s : specials) {
                auto v = detail::json_string(file, *tok, K, s.field, s.needed ? std::nullopt : std::optional<std::string>(""));
                if (!v) return v.error();
                *s.out = *v;
                if (!v->empty() && !words.count(*v))
                    return model_error(file, std::string("metadata '") + K + "' field '" + s.field + "'",
                                       "token '" + *v + "' is not in semvec.vocab");
            }
        }
    }

    // Pooling.
    auto pool = detail::metadata_json(file, mk::kPooling, false);
    if (!pool) return pool.error();
    {
        const char* K = mk::kPooling;
        auto mode = detail::json_string(file, *pool, K, "mode", std::nullopt);
        if (!mode) return mode.error();
        if (*mode == "cls") info.pooling.mode = PoolingMode::cls;
        else if (*mode == "mean") info.pooling.mode = PoolingMode::mean;
        else if (*mode == "max") info.pooling.mode = PoolingMode::max;
        else return model_error(file, std::string("metadata '") + K + "' field 'mode'", "unknown pooling '" + *mode + "' (cls, mean, max)");
        if (info.architecture == Architecture::static_vectors && info.pooling.mode != PoolingMode::mean)
            return model_error(file, std::string("metadata '") + K + "' field 'mode'", "static models pool by mean");
        auto norm = detail::json_bool(file, *pool, K, "normalize", std::nullopt);
        if (!norm) return norm.error();
        info.pooling.normalize = *norm;
        auto src = detail::json_string(file, *pool, K, "source", std::string());
        if (!src) return src.error();
        info.pooling.source = *src;
    }
    if (const std::string* s = file.metadata_value(mk::kSource)) info.source_note = *s;

    // Tensors.
    for (const auto& e : expected_tensors(info)) SEMVEC_TRY_STATUS(check_tensor(file, e, info.weight_type));
    if (info.architecture == Architecture::bert && !info.transformer.has_pooler && file.find(tensor_names::kPoolerWeight))
        return model_error(file, std::string("tensor '") + tensor_names::kPoolerWeight + "'",
                           "present but semvec.config says has_pooler false");
    return info;
}

}  // namespace semvec
