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
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../io/dtype.hpp"
#include "../result.hpp"
#include "encoder_config.hpp"

namespace semvec {

class SafetensorsFile;  // semvec/io/safetensors.hpp

/// The model families a semvec file can hold (`semvec.architecture`). A transformer's layer is described by
/// its TransformerConfig (encoder_config.hpp); the family name only labels it and sets what token types mean.
enum class Architecture { bert, distilbert, static_vectors, roberta, mpnet, nomic_bert, modernbert, qwen3 };  // static_vectors: "static" in files

/// Storage type of the weight matrices (`semvec.dtype`).
enum class WeightType { f32, f16, bf16, int8 };

/// How token vectors become one vector per text.
enum class PoolingMode {
    cls,   ///< the first token
    mean,  ///< the mean of the tokens
    max,   ///< the element-wise max of the tokens
    last,  ///< the last token (decoder embedders such as Qwen3-Embedding, whose last token is the appended EOS)
};

/// Where static word vectors came from (`semvec.config.format`); it decides nothing but is reported.
enum class StaticFormat { glove, word2vec, model2vec };

SEMVEC_API const char* architecture_name(Architecture a);

SEMVEC_API std::optional<Architecture> parse_architecture(std::string_view s);

SEMVEC_API const char* weight_type_name(WeightType w);

/// The file's (Hugging Face) name of a feed-forward activation: gelu = erf form, gelu_new = tanh form.
SEMVEC_API const char* activation_name(nn::Activation a);

SEMVEC_API const char* pooling_name(PoolingMode p);

SEMVEC_API std::optional<PoolingMode> parse_pooling_mode(std::string_view s);

/// Hyper-parameters of a static word-vector file.
struct StaticConfig {
    std::size_t dim = 0;         ///< D
    std::size_t vocab_size = 0;  ///< V
    StaticFormat format = StaticFormat::glove;
};

/// The file's default pooling (`semvec.pooling`).
/// A sentence-transformers Dense module after the pooling: y = act(W·x + b), W [out, in].
struct DenseLayer {
    std::size_t in = 0, out = 0;
    bool bias = true;
    bool tanh = false;  ///< activation: tanh, else identity
};

/// The file's pooling (`semvec.pooling`): how token vectors become the output vector.
struct PoolingConfig {
    PoolingMode mode = PoolingMode::mean;
    bool normalize = false;
    std::string source;  ///< "sentence-transformers", "model2vec", "default", "user", ...
    std::vector<DenseLayer> dense;  ///< Dense modules after the pooling, in order (tensors dense.{i}.weight/.bias)
    /// Matryoshka dimensions the model was trained for, largest first (EncodeOptions::dimensions accepts
    /// these): empty = none declared.
    std::vector<std::size_t> matryoshka_dims;
    bool matryoshka_any = false;  ///< the file declares that any dimension works (`"matryoshka_dims": "any"`)
};

/// Named prompts (`semvec.prompts`, from sentence-transformers' config_sentence_transformers.json): text put
/// before the input, chosen by EncodeOptions::prompt_name.
struct PromptConfig {
    std::vector<std::pair<std::string, std::string>> prompts;  ///< (name, text), in the file's order
    std::string default_name;                                  ///< used when the caller names none (may be empty)
    /// The text of prompt `name`, or null.
    const std::string* find(std::string_view name) const {
        for (const auto& p : prompts)
            if (p.first == name) return &p.second;
        return nullptr;
    }
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
    TransformerConfig transformer;     ///< valid for transformers
    StaticConfig static_config;        ///< valid for Static
    PoolingConfig pooling;
    PromptConfig prompts;
    TokenizerInfo tokenizer;
    std::vector<std::string> vocab;    ///< token (or word) of each id, `vocab_size` entries
    std::string source_note;           ///< `semvec.source`, free text (may be empty)

    bool is_transformer() const { return architecture != Architecture::static_vectors; }
    /// Output vector size: H for transformers (the last Dense module's output when there is one), D for
    /// static vectors.
    std::size_t dim() const {
        if (!is_transformer()) return static_config.dim;
        return pooling.dense.empty() ? transformer.hidden_size : pooling.dense.back().out;
    }
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
inline constexpr const char* kPrompts = "semvec.prompts";
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
inline constexpr const char* kRelativeBias = "positions.relative_bias";  // [buckets, heads], shared by the layers
inline constexpr const char* kFinalNormWeight = "final_norm.weight";
inline constexpr const char* kFinalNormBias = "final_norm.bias";
/// "dense.{i}.weight" / "dense.{i}.bias": the Dense modules after the pooling.
inline std::string dense(std::size_t i, std::string_view what) {
    return "dense." + std::to_string(i) + "." + std::string(what);
}
/// "layers.{i}.{suffix}", e.g. layer(3, "attn.qkv.weight").
inline std::string layer(std::size_t i, std::string_view suffix) {
    return "layers." + std::to_string(i) + "." + std::string(suffix);
}
/// The per-layer suffixes, in the order the encoder uses them.
inline constexpr const char* kLayerAttnQkvWeight = "attn.qkv.weight";   // [(nh + 2·nkv)·d, H], rows Q, K, V
inline constexpr const char* kLayerAttnQkvBias = "attn.qkv.bias";       // [(nh + 2·nkv)·d]
inline constexpr const char* kLayerAttnQNormWeight = "attn.q_norm.weight";  // [d] (qk_norm)
inline constexpr const char* kLayerAttnKNormWeight = "attn.k_norm.weight";  // [d] (qk_norm)
inline constexpr const char* kLayerAttnOutWeight = "attn.out.weight";   // [H, nh·d]
inline constexpr const char* kLayerAttnOutBias = "attn.out.bias";       // [H]
inline constexpr const char* kLayerAttnNormWeight = "attn.norm.weight"; // [H]
inline constexpr const char* kLayerAttnNormBias = "attn.norm.bias";     // [H]
inline constexpr const char* kLayerFfnUpWeight = "ffn.up.weight";       // [I, H]; gated: [2I, H], gate rows first
inline constexpr const char* kLayerFfnUpBias = "ffn.up.bias";           // [I] or [2I]
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

/// The tensors that a file of this architecture and config must (or may) hold, with their shapes. `info` as
/// read_model_info fills it (num_kv_heads and head_dim set, not 0).
SEMVEC_API std::vector<ExpectedTensor> expected_tensors(const ModelFileInfo& info);

/// Checks one tensor against its expectation (presence, shape, dtype, int8 scales).
SEMVEC_API Status check_tensor(const SafetensorsFile& file, const ExpectedTensor& e, WeightType w);

/// Parses and checks the semvec metadata and the tensors of `file`. The result is self-contained (it holds
/// no pointer into the file).
SEMVEC_API Result<ModelFileInfo> read_model_info(const SafetensorsFile& file);

}  // namespace semvec

#if SEMVEC_DEFINITIONS
#include <algorithm>
#include <charconv>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "../io/safetensors.hpp"
#include "../text/tokenizer.hpp"

namespace semvec {

SEMVEC_API const char* architecture_name(Architecture a) {
    switch (a) {
        case Architecture::bert: return "bert";
        case Architecture::distilbert: return "distilbert";
        case Architecture::static_vectors: return "static";
        case Architecture::roberta: return "roberta";
        case Architecture::mpnet: return "mpnet";
        case Architecture::nomic_bert: return "nomic_bert";
        case Architecture::modernbert: return "modernbert";
        case Architecture::qwen3: return "qwen3";
    }
    return "?";
}

SEMVEC_API std::optional<Architecture> parse_architecture(std::string_view s) {
    for (Architecture a : {Architecture::bert, Architecture::distilbert, Architecture::static_vectors, Architecture::roberta,
                           Architecture::mpnet, Architecture::nomic_bert, Architecture::modernbert, Architecture::qwen3})
        if (s == architecture_name(a)) return a;
    return std::nullopt;
}

SEMVEC_API const char* weight_type_name(WeightType w) {
    switch (w) {
        case WeightType::f32: return "f32";
        case WeightType::f16: return "f16";
        case WeightType::bf16: return "bf16";
        case WeightType::int8: return "int8";
    }
    return "?";
}

SEMVEC_API const char* activation_name(nn::Activation a) {
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

SEMVEC_API const char* pooling_name(PoolingMode p) {
    switch (p) {
        case PoolingMode::cls: return "cls";
        case PoolingMode::mean: return "mean";
        case PoolingMode::max: return "max";
        case PoolingMode::last: return "last";
    }
    return "?";
}

SEMVEC_API std::optional<PoolingMode> parse_pooling_mode(std::string_view s) {
    for (PoolingMode p : {PoolingMode::cls, PoolingMode::mean, PoolingMode::max, PoolingMode::last})
        if (s == pooling_name(p)) return p;
    return std::nullopt;
}

namespace detail {

/// An error about a model file: malformed (invalid_data) unless said otherwise (unsupported: a value or
/// component semvec does not implement; not_found: a missing key or tensor).
inline Error model_error(const SafetensorsFile& file, std::string item, std::string message,
                         ErrorCode code = ErrorCode::invalid_data) {
    return make_error(code, std::move(message), file.source(), std::move(item));
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
                                     const char* field, std::size_t lo, std::size_t hi,
                                     std::optional<std::size_t> fallback = std::nullopt) {
    const std::string item = std::string("metadata '") + key + "' field '" + field + "'";
    auto it = obj.find(field);
    if (it == obj.end()) {
        if (fallback) return *fallback;
        return model_error(file, item, "missing");
    }
    if (!it->is_number_integer()) return model_error(file, item, "must be an integer, got " + detail::json_preview(*it));
    if (!it->is_number_unsigned() && it->get<std::int64_t>() < 0)
        return model_error(file, item, "must not be negative, got " + detail::json_preview(*it));
    const std::uint64_t v = it->is_number_unsigned() ? it->get<std::uint64_t>() : static_cast<std::uint64_t>(it->get<std::int64_t>());
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

/// The shortest text of v that reads back as v ("0", "1", "1e+12"), independent of the C locale.
inline std::string number_text(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

/// A number field of `obj` in (lo, hi) (exclusive), or `fallback` when absent.
inline Result<double> json_number(const SafetensorsFile& file, const nlohmann::json& obj, const char* key,
                                  const char* field, double lo, double hi, std::optional<double> fallback) {
    const std::string item = std::string("metadata '") + key + "' field '" + field + "'";
    auto it = obj.find(field);
    if (it == obj.end()) {
        if (fallback) return *fallback;
        return model_error(file, item, "missing");
    }
    if (!it->is_number()) return model_error(file, item, "must be a number, got " + detail::json_preview(*it));
    const double v = it->get<double>();
    if (!(v > lo && v < hi))
        return model_error(file, item, "must be in (" + number_text(lo) + ", " + number_text(hi) + "), got " +
                                           detail::json_preview(*it));
    return v;
}

/// An enum field spelled as a string (parse returns nullopt for a value semvec does not implement).
template <class E, class Parse>
inline Status json_enum(const SafetensorsFile& file, const nlohmann::json& obj, const char* key, const char* field,
                        Parse parse, const char* known, E& out) {
    auto it = obj.find(field);
    if (it == obj.end()) return {};
    const std::string item = std::string("metadata '") + key + "' field '" + field + "'";
    if (!it->is_string()) return model_error(file, item, "must be a string, got " + detail::json_preview(*it));
    const std::optional<E> v = parse(it->get<std::string>());
    if (!v)
        return model_error(file, item, "'" + it->get<std::string>() + "' is not supported (" + known + ")",
                           ErrorCode::unsupported);
    out = *v;
    return {};
}

/// The fields a transformer's `semvec.config` may hold. Any other field is refused: a setting this reader
/// does not know cannot be honoured, and ignoring it would change the model silently.
inline const char* const kTransformerConfigFields[] = {
    "hidden_size", "num_layers", "num_heads", "num_kv_heads", "head_dim", "intermediate_size",
    "max_position_embeddings", "type_vocab_size", "vocab_size", "pad_token_id", "has_pooler", "hidden_act",
    "layer_norm_eps", "absolute_positions", "position_padding_idx", "relative_attention_buckets",
    "relative_attention_max_distance", "rotary_theta", "rotary_local_theta", "rotary_dim", "rotary_interleaved",
    "attention", "local_attention_window", "global_attention_every_n_layers", "qk_norm", "attention_bias", "norm",
    "norm_bias", "norm_placement", "embedding_norm", "first_attention_norm", "final_norm", "mlp", "mlp_bias"};

inline Status parse_transformer_config(const SafetensorsFile& file, const nlohmann::json& c, Architecture arch,
                                       TransformerConfig& t) {
    using namespace model_limits;
    const char* K = model_keys::kConfig;
    auto item = [K](const char* field) { return std::string("metadata '") + K + "' field '" + field + "'"; };
    auto unsupported = [&](const char* field, const std::string& why) {
        return model_error(file, item(field), why, ErrorCode::unsupported);
    };
    for (auto it = c.begin(); it != c.end(); ++it) {
        bool known = false;
        for (const char* f : kTransformerConfigFields) known = known || it.key() == f;
        if (!known)
            return model_error(file, "metadata '" + std::string(K) + "' field '" + it.key() + "'",
                               "is not a setting this semvec knows (a newer converter wrote it?); refusing to run the "
                               "model without it",
                               ErrorCode::unsupported);
    }
    auto get = [&](const char* f, std::size_t lo, std::size_t hi, std::size_t& out,
                   std::optional<std::size_t> fallback = std::nullopt) -> Status {
        auto r = json_size(file, c, K, f, lo, hi, fallback);
        if (!r) return r.error();
        out = *r;
        return {};
    };
    auto flag = [&](const char* f, bool& out) -> Status {
        auto r = json_bool(file, c, K, f, out);
        if (!r) return r.error();
        out = *r;
        return {};
    };
    const bool distil = arch == Architecture::distilbert;
    SEMVEC_TRY_STATUS(get("hidden_size", 1, kMaxHidden, t.hidden_size));
    SEMVEC_TRY_STATUS(get("num_layers", 1, kMaxLayers, t.num_layers));
    SEMVEC_TRY_STATUS(get("num_heads", 1, kMaxHidden, t.num_heads));
    SEMVEC_TRY_STATUS(get("intermediate_size", 1, kMaxIntermediate, t.intermediate_size));
    SEMVEC_TRY_STATUS(get("max_position_embeddings", 1, kMaxPositions, t.max_position_embeddings));
    SEMVEC_TRY_STATUS(get("type_vocab_size", 0, kMaxTypeVocab, t.type_vocab_size));
    SEMVEC_TRY_STATUS(get("vocab_size", 1, kMaxVocab, t.vocab_size));
    SEMVEC_TRY_STATUS(get("pad_token_id", 0, kMaxVocab, t.pad_token_id));
    SEMVEC_TRY_STATUS(get("num_kv_heads", 1, t.num_heads, t.num_kv_heads, t.num_heads));
    if (t.num_heads % t.num_kv_heads != 0)
        return model_error(file, item("num_kv_heads"), std::to_string(t.num_kv_heads) + " does not divide num_heads " +
                                                            std::to_string(t.num_heads));
    if (c.contains("head_dim")) {
        SEMVEC_TRY_STATUS(get("head_dim", 1, kMaxHidden, t.head_dim));
    } else {
        if (t.hidden_size % t.num_heads != 0)
            return model_error(file, item("num_heads"), "hidden_size " + std::to_string(t.hidden_size) +
                                                             " is not divisible by num_heads " + std::to_string(t.num_heads));
        t.head_dim = t.hidden_size / t.num_heads;
    }
    if (t.num_heads * t.head_dim > kMaxHidden)
        return model_error(file, item("head_dim"), "num_heads · head_dim is larger than " + std::to_string(kMaxHidden));
    if (t.pad_token_id >= t.vocab_size)
        return model_error(file, item("pad_token_id"),
                           std::to_string(t.pad_token_id) + " is not below vocab_size " + std::to_string(t.vocab_size));
    if (distil && t.type_vocab_size != 0) return model_error(file, item("type_vocab_size"), "must be 0 for distilbert");
    if (arch == Architecture::bert && t.type_vocab_size == 0)
        return model_error(file, item("type_vocab_size"), "must be at least 1 for bert");
    auto act = json_string(file, c, K, "hidden_act", std::nullopt);
    if (!act) return act.error();
    if (*act == "gelu") t.hidden_act = nn::Activation::gelu_erf;
    else if (*act == "gelu_new") t.hidden_act = nn::Activation::gelu_tanh;
    else if (*act == "relu") t.hidden_act = nn::Activation::relu;
    else if (*act == "silu") t.hidden_act = nn::Activation::silu;
    else return unsupported("hidden_act", "'" + *act + "' is not supported (gelu, gelu_new, relu, silu)");
    auto eps = json_number(file, c, K, "layer_norm_eps", 0.0, 1.0, std::nullopt);
    if (!eps) return eps.error();
    t.layer_norm_eps = *eps;
    auto pooler = json_bool(file, c, K, "has_pooler", false);
    if (!pooler) return pooler.error();
    t.has_pooler = *pooler && !distil;

    // Positions.
    SEMVEC_TRY_STATUS(json_enum<AbsolutePositions>(file, c, K, "absolute_positions", parse_absolute_positions,
                                                   "none, arange, from_ids", t.absolute_positions));
    SEMVEC_TRY_STATUS(get("position_padding_idx", 0, kMaxPositions, t.position_padding_idx, t.pad_token_id));
    if (t.absolute_positions == AbsolutePositions::from_ids && t.max_sequence_length() == 0)
        return model_error(file, item("position_padding_idx"),
                           std::to_string(t.position_padding_idx) + " leaves no position of the " +
                               std::to_string(t.max_position_embeddings) + "-row table for tokens");
    SEMVEC_TRY_STATUS(get("relative_attention_buckets", 0, 1024, t.relative_attention_buckets, 0));
    SEMVEC_TRY_STATUS(get("relative_attention_max_distance", 1, kMaxPositions, t.relative_attention_max_distance, 128));
    if (t.relative_attention_buckets != 0 &&
        (t.relative_attention_buckets < 4 || t.relative_attention_buckets % 2 != 0 ||
         t.relative_attention_max_distance <= t.relative_attention_buckets / 4))
        return unsupported("relative_attention_buckets",
                           "bidirectional buckets need an even count >= 4 and max_distance above a quarter of it");
    auto theta = json_number(file, c, K, "rotary_theta", -1.0, 1e12, 0.0);
    if (!theta) return theta.error();
    t.rotary_theta = *theta;
    if (t.rotary_theta < 0.0) return model_error(file, item("rotary_theta"), "must not be negative");
    auto ltheta = json_number(file, c, K, "rotary_local_theta", 0.0, 1e12, t.rotary_theta > 0 ? t.rotary_theta : 1.0);
    if (!ltheta) return ltheta.error();
    t.rotary_local_theta = t.rotary_theta > 0 ? *ltheta : 0.0;
    SEMVEC_TRY_STATUS(get("rotary_dim", 2, t.head_dim, t.rotary_dim, t.head_dim));
    if (t.rotary_dim % 2 != 0) return model_error(file, item("rotary_dim"), "must be even");
    if (t.rotary_theta == 0.0) t.rotary_dim = 0;
    SEMVEC_TRY_STATUS(flag("rotary_interleaved", t.rotary_interleaved));

    // Attention.
    SEMVEC_TRY_STATUS(json_enum<AttentionDirection>(file, c, K, "attention", parse_attention_direction,
                                                    "bidirectional, causal", t.attention));
    SEMVEC_TRY_STATUS(get("local_attention_window", 0, kMaxPositions, t.local_attention_window, 0));
    SEMVEC_TRY_STATUS(get("global_attention_every_n_layers", 1, kMaxLayers, t.global_attention_every_n_layers, 1));
    if (t.attention == AttentionDirection::causal && t.local_attention_window > 0)
        return unsupported("local_attention_window", "a sliding window on causal attention is not implemented");
    if (t.attention == AttentionDirection::causal && t.relative_attention_buckets > 0)
        return unsupported("relative_attention_buckets", "relative position buckets on causal attention are not implemented");
    {
        bool qk = false;
        auto it = c.find("qk_norm");
        if (it != c.end()) {
            if (!it->is_string()) return model_error(file, item("qk_norm"), "must be a string, got " + detail::json_preview(*it));
            if (*it == "rms_norm") qk = true;
            else if (*it != "none") return unsupported("qk_norm", "'" + it->get<std::string>() + "' is not supported (none, rms_norm)");
        }
        t.qk_norm = qk;
    }
    SEMVEC_TRY_STATUS(flag("attention_bias", t.attention_bias));

    // Norms.
    SEMVEC_TRY_STATUS(json_enum<NormKind>(file, c, K, "norm", parse_norm_kind, "layer_norm, rms_norm", t.norm));
    t.norm_bias = t.norm == NormKind::layer_norm;
    SEMVEC_TRY_STATUS(flag("norm_bias", t.norm_bias));
    if (t.norm == NormKind::rms_norm && t.norm_bias) return unsupported("norm_bias", "RMSNorm has no bias");
    SEMVEC_TRY_STATUS(json_enum<NormPlacement>(file, c, K, "norm_placement", parse_norm_placement, "post, pre",
                                               t.norm_placement));
    SEMVEC_TRY_STATUS(flag("embedding_norm", t.embedding_norm));
    SEMVEC_TRY_STATUS(flag("first_attention_norm", t.first_attention_norm));
    SEMVEC_TRY_STATUS(flag("final_norm", t.final_norm));
    if (t.norm_placement == NormPlacement::post && !t.first_attention_norm)
        return unsupported("first_attention_norm", "post-LN layers always normalize after attention");

    // Feed-forward.
    SEMVEC_TRY_STATUS(json_enum<MlpKind>(file, c, K, "mlp", parse_mlp_kind, "plain, gated", t.mlp));
    SEMVEC_TRY_STATUS(flag("mlp_bias", t.mlp_bias));
    return {};
}

/// `semvec.pooling` field 'dense': [{"in", "out", "bias", "activation": "identity" | "tanh"}, ...] (transformers).
inline Status parse_dense(const SafetensorsFile& file, const nlohmann::json& pool, ModelFileInfo& info) {
    const char* K = model_keys::kPooling;
    auto it = pool.find("dense");
    if (it == pool.end()) return {};
    const std::string item = std::string("metadata '") + K + "' field 'dense'";
    if (!it->is_array()) return model_error(file, item, "must be an array");
    if (!info.is_transformer() && !it->empty()) return model_error(file, item, "Dense modules need a transformer model");
    std::size_t in = info.transformer.hidden_size;
    for (const auto& e : *it) {
        if (!e.is_object()) return model_error(file, item, "holds a non-object: " + detail::json_preview(e));
        DenseLayer d;
        auto a = json_size(file, e, K, "in", 1, model_limits::kMaxHidden);
        if (!a) return a.error();
        auto b = json_size(file, e, K, "out", 1, model_limits::kMaxHidden);
        if (!b) return b.error();
        auto bias = json_bool(file, e, K, "bias", true);
        if (!bias) return bias.error();
        auto act = json_string(file, e, K, "activation", std::string("identity"));
        if (!act) return act.error();
        if (*act != "identity" && *act != "tanh")
            return model_error(file, item, "activation '" + *act + "' is not supported (identity, tanh)", ErrorCode::unsupported);
        if (*a != in)
            return model_error(file, item, "module " + std::to_string(info.pooling.dense.size()) + " takes " + std::to_string(*a) +
                                               " inputs but gets " + std::to_string(in));
        d.in = *a;
        d.out = *b;
        d.bias = *bias;
        d.tanh = *act == "tanh";
        info.pooling.dense.push_back(d);
        in = d.out;
    }
    return {};
}

/// `semvec.pooling` field 'matryoshka_dims': the dimensions the model was trained to be cut to, or "any".
inline Status parse_matryoshka(const SafetensorsFile& file, const nlohmann::json& pool, ModelFileInfo& info) {
    auto it = pool.find("matryoshka_dims");
    if (it == pool.end() || it->is_null()) return {};
    const std::string item = std::string("metadata '") + model_keys::kPooling + "' field 'matryoshka_dims'";
    if (it->is_string() && *it == "any") {
        info.pooling.matryoshka_any = true;
        return {};
    }
    if (!it->is_array()) return model_error(file, item, "must be an array of dimensions or \"any\"");
    const std::size_t D = info.dim();
    for (const auto& e : *it) {
        if (!e.is_number_unsigned() || e.get<std::uint64_t>() < 1 || e.get<std::uint64_t>() > D)
            return model_error(file, item, "holds " + detail::json_preview(e) + ", not a dimension in [1, " + std::to_string(D) + "]");
        info.pooling.matryoshka_dims.push_back(e.get<std::size_t>());
    }
    std::sort(info.pooling.matryoshka_dims.rbegin(), info.pooling.matryoshka_dims.rend());
    return {};
}

/// `semvec.prompts` (optional): {"prompts": {name: text, ...}, "default": name or null}.
inline Status parse_prompts(const SafetensorsFile& file, ModelFileInfo& info) {
    if (!file.metadata_value(model_keys::kPrompts)) return {};
    auto j = metadata_json(file, model_keys::kPrompts, false);
    if (!j) return j.error();
    const std::string item = std::string("metadata '") + model_keys::kPrompts + "'";
    auto p = j->find("prompts");
    if (p == j->end() || !p->is_object()) return model_error(file, item, "field 'prompts' must be an object of strings");
    for (auto it = p->begin(); it != p->end(); ++it) {
        if (!it->is_string()) return model_error(file, item, "prompt '" + it.key() + "' is not a string");
        info.prompts.prompts.emplace_back(it.key(), it->get<std::string>());
    }
    auto d = j->find("default");
    if (d != j->end() && !d->is_null()) {
        if (!d->is_string() || !info.prompts.find(d->get<std::string>()))
            return model_error(file, item, "field 'default' must name one of the prompts, got " + detail::json_preview(*d));
        info.prompts.default_name = d->get<std::string>();
    }
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

SEMVEC_API std::vector<ExpectedTensor> expected_tensors(const ModelFileInfo& info) {
    using K = ExpectedTensor::Kind;
    namespace tn = tensor_names;
    std::vector<ExpectedTensor> out;
    auto I = [](std::size_t v) { return static_cast<std::int64_t>(v); };
    if (info.architecture == Architecture::static_vectors) {
        out.push_back({tn::kWordEmbeddings, {I(info.static_config.vocab_size), I(info.static_config.dim)}, K::embedding, true});
        return out;
    }
    const TransformerConfig& t = info.transformer;
    const std::int64_t H = I(t.hidden_size), d = I(t.head_dim), Q = I(t.q_width()), QKV = I(t.qkv_rows());
    const std::int64_t In = I(t.intermediate_size), Up = I(t.up_rows());
    // A norm: weight, plus bias for a LayerNorm with bias.
    auto norm = [&](const std::string& prefix, std::int64_t n) {
        out.push_back({prefix + ".weight", {n}, K::vector, true});
        if (t.norm_bias) out.push_back({prefix + ".bias", {n}, K::vector, true});
    };
    auto linear = [&](const std::string& prefix, std::int64_t rows, std::int64_t cols, bool bias) {
        out.push_back({prefix + ".weight", {rows, cols}, K::matrix, true});
        if (bias) out.push_back({prefix + ".bias", {rows}, K::vector, true});
    };
    out.push_back({tn::kWordEmbeddings, {I(t.vocab_size), H}, K::embedding, true});
    if (t.absolute_positions != AbsolutePositions::none)
        out.push_back({tn::kPositionEmbeddings, {I(t.max_position_embeddings), H}, K::embedding, true});
    if (t.type_vocab_size > 0) out.push_back({tn::kTokenTypeEmbeddings, {I(t.type_vocab_size), H}, K::embedding, true});
    if (t.embedding_norm) norm("embeddings.norm", H);
    if (t.relative_attention_buckets > 0)
        out.push_back({tn::kRelativeBias, {I(t.relative_attention_buckets), I(t.num_heads)}, K::vector, true});
    for (std::size_t i = 0; i < t.num_layers; ++i) {
        const std::string p = "layers." + std::to_string(i) + ".";
        linear(p + "attn.qkv", QKV, H, t.attention_bias);
        if (t.qk_norm) {
            out.push_back({tn::layer(i, tn::kLayerAttnQNormWeight), {d}, K::vector, true});
            out.push_back({tn::layer(i, tn::kLayerAttnKNormWeight), {d}, K::vector, true});
        }
        linear(p + "attn.out", H, Q, t.attention_bias);
        if (t.has_attention_norm(i)) norm(p + "attn.norm", H);
        linear(p + "ffn.up", Up, H, t.mlp_bias);
        linear(p + "ffn.down", H, In, t.mlp_bias);
        norm(p + "ffn.norm", H);
    }
    if (t.final_norm) norm("final_norm", H);
    if (t.has_pooler) {
        out.push_back({tn::kPoolerWeight, {H, H}, K::matrix, true});
        out.push_back({tn::kPoolerBias, {H}, K::vector, true});
    }
    for (std::size_t j = 0; j < info.pooling.dense.size(); ++j) {
        const DenseLayer& dl = info.pooling.dense[j];
        out.push_back({tn::dense(j, "weight"), {I(dl.out), I(dl.in)}, K::matrix, true});
        if (dl.bias) out.push_back({tn::dense(j, "bias"), {I(dl.out)}, K::vector, true});
    }
    return out;
}

SEMVEC_API Status check_tensor(const SafetensorsFile& file, const ExpectedTensor& e, WeightType w) {
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

SEMVEC_API Result<ModelFileInfo> read_model_info(const SafetensorsFile& file) {
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
                               std::to_string(kModelFormatVersion) + ")",
                           ErrorCode::unsupported);
    info.format_version = 1;

    // Architecture.
    const std::string* arch = file.metadata_value(mk::kArchitecture);
    const std::string arch_item = std::string("metadata '") + mk::kArchitecture + "'";
    if (!arch) return model_error(file, arch_item, "missing");
    if (auto a = parse_architecture(*arch)) info.architecture = *a;
    else
        return model_error(file, arch_item,
                           "unknown architecture '" + *arch +
                               "' (known: bert, distilbert, roberta, mpnet, nomic_bert, modernbert, qwen3, static)",
                           ErrorCode::unsupported);

    // Weight dtype.
    const std::string* dt = file.metadata_value(mk::kDtype);
    const std::string dt_item = std::string("metadata '") + mk::kDtype + "'";
    if (!dt) return model_error(file, dt_item, "missing");
    if (*dt == "f32") info.weight_type = WeightType::f32;
    else if (*dt == "f16") info.weight_type = WeightType::f16;
    else if (*dt == "bf16") info.weight_type = WeightType::bf16;
    else if (*dt == "int8") info.weight_type = WeightType::int8;
    else return model_error(file, dt_item, "unknown dtype '" + *dt + "' (known: f32, f16, bf16, int8)", ErrorCode::unsupported);
    if (info.architecture == Architecture::static_vectors && info.weight_type == WeightType::int8)
        return model_error(file, dt_item, "int8 is for transformer weight matrices; static vectors are f32, f16 or bf16");

    // Config.
    auto config = detail::metadata_json(file, mk::kConfig, false);
    if (!config) return config.error();
    std::size_t vocab_size = 0;
    if (info.is_transformer()) {
        SEMVEC_TRY_STATUS(detail::parse_transformer_config(file, *config, info.architecture, info.transformer));
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
        if (auto m = parse_pooling_mode(*mode)) info.pooling.mode = *m;
        else
            return model_error(file, std::string("metadata '") + K + "' field 'mode'",
                               "unknown pooling '" + *mode + "' (cls, mean, max, last)", ErrorCode::unsupported);
        if (info.architecture == Architecture::static_vectors && info.pooling.mode != PoolingMode::mean)
            return model_error(file, std::string("metadata '") + K + "' field 'mode'", "static models pool by mean");
        auto norm = detail::json_bool(file, *pool, K, "normalize", std::nullopt);
        if (!norm) return norm.error();
        info.pooling.normalize = *norm;
        auto src = detail::json_string(file, *pool, K, "source", std::string());
        if (!src) return src.error();
        info.pooling.source = *src;
        SEMVEC_TRY_STATUS(detail::parse_dense(file, *pool, info));
        SEMVEC_TRY_STATUS(detail::parse_matryoshka(file, *pool, info));
    }
    SEMVEC_TRY_STATUS(detail::parse_prompts(file, info));
    if (const std::string* s = file.metadata_value(mk::kSource)) info.source_note = *s;

    // Tensors.
    for (const auto& e : expected_tensors(info)) SEMVEC_TRY_STATUS(check_tensor(file, e, info.weight_type));
    if (info.is_transformer() && !info.transformer.has_pooler && file.find(tensor_names::kPoolerWeight))
        return model_error(file, std::string("tensor '") + tensor_names::kPoolerWeight + "'",
                           "present but semvec.config says has_pooler false");
    return info;
}

}  // namespace semvec
#endif  // SEMVEC_DEFINITIONS
