// semvec/model/encoder_config.hpp — what one transformer layer is made of, as plain fields.
//
// Every family semvec runs (BERT, DistilBERT, RoBERTa / XLM-R, MPNet, NomicBERT, ModernBERT, Qwen3) is one
// TransformerConfig: the converter (scripts/semvec_convert/hf.py) writes the fields into `semvec.config`,
// read_model_info (model_file.hpp) parses and checks them, and the encoder (encoder.hpp) assembles its layer
// from them. Nothing is decided from a family's name. The defaults are BERT's, so files written before these
// fields existed still mean what they meant.
//
//   positions   absolute_positions (learned table; RoBERTa's ids-derived positions), rotary_* (rotary.hpp),
//               relative_attention_* (relative_position.hpp: MPNet's bucketed bias)
//   attention   attention (bidirectional / causal), local_attention_window + global_attention_every_n_layers
//               (ModernBERT's sliding window; attention_mask.hpp), num_kv_heads (grouped-query), qk_norm
//   norms       norm (LayerNorm / RMSNorm), norm_bias, norm_placement (post-LN / pre-LN), embedding_norm,
//               first_attention_norm, final_norm
//   MLP         mlp (plain act(up) / gated act(gate)·up), hidden_act, attention_bias, mlp_bias
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "../config.hpp"
#include "../nn/activation.hpp"

namespace semvec {

/// Where a learned absolute position comes from (`absolute_positions`).
enum class AbsolutePositions {
    none,      ///< no position table (rotary or relative positions only)
    arange,    ///< position i for token i (BERT, DistilBERT)
    from_ids,  ///< RoBERTa / MPNet: position_padding_idx + (number of non-padding tokens up to i), padding
               ///< tokens at position_padding_idx (HF's create_position_ids_from_input_ids)
};

/// Which keys a query sees (`attention`).
enum class AttentionDirection {
    bidirectional,  ///< every key (encoders)
    causal,         ///< keys at or before the query (decoders used as embedders: Qwen3)
};

/// Normalization layer (`norm`).
enum class NormKind { layer_norm, rms_norm };

/// Where the norms sit (`norm_placement`).
enum class NormPlacement {
    post,  ///< x = norm(x + sublayer(x)) (BERT, MPNet, NomicBERT)
    pre,   ///< x = x + sublayer(norm(x)), a final norm after the last layer (ModernBERT, Qwen3)
};

/// Feed-forward block (`mlp`).
enum class MlpKind {
    plain,  ///< down(act(up(x)))
    gated,  ///< down(act(gate(x)) · up(x)): GeGLU / SwiGLU; ffn.up holds the gate rows, then the up rows
};

SEMVEC_API const char* to_string(AbsolutePositions v);
SEMVEC_API const char* to_string(AttentionDirection v);
SEMVEC_API const char* to_string(NormKind v);
SEMVEC_API const char* to_string(NormPlacement v);
SEMVEC_API const char* to_string(MlpKind v);
SEMVEC_API std::optional<AbsolutePositions> parse_absolute_positions(std::string_view s);
SEMVEC_API std::optional<AttentionDirection> parse_attention_direction(std::string_view s);
SEMVEC_API std::optional<NormKind> parse_norm_kind(std::string_view s);
SEMVEC_API std::optional<NormPlacement> parse_norm_placement(std::string_view s);
SEMVEC_API std::optional<MlpKind> parse_mlp_kind(std::string_view s);

/// Hyper-parameters of a transformer file (`semvec.config`), checked by read_model_info. Sizes are bounded
/// so that every product of two of them fits comfortably in 64 bits.
struct TransformerConfig {
    // Shapes.
    std::size_t hidden_size = 0;              ///< H
    std::size_t num_layers = 0;
    std::size_t num_heads = 0;                ///< query heads
    std::size_t num_kv_heads = 0;             ///< key/value heads (grouped-query attention); divides num_heads
    std::size_t head_dim = 0;                 ///< d; H / num_heads unless the file says otherwise (Qwen3)
    std::size_t intermediate_size = 0;        ///< I (the gated MLP's ffn.up has 2·I rows)
    std::size_t max_position_embeddings = 0;  ///< P: the position table's rows, else the longest input
    std::size_t type_vocab_size = 0;          ///< T; 0 = no token types
    std::size_t vocab_size = 0;               ///< V
    std::size_t pad_token_id = 0;
    bool has_pooler = false;                  ///< BERT's pooler (pooler.weight/.bias) present

    // Positions.
    AbsolutePositions absolute_positions = AbsolutePositions::arange;
    std::size_t position_padding_idx = 0;             ///< from_ids: HF's padding_idx
    std::size_t relative_attention_buckets = 0;       ///< MPNet: 32 buckets (0 = none)
    std::size_t relative_attention_max_distance = 128;
    double rotary_theta = 0.0;                        ///< rotary base (0 = no rotary)
    double rotary_local_theta = 0.0;                  ///< base of the sliding-window layers (ModernBERT)
    std::size_t rotary_dim = 0;                       ///< leading dims of each head that rotate (even, ≤ d)
    bool rotary_interleaved = false;                  ///< rotate pairs (2j, 2j+1) instead of halves (j, j + dim/2)

    // Attention.
    AttentionDirection attention = AttentionDirection::bidirectional;
    std::size_t local_attention_window = 0;           ///< sliding-window layers: keys with |i − j| ≤ this (0 = none)
    std::size_t global_attention_every_n_layers = 1;  ///< with a window: layer l is global when l % n == 0
    bool qk_norm = false;                             ///< RMSNorm on each query and key head (Qwen3)
    bool attention_bias = true;                       ///< biases on the QKV and output projections

    // Norms.
    NormKind norm = NormKind::layer_norm;
    bool norm_bias = true;               ///< LayerNorm shift (false: ModernBERT)
    double layer_norm_eps = 1e-12;       ///< eps of every norm
    NormPlacement norm_placement = NormPlacement::post;
    bool embedding_norm = true;          ///< a norm right after the embeddings
    bool first_attention_norm = true;    ///< pre-LN: layer 0 normalizes before attention (ModernBERT: no)
    bool final_norm = false;             ///< a norm after the last layer (pre-LN models)

    // Feed-forward.
    MlpKind mlp = MlpKind::plain;
    nn::Activation hidden_act = nn::Activation::gelu_erf;  ///< "gelu" = erf form, "gelu_new" = tanh form
    bool mlp_bias = true;

    /// Width of the query projection: num_heads · head_dim.
    std::size_t q_width() const { return num_heads * head_dim; }
    /// Rows of the fused QKV matrix: (num_heads + 2 · num_kv_heads) · head_dim.
    std::size_t qkv_rows() const { return (num_heads + 2 * num_kv_heads) * head_dim; }
    /// Rows of ffn.up: I, or 2·I for a gated MLP.
    std::size_t up_rows() const { return mlp == MlpKind::gated ? 2 * intermediate_size : intermediate_size; }
    /// Whether layer l attends through the sliding window.
    bool layer_is_local(std::size_t l) const {
        return local_attention_window > 0 && l % global_attention_every_n_layers != 0;
    }
    /// Whether layer l has an attention norm (attn.norm.*).
    bool has_attention_norm(std::size_t l) const {
        return norm_placement == NormPlacement::post || l > 0 || first_attention_norm;
    }
    /// Longest input in tokens: the position table's rows minus RoBERTa's offset, or P.
    std::size_t max_sequence_length() const {
        if (absolute_positions == AbsolutePositions::from_ids)
            return max_position_embeddings > position_padding_idx + 1 ? max_position_embeddings - position_padding_idx - 1 : 0;
        return max_position_embeddings;
    }
};

}  // namespace semvec

#if SEMVEC_DEFINITIONS
namespace semvec {

SEMVEC_API const char* to_string(AbsolutePositions v) {
    switch (v) {
        case AbsolutePositions::none: return "none";
        case AbsolutePositions::arange: return "arange";
        case AbsolutePositions::from_ids: return "from_ids";
    }
    return "?";
}
SEMVEC_API const char* to_string(AttentionDirection v) {
    return v == AttentionDirection::causal ? "causal" : "bidirectional";
}
SEMVEC_API const char* to_string(NormKind v) { return v == NormKind::rms_norm ? "rms_norm" : "layer_norm"; }
SEMVEC_API const char* to_string(NormPlacement v) { return v == NormPlacement::pre ? "pre" : "post"; }
SEMVEC_API const char* to_string(MlpKind v) { return v == MlpKind::gated ? "gated" : "plain"; }

SEMVEC_API std::optional<AbsolutePositions> parse_absolute_positions(std::string_view s) {
    if (s == "none") return AbsolutePositions::none;
    if (s == "arange") return AbsolutePositions::arange;
    if (s == "from_ids") return AbsolutePositions::from_ids;
    return std::nullopt;
}
SEMVEC_API std::optional<AttentionDirection> parse_attention_direction(std::string_view s) {
    if (s == "bidirectional") return AttentionDirection::bidirectional;
    if (s == "causal") return AttentionDirection::causal;
    return std::nullopt;
}
SEMVEC_API std::optional<NormKind> parse_norm_kind(std::string_view s) {
    if (s == "layer_norm") return NormKind::layer_norm;
    if (s == "rms_norm") return NormKind::rms_norm;
    return std::nullopt;
}
SEMVEC_API std::optional<NormPlacement> parse_norm_placement(std::string_view s) {
    if (s == "post") return NormPlacement::post;
    if (s == "pre") return NormPlacement::pre;
    return std::nullopt;
}
SEMVEC_API std::optional<MlpKind> parse_mlp_kind(std::string_view s) {
    if (s == "plain") return MlpKind::plain;
    if (s == "gated") return MlpKind::gated;
    return std::nullopt;
}

}  // namespace semvec
#endif
